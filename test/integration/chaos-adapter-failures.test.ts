/**
 * Adapter faults with the REAL activities on the real dev server, against real local counterparts:
 *  - transient (webhook answering 500, SMTP server dropping connections, a git push rejected once by a real
 *    pre-receive hook, Production refusing connections while it deploys): retried and the project completes
 *    without any task ever blocking;
 *  - permanent (repository URL that does not exist, pushes always rejected): the task is `blocked` with the reason,
 *    the workflow keeps running (never failed, never stuck), and a `retry` decision completes it once the cause is
 *    fixed (the repository created, the hook removed).
 */
import { execFile } from 'node:child_process';
import { unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { EnvironmentName, ProjectContext } from '../../activities/contract';
import { Notifier } from '../../activities/notify/channels';
import { type ProjectFile } from '../../workflows/project-input';
import { workflowIdFor, type UpgradeWorkflowInput } from '../../workflows/contract';
import type { ProjectStatus } from '../../workflows/project-state';
import { startTcpProxy, type TcpProxy } from '../chaos/tcp-proxy';
import { connectTestClient, runWorker, uniqueTaskQueue } from '../harness/temporal';
import { approveUntil, decide, gateState, OWNER_EMAIL, waitForStatus } from '../support/drive';
import { acceptPushes, createCommerceRepo, rejectPushes, type CommerceRepo } from '../support/git-fixtures';
import { startLocalLandscape, type LocalLandscape } from '../support/local-landscape';
import { uniqueProjectId } from '../support/project-fixture';

const run = promisify(execFile);
const WORKFLOWS = require.resolve('../../workflows');
const TUNABLES = { productionNoticeHours: 0, activityMaximumAttempts: 4, activityInitialInterval: '300ms', activityMaximumInterval: '1s' };

let client: Client;
let closeClient: () => Promise<void>;
let landscape: LocalLandscape;
let smtpProxy: TcpProxy;
const repos: CommerceRepo[] = [];

beforeAll(async () => {
  // Failed attempts are logged as warnings by the SDK (by design); they would bury the test's own output.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  ({ client, close: closeClient } = await connectTestClient());
  landscape = await startLocalLandscape();
  smtpProxy = await startTcpProxy(landscape.smtp.port);
}, 60_000);
afterAll(async () => {
  await closeClient();
  await smtpProxy.close();
  await landscape.close();
  await Promise.all(repos.map((r) => r.cleanup()));
});

/** The landscape's adapters, with e-mail going through the fault proxy in front of the SMTP receiver. */
function activities() {
  const deps = landscape.activityDeps();
  return createActivities({
    ...deps,
    notifier: new Notifier({
      webhook: { url: landscape.webhook.url },
      email: { smtpUrl: `smtp://127.0.0.1:${smtpProxy.port}`, from: 'upgrades@commerce-upgrades.invalid' },
    }),
  });
}

async function projectWithOwnRepo(overrides: Partial<ProjectFile> = {}): Promise<{ project: ProjectFile; repo: CommerceRepo }> {
  const repo = await createCommerceRepo({ uctReport: 'text' });
  repos.push(repo);
  const project = landscape.project({
    projectId: uniqueProjectId('fault'),
    repository: { url: repo.remoteDir, baseBranch: 'master', uctReportPath: 'var/uct/report.txt' },
    ...overrides,
  });
  return { project, repo };
}

async function start(taskQueue: string, project: ProjectFile): Promise<WorkflowHandle> {
  const input: UpgradeWorkflowInput = { version: 1, project, tunables: TUNABLES };
  return client.workflow.start('upgradeProject', { taskQueue, workflowId: workflowIdFor(project.projectId), args: [input] });
}

/** A pre-receive hook that refuses one push and then removes itself: a real rejection, exactly once. */
async function rejectNextPushOnce(remoteDir: string): Promise<string> {
  const marker = join(remoteDir, 'rejected-once');
  await writeFile(
    join(remoteDir, 'hooks', 'pre-receive'),
    `#!/bin/sh\necho "branch is being migrated, try again" >&2\ntouch "${marker}"\nrm -f "$0"\nexit 1\n`,
    { mode: 0o755 },
  );
  return marker;
}

const blockedEntries = (s: ProjectStatus) => s.audit.filter((e) => e.kind === 'blocked');

it('retries transient faults (webhook 500s, SMTP drops, one rejected push, Production refusing connections) and completes with nothing blocked', async () => {
  const taskQueue = uniqueTaskQueue('faults-transient');
  const { project, repo } = await projectWithOwnRepo();
  const { webhook, smtp, production } = landscape;
  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: activities() }, async () => {
    // The first notification meets a webhook answering 500 twice and an SMTP server dropping connections.
    webhook.failNext(2, 500);
    smtpProxy.setMode('reset');
    const handle = await start(taskQueue, project);
    const awaitingKey = `${handle.workflowId}/create-upgrade-plan/r1/awaiting`;
    await smtpProxy.waitForDrop();
    smtpProxy.setMode('up');
    const mail = await smtp.waitFor((m) => m.headers['idempotency-key'] === awaitingKey, 20_000);
    await webhook.waitFor((m) => m.idempotencyKey === awaitingKey, 20_000);
    expect(webhook.requests.filter((r) => r.status === 500).length).toBeGreaterThanOrEqual(2);

    // The upgrade branch push is refused once by the remote; the retry pushes it.
    const marker = await rejectNextPushOnce(repo.remoteDir);
    await approveUntil(handle, (s) => gateState(s, 'update-code-base') === 'awaiting-approval', 90_000);
    await run('test', ['-f', marker]);

    // Production refuses connections right after the merge is pushed; the deployment waits for it to answer.
    await approveUntil(handle, (s) => gateState(s, 'cab-production-deployment') === 'awaiting-approval', 90_000);
    production.resetStats();
    production.setMode('down');
    // Back up only after the deployment has met a refused connection (a fixed delay raced the approvals under load).
    let watching = true;
    const back = (async () => {
      while (watching && production.stats().droppedConnections === 0) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 500));
      production.setMode('healthy');
    })();
    const done = await approveUntil(handle, () => false, 120_000);
    watching = false;
    await back;
    production.setMode('healthy');

    expect(done.state).toBe('completed');
    expect(blockedEntries(done)).toEqual([]);
    expect(production.stats().droppedConnections).toBeGreaterThan(0);
    const deploy = done.gates.flatMap((g) => g.steps).find((s) => s.step === 'deployToProduction');
    expect(deploy).toMatchObject({ status: 'done', passed: true });
    // Delivered once per key despite the failed attempts; no notification was given up on.
    expect(smtp.messages.filter((m) => m.headers['idempotency-key'] === awaitingKey)).toHaveLength(1);
    expect(mail.messageId).toBeTruthy();
    expect(done.audit.filter((e) => /not delivered/.test(e.reason ?? ''))).toEqual([]);
    await repo.git(['fetch', '--quiet', 'origin']);
    expect(
      (
        await repo.git([
          'log',
          '--format=%H',
          '--fixed-strings',
          `--grep=Upgrade-Step: ${handle.workflowId}/prepare-upgrade-branch`,
          'origin/upgrade/2.4.8-p3',
        ])
      )
        .split('\n')
        .filter(Boolean),
    ).toHaveLength(1);
  });
}, 150_000);

