/**
 * Issue #12, findings 1, 2, 3 and 5, against the real activity functions in the SDK's activity context, with the
 * worker's own redacting interceptor: a project file cannot make the worker run commands on its own host or on an
 * ssh host its operator did not list, cannot reach hosts or addresses the worker does not allow, cannot clone a
 * local folder outside the allowed roots, cannot ask for a larger load test than the worker allows; and what a
 * failing command prints reaches the failure only redacted. Every refusal happens before anything runs.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type ActivityDeps } from '../../../activities';
import type { AutomationResult } from '../../../activities/contract';
import { guardedLookup } from '../../../activities/policy/egress';
import type { WorkerPolicy } from '../../../activities/policy/worker-policy';
import { HttpProber } from '../../../activities/runbook/http-probe';
import { validateProjectInput, type ProjectFile, type ProjectInput } from '../../../workflows/project-input';
import { redactingInterceptors } from '../../../worker/redacting-interceptor';
import { startLocalLandscape, type LocalLandscape } from '../../support/local-landscape';

let landscape: LocalLandscape;
beforeAll(async () => {
  landscape = await startLocalLandscape();
});
afterAll(async () => landscape.close());

const SECRET = 'smtp-Pa55word-7f3a9c';
const STAGING_CHECKS = { environment: 'staging', purpose: 'post-upgrade-checks' } as const;

function projectOf(overrides: Partial<ProjectFile> = {}): ProjectInput {
  const parsed = validateProjectInput(landscape.project(overrides), { shortTimings: true });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.project;
}

/** The landscape's deps with parts of its policy taken back. */
function depsWith(change: (policy: WorkerPolicy) => WorkerPolicy): ActivityDeps {
  const deps = landscape.activityDeps();
  return { ...deps, policy: change(deps.policy) };
}

