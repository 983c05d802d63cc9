/**
 * The CLI's own settings, from global options and the environment, validated once at the edge. The Temporal
 * connection itself (address, namespace, TLS, API key, profile) is the standard environment configuration read
 * by client/connection.ts.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TASK_QUEUE } from '../workflows/contract';
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
  /** The approvals gateway decisions go through (env CUO_GATEWAY_URL). */
  gatewayUrl: string;
  /** Where `cuo login` keeps its token (env CUO_CONFIG_DIR; default the user's config folder). */
  configDir: string;
}

export const DEFAULT_GATEWAY = 'http://127.0.0.1:8234';

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
    gatewayUrl: gatewayUrl(env.CUO_GATEWAY_URL || DEFAULT_GATEWAY),
    configDir: env.CUO_CONFIG_DIR || join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'commerce-upgrade-orchestrator'),
  };
}

export function uiLink(settings: Pick<Settings, 'uiBase'>, namespace: string, workflowId: string): string {
  return `${settings.uiBase}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

function gatewayUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    return url.toString().replace(/\/+$/, '');
  } catch {
    throw new CliError(`CUO_GATEWAY_URL must be the approvals gateway's URL such as ${DEFAULT_GATEWAY}, got "${value}"`, EXIT.usage);
  }
}
