/**
 * Reading and editing `.magento/services.yaml` and `.magento.app.yaml`. Pure: text in, text out.
 *
 * Edits are splices of the original text at the node ranges the `yaml` Document API reports, not a re-render with
 * `Document.toString()`: toString re-indents every line (the magento-cloud template mixes 4- and 2-space services)
 * and re-spaces trailing comments, which would turn a one-line version bump into a diff of the whole file in the
 * Support ticket and the commit. Each edit is checked by parsing the result again. A flow-style collection
 * (`{ … }`), rare in these files, falls back to Document.setIn + toString.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { AppConfig, Relationship, RelationshipChange, ServiceChange, ServiceDefinition } from './types';

export const SERVICES_YAML_PATH = '.magento/services.yaml';
export const APP_YAML_PATH = '.magento.app.yaml';

/** A services or app file that cannot be read; names the file and, when known, the line. */
export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly detail: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${detail}`);
  }
}

const SERVICE_TYPE = /^([a-z][a-z0-9-]*):(\d+(?:\.\d+)*)$/;
const PHP_TYPE = /^php:(\d+\.\d+)$/;
const RELATIONSHIP = /^([a-z0-9][a-z0-9_-]*):([a-z0-9][a-z0-9_-]*)$/;

interface Parsed {
  doc: Document.Parsed;
  lines: LineCounter;
  file: string;
}

function parse(text: string, file: string): Parsed {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const [error] = doc.errors;
  if (error) {
    const first = error.message.split('\n')[0] ?? error.message;
    throw new ConfigFileError(file, error.linePos?.[0].line, `is not valid YAML: ${first}`);
  }
  return { doc, lines, file };
}

function lineOf(parsed: Parsed, offset: number | undefined): number | undefined {
  return offset === undefined ? undefined : parsed.lines.linePos(offset).line;
}

function rootMap(parsed: Parsed): YAMLMap | undefined {
  const { contents } = parsed.doc;
  if (contents === null || (isScalar(contents) && contents.value === null)) return undefined;
  if (!isMap(contents)) {
    throw new ConfigFileError(parsed.file, lineOf(parsed, contents.range?.[0]), 'must be a mapping of keys to values');
  }
  return contents;
}

function keyText(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function pairOf(map: YAMLMap | undefined, key: string): Pair<Scalar, unknown> | undefined {
  return map?.items.find((pair) => keyText(pair) === key) as Pair<Scalar, unknown> | undefined;
}

/** Reads `.magento/services.yaml`: each service id with its `type: <name>:<version>` and `disk`. */
export function parseServicesYaml(text: string, file = SERVICES_YAML_PATH): ServiceDefinition[] {
  const parsed = parse(text, file);
  const root = rootMap(parsed);
  if (!root) return [];
  return root.items.map((pair) => {
    const id = keyText(pair);
    const line = lineOf(parsed, (pair.key as Scalar | null)?.range?.[0]) ?? 1;
    if (!isMap(pair.value)) {
      throw new ConfigFileError(file, line, `service "${id}" must be a mapping with "type: <name>:<version>"`);
    }
    const typePair = pairOf(pair.value, 'type');
    const typeNode = typePair?.value;
    if (!typePair || !isScalar(typeNode) || typeof typeNode.value !== 'string') {
      throw new ConfigFileError(file, line, `service "${id}" has no "type: <name>:<version>"`);
    }
    const typeLine = lineOf(parsed, typeNode.range?.[0]) ?? line;
    const match = SERVICE_TYPE.exec(typeNode.value.trim());
    if (!match || !match[1] || !match[2]) {
      throw new ConfigFileError(
        file,
        typeLine,
        `service "${id}" has type "${typeNode.value}"; expected "<name>:<version>" such as "mysql:11.4"`,
      );
    }
    const diskNode = pairOf(pair.value, 'disk')?.value;
    let diskMb: number | undefined;
    if (diskNode !== undefined) {
      const value = isScalar(diskNode) ? Number(diskNode.value) : Number.NaN;
      if (!Number.isInteger(value) || value <= 0) {
        throw new ConfigFileError(
          file,
          lineOf(parsed, (diskNode as Scalar).range?.[0]) ?? line,
          `service "${id}" has a disk that is not a size in MB`,
        );
      }
      diskMb = value;
    }
    return {
      id,
      name: match[1],
      version: match[2],
      type: typeNode.value,
      line,
      ...(diskMb === undefined ? {} : { diskMb }),
    };
  });
}

/** Reads `.magento.app.yaml`: the PHP version of `type: php:<version>` and the `relationships`. */
export function parseAppYaml(text: string, file = APP_YAML_PATH): AppConfig {
  const parsed = parse(text, file);
  const root = rootMap(parsed);
  const typeNode = pairOf(root, 'type')?.value;
  if (!isScalar(typeNode) || typeof typeNode.value !== 'string') {
    throw new ConfigFileError(file, undefined, 'has no "type: php:<version>"');
  }
  const php = PHP_TYPE.exec(typeNode.value.trim());
  if (!php || !php[1]) {
    throw new ConfigFileError(
      file,
      lineOf(parsed, typeNode.range?.[0]),
      `has type "${typeNode.value}"; expected "php:<major>.<minor>" such as "php:8.4"`,
    );
  }
  const relationships: Relationship[] = [];
  const relNode = pairOf(root, 'relationships')?.value;
  if (relNode !== undefined && relNode !== null && !(isScalar(relNode) && relNode.value === null)) {
    if (!isMap(relNode)) {
      throw new ConfigFileError(file, lineOf(parsed, (relNode as Scalar).range?.[0]), 'relationships must be a mapping');
    }
    for (const pair of relNode.items) {
      const name = keyText(pair);
      const value = pair.value;
      const line = lineOf(parsed, (pair.key as Scalar | null)?.range?.[0]) ?? 1;
      const match = isScalar(value) && typeof value.value === 'string' ? RELATIONSHIP.exec(value.value.trim()) : null;
      if (!match || !match[1] || !match[2]) {
        throw new ConfigFileError(file, line, `relationship "${name}" must be "<service id>:<endpoint>", e.g. "mysql:mysql"`);
      }
      relationships.push({ name, serviceId: match[1], endpoint: match[2], line });
    }
  }
  return { type: typeNode.value, phpVersion: php[1], relationships };
}

// ---- editing -------------------------------------------------------------------------------------------------

interface Splice {
  start: number;
  end: number;
  text: string;
}

function applySplices(text: string, splices: Splice[]): string {
  const ordered = [...splices].sort((a, b) => b.start - a.start);
  return ordered.reduce((result, s) => result.slice(0, s.start) + s.text + result.slice(s.end), text);
}

/** Writes a scalar in the quoting style of the node it replaces, so `"redis:redis"` stays double-quoted. */
function renderLike(node: Scalar | undefined, value: string): string {
  if (node?.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (node?.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  return value;
}

function replaceScalar(node: Scalar, value: string): Splice {
  const [start, end] = node.range ?? [0, 0];
  return { start, end, text: renderLike(node, value) };
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const next = text.indexOf('\n', offset);
  return next === -1 ? text.length : next + 1;
}

function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/**
 * Removes a pair: its lines, the lines of its block value (comments inside included) and the comment lines right
 * above it, which describe it.
 */
function removePair(text: string, pair: Pair<Scalar, unknown>): Splice {
  const keyStart = pair.key.range?.[0] ?? 0;
  const valueEnd = (pair.value as Scalar | YAMLMap | null)?.range?.[2] ?? pair.key.range?.[2] ?? keyStart;
  let start = lineStart(text, keyStart);
  while (start > 0) {
    const previous = lineStart(text, start - 1);
    if (!/^\s*#/.test(text.slice(previous, start))) break;
    start = previous;
  }
  let end = lineEnd(text, Math.max(valueEnd - 1, keyStart));
  // Between two blank lines, take one with it so that no double gap is left behind.
  if ((start === 0 || text.slice(0, start).endsWith('\n\n')) && /^[ \t]*\n/.test(text.slice(end))) {
    end = lineEnd(text, end);
  }
  return { start, end, text: '' };
}

function isBlockMap(node: unknown): node is YAMLMap {
  return isMap(node) && !node.flow;
}

/** Indentation used for the children of top-level keys, from the first nested block mapping; 4 as the template. */
function childIndent(text: string, root: YAMLMap | undefined): string {
  for (const pair of root?.items ?? []) {
    if (isBlockMap(pair.value) && pair.value.items[0]) {
      const start = (pair.value.items[0].key as Scalar | null)?.range?.[0];
      if (start !== undefined) return ' '.repeat(columnOf(text, start));
    }
  }
  return '    ';
}

function withTrailingNewline(text: string): string {
  return text.length === 0 || text.endsWith('\n') ? text : `${text}\n`;
}

/** Whether top-level entries are set apart by blank lines (kept for entries we append). */
function separatesWithBlankLines(text: string, root: YAMLMap | undefined): boolean {
  const second = root?.items[1]?.key as Scalar | undefined;
  const start = second?.range?.[0];
  if (start === undefined) return false;
  const before = text.slice(0, lineStart(text, start));
  return /\n\s*\n(\s*#[^\n]*\n)*$/.test(before);
}

export interface ApplyServiceChangesOptions {
  /**
   * Also delete the services that are replaced (`kind: 'replace'`). Off by default: the replacement is added and
   * wired first, and the old service is removed in a later deploy once nothing uses it.
   */
  removeReplaced?: boolean;
}

/**
 * Applies service changes to the text of `.magento/services.yaml`: `upgrade` sets `type` to the change's
 * `toVersion` (one deploy; pass `{ ...change, toVersion: change.upgradePath[i] }` to write an intermediate step),
 * `add` appends the new service, `replace` deletes the old one only with `removeReplaced`. `keep` changes nothing.
 */
export function applyServiceChanges(
  servicesYamlText: string,
  changes: readonly ServiceChange[],
  options: ApplyServiceChangesOptions = {},
): string {
  const parsed = parse(servicesYamlText, SERVICES_YAML_PATH);
  parseServicesYaml(servicesYamlText); // refuse to edit a file we cannot read
  const root = rootMap(parsed);
  if (root?.flow) return applyServiceChangesByDocument(parsed.doc, changes, options);

  const splices: Splice[] = [];
  const appended: string[] = [];
  const indent = childIndent(servicesYamlText, root);
  for (const change of changes) {
    const pair = pairOf(root, change.serviceId);
    if (change.kind === 'upgrade') {
      const typeNode = isMap(pair?.value) ? pairOf(pair.value, 'type')?.value : undefined;
      if (!pair || !isScalar(typeNode) || change.toVersion === null) {
        throw new Error(`cannot upgrade service "${change.serviceId}": not in ${SERVICES_YAML_PATH} or no target version`);
      }
      splices.push(replaceScalar(typeNode, `${change.serviceName}:${change.toVersion}`));
    } else if (change.kind === 'add') {
      if (pair) throw new Error(`cannot add service "${change.serviceId}": the id is already used in ${SERVICES_YAML_PATH}`);
      if (change.toVersion === null) throw new Error(`cannot add service "${change.serviceId}" without a version`);
      appended.push(
        `${change.serviceId}:\n${indent}type: ${change.serviceName}:${change.toVersion}\n` +
          (change.diskMb === undefined ? '' : `${indent}disk: ${change.diskMb}\n`),
      );
    } else if (change.kind === 'replace' && options.removeReplaced && pair) {
      splices.push(removePair(servicesYamlText, pair));
    }
  }
  let result = applySplices(servicesYamlText, splices);
  if (appended.length > 0) {
    const gap = separatesWithBlankLines(servicesYamlText, root) ? '\n' : '';
    result = withTrailingNewline(result) + appended.map((block) => (result.trim() === '' ? block : gap + block)).join('');
  }
  verifyServices(result, changes, options);
  return result;
}

function applyServiceChangesByDocument(
  doc: Document.Parsed,
  changes: readonly ServiceChange[],
  options: ApplyServiceChangesOptions,
): string {
  for (const change of changes) {
    if (change.kind === 'upgrade') doc.setIn([change.serviceId, 'type'], `${change.serviceName}:${change.toVersion}`);
    if (change.kind === 'add') {
      doc.set(change.serviceId, {
        type: `${change.serviceName}:${change.toVersion}`,
        ...(change.diskMb === undefined ? {} : { disk: change.diskMb }),
      });
    }
    if (change.kind === 'replace' && options.removeReplaced) doc.delete(change.serviceId);
  }
  const result = doc.toString();
  verifyServices(result, changes, options);
  return result;
}

/** The edited file must read back with exactly the intended services. */
function verifyServices(result: string, changes: readonly ServiceChange[], options: ApplyServiceChangesOptions): void {
  const services = parseServicesYaml(result);
  for (const change of changes) {
    const found = services.find((service) => service.id === change.serviceId);
    const removed = change.kind === 'replace' && options.removeReplaced;
    const expected = change.kind === 'upgrade' || change.kind === 'add' ? `${change.serviceName}:${change.toVersion}` : undefined;
    if ((removed && found) || (expected !== undefined && found?.type !== expected)) {
      throw new Error(`editing ${SERVICES_YAML_PATH} for "${change.serviceId}" did not give the intended result`);
    }
  }
}

/** Sets `type: php:<version>` in `.magento.app.yaml`, keeping everything else as written. */
export function setPhpType(appYamlText: string, phpVersion: string): string {
  if (!/^\d+\.\d+$/.test(phpVersion)) throw new Error(`PHP version "${phpVersion}" must be "<major>.<minor>", e.g. "8.4"`);
  const parsed = parse(appYamlText, APP_YAML_PATH);
  parseAppYaml(appYamlText); // refuse to edit a file we cannot read
  const typeNode = pairOf(rootMap(parsed), 'type')?.value as Scalar;
  const result = applySplices(appYamlText, [replaceScalar(typeNode, `php:${phpVersion}`)]);
  if (parseAppYaml(result).phpVersion !== phpVersion) throw new Error(`editing ${APP_YAML_PATH} did not set php:${phpVersion}`);
  return result;
}

/** The `dependencies.php.composer/composer` version of `.magento.app.yaml`, if it names one. */
export function readComposerVersion(appYamlText: string): string | undefined {
  const node = composerNode(parse(appYamlText, APP_YAML_PATH));
  return node && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}

function composerNode(parsed: Parsed): Scalar | undefined {
  const deps = pairOf(rootMap(parsed), 'dependencies')?.value;
  const php = isMap(deps) ? pairOf(deps, 'php')?.value : undefined;
  const node = isMap(php) ? pairOf(php, 'composer/composer')?.value : undefined;
  return isScalar(node) ? node : undefined;
}

/**
 * Sets `dependencies.php.composer/composer` in place (the build installs that Composer; the target's matrix names
 * the minimum). Throws when the file has no such entry: adding a dependencies block is left to a person.
 */
export function setComposerVersion(appYamlText: string, version: string): string {
  if (!/^\d+\.\d+(\.\d+)?$/.test(version)) throw new Error(`Composer version "${version}" must be "<major>.<minor>[.<patch>]"`);
  const parsed = parse(appYamlText, APP_YAML_PATH);
  parseAppYaml(appYamlText);
  const node = composerNode(parsed);
  if (!node) throw new Error(`${APP_YAML_PATH} has no dependencies.php.composer/composer to raise`);
  // Quoted, whatever the original: an unquoted 2.10 would be read as the number 2.1.
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? node : ({ type: 'QUOTE_SINGLE' } as Scalar);
  const [start, end] = node.range ?? [0, 0];
  const result = applySplices(appYamlText, [{ start, end, text: renderLike(quoted, version) }]);
  if (readComposerVersion(result) !== version) throw new Error(`editing ${APP_YAML_PATH} did not set composer/composer ${version}`);
  return result;
}

/**
 * Applies relationship changes to `.magento.app.yaml`. `switch` renames a relationship and points it at another
 * service in place (Redis → Valkey: `redis: "redis:redis"` becomes `valkey: "cache:valkey"`), `add` appends one to
 * `relationships` in the style of its siblings, `remove` deletes one.
 */
export function applyRelationshipChanges(appYamlText: string, changes: readonly RelationshipChange[]): string {
  const parsed = parse(appYamlText, APP_YAML_PATH);
  const before = parseAppYaml(appYamlText);
  const root = rootMap(parsed);
  const relPair = pairOf(root, 'relationships');
  const relMap = isMap(relPair?.value) ? relPair.value : undefined;
  if (relMap?.flow) return applyRelationshipChangesByDocument(parsed.doc, changes, before);

  const splices: Splice[] = [];
  const added: string[] = [];
  for (const change of changes) {
    const pair = pairOf(relMap, change.name);
    if (change.action === 'remove') {
      if (pair) splices.push(removePair(appYamlText, pair));
    } else if (change.action === 'switch') {
      if (!pair || !isScalar(pair.value)) {
        throw new Error(`cannot switch relationship "${change.name}": it is not in ${APP_YAML_PATH}`);
      }
      const [keyStart, keyEnd] = pair.key.range ?? [0, 0];
      if (change.newName !== change.name && pairOf(relMap, change.newName)) {
        throw new Error(`cannot rename relationship "${change.name}" to "${change.newName}": that name is already used`);
      }
      splices.push({ start: keyStart, end: keyEnd, text: change.newName });
      splices.push(replaceScalar(pair.value, `${change.serviceId}:${change.endpoint}`));
    } else {
      if (pair) throw new Error(`cannot add relationship "${change.name}": it already exists`);
      const sibling = relMap?.items[0];
      const value = renderLike(
        sibling && isScalar(sibling.value) ? sibling.value : ({ type: 'QUOTE_DOUBLE' } as Scalar),
        `${change.serviceId}:${change.endpoint}`,
      );
      added.push(`${change.name}: ${value}`);
    }
  }
  let appendAtEnd = '';
  if (added.length > 0) {
    const last = relMap?.items.at(-1);
    if (relMap && last) {
      // After the last relationship's line, at its indentation. An insertion splice at the end offset of a removed
      // pair survives that removal, since splices run from the end of the text backwards.
      const lastKey = (last.key as Scalar).range?.[0] ?? 0;
      const indent = ' '.repeat(columnOf(appYamlText, lastKey));
      const lastValueEnd = (last.value as Scalar | null)?.range?.[1] ?? lastKey;
      const at = lineEnd(appYamlText, Math.max(lastValueEnd - 1, lastKey));
      const newline = at === appYamlText.length && !appYamlText.endsWith('\n') ? '\n' : '';
      splices.push({ start: at, end: at, text: newline + added.map((line) => `${indent}${line}\n`).join('') });
    } else if (relPair) {
      // `relationships:` with nothing under it: fill it in.
      const indent = childIndent(appYamlText, root);
      const at = lineEnd(appYamlText, relPair.key.range?.[0] ?? 0);
      splices.push({ start: at, end: at, text: added.map((line) => `${indent}${line}\n`).join('') });
    } else {
      const indent = childIndent(appYamlText, root);
      appendAtEnd = `relationships:\n${added.map((line) => `${indent}${line}\n`).join('')}`;
    }
  }
  let result = applySplices(appYamlText, splices);
  if (appendAtEnd) result = withTrailingNewline(result) + appendAtEnd;
  verifyRelationships(result, changes, before);
  return result;
}

function applyRelationshipChangesByDocument(doc: Document.Parsed, changes: readonly RelationshipChange[], before: AppConfig): string {
  for (const change of changes) {
    if (change.action === 'remove') doc.deleteIn(['relationships', change.name]);
    if (change.action === 'switch') {
      doc.deleteIn(['relationships', change.name]);
      doc.setIn(['relationships', change.newName], `${change.serviceId}:${change.endpoint}`);
    }
    if (change.action === 'add') doc.setIn(['relationships', change.name], `${change.serviceId}:${change.endpoint}`);
  }
  const result = doc.toString();
  verifyRelationships(result, changes, before);
  return result;
}

function verifyRelationships(result: string, changes: readonly RelationshipChange[], before: AppConfig): void {
  const after = parseAppYaml(result);
  const fail = (name: string): never => {
    throw new Error(`editing relationship "${name}" of ${APP_YAML_PATH} did not give the intended result`);
  };
  if (after.phpVersion !== before.phpVersion) fail('type');
  for (const change of changes) {
    const find = (name: string) => after.relationships.find((r) => r.name === name);
    if (change.action === 'remove' && find(change.name)) fail(change.name);
    if (change.action !== 'remove') {
      const name = change.action === 'switch' ? change.newName : change.name;
      const found = find(name);
      if (!found || found.serviceId !== change.serviceId || found.endpoint !== change.endpoint) fail(name);
    }
  }
}
