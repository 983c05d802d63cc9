/**
 * Text that comes from a project (comments, reasons, names, error messages) printed on a person's terminal: escape
 * sequences and control characters in it could recolour the screen, move the cursor, set the window title or hide
 * text (ANSI CSI, OSC, C0 and C1 controls), and bidirectional overrides could show it in another order than it
 * reads (Trojan Source). Each such character is shown as a visible escape (`\x1b`, `\u202e`) instead; line breaks and
 * tabs become a space so a table row stays one row.
 */

// C0 controls (but tab, LF, CR: whitespace handled below), DEL, C1 controls, bidi embeddings/overrides/isolates.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function visible(char: string): string {
  const code = char.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of text safe to print: controls shown as escapes, runs of whitespace (newlines too) as one space. */
export function clean(text: string | undefined): string {
  if (!text) return '';
  return text.replace(UNSAFE, visible).replace(/[\t\n\r\u2028\u2029\u0085]+/g, ' ');
}

/** Many lines safe to print (a markdown report): the same escapes, line breaks and tabs kept. */
export function cleanBlock(text: string): string {
  return text
    .replace(UNSAFE, visible)
    .replace(/\r\n?/g, '\n')
    .replace(/[\u2028\u2029]/g, '\n');
}
