/**
 * `npm run demo`: one upgrade project against stand-ins on this machine, to watch in the Temporal UI.
 *
 * Starts the local landscape (a Commerce project git repository with a bare origin, Staging and Production HTTPS
 * storefronts on loopback, SMTP and webhook receivers, environment folders with stand-in commands: the same
 * stand-ins the end-to-end tests use, from test/support/), a worker in this process with the real activities wired
 * to them on its own task queue, writes a project file, starts it with `cuo start` and says what to type next.
 * `--auto` plays every person itself. Ctrl-C stops the worker and the stand-ins. scripts/demo.sh makes sure a
 * Temporal server is there first.
 */
import { rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { Command, InvalidArgumentError } from 'commander';
import { createActivities } from '../../activities';
import { ArtifactStore } from '../../activities/artifact-store';
import { connectClient, connectNative, DEFAULT_ADDRESS } from '../../client/connection';
import { ensureDevSigningKey } from '../../client/gateway/assertion-signer';
import { spawnGateway, type GatewayChild } from '../../client/gateway/spawn';
import { resolveSettings, uiLink } from '../../client/settings';
import { startLocalLandscape, type LocalLandscape } from '../../test/support/local-landscape';
import { DURATION_PATTERN, type ProjectFile } from '../../workflows/project-input';
import { WORKFLOW_TYPE, statusQuery, workflowIdFor, type ProjectStatus, type UpgradeProjectResult } from '../../workflows/contract';
import { autopilot, cuo } from './autopilot';
import { DEFAULT_TIMINGS, demoProject, demoProjectId, writeDemoProjectFile, type DemoTimings } from './demo-project';
import { watchInbox } from './inbox';
import { DemoPeople } from './sign-in';
import { workerLogLine } from './worker-log';

export const DEMO_TASK_QUEUE = 'commerce-upgrades-demo';
const ROOT = resolve(__dirname, '..', '..');

export interface DemoOptions {
  /** Play every person (approve, reject once, retry blocked steps). */
  auto: boolean;
  /** Return once the project finished instead of waiting for Ctrl-C. */
  exitWhenDone: boolean;
  /** Pause before each decision of the autopilot. */
  pauseMs: number;
  timings: DemoTimings;
  taskQueue: string;
  /** Where the project file goes (default .data/demo). */
  dataDir: string;
  print: (line: string) => void;
  /** Aborting stops the demo (Ctrl-C). */
  signal: AbortSignal;
}

export interface DemoRun {
  projectId: string;
  projectFile: string;
  /** Where the steps' reports are kept (printed while the demo runs, left in place when it stops). */
  artifactsDir: string;
  /** The project's state when the demo stopped. */
  state: ProjectStatus['state'] | 'unknown';
  /** Mail and webhook deliveries, as printed. */
  deliveries: string[];
  decisions: number;
  /** The worker stopped in time and every connection was closed. */
  clean: boolean;
}

const WORKER_STOP_TIMEOUT_MS = 15_000;
let emergencyCleanup: (() => void) | undefined;

/** Where the worker's log lines go: the running demo's feed (set by runDemo), else the console. */
let printLog: (line: string) => void = (line) => console.log(line);

/**
 * The SDK's own logs (worker state changes, webpack) would drown the demo's lines: warnings and errors only, each
 * one line in the feed (workflow and activity warnings such as a refused decision included).
 */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN', (entry) => printLog(workerLogLine(entry))), shutdownSignals: [] });
  } catch {
    // A runtime exists already in this process (the demo's test): keep it.
  }
}

/** The workflow code with the demo's interceptor, bundled once per process (the demo's test runs it twice). */
let bundling: ReturnType<typeof bundleWorkflowCode> | undefined;
function workflowBundle(): ReturnType<typeof bundleWorkflowCode> {
  bundling ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    workflowInterceptorModules: [require.resolve('./demo-tunables')],
    logger: new DefaultLogger('WARN'),
  });
  bundling.catch(() => (bundling = undefined));
  return bundling;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

function people(project: ProjectFile): string {
  const p = project.participants;
  const emails = (list: { email: string }[]) => list.map((x) => x.email).join(', ');
  return `customer ${emails(p.customer)} · partner ${emails(p.partner)} · managed services (CSE) ${emails(p['managed-services'])}`;
}

