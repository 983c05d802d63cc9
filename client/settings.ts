/**
 * The CLI's own settings, from global options and the environment, validated once at the edge. The Temporal
 * connection itself (address, namespace, TLS, API key, profile) is the standard environment configuration read
 * by client/connection.ts.
 */
import { TASK_QUEUE } from '../workflows/search-attributes';
import { CliError, EXIT } from './exit-codes';

export interface Settings {
  taskQueue: string;
  /** The task queue was named (option or TASK_QUEUE): `list` and `pending` look at that queue only. */
  taskQueueExplicit: boolean;
  uiBase: string;
  /** How long a query or update may take before the CLI says no worker answered. */
  timeoutMs: number;
  connectTimeoutMs: number;
  profile?: string;
}

export const DEFAULT_UI = 'http://localhost:8233';

export interface GlobalOptions {
  taskQueue?: string;
  profile?: string;
  timeout?: string;
}

function seconds(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${name} must be a number of seconds greater than 0, got "${value}"`, EXIT.usage);
  return Math.round(n * 1000);
}

export function resolveSettings(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Settings {
  const queue = options.taskQueue ?? (env.TASK_QUEUE || undefined);
  if (queue !== undefined && !/^\S+$/.test(queue)) throw new CliError(`task queue "${queue}" must not contain spaces`, EXIT.usage);
  const uiBase = (env.TEMPORAL_UI_URL || DEFAULT_UI).replace(/\/+$/, '');
  try {
    new URL(uiBase);
  } catch {
    throw new CliError(`TEMPORAL_UI_URL must be an absolute URL such as ${DEFAULT_UI}, got "${uiBase}"`, EXIT.usage);
  }
  return {
    taskQueue: queue ?? TASK_QUEUE,
    taskQueueExplicit: queue !== undefined,
    uiBase,
    timeoutMs: seconds('--timeout', options.timeout ?? env.CUO_TIMEOUT ?? '10'),
    connectTimeoutMs: seconds('CUO_CONNECT_TIMEOUT', env.CUO_CONNECT_TIMEOUT || '5'),
    profile: options.profile,
  };
}

export function uiLink(settings: Pick<Settings, 'uiBase'>, namespace: string, workflowId: string): string {
  return `${settings.uiBase}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
