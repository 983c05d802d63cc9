/**
 * Customer change windows for production work, as pure date math on UTC instants so the workflow can compute
 * the next window deterministically (it passes its own clock in).
 */
import type { ChangeWindow, Weekday } from './project-input';

export interface WindowInstance {
  startIso: string;
  endIso: string;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** JavaScript's getUTCDay() order. */
const WEEKDAY_BY_UTC_DAY: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * Hours between two instants that fall on Monday to Friday (UTC): Adobe's production notice "excluding weekends".
 */
export function businessHoursBetween(fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  let total = 0;
  let cursor = fromMs;
  while (cursor < toMs) {
    const dayStart = Math.floor(cursor / DAY_MS) * DAY_MS;
    const dayEnd = Math.min(dayStart + DAY_MS, toMs);
    const weekday = new Date(dayStart).getUTCDay();
    if (weekday !== 0 && weekday !== 6) total += dayEnd - cursor;
    cursor = dayEnd;
  }
  return total / HOUR_MS;
}

/**
 * The first window that has not ended at `afterMs` and, when `minNoticeBusinessHours` is given, starts at least
 * that many weekday hours later. A window already open counts from `afterMs` (work may start at once).
 */
export function nextChangeWindow(windows: readonly ChangeWindow[], afterMs: number, minNoticeBusinessHours = 0): WindowInstance {
  let best: { start: number; end: number } | undefined;
  const firstDay = Math.floor(afterMs / DAY_MS) * DAY_MS - DAY_MS; // a window may have begun the day before
  for (let day = 0; day < 7 * 8; day += 1) {
    const dayStart = firstDay + day * DAY_MS;
    const weekday = WEEKDAY_BY_UTC_DAY[new Date(dayStart).getUTCDay()]!;
    for (const window of windows) {
      if (!window.days.includes(weekday)) continue;
      const [hours, minutes] = window.startUtc.split(':').map(Number) as [number, number];
      const start = dayStart + hours * HOUR_MS + minutes * 60_000;
      const end = start + window.durationMinutes * 60_000;
      if (end <= afterMs) continue;
      if (minNoticeBusinessHours > 0 && businessHoursBetween(afterMs, start) < minNoticeBusinessHours) continue;
      const effectiveStart = Math.max(start, afterMs);
      if (!best || effectiveStart < best.start) best = { start: effectiveStart, end };
    }
    if (best && best.start < dayStart) break;
  }
  if (!best) throw new Error('no change window in the next eight weeks; check the project changeWindows');
  return { startIso: new Date(best.start).toISOString(), endIso: new Date(best.end).toISOString() };
}
