/**
 * Worker configuration, read once from the environment at start and validated with zod, so a typo stops the worker
 * with a message naming the variable and the expected form instead of failing later inside a task.
 *
 * The Temporal connection itself (address, namespace, TLS, API key, profiles) is loaded by client/connection.ts
 * through @temporalio/envconfig; TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE are validated here too because a
 * malformed value there is the most common start-up mistake.
 */
import { existsSync } from 'node:fs';
import { delimiter, isAbsolute } from 'node:path';
import { z } from 'zod';
import { secretsOfUrl } from '../activities/policy/redaction';
import { DEFAULT_LOAD_TEST_CAPS, type WorkerPolicy } from '../activities/policy/worker-policy';
import { TASK_QUEUE } from '../workflows/search-attributes';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export interface NotificationSecrets {
  /** smtp://user:pass@host:port or smtps://…; undefined when e-mail is not configured. */
  smtpUrl?: string;
  smtpFrom?: string;
  webhookUrl?: string;
}

export interface WorkerConfig {
  /** host:port; undefined lets the envconfig profile (or the SDK default localhost:7233) decide. */
  temporalAddress?: string;
  temporalNamespace?: string;
  taskQueue: string;
  logLevel: LogLevelName;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  /** Projects kept in memory between their tasks; others are replayed from history when a decision arrives. */
  maxCachedWorkflows: number;
  /** Milliseconds the worker waits for running activities after SIGINT/SIGTERM before cancelling them. */
  shutdownGraceTimeMs: number;
  /** Where artifacts and local state live (relative to the working directory unless absolute). */
  dataDir: string;
  notifications: NotificationSecrets;
  /** Where messages link to (the approvals gateway's task pages) and who gets one-time e-mail links. */
  links: {
    gatewayUrl?: string;
    emailLinks?: { secret: string; ttlSec: number; recipients: string[] };
  };
  /** SSH private key paths by lower-cased name: SSH_IDENTITY_STAGING=/keys/id → { staging: '/keys/id' }. */
  sshIdentities: Record<string, string>;
  /** What projects may make the worker do (commands, hosts, local repositories, load tests, short timings). */
  policy: WorkerPolicy;
  /**
   * Every value of this configuration that must never be printed: the notification URLs and their parts, the
   * Temporal API key, and any variable whose name says it holds a secret. Activities' output is redacted of them.
   */
  secrets: string[];
}

/**
 * Upgrade projects wait on people for days, so most are idle: a cached project costs about 1.8 MB of worker memory
 * (bench/results, scenario D), and replaying an evicted one from its ~250 events when a decision arrives costs
 * milliseconds. The SDK's default sizes the cache from the machine's memory (2,310 here: 1.9 GB with 1,000 open
 * projects); 100 keeps a worker under 400 MB however many projects are open.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 100;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid worker configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(\d+)(ms|s|m|h)$/;

/** Unset and empty mean the same for optional variables (shells and .env files often leave `X=`). */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
// One check with one message: zod 4 would otherwise report both a format and a range problem for "localhost".
const hostPort = z.string().refine((v) => {
  const port = Number(HOST_PORT.exec(v)?.[2] ?? 0);
  return port >= 1 && port <= 65535;
}, 'expected host:port with a port from 1 to 65535, e.g. localhost:7233');

const positiveInt = z
  .string()
  .regex(/^[1-9]\d*$/, 'expected a whole number greater than 0, e.g. 100')
  .transform(Number);

const duration = z
  .string()
  .regex(DURATION, 'expected a duration such as 500ms, 30s, 2m or 1h')
  .transform((v) => {
    const [, amount, unit] = DURATION.exec(v) as RegExpExecArray;
    return Number(amount) * DURATION_UNITS_MS[unit as keyof typeof DURATION_UNITS_MS];
  });

const urlWithProtocols = (protocols: string[], example: string) =>
  z.string().refine((v) => {
    try {
      const url = new URL(v);
      return protocols.includes(url.protocol) && url.hostname !== '';
    } catch {
      return false;
    }
  }, `expected a URL such as ${example}`);

const email = z
  .string()
  .regex(
    /^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
    'expected an e-mail address, e.g. "Upgrades <upgrades@example.com>" or upgrades@example.com',
  );

const flag = z.enum(['0', '1', 'true', 'false'], 'expected 1 (on) or 0 (off)').transform((v) => v === '1' || v === 'true');

const HOST_PATTERN = /^(\*|(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\[?[0-9a-fA-F:]+\]?)$/;
const hostPatterns = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  )
  .refine(
    (list) => list.every((p) => HOST_PATTERN.test(p)),
    'expected host patterns separated by commas, e.g. staging.example.com,*.magento.cloud (or * for any host)',
  );

