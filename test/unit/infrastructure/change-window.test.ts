import fc from 'fast-check';
import {
  addWeekdayHours,
  describeChangeWindow,
  formatUtc,
  isWithinChangeWindow,
  nextChangeWindow,
  parseIsoInstant,
  PRODUCTION_NOTICE_HOURS,
  weekdayHoursBetween,
} from '../../../activities/infrastructure/change-window';
import type { ChangeWindow } from '../../../workflows/project-input';

// 2026-05-11 is a Monday, 2026-05-16 a Saturday.
const TUE_THU: ChangeWindow[] = [{ days: ['tue', 'thu'], startUtc: '22:00', durationMinutes: 240 }];

describe('weekday hours (the 48-hour production notice, weekends excluded)', () => {
  it('counts Monday–Friday hours only', () => {
    expect(weekdayHoursBetween('2026-05-11T09:00:00Z', '2026-05-13T09:00:00Z')).toBe(48); // Mon → Wed
    expect(weekdayHoursBetween('2026-05-15T17:00:00Z', '2026-05-18T17:00:00Z')).toBe(24); // Fri → Mon: 7 + 17
    expect(weekdayHoursBetween('2026-05-16T00:00:00Z', '2026-05-18T00:00:00Z')).toBe(0); // the weekend itself
    expect(weekdayHoursBetween('2026-05-15T09:00:00Z', '2026-05-19T09:00:00Z')).toBe(48); // Fri → Tue over a weekend
    expect(weekdayHoursBetween('2026-05-13T09:00:00Z', '2026-05-11T09:00:00Z')).toBe(0); // backwards
    expect(weekdayHoursBetween('2026-05-15T12:00:00+02:00', '2026-05-15T13:00:00Z')).toBe(3); // offsets honoured
  });

  it('adds weekday hours, jumping weekends', () => {
    expect(addWeekdayHours('2026-05-11T09:00:00Z', 48)).toBe('2026-05-13T09:00:00.000Z');
    expect(addWeekdayHours('2026-05-14T10:00:00Z', 48)).toBe('2026-05-18T10:00:00.000Z'); // Thu → Mon
    expect(addWeekdayHours('2026-05-16T10:00:00Z', 48)).toBe('2026-05-20T00:00:00.000Z'); // Sat → Mon 00:00 + 48 h
    expect(addWeekdayHours('2026-05-14T00:00:00Z', 48)).toBe('2026-05-16T00:00:00.000Z'); // Thu 00:00 → Fri ends
    expect(addWeekdayHours('2026-05-16T10:00:00Z', 0)).toBe('2026-05-16T10:00:00.000Z');
  });

  it('adding and counting agree for any instant and amount', () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 * 24 * 60 }), fc.integer({ min: 1, max: 200 * 60 }), (minutes, noticeMinutes) => {
        const from = new Date(start + minutes * 60_000).toISOString();
        const hours = noticeMinutes / 60;
        const earliest = addWeekdayHours(from, hours);
        expect(weekdayHoursBetween(from, earliest)).toBeCloseTo(hours, 6);
        // a minute earlier is not enough notice
        const before = new Date(parseIsoInstant(earliest) - 60_000).toISOString();
        expect(weekdayHoursBetween(from, before)).toBeLessThan(hours);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses date-times without a zone', () => {
    expect(() => weekdayHoursBetween('2026-05-11T09:00', '2026-05-12T09:00:00Z')).toThrow(/not an ISO date-time with a zone/);
  });
});

