/**
 * Chaos: SIGTERM to the worker process while a long activity runs (post-launch monitoring, which heartbeats its
 * samples). The worker must stop polling, give the activity the configured grace (WORKER_SHUTDOWN_GRACE) and then
 * cancel it cleanly, exiting 0 within the grace plus a small margin; a new worker process picks the activity up
 * (resuming from the last heartbeat) and the project completes.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { statusQuery } from '../../workflows/messages';
import { workflowIdFor, type UpgradeWorkflowInput } from '../../workflows/contract';
import {
  CHAOS_TUNABLES,
  findSecrets,
  OwnerDriver,
  secretNeedles,
  startChaosReceivers,
  tempDir,
  WorkerProcess,
  writeWorkflowBundle,
  type ChaosReceivers,
} from '../chaos/chaos-support';
import { connectTestClient, testServer, uniqueTaskQueue } from '../harness/temporal';
import { waitForStatus } from '../support/drive';
import { createCommerceRepo, type CommerceRepo } from '../support/git-fixtures';
import { startLocalLandscape, type LocalLandscape } from '../support/local-landscape';
import { uniqueProjectId } from '../support/project-fixture';

const GRACE_MS = 2_000;

let client: Client;
let closeClient: () => Promise<void>;
let landscape: LocalLandscape;
let receivers: ChaosReceivers;
let repo: CommerceRepo;
let work: Awaited<ReturnType<typeof tempDir>>;
const workers: WorkerProcess[] = [];
const drivers: OwnerDriver[] = [];

beforeAll(async () => {
  ({ client, close: closeClient } = await connectTestClient());
  landscape = await startLocalLandscape();
  receivers = await startChaosReceivers();
  repo = await createCommerceRepo({ uctReport: 'text' });
  work = await tempDir('cuo-chaos-term-');
}, 60_000);

afterAll(async () => {
  // A failed test leaves its driver polling a stuck project: stop it so jest can exit.
  for (const d of drivers) d.stop();
  for (const w of workers) await w.kill9();
  await closeClient();
  await receivers.close();
  await landscape.close();
  await repo.cleanup();
  await work.remove();
});

it('SIGTERM during post-launch monitoring stops the worker within the grace time; a new worker finishes the project', async () => {
  const bundlePath = await writeWorkflowBundle(work.path);
  const caFile = join(work.path, 'ca.pem');
  await writeFile(caFile, [landscape.staging.certificatePem, landscape.production.certificatePem].join('\n'));
  const taskQueue = uniqueTaskQueue('chaos-term');
  const spawnWorker = async () => {
    const worker = new WorkerProcess({
      address: testServer().address,
      taskQueue,
      dataDir: join(work.path, 'data'),
      bundlePath,
      caFile,
      secrets: receivers.secrets,
      shutdownGrace: `${GRACE_MS}ms`,
    });
    workers.push(worker);
    await worker.waitStarted();
    return worker;
  };
  const first = await spawnWorker();
  const project = landscape.project({
    projectId: uniqueProjectId('term'),
    repository: { url: repo.remoteDir, baseBranch: 'master', uctReportPath: 'var/uct/report.txt' },
    postLaunch: { monitorFor: '10s', checkEvery: '500ms' },
  });
  const input: UpgradeWorkflowInput = { version: 1, project, tunables: CHAOS_TUNABLES };
  const handle = await client.workflow.start('upgradeProject', { taskQueue, workflowId: workflowIdFor(project.projectId), args: [input] });
  const driver = new OwnerDriver([handle]);
  drivers.push(driver);

  // Monitoring runs (the task is running and has no step yet); let it take a few samples first.
  await waitForStatus(handle, (s) => s.gates.find((g) => g.id === 'post-launch-monitoring')?.state === 'running', 150_000);
  await new Promise((r) => setTimeout(r, 2_000));
  const before = await handle.query(statusQuery);
  expect(before.gates.find((g) => g.id === 'post-launch-monitoring')!.steps).toEqual([]);

  const termAt = Date.now();
  first.sigterm();
  const exit = await first.exited;
  const stopMs = Date.now() - termAt;
  expect(exit).toEqual({ code: 0, signal: null });
  // Within the grace time plus a margin for cancelling the activity and closing the connection.
  expect(stopMs).toBeLessThan(GRACE_MS + 5_000);
  expect(first.text()).toMatch(/chaos worker stopped/);

  await spawnWorker();
  const done = await waitForStatus(handle, (s) => s.state !== 'running', 120_000);
  await driver.finished();
  expect(done.state).toBe('completed');
  const monitoring = done.gates.find((g) => g.id === 'post-launch-monitoring')!.steps[0]!;
  expect(monitoring).toMatchObject({ step: 'monitorProduction', status: 'done', passed: true });
  expect(done.audit.filter((e) => e.kind === 'blocked')).toEqual([]);
  for (const w of workers) expect(findSecrets(w.text(), secretNeedles(receivers.secrets))).toEqual([]);
  process.stdout.write(
    `chaos SIGTERM: worker stopped ${stopMs} ms after SIGTERM (grace ${GRACE_MS} ms); project completed on the next worker\n`,
  );
}, 240_000);