function instructions(
  landscape: LocalLandscape,
  project: ProjectFile,
  file: string,
  artifacts: string,
  ui: string,
  options: DemoOptions,
  gateway: GatewayChild,
): string[] {
  const id = project.projectId;
  const [carla, chris] = project.participants.customer;
  const address = process.env.TEMPORAL_ADDRESS;
  const prefix = address && address !== DEFAULT_ADDRESS ? `TEMPORAL_ADDRESS=${address} ` : '';
  const lines = [
    '',
    '──────────────────────────────────────────────────────────────────────────────',
    `Demo project ${id} is running (task queue ${options.taskQueue}, worker in this process).`,
    '',
    `  Temporal UI    ${ui}`,
    `  gateway        ${gateway.url}  (approvals; development login at ${gateway.devIssuer ?? '?'})`,
    `  project file   ${file}`,
    `  artifacts      ${artifacts}  (every step's report and the final report; kept when the demo stops)`,
    `  repository     ${landscape.repo.remoteDir}  (bare origin; a developer's clone: ${landscape.repo.dir})`,
    `  Staging        ${landscape.staging.url}  (HTTPS, self-signed)`,
    `  Production     ${landscape.production.url}  (HTTPS, self-signed)`,
    `  environments   ${landscape.environmentDirs.staging}, ${landscape.environmentDirs.production}  (bin/magento, ece-tools, mysql stand-ins)`,
    `  mail (SMTP)    ${landscape.smtp.url}   webhook ${landscape.webhook.url}`,
    '                 every delivery is shown below as it arrives',
    '',
    `  people         ${people(project)}`,
    '',
  ];
  if (options.auto) {
    lines.push(
      'Autopilot: every person decides in turn, through the commands printed below. Watch the project in the UI;',
      `in another terminal: ${prefix}npx cuo status ${id}   ·   ${prefix}npx cuo history ${id}`,
    );
  } else {
    lines.push(
      'What to type next, in another terminal (this one shows the mail and webhook deliveries):',
      '',
      `  export PROJECT=${id}                      # as in the README's quick start: then \`npx cuo status $PROJECT\`, …`,
      `  export CUO_GATEWAY_URL=${gateway.url}     # the demo's approvals gateway`,
      `  ${prefix}npx cuo status ${id}                 # every task, whom it waits on, since when`,
      `  ${prefix}npx cuo pending                                # across projects: what waits on whom`,
      `  ${prefix}npx cuo login --email ${carla?.email}   # open the link it shows, pick ${carla?.email} on the development login`,
      `  ${prefix}npx cuo approve ${id} create-upgrade-plan`,
      `  ${prefix}npx cuo reject ${id} create-upgrade-plan -m "Add the Valkey switch-over to the timeline"`,
      `  (the plan needs two customers: \`npx cuo login --email ${chris?.email}\`, then approve again)`,
      `  ${prefix}npx cuo history ${id}                # who decided what, when, on which evidence`,
      '',
      'Then follow `npx cuo pending`: each task names its owner role and people (see `npx cuo start --dry-run` for the plan).',
      'Or let the demo play every person: npm run demo -- --auto',
    );
  }
  lines.push(
    "This worker shortens Adobe's 48 weekday hours of notice for Production changes to none (examples/demo/demo-tunables.ts).",
    'Ctrl-C cancels the project and stops the worker and the stand-ins; the project stays in Temporal (the UI shows it),',
    `its project file and artifacts stay where shown above.`,
    '──────────────────────────────────────────────────────────────────────────────',
    '',
  );
  return lines;
}

/**
 * Projects of earlier demo runs that were not stopped cleanly (killed, or a second Ctrl-C) still run on the demo's
 * task queue, but their stand-ins are gone: this worker would pick up their tasks and fail them. Terminated here.
 */
async function retireEarlierDemoProjects(client: Client, taskQueue: string, print: (line: string) => void): Promise<void> {
  const query = `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running' AND WorkflowType = '${WORKFLOW_TYPE}'`;
  for await (const execution of client.workflow.list({ query })) {
    print(`demo: terminating ${execution.workflowId}, left running by an earlier demo whose stand-ins are gone`);
    await client.workflow
      .getHandle(execution.workflowId, execution.runId)
      .terminate('an earlier demo run stopped without cancelling it; its local stand-ins are gone')
      .catch(() => undefined);
  }
}

