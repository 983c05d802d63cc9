/**
 * One pino logger for the whole worker process. The Temporal runtime logger is routed into it once, so `log` calls
 * in workflows and activities (and the SDK's own messages, and Core's forwarded ones) come out as the same JSON
 * lines, carrying the metadata the SDK attaches: workflowId, runId, workflowType, activityType, taskQueue, …
 */
import pino from 'pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import type { LogLevel as TemporalLogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { LogLevelName } from './config';

export type { PinoLogger };

export function createLogger(level: LogLevelName, destination?: DestinationStream): PinoLogger {
  // The SDK passes failures as `error` in its metadata; pino's error serializer keeps their message and stack,
  // which a plain JSON copy of an Error object loses.
  const options = {
    level,
    base: { service: 'commerce-upgrade-worker' },
    serializers: { error: pino.stdSerializers.err, err: pino.stdSerializers.err },
  };
  return destination ? pino(options, destination) : pino(options);
}

const PINO_LEVEL: Record<TemporalLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Adapts pino to the SDK's Logger interface; the SDK's metadata becomes top-level JSON fields. */
export function toTemporalLogger(logger: PinoLogger): TemporalLogger {
  const write = (level: TemporalLogLevel, message: string, meta?: LogMetadata) => {
    // Symbol keys cannot be serialised; the SDK uses them only internally.
    const fields = meta ? Object.fromEntries(Object.entries(meta)) : {};
    logger[PINO_LEVEL[level]](fields, message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}

/**
 * Installs the runtime with the pino bridge. Must run before anything creates a NativeConnection or Worker
 * (Runtime.install throws once the default runtime exists). Core's own logs are forwarded at WARN and above.
 */
export function installRuntimeLogger(logger: PinoLogger): void {
  Runtime.install({
    logger: toTemporalLogger(logger),
    telemetryOptions: { logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } } },
  });
}