it('blocks on permanent faults with the reason, keeps the workflow running, and completes after a retry once the cause is fixed', async () => {
  const taskQueue = uniqueTaskQueue('faults-permanent');
  const source = await createCommerceRepo({ uctReport: 'text' });
  repos.push(source);
  // The project names a repository that does not exist (yet): a typo in repository.url.
  const missing = join(source.remoteDir, '..', 'typo-origin.git');
  const { project } = await projectWithOwnRepo({ repository: { url: missing, baseBranch: 'master', uctReportPath: 'var/uct/report.txt' } });
  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: activities() }, async () => {
    const handle = await start(taskQueue, project);
    const blocked = await waitForStatus(handle, (s) => s.gates.some((g) => g.state === 'blocked'), 60_000);
    const gate = blocked.gates.find((g) => g.state === 'blocked')!;
    expect(gate.blocked?.error).toMatch(/unreachable or not a repository/);
    expect(gate.blocked?.error).toMatch(/repository\.url/);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    // It stays blocked (never decided by a timer, never failed) until a person acts.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(gateState(await handle.query('status'), gate.id)).toBe('blocked');

    // A retry before the cause is fixed blocks again, with the same reason.
    await decide(handle, { taskId: gate.id, decision: 'retry', actor: OWNER_EMAIL[gate.owner], role: gate.owner, requestId: 'retry-1' });
    const again = await waitForStatus(handle, (s) => blockedEntries(s).length >= 2, 60_000);
    expect(blockedEntries(again)[1]!.reason).toMatch(/unreachable or not a repository/);

    // Fix the cause: the repository appears at that URL. Then retry.
    await run('git', ['clone', '--quiet', '--bare', source.remoteDir, missing]);
    await waitForStatus(handle, (s) => gateState(s, gate.id) === 'blocked', 30_000);
    await decide(handle, {
      taskId: gate.id,
      decision: 'retry',
      actor: OWNER_EMAIL['managed-services'],
      role: 'managed-services',
      requestId: 'retry-2',
    });
    await waitForStatus(handle, (s) => gateState(s, gate.id) === 'awaiting-approval', 60_000);

    // Pushes always refused by the remote: the branch step blocks with git's reason; allowing pushes + retry fixes it.
    await rejectPushes(missing, 'pushes are frozen during the change freeze');
    const frozen = await approveUntil(handle, (s) => gateState(s, 'update-code-base') === 'blocked', 120_000);
    const code = frozen.gates.find((g) => g.id === 'update-code-base')!;
    expect(code.blocked).toMatchObject({
      step: 'prepareUpgradeBranch',
      error: expect.stringMatching(/rejected.*pushes are frozen during the change freeze/),
    });
    await acceptPushes(missing);
    await decide(handle, {
      taskId: 'update-code-base',
      decision: 'retry',
      actor: OWNER_EMAIL.partner,
      role: 'partner',
      requestId: 'retry-3',
    });
    const done = await approveUntil(handle, () => false, 120_000);
    expect(done.state).toBe('completed');
    expect((await handle.result()).outcome).toBe('completed');
    expect(done.audit.filter((e) => e.kind === 'decision' && e.decision === 'retry').map((e) => e.requestId)).toEqual([
      'retry-1',
      'retry-2',
      'retry-3',
    ]);
  });
  await unlink(join(missing, 'hooks', 'pre-receive')).catch(() => undefined);
}, 200_000);

