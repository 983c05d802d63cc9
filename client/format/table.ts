/**
 * Tables for people and for pipes: bordered (cli-table3) on a terminal, plain columns separated by two spaces
 * otherwise, so `grep`/`awk` and tests read the same cells a person sees.
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

export function renderTable(headers: string[], rows: Row[], style: Style): string {
  const cells = rows.map((row) => headers.map((_, i) => String(row[i] ?? '')));
  if (style.tty) {
    const table = new Table({ head: headers.map((h) => style.colors.bold(h)), style: { head: [], border: [] }, wordWrap: true });
    for (const row of cells) table.push(row);
    return table.toString();
  }
  const widths = headers.map((h, i) => Math.max(visibleLength(h), ...cells.map((row) => visibleLength(row[i]!))));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell))))
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...cells.map(line)].join('\n');
}
