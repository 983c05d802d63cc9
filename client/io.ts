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

export function processIo(): Io {
  const tty = process.stdout.isTTY === true;
  // picocolors decides from NO_COLOR/FORCE_COLOR/TERM; we add "only on a terminal".
  const enabled = tty && !('NO_COLOR' in process.env) && createColors().isColorSupported;
  return {
    style: { tty, colors: createColors(enabled) },
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    json: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    now: () => Date.now(),
  };
}
