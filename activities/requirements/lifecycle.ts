/**
 * Release lines of Adobe Commerce 2.4 and their end-of-support dates, from OPS `help/release/lifecycle-policy.md`
 * and `_includes/templated/release/end-of-support-dates.md` at AdobeDocs/commerce-operations.en@34971d8c2f8a
 * (shared/reference/commerce-upgrade-facts.md §6). Dates are YYYY-MM-DD; Adobe writes "TBD" for dates not yet set
 * and "N/A" where a phase does not exist (the security-only phase is a one-time transition for 2.4.4–2.4.6).
 * Pure data and date comparisons on ISO strings.
 */
import { parseCommerceVersion, releaseLine } from '../../workflows/commerce-version';

/** An ISO date, or Adobe's "TBD" / "N/A". */
export type LifecycleDate = string;

export interface ReleaseLineLifecycle {
  line: string;
  generalAvailability: string;
  endOfStandardSupport: LifecycleDate;
  endOfExtendedSupport: LifecycleDate;
  endOfSecurityOnlySupport: LifecycleDate;
  /** After this date Adobe suspends traffic of cloud projects still on the line. */
  cloudEnforcement: LifecycleDate;
}

export const LIFECYCLE_SOURCE =
  'AdobeDocs/commerce-operations.en@34971d8c2f8a help/release/lifecycle-policy.md, ' +
  '_includes/templated/release/end-of-support-dates.md';

export const RELEASE_LINES: readonly ReleaseLineLifecycle[] = [
  {
    line: '2.4.9',
    generalAvailability: '2026-05-12',
    endOfStandardSupport: '2029-05-31',
    endOfExtendedSupport: 'TBD',
    endOfSecurityOnlySupport: 'N/A',
    cloudEnforcement: 'TBD',
  },
  {
    line: '2.4.8',
    generalAvailability: '2025-04-08',
    endOfStandardSupport: '2028-05-31',
    endOfExtendedSupport: 'TBD',
    endOfSecurityOnlySupport: 'N/A',
    cloudEnforcement: 'TBD',
  },
  {
    line: '2.4.7',
    generalAvailability: '2024-04-09',
    endOfStandardSupport: '2027-05-31',
    endOfExtendedSupport: '2028-05-31',
    endOfSecurityOnlySupport: 'N/A',
    cloudEnforcement: '2028-06-01',
  },
  {
    line: '2.4.6',
    generalAvailability: '2023-03-14',
    endOfStandardSupport: '2026-08-11',
    endOfExtendedSupport: '2027-08-31',
    endOfSecurityOnlySupport: '2028-05-31',
    cloudEnforcement: '2028-06-01',
  },
  {
    line: '2.4.5',
    generalAvailability: '2022-08-09',
    endOfStandardSupport: '2025-08-12',
    endOfExtendedSupport: '2026-08-11',
    endOfSecurityOnlySupport: '2027-05-31',
    cloudEnforcement: '2027-06-01',
  },
  {
    line: '2.4.4',
    generalAvailability: '2022-04-12',
    endOfStandardSupport: '2025-04-12',
    endOfExtendedSupport: '2026-04-14',
    endOfSecurityOnlySupport: '2027-05-31',
    cloudEnforcement: '2027-06-01',
  },
];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The lifecycle of the line a version belongs to ("2.4.8-p3" → 2.4.8), or undefined for an unknown line. */
export function lifecycleFor(version: string): ReleaseLineLifecycle | undefined {
  const parsed = parseCommerceVersion(version);
  if (!parsed) return undefined;
  const line = releaseLine(parsed);
  return RELEASE_LINES.find((entry) => entry.line === line);
}

export type SupportPhase = 'not-yet-released' | 'standard' | 'extended' | 'security-only' | 'ended';

/**
 * Which support phase a line is in on a date (the end dates are the last day of the phase). A "TBD" end counts as
 * still running; an "N/A" phase is skipped.
 */
export function supportPhaseOn(lifecycle: ReleaseLineLifecycle, dateIso: string): SupportPhase {
  const day = dateIso.slice(0, 10);
  if (day < lifecycle.generalAvailability) return 'not-yet-released';
  const phases: [SupportPhase, LifecycleDate][] = [
    ['standard', lifecycle.endOfStandardSupport],
    ['extended', lifecycle.endOfExtendedSupport],
    ['security-only', lifecycle.endOfSecurityOnlySupport],
  ];
  for (const [phase, end] of phases) {
    if (end === 'TBD') return phase;
    if (ISO_DATE.test(end) && day <= end) return phase;
  }
  return 'ended';
}