describe('next change window', () => {
  it('takes the next occurrence after a moment without notice', () => {
    expect(nextChangeWindow(TUE_THU, '2026-05-11T09:00:00Z')).toEqual({
      startIso: '2026-05-12T22:00:00.000Z',
      endIso: '2026-05-13T02:00:00.000Z',
    });
    expect(nextChangeWindow(TUE_THU, '2026-05-12T22:00:00Z').startIso).toBe('2026-05-12T22:00:00.000Z');
    expect(nextChangeWindow(TUE_THU, '2026-05-12T22:00:01Z').startIso).toBe('2026-05-14T22:00:00.000Z');
  });

  it('leaves 48 weekday hours for Production', () => {
    // Monday 09:00 + 48 h = Wednesday 09:00 → Thursday's window
    expect(nextChangeWindow(TUE_THU, '2026-05-11T09:00:00Z', PRODUCTION_NOTICE_HOURS).startIso).toBe('2026-05-14T22:00:00.000Z');
    // Thursday 10:00 + 48 weekday hours = Monday 10:00 → Tuesday's window (a calendar count would allow Saturday)
    expect(nextChangeWindow(TUE_THU, '2026-05-14T10:00:00Z', PRODUCTION_NOTICE_HOURS).startIso).toBe('2026-05-19T22:00:00.000Z');
    // Friday 23:00: the weekend adds nothing → Tuesday 23:00 earliest → Thursday's window
    expect(nextChangeWindow(TUE_THU, '2026-05-15T23:00:00Z', PRODUCTION_NOTICE_HOURS).startIso).toBe('2026-05-21T22:00:00.000Z');
  });

  it('handles weekend windows: Saturday after a Thursday request is too soon', () => {
    const saturday: ChangeWindow[] = [{ days: ['sat'], startUtc: '06:00', durationMinutes: 120 }];
    // Thursday 00:00 + 48 weekday hours = Saturday 00:00 → Saturday 06:00 qualifies
    expect(nextChangeWindow(saturday, '2026-05-14T00:00:00Z', 48).startIso).toBe('2026-05-16T06:00:00.000Z');
    // Thursday 00:30 + 48 weekday hours = Monday 00:30 → the Saturday after
    expect(nextChangeWindow(saturday, '2026-05-14T00:30:00Z', 48).startIso).toBe('2026-05-23T06:00:00.000Z');
  });

  it('picks the earliest among several windows', () => {
    const windows: ChangeWindow[] = [...TUE_THU, { days: ['wed'], startUtc: '03:00', durationMinutes: 60 }];
    expect(nextChangeWindow(windows, '2026-05-11T09:00:00Z')).toEqual({
      startIso: '2026-05-12T22:00:00.000Z',
      endIso: '2026-05-13T02:00:00.000Z',
    });
    expect(nextChangeWindow(windows, '2026-05-12T23:00:00Z').startIso).toBe('2026-05-13T03:00:00.000Z');
    expect(() => nextChangeWindow([], '2026-05-12T23:00:00Z')).toThrow(/no change window/);
  });

  it('tells whether a range lies inside a window, also past midnight', () => {
    expect(isWithinChangeWindow(TUE_THU, { startIso: '2026-05-12T22:00:00Z', endIso: '2026-05-13T02:00:00Z' })).toBe(true);
    expect(isWithinChangeWindow(TUE_THU, { startIso: '2026-05-13T00:30:00Z', endIso: '2026-05-13T01:30:00Z' })).toBe(true);
    expect(isWithinChangeWindow(TUE_THU, { startIso: '2026-05-12T22:00:00Z', endIso: '2026-05-13T02:30:00Z' })).toBe(false);
    expect(isWithinChangeWindow(TUE_THU, { startIso: '2026-05-13T22:00:00Z', endIso: '2026-05-13T23:00:00Z' })).toBe(false);
  });

  it('describes windows and instants in UTC', () => {
    expect(describeChangeWindow(TUE_THU[0]!)).toBe('Tue, Thu 22:00 UTC for 4 h');
    expect(describeChangeWindow({ days: ['sat'], startUtc: '06:00', durationMinutes: 90 })).toBe('Sat 06:00 UTC for 90 min');
    expect(formatUtc('2026-05-12T22:00:00Z')).toBe('Tue 2026-05-12 22:00 UTC');
  });
});
