/**
 * The infrastructure changes a project needs for a target Commerce version: its services and PHP (from
 * `.magento/services.yaml` and `.magento.app.yaml`) against the target's requirements on cloud, with upgrade paths
 * that follow the documented rules (shared/reference/commerce-upgrade-facts.md §1–§3):
 *
 * - `mysql:` carries a MariaDB version; it is compared with "MariaDB Cloud" (falling back to "MariaDB").
 * - RabbitMQ moves one minor version at a time (3.13 → 4.0 → 4.1 …), a deploy for each step.
 * - Redis gives way to Valkey where the target lists Valkey and no Redis (2.4.8 on; also the latest 2.4.5–2.4.7
 *   patches). A service id cannot be renamed or change type in place (that destroys the service and its data), so
 *   Valkey is a new service, the relationship is switched, and Redis is removed afterwards.
 * - OpenSearch is compared by major version and moves one major at a time; Elasticsearch is replaced by OpenSearch.
 * - Nothing is downgraded in place.
 *
 * Pure: text in, data out.
 */
import { requirementsFor, type CommerceRequirements, type VersionRequirement } from '../requirements/catalog';
import { compareVersions, highestVersion, majorOf, satisfiesRequirement } from '../requirements/service-version';
import {
  canonicalServiceName,
  ECE_TOOLS_MINIMUMS,
  eceToolsMinimumFor,
  RABBITMQ_NOTES_MISMATCH,
  VALKEY_MANDATORY_FROM,
  VALKEY_MANDATORY_SOURCE,
} from '../requirements/cloud-facts';
import { releaseLine, parseCommerceVersion } from '../../workflows/commerce-version';
import { parseAppYaml, parseServicesYaml, readComposerVersion } from './services-yaml';
import { bridgeChanges, stagePlan } from './staged-plan';
import type { AppConfig, InfrastructureChanges, PhpChange, RelationshipChange, ServiceChange, ServiceDefinition } from './types';

export interface InfrastructureChangesInput {
  servicesYaml: string;
  appYaml: string;
  targetVersion: string;
  /** The version that runs now; with it the result carries the staged plan. */
  currentVersion?: string;
  /** The shortest production change window in minutes, checked against the launch window's work. */
  windowMinutes?: number;
}

/** The minor versions of RabbitMQ in order; 3.13 is the last of 3.x (facts §2: …3.13→4.0→4.1). */
const RABBITMQ_LAST_MINOR: Readonly<Record<number, number>> = { 3: 13 };

/** ece-tools release that added support for each PHP version (CLOUD release-notes/ece-tools-package.md). */
export const ECE_TOOLS_PHP_SUPPORT: Readonly<Record<string, string>> = Object.fromEntries(
  ECE_TOOLS_MINIMUMS.filter((m) => m.service === 'php').map((m) => [m.version, m.eceTools]),
);

const NO_RENAME = 'A service id cannot be renamed or change type in place: renaming a service destroys the service and its data.';

/**
 * The RabbitMQ versions to pass through from `from` to `to`, one minor at a time, crossing a major at its last
 * known minor (3.13 → 4.0). Throws where the series is not known (a major whose last minor we do not know).
 */
export function rabbitmqUpgradePath(from: string, to: string): string[] {
  const [fromMajor = 0, fromMinor = 0] = from.split('.').map(Number);
  const [toMajor = 0, toMinor = 0] = to.split('.').map(Number);
  const path: string[] = [];
  let major = fromMajor;
  let minor = fromMinor;
  while (major < toMajor || (major === toMajor && minor < toMinor)) {
    const last = RABBITMQ_LAST_MINOR[major];
    if (major < toMajor && last === undefined) {
      throw new Error(`RabbitMQ ${from} → ${to}: the last minor version of ${major}.x is not known; plan the path by hand`);
    }
    if (major < toMajor && minor >= (last ?? 0)) {
      major += 1;
      minor = 0;
    } else {
      minor += 1;
    }
    path.push(`${major}.${minor}`);
  }
  return path;
}

/** OpenSearch majors to pass through, one at a time: 1 → 3 gives ["2", "3"]. */
export function opensearchUpgradePath(from: string, to: string): string[] {
  const path: string[] = [];
  for (let major = majorOf(from) + 1; major <= majorOf(to); major += 1) path.push(String(major));
  return path;
}

