/**
 * The package inventory of a Commerce project, from its composer.lock and its app/code modules. Pure.
 *
 * Buckets, by who carries the upgrade work:
 *  - `adobe`: what Adobe ships and moves with the product version. Packages of Adobe's vendors (magento/, adobe/,
 *    adobe-commerce/), and every Magento extension the product or cloud metapackages pull in. That includes
 *    bundled extensions of other vendors (paypal/module-braintree…) and **Fastly**: fastly/magento2 is a third-party
 *    module, but magento/magento-cloud-metapackage requires it (facts §3), so its version moves with the metapackage
 *    constraint and the partner never picks it. Counting it as third-party would add the same risk to every cloud
 *    project without telling anyone anything. `via` names the Adobe package that brings it.
 *  - `thirdParty`: Magento extensions (composer types `magento2-*` and extension metapackages) that the merchant
 *    chose from other vendors (amasty/, mageplaza/…). Each must be upgraded to a release compatible with the target.
 *  - `libraries`: other Composer packages (symfony/, laminas/, phpmailer/…). They follow their dependants; they are
 *    counted, not assessed one by one.
 *  - `custom`: modules under app/code, the partner's own code.
 */
import { ApplicationFailure } from '@temporalio/common';

export const ADOBE_VENDORS = ['magento', 'adobe', 'adobe-commerce'] as const;
/** Products whose dependencies Adobe ships and tests together. */
export const ADOBE_ROOT_PACKAGES = [
  'magento/magento-cloud-metapackage',
  'magento/product-enterprise-edition',
  'magento/product-community-edition',
  'magento/extension-b2b',
] as const;

export interface InventoryPackage {
  name: string;
  version: string;
  type: string;
  vendor: string;
  /** For packages in `adobe` from another vendor: the Adobe package that requires them. */
  via?: string;
}

export interface InventoryModule {
  name: string;
  path?: string;
}

export interface PackageInventory {
  adobe: InventoryPackage[];
  thirdParty: InventoryPackage[];
  libraries: InventoryPackage[];
  custom: InventoryModule[];
  /** Distinct vendors of `thirdParty`, sorted. */
  thirdPartyVendors: string[];
}

interface LockEntry {
  name: string;
  version: string;
  type?: string;
  require?: Record<string, string>;
}

/**
 * @param composerLock composer.lock as text, as parsed JSON, or as its package list
 * @param customModules modules found under app/code (e.g. `ProjectRepository.listCustomModules()`)
 */
export function inventoryPackages(
  composerLock: string | { packages?: unknown; 'packages-dev'?: unknown } | LockEntry[],
  customModules: InventoryModule[] = [],
): PackageInventory {
  const entries = lockEntries(composerLock);
  const byName = new Map(entries.map((p) => [p.name, p]));

  // Walk the require graph down from Adobe's products; platform requirements (php, ext-*) are not packages.
  const bringer = new Map<string, string>();
  const queue: string[] = ADOBE_ROOT_PACKAGES.filter((name) => byName.has(name));
  for (const root of queue) bringer.set(root, root);
  while (queue.length) {
    const name = queue.shift() as string;
    for (const dependency of Object.keys(byName.get(name)?.require ?? {})) {
      if (!byName.has(dependency) || bringer.has(dependency)) continue;
      bringer.set(dependency, isAdobeVendor(name) ? name : (bringer.get(name) ?? name));
      queue.push(dependency);
    }
  }

  const inventory: PackageInventory = { adobe: [], thirdParty: [], libraries: [], custom: [], thirdPartyVendors: [] };
  for (const entry of entries) {
    const vendor = entry.name.split('/')[0] ?? entry.name;
    const item: InventoryPackage = {
      name: entry.name,
      version: entry.version.replace(/^v(?=\d)/, ''),
      type: entry.type ?? 'library',
      vendor,
    };
    if (isAdobeVendor(entry.name)) {
      inventory.adobe.push(item);
    } else if (isMagentoExtension(item.type)) {
      const via = bringer.get(entry.name);
      if (via) inventory.adobe.push({ ...item, via });
      else inventory.thirdParty.push(item);
    } else {
      inventory.libraries.push(item);
    }
  }
  const byNameOrder = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'en');
  inventory.adobe.sort(byNameOrder);
  inventory.thirdParty.sort(byNameOrder);
  inventory.libraries.sort(byNameOrder);
  inventory.custom = [...customModules].map((m) => ({ name: m.name, ...(m.path ? { path: m.path } : {}) })).sort(byNameOrder);
  inventory.thirdPartyVendors = [...new Set(inventory.thirdParty.map((p) => p.vendor))].sort();
  return inventory;
}

function isAdobeVendor(name: string): boolean {
  return (ADOBE_VENDORS as readonly string[]).includes(name.split('/')[0] ?? '');
}

/** Extension packages: Magento's composer types, and metapackages (vendors ship extension bundles as those). */
function isMagentoExtension(type: string): boolean {
  return type.startsWith('magento2-') || type === 'metapackage';
}

function lockEntries(lock: string | { packages?: unknown; 'packages-dev'?: unknown } | LockEntry[]): LockEntry[] {
  let parsed: unknown = lock;
  if (typeof lock === 'string') {
    try {
      parsed = JSON.parse(lock);
    } catch (error) {
      throw ApplicationFailure.nonRetryable(
        `composer.lock is not valid JSON (${(error as Error).message}); commit a lock written by Composer.`,
        'InvalidComposerLock',
      );
    }
  }
  const list: unknown[] = Array.isArray(parsed)
    ? parsed
    : typeof parsed === 'object' && parsed !== null
      ? [...asArray((parsed as Record<string, unknown>).packages), ...asArray((parsed as Record<string, unknown>)['packages-dev'])]
      : [];
  if (
    !Array.isArray(parsed) &&
    (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as Record<string, unknown>).packages))
  ) {
    throw ApplicationFailure.nonRetryable('composer.lock has no "packages" list; is this a composer.lock file?', 'InvalidComposerLock');
  }
  return list.map((entry) => {
    const p = entry as Partial<LockEntry> | null;
    if (!p || typeof p.name !== 'string' || typeof p.version !== 'string') {
      throw ApplicationFailure.nonRetryable(
        `composer.lock has a package without name or version: ${JSON.stringify(entry).slice(0, 200)}`,
        'InvalidComposerLock',
      );
    }
    return { name: p.name, version: p.version, type: p.type, require: p.require };
  });
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
