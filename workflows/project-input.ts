/**
 * The project file a CSE starts an upgrade from, validated once at the edge (CLI) and again when the project starts,
 * by the workflow's first (local) activity. The workflow code never loads this module for a new project: zod in the
 * workflow bundle costs every cached workflow ~1.4 MB (issue #6); only histories recorded before that replay it.
 *
 * Secrets (SMTP credentials, webhook URLs, SSH keys) never appear here: they belong to the worker's configuration,
 * so they never reach workflow history.
 */
import { z } from 'zod';
import { compareCommerceVersions, COMMERCE_VERSION_PATTERN, parseCommerceVersion } from './commerce-version';
import { durationToMs } from './durations';
import type { FieldProblem } from './field-problems';
import { CAB_GATES, PLAYBOOK_TASKS } from './playbook';
import { ownerOf } from './raci';
import { ROLES, type Role } from './roles';
import { MAX_MESSAGES_PER_RUN } from './workflow-input';

export type { FieldProblem } from './field-problems';

export const PROJECT_INPUT_VERSION = 1 as const;

/** Durations as Temporal understands them (`ms` syntax): `90s`, `15m`, `48h`, `2d`, `1w`. */
export const DURATION_PATTERN = /^\d+(\.\d+)?(ms|s|m|h|d|w)$/;
export const durationSchema = z.string().regex(DURATION_PATTERN, 'must be a duration such as "30s", "15m", "48h", "2d" or "1w"');

export const commerceVersionSchema = z
  .string()
  .regex(COMMERCE_VERSION_PATTERN, 'must be an Adobe Commerce 2.4 version such as "2.4.7" or "2.4.7-p3"');

/**
 * Why these two limits: the workflow lists the awaited people's e-mails in the `UpgradeAwaitingActors` search
 * attribute, whose value Temporal caps at 2 KB (issue #12, finding 9: 50 people overflowed it and the server
 * terminated the project). With every role awaited at once the list holds at most 3 × 8 addresses of at most 80
 * characters: 24 × (80 + 3) + 2 = 1,994 bytes of JSON, under 2,048.
 */
export const MAX_PARTICIPANTS_PER_ROLE = 8;
export const MAX_EMAIL_LENGTH = 80;

export const participantSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(120),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(MAX_EMAIL_LENGTH, `must be at most ${MAX_EMAIL_LENGTH} characters (the awaited people are a search attribute of at most 2 KB)`)
    .email('must be an e-mail address'),
});
export type Participant = z.infer<typeof participantSchema>;

const participantList = z
  .array(participantSchema)
  .min(1, 'needs at least one participant of this role')
  .max(
    MAX_PARTICIPANTS_PER_ROLE,
    `lists at most ${MAX_PARTICIPANTS_PER_ROLE} people per role (the awaited people are a search attribute of at most ` +
      `2 KB); name the deciders and share the reports with the others`,
  );

export const participantsSchema = z.strictObject({
  customer: participantList,
  partner: participantList,
  'managed-services': participantList,
});

const isoDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date "YYYY-MM-DD"');

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a UTC time "HH:MM"');

/** A recurring weekly window for production work, in UTC as Adobe schedules it. */
export const changeWindowSchema = z.strictObject({
  days: z.array(z.enum(WEEKDAYS)).min(1, 'name at least one weekday (mon..sun)'),
  startUtc: clockTime,
  durationMinutes: z
    .number()
    .int()
    .min(15)
    .max(24 * 60),
});
export type ChangeWindow = z.infer<typeof changeWindowSchema>;

const sshTargetSchema = z.strictObject({
  // The worker's CUO_SSH_ALLOWED_HOSTS decides which hosts may be reached; the form is checked here already.
  host: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})$/, 'must be a host name or IPv4 address, e.g. ssh.eu-3.magento.cloud'),
  user: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a user name (letters, digits, . _ -)')
    .refine((u) => !u.startsWith('-'), 'must not start with "-"'),
  port: z.number().int().min(1).max(65535).default(22),
  /** Name of an SSH identity in the worker's configuration (never the key itself). */
  identity: z.string().min(1).optional(),
});

/**
 * An http(s) URL without credentials, fragments or control characters. Which hosts the worker may reach is the
 * worker's configuration (CUO_ALLOWED_HOSTS), checked when an activity runs.
 */