/** How services.yaml writes a version: Valkey, Redis, RabbitMQ and MariaDB as major.minor ("8" → "8.0"). */
function serviceVersion(name: string, version: string): string {
  if (name === 'opensearch' || name === 'elasticsearch' || name === 'activemq-artemis') return version;
  return version.includes('.') ? version : `${version}.0`;
}

function freeId(ctx: Context, candidates: readonly string[]): string {
  // Ids given to services added earlier in this computation count as used: two Redis services (cache and
  // sessions) each get their own Valkey, not one id twice ("Map keys must be unique").
  const used = new Set([...ctx.services.map((s) => s.id), ...ctx.allocated]);
  const free = candidates.find((id) => !used.has(id));
  if (free) return free;
  let n = 2;
  while (used.has(`${candidates[0]}${n}`)) n += 1;
  return `${candidates[0]}${n}`;
}

function allocate(ctx: Context, candidates: readonly string[]): string {
  const id = freeId(ctx, candidates);
  ctx.allocated.add(id);
  return id;
}

interface Context {
  req: CommerceRequirements;
  services: ServiceDefinition[];
  app: AppConfig;
  warnings: string[];
  relationships: RelationshipChange[];
  sequence: string[];
  allocated: Set<string>;
  /** Reasons a person must decide (no safe order known). */
  decisions: string[];
}

function keep(service: ServiceDefinition, reason: string, notes: string[] = []): ServiceChange {
  return {
    serviceId: service.id,
    serviceName: service.name,
    fromVersion: service.version,
    toVersion: service.version,
    upgradePath: [],
    kind: 'keep',
    reason,
    notes,
  };
}

function upgrade(service: ServiceDefinition, to: string, path: string[], reason: string, notes: string[]): ServiceChange {
  return {
    serviceId: service.id,
    serviceName: service.name,
    fromVersion: service.version,
    toVersion: to,
    upgradePath: path,
    kind: 'upgrade',
    reason,
    notes,
  };
}

/** A service whose supported versions are a plain list (MariaDB, Redis, Valkey, RabbitMQ). */
function compareListed(
  ctx: Context,
  service: ServiceDefinition,
  label: string,
  requirement: Pick<VersionRequirement, 'versions' | 'orLater'> & { raw: string; key: string },
  preferred: string,
  pathOf: (from: string, to: string) => string[],
  notes: string[] = [],
): ServiceChange {
  const target = ctx.req.version;
  if (satisfiesRequirement(service.version, requirement)) {
    const others = requirement.versions.filter((v) => !satisfiesRequirement(service.version, { versions: [v], orLater: false }));
    return keep(service, `${label} ${service.version} is supported by ${target} (${requirement.key}: ${requirement.raw})`, [
      ...(others.length ? [`${target} also supports ${others.join(', ')}.`] : []),
      ...notes,
    ]);
  }
  const to = serviceVersion(service.name, preferred);
  const highest = highestVersion(requirement.versions) ?? preferred;
  if (compareVersions(service.version, highest) > 0) {
    ctx.decisions.push(
      `${service.id}: ${label} ${service.version} is newer than ${target} supports (${requirement.raw}) and cannot be downgraded in place`,
    );
    ctx.warnings.push(
      `${service.id}: ${label} ${service.version} is newer than ${target} supports (${requirement.raw}); services ` +
        `cannot be downgraded in place. Keep it and confirm support with Adobe, or create a new service and migrate the data.`,
    );
    return keep(service, `${label} ${service.version} is newer than ${target} lists (${requirement.raw}); no in-place downgrade`, notes);
  }
  return upgrade(
    service,
    to,
    pathOf(service.version, to),
    `${target} supports ${label} ${requirement.raw} (${requirement.key}); ${service.version} is not among them`,
    notes,
  );
}

function mariadb(ctx: Context, service: ServiceDefinition): ServiceChange {
  const { req } = ctx;
  const key = req.cloudOverrides.includes('MariaDB') ? 'MariaDB Cloud' : 'MariaDB';
  const preferred = req.mariadbRecommended ?? highestVersion(req.mariadb) ?? '';
  return compareListed(
    ctx,
    service,
    'MariaDB',
    { key, raw: req.raw[key] ?? req.mariadb.join(', '), versions: req.mariadb, orLater: false },
    preferred,
    (_from, to) => [to],
    [
      'The `mysql` service type carries the MariaDB version.',
      ...(req.mariadbRecommended ? [`${req.mariadbRecommended} is the recommended version on cloud.`] : []),
      'Back up the database first (`vendor/bin/ece-tools db-dump` on Staging/Production).',
    ],
  );
}

