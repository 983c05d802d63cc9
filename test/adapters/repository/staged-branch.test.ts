/**
 * Branch contents and the Integration services commit of the staged plan (issue #14), against real git: a 2.4.4
 * project in the template's shape (metapackage only, composer/composer 2.2.26, a 2.4.4-era laminas-di pin) in a
 * bare remote, upgraded to 2.4.8-p5 by the real planning activities; and `cuo infrastructure` reading the same
 * repository by URL, with its exit codes.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ArtifactStore } from '../../../activities/artifact-store';
import type { AutomationResult } from '../../../activities/contract';
import { Notifier } from '../../../activities/notify/channels';
import { createPlanningActivities } from '../../../activities/planning-activities';
import { RepositoryWorkspace, UPGRADE_BOT_AUTHOR } from '../../../activities/repository/workspace';
import { run } from '../../../client/cli';
import { plainStyle, type Io } from '../../../client/io';
import { validateProjectInput, type ProjectInput } from '../../../workflows/project-input';
import { createCommerceRepo, git, type CommerceRepo } from '../../support/git-fixtures';
import { makeProject } from '../../support/project-fixture';
import { templateProject } from '../../unit/infrastructure/template-projects';
import { realpathSync } from 'node:fs';
import { localLandscapePolicy } from '../../support/local-policy';

let repo: CommerceRepo;
let dataDir: string;
let project: ProjectInput;

beforeEach(async () => {
  const files = templateProject('2.4.4', '2.4.4-p18', 'rabbitmq');
  repo = await createCommerceRepo({
    commerceVersion: '2.4.4-p18',
    php: '8.1',
    extraFiles: { '.magento/services.yaml': files.servicesYaml, '.magento.app.yaml': files.appYaml, 'composer.json': files.composerJson },
  });
  dataDir = await mkdtemp(join(tmpdir(), 'cuo-staged-'));
  const parsed = validateProjectInput(
    makeProject({
      currentVersion: '2.4.4-p18',
      targetVersion: '2.4.8-p5',
      repository: { url: repo.remoteDir, baseBranch: 'master' },
      environments: {
        staging: { url: 'https://staging.acme.example', branch: 'staging', kind: 'integration' },
        production: { url: 'https://www.acme.example', branch: 'production' },
      },
    }),
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  project = parsed.project;
});
afterEach(async () => {
  await repo.cleanup();
  await rm(dataDir, { recursive: true, force: true });
});

const activities = () =>
  createPlanningActivities({
    artifacts: new ArtifactStore(join(dataDir, 'artifacts')),
    workspace: new RepositoryWorkspace({ workspacesDir: join(dataDir, 'workspaces'), author: UPGRADE_BOT_AUTHOR }),
    notifier: new Notifier({}),
    now: () => new Date('2026-05-26T09:00:00Z'),
    policy: localLandscapePolicy({ repositoryRoots: [realpathSync(tmpdir())] }),
  });
const show = (ref: string, rel: string) => git(['show', `${ref}:${rel}`], repo.remoteDir);

it('the upgrade branch pins the target, raises Composer, drops the laminas-di pin and carries every service change', async () => {
  const ctx = { workflowId: `upgrade-${project.projectId}`, project };
  const result: AutomationResult = await new MockActivityEnvironment().run(activities().prepareUpgradeBranch, ctx);
  expect(result.facts).toMatchObject({ branch: 'upgrade/2.4.8-p5' });
  const composer = JSON.parse(await show('upgrade/2.4.8-p5', 'composer.json'));
  expect(composer.require).toMatchObject({
    'magento/magento-cloud-metapackage': '>=2.4.8 <2.4.9',
    'magento/product-enterprise-edition': '2.4.8-p5',
  });
  expect(composer.require['laminas/laminas-di']).toBeUndefined();
  const app = await show('upgrade/2.4.8-p5', '.magento.app.yaml');
  expect(app).toContain('type: php:8.4');
  expect(app).toContain("composer/composer: '2.10'");
  expect(app).toContain('valkey: "cache:valkey"');
  const services = await show('upgrade/2.4.8-p5', '.magento/services.yaml');
  expect(services).toContain('type: mysql:11.8');
  expect(services).toContain('type: opensearch:3');
  expect(services).toContain('type: rabbitmq:4.3');
  expect(services).toContain('type: valkey:8.1');
});

it('an Integration staging gets the bridge state only: no PHP, relationship or no-common-version change', async () => {
  const ctx = { workflowId: `upgrade-${project.projectId}`, project };
  await new MockActivityEnvironment().run(activities().requestInfrastructureChange, ctx, {
    environment: 'staging' as const,
    window: { startIso: '2026-05-27T22:00:00Z', endIso: '2026-05-28T02:00:00Z' },
  });
  const app = await show('staging', '.magento.app.yaml');
  expect(app).toContain('type: php:8.1');
  expect(app).not.toContain('valkey');
  const services = await show('staging', '.magento/services.yaml');
  // 2.4.4-p18 and 2.4.8-p5 share no MariaDB or OpenSearch version; RabbitMQ goes as far as 3.13, which 2.4.4-p18 runs.
  expect(services).toContain('type: mysql:10.6');
  expect(services).toContain('type: opensearch:2');
  expect(services).toContain('type: rabbitmq:3.13');
});

function captureIo(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    style: plainStyle(),
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    json: (v) => stdout.push(JSON.stringify(v)),
    now: () => 0,
  };
}

it('cuo infrastructure previews the plan from the repository URL, reading the current version from composer.lock', async () => {
  const io = captureIo();
  expect(await run(['infrastructure', repo.remoteDir, '--to', '2.4.8-p5', '--json'], io, {})).toBe(0);
  const out = JSON.parse(io.stdout.at(-1)!);
  expect(out.currentVersion).toBe('2.4.4-p18');
  expect(out.plan.bridge.map((b: { serviceId: string; toVersion: string }) => `${b.serviceId}:${b.toVersion}`)).toEqual(['rabbitmq:3.13']);
  expect(out.plan.launch.at(-2)).toMatchObject({ subject: 'search' });

  const table = captureIo();
  expect(await run(['infrastructure', repo.dir, '--to', '2.4.8-p5', '--window-minutes', '120'], table, {})).toBe(0);
  const text = table.stdout.join('\n');
  expect(text).toMatch(/^Adobe Commerce 2\.4\.4-p18 → 2\.4\.8-p5 on cloud infrastructure/);
  expect(text).toMatch(/NO SAFE ORDER KNOWN/);
  expect(text).toMatch(/magento\/ece-tools 2002\.2\.12 or later/);

  const unknown = captureIo();
  expect(await run(['infrastructure', repo.dir, '--to', '2.4.99'], unknown, {})).toBe(4);
  expect(unknown.stderr.join('\n')).toMatch(/2\.4\.99.*not in the system-requirements catalog/);
  expect(await run(['infrastructure', repo.dir, '--to', '2.4.8', '--from', '2.4.3'], captureIo(), {})).toBe(4);
});

it('cuo infrastructure exits 2 on an unparsable services.yaml and 4 on a missing one', async () => {
  await repo.git(['rm', '-q', '.magento/services.yaml']);
  const io = captureIo();
  expect(await run(['infrastructure', repo.dir, '--to', '2.4.8'], io, {})).toBe(4);
  await mkdir(join(repo.dir, '.magento'), { recursive: true });
  await writeFile(join(repo.dir, '.magento/services.yaml'), 'mysql:\n  type: mysql:10.6\nmysql:\n  type: mysql:10.6\n');
  const bad = captureIo();
  expect(await run(['infrastructure', repo.dir, '--to', '2.4.8'], bad, {})).toBe(2);
  expect(bad.stderr.join('\n')).toMatch(/\.magento\/services\.yaml:3: is not valid YAML/);
});
