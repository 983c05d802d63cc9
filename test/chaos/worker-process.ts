/**
 * The worker as a real child process for the chaos suite, run with `node --import tsx test/chaos/worker-process.ts`.
 * It is worker/main.ts with two differences a test landscape needs: the storefronts' self-signed CA is trusted
 * (CHAOS_TLS_CA_FILE; worker/activity-deps.ts has no CA option) and the workflow bundle is prebuilt by the test
 * (CHAOS_WORKFLOW_BUNDLE), so a restarted worker is polling within a second instead of running webpack again.
 *
 * Everything else is the production path: loadWorkerConfig(process.env) validates SMTP_URL, SMTP_FROM, WEBHOOK_URL,
 * CUO_DATA_DIR, TASK_QUEUE, TEMPORAL_ADDRESS, WORKER_SHUTDOWN_GRACE and the CUO_* policy; buildActivityDeps builds
 * the real adapters; activity output is redacted by the worker's own interceptor;
 * the pino logger is bridged into the Temporal runtime (whose default shutdown signals include SIGTERM), so the
 * test can capture stdout/stderr and search them for secrets.
 */
import { readFileSync } from 'node:fs';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { buildActivityDeps } from '../../worker/activity-deps';
import { loadWorkerConfig } from '../../worker/config';
import { createLogger, installRuntimeLogger } from '../../worker/logger';
import { redactingInterceptors } from '../../worker/redacting-interceptor';

export const WORKER_STARTED = 'chaos worker polling';

async function main(): Promise<void> {
  const config = loadWorkerConfig(process.env);
  const logger = createLogger(config.logLevel);
  installRuntimeLogger(logger);
  const bundlePath = process.env.CHAOS_WORKFLOW_BUNDLE;
  const caFile = process.env.CHAOS_TLS_CA_FILE;
  if (!bundlePath) throw new Error('CHAOS_WORKFLOW_BUNDLE must name the prebuilt workflow bundle');
  const deps = {
    ...buildActivityDeps(config, logger),
    ...(caFile ? { tls: { ca: readFileSync(caFile, 'utf8') } } : {}),
    healthPollMs: 200,
    deployHealthTimeoutMs: 10_000,
  };
  const connection = await NativeConnection.connect({ address: config.temporalAddress ?? 'localhost:7233' });
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.temporalNamespace ?? 'default',
      taskQueue: config.taskQueue,
      workflowBundle: { codePath: bundlePath },
      activities: createActivities(deps),
      interceptors: { activity: redactingInterceptors(config.secrets) },
      shutdownGraceTime: config.shutdownGraceTimeMs,
      ...(config.maxConcurrentActivityTaskExecutions
        ? { maxConcurrentActivityTaskExecutions: config.maxConcurrentActivityTaskExecutions }
        : {}),
    });
    logger.info({ pid: process.pid, taskQueue: config.taskQueue }, WORKER_STARTED);
    await worker.run();
    logger.info({ pid: process.pid }, 'chaos worker stopped');
    await deps.notifier.close();
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`chaos worker failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