function rabbitmq(ctx: Context, service: ServiceDefinition): ServiceChange {
  const { req } = ctx;
  const notes = ['RabbitMQ upgrades go one version at a time, with a deploy for each step and a redeploy afterwards.'];
  if (RABBITMQ_NOTES_MISMATCH.versions.includes(req.version)) notes.push(RABBITMQ_NOTES_MISMATCH.text);
  let path: (from: string, to: string) => string[] = rabbitmqUpgradePath;
  try {
    rabbitmqUpgradePath(service.version, highestVersion(req.rabbitmq.versions) ?? service.version);
  } catch (error) {
    ctx.warnings.push(`${service.id}: ${(error as Error).message}`);
    path = (_from, to) => [to];
  }
  return compareListed(ctx, service, 'RabbitMQ', req.rabbitmq, highestVersion(req.rabbitmq.versions) ?? '', path, notes);
}

function opensearch(ctx: Context, service: ServiceDefinition): ServiceChange {
  const { req } = ctx;
  const majors = req.opensearch.versions.map(majorOf);
  const current = majorOf(service.version);
  const notes = ['OpenSearch is compared by major version; the minor version is not required ("uses latest").'];
  if (majors.includes(current)) {
    return keep(service, `OpenSearch ${current} is supported by ${req.version} (${req.opensearch.key}: ${req.opensearch.raw})`, notes);
  }
  const highest = Math.max(...majors);
  if (current > highest) {
    ctx.decisions.push(`${service.id}: OpenSearch ${service.version} is newer than ${req.version} supports (${req.opensearch.raw})`);
    ctx.warnings.push(
      `${service.id}: OpenSearch ${service.version} is newer than ${req.version} supports (${req.opensearch.raw}); no in-place downgrade.`,
    );
    return keep(service, `OpenSearch ${service.version} is newer than ${req.version} lists; no in-place downgrade`, notes);
  }
  const path = opensearchUpgradePath(service.version, String(highest));
  return upgrade(
    service,
    String(highest),
    path,
    `${req.version} supports OpenSearch ${req.opensearch.raw} (${req.opensearch.key}); ${service.version} is not among them`,
    [
      ...notes,
      ...(path.length > 1
        ? [
            `One major version at a time (${[service.version, ...path].join(' → ')}): indexes created by ` +
              `${majorOf(service.version)}.x cannot be read by ${highest}, so reindex on each major before the next one.`,
          ]
        : []),
      'Reindex the catalog search after the upgrade (`bin/magento indexer:reindex catalogsearch_fulltext`).',
    ],
  );
}

/** Moves relationships that point at `oldId` to the new service, renaming "redis…" / "elasticsearch…" names. */
function switchRelationships(ctx: Context, oldId: string, newId: string, fromName: string, toName: string, reason: string): string[] {
  const moved: string[] = [];
  for (const rel of ctx.app.relationships.filter((r) => r.serviceId === oldId)) {
    const newName = rel.name.startsWith(fromName) ? toName + rel.name.slice(fromName.length) : rel.name;
    const taken = ctx.app.relationships.some((r) => r.name === newName && r.serviceId !== oldId);
    if (taken) {
      ctx.relationships.push({ action: 'remove', name: rel.name, reason: `${reason}; "${newName}" already exists` });
      moved.push(`remove "${rel.name}" (the existing "${newName}" takes over)`);
    } else {
      ctx.relationships.push({ action: 'switch', name: rel.name, newName, serviceId: newId, endpoint: toName, reason });
      moved.push(`${rel.name}: "${rel.serviceId}:${rel.endpoint}" → ${newName}: "${newId}:${toName}"`);
    }
  }
  return moved;
}

