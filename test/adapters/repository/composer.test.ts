/**
 * Pure edits of composer.json and .magento.app.yaml; they sit beside the workspace tests because they are the
 * repository adapter's edits. Outputs are compared as exact text: the diff a partner reviews is the product.
 */
import { metapackageConstraintFor, setCommerceConstraints } from '../../../activities/repository/composer';
import { commerceProjectFiles } from '../../support/git-fixtures';

const BEFORE = `{
    "name": "acme/commerce-cloud",
    "type": "project",
    "config": {
        "use-include-path": true,
        "allow-plugins": {
            "magento/*": true
        }
    },
    "require": {
        "magento/magento-cloud-metapackage": ">=2.4.6 <2.4.7",
        "magento/product-enterprise-edition": "2.4.6-p8",
        "amasty/module-shop-by-brand": "^1.16"
    },
    "extra": {
        "component_paths": {
            "trentrichardson/jquery-timepicker-addon": "lib/web/jquery/jquery-ui-timepicker-addon.js"
        },
        "magento-force": "override"
    }
}
`;

const AFTER = `{
    "name": "acme/commerce-cloud",
    "type": "project",
    "config": {
        "use-include-path": true,
        "allow-plugins": {
            "magento/*": true,
            "dealerdirect/phpcodesniffer-composer-installer": true,
            "laminas/laminas-dependency-plugin": true
        }
    },
    "require": {
        "magento/magento-cloud-metapackage": ">=2.4.7 <2.4.8",
        "magento/product-enterprise-edition": "2.4.7-p3",
        "amasty/module-shop-by-brand": "^1.16",
        "magento/composer-root-update-plugin": "^2.0.3"
    },
    "extra": {
        "component_paths": {
            "trentrichardson/jquery-timepicker-addon": "lib/web/jquery/jquery-ui-timepicker-addon.js",
            "tinymce/tinymce": "lib/web/tiny_mce_5"
        },
        "magento-force": "override"
    }
}
`;

describe('setCommerceConstraints', () => {
  test("sets the metapackage range, the exact edition, the root-update plugin and the procedure's config", () => {
    const edit = setCommerceConstraints(BEFORE, '2.4.7-p3');
    expect(edit.text).toBe(AFTER);
    expect(edit.changes).toEqual([
      'require magento/magento-cloud-metapackage: >=2.4.6 <2.4.7 → >=2.4.7 <2.4.8',
      'require magento/product-enterprise-edition: 2.4.6-p8 → 2.4.7-p3',
      'require magento/composer-root-update-plugin: ^2.0.3',
      'config.allow-plugins: allow dealerdirect/phpcodesniffer-composer-installer',
      'config.allow-plugins: allow laminas/laminas-dependency-plugin',
      'extra.component_paths: tinymce/tinymce → lib/web/tiny_mce_5',
    ]);
  });

  test('is idempotent: applying it to its own output changes nothing', () => {
    const once = setCommerceConstraints(BEFORE, '2.4.7-p3').text;
    expect(setCommerceConstraints(once, '2.4.7-p3')).toEqual({ text: once, changes: [] });
  });

  test('metapackage-only project (the template) gets the range and the exact edition (issue #14: else composer installs the newest patch); sort-packages and 2-space files are honoured', () => {
    const text =
      '{\n  "config": {\n    "sort-packages": true,\n    "allow-plugins": true\n  },\n  "require": {\n    "php": "~8.2.0",\n    "magento/magento-cloud-metapackage": ">=2.4.6 <2.4.7",\n    "vendor/zz": "^1.0"\n  },\n  "extra": {\n    "component_paths": {\n      "tinymce/tinymce": "lib/web/tiny_mce_5"\n    }\n  }\n}';
    expect(setCommerceConstraints(text, '2.4.8').text).toBe(
      '{\n  "config": {\n    "sort-packages": true,\n    "allow-plugins": true\n  },\n  "require": {\n    "php": "~8.2.0",\n    "magento/composer-root-update-plugin": "^2.0.3",\n    "magento/magento-cloud-metapackage": ">=2.4.8 <2.4.9",\n    "magento/product-enterprise-edition": "2.4.8",\n    "vendor/zz": "^1.0"\n  },\n  "extra": {\n    "component_paths": {\n      "tinymce/tinymce": "lib/web/tiny_mce_5"\n    }\n  }\n}',
    );
  });

  test('the fixture project is edited without touching unrelated keys', () => {
    const before = commerceProjectFiles()['composer.json'] as string;
    const after = setCommerceConstraints(before, '2.4.8-p3').text;
    const [a, b] = [JSON.parse(before), JSON.parse(after)];
    expect(b.require['magento/magento-cloud-metapackage']).toBe('>=2.4.8 <2.4.9');
    expect(b.require['magento/product-enterprise-edition']).toBe('2.4.8-p3');
    expect(Object.keys(b)).toEqual(Object.keys(a));
    expect(b.autoload).toEqual(a.autoload);
    expect(after).toContain('"Magento\\\\Setup\\\\": "setup/src/Magento/Setup/"');
    expect(after.endsWith('}\n')).toBe(true);
  });

  test('a known conflicting root pin is removed for a target it blocks, kept for one it does not (issue #14)', () => {
    const text =
      JSON.stringify({ require: { 'magento/magento-cloud-metapackage': '>=2.4.4 <2.4.5', 'laminas/laminas-di': '~3.3.0' } }, null, 4) +
      '\n';
    const to248 = setCommerceConstraints(text, '2.4.8-p5');
    expect(JSON.parse(to248.text).require['laminas/laminas-di']).toBeUndefined();
    expect(to248.changes.join('\n')).toMatch(/laminas\/laminas-di: ~3\.3\.0 removed/);
    expect(JSON.parse(setCommerceConstraints(text, '2.4.6-p15').text).require['laminas/laminas-di']).toBe('~3.3.0');
  });

  test('bad inputs are clear non-retryable errors', () => {
    expect(() => setCommerceConstraints(BEFORE, '2.5.0')).toThrow(/not an Adobe Commerce 2.4 version/);
    expect(() => setCommerceConstraints('{ "require": ', '2.4.7')).toThrow(/composer.json is not valid JSON/);
    expect(() => setCommerceConstraints('{ "require": { "laravel/framework": "^10" } }', '2.4.7')).toThrow(
      /not an Adobe Commerce cloud project/,
    );
    try {
      setCommerceConstraints('[]', '2.4.7');
    } catch (error) {
      expect(error).toMatchObject({ nonRetryable: true, type: 'InvalidComposerJson' });
    }
  });

  test('metapackageConstraintFor uses the release line of a security patch', () => {
    expect(metapackageConstraintFor('2.4.7-p10')).toBe('>=2.4.7 <2.4.8');
    expect(metapackageConstraintFor('2.4.9')).toBe('>=2.4.9 <2.4.10');
  });
});
