/**
 * Chaos: the Temporal server itself stops and starts again mid-flight. This test runs its own dev server
 * (`temporal server start-dev --db-filename <tmp file>`, with the contract's search attributes), a worker process on
 * it and three projects with the REAL activities against the local landscape; it stops the server while they run,
 * starts it again on the same port with the same SQLite file, and every project resumes and completes, with each
 * decision applied once and one deploy merge per project.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Connection, type WorkflowHandle } from '@temporalio/client';
import { workflowIdFor, type UpgradeWorkflowInput } from '../../workflows/contract';
import {
  CHAOS_TUNABLES,
  diagnose,
  OwnerDriver,
  startChaosReceivers,
  tempDir,
  waitAll,
  WorkerProcess,
  writeWorkflowBundle,
  type ChaosReceivers,
} from '../chaos/chaos-support';
import { DevServer } from '../chaos/dev-server';
import { signedTestClient, uniqueTaskQueue } from '../harness/temporal';
import { createCommerceRepo, type CommerceRepo } from '../support/git-fixtures';
import { startLocalLandscape, type LocalLandscape } from '../support/local-landscape';
import { uniqueProjectId } from '../support/project-fixture';

const PROJECTS = 3;

let landscape: LocalLandscape;
let receivers: ChaosReceivers;
let work: Awaited<ReturnType<typeof tempDir>>;
let server: DevServer;
let connection: Connection | undefined;
const repos: CommerceRepo[] = [];
const workers: WorkerProcess[] = [];
const drivers: OwnerDriver[] = [];

beforeAll(async () => {
  work = await tempDir('cuo-chaos-server-');
  server = await DevServer.create(join(work.path, 'temporal.sqlite'));
  landscape = await startLocalLandscape();
  receivers = await startChaosReceivers();
}, 60_000);

afterAll(async () => {
  // A failed test leaves its driver polling a stuck project: stop it so jest can exit.
  for (const d of drivers) d.stop();
  for (const w of workers) await w.kill9();
  await connection?.close();
  await server.stop();
  await receivers.close();
  await landscape.close();
  await Promise.all(repos.map((r) => r.cleanup()));
  await work.remove();
});

it('stops and restarts the dev server (same SQLite file) mid-flight: every project resumes and completes', async () => {
  const started = Date.now();
  await server.start();
  const bundlePath = await writeWorkflowBundle(work.path);
  const caFile = join(work.path, 'ca.pem');
  await writeFile(caFile, [landscape.staging.certificatePem, landscape.production.certificatePem].join('\n'));
  const taskQueue = uniqueTaskQueue('chaos-server');
  const spawnWorker = async () => {
    const worker = new WorkerProcess({
      address: server.address,
      taskQueue,
      dataDir: join(work.path, 'data'),
      bundlePath,
      caFile,
      secrets: receivers.secrets,
    });
    workers.push(worker);
    await worker.waitStarted();
    return worker;
  };
  let worker = await spawnWorker();
  connection = await Connection.connect({ address: server.address });
  const client = signedTestClient(connection);

  const handles: WorkflowHandle[] = [];
  for (let i = 0; i < PROJECTS; i += 1) {
    const repo = await createCommerceRepo({ uctReport: 'text' });
    repos.push(repo);
    const project = landscape.project({
      projectId: uniqueProjectId(`srv${i}`),
      repository: { url: repo.remoteDir, baseBranch: 'master', uctReportPath: 'var/uct/report.txt' },
    });
    const input: UpgradeWorkflowInput = { version: 1, project, tunables: CHAOS_TUNABLES };
    handles.push(await client.workflow.start('upgradeProject', { taskQueue, workflowId: workflowIdFor(project.projectId), args: [input] }));
  }
  const driver = new OwnerDriver(handles);
  drivers.push(driver);

  // Let the projects get going, then take the server away for a few seconds.
  await waitAll(handles, (s) => s.audit.filter((e) => e.kind === 'decision').length >= 2, 90_000);
  const phasesAtStop = (await Promise.all(handles.map((h) => h.query('status')))).map((s) => (s as { phase: string }).phase);
  await server.stop();
  await new Promise((r) => setTimeout(r, 3_000));
  await server.start();
  // The worker process reconnects by itself; should it have given up while the server was away, start another.
  if (await Promise.race([worker.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 2_000))])) {
    worker = await spawnWorker();
  }

  // The dev server on SQLite sometimes comes back from a restart unable to hand out tasks ("Not enough hosts to
  // serve the request", "Persistent store operation failure … update-task-queue": temporalio/cli#632); another
  // restart clears it. The projects must still complete, with nothing lost or applied twice.
  let serverRestarts = 1;
  const done = await waitAll(handles, (s) => s.state !== 'running', 120_000)
    .catch(async () => {
      serverRestarts += 1;
      await server.stop();
      await server.start();
      if (await Promise.race([worker.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 2_000))])) {
        worker = await spawnWorker();
      }
      return waitAll(handles, (s) => s.state !== 'running', 150_000);
    })
    .catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await diagnose(handles)}\nworker:\n${worker.text().slice(-3000)}`);
    });
  await driver.finished();
  expect(done.map((s) => s.state)).toEqual(handles.map(() => 'completed'));
  for (const [i, status] of done.entries()) {
    const decisions = status.audit.filter((e) => e.kind === 'decision');
    expect(decisions.map((e) => e.gateId).sort()).toEqual(status.gates.map((g) => g.id).sort());
    await repos[i]!.git(['fetch', '--quiet', 'origin']);
    expect((await repos[i]!.git(['log', '--merges', '--format=%H', 'origin/master'])).split('\n').filter(Boolean)).toHaveLength(1);
  }
  process.stdout.write(
    `chaos server restart: ${PROJECTS} projects (phases at stop: ${phasesAtStop.join(', ')}), ${serverRestarts} server restart(s), ${workers.length} worker process(es), ` +
      `${driver.errors.length} driver retries, ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
}, 480_000);
