/**
 * The demo of `npm run demo` (examples/demo/main.ts) run in this process against the shared test server: its own
 * stand-ins, its worker on the demo task queue, the project started through `cuo start`, every person played by
 * the autopilot through `cuo` commands. Checks what the newcomer would see: the printed commands, the mail and
 * webhook deliveries, a completed project with a rework in its history; and that stopping it cancels a running
 * project and removes its stand-ins. scripts/demo.sh (finding or starting the server) is checked by hand.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import type { Client } from '@temporalio/client';
import { parse } from 'yaml';
import { DEMO_TASK_QUEUE, runDemo, type DemoOptions } from '../../examples/demo/main';
import { DEFAULT_TIMINGS } from '../../examples/demo/demo-project';
import type { UpgradeProjectResult } from '../../workflows/final-report';
import { workflowIdFor, type UpgradeWorkflowInput } from '../../workflows/contract';
import { validateProjectInput } from '../../workflows/project-input';
import { connectTestClient, testServer } from '../harness/temporal';

let client: Client;
let closeClient: () => Promise<void>;
let dataDir: string;
const savedEnv = { address: process.env.TEMPORAL_ADDRESS, namespace: process.env.TEMPORAL_NAMESPACE };

beforeAll(async () => {
  ({ client, close: closeClient } = await connectTestClient());
  // The demo, its worker and the CLI code it calls connect through the environment configuration, as in a shell.
  const { address, namespace } = testServer();
  process.env.TEMPORAL_ADDRESS = address;
  process.env.TEMPORAL_NAMESPACE = namespace;
  dataDir = mkdtempSync(join(tmpdir(), 'cuo-demo-test-'));
});
afterAll(async () => {
  await closeClient();
  rmSync(dataDir, { recursive: true, force: true });
  for (const [name, value] of [
    ['TEMPORAL_ADDRESS', savedEnv.address],
    ['TEMPORAL_NAMESPACE', savedEnv.namespace],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function options(overrides: Partial<DemoOptions> & { print: (line: string) => void; signal: AbortSignal }): DemoOptions {
  return {
    auto: false,
    exitWhenDone: false,
    pauseMs: 0,
    timings: { ...DEFAULT_TIMINGS, monitorFor: '2s', checkEvery: '1s' },
    taskQueue: DEMO_TASK_QUEUE,
    dataDir,
    ...overrides,
  };
}

/** The path printed after a label in the demo's instructions, e.g. `repository     /tmp/…/origin.git  (…)`. */
function printed(lines: string[], label: string): string {
  const line = lines.find((l) => l.trimStart().startsWith(`${label} `));
  if (!line) throw new Error(`no "${label}" line in:\n${lines.join('\n')}`);
  return line.trim().slice(label.length).trim().split(/\s+/)[0]!;
}