const folderList = z
  .string()
  .transform((v) =>
    v
      .split(delimiter)
      .map((p) => p.trim())
      .filter(Boolean),
  )
  .refine(
    (list) => list.every((p) => isAbsolute(p) && existsSync(p)),
    `expected existing absolute folders separated by "${delimiter}", e.g. /srv/repositories`,
  );

const boundedInt = (max: number, example: string) =>
  positiveInt.refine((n) => n <= max, `expected a whole number from 1 to ${max}, e.g. ${example}`);

const filePath = z.string().refine((p) => existsSync(p), 'expected the path of an existing private key file');

const envSchema = z.object({
  TEMPORAL_ADDRESS: optional(hostPort),
  // Set-but-empty is a mistake here (it would silently mean "default"), so no empty-to-unset preprocessing.
  TEMPORAL_NAMESPACE: z.string().min(1, 'expected a non-empty namespace name, e.g. default').optional(),
  TASK_QUEUE: optional(z.string().regex(/^\S+$/, 'expected a task queue name without spaces, e.g. commerce-upgrades')),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS, `expected one of ${LOG_LEVELS.join(', ')}`)),
  WORKER_MAX_CONCURRENT_ACTIVITIES: optional(positiveInt),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: optional(
    positiveInt.refine((n) => n >= 2, 'expected a whole number of at least 2 (the SDK needs two workflow task slots)'),
  ),
  WORKER_MAX_CACHED_WORKFLOWS: optional(positiveInt),
  WORKER_SHUTDOWN_GRACE: optional(duration),
  CUO_DATA_DIR: optional(z.string()),
  SMTP_URL: optional(urlWithProtocols(['smtp:', 'smtps:'], 'smtp://user:pass@mail.example.com:587')),
  SMTP_FROM: optional(email),
  WEBHOOK_URL: optional(urlWithProtocols(['http:', 'https:'], 'https://hooks.example.com/upgrades')),
  // The approvals gateway as people reach it: every message links to its task pages instead of CLI commands.
  GATEWAY_PUBLIC_URL: optional(urlWithProtocols(['http:', 'https:'], 'https://approvals.example.com')),
  // One-time e-mail links (activities/notify/email-link.ts): the secret shared with the gateway, their lifetime,
  // and who gets them (e-mails or @domains of invited people without single sign-on, or *).
  EMAIL_LINK_SECRET: optional(z.string().min(32, 'expected at least 32 characters (e.g. openssl rand -base64 33)')),
  EMAIL_LINK_TTL: optional(duration.refine((ms) => ms >= 60_000 && ms <= 30 * 86_400_000, 'expected a duration from 1m to 720h, e.g. 72h')),
  EMAIL_LINK_RECIPIENTS: optional(
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((p) => p.trim().toLowerCase())
          .filter(Boolean),
      )
      .refine(
        (list) => list.every((p) => p === '*' || /^@[a-z0-9.-]+$/.test(p) || /^[^\s@,]+@[^\s@,]+$/.test(p)),
        'expected e-mails or @domains separated by commas (or *)',
      ),
  ),
  CUO_ALLOW_LOCAL_COMMANDS: optional(flag),
  CUO_SSH_ALLOWED_HOSTS: optional(hostPatterns),
  CUO_ALLOWED_HOSTS: optional(hostPatterns),
  CUO_ALLOW_PRIVATE_NETWORKS: optional(flag),
  CUO_LOCAL_REPOSITORY_ROOTS: optional(folderList),
  CUO_ALLOW_SHORT_TIMINGS: optional(flag),
  // Upper bounds the project file's own limits (workflows/project-input.ts LOAD_TEST_LIMITS) cannot exceed anyway.
  CUO_LOAD_TEST_MAX_CONNECTIONS: optional(boundedInt(100, '50')),
  CUO_LOAD_TEST_MAX_DURATION: optional(duration.refine((ms) => ms >= 1000 && ms <= 600_000, 'expected a duration from 1s to 10m, e.g. 5m')),
  CUO_LOAD_TEST_MAX_REQUESTS: optional(boundedInt(200_000, '100000')),
});

/**
 * Variables whose value is never printed, not even when it is malformed (issue #12, finding 15: a mistyped
 * SMTP_URL was printed whole, password included, in the start-up error).
 */
export function isSecretVariable(name: string): boolean {
  return name === 'SMTP_URL' || name === 'WEBHOOK_URL' || /(SECRET|TOKEN|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY|CREDENTIAL)/i.test(name);
}

/** `NAME="value"`, or for a secret only its name and length: the person fixing it knows what they typed. */
function shown(name: string, value: string | undefined): string {
  if (isSecretVariable(name)) return `${name} (value not shown: it holds a secret; ${value?.length ?? 0} characters)`;
  return `${name}=${JSON.stringify(value ?? '')}`;
}

