/**
 * Change windows and the production notice rule as pure date math on ISO strings, in UTC (Adobe schedules Pro
 * windows in UTC; Production needs ≥48 hours of notice, weekends excluded — facts §2).
 *
 * Free of Node imports and of the clock on purpose: the workflow may import this file as it is.
 */
import type { ChangeWindow, Weekday } from '../../workflows/project-input';

export const PRODUCTION_NOTICE_HOURS = 48;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** getUTCDay() order: 0 is Sunday. */
const DAY_NAMES: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export interface TimeRange {
  startIso: string;
  endIso: string;
}

/** Milliseconds since the epoch of an ISO date-time with a zone ("Z" or "+02:00") or a plain date (UTC midnight). */
export function parseIsoInstant(iso: string): number {
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(iso) || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(iso);
  const ms = valid ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new Error(`"${iso}" is not an ISO date-time with a zone, e.g. "2026-05-12T22:00:00Z"`);
  }
  return ms;
}

function midnight(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

function isWeekend(ms: number): boolean {
  const day = new Date(ms).getUTCDay();
  return day === 0 || day === 6;
}

function weekdayMs(from: number, to: number): number {
  let total = 0;
  for (let cursor = from; cursor < to;) {
    const end = Math.min(midnight(cursor) + DAY, to);
    if (!isWeekend(cursor)) total += end - cursor;
    cursor = end;
  }
  return total;
}

/** Hours between two instants that fall on Monday–Friday (UTC); 0 when `to` is not after `from`. */
export function weekdayHoursBetween(fromIso: string, toIso: string): number {
  return weekdayMs(parseIsoInstant(fromIso), parseIsoInstant(toIso)) / HOUR;
}

/** The earliest instant with `hours` Monday–Friday (UTC) hours after `fromIso`. */
export function addWeekdayHours(fromIso: string, hours: number): string {
  return new Date(addWeekdayMs(parseIsoInstant(fromIso), hours * HOUR)).toISOString();
}

function addWeekdayMs(from: number, amount: number): number {
  let remaining = amount;
  let cursor = from;
  while (remaining > 0) {
    const dayEnd = midnight(cursor) + DAY;
    if (!isWeekend(cursor)) {
      if (remaining <= dayEnd - cursor) return cursor + remaining;
      remaining -= dayEnd - cursor;
    }
    cursor = dayEnd;
  }
  return cursor;
}

function startMinutes(window: ChangeWindow): number {
  const [hours = 0, minutes = 0] = window.startUtc.split(':').map(Number);
  return hours * 60 + minutes;
}

/** Occurrences of the windows that start on the UTC day beginning at `dayStart`. */
function occurrencesOn(windows: readonly ChangeWindow[], dayStart: number): { start: number; end: number }[] {
  const name = DAY_NAMES[new Date(dayStart).getUTCDay()];
  return windows
    .filter((w) => name !== undefined && w.days.includes(name))
    .map((w) => {
      const start = dayStart + startMinutes(w) * 60_000;
      return { start, end: start + w.durationMinutes * 60_000 };
    });
}

/**
 * The first occurrence of any of the customer's weekly windows that starts at or after `afterIso` plus
 * `minNoticeHours` weekday hours (pass PRODUCTION_NOTICE_HOURS for Production).
 */
export function nextChangeWindow(windows: readonly ChangeWindow[], afterIso: string, minNoticeHours = 0): TimeRange {
  if (windows.length === 0) throw new Error('no change window is configured; add one to changeWindows in the project file');
  const earliest = addWeekdayMs(parseIsoInstant(afterIso), minNoticeHours * HOUR);
  let best: { start: number; end: number } | undefined;
  for (let offset = 0; offset <= 7 && !best; offset += 1) {
    for (const occurrence of occurrencesOn(windows, midnight(earliest) + offset * DAY)) {
      if (occurrence.start >= earliest && (!best || occurrence.start < best.start)) best = occurrence;
    }
  }
  if (!best) throw new Error('no change window occurs within a week; check the days of changeWindows');
  return { startIso: new Date(best.start).toISOString(), endIso: new Date(best.end).toISOString() };
}

/** Whether a time range lies inside one occurrence of the customer's windows. */
export function isWithinChangeWindow(windows: readonly ChangeWindow[], range: TimeRange): boolean {
  const start = parseIsoInstant(range.startIso);
  const end = parseIsoInstant(range.endIso);
  // A window that began the day before can still be open (22:00 for 240 minutes).
  return [midnight(start) - DAY, midnight(start)].some((dayStart) =>
    occurrencesOn(windows, dayStart).some((o) => o.start <= start && end <= o.end),
  );
}

const LABELS: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

/** "Tue, Thu 22:00 UTC for 4 h" */
export function describeChangeWindow(window: ChangeWindow): string {
  const minutes = window.durationMinutes;
  const length = minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
  return `${window.days.map((d) => LABELS[d]).join(', ')} ${window.startUtc} UTC for ${length}`;
}

/** "Tue 2026-05-12 22:00 UTC" */
export function formatUtc(iso: string): string {
  const ms = parseIsoInstant(iso);
  const text = new Date(ms).toISOString();
  const day = DAY_NAMES[new Date(ms).getUTCDay()] ?? 'mon';
  return `${LABELS[day]} ${text.slice(0, 10)} ${text.slice(11, 16)} UTC`;
}