const httpUrl = z
  .string()
  .max(2000)
  .superRefine((value, ctx) => {
    let url: URL | undefined;
    try {
      url = /[\s\0]/.test(value) ? undefined : new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL such as https://staging.example.com' });
    } else if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'must not carry credentials (user:password@); the storefront checks need none' });
    } else if (url.hash || url.search) {
      ctx.addIssue({ code: 'custom', message: 'must be the base URL only, without ?query or #fragment' });
    }
  });

/**
 * A request path: printable URL characters only (RFC 3986 path and query), so nothing in it can end the request
 * line (issue #12: a path with CRLF was written into the raw request).
 */
const requestPath = z
  .string()
  .max(500)
  .regex(
    /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/,
    'must be a path starting with "/" of URL characters only (no spaces, quotes or line breaks), e.g. "/checkout/cart"',
  );

export const environmentSchema = z.strictObject({
  /** `pro` for Pro Staging/Production (service changes by Support ticket), `integration` for Integration. */
  kind: z.enum(['pro', 'integration']).default('pro'),
  /** Base URL of the storefront, e.g. https://mcstaging.example.com */
  url: httpUrl,
  /** Git branch whose push deploys this environment. */
  branch: z.string().min(1),
  /** Admin path checked by the runbook and the security checks. */
  adminPath: z
    .string()
    .max(200)
    .regex(/^\/[A-Za-z0-9_\-/]*$/, 'must be a path starting with "/"')
    .default('/admin'),
  /**
   * The MySQL client that imports a dump on this environment (reads SQL on stdin); default `mysql`, which takes its
   * credentials from the environment's own option files.
   */
  mysqlCommand: z
    .string()
    .min(1)
    .max(300)
    .regex(/^[^\r\n\0]*$/, 'must be one line')
    .optional(),
  /**
   * How remote commands reach the environment. `local` runs them in a shell on the worker, which the worker refuses
   * unless its operator set CUO_ALLOW_LOCAL_COMMANDS=1 (tests, demo); `ssh` hosts must match CUO_SSH_ALLOWED_HOSTS.
   */
  remote: z
    .union([
      z.strictObject({ type: z.literal('local'), cwd: z.string().optional() }),
      z.strictObject({ type: z.literal('ssh'), ...sshTargetSchema.shape }),
    ])
    .optional(),
});
export type Environment = z.infer<typeof environmentSchema>;

/**
 * Load-test bounds: a test of Staging, not a stress test of someone else's site. Ten minutes, 100 connections and
 * 200,000 requests cover Adobe's own guidance of testing a representative load; the worker may cap lower
 * (CUO_LOAD_TEST_MAX_CONNECTIONS, CUO_LOAD_TEST_MAX_DURATION, CUO_LOAD_TEST_MAX_REQUESTS).
 */
export const LOAD_TEST_LIMITS = { paths: 20, durationSeconds: 600, connections: 100, maxRequests: 200_000 } as const;

export const performanceSchema = z.strictObject({
  paths: z.array(requestPath).min(1).max(LOAD_TEST_LIMITS.paths).default(['/']),
  durationSeconds: z.number().int().min(1).max(LOAD_TEST_LIMITS.durationSeconds).default(10),
  connections: z.number().int().min(1).max(LOAD_TEST_LIMITS.connections).default(10),
  maxRequests: z.number().int().min(1).max(LOAD_TEST_LIMITS.maxRequests).default(5000),
  maxP95Ms: z.number().positive().default(1500),
  maxErrorRate: z.number().min(0).max(1).default(0.01),
});

export const postLaunchSchema = z.strictObject({
  monitorFor: durationSchema.default('7d'),
  checkEvery: durationSchema.default('1h'),
});

export const timingSchema = z.strictObject({
  /** After this long without a decision the owner is reminded (again every such period). */
  remindAfter: durationSchema.default('2d'),
  /** After this long the CSE is told the step is overdue (again every such period). */
  escalateAfter: durationSchema.default('5d'),
});

