import { assessComplexity } from '../../../activities/complexity/assess';
import { inventoryPackages, type PackageInventory } from '../../../activities/complexity/inventory';
import { renderComplexityReport } from '../../../activities/complexity/report';
import { parseUctReport } from '../../../activities/complexity/uct-report';
import { commerceProjectFiles, UCT_TEXT_REPORT } from '../../support/git-fixtures';

const lock = commerceProjectFiles()['composer.lock'] as string;
const custom = [
  { name: 'Acme_Checkout', path: 'app/code/Acme/Checkout' },
  { name: 'Acme_Erp', path: 'app/code/Acme/Erp' },
];

describe('inventoryPackages', () => {
  const inventory = inventoryPackages(lock, custom);

  test('splits the lock into Adobe, third-party extensions and libraries', () => {
    expect(inventory.thirdParty.map((p) => p.name)).toEqual([
      'amasty/base',
      'amasty/module-shop-by-brand',
      'amasty/shopby-brand',
      'mageplaza/module-core',
      'mageplaza/module-smtp',
    ]);
    expect(inventory.thirdPartyVendors).toEqual(['amasty', 'mageplaza']);
    expect(inventory.libraries.map((p) => p.name)).toEqual([
      'braintree/braintree_php',
      'laminas/laminas-mvc',
      'monolog/monolog',
      'phpmailer/phpmailer',
      'symfony/console',
    ]);
    expect(inventory.libraries.find((p) => p.name === 'symfony/console')?.version).toBe('5.4.36');
    expect(inventory.custom).toEqual(custom);
  });

  test('Fastly and bundled extensions count as Adobe-shipped, naming who brings them', () => {
    const adobe = new Map(inventory.adobe.map((p) => [p.name, p]));
    expect(adobe.get('fastly/magento2')).toMatchObject({ vendor: 'fastly', via: 'magento/magento-cloud-metapackage' });
    expect(adobe.get('paypal/module-braintree')?.via).toBe('magento/product-enterprise-edition');
    // Brought by a bundled extension: still traced back to the Adobe product.
    expect(adobe.get('paypal/module-braintree-core')?.via).toBe('magento/product-enterprise-edition');
    expect(adobe.get('magento/product-enterprise-edition')).toEqual({
      name: 'magento/product-enterprise-edition',
      version: '2.4.6-p8',
      type: 'metapackage',
      vendor: 'magento',
    });
    expect(adobe.get('magento/ece-tools')?.version).toBe('2002.1.16');
    expect(inventory.adobe).toHaveLength(13);
  });

  test('without Adobe roots, an extension of another vendor is third-party', () => {
    const bare = inventoryPackages({ packages: [{ name: 'fastly/magento2', version: '1.2.222', type: 'magento2-module' }] });
    expect(bare.thirdParty.map((p) => p.name)).toEqual(['fastly/magento2']);
  });

  test('a lock that is not one is a clear error', () => {
    expect(() => inventoryPackages('{')).toThrow(/composer.lock is not valid JSON/);
    expect(() => inventoryPackages('{"name": "x"}')).toThrow(/no "packages" list/);
    expect(() => inventoryPackages({ packages: [{ name: 'x' }] })).toThrow(/without name or version/);
  });
});

function inventoryWith(thirdParty: number, customModules: number): PackageInventory {
  const packages = Array.from({ length: thirdParty }, (_, i) => ({
    name: `vendor${i % 3}/module-${i}`,
    version: '1.0.0',
    type: 'magento2-module',
  }));
  return inventoryPackages(
    { packages },
    Array.from({ length: customModules }, (_, i) => ({ name: `Acme_M${i}` })),
  );
}