function redis(ctx: Context, service: ServiceDefinition, out: ServiceChange[]): void {
  const { req } = ctx;
  if (req.redis) {
    const notes = req.valkey ? [`${req.version} also lists Valkey ${req.valkey.raw}; ${valkeyMandatoryNote(req.version)}`] : [];
    out.push(compareListed(ctx, service, 'Redis', req.redis, highestVersion(req.redis.versions) ?? '', (_f, to) => [to], notes));
    return;
  }
  if (!req.valkey) {
    ctx.warnings.push(`${service.id}: ${req.version} lists neither Redis nor Valkey; check the cache service by hand.`);
    out.push(keep(service, `${req.version} does not list Redis`));
    return;
  }
  // Several Redis services (cache and sessions, as Adobe's docs show) each get their own Valkey, named after them.
  const redisCount = ctx.services.filter((s) => s.name === 'redis').length;
  const existing = redisCount === 1 ? ctx.services.find((s) => s.name === 'valkey') : undefined;
  const suffix = service.id.startsWith('redis') ? service.id.slice('redis'.length) : '';
  const newId = existing?.id ?? allocate(ctx, suffix ? [`valkey${suffix}`] : ['cache', 'valkey']);
  const valkeyVersion = serviceVersion('valkey', highestVersion(req.valkey.versions) ?? '8');
  const reason = `${req.version} supports Valkey ${req.valkey.raw} and no longer lists Redis`;
  const moved = switchRelationships(ctx, service.id, newId, 'redis', 'valkey', `Redis → Valkey for ${req.version}`);
  out.push({
    serviceId: service.id,
    serviceName: 'redis',
    fromVersion: service.version,
    toVersion: null,
    upgradePath: [],
    kind: 'replace',
    reason,
    replacedBy: newId,
    notes: [
      `${NO_RENAME} Valkey is added as the new service "${newId}", the application is switched to it, and "${service.id}" is removed afterwards.`,
      'Cached data and sessions held in Redis are not carried over: the cache starts empty.',
      ...(moved.length ? [`Relationships: ${moved.join('; ')}.`] : ['No relationship points at this service.']),
      'Check `.magento.env.yaml` for Redis-specific cache or session settings.',
      valkeyMandatoryNote(req.version),
    ],
  });
  if (!existing) {
    out.push({
      serviceId: newId,
      serviceName: 'valkey',
      fromVersion: null,
      toVersion: valkeyVersion,
      upgradePath: [valkeyVersion],
      kind: 'add',
      reason,
      replaces: service.id,
      notes: [
        `Wired as in the magento-cloud template: ${newId}: { type: valkey:${valkeyVersion} } and relationship valkey: "${newId}:valkey".`,
      ],
    });
  }
  ctx.sequence.push(
    ...(existing ? [] : [`Add service "${newId}" (valkey:${valkeyVersion}) to .magento/services.yaml.`]),
    `Switch the Redis relationship(s) to "${newId}" in .magento.app.yaml (${moved.join('; ') || 'none found'}), with the code that supports Valkey.`,
    `Remove service "${service.id}" (redis:${service.version}) once nothing uses it.`,
  );
}

function valkey(ctx: Context, service: ServiceDefinition): ServiceChange {
  const { req } = ctx;
  if (!req.valkey) {
    ctx.warnings.push(
      `${service.id}: ${req.version} does not list Valkey (Redis ${req.redis?.raw ?? '–'}); a service cannot be downgraded or change type in place.`,
    );
    return keep(service, `${req.version} does not list Valkey`);
  }
  return compareListed(ctx, service, 'Valkey', req.valkey, highestVersion(req.valkey.versions) ?? '', (_f, to) => [to]);
}

function elasticsearch(ctx: Context, service: ServiceDefinition, out: ServiceChange[]): void {
  const { req } = ctx;
  const existing = ctx.services.find((s) => s.name === 'opensearch');
  const newId = existing?.id ?? allocate(ctx, ['opensearch']);
  const version = String(Math.max(...req.opensearch.versions.map(majorOf)));
  const reason = `Adobe Commerce on cloud uses OpenSearch (${req.version}: ${req.opensearch.key} ${req.opensearch.raw}); Elasticsearch is replaced`;
  const moved = switchRelationships(ctx, service.id, newId, 'elasticsearch', 'opensearch', `Elasticsearch → OpenSearch for ${req.version}`);
  out.push({
    serviceId: service.id,
    serviceName: 'elasticsearch',
    fromVersion: service.version,
    toVersion: null,
    upgradePath: [],
    kind: 'replace',
    reason,
    replacedBy: newId,
    notes: [
      `${NO_RENAME} OpenSearch is added as "${newId}" and "${service.id}" is removed afterwards.`,
      ...(moved.length ? [`Relationships: ${moved.join('; ')}.`] : []),
      'Set the search engine to OpenSearch (`bin/magento config:show catalog/search/engine` should say `opensearch` for 2.4.6+) and reindex.',
    ],
  });
  if (!existing) {
    out.push({
      serviceId: newId,
      serviceName: 'opensearch',
      fromVersion: null,
      toVersion: version,
      upgradePath: [version],
      kind: 'add',
      reason,
      replaces: service.id,
      diskMb: service.diskMb ?? 1024,
      notes: [`Disk taken over from "${service.id}" (${service.diskMb ?? 1024} MB).`],
    });
    ctx.sequence.push(`Add service "${newId}" (opensearch:${version}) to .magento/services.yaml.`);
  }
  ctx.sequence.push(
    `Switch the search relationship(s) to "${newId}" and reindex (${moved.join('; ') || 'none found'}).`,
    `Remove service "${service.id}" (elasticsearch:${service.version}) once nothing uses it.`,
  );
}

