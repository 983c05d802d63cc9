/**
 * The upgrade in stages. Staging and Production change their services in the infrastructure task, weeks before
 * the code update reaches them; all that time the *current* Commerce version runs on them. So that task may only
 * move a service to a version both the current and the target version support (the bridge state). Everything else
 * — the PHP type, relationships, services with no common version — changes in the launch window together with the
 * code, in the order below, and must fit the window. Where no safe order is known the plan says so and asks for a
 * person's decision (`needsDecision`) instead of guessing.
 *
 * Launch order (ours, stated so people can check it): back up the database; the database; search; the message
 * queue (RabbitMQ one version at a time, a deploy each); the cache (new Valkey service); then the code deploy with
 * the PHP type, relationships and composer; then reindex and flush the cache. Replaced services are removed after
 * the launch, once nothing uses them (a service id cannot be renamed or change type in place).
 *
 * Minutes per step are planning estimates, not Adobe figures: they only make "does it fit the window" checkable.
 * Pure.
 */
import type { CommerceRequirements } from '../requirements/catalog';
import { canonicalServiceName, eceToolsMinimumFor } from '../requirements/cloud-facts';
import { compareVersions, majorOf, satisfiesRequirement } from '../requirements/service-version';
import type { InfrastructureChanges, LaunchStep, ServiceChange, StagedPlan } from './types';
import { effectiveChanges } from './effective-changes';

/** Planning estimates in minutes (our assumption; a CSE adjusts the window, not these). */
export const LAUNCH_ESTIMATE_MINUTES = {
  backup: 20,
  serviceStep: 30,
  rabbitmqStep: 20,
  reindex: 30,
  codeDeploy: 45,
  cacheFlush: 5,
} as const;

/** Whether `requirements` lists `version` of service `name` (cloud values, as the matrix gives them). */
export function supports(requirements: CommerceRequirements, name: string, version: string): boolean {
  switch (canonicalServiceName(name)) {
    case 'mysql':
      return satisfiesRequirement(version, { versions: requirements.mariadb, orLater: false });
    case 'redis':
      return requirements.redis !== undefined && satisfiesRequirement(version, requirements.redis);
    case 'valkey':
      return requirements.valkey !== undefined && satisfiesRequirement(version, requirements.valkey);
    case 'opensearch':
      return requirements.opensearch.versions.map(majorOf).includes(majorOf(version));
    case 'elasticsearch':
      return requirements.elasticsearch !== undefined && satisfiesRequirement(version, requirements.elasticsearch);
    case 'rabbitmq':
      return satisfiesRequirement(version, requirements.rabbitmq);
    case 'activemq-artemis':
      return requirements.activemqArtemis !== undefined && satisfiesRequirement(version, requirements.activemqArtemis);
    default:
      return false;
  }
}

const KIND_ORDER: Readonly<Record<string, number>> = {
  mysql: 0,
  opensearch: 1,
  elasticsearch: 1,
  rabbitmq: 2,
  'activemq-artemis': 2,
  redis: 3,
  valkey: 3,
};

export interface StagePlanInput {
  current: CommerceRequirements;
  target: CommerceRequirements;
  /** The target-only changes; the services bridged are rewritten in place to their bridge version. */
  changes: InfrastructureChanges;
  decisions: string[];
  composerInstalled: string | undefined;
  windowMinutes?: number;
}