/** The configuration's secrets in every form they could be printed in (see Redactor). */
function secretsOf(env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [...secretsOfUrl(env.SMTP_URL), ...secretsOfUrl(env.WEBHOOK_URL)];
  for (const [name, value] of Object.entries(env)) {
    if (value && name !== 'SMTP_URL' && name !== 'WEBHOOK_URL' && isSecretVariable(name)) out.push(value);
  }
  return out;
}

const SSH_IDENTITY_PREFIX = 'SSH_IDENTITY_';

/** Reads and validates the worker configuration; throws ConfigError listing every bad variable at once. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const problems: string[] = [];
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '?');
      problems.push(`${shown(name, env[name])}: ${issue.message}`);
    }
  }

  const sshIdentities: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(SSH_IDENTITY_PREFIX) || value === undefined) continue;
    const id = name.slice(SSH_IDENTITY_PREFIX.length);
    if (!/^[A-Z0-9_]+$/.test(id)) {
      problems.push(`${name}: expected SSH_IDENTITY_<NAME> with NAME in capital letters, digits and _`);
      continue;
    }
    const result = filePath.safeParse(value);
    if (result.success) sshIdentities[id.toLowerCase()] = value;
    else problems.push(`${name}=${JSON.stringify(value)}: ${result.error.issues[0]?.message ?? 'invalid'}`);
  }

  if (parsed.success && parsed.data.SMTP_URL !== undefined && parsed.data.SMTP_FROM === undefined) {
    problems.push('SMTP_FROM: required when SMTP_URL is set (expected an e-mail address, e.g. upgrades@example.com)');
  }
  if (parsed.success && parsed.data.EMAIL_LINK_RECIPIENTS?.length && (!parsed.data.EMAIL_LINK_SECRET || !parsed.data.GATEWAY_PUBLIC_URL)) {
    problems.push("EMAIL_LINK_RECIPIENTS: needs EMAIL_LINK_SECRET (the same as the gateway's) and GATEWAY_PUBLIC_URL");
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);

  const e = parsed.data;
  return {
    temporalAddress: e.TEMPORAL_ADDRESS,
    temporalNamespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.TASK_QUEUE ?? TASK_QUEUE,
    logLevel: e.LOG_LEVEL ?? 'info',
    maxConcurrentActivityTaskExecutions: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    shutdownGraceTimeMs: e.WORKER_SHUTDOWN_GRACE ?? 30_000,
    dataDir: e.CUO_DATA_DIR ?? '.data',
    notifications: { smtpUrl: e.SMTP_URL, smtpFrom: e.SMTP_FROM, webhookUrl: e.WEBHOOK_URL },
    links: {
      ...(e.GATEWAY_PUBLIC_URL ? { gatewayUrl: e.GATEWAY_PUBLIC_URL.replace(/\/+$/, '') } : {}),
      ...(e.EMAIL_LINK_SECRET && e.EMAIL_LINK_RECIPIENTS?.length
        ? {
            emailLinks: {
              secret: e.EMAIL_LINK_SECRET,
              ttlSec: Math.floor((e.EMAIL_LINK_TTL ?? 72 * 3_600_000) / 1000),
              recipients: e.EMAIL_LINK_RECIPIENTS,
            },
          }
        : {}),
    },
    sshIdentities,
    policy: {
      commands: { allowLocal: e.CUO_ALLOW_LOCAL_COMMANDS ?? false, sshHosts: e.CUO_SSH_ALLOWED_HOSTS ?? [] },
      network: { allowedHosts: e.CUO_ALLOWED_HOSTS ?? [], allowPrivateNetworks: e.CUO_ALLOW_PRIVATE_NETWORKS ?? false },
      localRepositoryRoots: e.CUO_LOCAL_REPOSITORY_ROOTS ?? [],
      loadTest: {
        maxConnections: e.CUO_LOAD_TEST_MAX_CONNECTIONS ?? DEFAULT_LOAD_TEST_CAPS.maxConnections,
        maxDurationSeconds:
          e.CUO_LOAD_TEST_MAX_DURATION !== undefined
            ? Math.floor(e.CUO_LOAD_TEST_MAX_DURATION / 1000)
            : DEFAULT_LOAD_TEST_CAPS.maxDurationSeconds,
        maxRequests: e.CUO_LOAD_TEST_MAX_REQUESTS ?? DEFAULT_LOAD_TEST_CAPS.maxRequests,
      },
      allowShortTimings: e.CUO_ALLOW_SHORT_TIMINGS ?? false,
    },
    secrets: secretsOf(env),
  };
}
