/**
 * The worker process: validated configuration, pino logging bridged into the Temporal runtime, the activities
 * built from their adapters, and a graceful stop. The SDK's Runtime listens for SIGINT/SIGTERM and asks the worker
 * to shut down: it stops polling, lets running activities finish for the grace time, then cancels them.
 */
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { connectNative } from '../client/connection';
import { buildActivityDeps } from './activity-deps';
import { ConfigError, loadWorkerConfig } from './config';
import type { WorkerConfig } from './config';
import { createLogger, installRuntimeLogger } from './logger';
import { redactingInterceptors } from './redacting-interceptor';
import { workflowSource } from './workflow-source';

async function main(): Promise<number> {
  let config: WorkerConfig;
  try {
    config = loadWorkerConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  installRuntimeLogger(logger);

  let native: Awaited<ReturnType<typeof connectNative>>;
  try {
    native = await connectNative();
  } catch (err) {
    logger.fatal((err as Error).message);
    return 1;
  }
  const { connection, namespace, address } = native;
  try {
    const source = workflowSource();
    const worker = await Worker.create({
      connection,
      namespace,
      taskQueue: config.taskQueue,
      ...source,
      activities: createActivities(buildActivityDeps(config, logger)),
      // Every activity's result and failure is redacted of the configuration's secrets before it reaches history.
      interceptors: { activity: redactingInterceptors(config.secrets) },
      maxConcurrentActivityTaskExecutions: config.maxConcurrentActivityTaskExecutions,
      maxConcurrentWorkflowTaskExecutions: config.maxConcurrentWorkflowTaskExecutions,
      maxCachedWorkflows: config.maxCachedWorkflows,
      shutdownGraceTime: config.shutdownGraceTimeMs,
    });
    logger.info(
      { address, namespace, taskQueue: config.taskQueue, workflows: 'workflowBundle' in source ? 'bundle' : 'source' },
      'worker started',
    );
    await worker.run();
    logger.info('worker stopped');
    return 0;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`worker failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