export function stagePlan(input: StagePlanInput): StagedPlan {
  const { current, target, changes } = input;
  const decisions = [...input.decisions];
  const bridge: ServiceChange[] = [];
  const launchServices: ServiceChange[] = [];
  const afterLaunch: string[] = [];
  const noCommon: string[] = [];
  const launchFrom = new Map<ServiceChange, { from: string | null; path: string[] }>();

  for (const change of changes.services) {
    if (change.kind === 'keep') {
      change.stage = 'none';
    } else if (change.kind === 'replace') {
      change.stage = 'after-launch';
      afterLaunch.push(`Remove service "${change.serviceId}" (${change.serviceName}:${change.fromVersion}) once nothing uses it.`);
    } else if (change.kind === 'add') {
      // A new service nobody is wired to yet harms nothing, but it is only requested early where the running
      // version supports it: the relationship switch that puts it to use goes with the code.
      if (change.toVersion !== null && supports(current, change.serviceName, change.toVersion)) {
        change.stage = 'infrastructure';
        bridge.push(change);
      } else {
        change.stage = 'launch';
        launchServices.push(change);
      }
    } else {
      const common = change.upgradePath.filter(
        (step) => supports(current, change.serviceName, step) && supports(target, change.serviceName, step),
      );
      const reach = common.at(-1);
      if (reach !== undefined) {
        const index = change.upgradePath.indexOf(reach);
        if (reach !== change.toVersion) {
          change.notes.push(
            `${target.version} also supports ${change.serviceName} ${change.toVersion}; the bridge stops at ${reach}, ` +
              `which both ${current.version} and ${target.version} support.`,
          );
        }
        change.toVersion = reach;
        change.upgradePath = change.upgradePath.slice(0, index + 1);
        const minimum = eceToolsMinimumFor(change.serviceName, reach);
        if (minimum) change.eceToolsMinimum = minimum.eceTools;
        else delete change.eceToolsMinimum;
        change.stage = 'infrastructure';
        bridge.push(change);
      } else {
        change.stage = 'launch';
        noCommon.push(`${change.serviceId} (${change.serviceName} ${change.fromVersion} → ${change.toVersion})`);
        // Steps the running version still supports may go ahead in the infrastructure task (RabbitMQ 3.9 → 3.13 on
        // 2.4.6-p8), leaving only the rest of the path for the launch window.
        const ahead = lastIndexWhere(change.upgradePath, (v) => supports(current, change.serviceName, v));
        if (ahead >= 0 && ahead < change.upgradePath.length - 1) {
          const to = change.upgradePath[ahead] ?? '';
          bridge.push({
            ...change,
            toVersion: to,
            upgradePath: change.upgradePath.slice(0, ahead + 1),
            stage: 'infrastructure',
            reason: `first part of the path, supported by the running ${current.version}; ${to} → ${change.toVersion} follows in the launch window`,
            notes: [...change.notes],
          });
          launchFrom.set(change, { from: to, path: change.upgradePath.slice(ahead + 1) });
        }
        launchServices.push(change);
      }
    }
  }

  const launch: LaunchStep[] = [];
  const step = (subject: string, action: string, minutes: number) => launch.push({ subject, action, minutes });
  const ordered = [...launchServices].sort(
    (a, b) => (KIND_ORDER[canonicalServiceName(a.serviceName)] ?? 9) - (KIND_ORDER[canonicalServiceName(b.serviceName)] ?? 9),
  );
  if (ordered.some((c) => canonicalServiceName(c.serviceName) === 'mysql')) {
    step('mysql', 'Back up the database (`vendor/bin/ece-tools db-dump`) before the database changes.', LAUNCH_ESTIMATE_MINUTES.backup);
  }
  let searchChanged = false;
  for (const change of ordered) {
    const name = canonicalServiceName(change.serviceName);
    if (change.kind === 'add') {
      step(
        change.serviceId,
        `Add service "${change.serviceId}" (${change.serviceName}:${change.toVersion}); it is wired to the application by the code deploy.`,
        LAUNCH_ESTIMATE_MINUTES.serviceStep,
      );
      if (name === 'opensearch') searchChanged = true;
      continue;
    }
    const { from: start, path } = launchFrom.get(change) ?? { from: change.fromVersion, path: change.upgradePath };
    path.forEach((to, i) => {
      const from = i === 0 ? start : path[i - 1];
      if (name === 'opensearch') {
        searchChanged = true;
        step(
          change.serviceId,
          `Upgrade ${change.serviceId} (opensearch) ${from} → ${to}${i < path.length - 1 ? `, then reindex before the next major` : ''}.`,
          LAUNCH_ESTIMATE_MINUTES.serviceStep + (i < path.length - 1 ? LAUNCH_ESTIMATE_MINUTES.reindex : 0),
        );
      } else {
        step(
          change.serviceId,
          `Upgrade ${change.serviceId} (${change.serviceName}) ${from} → ${to}; deploy.`,
          name === 'rabbitmq' ? LAUNCH_ESTIMATE_MINUTES.rabbitmqStep : LAUNCH_ESTIMATE_MINUTES.serviceStep,
        );
      }
    });
    if (name === 'rabbitmq') step(change.serviceId, 'Redeploy after the last RabbitMQ step.', LAUNCH_ESTIMATE_MINUTES.rabbitmqStep);
  }
  const codeParts = [
    ...(changes.php.kind === 'keep'
      ? []
      : [`PHP ${changes.php.fromVersion} → ${changes.php.toVersion} (type: php:${changes.php.toVersion})`]),
    ...changes.relationships.map((r) =>
      r.action === 'switch'
        ? `relationship ${r.name} → ${r.newName}: "${r.serviceId}:${r.endpoint}"`
        : r.action === 'add'
          ? `add relationship ${r.name}`
          : `remove relationship ${r.name}`,
    ),
    'composer constraints of the target',
  ];
  step('code', `Deploy the approved commit of the upgrade branch: ${codeParts.join('; ')}.`, LAUNCH_ESTIMATE_MINUTES.codeDeploy);
  if (searchChanged || changes.services.some((c) => c.kind === 'replace' && canonicalServiceName(c.serviceName) === 'elasticsearch')) {
    step('search', 'Reindex the catalog search (`bin/magento indexer:reindex catalogsearch_fulltext`).', LAUNCH_ESTIMATE_MINUTES.reindex);
  }
  step('cache', 'Flush the cache (`bin/magento cache:flush`) and run the go-live checks.', LAUNCH_ESTIMATE_MINUTES.cacheFlush);

  const launchMinutes = launch.reduce((sum, s) => sum + s.minutes, 0);
  if (input.windowMinutes !== undefined && launchMinutes > input.windowMinutes) {
    decisions.push(
      `the launch window's work is estimated at ${launchMinutes} minutes but the shortest change window is ` +
        `${input.windowMinutes} minutes; ask for a longer window or split the service changes`,
    );
  }

  const eceNeeds = [
    ...effectiveChanges(changes)
      .filter((c) => c.eceToolsMinimum)
      .map((c) => ({ v: c.eceToolsMinimum!, what: `${c.serviceName} ${c.toVersion}` })),
    ...(changes.php.eceToolsMinimum ? [{ v: changes.php.eceToolsMinimum, what: `PHP ${changes.php.toVersion}` }] : []),
  ];
  const eceMin = eceNeeds
    .map((n) => n.v)
    .sort(compareVersions)
    .at(-1);

  const required = target.composer.versions[0] ?? '';
  const installed = input.composerInstalled;
  const raiseTo = installed === undefined || compareVersions(installed, required) < 0 ? required : undefined;

  return {
    currentVersion: current.version,
    targetVersion: target.version,
    bridge,
    launch,
    afterLaunch,
    noCommonVersion: noCommon,
    launchMinutes,
    ...(input.windowMinutes === undefined ? {} : { windowMinutes: input.windowMinutes }),
    needsDecision: decisions.length > 0,
    decisionReasons: decisions,
    ...(eceMin ? { eceTools: { minimum: eceMin, for: eceNeeds.filter((n) => n.v === eceMin).map((n) => n.what) } } : {}),
    composer: { required: target.composer.raw, ...(installed === undefined ? {} : { installed }), ...(raiseTo ? { raiseTo } : {}) },
  };
}

