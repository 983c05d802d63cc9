/**
 * `npm run bench`: issue #6 in one run. Starts its own Temporal dev server (unless --address), runs each scenario's
 * worker in a child process measured from /proc, drives the projects, and writes bench/results/<date>.{json,md}
 * and bench/results/latest.md. See bench/README.md for what each figure means.
 *
 *   A  ours: N upgrade projects through the full playbook, no-op activities;
 *   B  baseline: bench/baseline-workflow.ts with the same activity and update counts as A's recorded history;
 *   C  ours with the real activities against local landscapes (git, HTTPS storefronts, SMTP, webhook);
 *   D  1,000 open projects waiting on their first approval: worker memory; CLI status/pending wall time; cancel.
 */
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../worker/config';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Connection, WorkflowHandle, type Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { Command, InvalidArgumentError } from 'commander';
import { workflowIdFor, type UpgradeWorkflowInput } from '../workflows/contract';
import type { ProjectFile } from '../workflows/project-input';
import { ALWAYS_OPEN, makeProject } from '../test/support/project-fixture';
import { signedTestClient } from '../test/harness/temporal';
import { startLocalLandscape, type LocalLandscape } from '../test/support/local-landscape';
import type { BaselineInput } from './baseline-workflow';
import { cliAvailable, timeCli, type CliTiming } from './cli-timing';
import { startDevServer, type DevServer } from './dev-server';
import { DeadlineReached, driveToCompletion, newSamples, type DriveSamples } from './driver';
import { runGatewayScenario } from './gateway-scenario';
import { boardQuery, boardRow, sortBoard, type BoardRow } from '../client/board-query';
import { historyFacts, type HistoryFacts } from './history';
import { renderMarkdown, type BenchResults, type ScenarioResult } from './report';
import { sampleProcess } from './proc';
import { pool, summarize } from './stats';
import { compileWorker, startWorkerChild, type WorkerChild } from './worker-child';
import type { RealDepsSpec } from './worker-process';

const ROOT = resolve(__dirname, '..');

const int = (max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new InvalidArgumentError(`expected a whole number from 0 to ${max}`);
  return n;
};

const program = new Command('bench')
  .description('Benchmark of the upgrade orchestration against a bare-Temporal baseline (issue #6)')
  .option('--projects <n>', 'projects in scenario A and in the baseline B', int(5000), 200)
  .option('--concurrency <n>', 'projects driven at once', int(500), 50)
  .option('--real <n>', 'projects in scenario C (real activities); 0 skips it', int(100), 20)
  .option('--open <n>', 'open projects in scenario D; 0 skips it', int(5000), 1000)
  .option('--history-sample <n>', 'completed projects whose history is fetched', int(500), 20)
  .option('--cli-runs <n>', 'runs of each CLI command', int(100), 10)
  .option('--deadline <minutes>', 'global time limit; the run stops and reports what it has', int(600), 30)
  .option('--address <host:port>', 'use this Temporal server instead of starting a dev server')
  .option(
    '--scenarios <list>',
    'which scenarios to run, e.g. A,B (L and LB: ours and the baseline at light load; G: decide through the gateway)',
    'A,L,G,B,LB,C,D',
  )
  .option('--light-projects <n>', 'projects in scenarios L and LB', int(1000), 20)
  .option('--light-concurrency <n>', 'projects driven at once in scenarios L and LB', int(100), 2)
  .option('--out <dir>', 'results folder', join(ROOT, 'bench', 'results'))
  .option(
    '--preload-modules <list>',
    'bundle our workflows with these modules preloaded once per worker (SDK preloadModules), e.g. zod: measures a proposed fix',
    '',
  )
  .option(
    '--max-cached <n>',
    'run the scenario workers with this maxCachedWorkflows instead of the product default (WORKER_MAX_CACHED_WORKFLOWS, 100)',
    int(100000),
  )
  .option('--open-workflow <ours|baseline>', 'which workflow D keeps open (baseline: the bare-Temporal per-project memory)', 'ours')
  .option('--keep-data', 'keep the temp data folder (server log, SQLite, bundles)');