const projectObjectSchema = z.strictObject({
  version: z.literal(PROJECT_INPUT_VERSION, { error: 'must be 1 (the project file format version)' }),
  projectId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be lowercase letters, digits and dashes, e.g. "acme-2-4-8"'),
  customer: z.string().trim().min(1, 'must name the customer').max(120),
  participants: participantsSchema,
  currentVersion: commerceVersionSchema,
  targetVersion: commerceVersionSchema,
  repository: z.strictObject({
    /** A git URL or a local path the worker can read. */
    url: z
      .string()
      .min(1, 'must be a git URL or a local path')
      .max(2000)
      .regex(/^[^\s\0]+$/, 'must not contain spaces or line breaks')
      .refine((u) => !u.startsWith('-'), 'must not start with "-"'),
    /** Branch the upgrade branch starts from. */
    baseBranch: z.string().min(1).default('master'),
    /** Path of an Upgrade Compatibility Tool report inside the repository (JSON or the CLI text output). */
    uctReportPath: z.string().min(1).optional(),
  }),
  environments: z.strictObject({ staging: environmentSchema, production: environmentSchema }),
  changeWindows: z.array(changeWindowSchema).min(1, 'needs at least one change window for production work'),
  timing: timingSchema.default({ remindAfter: '2d', escalateAfter: '5d' }),
  /**
   * The Change Approval Board (issue #15): the people who alone decide the CAB gates, by e-mail; each must be a
   * participant of the CAB gates' owner role (managed-services). Whoever requested or produced a change still
   * may not approve it (separation of duties).
   */
  cab: z
    .strictObject({
      members: z
        .array(z.string().trim().toLowerCase().max(MAX_EMAIL_LENGTH).email('must be an e-mail address'))
        .min(1, 'name at least one CAB member')
        .max(MAX_PARTICIPANTS_PER_ROLE),
    })
    .optional(),
  /** Per task: how many distinct people of the owner role must approve (default 1). */
  requiredApprovals: z.record(z.string(), z.number().int().min(1).max(MAX_PARTICIPANTS_PER_ROLE)).default({}),
  performance: performanceSchema.default({
    paths: ['/'],
    durationSeconds: 10,
    connections: 10,
    maxRequests: 5000,
    maxP95Ms: 1500,
    maxErrorRate: 0.01,
  }),
  /** Extra commands the post-upgrade runbook runs on Staging (besides `bin/magento setup:db:status`). */
  runbookCommands: z
    .array(
      z
        .string()
        .min(1)
        .max(500)
        .regex(/^[^\r\n\0]*$/, 'must be one line'),
    )
    .max(20)
    .default([]),
  postLaunch: postLaunchSchema.default({ monitorFor: '7d', checkEvery: '1h' }),
  notifications: z
    .strictObject({ email: z.boolean().default(true), webhook: z.boolean().default(true) })
    .default({ email: true, webhook: true }),
  /** Planned dates, used by the plan's timeline; free text notes are kept out of history. */
  timeline: z
    // A plain pattern: zod's ISO date check does not survive the workflow bundle (it refused valid dates there).
    .strictObject({ start: isoDate.optional(), launch: isoDate.optional() })
    .default({}),
});

/**
 * Shortest timings a project may use. Reminders and escalations repeat every period, so a zero period spun a loop
 * of 16 events a second and a flood of mail until the server terminated the project (issue #12, finding 8): a
 * person is reminded at most once a minute, and escalated no earlier than reminded. Production is probed at most
 * once a second per path during the monitoring period, which lasts at least one check.
 */
export interface TimingMinimums {
  remindAfterMs: number;
  escalateAfterMs: number;
  checkEveryMs: number;
}
export const PRODUCTION_TIMING_MINIMUMS: TimingMinimums = { remindAfterMs: 60_000, escalateAfterMs: 60_000, checkEveryMs: 1000 };
/** For tests and demos on a worker whose operator set CUO_ALLOW_SHORT_TIMINGS=1: no loop faster than a second. */
export const SHORT_TIMING_MINIMUMS: TimingMinimums = { remindAfterMs: 1000, escalateAfterMs: 1000, checkEveryMs: 100 };

const MAX_PERIOD_MS = 366 * 86_400_000;

