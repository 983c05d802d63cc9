/**
 * The staged plan over realistic project files of every 2.4.x line (template-projects.ts), each upgraded to every
 * newer line and to the newest patch of each (issue #14, Tests). Real YAML parsing; the assertions are properties
 * every plan must have, checked against the requirements matrix itself, plus the cases the issue names.
 */
import { parseAppYaml, parseServicesYaml, readComposerVersion } from '../../../activities/infrastructure/services-yaml';
import { planProjectFiles } from '../../../activities/infrastructure/project-files';
import { supports } from '../../../activities/infrastructure/staged-plan';
import { buildInfrastructureChangeRequest } from '../../../activities/infrastructure/change-request';
import { latestPatchOf, requirementsFor } from '../../../activities/requirements/catalog';
import { canonicalServiceName } from '../../../activities/requirements/cloud-facts';
import { compareVersions } from '../../../activities/requirements/service-version';
import { validateProjectInput } from '../../../workflows/project-input';
import { PROJECT_FILE } from './fixtures';
import { LINES, templateProject } from './template-projects';

const VARIANTS = ['template', 'app-server-mariadb', 'split-redis', 'elasticsearch', 'rabbitmq', 'activemq'] as const;

interface Case {
  current: string;
  target: string;
  variant: (typeof VARIANTS)[number];
  line: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  LINES.forEach((line, i) => {
    const current = latestPatchOf(line)!;
    for (const newer of LINES.slice(i + 1)) {
      for (const target of new Set([newer, latestPatchOf(newer)!])) {
        for (const variant of VARIANTS) out.push({ current, target, variant, line });
      }
    }
  });
  return out;
}

const ALL = cases();

describe('staged plan over template projects', () => {
  it('covers every line from 2.4.4 to 2.4.9, each to every newer line and its newest patch', () => {
    expect(new Set(ALL.map((c) => c.line))).toEqual(new Set(['2.4.4', '2.4.5', '2.4.6', '2.4.7', '2.4.8']));
    expect(new Set(ALL.map((c) => c.target))).toEqual(
      new Set(['2.4.5', '2.4.5-p17', '2.4.6', '2.4.6-p15', '2.4.7', '2.4.7-p10', '2.4.8', '2.4.8-p5', '2.4.9']),
    );
  });

  test.each(ALL.map((c) => [`${c.current} → ${c.target} (${c.variant})`, c] as const))('%s', (_name, c) => {
    const project = templateProject(c.line, c.current, c.variant);
    const planned = planProjectFiles({
      servicesYaml: project.servicesYaml,
      appYaml: project.appYaml,
      currentVersion: c.current,
      targetVersion: c.target,
      windowMinutes: 240,
    });
    const plan = planned.changes.plan!;
    const current = requirementsFor(c.current);
    const target = requirementsFor(c.target);

    // 1. Every service in the bridge runs at a version BOTH the current and the target version support, or at a
    //    step the current version still supports (the first part of a longer path).
    for (const b of plan.bridge) {
      expect(b.toVersion).not.toBeNull();
      expect(supports(current, b.serviceName, b.toVersion!)).toBe(true);
    }
    // 2. The Staging/Production request changes nothing the running version cannot run: same PHP, same
    //    relationships, every service it names supported by the current version.
    const bridgeServices = parseServicesYaml(planned.bridgeServicesYaml);
    for (const s of bridgeServices) {
      const before = parseServicesYaml(project.servicesYaml).find((x) => x.id === s.id);
      if (!before || before.version !== s.version) expect(supports(current, s.name, s.version)).toBe(true);
    }
    expect(planned.bridge.php.kind).toBe('keep');
    expect(planned.bridge.relationships).toEqual([]);

    // 3. The branch carries the target: PHP the target supports, relationships pointing at existing services,
    //    and no service left on a version the target does not list unless a person must decide about it.
    const app = parseAppYaml(planned.updatedAppYaml);
    expect(target.php).toContain(app.phpVersion);
    const branchServices = parseServicesYaml(planned.updatedServicesYaml);
    const ids = new Set(branchServices.map((s) => s.id));
    for (const r of app.relationships) expect(ids.has(r.serviceId)).toBe(true);
    expect(ids.size).toBe(branchServices.length); // no duplicate ids ("Map keys must be unique")
    const replaced = new Set(planned.changes.services.filter((x) => x.kind === 'replace').map((x) => x.serviceId));
    for (const s of branchServices) {
      if (replaced.has(s.id)) continue;
      const ok = supports(target, s.name, s.version);
      if (!ok) expect(plan.needsDecision || ['activemq-artemis', 'elasticsearch'].includes(canonicalServiceName(s.name))).toBe(true);
    }
    // The database is recognised whatever the type is called.
    expect(planned.changes.warnings.join('\n')).not.toMatch(/No `mysql`/);

    // 4. Composer raised to the target's minimum where the file names one.
    const required = target.composer.versions[0]!;
    expect(compareVersions(readComposerVersion(planned.updatedAppYaml)!, required)).toBeGreaterThanOrEqual(0);

    // 5. The launch window ends with the code deploy and the checks, in the stated order.
    const subjects = plan.launch.map((s) => s.subject);
    expect(subjects.at(-1)).toBe('cache');
    expect(subjects).toContain('code');
    expect(plan.launchMinutes).toBe(plan.launch.reduce((n, s) => n + s.minutes, 0));
    if (plan.launchMinutes > 240) expect(plan.needsDecision).toBe(true);
  });
});

