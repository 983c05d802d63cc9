/**
 * Adobe Commerce version strings of the 2.4 line: `2.4.8` (a patch release) and `2.4.8-p3` (its third security
 * patch). Deterministic and dependency-free so that workflow, activities and CLI share one reading.
 */
export interface CommerceVersion {
  major: number;
  minor: number;
  patch: number;
  /** Security patch number; 0 for the patch release itself. */
  securityPatch: number;
}

export const COMMERCE_VERSION_PATTERN = /^(2)\.(4)\.(\d{1,2})(?:-p(\d{1,2}))?$/;

export function parseCommerceVersion(text: string): CommerceVersion | undefined {
  const match = COMMERCE_VERSION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    securityPatch: match[4] === undefined ? 0 : Number(match[4]),
  };
}

/** Negative when a is older than b, 0 when equal, positive when newer. */
export function compareCommerceVersions(a: CommerceVersion, b: CommerceVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch || a.securityPatch - b.securityPatch;
}

export function formatCommerceVersion(v: CommerceVersion): string {
  return `${v.major}.${v.minor}.${v.patch}${v.securityPatch ? `-p${v.securityPatch}` : ''}`;
}

/** The release line a version belongs to, e.g. `2.4.8` for `2.4.8-p3`. */
export function releaseLine(v: CommerceVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}
