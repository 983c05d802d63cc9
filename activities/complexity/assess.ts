/**
 * A complexity rating for the partner's assessment step, with the reasons that produced it. Pure.
 *
 * The rating is a sum of points, each rule giving its reason, so an owner can see why and disagree. The weights
 * follow where upgrade effort goes according to Adobe's scoping guidance (OPS upgrade/prepare/scope.md): custom
 * modules are "the most time- and resource-intensive" part, third-party extensions need compatible releases, and
 * the UCT's critical issues (code that will not run on the target) outweigh errors (non-API use) and warnings
 * (deprecations). Bands: 0–2 low, 3–5 medium, 6–8 high, 9+ very-high.
 */
import { compareCommerceVersions, parseCommerceVersion } from '../../workflows/commerce-version';
import type { PackageInventory } from './inventory';
import type { UctReport } from './uct-report';

export type ComplexityRating = 'low' | 'medium' | 'high' | 'very-high';

export interface ComplexityCounts {
  adobePackages: number;
  thirdPartyPackages: number;
  thirdPartyVendors: number;
  libraries: number;
  customModules: number;
  critical?: number;
  errors?: number;
  warnings?: number;
  /** Release lines crossed (2.4.6 → 2.4.8 is 2; a security patch of the same line is 0). */
  releaseLinesCrossed?: number;
}

export interface ComplexityAssessment {
  rating: ComplexityRating;
  score: number;
  reasons: string[];
  counts: ComplexityCounts;
}

export interface AssessComplexityInput {
  inventory: PackageInventory;
  uct?: UctReport;
  currentVersion?: string;
  targetVersion?: string;
}

/** Band edges; a score at or above `min` gets the rating. */
const BANDS: { min: number; rating: ComplexityRating }[] = [
  { min: 9, rating: 'very-high' },
  { min: 6, rating: 'high' },
  { min: 3, rating: 'medium' },
  { min: 0, rating: 'low' },
];

/** Points for a count by tier: the first tier whose `upTo` is ≥ the count. */
function tier(count: number, tiers: [upTo: number, points: number][]): number {
  for (const [upTo, points] of tiers) if (count <= upTo) return points;
  return tiers[tiers.length - 1]?.[1] ?? 0;
}

export function assessComplexity({ inventory, uct, currentVersion, targetVersion }: AssessComplexityInput): ComplexityAssessment {
  const reasons: string[] = [];
  let score = 0;
  const add = (points: number, reason: string) => {
    score += points;
    reasons.push(`${reason} (+${points})`);
  };
  const counts: ComplexityCounts = {
    adobePackages: inventory.adobe.length,
    thirdPartyPackages: inventory.thirdParty.length,
    thirdPartyVendors: inventory.thirdPartyVendors.length,
    libraries: inventory.libraries.length,
    customModules: inventory.custom.length,
  };

  // Version distance: each release line crossed brings its backward-incompatible changes and new service versions.
  const from = currentVersion ? parseCommerceVersion(currentVersion) : undefined;
  const to = targetVersion ? parseCommerceVersion(targetVersion) : undefined;
  if (from && to && compareCommerceVersions(to, from) >= 0) {
    const lines = to.patch - from.patch;
    counts.releaseLinesCrossed = lines;
    const points = tier(lines, [
      [0, 0],
      [1, 1],
      [2, 2],
      [Infinity, 3],
    ]);
    if (lines === 0) reasons.push(`security patch within the ${from.major}.${from.minor}.${from.patch} line (+0)`);
    else add(points, `${currentVersion} → ${targetVersion} crosses ${lines} release line${lines > 1 ? 's' : ''}`);
  }

  // Custom modules: the partner's own code, which nobody else makes compatible.
  const custom = inventory.custom.length;
  if (custom > 0)
    add(
      tier(custom, [
        [5, 1],
        [20, 2],
        [Infinity, 3],
      ]),
      `${custom} custom module${custom > 1 ? 's' : ''} under app/code`,
    );

  // Third-party extensions: each needs a release for the target, and vendors lag behind GA.
  const thirdParty = inventory.thirdParty.length;
  if (thirdParty > 0) {
    add(
      tier(thirdParty, [
        [10, 1],
        [30, 2],
        [Infinity, 3],
      ]),
      `${thirdParty} third-party extension package${thirdParty > 1 ? 's' : ''} from ` +
        `${inventory.thirdPartyVendors.length} vendor${inventory.thirdPartyVendors.length > 1 ? 's' : ''} (${inventory.thirdPartyVendors.join(', ')})`,
    );
  }

  if (!uct) {
    // Without the report the code risk is unknown, which is itself a risk.
    add(1, 'no Upgrade Compatibility Tool report: code compatibility is unknown');
  } else {
    const { critical, error, warning } = uct.counts;
    Object.assign(counts, { critical, errors: error, warnings: warning });
    if (critical > 0)
      add(
        tier(critical, [
          [5, 3],
          [20, 5],
          [Infinity, 7],
        ]),
        `${critical} critical UCT issue${critical > 1 ? 's' : ''} (code that will not run on the target)`,
      );
    if (error > 0)
      add(
        tier(error, [
          [20, 1],
          [100, 2],
          [Infinity, 3],
        ]),
        `${error} UCT error${error > 1 ? 's' : ''} (non-API usage)`,
      );
    if (warning > 50) add(1, `${warning} UCT warnings (deprecated usage)`);
    else if (warning > 0) reasons.push(`${warning} UCT warning${warning > 1 ? 's' : ''} (deprecated usage) (+0)`);
    const modules = uct.modulesRequiringUpdate;
    if (modules && modules.percent >= 50) add(1, `${modules.percent}% of modules require an update (${modules.count}/${modules.total})`);
    if (critical === 0 && error === 0 && warning === 0) reasons.push('the UCT report has no issues (+0)');
  }

  const rating = (BANDS.find((band) => score >= band.min) ?? { rating: 'low' as const }).rating;
  return { rating, score, reasons, counts };
}
