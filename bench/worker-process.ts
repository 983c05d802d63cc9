/**
 * The worker of a benchmark scenario, in its own process so the bench can read its peak RSS (VmHWM) and CPU time
 * (utime + stime) from /proc/<pid> without counting the driver, the server or the landscape.
 *
 *   node worker-process.js <address> <taskQueue> <bundle.js> <noop|baseline|real> [real-deps.json]
 *   (env BENCH_MAX_CACHED_WORKFLOWS: a maxCachedWorkflows to try instead of the SDK default)
 *
 * - noop: the no-op implementations of every UpgradeActivities activity (bench/noop-activities.ts);
 * - baseline: the baseline workflow's single no-op activity;
 * - real: createActivities (activities/index.ts) wired to the local landscape the bench started; its URLs and
 *   folders come in a JSON file (RealDepsSpec) because the landscape lives in the bench process.
 * Workflows come from a prebuilt bundle, as in production (no webpack in the measured process).
 * Prints "ready" on stdout once polling; SIGTERM/SIGINT shut it down (the SDK's Runtime handles them).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { ArtifactStore } from '../activities/artifact-store';
import { Notifier } from '../activities/notify/channels';
import { RepositoryWorkspace, UPGRADE_BOT_AUTHOR } from '../activities/repository/workspace';
import { localLandscapePolicy } from '../test/support/local-policy';
import { baselineNoop, createNoopActivities } from './noop-activities';

export type ActivityKind = 'noop' | 'baseline' | 'real';

/** What the worker needs to reach the landscape started by the bench process. */
export interface RealDepsSpec {
  dataDir: string;
  smtpUrl: string;
  webhookUrl: string;
  /** PEM file with the storefronts' self-signed certificates. */
  caFile: string;
  healthPollMs: number;
  deployHealthTimeoutMs: number;
  /** Folders holding the landscapes' bare origins (the local repositories the bench's worker may clone). */
  repositoryRoots: string[];
}

function activitiesFor(kind: ActivityKind, depsFile: string | undefined): object {
  if (kind === 'noop') return createNoopActivities();
  if (kind === 'baseline') return { baselineNoop };
  if (!depsFile) throw new Error('the real activities need the landscape description (real-deps.json)');
  const spec = JSON.parse(readFileSync(depsFile, 'utf8')) as RealDepsSpec;
  const policy = localLandscapePolicy({ repositoryRoots: spec.repositoryRoots });
  return createActivities({
    artifacts: new ArtifactStore(join(spec.dataDir, 'artifacts')),
    workspace: new RepositoryWorkspace({
      workspacesDir: join(spec.dataDir, 'workspaces'),
      author: UPGRADE_BOT_AUTHOR,
      network: { policy: policy.network },
    }),
    notifier: new Notifier({
      webhook: { url: spec.webhookUrl },
      email: { smtpUrl: spec.smtpUrl, from: 'upgrades@commerce-upgrades.invalid' },
    }),
    dataDir: spec.dataDir,
    tls: { ca: readFileSync(spec.caFile, 'utf8') },
    healthPollMs: spec.healthPollMs,
    deployHealthTimeoutMs: spec.deployHealthTimeoutMs,
    policy,
  });
}

async function main(): Promise<void> {
  const [address, taskQueue, bundlePath, kind, depsFile] = process.argv.slice(2);
  // A proposed setting measured by the bench (--max-cached); unset means the SDK's default, as the product runs.
  const maxCached = process.env.BENCH_MAX_CACHED_WORKFLOWS ? Number(process.env.BENCH_MAX_CACHED_WORKFLOWS) : undefined;
  if (!address || !taskQueue || !bundlePath || !['noop', 'baseline', 'real'].includes(kind ?? '')) {
    throw new Error('usage: worker-process <address> <taskQueue> <bundle.js> <noop|baseline|real> [real-deps.json]');
  }
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address });
  try {
    // Default worker options, as worker/main.ts runs with no tuning variables set: the figures are the product's.
    const worker = await Worker.create({
      connection,
      namespace: 'default',
      taskQueue,
      workflowBundle: { codePath: bundlePath },
      activities: activitiesFor(kind as ActivityKind, depsFile),
      ...(maxCached !== undefined ? { maxCachedWorkflows: maxCached } : {}),
    });
    const cache = worker.options.maxCachedWorkflows;
    process.stdout.write(`ready ${JSON.stringify({ maxCachedWorkflows: cache })}\n`);
    // "gc" on stdin: collect garbage (node --expose-gc), then report memory, so RSS samples do not depend on
    // when V8 last collected.
    createInterface({ input: process.stdin }).on('line', (line) => {
      if (line.trim() !== 'gc') return;
      (globalThis as { gc?: () => void }).gc?.();
      const m = process.memoryUsage();
      process.stdout.write(`mem ${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external })}\n`);
    });
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench worker failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
