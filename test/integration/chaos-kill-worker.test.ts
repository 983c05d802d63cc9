/**
 * Chaos: the worker PROCESS is killed with SIGKILL (its whole process group, git and shell children included) at
 * random moments while several projects run with the REAL activities against a local landscape (a git origin per
 * project, HTTPS storefronts, an SMTP server with a password, a webhook with a secret path, environment stand-ins).
 * A new worker process is started after each kill. Then:
 *  - every project completes;
 *  - every decision was applied exactly once (one audit entry per gate, one per requestId, however often sent);
 *  - every side effect happened once in the world: one `Upgrade-Step` commit per project step on the remote, one
 *    deploy merge per project on production, and at the receivers one Idempotency-Key / Message-ID per
 *    notification, change request and invitation (duplicates by retries carry the same key, so a deduplicating
 *    receiver shows each once);
 *  - no secret of the worker configuration appears in the workflow histories, the workers' logs or the artifacts.
 *
 * Kills happen while the projects are anywhere up to their launch; the launch task's approval is held until the
 * kills are over, so no kill lands in post-launch monitoring, whose 5-minute heartbeat timeout would only make
 * the test slow (monitoring's resume after a crash is covered in chaos-sigterm-worker.test.ts).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { workflowIdFor, type UpgradeWorkflowInput } from '../../workflows/contract';
import {
  CHAOS_TUNABLES,
  diagnose,
  findSecrets,
  historyText,
  OwnerDriver,
  readTree,
  secretNeedles,
  startChaosReceivers,
  tempDir,
  waitAll,
  WorkerProcess,
  writeWorkflowBundle,
  type ChaosReceivers,
} from '../chaos/chaos-support';
import { connectTestClient, testServer, uniqueTaskQueue } from '../harness/temporal';
import { createCommerceRepo, type CommerceRepo } from '../support/git-fixtures';
import { startLocalLandscape, type LocalLandscape } from '../support/local-landscape';
import { uniqueProjectId } from '../support/project-fixture';

const PROJECTS = Number(process.env.CHAOS_PROJECTS ?? 8);
const KILLS = Number(process.env.CHAOS_KILLS ?? 3);

let client: Client;
let closeClient: () => Promise<void>;
let landscape: LocalLandscape;
let receivers: ChaosReceivers;
let work: Awaited<ReturnType<typeof tempDir>>;
const repos: CommerceRepo[] = [];
const workers: WorkerProcess[] = [];
const drivers: OwnerDriver[] = [];

beforeAll(async () => {
  ({ client, close: closeClient } = await connectTestClient());
  landscape = await startLocalLandscape();
  receivers = await startChaosReceivers();
  work = await tempDir('cuo-chaos-kill-');
}, 60_000);

afterAll(async () => {
  // A failed test leaves its driver polling a stuck project: stop it so jest can exit.
  for (const d of drivers) d.stop();
  for (const w of workers) await w.kill9();
  await closeClient();
  await receivers.close();
  await landscape.close();
  await Promise.all(repos.map((r) => r.cleanup()));
  await work.remove();
});

it(`survives ${KILLS} kill -9 of the worker process with ${PROJECTS} projects in flight: nothing lost, nothing twice`, async () => {
  const started = Date.now();
  const bundlePath = await writeWorkflowBundle(work.path);
  const caFile = join(work.path, 'storefronts-ca.pem');
  await writeFile(caFile, [landscape.staging.certificatePem, landscape.production.certificatePem].join('\n'));
  const taskQueue = uniqueTaskQueue('chaos-kill');
  const dataDir = join(work.path, 'data');
  const spawnWorker = async () => {
    const worker = new WorkerProcess({ address: testServer().address, taskQueue, dataDir, bundlePath, caFile, secrets: receivers.secrets });
    workers.push(worker);
    await worker.waitStarted();
    return worker;
  };

  // One repository per project: each has its own upgrade branch and production branch to count commits on.
  const projects = [];
  for (let i = 0; i < PROJECTS; i += 1) {
    const repo = await createCommerceRepo({ uctReport: 'text' });
    repos.push(repo);
    projects.push(
      landscape.project({
        projectId: uniqueProjectId(`chaos${i}`),
        repository: { url: repo.remoteDir, baseBranch: 'master', uctReportPath: 'var/uct/report.txt' },
      }),
    );
  }

  let worker = await spawnWorker();
  const handles: WorkflowHandle[] = [];
  for (const project of projects) {
    const input: UpgradeWorkflowInput = { version: 1, project, tunables: CHAOS_TUNABLES };
    handles.push(await client.workflow.start('upgradeProject', { taskQueue, workflowId: workflowIdFor(project.projectId), args: [input] }));
  }
  let killsDone = false;
  const driver = new OwnerDriver(handles, (gateId) => gateId === 'launch-to-production' && !killsDone);
  drivers.push(driver);

  // ---- the kills, at random moments, each followed by a fresh worker process ----
  const killLog: string[] = [];
  for (let k = 0; k < KILLS; k += 1) {
    const delay = 2_000 + Math.floor(Math.random() * 5_000);
    await new Promise((r) => setTimeout(r, delay));
    const statuses = (await Promise.all(handles.map((h) => h.query('status').catch(() => undefined)))) as ({ phase: string } | undefined)[];
    killLog.push(`kill ${k + 1} after ${delay} ms, phases: ${statuses.map((s) => s?.phase ?? '?').join(',')}`);
    await worker.kill9();
    worker = await spawnWorker();
  }
  killsDone = true;
  process.stdout.write(`${killLog.join('\n')}\n`);

  const done = await waitAll(handles, (s) => s.state !== 'running', 180_000).catch(async (err: Error) => {
    throw new Error(`${err.message}\n${await diagnose(handles)}\nlast worker:\n${worker.text().slice(-4000)}`);
  });
  await driver.finished();
  const results = await Promise.all(handles.map((h) => h.result()));
  const elapsed = Date.now() - started;

  // ---- every project completed ----
  expect(done.map((s) => s.state)).toEqual(projects.map(() => 'completed'));
  expect(results.map((r) => r.outcome)).toEqual(projects.map(() => 'completed'));

  const counts = { decisions: 0, commits: 0, merges: 0, webhookKeys: 0, mails: 0, duplicatesDelivered: 0 };
  // Every project is checked and every violation collected, so one run shows the whole picture.
  const violations: string[] = [];
  for (const [i, status] of done.entries()) {
    const workflowId = handles[i]!.workflowId;
    try {
      // ---- decisions: exactly one per gate, one per requestId, however many times the driver sent it ----
      const decisions = status.audit.filter((e) => e.kind === 'decision');
      expect(decisions.map((e) => e.gateId).sort()).toEqual(status.gates.map((g) => g.id).sort());
      expect(new Set(decisions.map((e) => e.requestId)).size).toBe(decisions.length);
      for (const gate of status.gates) expect(gate.approvals).toHaveLength(1);
      counts.decisions += decisions.length;

      // ---- git: one Upgrade-Step commit for the branch step, one deploy merge, no rollback ----
      const repo = repos[i]!;
      await repo.git(['fetch', '--quiet', 'origin']);
      const stepCommits = (
        await repo.git([
          'log',
          '--format=%H',
          `--grep=Upgrade-Step: ${workflowId}/prepare-upgrade-branch`,
          '--fixed-strings',
          'origin/upgrade/2.4.8-p3',
        ])
      )
        .split('\n')
        .filter(Boolean);
      expect(stepCommits).toHaveLength(1);
      const merges = (await repo.git(['log', '--merges', '--format=%H %s', 'origin/master'])).split('\n').filter(Boolean);
      expect(merges).toHaveLength(1);
      expect(await repo.git(['log', '--format=%B', 'origin/master'])).not.toMatch(/Upgrade-Rollback/);
      counts.commits += stepCommits.length;
      counts.merges += merges.length;

      // ---- receivers: one key per notification; each key is one Message-ID; nothing expected is missing ----
      const delivered = receivers.webhook.messages.filter((m) => m.idempotencyKey?.startsWith(`${workflowId}/`));
      const keys = [...new Set(delivered.map((m) => m.idempotencyKey!))];
      counts.duplicatesDelivered += delivered.length - keys.length;
      const expected = [...status.gates.map((g) => `${workflowId}/${g.id}/r1/awaiting`), `${workflowId}/project/completed`];
      expect(keys).toEqual(expect.arrayContaining(expected));
      // Besides the workflow's notifications: two change requests (staging, production) and two invitations.
      const extra = keys.filter((k) => !expected.includes(k));
      expect({ workflowId, changeRequests: extra.filter((k) => k.includes('/change-request/')).length }).toEqual({
        workflowId,
        changeRequests: 2,
      });
      expect({ workflowId, invitations: extra.filter((k) => k.includes('/conference:')).length }).toEqual({ workflowId, invitations: 2 });
      expect({ workflowId, other: extra.filter((k) => !k.includes('/change-request/') && !k.includes('/conference:')) }).toEqual({
        workflowId,
        other: [],
      });
      const mails = receivers.smtp.messages.filter((m) => m.headers['idempotency-key']?.startsWith(`${workflowId}/`));
      const mailKeys = new Set(mails.map((m) => m.headers['idempotency-key']));
      expect([...mailKeys].sort()).toEqual([...keys].sort());
      // A retried e-mail carries the same Message-ID: one Message-ID per key.
      expect(new Set(mails.map((m) => m.messageId)).size).toBe(mailKeys.size);
      counts.webhookKeys += keys.length;
      counts.mails += mailKeys.size;
    } catch (err) {
      violations.push(`${workflowId}: ${(err as Error).message}`);
    }
  }

  process.stdout.write(
    `chaos kill -9: ${PROJECTS} projects, ${KILLS} kills, ${Math.round(elapsed / 1000)} s; ${counts.decisions} decisions applied once ` +
      `(${[...driver.sent.values()].reduce((a, b) => a + b, 0)} sent), ${counts.commits} step commits, ${counts.merges} deploy merges, ` +
      `${counts.webhookKeys} webhook keys = ${counts.mails} e-mail keys, ${counts.duplicatesDelivered} duplicate deliveries (same key), ` +
      `${driver.errors.length} driver retries\n`,
  );

  // ---- secrets: not in history, not in the workers' logs, not in artifacts or reports ----
  const needles = secretNeedles(receivers.secrets);
  for (const handle of handles)
    expect({ workflowId: handle.workflowId, leaked: findSecrets(await historyText(client, handle.workflowId), needles) }).toEqual({
      workflowId: handle.workflowId,
      leaked: [],
    });
  for (const [n, w] of workers.entries()) expect({ worker: n, leaked: findSecrets(w.text(), needles) }).toEqual({ worker: n, leaked: [] });
  const files = await readTree(join(dataDir, 'artifacts'));
  expect(files.length).toBeGreaterThan(PROJECTS * 10);
  expect(files.filter((f) => findSecrets(f.text, needles).length > 0).map((f) => f.path)).toEqual([]);
  // The logs are real: every worker process wrote JSON lines, and later ones picked up the work.
  expect(workers.length).toBe(KILLS + 1);
  for (const w of workers) expect(w.text()).toMatch(/"msg":"chaos worker polling"/);
  expect(violations).toEqual([]);
}, 330_000);
