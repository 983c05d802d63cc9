/**
 * The README's quick start, as a new user follows it: the test reads the first `sh` block of the README section
 * "Quick start" and runs its lines in order, so when the README changes, the test follows.
 *
 * - `npm run demo …` starts in the background as a real process (scripts/demo.sh, then examples/demo/main.ts)
 *   against the shared test server, with `--task-queue <unique>` appended so that it never takes the work of the
 *   demo's own test (which runs on the default demo queue) nor terminates its project;
 * - `export NAME=value` sets a variable for the lines after it; a value shaped like a demo project id (the README's
 *   example, `acme-demo-k3x9`) is replaced by the id this demo printed, as the reader is told to do;
 * - `npx cuo …` runs through bash, as typed, and must exit 0;
 * - any other line fails the test, naming the line: a new kind of line needs this test to learn it.
 *
 * Between the demo being ready and the first command, the test waits until the project waits on someone, as a
 * person reading the demo's instructions does. At the end it checks what the README promises: the project waited
 * on the customer and took the approval, and Ctrl-C stops the demo, cancelling the project.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { decideUpdate, statusQuery } from '../../workflows/messages';
import { workflowIdFor } from '../../workflows/contract';
import type { ProjectStatus } from '../../workflows/project-state';
import { cliEnv, ROOT } from '../cli/run-cli';
import { connectTestClient, eventually, uniqueTaskQueue } from '../harness/temporal';
import { completeDevLogin } from '../../client/gateway/dev-login';

const DEMO_ID = /^acme-demo-[a-z0-9]{4}$/;

/** The lines of the first ```sh block under the README heading that starts with "## Quick start". */
export function quickStartLines(readme: string): string[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Quick start'));
  if (!section) throw new Error('README.md has no "## Quick start" section');
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('the README\'s "Quick start" section has no ```sh block');
  return block[1]!.split('\n');
}

/** The command without its trailing `# comment` (a `#` inside quotes stays). */
export function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      return line.slice(0, i).trim();
    }
  }
  return line.trim();
}

let client: Client;
let closeClient: () => Promise<void>;
let dataDir: string;
let demo: ChildProcess | undefined;
let demoClosed = false;
beforeAll(async () => {
  ({ client, close: closeClient } = await connectTestClient());
  dataDir = mkdtempSync(path.join(tmpdir(), 'cuo-readme-'));
});
afterAll(async () => {
  // A demo left by a failed test: its whole process group goes (only what this test started).
  if (demo?.pid && !demoClosed) {
    try {
      process.kill(-demo.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await closeClient();
  rmSync(dataDir, { recursive: true, force: true });
});

function bash(command: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

async function loginThroughBrowserStep(command: string, env: NodeJS.ProcessEnv, email: string): Promise<{ code: number; stdout: string }> {
  const child = spawn('bash', ['-c', command], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? -1)));
  const link = await eventually(async () => /open (http\S+)/.exec(out)?.[1], { timeoutMs: 30_000, intervalMs: 100 });
  await completeDevLogin(link, email);
  return { code: await exited, stdout: out };
}

function startDemo(
  command: string,
  env: NodeJS.ProcessEnv,
  taskQueue: string,
): { output: () => string; ready: Promise<string>; exited: Promise<number | null> } {
  const args = command.includes(' -- ') ? ` --task-queue ${taskQueue}` : ` -- --task-queue ${taskQueue}`;
  // Its own process group, so Ctrl-C reaches scripts/demo.sh and the demo together, as in a terminal.
  demo = spawn('bash', ['-c', command + args], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  // "close": every process of the demo let go of its output (npm and bash may go first on Ctrl-C, as in a terminal).
  const exited = new Promise<number | null>((resolve) =>
    demo!.once('close', (code) => {
      demoClosed = true;
      resolve(code);
    }),
  );
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const id = /Demo project (\S+) is running/.exec(out)?.[1];
      if (id && out.includes('demo: running until Ctrl-C')) resolve(id);
    };
    demo!.stdout!.on('data', onData);
    demo!.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`the demo exited (${code}) before it was ready:\n${out}`)));
  });
  return { output: () => out, ready, exited };
}