function php(ctx: Context): PhpChange {
  const { req, app } = ctx;
  const supported = req.php;
  const to = highestVersion(supported) ?? app.phpVersion;
  const from = app.phpVersion;
  const direction = compareVersions(from, to);
  const notes: string[] = [];
  const ece = ECE_TOOLS_PHP_SUPPORT[to];
  if (ece) notes.push(`PHP ${to} needs magento/ece-tools ${ece} or later (\`composer update magento/ece-tools --with-dependencies\`).`);
  if (direction !== 0 && supported.includes(from)) notes.push(`PHP ${from} is also supported by ${req.version}.`);
  notes.push(
    'Set `type: php:' +
      to +
      '` in .magento.app.yaml on the upgrade branch; on Pro Staging/Production the Support ticket names the PHP version.',
  );
  if (direction === 0) {
    return {
      fromVersion: from,
      toVersion: to,
      kind: 'keep',
      supported,
      reason: `PHP ${from} is the highest ${req.version} supports (${supported.join(', ')})`,
      notes,
    };
  }
  return {
    fromVersion: from,
    toVersion: to,
    kind: direction < 0 ? 'upgrade' : 'downgrade',
    supported,
    reason: `${req.version} supports PHP ${supported.join(', ')}; the highest is ${to}`,
    notes,
  };
}

/**
 * Compares a project's services and PHP with what `targetVersion` needs on cloud. Throws
 * UnknownCommerceVersionError for a version the catalog does not know and ConfigFileError for a file it cannot read.
 */
