import { lifecycleFor, RELEASE_LINES, supportPhaseOn } from '../../../activities/requirements/lifecycle';

describe('release line lifecycle', () => {
  it('holds the six lines of the facts table', () => {
    expect(RELEASE_LINES.map((l) => l.line)).toEqual(['2.4.9', '2.4.8', '2.4.7', '2.4.6', '2.4.5', '2.4.4']);
    expect(lifecycleFor('2.4.6-p8')).toMatchObject({
      generalAvailability: '2023-03-14',
      endOfStandardSupport: '2026-08-11',
      endOfExtendedSupport: '2027-08-31',
      endOfSecurityOnlySupport: '2028-05-31',
      cloudEnforcement: '2028-06-01',
    });
    expect(lifecycleFor('2.4.9')).toMatchObject({ generalAvailability: '2026-05-12', endOfStandardSupport: '2029-05-31' });
    expect(lifecycleFor('2.4.3')).toBeUndefined();
    expect(lifecycleFor('nonsense')).toBeUndefined();
  });

  it('tells the support phase on a date (end dates inclusive, TBD still running, N/A skipped)', () => {
    const l246 = lifecycleFor('2.4.6')!;
    expect(supportPhaseOn(l246, '2026-08-11')).toBe('standard');
    expect(supportPhaseOn(l246, '2026-08-12T09:00:00Z')).toBe('extended');
    expect(supportPhaseOn(l246, '2027-09-01')).toBe('security-only');
    expect(supportPhaseOn(l246, '2028-06-01')).toBe('ended');
    const l247 = lifecycleFor('2.4.7')!;
    expect(supportPhaseOn(l247, '2028-06-01')).toBe('ended');
    const l248 = lifecycleFor('2.4.8')!;
    expect(supportPhaseOn(l248, '2030-01-01')).toBe('extended');
    expect(supportPhaseOn(lifecycleFor('2.4.9')!, '2026-01-01')).toBe('not-yet-released');
  });
});