export async function runDemo(options: DemoOptions): Promise<DemoRun> {
  const { print, signal } = options;
  quietRuntime();
  print('demo: starting the local stand-ins and bundling the workflow code...');
  const [landscapeStart, bundleStart, nativeStart] = await Promise.allSettled([startLocalLandscape(), workflowBundle(), connectNative()]);
  if (landscapeStart.status === 'rejected' || bundleStart.status === 'rejected' || nativeStart.status === 'rejected') {
    // Whatever did start must not keep the process alive.
    if (landscapeStart.status === 'fulfilled') await landscapeStart.value.close();
    if (nativeStart.status === 'fulfilled') await nativeStart.value.connection.close();
    const failed = [landscapeStart, bundleStart, nativeStart].find((r) => r.status === 'rejected') as PromiseRejectedResult;
    throw failed.reason;
  }
  const landscape = landscapeStart.value;
  const bundle = bundleStart.value;
  const native = nativeStart.value;
  // A second Ctrl-C exits at once: at least the temp folders go.
  emergencyCleanup = () => {
    rmSync(landscape.root, { recursive: true, force: true });
    rmSync(dirname(landscape.repo.remoteDir), { recursive: true, force: true });
  };
  const inbox = watchInbox(landscape, print);
  printLog = print;
  // The steps' reports outlive the stand-ins: `cuo history` names them, so they stay where the demo said they are.
  const artifactsRoot = join(options.dataDir, 'artifacts');
  const deps = { ...landscape.activityDeps(), artifacts: new ArtifactStore(artifactsRoot) };
  let clean = false;
  let client: { client: Client; close(): Promise<void> } | undefined;
  let worker: Worker | undefined;
  let gateway: GatewayChild | undefined;
  let running: Promise<void> | undefined;
  const projectId = demoProjectId();
  let projectFile = '';
  let state: DemoRun['state'] = 'unknown';
  let decisions = 0;
  try {
    const connected = await connectClient();
    client = { client: connected.client, close: () => connected.connection.close() };
    await retireEarlierDemoProjects(client.client, options.taskQueue, print);
    // Decisions go through an approvals gateway with the development login, as with `npm run dev`.
    const keyFile = join(options.dataDir, 'gateway-signing-key.pem');
    ensureDevSigningKey(keyFile);
    // Its own process group: Ctrl-C stops the demo, which then cancels its project through the gateway and stops it.
    gateway = await spawnGateway(
      { ...process.env, GATEWAY_PORT: '0', GATEWAY_DEV_IDP_PORT: '0', GATEWAY_SIGNING_KEY_FILE: keyFile, LOG_LEVEL: 'error' },
      90_000,
      { ownGroup: true },
    );
    process.env.CUO_GATEWAY_URL = gateway.url;
    const people = new DemoPeople(options.dataDir, gateway.url, print);
    worker = await Worker.create({
      connection: native.connection,
      namespace: native.namespace,
      taskQueue: options.taskQueue,
      workflowBundle: bundle,
      activities: createActivities({ ...deps, cli: 'npx cuo' }),
    });
    running = worker.run();

    const project = demoProject(landscape, projectId, options.timings);
    projectFile = writeDemoProjectFile(options.dataDir, project);
    const shownFile = relative(process.cwd(), projectFile) || projectFile;
    const started = await cuo(['--task-queue', options.taskQueue, 'start', shownFile], print);
    if (started !== 0) throw new Error(`cuo start failed with exit code ${started} (see the lines above)`);
    const ui = uiLink(resolveSettings({}, process.env), native.namespace, workflowIdFor(projectId));
    const shownArtifacts = `${relative(process.cwd(), join(artifactsRoot, projectId)) || join(artifactsRoot, projectId)}/`;
    instructions(landscape, project, shownFile, shownArtifacts, ui, options, gateway).forEach((line) => print(line));

    const handle = client.client.workflow.getHandle(workflowIdFor(projectId));
    // How the project ended, whoever drove it (the autopilot, or people in another terminal).
    const ended = handle.result().then(
      (result) => (result as UpgradeProjectResult).outcome,
      () => 'unknown' as const,
    );
    const cse = project.participants['managed-services'][0]!.email;
    if (options.auto) {
      const result = await autopilot({ client: client.client, projectId, print, pauseMs: options.pauseMs, signal, cse, people });
      decisions = result.decisions;
      state = result.status.state;
    } else if (options.exitWhenDone) {
      state = await Promise.race([ended, untilAborted(signal).then(() => 'unknown' as const)]);
    }
    if (state === 'completed' || state === 'cancelled') {
      print('');
      print(`demo: project ${projectId} ${state}. Read its story:`);
      print(`  npx cuo history ${projectId}   ·   npx cuo report ${projectId}   ·   ${ui}`);
    }
    if (!options.exitWhenDone) {
      void ended.then((how) => {
        if (!signal.aborted && state === 'unknown') print(`demo: project ${projectId} ended (${how}); Ctrl-C stops the demo`);
      });
      print('demo: running until Ctrl-C');
      await untilAborted(signal);
    }
    state =
      (await handle
        .query(statusQuery)
        .then((s) => s.state)
        .catch(() => undefined)) ?? state;
    if (state === 'running') {
      // Its stand-ins go with the demo: cancel it as the CSE would (people are told, the final report is kept),
      // so no later demo worker on this task queue picks up its work.
      await cuo(['cancel', projectId, '--reason', 'The demo was stopped; its local stand-ins are gone.'], print, await people.envOf(cse));
      state = await Promise.race([ended, new Promise<'unknown'>((resolve) => setTimeout(() => resolve('unknown'), 15_000).unref())]);
    }
  } finally {
    print('demo: stopping the worker and the stand-ins...');
    // Last deliveries first (the "completed" message leaves as the workflow ends), then the worker, then what
    // it talks to; the notifier's pooled SMTP and HTTP connections would otherwise keep the process alive.
    await inbox.settle();
    inbox.stop();
    if (worker && worker.getState() === 'RUNNING') worker.shutdown();
    const stopped = await Promise.race([
      (running ?? Promise.resolve()).then(
        () => true,
        (err: unknown) => {
          print(`demo: the worker stopped with an error: ${(err as Error).message}`);
          return true;
        },
      ),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), WORKER_STOP_TIMEOUT_MS).unref()),
    ]);
    if (!stopped)
      print(`demo: the worker did not stop within ${WORKER_STOP_TIMEOUT_MS / 1000} s (is the Temporal server gone?); leaving it`);
    clean = stopped;
    await deps.notifier.close().catch(() => undefined);
    await gateway?.stop().catch(() => undefined);
    await client?.close().catch(() => undefined);
    if (stopped) await native.connection.close().catch(() => undefined);
    await landscape.close();
    emergencyCleanup = undefined;
    printLog = (line) => console.log(line);
    if (projectFile) {
      const shown = (path: string) => relative(process.cwd(), path) || path;
      print(
        `demo: kept the project file ${shown(projectFile)} and the artifacts in ${shown(join(artifactsRoot, projectId))}/ (the stand-ins are removed)`,
      );
    }
    print('demo: stopped');
  }
  return { projectId, projectFile, artifactsDir: join(artifactsRoot, projectId), state, deliveries: inbox.lines, decisions, clean };
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds, e.g. 3');
  return Math.round(n * 1000);
}