describe('the cases the issue names', () => {
  it('2.4.6-p8 → 2.4.8-p3: no common version for MariaDB, OpenSearch, Redis/Valkey; the request asks for none of them', () => {
    const project = templateProject('2.4.6', '2.4.6-p8', 'rabbitmq');
    const planned = planProjectFiles({
      servicesYaml: project.servicesYaml.replace('mysql:10.11', 'mysql:10.6').replace('rabbitmq:3.9', 'rabbitmq:3.13'),
      appYaml: project.appYaml,
      currentVersion: '2.4.6-p8',
      targetVersion: '2.4.8-p3',
      windowMinutes: 240,
    });
    const plan = planned.changes.plan!;
    expect(plan.bridge).toEqual([]);
    expect(plan.noCommonVersion.join(' ')).toMatch(/mysql .*opensearch .*rabbitmq/);
    const parsed = validateProjectInput({
      ...PROJECT_FILE,
      currentVersion: '2.4.6-p8',
      targetVersion: '2.4.8-p3',
      environments: {
        staging: { ...PROJECT_FILE.environments.staging, kind: 'pro' },
        production: { ...PROJECT_FILE.environments.production, kind: 'pro' },
      },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const request = buildInfrastructureChangeRequest({
      project: parsed.project,
      environment: 'production',
      changes: planned.bridge,
      updatedServicesYaml: planned.bridgeServicesYaml,
      updatedAppYaml: project.appYaml,
      requestedWindow: { startIso: '2026-06-02T22:00:00Z', endIso: '2026-06-03T02:00:00Z' },
      nowIso: '2026-05-26T09:00:00Z',
      plan,
    });
    // Issue #14 item 1: the request attached type: php:8.4 and the Valkey switch while Production runs 2.4.6-p8.
    const attached = request.markdown.slice(request.markdown.indexOf('## Updated files'));
    expect(attached).toContain('type: php:8.2');
    expect(attached).not.toContain('php:8.4');
    expect(attached).not.toMatch(/valkey/);
    expect(attached).toContain('type: mysql:10.6');
    expect(request.problems).toContain('No service, relationship or PHP change is needed for 2.4.8-p3; there is nothing to request.');
    expect(request.markdown).toMatch(/## Not part of this request: with the code update in the launch window/);
    // The branch has it all.
    expect(planned.updatedAppYaml).toContain('type: php:8.4');
    expect(planned.updatedAppYaml).toContain(`valkey: "cache:valkey"`);
    expect(planned.updatedAppYaml).toContain(`composer/composer: '2.9.3'`);
    expect(planned.updatedServicesYaml).toContain('type: mysql:11.4');
  });

  it('2.4.6-p8 → 2.4.7-p3: MariaDB 10.6 and RabbitMQ 3.13 are common; PHP 8.2 stays until the code update', () => {
    const project = templateProject('2.4.6', '2.4.6-p8', 'rabbitmq');
    const planned = planProjectFiles({
      servicesYaml: project.servicesYaml.replace('mysql:10.11', 'mysql:10.4'),
      appYaml: project.appYaml,
      currentVersion: '2.4.6-p8',
      targetVersion: '2.4.7-p3',
    });
    const bridge = Object.fromEntries(planned.changes.plan!.bridge.map((b) => [b.serviceId, b.toVersion]));
    expect(bridge).toEqual({ mysql: '10.6', rabbitmq: '3.13' });
    expect(planned.changes.php.toVersion).toBe('8.3');
    expect(planned.bridge.php.toVersion).toBe('8.2');
  });

  it('two Redis services (cache and sessions) each get their own Valkey instead of crashing', () => {
    const project = templateProject('2.4.7', '2.4.7-p9', 'split-redis');
    const planned = planProjectFiles({
      servicesYaml: project.servicesYaml,
      appYaml: project.appYaml,
      currentVersion: '2.4.7-p9',
      targetVersion: '2.4.8-p5',
    });
    const added = planned.changes.services.filter((c) => c.kind === 'add').map((c) => c.serviceId);
    expect(added).toEqual(['cache', 'valkey-session']);
    const app = parseAppYaml(planned.updatedAppYaml);
    expect(app.relationships.map((r) => `${r.name}=${r.serviceId}:${r.endpoint}`)).toEqual(
      expect.arrayContaining(['valkey=cache:valkey', 'valkey-session=valkey-session:valkey']),
    );
    // 2.4.7-p9 lists Valkey 8: both can be added in the infrastructure task, unwired until the code update.
    expect(planned.changes.plan!.bridge.map((b) => b.serviceId)).toEqual(['cache', 'valkey-session']);
  });

  it('the app-server variant (`mariadb:`) gets its MariaDB upgrade, written back as mariadb:', () => {
    const project = templateProject('2.4.6', '2.4.6-p15', 'app-server-mariadb');
    const planned = planProjectFiles({
      servicesYaml: project.servicesYaml,
      appYaml: project.appYaml,
      currentVersion: '2.4.6-p15',
      targetVersion: '2.4.8-p5',
    });
    expect(planned.changes.services.find((c) => c.serviceId === 'mysql')).toMatchObject({
      kind: 'upgrade',
      fromVersion: '10.11',
      toVersion: '11.8',
      eceToolsMinimum: '2002.2.11',
    });
    expect(planned.updatedServicesYaml).toContain('type: mariadb:11.8');
  });

  it('ActiveMQ Artemis on a target that does not support it asks for a decision', () => {
    const project = templateProject('2.4.7', '2.4.7-p10', 'activemq');
    const planned = planProjectFiles({
      servicesYaml: project.servicesYaml,
      appYaml: project.appYaml,
      currentVersion: '2.4.7-p10',
      targetVersion: '2.4.8-p2',
    });
    expect(planned.changes.plan!.needsDecision).toBe(true);
    expect(planned.changes.plan!.decisionReasons.join()).toMatch(/ActiveMQ Artemis is not supported by 2\.4\.8-p2/);
  });

  it('OpenSearch 1 → 3 goes via 2 with a reindex, and the RabbitMQ 4.2/4.3 note is on every line of the May 2026 patches', () => {
    const services =
      'mysql:\n    type: mysql:10.4\n    disk: 2048\nredis:\n    type: redis:6.2\nopensearch:\n    type: opensearch:1\n    disk: 1024\nrabbitmq:\n    type: rabbitmq:3.9\n    disk: 1024\n';
    const app = templateProject('2.4.4', '2.4.4', 'template').appYaml;
    const planned = planProjectFiles({ servicesYaml: services, appYaml: app, currentVersion: '2.4.4', targetVersion: '2.4.7-p10' });
    const os = planned.changes.services.find((c) => c.serviceId === 'opensearch')!;
    expect(os.upgradePath).toEqual(['2', '3']);
    expect(os.notes.join(' ')).toMatch(/indexes created by 1\.x cannot be read by 3/);
    expect(planned.changes.plan!.launch.map((s) => s.action).join('\n')).toMatch(/1 → 2, then reindex before the next major/);
    const rabbit = planned.changes.services.find((c) => c.serviceId === 'rabbitmq')!;
    expect(rabbit.notes.join(' ')).toMatch(/"RabbitMQ 4\.2 support".*4\.3/);
    expect(rabbit.eceToolsMinimum).toBe('2002.2.12');
  });
});
