/**
 * Edits of the root composer.json for a Commerce upgrade on cloud infrastructure, as the cloud procedure does them
 * (commerce-upgrade-facts.md §3, CLOUD `development/commerce-version.md`):
 *  - `magento/magento-cloud-metapackage` → `>=2.4.X <2.4.X+1` of the target line (the constraint syntax is what lets
 *    Composer move ece-tools along);
 *  - `magento/product-enterprise-edition` → the exact target version, added where the project requires only the
 *    metapackage: the metapackage range alone lets Composer install the newest patch of the line, while the
 *    services were computed for the target (and the metapackage version is not the Commerce version, facts §3);
 *  - known conflicting root pins (cloud-facts.ts KNOWN_COMPOSER_CONFLICTS) removed: `require-commerce` keeps them;
 *  - `magento/composer-root-update-plugin: ^2.0.3` in `require`;
 *  - the `allow-plugins` entries and the `tinymce/tinymce` component path the procedure asks for.
 * Pure: text in, text out. The text keeps its key order and indentation, as `composer require` would write it, so
 * the diff in the upgrade branch shows only what changed.
 */
import { ApplicationFailure } from '@temporalio/common';
import { compareCommerceVersions, parseCommerceVersion, releaseLine } from '../../workflows/commerce-version';
import { KNOWN_COMPOSER_CONFLICTS } from '../requirements/cloud-facts';

export const METAPACKAGE = 'magento/magento-cloud-metapackage';
export const ENTERPRISE_EDITION = 'magento/product-enterprise-edition';
export const ROOT_UPDATE_PLUGIN = 'magento/composer-root-update-plugin';
export const ROOT_UPDATE_PLUGIN_CONSTRAINT = '^2.0.3';
export const ALLOWED_PLUGINS = [
  'dealerdirect/phpcodesniffer-composer-installer',
  'laminas/laminas-dependency-plugin',
  'magento/*',
] as const;
export const TINYMCE_COMPONENT_PATH = { 'tinymce/tinymce': 'lib/web/tiny_mce_5' } as const;

type JsonObject = Record<string, unknown>;

export interface ComposerEdit {
  text: string;
  /** Human-readable list of what changed, for the commit message and the step summary. */
  changes: string[];
}

/** The metapackage constraint of a target, e.g. `2.4.7-p3` → `>=2.4.7 <2.4.8`. */
export function metapackageConstraintFor(targetVersion: string): string {
  const v = parseTarget(targetVersion);
  return `>=${releaseLine(v)} <${v.major}.${v.minor}.${v.patch + 1}`;
}

export function setCommerceConstraints(composerJsonText: string, targetVersion: string): ComposerEdit {
  parseTarget(targetVersion);
  const root = parseComposerJson(composerJsonText);
  const changes: string[] = [];
  const require = root.require;
  if (!isObject(require) || (!(METAPACKAGE in require) && !(ENTERPRISE_EDITION in require))) {
    throw ApplicationFailure.nonRetryable(
      `composer.json requires neither ${METAPACKAGE} nor ${ENTERPRISE_EDITION}; this is not an Adobe Commerce cloud project root. Check repository.url in the project file.`,
      'NotACommerceProject',
    );
  }
  const sortPackages = isObject(root.config) && root.config['sort-packages'] === true;

  if (METAPACKAGE in require) setRequirement(require, METAPACKAGE, metapackageConstraintFor(targetVersion), changes, sortPackages);
  // Always pinned exactly: the cloud procedure's `composer require-commerce magento/product-enterprise-edition <target>`.
  setRequirement(require, ENTERPRISE_EDITION, targetVersion, changes, sortPackages);
  const target = parseTarget(targetVersion);
  for (const conflict of KNOWN_COMPOSER_CONFLICTS) {
    const from = parseCommerceVersion(conflict.fromLine);
    const pinned = require[conflict.package];
    if (!from || typeof pinned !== 'string' || compareCommerceVersions(target, from) < 0) continue;
    if (!conflict.constraints.includes(pinned.trim())) continue;
    delete require[conflict.package];
    changes.push(`require ${conflict.package}: ${pinned} removed (${conflict.why}; source: ${conflict.source})`);
  }
  if (!(ROOT_UPDATE_PLUGIN in require)) setRequirement(require, ROOT_UPDATE_PLUGIN, ROOT_UPDATE_PLUGIN_CONSTRAINT, changes, sortPackages);

  const config = objectAt(root, 'config', changes);
  const allowPlugins = config['allow-plugins'];
  // `allow-plugins: true` already trusts every plugin; narrowing it is not ours to decide.
  if (allowPlugins !== true) {
    const allowed = isObject(allowPlugins) ? allowPlugins : {};
    if (!isObject(allowPlugins)) config['allow-plugins'] = allowed;
    for (const plugin of ALLOWED_PLUGINS) {
      if (allowed[plugin] !== true) {
        allowed[plugin] = true;
        changes.push(`config.allow-plugins: allow ${plugin}`);
      }
    }
  }

  const extra = objectAt(root, 'extra', changes);
  const componentPaths = objectAt(extra, 'component_paths', changes);
  for (const [name, path] of Object.entries(TINYMCE_COMPONENT_PATH)) {
    if (componentPaths[name] === undefined) {
      componentPaths[name] = path;
      changes.push(`extra.component_paths: ${name} → ${path}`);
    }
  }

  if (changes.length === 0) return { text: composerJsonText, changes };
  return { text: stringifyLike(composerJsonText, root), changes };
}