function formatMs(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function refineProject(minimums: TimingMinimums) {
  return (project: z.infer<typeof projectObjectSchema>, ctx: z.RefinementCtx): void => {
    const period = (path: string[], value: string, minimumMs: number, why: string): number | undefined => {
      // zod runs this refinement even when a field already failed its own check; that problem is reported already.
      if (typeof value !== 'string' || !DURATION_PATTERN.test(value)) return undefined;
      const ms = durationToMs(value);
      if (ms < minimumMs) {
        ctx.addIssue({ code: 'custom', path, message: `must be at least ${formatMs(minimumMs)} (${why}); got "${value}"` });
        return undefined;
      }
      if (ms > MAX_PERIOD_MS) {
        ctx.addIssue({ code: 'custom', path, message: `must be at most 366d; got "${value}"` });
        return undefined;
      }
      return ms;
    };
    const remind = period(
      ['timing', 'remindAfter'],
      project.timing.remindAfter,
      minimums.remindAfterMs,
      'the owner is reminded again every such period',
    );
    const escalate = period(
      ['timing', 'escalateAfter'],
      project.timing.escalateAfter,
      minimums.escalateAfterMs,
      'the CSE is told again every such period',
    );
    if (remind !== undefined && escalate !== undefined && escalate < remind) {
      ctx.addIssue({
        code: 'custom',
        path: ['timing', 'escalateAfter'],
        message: `must not be shorter than timing.remindAfter (${project.timing.remindAfter}): the owner is reminded before the CSE is told`,
      });
    }
    const check = period(
      ['postLaunch', 'checkEvery'],
      project.postLaunch.checkEvery,
      minimums.checkEveryMs,
      'every path of Production is requested each time',
    );
    const monitor = period(['postLaunch', 'monitorFor'], project.postLaunch.monitorFor, minimums.checkEveryMs, 'the monitoring period');
    if (check !== undefined && monitor !== undefined && monitor < check) {
      ctx.addIssue({
        code: 'custom',
        path: ['postLaunch', 'monitorFor'],
        message: `must be at least postLaunch.checkEvery (${project.postLaunch.checkEvery}), so one check runs`,
      });
    }
    const current = parseCommerceVersion(project.currentVersion);
    const target = parseCommerceVersion(project.targetVersion);
    if (current && target && compareCommerceVersions(target, current) <= 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['targetVersion'],
        message: `must be newer than currentVersion ${project.currentVersion}`,
      });
    }
    const seen = new Map<string, string>();
    for (const role of ROLES) {
      project.participants[role].forEach((person, index) => {
        const earlier = seen.get(person.email);
        if (earlier) {
          ctx.addIssue({
            code: 'custom',
            path: ['participants', role, index, 'email'],
            message: `${person.email} is listed twice (already as ${earlier}); each person appears once`,
          });
        } else {
          seen.set(person.email, `${role}[${index}]`);
        }
      });
    }
    for (const [gate, count] of Object.entries(project.requiredApprovals ?? {})) {
      const owner = GATE_OWNERS.get(gate);
      if (!owner) {
        ctx.addIssue({
          code: 'custom',
          path: ['requiredApprovals', gate],
          message: `"${gate}" is not a task or CAB gate id; use one of ${[...GATE_OWNERS.keys()].join(', ')}`,
        });
      } else if (project.participants?.[owner]?.length && count > project.participants[owner].length) {
        // an empty role is reported by its own field
        ctx.addIssue({
          code: 'custom',
          path: ['requiredApprovals', gate],
          message:
            `asks for ${count} approvals but participants.${owner} lists ${project.participants[owner].length} (the ` +
            `owner role of ${gate}); the gate could never pass`,
        });
      }
    }
    const cabOwner = CAB_GATES[0] ? ownerOf(CAB_GATES[0].raciActivity) : 'managed-services';
    (project.cab?.members ?? []).forEach((email, index) => {
      if (!project.participants?.[cabOwner]?.some((p) => p.email === email)) {
        ctx.addIssue({
          code: 'custom',
          path: ['cab', 'members', index],
          message: `${email} is not a ${cabOwner} participant; the CAB gates are decided in that role, so list them under participants.${cabOwner}`,
        });
      }
    });
    if (project.timeline.start && project.timeline.launch && project.timeline.launch < project.timeline.start) {
      ctx.addIssue({ code: 'custom', path: ['timeline', 'launch'], message: 'must not be before timeline.start' });
    }
  };
}

/** Owner role of every gate `requiredApprovals` may name: the playbook's tasks and the CAB gates (RACI owner). */
const GATE_OWNERS: ReadonlyMap<string, Role> = new Map<string, Role>([
  ...PLAYBOOK_TASKS.map((t) => [t.id, t.owner] as [string, Role]),
  ...CAB_GATES.map((g) => [g.id, ownerOf(g.raciActivity)] as [string, Role]),
]);

export const projectInputSchema = projectObjectSchema.superRefine(refineProject(PRODUCTION_TIMING_MINIMUMS));
const shortTimingsProjectSchema = projectObjectSchema.superRefine(refineProject(SHORT_TIMING_MINIMUMS));

export type ProjectInput = z.infer<typeof projectInputSchema>;
/** What a project file may leave out (defaults fill it in). */
export type ProjectFile = z.input<typeof projectInputSchema>;

/**
 * Every problem, by field, in the order zod found them: what the CLI prints and the workflow refuses with.
 * `whole` labels a problem with the whole object (not an object, unknown fields).
 */
