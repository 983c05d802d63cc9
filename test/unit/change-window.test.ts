import { businessHoursBetween, nextChangeWindow } from '../../workflows/change-window';

const at = (iso: string) => Date.parse(iso);

describe('change windows', () => {
  const saturdayNight = [{ days: ['sat' as const], startUtc: '22:00', durationMinutes: 240 }];

  it('finds the next weekly window after a moment', () => {
    // 2026-11-25 is a Wednesday.
    expect(nextChangeWindow(saturdayNight, at('2026-11-25T10:00:00Z'))).toEqual({
      startIso: '2026-11-28T22:00:00.000Z',
      endIso: '2026-11-29T02:00:00.000Z',
    });
  });

  it('counts a window already open from now, and rolls a missed one to the next week', () => {
    expect(nextChangeWindow(saturdayNight, at('2026-11-29T01:00:00Z')).startIso).toBe('2026-11-29T01:00:00.000Z');
    expect(nextChangeWindow(saturdayNight, at('2026-11-29T02:00:00Z')).startIso).toBe('2026-12-05T22:00:00.000Z');
  });

  it('counts notice in weekday hours only', () => {
    // Friday 12:00 to Monday 12:00 is 12 + 12 weekday hours.
    expect(businessHoursBetween(at('2026-11-27T12:00:00Z'), at('2026-11-30T12:00:00Z'))).toBe(24);
    expect(businessHoursBetween(at('2026-11-28T00:00:00Z'), at('2026-11-30T00:00:00Z'))).toBe(0);
  });

  it('skips windows that give less than the notice required', () => {
    // Thursday 10:00: Saturday 22:00 gives only 38 weekday hours, so the next Saturday is chosen for 48 h notice.
    expect(nextChangeWindow(saturdayNight, at('2026-11-26T10:00:00Z'), 48).startIso).toBe('2026-12-05T22:00:00.000Z');
    expect(nextChangeWindow(saturdayNight, at('2026-11-26T10:00:00Z'), 24).startIso).toBe('2026-11-28T22:00:00.000Z');
  });

  it('picks the earliest of several windows', () => {
    const windows = [
      { days: ['sun' as const], startUtc: '03:00', durationMinutes: 60 },
      { days: ['tue' as const, 'thu' as const], startUtc: '01:30', durationMinutes: 90 },
    ];
    expect(nextChangeWindow(windows, at('2026-11-25T10:00:00Z')).startIso).toBe('2026-11-26T01:30:00.000Z');
  });
});
