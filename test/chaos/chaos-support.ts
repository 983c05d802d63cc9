/**
 * Helpers of the chaos suite (issue #7): a worker as a real child process that can be SIGKILLed or SIGTERMed and
 * restarted, notification receivers configured with real secrets (SMTP password, webhook secret path), a driver that
 * plays the owners with idempotent requestIds while workers come and go, and checks of what reached the world.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { decideUpdate, statusQuery } from '../../workflows/messages';
import type { ProjectStatus } from '../../workflows/project-state';
import type { UpgradeTunables } from '../../workflows/contract';
import { OWNER_EMAIL } from '../support/drive';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const ROOT = resolve(__dirname, '..', '..');
const WORKER_SCRIPT = join(__dirname, 'worker-process.ts');
export const WORKER_STARTED = 'chaos worker polling';

/** Retries short enough for a test, attempts high enough that lost attempts (killed workers) never exhaust them. */
export const CHAOS_TUNABLES: UpgradeTunables = {
  productionNoticeHours: 0,
  activityMaximumAttempts: 12,
  activityInitialInterval: '200ms',
  activityMaximumInterval: '1s',
  // An attempt lost with a killed worker is retried after this (nothing else tells the server it died).
  activityStartToClose: '20s',
};

/** Webpack once per test file; every worker process loads the same code from this file. */
export async function writeWorkflowBundle(dir: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('WARN') });
  const path = join(dir, 'workflow-bundle.js');
  await writeFile(path, code);
  return path;
}

export interface ChaosSecrets {
  smtpUser: string;
  smtpPassword: string;
  /** The secret part of the webhook URL (its path). */
  webhookPath: string;
  webhookUrl: string;
  smtpUrl: string;
}

export interface ChaosReceivers {
  smtp: SmtpReceiver;
  webhook: WebhookReceiver;
  secrets: ChaosSecrets;
  close(): Promise<void>;
}

/** SMTP with a password and a webhook with a secret path: the worker configuration's two secrets. */
export async function startChaosReceivers(): Promise<ChaosReceivers> {
  const smtpUser = 'upgrade-bot';
  const smtpPassword = `pw-${randomBytes(9).toString('hex')}`;
  const webhookPath = `/services/T0CHAOS/B0CHAOS/${randomBytes(12).toString('hex')}`;
  const smtp = await startSmtpReceiver({ auth: { user: smtpUser, pass: smtpPassword } });
  const webhook = await startWebhookReceiver({ path: webhookPath });
  const secrets: ChaosSecrets = {
    smtpUser,
    smtpPassword,
    webhookPath,
    webhookUrl: webhook.url,
    smtpUrl: `smtp://${smtpUser}:${smtpPassword}@127.0.0.1:${smtp.port}`,
  };
  return { smtp, webhook, secrets, close: async () => void (await Promise.all([smtp.close(), webhook.close()])) };
}

export interface WorkerProcessOptions {
  address: string;
  taskQueue: string;
  dataDir: string;
  bundlePath: string;
  caFile: string;
  secrets: ChaosSecrets;
  shutdownGrace?: string;
  /** Folders the worker may clone local repositories from (default: the temp folder, where the tests create them). */
  repositoryRoots?: string[];
  /** Settings that replace the ones above, e.g. a policy taken back: `{ CUO_ALLOW_LOCAL_COMMANDS: '0' }`. */
  env?: Record<string, string>;
}

/** One worker process; its stdout and stderr are kept (for the secrets check and for failure messages). */
export class WorkerProcess {
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private started = false;
  private readonly startWaiters = new Set<() => void>();

