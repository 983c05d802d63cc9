/**
 * Where the CLI writes, and how: colours and bordered tables only when stdout is a terminal (picocolors also honours
 * NO_COLOR / FORCE_COLOR), plain aligned text for pipes and scripts, JSON on request.
 */
import { createColors } from 'picocolors';

export type Colors = ReturnType<typeof createColors>;

export interface Style {
  /** stdout is a terminal: draw bordered tables. */
  tty: boolean;
  colors: Colors;
  /**
   * Columns a table may take: the terminal's width, or COLUMNS when set; unlimited (undefined) when piped without
   * COLUMNS and with `--wide`, so scripts get whole cells.
   */
  width?: number;
}

/** The width tables fit: `--wide` is unlimited; else the terminal's columns, or COLUMNS (e.g. `COLUMNS=120 cuo … | less`). */
export function terminalWidth(tty: boolean, columns: number | undefined, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return tty && columns && columns > 0 ? columns : undefined;
}

/** The style with tables at full width (`--wide`). */
export function wide(style: Style, on: boolean | undefined): Style {
  return on ? { ...style, width: undefined } : style;
}

export interface Io {
  style: Style;
  out(text: string): void;
  err(text: string): void;
  json(value: unknown): void;
  /** The clock, injectable for tests of relative times. */
  now(): number;
}

export function plainStyle(): Style {
  return { tty: false, colors: createColors(false) };
}

let pipeClosedHandled = false;

export function processIo(): Io {
  const tty = process.stdout.isTTY === true;
  if (!pipeClosedHandled) {
    pipeClosedHandled = true;
    // `cuo history p | head`: the reader left; what is left to print has no one to read it. Not an error.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
  // picocolors decides from NO_COLOR/FORCE_COLOR/TERM; we add "only on a terminal".
  const enabled = tty && !('NO_COLOR' in process.env) && createColors().isColorSupported;
  return {
    style: { tty, colors: createColors(enabled), width: terminalWidth(tty, process.stdout.columns) },
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    json: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    now: () => Date.now(),
  };
}
