/**
 * Tables for people and for pipes: bordered (cli-table3) on a terminal, plain columns separated by two spaces
 * otherwise, so `grep`/`awk` and tests read the same cells a person sees.
 *
 * A table fits `style.width` (the terminal's columns; unlimited when piped unless COLUMNS is set, or with `--wide`):
 * the widest columns give way first, down to a floor, so short columns (ids, states, counts) stay whole. On a
 * terminal a narrowed cell wraps onto more lines; in plain output it is cut with `…`, so one row stays one line.
 */
import Table from 'cli-table3';
import type { Style } from '../io';

export type Row = (string | number | undefined)[];

/** Visible width: colour codes take no room. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
export function visibleLength(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

/** A column is never narrowed below this (or below its own widest cell when that is shorter). */
const MIN_COLUMN = 6;
const PLAIN_GAP = 2;

/** Free-text columns (`flex`) give way first, down to this, before every column shares the narrowing. */
const FLEX_FIRST_FLOOR = 20;

/** The widest column above its floor loses one character at a time (ties: the rightmost) until `total` fits. */
function narrow(widths: number[], floors: number[], budget: number): void {
  let total = widths.reduce((a, b) => a + b, 0);
  while (total > budget) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      if (widths[i]! > floors[i]! && (widest < 0 || widths[i]! >= widths[widest]!)) widest = i;
    }
    if (widest < 0) return;
    widths[widest]! -= 1;
    total -= 1;
  }
}

/**
 * Column widths that fit `budget` visible characters of content: first the free-text columns (`flex`) narrow,
 * down to FLEX_FIRST_FLOOR, then the widest of all columns loses one character at a time until the total fits or
 * every column is at its floor.
 */
export function fitWidths(natural: number[], floors: number[], budget: number, flex: number[] = []): number[] {
  const widths = [...natural];
  const flexFloors = widths.map((w, i) => (flex.includes(i) ? Math.max(floors[i]!, Math.min(w, FLEX_FIRST_FLOOR)) : w));
  narrow(widths, flexFloors, budget);
  narrow(widths, floors, budget);
  return widths;
}

/** Cuts plain (colourless) text to `width` visible characters, ending with `…` when cut. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 1 ? '…'.slice(0, width) : `${chars.slice(0, width - 1).join('')}…`;
}

/**
 * Lines of at most `width` characters, broken between words or after a hyphen (`create-upgrade-` / `plan`); a
 * longer word is broken inside. Nothing is lost.
 */
export function wrapText(text: string, width: number, options: { hyphens?: boolean; nextWidth?: number } = {}): string[] {
  if (visibleLength(text) <= width) return [text];
  const { hyphens = true, nextWidth = width } = options;
  const tokens = text.replace(ANSI, '').match(hyphens ? /[^ -]+-*|-+| +/g : /[^ ]+| +/g) ?? [];
  const lines: string[] = [];
  let line = '';
  const room = () => (lines.length === 0 ? width : nextWidth);
  const flush = () => {
    if (line.trim()) lines.push(line.trimEnd());
    line = '';
  };
  for (const token of tokens) {
    if (visibleLength(line + token) <= room()) {
      line += token;
      continue;
    }
    if (!token.trim()) {
      flush();
      continue;
    }
    flush();
    let rest = [...token];
    while (rest.length > room()) {
      const cut = room();
      lines.push(rest.slice(0, cut).join(''));
      rest = rest.slice(cut);
    }
    line = rest.join('');
  }
  flush();
  return lines;
}

/** A kept column wraps only at spaces: a time stays `2026-03-02` / `09:00:07Z`. */
const longestWord = (text: string) =>
  Math.max(
    0,
    ...text
      .replace(ANSI, '')
      .split(' ')
      .map((w) => [...w].length),
  );

export interface TableOptions {
  /**
   * Columns (by index) that are never cut when piped, and on a terminal are only wrapped between words (times,
   * counts): they are what a row is read by.
   */
  keep?: number[];
  /** Free-text columns (comments, names lists) that give way before the others. */
  flex?: number[];
}

export function renderTable(headers: string[], rows: Row[], style: Style, options: TableOptions = {}): string {
  const cells = rows.map((row) => headers.map((_, i) => String(row[i] ?? '')));
  const width = style.width ?? Number.POSITIVE_INFINITY;
  const keep = new Set(options.keep ?? []);
  const natural = headers.map((h, i) => Math.max(visibleLength(h), ...cells.map((row) => visibleLength(row[i]!))));
  if (style.tty) {
    // cli-table3: one space of padding on each side of a cell, and a border before every column and after the last.
    const chrome = headers.length * 3 + 1;
    const floors = headers.map((h, i) =>
      Math.min(natural[i]!, keep.has(i) ? Math.max(longestWord(h), ...cells.map((row) => longestWord(row[i]!))) : MIN_COLUMN),
    );
    const fitted = Number.isFinite(width) ? fitWidths(natural, floors, width - chrome, options.flex) : natural;
    const table = new Table({
      head: headers.map((h, i) =>
        wrapText(h, fitted[i]!)
          .map((line) => style.colors.bold(line))
          .join('\n'),
      ),
      style: { head: [], border: [] },
      ...(Number.isFinite(width) ? { colWidths: fitted.map((w) => w + 2) } : {}),
    });
    // Wrapped here rather than by cli-table3, which cuts a word longer than its column with "…".
    for (const row of cells) table.push(row.map((cell, i) => wrapText(cell, fitted[i]!).join('\n')));
    return table.toString();
  }
  const floors = headers.map((_, i) => (keep.has(i) ? natural[i]! : Math.min(natural[i]!, MIN_COLUMN)));
  const widths = Number.isFinite(width) ? fitWidths(natural, floors, width - PLAIN_GAP * (headers.length - 1), options.flex) : natural;
  const fit = (cell: string, i: number) => (visibleLength(cell) > widths[i]! ? truncate(cell.replace(ANSI, ''), widths[i]!) : cell);
  const line = (row: string[]) =>
    row
      .map((raw, i) => {
        const cell = fit(raw, i);
        return i === row.length - 1 ? cell : cell + ' '.repeat(Math.max(0, widths[i]! - visibleLength(cell)));
      })
      .join(' '.repeat(PLAIN_GAP))
      .trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...cells.map(line)].join('\n');
}

/** Free lines beside a table (status's "Waiting on", errors) wrapped to the width, continuing indented. */
export function wrapLines(lines: string[], style: Style, indent = '      '): string[] {
  const width = style.width;
  if (!width) return [...lines];
  return lines.flatMap((line) =>
    line.split('\n').flatMap((part) => {
      if (visibleLength(part) <= width) return [part];
      const lead = /^ */.exec(part)![0];
      const [first, ...rest] = wrapText(part.slice(lead.length), Math.max(20, width - lead.length), {
        hyphens: false,
        nextWidth: Math.max(20, width - lead.length - indent.length),
      });
      return [lead + first!, ...rest.map((r) => lead + indent + r)];
    }),
  );
}