it('runs the README quick start as written: a project waiting on the customer, approved from the CLI', async () => {
  const lines = quickStartLines(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
  const taskQueue = uniqueTaskQueue('readme-demo');
  // The reader's own config folder: `cuo login` keeps the token there.
  const env: NodeJS.ProcessEnv = { ...cliEnv(), CUO_DATA_DIR: dataDir, CUO_CONFIG_DIR: path.join(dataDir, 'config') };
  let running: ReturnType<typeof startDemo> | undefined;
  let projectId: string | undefined;
  const ran: { command: string; stdout: string }[] = [];

  for (const line of lines) {
    const command = withoutComment(line);
    if (!command) continue;
    if (/^npm run demo\b/.test(command)) {
      running = startDemo(command, env, taskQueue);
      projectId = await running.ready;
      const handle = client.workflow.getHandle(workflowIdFor(projectId));
      await eventually(async () => ((await handle.query(statusQuery)).awaiting.length > 0 ? true : undefined), {
        timeoutMs: 60_000,
        intervalMs: 500,
      });
      continue;
    }
    const exported = /^export ([A-Za-z_][A-Za-z0-9_]*)=(\S+)$/.exec(command);
    if (exported) {
      const value = exported[2]!.replace(/^["']|["']$/g, '');
      if (DEMO_ID.test(value) && !projectId) throw new Error(`"${line}" names the demo's project before a line starts the demo`);
      // The gateway's port is the demo's choice: the URL it printed, as the reader copies it.
      const gateway =
        exported[1] === 'CUO_GATEWAY_URL' ? /gateway +(http:\/\/127\.0\.0\.1:\d+)/.exec(running?.output() ?? '')?.[1] : undefined;
      if (exported[1] === 'CUO_GATEWAY_URL' && !gateway) throw new Error(`"${line}": the demo printed no gateway URL`);
      env[exported[1]!] = gateway ?? (DEMO_ID.test(value) ? projectId : value);
      continue;
    }
    const login = /^npx cuo login --email (\S+)/.exec(command);
    if (login) {
      // The browser step, as the reader does it: the link `cuo login` shows, the development login, their account.
      const result = await loginThroughBrowserStep(command, env, login[1]!);
      if (result.code !== 0) throw new Error(`README line failed (exit ${result.code}): ${line}\n${result.stdout}`);
      ran.push({ command, stdout: result.stdout });
      continue;
    }
    if (/^npx cuo\b/.test(command)) {
      const result = await bash(command, env);
      if (result.code !== 0) throw new Error(`README line failed (exit ${result.code}): ${line}\n${result.stdout}${result.stderr}`);
      ran.push({ command, stdout: result.stdout });
      continue;
    }
    throw new Error(`the README quick start has a line this test does not know how to run: ${line}`);
  }

  expect(projectId).toMatch(DEMO_ID);
  expect(ran.length).toBeGreaterThanOrEqual(3);
  const status: ProjectStatus = await client.workflow.getHandle(workflowIdFor(projectId!)).query(statusQuery);
  // The reader reached a project waiting on the customer, and their approval from the README was taken.
  const plan = status.gates.find((g) => g.id === 'create-upgrade-plan')!;
  expect(plan.approvals.length).toBeGreaterThanOrEqual(1);
  const approval = status.audit.find((e) => e.kind === 'decision' && e.decision === 'approve' && e.gateId === 'create-upgrade-plan');
  expect(approval).toMatchObject({ actor: 'carla@acme.example', identity: { sub: 'carla@acme.example', amr: 'oidc' } });
  expect(ran.find((r) => r.command.startsWith('npx cuo verify'))?.stdout).toMatch(/\d+ verified, 0 not verified/);
  const statusRun = ran.find((r) => r.command.startsWith('npx cuo status'));
  expect(statusRun?.stdout).toContain(projectId);
  // The demo said where its artifacts are while it ran.
  expect(running!.output()).toMatch(/artifacts +\S+\/artifacts\/acme-demo-[a-z0-9]{4}\//);

  // Beyond the README: a refused decision shows in the demo's feed as one line (the SDK's logger would print the
  // workflow's warning as a 15-line object), with the reason.
  // (Sent as a raw update, as any client could, so this check does not depend on the CLI's decision options.)
  await expect(
    client.workflow.getHandle(workflowIdFor(projectId!)).executeUpdate(decideUpdate, {
      args: [
        {
          taskId: 'create-upgrade-plan',
          decision: 'approve',
          actor: 'pat@agency.example',
          role: 'customer',
          requestId: 'readme-refused-1',
        },
      ],
    }),
  ).rejects.toThrow();
  await eventually(async () => (running!.output().includes('decision refused') ? true : undefined), { timeoutMs: 10_000 });
  const warning = running!
    .output()
    .split('\n')
    .find((l) => l.includes('decision refused'))!;
  expect(warning).toMatch(/^worker +WARN +decision refused: .*pat@agency\.example.* · upgrade-acme-demo-[a-z0-9]{4}$/);
  expect(running!.output()).not.toMatch(/\[WARN\] decision refused \{/);

  // Ctrl-C in the demo's terminal: the project is cancelled as the CSE, the demo stops cleanly.
  process.kill(-demo!.pid!, 'SIGINT');
  await running!.exited;
  expect(running!.output()).toContain(`$ npx cuo cancel ${projectId}`);
  expect(running!.output()).toContain('demo: stopped');
  expect(running!.output()).toContain('demo: kept the project file');
  const closed = await client.workflow.getHandle(workflowIdFor(projectId!)).describe();
  expect(closed.status.name).toBe('COMPLETED');
}, 300_000);