const env = () => new MockActivityEnvironment(undefined, { interceptors: redactingInterceptors([SECRET]) });
const ctx = (project: ProjectInput) => ({ workflowId: `upgrade-${project.projectId}`, project });

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('commands (finding 1)', () => {
  test('a local remote is refused unless the operator allows local commands; nothing runs', async () => {
    const marker = join(landscape.environmentDirs.staging, 'var', 'ran-on-the-worker');
    const project = projectOf({ runbookCommands: [`touch ${marker}`] });
    const activities = createActivities(depsWith((p) => ({ ...p, commands: { allowLocal: false, sshHosts: [] } })));
    const failure = await failureOf(env().run(activities.runPostUpgradeRunbook, ctx(project), STAGING_CHECKS));
    expect(failure).toMatchObject({ type: 'CommandTargetRefused', nonRetryable: true });
    expect(failure.message).toContain('environments.staging.remote is "local"');
    expect(failure.message).toContain('CUO_ALLOW_LOCAL_COMMANDS');
    expect(existsSync(marker)).toBe(false);
  });

  test('an ssh host outside CUO_SSH_ALLOWED_HOSTS is refused', async () => {
    const base = landscape.project();
    const project = projectOf({
      environments: {
        ...base.environments,
        staging: { ...base.environments.staging, remote: { type: 'ssh', host: 'attacker.example', user: 'deploy' } },
      },
    });
    const activities = createActivities(depsWith((p) => ({ ...p, commands: { allowLocal: true, sshHosts: ['*.magento.cloud'] } })));
    const failure = await failureOf(env().run(activities.runPostUpgradeRunbook, ctx(project), STAGING_CHECKS));
    expect(failure.type).toBe('CommandTargetRefused');
    expect(failure.message).toContain('"attacker.example" is not in the worker\'s CUO_SSH_ALLOWED_HOSTS (*.magento.cloud)');
  });

  test("the worker's data folder (the project's own checkout, its vendor/bin/ece-tools) is never a command folder", async () => {
    const project = projectOf();
    const checkout = join(landscape.dataDir, 'workspaces', project.projectId);
    await mkdir(join(checkout, 'vendor', 'bin'), { recursive: true });
    const marker = join(checkout, 'ece-tools-ran');
    await writeFile(join(checkout, 'vendor', 'bin', 'ece-tools'), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    const base = landscape.project();
    const hostile = projectOf({
      projectId: project.projectId,
      environments: {
        staging: { ...base.environments.staging, remote: { type: 'local', cwd: checkout } },
        production: { ...base.environments.production, remote: { type: 'local', cwd: checkout } },
      },
    });
    const activities = createActivities(landscape.activityDeps());
    const failure = await failureOf(env().run(activities.migrateProductionDataToStaging, ctx(hostile)));
    expect(failure.type).toBe('CommandTargetRefused');
    expect(failure.message).toContain("the worker's data folder");
    expect(existsSync(marker)).toBe(false);
  });
});

describe('secrets in output (finding 2)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test('commands get no worker variable; what a failing command prints reaches the failure redacted and capped', async () => {
    // The worker's own environment holds the secret, as SMTP_URL would.
    process.env.SMTP_URL = `smtp://bot:${SECRET}@mail.example.com:587`;
    process.env.WEBHOOK_URL = `https://hooks.example.com/${SECRET}`;
    // A command can still find a secret elsewhere (a file, /proc): here it reads one from a file.
    const leaked = join(landscape.environmentDirs.staging, 'leaked.txt');
    await writeFile(leaked, `${SECRET}\n`);
    const project = projectOf({
      runbookCommands: ['env', 'echo "SMTP=$SMTP_URL WEBHOOK=$WEBHOOK_URL" >&2; exit 1'],
      environments: {
        ...landscape.project().environments,
        staging: {
          ...landscape.project().environments.staging,
          mysqlCommand: `head -c 20000 /dev/zero | tr '\\0' x >&2; echo >&2; cat ${leaked} >&2; exit 1`,
        },
      },
    });
    const activities = createActivities(landscape.activityDeps());

    const runbook: AutomationResult = await env().run(activities.runPostUpgradeRunbook, ctx(project), STAGING_CHECKS);
    expect(runbook.passed).toBe(false);
    const report = await landscape.activityDeps().artifacts.getText(runbook.artifact.id);
    expect(report).toContain('SMTP= WEBHOOK='); // the variables were empty in the command
    expect(report).not.toContain(SECRET);
    expect(report).not.toMatch(/^SMTP_URL=/m); // `env` printed no worker variable

    const failure = await failureOf(env().run(activities.migrateProductionDataToStaging, ctx(project)));
    expect(failure.type).toBe('MigrationStepFailed');
    expect(failure.message).toContain('import dump on staging');
    expect(failure.message).not.toContain(SECRET);
    expect(failure.message.length).toBeLessThanOrEqual(2000);
    expect(JSON.stringify(failure.details)).not.toContain(SECRET);
    expect(failure.stack ?? '').not.toContain(SECRET);
  });
});

