/**
 * Helpers for integration tests against the shared dev server (started once by global-setup.ts).
 *
 *   const { client, close } = await connectTestClient();            // afterAll(close)
 *   const taskQueue = uniqueTaskQueue('upgrade');                    // isolates this test's worker
 *   await runWorker({ taskQueue, workflowsPath: require.resolve('../../workflows'), activities },
 *     () => client.workflow.execute(upgradeProject, { taskQueue, workflowId, args }));
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { WorkerOptions } from '@temporalio/worker';
import { signingInterceptor } from '../support/test-gateway-signer';
import { ADDRESS_VAR, NAMESPACE_VAR } from './shared-env';

export function testServer(): { address: string; namespace: string } {
  const address = process.env[ADDRESS_VAR];
  if (!address) {
    throw new Error(
      `${ADDRESS_VAR} is not set: integration tests need the jest "integration" project, whose global setup starts the server.`,
    );
  }
  return { address, namespace: process.env[NAMESPACE_VAR] ?? 'default' };
}

export interface TestClient {
  client: Client;
  connection: Connection;
  namespace: string;
  close(): Promise<void>;
}

/**
 * A client of the shared server. By default it plays the approvals gateway's signing (test/support/
 * test-gateway-signer.ts): projects trust a test key and decisions are signed. `{ signed: false }` sends what the
 * test wrote, for tests of what the workflow does with unsigned or hand-made assertions.
 */
export async function connectTestClient(options: { signed?: boolean } = {}): Promise<TestClient> {
  const { address, namespace } = testServer();
  const connection = await Connection.connect({ address });
  const client = signedTestClient(connection, namespace, options.signed ?? true);
  return { client, connection, namespace, close: () => connection.close() };
}

export function signedTestClient(connection: Connection, namespace = 'default', signed = true): Client {
  let client: Client | undefined = undefined;
  client = new Client({ connection, namespace, ...(signed ? { interceptors: { workflow: [signingInterceptor(() => client!)] } } : {}) });
  return client;
}

/** A task queue no other test (or earlier run against the same server) polls. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

/**
 * The SDK logs every worker state change at INFO; in tests that is noise. Installed on first use unless the test
 * file installed its own runtime first (e.g. to capture logs).
 */
function ensureQuietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // A runtime already exists in this process: keep it.
  }
}

/** Webpack runs once per workflows file per test file, not once per worker. */
const bundles = new Map<string, Promise<{ code: string }>>();
function bundleOnce(workflowsPath: string): Promise<{ code: string }> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    bundle = bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}

export type RunWorkerOptions = Omit<WorkerOptions, 'connection' | 'namespace' | 'workflowBundle'> & { taskQueue: string };

/**
 * Runs a worker on the shared server while `fn` runs, then shuts it down and closes its connection, whatever `fn`
 * does. Returns what `fn` returns.
 */
export async function runWorker<R>(options: RunWorkerOptions, fn: (worker: Worker) => Promise<R>): Promise<R> {
  ensureQuietRuntime();
  const { address, namespace } = testServer();
  const { workflowsPath, ...rest } = options;
  const workflowBundle = workflowsPath ? await bundleOnce(workflowsPath) : undefined;
  const connection = await NativeConnection.connect({ address });
  try {
    const worker = await Worker.create({ ...rest, ...(workflowBundle ? { workflowBundle } : {}), connection, namespace });
    return await worker.runUntil(() => fn(worker));
  } finally {
    await connection.close();
  }
}

/** Polls `probe` until it returns a value that is not undefined; visibility is eventually consistent. */
export async function eventually<T>(probe: () => Promise<T | undefined>, { timeoutMs = 10_000, intervalMs = 200 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
