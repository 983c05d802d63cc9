/**
 * Version numbers of infrastructure services and PHP as the requirements matrix writes them ("11.4", "2.19",
 * "2.9.3+", "12.3 (recommended)") and as `.magento/services.yaml` writes them ("10.11", "8.0", "3"). Pure.
 */

/** One value of the matrix, parsed. `raw` keeps the text exactly as Adobe wrote it. */
export interface VersionRequirement {
  /** The matrix key the value came from, e.g. "MariaDB Cloud" when a cloud override applied. */
  key: string;
  raw: string;
  /** Versions in the order listed: "12.3 (recommended), 11.8" → ["12.3", "11.8"]. */
  versions: string[];
  /** The version marked "(recommended)", if any. */
  recommended?: string;
  /** "2.9.3+": that version or any later one. */
  orLater: boolean;
}

const ITEM = /^(\d+(?:\.\d+)*)(\+)?(?:\s*\((recommended)\))?$/;

/**
 * Parses a matrix value. Items are separated by "," or "/" (the matrix writes "7.17/8" and "7.17,8.17" too).
 * Throws when an item is not a version: the matrix is product data, so that is a data bug to fix at once.
 */
export function parseVersionRequirement(key: string, raw: string): VersionRequirement {
  const versions: string[] = [];
  let recommended: string | undefined;
  let orLater = false;
  for (const item of raw.split(/[,/]/).map((part) => part.trim())) {
    const match = ITEM.exec(item);
    if (!match || match[1] === undefined) {
      throw new Error(`requirements matrix: "${key}" value "${raw}" has an item "${item}" that is not a version`);
    }
    versions.push(match[1]);
    if (match[2]) orLater = true;
    if (match[3]) recommended = match[1];
  }
  return { key, raw, versions, orLater, ...(recommended === undefined ? {} : { recommended }) };
}

function parts(version: string): number[] {
  return version.split('.').map((part) => Number(part));
}

/** Negative when a < b, 0 when equal, positive when a > b; missing parts count as 0 ("8" equals "8.0"). */
export function compareVersions(a: string, b: string): number {
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** The highest of a list of versions (undefined for an empty list). */
export function highestVersion(versions: readonly string[]): string | undefined {
  return [...versions].sort(compareVersions).at(-1);
}

/**
 * Whether an installed version satisfies one listed version. The matrix names a line at the precision it cares
 * about: "8" admits 8.0 and 8.1, "11.4" admits 11.4.5, "2.19" does not admit 2.5.
 */
export function versionSatisfies(installed: string, listed: string, orLater = false): boolean {
  const have = parts(installed);
  const want = parts(listed);
  if (orLater) return compareVersions(installed, listed) >= 0;
  return want.every((part, index) => have[index] === part || (have[index] === undefined && part === 0));
}

/** Whether an installed version satisfies any version of a requirement. */
export function satisfiesRequirement(installed: string, requirement: Pick<VersionRequirement, 'versions' | 'orLater'>): boolean {
  return requirement.versions.some((listed) => versionSatisfies(installed, listed, requirement.orLater));
}

/** The major part of a version: "2.19" → 2. */
export function majorOf(version: string): number {
  return parts(version)[0] ?? 0;
}