export function describeProblems(error: z.ZodError, whole = '(project file)'): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.map(String).join('.') : whole,
    message:
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove them or check their spelling`
        : issue.message,
  }));
}

export type ProjectValidation = { ok: true; project: ProjectInput } | { ok: false; problems: FieldProblem[] };

export interface ProjectValidationOptions {
  /** The worker's operator allows shorter timings (CUO_ALLOW_SHORT_TIMINGS=1: tests, demos). */
  shortTimings?: boolean;
}

export function validateProjectInput(raw: unknown, options: ProjectValidationOptions = {}): ProjectValidation {
  const parsed = (options.shortTimings ? shortTimingsProjectSchema : projectInputSchema).safeParse(raw);
  return parsed.success ? { ok: true, project: parsed.data } : { ok: false, problems: describeProblems(parsed.error) };
}

/**
 * The workflow's tunables (UpgradeTunables of workflows/workflow-input.ts), checked like the project file: a raw
 * start could set `productionNoticeHours: 0` (skipping Adobe's 48 weekday hours of notice) or
 * `activityStartToClose: "forever"`, which failed every workflow task (issue #12, finding 11). Below the production
 * minimums only on a worker whose operator set CUO_ALLOW_SHORT_TIMINGS=1 (tests, demos).
 */
export const ADOBE_PRODUCTION_NOTICE_HOURS = 48;

function tunablesSchemaFor(short: boolean) {
  const between = (minMs: number, maxMs: number) =>
    durationSchema.superRefine((value, ctx) => {
      if (!DURATION_PATTERN.test(value)) return; // reported by durationSchema already
      const ms = durationToMs(value);
      if (ms < minMs || ms > maxMs) {
        ctx.addIssue({ code: 'custom', message: `must be between ${formatMs(minMs)} and ${formatMs(maxMs)}; got "${value}"` });
      }
    });
  const noticeMin = short ? 0 : ADOBE_PRODUCTION_NOTICE_HOURS;
  return z
    .strictObject({
      activityMaximumAttempts: z.number().int().min(1).max(100).optional(),
      activityInitialInterval: between(short ? 10 : 1000, 3_600_000).optional(),
      activityMaximumInterval: between(short ? 10 : 1000, 86_400_000).optional(),
      activityStartToClose: between(short ? 1000 : 10_000, 86_400_000).optional(),
      productionNoticeHours: z
        .number()
        .int()
        .min(
          noticeMin,
          `must be at least ${noticeMin} (Adobe asks ${ADOBE_PRODUCTION_NOTICE_HOURS} weekday hours of notice for a ` +
            `Production change; shorter only on a worker with CUO_ALLOW_SHORT_TIMINGS=1)`,
        )
        .max(30 * 24)
        .optional(),
      // Below Temporal's per-run limits (2,000 updates, 10,000 signals); small values only for tests.
      continueAsNewAfterMessages: z
        .number()
        .int()
        .min(short ? 5 : 100)
        .max(MAX_MESSAGES_PER_RUN)
        .optional(),
    })
    .superRefine((t, ctx) => {
      const ok = (v: unknown): v is string => typeof v === 'string' && DURATION_PATTERN.test(v);
      if (
        ok(t.activityInitialInterval) &&
        ok(t.activityMaximumInterval) &&
        durationToMs(t.activityMaximumInterval) < durationToMs(t.activityInitialInterval)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['activityMaximumInterval'],
          message: `must not be shorter than activityInitialInterval (${t.activityInitialInterval})`,
        });
      }
    });
}

export const tunablesSchema = tunablesSchemaFor(false);
const shortTunablesSchema = tunablesSchemaFor(true);
export type ValidTunables = z.infer<typeof tunablesSchema>;

export type TunablesValidation = { ok: true; tunables: ValidTunables } | { ok: false; problems: FieldProblem[] };

/** Problems are named `tunables.<field>`; no tunables at all is valid (the workflow's defaults apply). */
export function validateTunables(raw: unknown, options: ProjectValidationOptions = {}): TunablesValidation {
  if (raw === undefined || raw === null) return { ok: true, tunables: {} };
  const parsed = (options.shortTimings ? shortTunablesSchema : tunablesSchema).safeParse(raw);
  if (parsed.success) return { ok: true, tunables: parsed.data };
  return {
    ok: false,
    problems: describeProblems(parsed.error, 'tunables').map((p) => (p.field === 'tunables' ? p : { ...p, field: `tunables.${p.field}` })),
  };
}