function lastIndexWhere<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i -= 1) if (test(items[i] as T)) return i;
  return -1;
}

/** The change set the infrastructure task requests: the bridge only; PHP and relationships stay as they are. */
export function bridgeChanges(changes: InfrastructureChanges): InfrastructureChanges {
  const plan = changes.plan;
  if (!plan) return changes;
  const bridged = new Map(plan.bridge.map((c) => [c.serviceId, c]));
  return {
    ...changes,
    services: changes.services
      .map(
        (c): ServiceChange =>
          bridged.get(c.serviceId) ?? {
            ...c,
            kind: 'keep',
            toVersion: c.fromVersion,
            upgradePath: [],
            reason: c.kind === 'keep' ? c.reason : `moves with the code in the launch window: ${c.reason}`,
          },
      )
      .filter((c) => c.fromVersion !== null),
    php: {
      ...changes.php,
      kind: 'keep',
      toVersion: changes.php.fromVersion,
      reason: `PHP stays ${changes.php.fromVersion} until the code update (the running ${plan.currentVersion} needs it)`,
      notes: [],
    },
    relationships: [],
    sequence: plan.bridge.flatMap((c) =>
      c.kind === 'add'
        ? [`Add service "${c.serviceId}" (${c.serviceName}:${c.toVersion}); nothing uses it until the code update.`]
        : c.upgradePath.map(
            (to, i) => `Upgrade ${c.serviceId} (${c.serviceName}) ${i === 0 ? c.fromVersion : c.upgradePath[i - 1]} → ${to}; deploy.`,
          ),
    ),
  };
}
