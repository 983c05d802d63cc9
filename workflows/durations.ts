/** Parses the project file's durations (`30s`, `15m`, `48h`, `2d`, `1w`, `500ms`) to milliseconds. */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function durationToMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a duration such as "30s", "15m", "48h", "2d" or "1w"`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
}