/**
 * Was a bug (activities/planning-activities.ts, `requestInfrastructureChange`): the change request's idempotency key is
 * `${workflowId}/change-request/${environment}/${artifact.sha256}`, and the artifact's markdown includes
 * "Requested on: <now>" and the notice hours computed from now (activities/infrastructure/change-request.ts). A
 * retry therefore composes a NEW key, so when one channel delivered and another failed (or the worker died after
 * sending), the retry sends the change request again under another key: the receivers cannot deduplicate it and
 * Adobe Support gets two tickets. Fix: derive the key from what identifies the request (workflow id, environment,
 * requested window, services diff), not from the clock, e.g. `${workflowId}/change-request/${env}/${window.startIso}`,
 * or take `nowIso` from the activity's scheduled time. Fixed: the test now guards it.
 * The kill -9 test (chaos-kill-worker) fails the same way when a kill lands between delivery and completion.
 */
it('a change request retried after a partial delivery keeps its idempotency key (one ticket, not two)', async () => {
  const { MockActivityEnvironment } = await import('@temporalio/testing');
  const { validateProjectInput } = await import('../../workflows/project-input');
  const { project: file } = await projectWithOwnRepo();
  const validation = validateProjectInput(file, { shortTimings: true }); // the landscape's seconds-long timings, as its worker allows
  if (!validation.ok) throw new Error('fixture project invalid');
  const ctx: ProjectContext = { workflowId: workflowIdFor(file.projectId), project: validation.project };
  const window = { startIso: new Date(Date.now() + 3_600_000).toISOString(), endIso: new Date(Date.now() + 7_200_000).toISOString() };
  const acts = activities();
  const env = new MockActivityEnvironment();
  // Attempt 1: the webhook takes it, the SMTP server drops the connection → a retryable failure.
  smtpProxy.setMode('reset');
  await expect(env.run(acts.requestInfrastructureChange, ctx, { environment: 'staging' as EnvironmentName, window })).rejects.toThrow(
    /not delivered/,
  );
  smtpProxy.setMode('up');
  // Attempt 2, as Temporal's retry would run it a moment later.
  await new Promise((r) => setTimeout(r, 1_100));
  await env.run(acts.requestInfrastructureChange, ctx, { environment: 'staging' as EnvironmentName, window });
  const keys = new Set(
    landscape.webhook.messages
      .filter((m) => m.idempotencyKey?.startsWith(`${ctx.workflowId}/change-request/staging/`))
      .map((m) => m.idempotencyKey),
  );
  expect([...keys]).toHaveLength(1);
}, 60_000);