describe('assessComplexity', () => {
  test('the fixture project: one line crossed, two custom modules, five extensions, one critical issue → high', () => {
    const assessment = assessComplexity({
      inventory: inventoryPackages(lock, custom),
      uct: parseUctReport(UCT_TEXT_REPORT),
      currentVersion: '2.4.6-p8',
      targetVersion: '2.4.7-p3',
    });
    expect(assessment.rating).toBe('high');
    expect(assessment.score).toBe(8);
    expect(assessment.reasons).toEqual([
      '2.4.6-p8 → 2.4.7-p3 crosses 1 release line (+1)',
      '2 custom modules under app/code (+1)',
      '5 third-party extension packages from 2 vendors (amasty, mageplaza) (+1)',
      '1 critical UCT issue (code that will not run on the target) (+3)',
      '2 UCT errors (non-API usage) (+1)',
      '1 UCT warning (deprecated usage) (+0)',
      '100% of modules require an update (2/2) (+1)',
    ]);
    expect(assessment.counts).toEqual({
      adobePackages: 13,
      thirdPartyPackages: 5,
      thirdPartyVendors: 2,
      libraries: 5,
      customModules: 2,
      critical: 1,
      errors: 2,
      warnings: 1,
      releaseLinesCrossed: 1,
    });
  });

  test('a security patch of a vanilla store with a clean report is low', () => {
    const uct = parseUctReport('  Total critical issues 0\n  Total errors 0\n  Total warnings 0\n');
    const assessment = assessComplexity({ inventory: inventoryWith(0, 0), uct, currentVersion: '2.4.7-p2', targetVersion: '2.4.7-p3' });
    expect(assessment).toMatchObject({ rating: 'low', score: 0 });
    expect(assessment.reasons).toEqual(['security patch within the 2.4.7 line (+0)', 'the UCT report has no issues (+0)']);
  });

  test('no report is a reason of its own', () => {
    const assessment = assessComplexity({ inventory: inventoryWith(3, 2), currentVersion: '2.4.6', targetVersion: '2.4.8' });
    expect(assessment.rating).toBe('medium');
    expect(assessment.reasons).toContain('no Upgrade Compatibility Tool report: code compatibility is unknown (+1)');
  });

  test('many custom modules, extensions and critical issues across lines → very-high', () => {
    const uct = parseUctReport(
      '  Total critical issues 42\n  Total errors 310\n  Total warnings 88\n  Modules that require update   71.67% (43/60)\n',
    );
    const assessment = assessComplexity({ inventory: inventoryWith(40, 25), uct, currentVersion: '2.4.4', targetVersion: '2.4.8-p3' });
    expect(assessment.rating).toBe('very-high');
    expect(assessment.score).toBe(3 + 3 + 3 + 7 + 3 + 1 + 1);
  });
});

describe('renderComplexityReport', () => {
  test('puts the rating and reasons first, then inventory and UCT evidence, escaping table cells', () => {
    const inventory = inventoryPackages(lock, custom);
    const uct = parseUctReport(UCT_TEXT_REPORT.replace("non-existent class 'Magento", "non-existent class | 'Magento"));
    const assessment = assessComplexity({ inventory, uct, currentVersion: '2.4.6-p8', targetVersion: '2.4.7-p3' });
    const markdown = renderComplexityReport({
      projectId: 'acme-2-4-7',
      customer: 'Acme',
      currentVersion: '2.4.6-p8',
      targetVersion: '2.4.7-p3',
      inventory,
      uct,
      uctSource: 'var/uct/report.txt',
      assessment,
    });
    expect(
      markdown.startsWith(
        '# Upgrade complexity assessment: Acme · acme-2-4-7\n\nAdobe Commerce 2.4.6-p8 → 2.4.7-p3\n\n**Rating: high** (score 8)\n\n- 2.4.6-p8 → 2.4.7-p3 crosses 1 release line (+1)\n',
      ),
    ).toBe(true);
    expect(markdown).toContain('| Third-party extensions | 5 (2 vendors) |');
    expect(markdown).toContain('| Acme_Checkout | app/code/Acme/Checkout | 2 |');
    expect(markdown).toContain('- fastly/magento2 1.2.222 (via magento/magento-cloud-metapackage)');
    expect(markdown).toContain('| Modules that require update | 100% (2/2) |');
    // Critical first; the pipe inside the message is escaped.
    expect(markdown).toContain(
      "| critical | 1110 | /app/code/Acme/Erp/Model/Export.php | 42 | Instantiating non-existent class \\| 'Magento",
    );
    expect(markdown.indexOf('| critical |')).toBeLessThan(markdown.indexOf('| error |'));
    expect(renderComplexityReport({ inventory, uct, assessment })).toBe(renderComplexityReport({ inventory, uct, assessment }));
  });

  test('a report for another target is flagged', () => {
    const inventory = inventoryPackages(lock, custom);
    const uct = parseUctReport(UCT_TEXT_REPORT);
    const markdown = renderComplexityReport({ targetVersion: '2.4.8', inventory, uct, assessment: assessComplexity({ inventory, uct }) });
    expect(markdown).toContain("The report was made for 2.4.7-p3, not for the project's target 2.4.8; re-run it with `-c 2.4.8`.");
  });
});