  constructor(options: WorkerProcessOptions) {
    this.child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], {
      cwd: ROOT,
      // Own process group: a SIGKILL takes the worker and its git/shell children down together, as a crash would.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TEMPORAL_ADDRESS: options.address,
        TASK_QUEUE: options.taskQueue,
        CUO_DATA_DIR: options.dataDir,
        SMTP_URL: options.secrets.smtpUrl,
        SMTP_FROM: 'Upgrades <upgrades@commerce-upgrades.invalid>',
        WEBHOOK_URL: options.secrets.webhookUrl,
        WORKER_SHUTDOWN_GRACE: options.shutdownGrace ?? '2s',
        // What this landscape needs of the host, allowed by name (issue #12): the environment folders' stand-in
        // commands, the loopback storefronts, the temp-folder repositories, seconds-long timings.
        CUO_ALLOW_LOCAL_COMMANDS: '1',
        CUO_ALLOWED_HOSTS: '127.0.0.1,localhost',
        CUO_ALLOW_PRIVATE_NETWORKS: '1',
        CUO_LOCAL_REPOSITORY_ROOTS: (options.repositoryRoots ?? [realpathSync(tmpdir())]).join(delimiter),
        CUO_ALLOW_SHORT_TIMINGS: '1',
        ...options.env,
        LOG_LEVEL: 'info',
        CHAOS_WORKFLOW_BUNDLE: options.bundlePath,
        CHAOS_TLS_CA_FILE: options.caFile,
      },
    });
    const keep = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.output.push(text);
      if (!this.started && text.includes(WORKER_STARTED)) {
        this.started = true;
        for (const wake of this.startWaiters) wake();
      }
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolveExit) => this.child.on('exit', (code, signal) => resolveExit({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  async waitStarted(timeoutMs = 30_000): Promise<void> {
    if (this.started) return;
    await new Promise<void>((resolveStart, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker did not start in ${timeoutMs} ms:\n${this.output.join('')}`)), timeoutMs);
      this.startWaiters.add(() => {
        clearTimeout(timer);
        resolveStart();
      });
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`worker exited before it started:\n${this.output.join('')}`));
      });
    });
  }

  /** kill -9 of the whole process group. */
  async kill9(): Promise<void> {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await this.exited;
  }

  sigterm(): void {
    this.child.kill('SIGTERM');
  }

  text(): string {
    return this.output.join('');
  }
}

/** Plays every owner: approves what awaits approval with a requestId per gate and round, so repeats are harmless. */
export class OwnerDriver {
  readonly errors: string[] = [];
  readonly sent = new Map<string, number>();
  private stopped = false;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly handles: WorkflowHandle[],
    private readonly hold: (gateId: string) => boolean = () => false,
  ) {
    this.loops = handles.map((h) => this.loop(h));
  }

  private async loop(handle: WorkflowHandle): Promise<void> {
    while (!this.stopped) {
      try {
        const status = await withTimeout(handle.query(statusQuery), 5_000);
        if (status.state !== 'running') return;
        const next = status.awaiting.find((a) => a.state === 'awaiting-approval' && !this.hold(a.gateId));
        if (next) {
          const gate = status.gates.find((g) => g.id === next.gateId)!;
          const role = next.roles[0]!;
          const requestId = `${handle.workflowId}/${gate.id}/r${gate.rounds}/approve`;
          this.sent.set(requestId, (this.sent.get(requestId) ?? 0) + 1);
          await withTimeout(
            handle.executeUpdate(decideUpdate, {
              args: [{ taskId: gate.id, decision: 'approve', actor: OWNER_EMAIL[role], role, requestId }],
            }),
            10_000,
          );
          continue;
        }
      } catch (err) {
        // Worker down or server restarting: the same requestId is sent again on the next round.
        this.errors.push(`${handle.workflowId}: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  async finished(): Promise<void> {
    await Promise.all(this.loops);
  }

  stop(): void {
    this.stopped = true;
  }
}

export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until every project's status satisfies `done`, tolerating query failures; returns the last statuses. */
export async function waitAll(handles: WorkflowHandle[], done: (s: ProjectStatus) => boolean, timeoutMs: number): Promise<ProjectStatus[]> {
  const deadline = Date.now() + timeoutMs;
  let last: (ProjectStatus | undefined)[] = [];
  for (;;) {
    last = await Promise.all(handles.map((h) => withTimeout(h.query(statusQuery), 5_000).catch(() => undefined)));
    if (last.every((s) => s && done(s))) return last as ProjectStatus[];
    if (Date.now() > deadline) {
      throw new Error(
        `projects not done in ${timeoutMs} ms: ${last.map((s, i) => `${handles[i]!.workflowId}=${s ? `${s.phase}/${s.awaiting.map((a) => `${a.gateId}:${a.state}`).join(',')}` : '?'}`).join('; ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Every file under `dir` as text (artifacts, reports, state), for the secrets check. */
export async function readTree(dir: string): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries: string[];
    try {
      entries = await readdir(d);
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(d, name);
      const info = await stat(path);
      if (info.isDirectory()) {
        // Git clones are the project repository itself, not something the worker wrote.
        if (name !== '.git') await walk(path);
      } else if (info.size < 5_000_000) out.push({ path, text: await readFile(path, 'utf8') });
    }
  };
  await walk(dir);
  return out;
}

/** The forms a secret could leak in: as configured, URL-encoded, and (for the webhook) its random token alone. */
export function secretNeedles(secrets: ChaosSecrets): string[] {
  const token = secrets.webhookPath.split('/').at(-1)!;
  return [secrets.smtpPassword, encodeURIComponent(secrets.smtpPassword), secrets.smtpUrl, secrets.webhookUrl, secrets.webhookPath, token];
}

export function findSecrets(text: string, needles: string[]): string[] {
  return needles.filter((n) => text.includes(n));
}

/** All events of a workflow's history as one JSON text (payloads decoded by the SDK's JSON conversion). */
export async function historyText(client: Client, workflowId: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return JSON.stringify(history, (_key, value: unknown) => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    // Buffers serialise themselves first (toJSON) as { type: 'Buffer', data: [...] }.
    const asBuffer = value as { type?: unknown; data?: unknown };
    if (asBuffer && asBuffer.type === 'Buffer' && Array.isArray(asBuffer.data))
      return Buffer.from(asBuffer.data as number[]).toString('utf8');
    if (typeof value === 'bigint') return value.toString();
    return value;
  });
}

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** What the server knows of each project (status, pending activities, last events, the query's own error). */
export async function diagnose(handles: WorkflowHandle[]): Promise<string> {
  const lines = await Promise.all(
    handles.map(async (h) => {
      const query = await withTimeout(h.query(statusQuery), 5_000).then(
        (s) =>
          `query ok (${s.state}${s.gates
            .filter((g) => g.blocked)
            .map((g) => `; ${g.id} blocked at ${g.blocked!.step}: ${g.blocked!.error}`)
            .join('')})`,
        (e: Error) => `query failed: ${e.message}`,
      );
      const d = await h.describe().catch(() => undefined);
      const raw = d?.raw as
        | {
            pendingActivities?: { activityType?: { name?: string }; attempt?: number; lastFailure?: { message?: string } }[];
            pendingWorkflowTask?: { attempt?: number };
          }
        | undefined;
      const pending = (raw?.pendingActivities ?? []).map(
        (p) => `${p.activityType?.name}#${p.attempt}${p.lastFailure?.message ? ` (${p.lastFailure.message.slice(0, 200)})` : ''}`,
      );
      const history = await h.fetchHistory().catch(() => undefined);
      const events = history?.events ?? [];
      let saved = '';
      if (history && d?.status.name === 'RUNNING') {
        // Kept for a replay test (Worker.runReplayHistory) by whoever fixes the cause; outside the test's temp dirs.
        const dir = join(tmpdir(), 'cuo-chaos-histories');
        await mkdir(dir, { recursive: true });
        const file = join(dir, `${h.workflowId}.json`);
        await writeFile(
          file,
          JSON.stringify(history, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
        );
        saved = `; history saved to ${file}`;
      }
      const last = events.slice(-5).map((e) => {
        const failed = (e as { workflowTaskFailedEventAttributes?: { failure?: { message?: string } } }).workflowTaskFailedEventAttributes
          ?.failure?.message;
        return `${String(e.eventType)}${failed ? `(${failed.slice(0, 300)})` : ''}`;
      });
      return `${h.workflowId}: ${d?.status.name ?? '?'}; ${query}; workflow task attempt ${raw?.pendingWorkflowTask?.attempt ?? '-'}; pending [${pending.join(', ')}]; last events ${last.join(', ')}${saved}`;
    }),
  );
  return lines.join('\n');
}