function durationArg(value: string): string {
  if (!DURATION_PATTERN.test(value)) throw new InvalidArgumentError('expected a duration such as 30s, 1m or 2h');
  return value;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('demo')
    .description('Run one upgrade project against local stand-ins, to watch in the Temporal UI (see examples/demo/README.md).')
    .option('--auto', 'play every person: approve each task, reject the first plan once, retry blocked steps')
    .option('--pause <seconds>', 'pause before each decision of --auto (default 3)', seconds)
    .option('--exit-when-done', 'stop once the project finished instead of waiting for Ctrl-C')
    .option('--monitor-for <duration>', 'post-launch monitoring of Production', durationArg, DEFAULT_TIMINGS.monitorFor)
    .option('--task-queue <name>', "the demo worker's task queue", DEMO_TASK_QUEUE)
    .showHelpAfterError('(add --help for usage)');
  program.parse(argv, { from: 'user' });
  const opts = program.opts<{ auto?: boolean; pause?: number; exitWhenDone?: boolean; monitorFor: string; taskQueue: string }>();

  // Output piped to a program that Ctrl-C ended too (`npm run demo | tee demo.log`): keep shutting down cleanly
  // instead of dying on EPIPE with the stand-ins left behind.
  process.stdout.on('error', () => undefined);
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) {
      console.log('demo: stopping anyway');
      emergencyCleanup?.();
      process.exit(130);
    }
    console.log('');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // The default minute is sampled every 10 s; a shorter period (the demo's test) every second.
  const checkEvery = opts.monitorFor === DEFAULT_TIMINGS.monitorFor ? DEFAULT_TIMINGS.checkEvery : '1s';
  const result = await runDemo({
    auto: opts.auto === true,
    exitWhenDone: opts.exitWhenDone === true,
    pauseMs: opts.pause ?? 3000,
    timings: { ...DEFAULT_TIMINGS, monitorFor: opts.monitorFor, checkEvery },
    taskQueue: opts.taskQueue,
    dataDir: resolve(process.env.CUO_DATA_DIR ?? resolve(ROOT, '.data'), 'demo'),
    print: (line) => console.log(line),
    signal: controller.signal,
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  // A worker that could not stop keeps the process alive: leave anyway, the stand-ins are closed.
  if (!result.clean) process.exit(1);
  return opts.exitWhenDone && result.state !== 'completed' ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