interface Options {
  projects: number;
  concurrency: number;
  real: number;
  open: number;
  historySample: number;
  cliRuns: number;
  deadline: number;
  address?: string;
  scenarios: string;
  out: string;
  keepData?: boolean;
  preloadModules: string;
  lightProjects: number;
  maxCached?: number;
  openWorkflow: string;
  lightConcurrency: number;
}

const startedAt = Date.now();
const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(0)}s`;
const say = (message: string) => console.log(`[bench ${elapsed()}] ${message}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function provisionCli(): string {
  if (process.env.TEMPORAL_CLI_PATH) return process.env.TEMPORAL_CLI_PATH;
  const result = spawnSync('bash', [join(ROOT, 'scripts', 'provision-temporal.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const path = result.stdout.trim();
  if (result.status !== 0 || !path)
    throw new Error('no Temporal CLI binary (scripts/provision-temporal.sh found none); set TEMPORAL_CLI_PATH or use --address');
  return path;
}

function cliVersion(cliPath: string | undefined): string {
  const pinned = readFileSync(join(ROOT, 'scripts', 'temporal-version'), 'utf8').trim();
  if (!cliPath) return `external server (pinned CLI ${pinned})`;
  const out = spawnSync(cliPath, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return `${out} — built from CLI v${pinned}`;
}

/** Runs N projects of one workflow type through the driver with a fresh worker; returns the scenario's figures. */
async function runDriven(options: {
  name: string;
  client: Client;
  worker: WorkerChild;
  taskQueue: string;
  count: number;
  concurrency: number;
  deadline: number;
  start: (index: number) => Promise<WorkflowHandle>;
  historySample: number;
  /** The dev server this run started (absent with --address): its CPU time is measured over the scenario too. */
  serverPid?: number;
}): Promise<{ result: ScenarioResult; handles: WorkflowHandle[]; samples: DriveSamples; deadlineHit: boolean }> {
  const samples = newSamples();
  const handles: WorkflowHandle[] = [];
  let deadlineHit = false;
  const cpu0 = options.worker.sample().cpuSeconds;
  const serverCpu0 = options.serverPid ? sampleProcess(options.serverPid).cpuSeconds : undefined;
  const driverCpu0 = process.cpuUsage();
  const t0 = Date.now();
  const progress = setInterval(() => {
    const minutes = (Date.now() - t0) / 60_000;
    const d = summarize(samples.decideMs);
    say(
      `${options.name}: ${samples.completed}/${options.count} completed, ${(samples.completed / minutes).toFixed(1)}/min, decide p99 ${d.p99} ms, worker RSS ${options.worker.sample().rssMiB} MiB`,
    );
  }, 5000);
  try {
    await pool(
      Array.from({ length: options.count }, (_, i) => i),
      options.concurrency,
      async (i) => {
        const begun = Date.now();
        try {
          const handle = await options.start(i);
          handles.push(handle);
          await driveToCompletion(handle, samples, begun, options.deadline);
        } catch (err) {
          if (err instanceof DeadlineReached) deadlineHit = true;
          else samples.failures.push(`${i}: ${(err as Error).message}`);
        }
      },
      () => deadlineHit || Date.now() > options.deadline,
    );
  } finally {
    clearInterval(progress);
  }
  const wallMs = Date.now() - t0;
  const driverCpu = process.cpuUsage(driverCpu0);
  const proc = options.worker.sample();
  const serverCpuSeconds =
    options.serverPid && serverCpu0 !== undefined
      ? Math.round((sampleProcess(options.serverPid).cpuSeconds - serverCpu0) * 100) / 100
      : undefined;
  const histories: HistoryFacts[] = [];
  for (const handle of handles.slice(0, options.historySample)) {
    try {
      histories.push(await historyFacts(handle));
    } catch (err) {
      samples.failures.push(`history of ${handle.workflowId}: ${(err as Error).message}`);
    }
  }
  const avg = (f: (h: HistoryFacts) => number) =>
    histories.length ? Math.round(histories.reduce((s, h) => s + f(h), 0) / histories.length) : NaN;
  const result: ScenarioResult = {
    projects: options.count,
    completed: samples.completed,
    failures: samples.failures.slice(0, 20),
    failureCount: samples.failures.length,
    skipped: samples.skipped,
    concurrency: options.concurrency,
    wallSeconds: Math.round(wallMs / 100) / 10,
    projectsPerMinute: Math.round((samples.completed / (wallMs / 60_000)) * 10) / 10,
    projectSeconds: summarize(samples.projectMs.map((v) => v / 1000)),
    decideMs: summarize(samples.decideMs),
    statusMs: summarize(samples.statusMs),
    statusMaxChars: samples.statusMaxChars,
    history: {
      sampled: histories.length,
      eventsPerProject: avg((h) => h.events),
      maxEvents: histories.length ? Math.max(...histories.map((h) => h.events)) : NaN,
      bytesPerProject: avg((h) => h.bytes),
      activitiesScheduled: avg((h) => h.activitiesScheduled),
      updatesAccepted: avg((h) => h.updatesAccepted),
      activityShareOfWall: histories.length
        ? Math.round((histories.reduce((s, h) => s + h.activityMs, 0) / histories.reduce((s, h) => s + h.wallMs, 0)) * 1000) / 10
        : NaN,
    },
    worker: {
      peakRssMiB: proc.peakRssMiB,
      rssMiB: proc.rssMiB,
      cpuSeconds: Math.round((proc.cpuSeconds - cpu0) * 100) / 100,
      maxCachedWorkflows: options.worker.maxCachedWorkflows,
    },
    ...(serverCpuSeconds !== undefined ? { serverCpuSeconds } : {}),
    driverCpuSeconds: Math.round(((driverCpu.user + driverCpu.system) / 1e6) * 100) / 100,
    deadlineHit,
  };
  if (histories[0]) {
    result.shape = { shape: histories[0].shape, tail: histories[0].tail };
    result.historyBytesByType = histories[0].bytesByType;
  }
  return { result, handles, samples, deadlineHit };
}

async function main(): Promise<void> {
  const opts = program.parse(process.argv).opts<Options>();
  const scenarios = new Set(
    opts.scenarios
      .toUpperCase()
      .split(',')
      .map((s) => s.trim()),
  );
  const deadline = startedAt + opts.deadline * 60_000;
  const runId = Date.now().toString(36);
  const dataDir = mkdtempSync(join(os.tmpdir(), 'cuo-bench-'));
  const notes: string[] = [];
  let server: DevServer | undefined;
  let cliPath: string | undefined;
  const results: BenchResults = {
    startedAt: new Date(startedAt).toISOString(),
    options: {
      projects: opts.projects,
      concurrency: opts.concurrency,
      real: opts.real,
      open: opts.open,
      historySample: opts.historySample,
      cliRuns: opts.cliRuns,
      deadlineMinutes: opts.deadline,
      scenarios: [...scenarios].join(','),
    },
    machine: {
      cores: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      platform: `${os.platform()} ${os.release()}`,
      node: process.version,
      sdk: (JSON.parse(readFileSync(require.resolve('@temporalio/worker/package.json'), 'utf8')) as { version: string }).version,
      temporal: '',
      loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
    },
    scenarios: {},
    notes,
    deadlineHit: false,
  };
  const workers: WorkerChild[] = [];
  const stopAll = async () => {
    for (const w of workers.splice(0)) await w.stop().catch(() => undefined);
  };
  process.once('SIGINT', () => {
    say('interrupted: stopping the worker and the server');
    void stopAll().finally(() => void server?.stop().finally(() => process.exit(130)));
  });

  let connection: Connection | undefined;
  const landscapes: LocalLandscape[] = [];
  try {
    say(`data folder ${dataDir}; deadline ${opts.deadline} min; scenarios ${[...scenarios].join(',')}`);
    let address = opts.address;
    if (!address) {
      cliPath = provisionCli();
      say(`starting the Temporal dev server (${cliPath})`);
      server = await startDevServer(cliPath, dataDir);
      address = server.address;
    }
    results.machine.temporal = cliVersion(cliPath);
    say(`server ${address}; compiling the worker process (tsc) and bundling the workflows`);
    compileWorker();
    const quiet = new DefaultLogger('WARN');
    const oursBundle = join(dataDir, 'ours-bundle.js');
    const baselineBundle = join(dataDir, 'baseline-bundle.js');
    const preloadModules = opts.preloadModules
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean);
    // The workers run as worker/main.ts does: with the product's cache size unless --max-cached says otherwise.
    const maxCachedWorkflows = opts.maxCached ?? DEFAULT_MAX_CACHED_WORKFLOWS;
    if (opts.maxCached !== undefined)
      notes.push(`workers ran with maxCachedWorkflows ${opts.maxCached} (not the product default ${DEFAULT_MAX_CACHED_WORKFLOWS})`);
    if (preloadModules.length)
      notes.push(`our workflows were bundled with preloadModules: ${preloadModules.join(', ')} (not the product's bundle options)`);
    writeFileSync(
      oursBundle,
      (
        await bundleWorkflowCode({
          workflowsPath: require.resolve('../workflows'),
          logger: quiet,
          ...(preloadModules.length ? { preloadModules } : {}),
        })
      ).code,
    );
    writeFileSync(
      baselineBundle,
      (await bundleWorkflowCode({ workflowsPath: require.resolve('./baseline-workflow'), logger: quiet })).code,
    );
    connection = await Connection.connect({ address });
    // Our projects' decisions are signed as the approvals gateway signs them, and verified by the workflow: the
    // benchmark measures that cost too (test/support/test-gateway-signer.ts; the baseline is sent unsigned).
    const client = signedTestClient(connection, 'default');
    const past = () => Date.now() > deadline;
    const addr = address;

    const worker = async (taskQueue: string, bundle: string, kind: 'noop' | 'baseline' | 'real', realDepsFile?: string) => {
      const w = await startWorkerChild({
        address: addr,
        taskQueue,
        bundlePath: bundle,
        activities: kind,
        ...(realDepsFile ? { realDepsFile } : {}),
        maxCachedWorkflows,
      });
      workers.push(w);
      return w;
    };
    const stopWorker = async (w: WorkerChild) => {
      workers.splice(workers.indexOf(w), 1);
      return w.stop();
    };
    const oursInput = (
      project: ProjectFile,
      tunables: UpgradeWorkflowInput['tunables'] = { productionNoticeHours: 0 },
    ): UpgradeWorkflowInput => ({ version: 1, project, tunables });
    const waitAwaiting = async (handle: WorkflowHandle) => {
      const until = Math.min(deadline, Date.now() + 300_000);
      let lastError = '';
      while (Date.now() < until) {
        try {
          const status = await handle.query<{ awaiting: unknown[] }>('status');
          if (status.awaiting.length) return;
        } catch (err) {
          // Under load a query can time out while the first workflow task is still queued: ask again.
          lastError = (err as Error).message;
        }
        await sleep(500);
      }
      if (lastError) throw new Error(`${handle.workflowId} never awaited its first approval (last query error: ${lastError})`);
      throw new Error(`${handle.workflowId} never awaited its first approval`);
    };
    const benchProject = (prefix: string, i: number | string) =>
      makeProject({
        projectId: `bench-${prefix}-${runId}-${i}`,
        changeWindows: ALWAYS_OPEN,
        postLaunch: { monitorFor: '2s', checkEvery: '500ms' },
      });

    // ---- A: ours, no-op activities ----
    let shape: BaselineInput | undefined;
    if (scenarios.has('A') && !past()) {
      const taskQueue = `bench-a-${runId}`;
      const w = await worker(taskQueue, oursBundle, 'noop');
      say(`A: ${opts.projects} projects, ${opts.concurrency} at once, no-op activities (worker pid ${w.pid})`);
      const a = await runDriven({
        name: 'A ours',
        client,
        worker: w,
        taskQueue,
        count: opts.projects,
        concurrency: opts.concurrency,
        deadline,
        historySample: opts.historySample,
        serverPid: server?.pid,
        start: (i) => {
          const project = benchProject('a', i);
          return client.workflow.start('upgradeProject', {
            taskQueue,
            workflowId: workflowIdFor(project.projectId),
            args: [oursInput(project)],
          });
        },
      });
      const final = await stopWorker(w);
      a.result.worker.peakRssMiB = final.peakRssMiB;
      results.scenarios.A = a.result;
      if (a.result.shape) shape = a.result.shape;
      results.deadlineHit ||= a.deadlineHit;
      say(
        `A done: ${a.result.projectsPerMinute}/min, decide p99 ${a.result.decideMs.p99} ms, status p99 ${a.result.statusMs.p99} ms, ${a.result.history.eventsPerProject} events/project`,
      );
    }

    // ---- L: the same as A at light load, so latency is measured without the server saturated ----
    if (scenarios.has('L') && !past()) {
      const taskQueue = `bench-l-${runId}`;
      const w = await worker(taskQueue, oursBundle, 'noop');
      say(`L: ${opts.lightProjects} projects, ${opts.lightConcurrency} at once (light load)`);
      const l = await runDriven({
        name: 'L light load',
        client,
        worker: w,
        taskQueue,
        count: opts.lightProjects,
        concurrency: opts.lightConcurrency,
        deadline,
        historySample: 0,
        serverPid: server?.pid,
        start: (i) => {
          const project = benchProject('l', i);
          return client.workflow.start('upgradeProject', {
            taskQueue,
            workflowId: workflowIdFor(project.projectId),
            args: [oursInput(project)],
          });
        },
      });
      const final = await stopWorker(w);
      l.result.worker.peakRssMiB = final.peakRssMiB;
      results.scenarios.L = l.result;
      say(`L done: decide p99 ${l.result.decideMs.p99} ms, status p99 ${l.result.statusMs.p99} ms`);
    }

    // ---- G: decide through the approvals gateway against a direct signed update, light load (issue #13) ----
    if (scenarios.has('G') && !past()) {
      const taskQueue = `bench-g-${runId}`;
      const w = await worker(taskQueue, oursBundle, 'noop');
      say(`G: ${opts.lightProjects} projects, ${opts.lightConcurrency} at once, decisions alternately through the gateway and direct`);
      const owners = { customer: 'carla@acme.example', partner: 'pat@agency.example', 'managed-services': 'sam@adobe.example' };
      results.scenarios.G = await runGatewayScenario({
        address: addr,
        client,
        dataDir: join(dataDir, 'gateway'),
        count: opts.lightProjects,
        concurrency: opts.lightConcurrency,
        owners,
        deadline,
        say,
        start: (i, keys) => {
          const project = benchProject('g', i);
          return client.workflow.start('upgradeProject', {
            taskQueue,
            workflowId: workflowIdFor(project.projectId),
            args: [{ ...oursInput(project), trust: { keys } }],
          });
        },
      });
      await stopWorker(w);
    }

    // ---- B: baseline with A's counts ----
    if (scenarios.has('B') && !past()) {
      if (!shape) {
        // Without A in this run: the happy path's counts as recorded by the last full run's history.
        shape = { shape: [2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 2, 2], tail: 2 };
        notes.push('B ran without A: the baseline used a default shape, not one counted in this run');
      }
      const input = shape;
      const taskQueue = `bench-b-${runId}`;
      const w = await worker(taskQueue, baselineBundle, 'baseline');
      say(
        `B: baseline, ${opts.projects} projects, ${input.shape.reduce((a, b) => a + b, input.tail)} activities and ${input.shape.length} updates each`,
      );
      const b = await runDriven({
        name: 'B baseline',
        client,
        worker: w,
        taskQueue,
        count: opts.projects,
        concurrency: opts.concurrency,
        deadline,
        historySample: opts.historySample,
        serverPid: server?.pid,
        start: (i) => client.workflow.start('baselineProject', { taskQueue, workflowId: `bench-b-${runId}-${i}`, args: [input] }),
      });
      const final = await stopWorker(w);
      b.result.worker.peakRssMiB = final.peakRssMiB;
      b.result.shape = input;
      results.scenarios.B = b.result;
      results.deadlineHit ||= b.deadlineHit;
      say(`B done: ${b.result.projectsPerMinute}/min, decide p99 ${b.result.decideMs.p99} ms`);
    }

    // ---- LB: the baseline at light load: bare Temporal's own latency on this machine when nothing is saturated ----
    if (scenarios.has('LB') && shape && !past()) {
      const input = shape;
      const taskQueue = `bench-lb-${runId}`;
      const w = await worker(taskQueue, baselineBundle, 'baseline');
      say(`LB: baseline, ${opts.lightProjects} projects, ${opts.lightConcurrency} at once (light load)`);
      const lb = await runDriven({
        name: 'LB baseline light load',
        client,
        worker: w,
        taskQueue,
        count: opts.lightProjects,
        concurrency: opts.lightConcurrency,
        deadline,
        historySample: 0,
        serverPid: server?.pid,
        start: (i) => client.workflow.start('baselineProject', { taskQueue, workflowId: `bench-lb-${runId}-${i}`, args: [input] }),
      });
      const final = await stopWorker(w);
      lb.result.worker.peakRssMiB = final.peakRssMiB;
      results.scenarios.LB = lb.result;
      say(`LB done: decide p99 ${lb.result.decideMs.p99} ms, status p99 ${lb.result.statusMs.p99} ms`);
    }

    // ---- C: real activities against local landscapes (one per project: each has its own repository) ----
    if (scenarios.has('C') && opts.real > 0 && !past()) {
      say(`C: starting ${opts.real} local landscapes (git repository + origin, 2 HTTPS storefronts, SMTP, webhook each)`);
      for (let i = 0; i < opts.real; i++) landscapes.push(await startLocalLandscape());
      const first = landscapes[0]!;
      const caFile = join(dataDir, 'storefronts-ca.pem');
      writeFileSync(caFile, landscapes.flatMap((l) => [l.staging.certificatePem, l.production.certificatePem]).join('\n'));
      const spec: RealDepsSpec = {
        dataDir: join(dataDir, 'real'),
        smtpUrl: first.smtp.url,
        webhookUrl: first.webhook.url,
        caFile,
        healthPollMs: 200,
        deployHealthTimeoutMs: 10_000,
        repositoryRoots: landscapes.map((l) => dirname(l.repo.remoteDir)),
      };
      const specFile = join(dataDir, 'real-deps.json');
      writeFileSync(specFile, JSON.stringify(spec));
      const taskQueue = `bench-c-${runId}`;
      const w = await worker(taskQueue, oursBundle, 'real', specFile);
      say(`C: ${opts.real} projects with the real activities, all at once (worker pid ${w.pid})`);
      const c = await runDriven({
        name: 'C real',
        client,
        worker: w,
        taskQueue,
        count: opts.real,
        concurrency: opts.real,
        deadline,
        historySample: opts.real,
        serverPid: server?.pid,
        start: (i) => {
          const project = landscapes[i]!.project({ projectId: `bench-c-${runId}-${i}` });
          return client.workflow.start('upgradeProject', {
            taskQueue,
            workflowId: workflowIdFor(project.projectId),
            args: [oursInput(project, { productionNoticeHours: 0, activityMaximumAttempts: 2, activityInitialInterval: '200ms' })],
          });
        },
      });
      const final = await stopWorker(w);
      c.result.worker.peakRssMiB = final.peakRssMiB;
      results.scenarios.C = c.result;
      results.deadlineHit ||= c.deadlineHit;
      say(
        `C done: ${c.result.completed}/${opts.real} completed, ${c.result.projectsPerMinute}/min, p50 ${c.result.projectSeconds.p50} s per project, activities ${c.result.history.activityShareOfWall}% of wall time`,
      );
      await Promise.all(landscapes.splice(0).map((l) => l.close()));
    }

    // ---- D: open projects waiting on their first approval ----
    if (scenarios.has('D') && opts.open > 0 && !past()) {
      const taskQueue = `bench-d-${runId}`;
      const bare = opts.openWorkflow === 'baseline';
      if (bare) notes.push('D kept the baseline workflow open, not ours');
      const openOne = (projectId: string) =>
        bare
          ? client.workflow.start('baselineProject', {
              taskQueue,
              workflowId: workflowIdFor(projectId),
              args: [shape ?? { shape: [2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 2, 2], tail: 2 }],
            })
          : client.workflow.start('upgradeProject', {
              taskQueue,
              workflowId: workflowIdFor(projectId),
              args: [oursInput(benchProject('d', projectId.split('-').pop()!))],
            });
      const w = await worker(taskQueue, bare ? baselineBundle : oursBundle, bare ? 'baseline' : 'noop');
      await sleep(2000);
      const idle = await w.collect();
      // One project first, so the workflow bundle is loaded into the worker's V8 context before the baseline
      // sample: the per-project figure then excludes that one-time cost.
      const ids: string[] = [];
      const warmId = `bench-d-${runId}-warm`;
      ids.push(warmId);
      const warmHandle = await openOne(warmId);
      await waitAwaiting(warmHandle);
      const warmed = await w.collect();
      say(
        `D: worker RSS idle ${idle.rssMiB} MiB, with 1 open project ${warmed.rssMiB} MiB; starting ${opts.open} more that wait on their first approval`,
      );
      const cpu0 = warmed.cpuSeconds;
      const t0 = Date.now();
      const startFailures = await pool(
        Array.from({ length: opts.open }, (_, i) => i),
        opts.concurrency,
        async (i) => {
          const projectId = `bench-d-${runId}-${i}`;
          ids.push(projectId);
          await openOne(projectId);
        },
        past,
      );
      // Each project's own status says when it waits (visibility can lag by minutes under load).
      let waiting = 1;
      const progress = setInterval(
        () => say(`D: ${waiting}/${ids.length} waiting on their first approval; worker RSS ${w.sample().rssMiB} MiB`),
        5000,
      );
      let waitFailures: string[] = [];
      try {
        waitFailures = await pool(
          ids.slice(1),
          opts.concurrency,
          async (projectId) => {
            await waitAwaiting(client.workflow.getHandle(workflowIdFor(projectId)));
            waiting += 1;
          },
          past,
        );
      } finally {
        clearInterval(progress);
      }
      const startSeconds = (Date.now() - t0) / 1000;
      for (const f of [...startFailures, ...waitFailures].slice(0, 10)) notes.push(`D: ${f}`);
      if (startFailures.length + waitFailures.length)
        notes.push(`D: ${startFailures.length} starts and ${waitFailures.length} waits failed`);
      const open = await w.collect();
      say(`D: ${waiting} open; worker RSS ${open.rssMiB} MiB (peak ${open.peakRssMiB}); measuring the CLI`);
      let cli: CliTiming | undefined;
      if (cliAvailable() && ids[0] && !past()) {
        cli = await timeCli(addr, ids[0], opts.cliRuns, waiting, (m) => notes.push(m.slice(0, 300)));
        say(
          `D: CLI status p50 ${cli.status.p50} ms, pending p50 ${cli.pending.p50} ms, list --open p50 ${cli.list.p50} ms: pending/list ${cli.pendingToList} (target ≤ 1.5) (${cli.mode})`,
        );
      } else notes.push('CLI not measured (bin/cuo.js missing or deadline reached)');
      // The manager board's data: the one visibility query the gateway's /board runs, mapped to its rows.
      const boardMs: number[] = [];
      let boardRows = 0;
      for (let i = 0; i < Math.max(1, opts.cliRuns) && !past(); i++) {
        const b0 = performance.now();
        const rows: BoardRow[] = [];
        for await (const info of client.workflow.list({ query: boardQuery({ taskQueue }), pageSize: 1000 })) rows.push(boardRow(info));
        sortBoard(rows);
        boardMs.push(performance.now() - b0);
        boardRows = rows.length;
      }
      const board = { ...summarize(boardMs), rows: boardRows };
      say(`D: board query p50 ${board.p50} ms for ${boardRows} rows`);
      say(`D: cancelling the ${ids.length} open projects through the cancel update (sam@adobe.example, managed-services)`);
      const cancelMs: number[] = [];
      let cancelFailures = 0;
      await pool(
        ids,
        opts.concurrency,
        async (projectId) => {
          const handle = client.workflow.getHandle(workflowIdFor(projectId));
          const c0 = performance.now();
          try {
            await handle.executeUpdate('cancel', {
              args: [{ actor: 'sam@adobe.example', role: 'managed-services', reason: 'benchmark finished', requestId: 'bench-cancel' }],
            });
            cancelMs.push(performance.now() - c0);
          } catch {
            cancelFailures += 1;
            await handle.terminate('benchmark finished').catch(() => undefined);
          }
        },
        past,
      );
      const final = await stopWorker(w);
      results.scenarios.D = {
        open: waiting,
        requested: opts.open,
        startSeconds: Math.round(startSeconds * 10) / 10,
        idleRssMiB: idle.rssMiB,
        warmRssMiB: warmed.rssMiB,
        warmHeapMiB: warmed.heapUsedMiB,
        openHeapMiB: open.heapUsedMiB,
        perOpenProjectHeapKiB: waiting > 1 ? Math.round(((open.heapUsedMiB - warmed.heapUsedMiB) * 1024) / (waiting - 1)) : NaN,
        openRssMiB: open.rssMiB,
        openPeakRssMiB: open.peakRssMiB,
        peakRssMiB: final.peakRssMiB,
        perOpenProjectKiB: waiting > 1 ? Math.round(((open.rssMiB - warmed.rssMiB) * 1024) / (waiting - 1)) : NaN,
        cpuSecondsToOpen: Math.round((open.cpuSeconds - cpu0) * 100) / 100,
        board,
        maxCachedWorkflows: w.maxCachedWorkflows,
        cancelMs: summarize(cancelMs),
        cancelFailures,
        ...(cli ? { cli } : {}),
      };
      say(`D done: ${results.scenarios.D.perOpenProjectKiB} KiB per open project`);
    }
    if (past()) {
      results.deadlineHit = true;
      notes.push(`the global deadline of ${opts.deadline} min was reached: later scenarios were skipped or cut short`);
      say(`DEADLINE of ${opts.deadline} min reached: stopping and reporting what was measured`);
    }
  } catch (err) {
    notes.push(`the run failed: ${(err as Error).message}; the figures above are what was measured until then`);
    console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
    process.exitCode = 1;
  } finally {
    await stopAll();
    await Promise.all(landscapes.map((l) => l.close().catch(() => undefined)));
    await connection?.close();
    await server?.stop();
    if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true });
  }

  results.finishedAt = new Date().toISOString();
  results.machine.loadAverageAtEnd = os.loadavg().map((v) => Math.round(v * 100) / 100);
  mkdirSync(opts.out, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  const markdown = renderMarkdown(results);
  writeFileSync(join(opts.out, `${stamp}.json`), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(opts.out, `${stamp}.md`), markdown);
  writeFileSync(join(opts.out, 'latest.md'), markdown);
  console.log('\n' + markdown);
  say(`results: ${join(opts.out, `${stamp}.json`)} and .md, latest.md`);
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
});