describe('network (finding 3)', () => {
  test('a host outside CUO_ALLOWED_HOSTS is refused before any request', async () => {
    const project = projectOf();
    const activities = createActivities(
      depsWith((p) => ({ ...p, network: { allowedHosts: ['shop.example.com'], allowPrivateNetworks: true } })),
    );
    landscape.staging.resetStats();
    const failure = await failureOf(env().run(activities.runSecurityChecks, ctx(project), { environment: 'staging' as const }));
    expect(failure).toMatchObject({ type: 'EgressRefused', nonRetryable: true });
    expect(failure.message).toContain('environments.staging.url: the worker does not reach host "127.0.0.1"');
    expect(landscape.staging.stats().requests).toBe(0);
  });

  test('loopback is refused unless private networks are allowed, also behind a name that resolves to it', async () => {
    const strictNet = depsWith((p) => ({ ...p, network: { allowedHosts: ['127.0.0.1', 'localhost'], allowPrivateNetworks: false } }));
    const activities = createActivities(strictNet);
    landscape.staging.resetStats();
    const byAddress = await failureOf(env().run(activities.runPostUpgradeRunbook, ctx(projectOf()), STAGING_CHECKS));
    expect(byAddress.message).toContain('is a loopback, link-local or private address (127.0.0.1)');
    expect(byAddress.message).toContain('CUO_ALLOW_PRIVATE_NETWORKS=1');
    const base = landscape.project();
    const byName = projectOf({
      environments: {
        ...base.environments,
        staging: { ...base.environments.staging, url: landscape.staging.url.replace('127.0.0.1', 'localhost') },
      },
    });
    const viaDns = await failureOf(env().run(activities.runPerformanceTest, ctx(byName)));
    expect(viaDns.message).toMatch(/host "localhost" is a loopback, link-local or private address \((127\.0\.0\.1|::1)/);
    expect(landscape.staging.stats().requests).toBe(0);
  });

  test('the connections themselves resolve through the policy: a name answering loopback after the check is not reached', async () => {
    const prober = new HttpProber({
      timeoutMs: 5000,
      tls: { ca: landscape.staging.certificatePem },
      lookup: guardedLookup({ allowedHosts: ['*'], allowPrivateNetworks: false })!,
    });
    landscape.staging.resetStats();
    try {
      const answer = await prober.probe(landscape.staging.url.replace('127.0.0.1', 'localhost'));
      expect(answer.status).toBeUndefined();
      expect(answer.error).toMatch(/non-public address/);
    } finally {
      await prober.close();
    }
    expect(landscape.staging.stats().requests).toBe(0);
    expect(guardedLookup({ allowedHosts: ['*'], allowPrivateNetworks: true })).toBeUndefined();
  });

  test('a load test larger than the worker allows is refused, naming the setting', async () => {
    const project = projectOf({
      performance: { paths: ['/'], durationSeconds: 1, connections: 80, maxRequests: 10, maxP95Ms: 1500, maxErrorRate: 0.01 },
    });
    const activities = createActivities(landscape.activityDeps());
    landscape.staging.resetStats();
    const failure = await failureOf(env().run(activities.runPerformanceTest, ctx(project)));
    expect(failure.type).toBe('LoadTestOverCap');
    expect(failure.message).toContain('performance.connections 80 > 50 (CUO_LOAD_TEST_MAX_CONNECTIONS)');
    expect(landscape.staging.stats().requests).toBe(0);
  });
});

describe('local repositories (finding 5)', () => {
  test('a local path outside CUO_LOCAL_REPOSITORY_ROOTS is not cloned', async () => {
    const project = projectOf();
    const activities = createActivities(depsWith((p) => ({ ...p, localRepositoryRoots: [landscape.environmentDirs.staging] })));
    const failure = await failureOf(env().run(activities.draftUpgradePlan, ctx(project)));
    expect(failure).toMatchObject({ type: 'LocalRepositoryRefused', nonRetryable: true });
    expect(failure.message).toContain("outside the worker's CUO_LOCAL_REPOSITORY_ROOTS");
    expect(existsSync(join(landscape.dataDir, 'workspaces', project.projectId))).toBe(false);
  });

  test("the orchestrator's own checkout through a relative path, and ext:: helpers, are refused", async () => {
    const activities = createActivities(landscape.activityDeps());
    const relative = await failureOf(
      env().run(activities.draftUpgradePlan, ctx(projectOf({ repository: { url: '.', baseBranch: 'master' } }))),
    );
    expect(relative.type).toBe('LocalRepositoryRefused');
    const ext = await failureOf(
      env().run(activities.draftUpgradePlan, ctx(projectOf({ repository: { url: 'ext::sh%-c%touch%/tmp/pwned', baseBranch: 'master' } }))),
    );
    expect(ext.type).toBe('EgressRefused');
  });
});