function setRequirement(require: JsonObject, name: string, constraint: string, changes: string[], sortPackages: boolean): void {
  const before = require[name];
  if (before === constraint) return;
  require[name] = constraint;
  changes.push(before === undefined ? `require ${name}: ${constraint}` : `require ${name}: ${String(before)} → ${constraint}`);
  if (sortPackages && before === undefined) sortRequire(require);
}

/** Composer's `sort-packages` order: platform packages first (php, ext-, lib-), then by name. */
function sortRequire(require: JsonObject): void {
  const rank = (name: string): number => (name === 'php' ? 0 : name.startsWith('ext-') ? 1 : name.startsWith('lib-') ? 2 : 3);
  const entries = Object.entries(require).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b, 'en'));
  for (const [key] of entries) delete require[key];
  for (const [key, value] of entries) require[key] = value;
}

function objectAt(parent: JsonObject, key: string, changes: string[]): JsonObject {
  const value = parent[key];
  if (isObject(value)) return value;
  if (value !== undefined) {
    throw ApplicationFailure.nonRetryable(
      `composer.json "${key}" must be an object, found ${JSON.stringify(value)}; fix composer.json.`,
      'InvalidComposerJson',
    );
  }
  const created: JsonObject = {};
  parent[key] = created;
  changes.push(`add ${key}`);
  return created;
}

export function parseComposerJson(text: string, file = 'composer.json'): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw ApplicationFailure.nonRetryable(
      `${file} is not valid JSON (${(error as Error).message}); fix it in the repository.`,
      'InvalidComposerJson',
    );
  }
  if (!isObject(parsed)) throw ApplicationFailure.nonRetryable(`${file} must contain a JSON object.`, 'InvalidComposerJson');
  return parsed;
}

/**
 * Writes JSON with the indentation the file already uses (composer itself writes 4 spaces, its default here), with
 * unescaped slashes and unicode as Composer's JsonFile does, and keeps the presence of a final newline.
 */
function stringifyLike(original: string, value: unknown): string {
  const indent = /^\{\r?\n([ \t]+)"/.exec(original)?.[1] ?? '    ';
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  let text = JSON.stringify(value, null, indent);
  if (eol !== '\n') text = text.replace(/\n/g, eol);
  return /\r?\n$/.test(original) ? text + eol : text;
}

function parseTarget(targetVersion: string) {
  const v = parseCommerceVersion(targetVersion);
  if (!v) {
    throw ApplicationFailure.nonRetryable(
      `"${targetVersion}" is not an Adobe Commerce 2.4 version such as "2.4.7" or "2.4.7-p3".`,
      'InvalidVersion',
    );
  }
  return v;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