export function computeInfrastructureChanges(input: InfrastructureChangesInput): InfrastructureChanges {
  const req = requirementsFor(input.targetVersion, { platform: 'cloud' });
  const services = parseServicesYaml(input.servicesYaml);
  const app = parseAppYaml(input.appYaml);
  const ctx: Context = { req, services, app, warnings: [], relationships: [], sequence: [], allocated: new Set(), decisions: [] };
  // Read first, so that an unknown current version is refused before anything is computed.
  const currentReq = input.currentVersion === undefined ? undefined : requirementsFor(input.currentVersion, { platform: 'cloud' });
  const out: ServiceChange[] = [];
  const upgrades: ServiceChange[] = [];

  for (const service of services) {
    const before = out.length;
    switch (canonicalServiceName(service.name)) {
      case 'mysql':
        out.push(mariadb(ctx, service));
        break;
      case 'redis':
        redis(ctx, service, out);
        break;
      case 'valkey':
        out.push(valkey(ctx, service));
        break;
      case 'opensearch':
        out.push(opensearch(ctx, service));
        break;
      case 'elasticsearch':
        elasticsearch(ctx, service, out);
        break;
      case 'rabbitmq':
        out.push(rabbitmq(ctx, service));
        break;
      case 'activemq-artemis':
        if (req.activemqArtemis) {
          out.push(
            compareListed(
              ctx,
              service,
              'ActiveMQ Artemis',
              req.activemqArtemis,
              highestVersion(req.activemqArtemis.versions) ?? '',
              (_f, to) => [to],
            ),
          );
        } else {
          // Kept silently before: the target's matrix does not list ActiveMQ Artemis at all.
          ctx.warnings.push(
            `${service.id}: ${req.version} does not support ActiveMQ Artemis (the matrix lists it from 2.4.5-p16, ` +
              `2.4.6-p13, 2.4.7-p8 and 2.4.8-p3); move the queues to RabbitMQ ${req.rabbitmq.raw} or choose a target that supports it.`,
          );
          ctx.decisions.push(`${service.id}: ActiveMQ Artemis is not supported by ${req.version}`);
          out.push(keep(service, `${req.version} does not support ActiveMQ Artemis`));
        }
        break;
      default:
        ctx.warnings.push(`${service.id}: service "${service.name}" is not in the requirements matrix; check it by hand.`);
        out.push(keep(service, `"${service.name}" is not covered by the requirements matrix`));
    }
    upgrades.push(...out.slice(before).filter((c) => c.kind === 'upgrade'));
  }

  if (!services.some((s) => canonicalServiceName(s.name) === 'mysql'))
    ctx.warnings.push('No `mysql` (MariaDB) service in .magento/services.yaml.');
  if (!services.some((s) => s.name === 'opensearch' || s.name === 'elasticsearch')) {
    ctx.warnings.push(`No search service in .magento/services.yaml; ${req.version} needs OpenSearch ${req.opensearch.raw}.`);
  }
  if (services.some((s) => s.name === 'valkey') && services.some((s) => s.name === 'redis') && !req.redis) {
    ctx.warnings.push('Both Redis and Valkey are defined; Redis is to be removed once the application uses Valkey.');
  }

  const phpChange = php(ctx);
  const sequence = [
    ...upgrades.flatMap((c) =>
      c.upgradePath.map(
        (step, i) => `Upgrade ${c.serviceId} (${c.serviceName}) ${i === 0 ? c.fromVersion : c.upgradePath[i - 1]} → ${step}; deploy.`,
      ),
    ),
    ...(upgrades.some((c) => c.serviceName === 'rabbitmq') ? ['Redeploy after the last RabbitMQ step.'] : []),
    ...ctx.sequence,
    ...(phpChange.kind === 'keep'
      ? []
      : [`Set PHP ${phpChange.fromVersion} → ${phpChange.toVersion} (type: php:${phpChange.toVersion}) with the code update.`]),
  ];

  for (const change of out) {
    const minimum =
      change.toVersion === null || change.kind === 'keep' ? undefined : eceToolsMinimumFor(change.serviceName, change.toVersion);
    if (minimum) {
      change.eceToolsMinimum = minimum.eceTools;
      change.notes.push(
        `${change.serviceName} ${change.toVersion} needs magento/ece-tools ${minimum.eceTools} or later (${minimum.source}).`,
      );
    }
  }
  const phpMinimum = eceToolsMinimumFor('php', phpChange.toVersion);
  if (phpMinimum) phpChange.eceToolsMinimum = phpMinimum.eceTools;

  const changes: InfrastructureChanges = {
    targetVersion: req.version,
    services: out,
    php: phpChange,
    relationships: ctx.relationships,
    sequence,
    warnings: ctx.warnings,
    requirementsSource: `${req.source.repository} ${req.source.path}@${req.source.commit} (${req.source.date})`,
  };
  if (currentReq) {
    changes.plan = stagePlan({
      current: currentReq,
      target: req,
      changes,
      decisions: ctx.decisions,
      composerInstalled: readComposerVersion(input.appYaml),
      ...(input.windowMinutes === undefined ? {} : { windowMinutes: input.windowMinutes }),
    });
    const { plan } = changes;
    // Issue #14 item 2: the new services were never checked against the version that still runs.
    if (plan.noCommonVersion.length) {
      changes.warnings.push(
        `No version both ${plan.currentVersion} and ${plan.targetVersion} support for ${plan.noCommonVersion.join(', ')}: ` +
          `these change in the launch window with the code (in the stated order), not in the infrastructure task.`,
      );
    }
    changes.sequence = [
      ...bridgeChanges(changes).sequence.map((s) => `Infrastructure task (Staging, then Production): ${s}`),
      ...plan.launch.map((s) => `Launch window: ${s.action}`),
      ...plan.afterLaunch.map((s) => `After the launch: ${s}`),
    ];
  }
  return changes;
}

/** When Valkey becomes mandatory on the target's line (release notes), for the notes of a Redis service. */
function valkeyMandatoryNote(version: string): string {
  const parsed = parseCommerceVersion(version);
  const from = parsed ? VALKEY_MANDATORY_FROM[releaseLine(parsed)] : undefined;
  return from
    ? `Valkey is mandatory on the ${from.replace(/-p\d+$/, '')} line from ${from} (${VALKEY_MANDATORY_SOURCE}).`
    : 'Valkey is not yet mandatory on this line.';
}

export { effectiveChanges } from './effective-changes';