it('--auto --exit-when-done: the whole project through cuo commands, with deliveries, a rework and a completed history', async () => {
  const lines: string[] = [];
  const run = await runDemo(options({ auto: true, exitWhenDone: true, print: (l) => lines.push(l), signal: new AbortController().signal }));
  const text = lines.join('\n');

  expect(run.state).toBe('completed');
  expect(run.clean).toBe(true);
  expect(run.projectId).toMatch(/^acme-demo-[a-z0-9]{4}$/);

  // Started through the CLI on the demo's queue, from the project file it wrote (acme's, pointed at the stand-ins).
  expect(text).toContain(`$ npx cuo --task-queue ${DEMO_TASK_QUEUE} start `);
  expect(text).toContain(`started ${workflowIdFor(run.projectId)}`);
  const file = validateProjectInput(parse(readFileSync(run.projectFile, 'utf8')));
  if (!file.ok) throw new Error(JSON.stringify(file.problems));
  expect(file.project).toMatchObject({
    projectId: run.projectId,
    targetVersion: '2.4.8-p3',
    requiredApprovals: { 'create-upgrade-plan': 2 },
  });
  expect(text).toContain(`/namespaces/default/workflows/${workflowIdFor(run.projectId)}`);
  const description = await client.workflow.getHandle(workflowIdFor(run.projectId)).describe();
  expect(description.taskQueue).toBe(DEMO_TASK_QUEUE);

  // The autopilot typed what a person would: a rejection with its reason, two customer approvals of the plan.
  // Each person signed in to the demo's approvals gateway first (`cuo login`, the development login).
  expect(text).toMatch(
    /\$ npx cuo login --email carla@acme\.example[^\n]*\n[\s\S]*?signed in to http:\/\/127\.0\.0\.1:\d+ as carla@acme\.example/,
  );
  expect(text).toMatch(new RegExp(`# as carla@acme\\.example\\n\\$ npx cuo reject ${run.projectId} create-upgrade-plan -m '`));
  expect(text).toContain(`# as chris@acme.example\n$ npx cuo approve ${run.projectId} create-upgrade-plan\n`);
  expect(text).toContain(`# as sam@adobe.example\n$ npx cuo approve ${run.projectId} post-launch-monitoring\n`);

  // The newcomer saw who was told what, by mail and webhook, up to the completion.
  const mails = run.deliveries.filter((l) => l.startsWith('mail '));
  const hooks = run.deliveries.filter((l) => l.startsWith('webhook '));
  expect(mails.some((l) => /to carla@acme\.example.*Decision needed: Create upgrade project plan/.test(l))).toBe(true);
  expect(mails.some((l) => /Rework: Create upgrade project plan rejected/.test(l))).toBe(true);
  expect(mails.some((l) => /Invitation: Launch conference.*\[calendar invitation\]/.test(l))).toBe(true);
  expect(mails.some((l) => /Upgrade completed: 2\.4\.6-p8 → 2\.4\.8-p3/.test(l))).toBe(true);
  expect(hooks.some((l) => /Infrastructure change request \(Production\)/.test(l))).toBe(true);

  // The workflow's own record: the rejection sent the plan back once, and every task was approved.
  // (Its result: the demo's worker, which would answer queries, is gone.)
  const result: UpgradeProjectResult = await client.workflow.getHandle(workflowIdFor(run.projectId)).result();
  expect(result.outcome).toBe('completed');
  expect(result.rework).toEqual([expect.objectContaining({ rejectedTask: 'create-upgrade-plan', actor: 'carla@acme.example' })]);
  expect(result.gates.every((g) => g.state === 'approved')).toBe(true);
  // Every decision carries how its person signed in, and the gateway's signed assertion.
  const decisions = result.decisions.filter((d) => d.kind === 'decision');
  expect(decisions.length).toBeGreaterThan(10);
  expect(
    decisions.every((d) => d.identity?.amr === 'oidc' && d.identity.sub === d.actor && /^[0-9a-f]{64}$/.test(d.assertionSha256 ?? '')),
  ).toBe(true);
  const plan = result.gates.find((g) => g.id === 'create-upgrade-plan')!;
  expect(plan.approvals.map((a) => a.actor).sort()).toEqual(['carla@acme.example', 'chris@acme.example']);
  // Started without tunables (as `cuo start` does), yet the Production change did not wait 48 hours: the demo
  // worker's interceptor (examples/demo/demo-tunables.ts) applied the demo's.
  const history = await client.workflow.getHandle(workflowIdFor(run.projectId)).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
  const input = JSON.parse(Buffer.from(payload!).toString('utf8')) as UpgradeWorkflowInput;
  expect(input.project.projectId).toBe(run.projectId);
  expect(input.tunables).toBeUndefined();
  const infraChange = result.decisions.find((d) => d.gateId === 'upgrade-infrastructure-services' && d.decision === 'approve');
  expect(Date.parse(infraChange!.at) - Date.parse(result.startedAt)).toBeLessThan(120_000);

  // The stand-ins are gone.
  expect(existsSync(printed(lines, 'repository'))).toBe(false);
  // The steps' reports are where the demo said while it ran, and still there: history names them.
  const artifacts = printed(lines, 'artifacts');
  expect(resolvePath(artifacts)).toBe(`${run.artifactsDir}`);
  const reports = readdirSync(run.artifactsDir);
  expect(reports.some((f) => /-upgrade-plan\.md$/.test(f))).toBe(true);
  expect(reports.some((f) => /-final-report\.md$/.test(f))).toBe(true);
  expect(reports.length).toBeGreaterThan(5);
  expect(text).toContain(`demo: kept the project file`);
  // One line per event: no multi-line object in the feed.
  expect(lines.every((l) => !l.includes('\n'))).toBe(true);
});

it('without --auto: prints what to type next, and stopping it cancels the project as the CSE and removes the stand-ins', async () => {
  const lines: string[] = [];
  const stop = new AbortController();
  const ready = deferred<void>();
  const print = (line: string) => {
    lines.push(line);
    if (line === 'demo: running until Ctrl-C') ready.resolve();
  };
  const finished = runDemo(options({ print, signal: stop.signal }));
  // A demo that fails before it is ready rejects here instead of hanging the test.
  await Promise.race([ready.promise, finished]);
  const text = lines.join('\n');
  const id = /Demo project (acme-demo-[a-z0-9]{4}) is running/.exec(text)?.[1];
  expect(id).toBeDefined();
  for (const next of [
    `npx cuo status ${id}`,
    'npx cuo pending',
    'export CUO_GATEWAY_URL=http://127.0.0.1:',
    'npx cuo login --email carla@acme.example',
    `npx cuo approve ${id} create-upgrade-plan\n`,
    `npx cuo reject ${id} create-upgrade-plan -m "`,
    `npx cuo history ${id}`,
    'npm run demo -- --auto',
  ]) {
    expect(text).toContain(next);
  }
  const staging = printed(lines, 'Staging');
  expect(staging).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

  stop.abort();
  const run = await finished;
  expect(run.state).toBe('cancelled');
  expect(run.clean).toBe(true);
  expect(lines.join('\n')).toContain(`$ npx cuo cancel ${id} --reason`);
  expect(run.deliveries.some((l) => /^mail .*Cancelled by Sam CSE/.test(l))).toBe(true);
  expect(existsSync(printed(lines, 'repository'))).toBe(false);
  // Nothing listens on the storefront's port any more.
  const { hostname, port } = new URL(staging);
  await expect(
    new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => resolve(socket.end()));
      socket.once('error', reject);
    }),
  ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(err: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
