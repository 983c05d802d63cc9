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
import type { FieldProblem } from './field-problems';
import { ROLES } from './roles';

export type { FieldProblem } from './field-problems';

export const PROJECT_INPUT_VERSION = 1 as const;

/** Durations as Temporal understands them (`ms` syntax): `90s`, `15m`, `48h`, `2d`, `1w`. */
export const DURATION_PATTERN = /^\d+(\.\d+)?(ms|s|m|h|d|w)$/;
export const durationSchema = z
  .string()
  .regex(DURATION_PATTERN, 'must be a duration such as "30s", "15m", "48h", "2d" or "1w"');

export const commerceVersionSchema = z
  .string()
  .regex(COMMERCE_VERSION_PATTERN, 'must be an Adobe Commerce 2.4 version such as "2.4.7" or "2.4.7-p3"');

export const participantSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(120),
  email: z.string().trim().toLowerCase().email('must be an e-mail address'),
});
export type Participant = z.infer<typeof participantSchema>;

const participantList = z.array(participantSchema).min(1, 'needs at least one participant of this role');

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
export const changeWindowSchema = z
  .strictObject({
    days: z.array(z.enum(WEEKDAYS)).min(1, 'name at least one weekday (mon..sun)'),
    startUtc: clockTime,
    durationMinutes: z.number().int().min(15).max(24 * 60),
  });
export type ChangeWindow = z.infer<typeof changeWindowSchema>;

const sshTargetSchema = z.strictObject({
  host: z.string().min(1),
  user: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(22),
  /** Name of an SSH identity in the worker's configuration (never the key itself). */
  identity: z.string().min(1).optional(),
});

export const environmentSchema = z.strictObject({
  /** `pro` for Pro Staging/Production (service changes by Support ticket), `integration` for Integration. */
  kind: z.enum(['pro', 'integration']).default('pro'),
  /** Base URL of the storefront, e.g. https://mcstaging.example.com */
  url: z.string().url('must be an absolute URL such as https://staging.example.com'),
  /** Git branch whose push deploys this environment. */
  branch: z.string().min(1),
  /** Admin path checked by the runbook and the security checks. */
  adminPath: z.string().regex(/^\/[A-Za-z0-9_\-/]*$/, 'must be a path starting with "/"').default('/admin'),
  /**
   * The MySQL client that imports a dump on this environment (reads SQL on stdin); default `mysql`, which takes its
   * credentials from the environment's own option files.
   */
  mysqlCommand: z.string().min(1).max(300).optional(),
  /** How remote commands reach the environment: `local` runs them in a shell on the worker (tests, demo). */
  remote: z.union([z.strictObject({ type: z.literal('local'), cwd: z.string().optional() }), z.strictObject({ type: z.literal('ssh'), ...sshTargetSchema.shape })]).optional(),
});
export type Environment = z.infer<typeof environmentSchema>;

export const performanceSchema = z.strictObject({
  paths: z.array(z.string().regex(/^\//, 'must be a path starting with "/"')).min(1).default(['/']),
  durationSeconds: z.number().int().min(1).max(3600).default(10),
  connections: z.number().int().min(1).max(500).default(10),
  maxRequests: z.number().int().min(1).max(10_000_000).default(5000),
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

export const projectInputSchema = z
  .strictObject({
    version: z.literal(PROJECT_INPUT_VERSION, { error: 'must be 1 (the project file format version)' }),
    projectId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be lowercase letters, digits and dashes, e.g. "acme-2-4-8"'),
    customer: z.string().trim().min(1, 'must name the customer').max(120),
    participants: participantsSchema,
    currentVersion: commerceVersionSchema,
    targetVersion: commerceVersionSchema,
    repository: z.strictObject({
      /** A git URL or a local path the worker can read. */
      url: z.string().min(1, 'must be a git URL or a local path'),
      /** Branch the upgrade branch starts from. */
      baseBranch: z.string().min(1).default('master'),
      /** Path of an Upgrade Compatibility Tool report inside the repository (JSON or the CLI text output). */
      uctReportPath: z.string().min(1).optional(),
    }),
    environments: z.strictObject({ staging: environmentSchema, production: environmentSchema }),
    changeWindows: z.array(changeWindowSchema).min(1, 'needs at least one change window for production work'),
    timing: timingSchema.default({ remindAfter: '2d', escalateAfter: '5d' }),
    /** Per task: how many distinct people of the owner role must approve (default 1). */
    requiredApprovals: z.record(z.string(), z.number().int().min(1).max(10)).default({}),
    performance: performanceSchema.default({
      paths: ['/'],
      durationSeconds: 10,
      connections: 10,
      maxRequests: 5000,
      maxP95Ms: 1500,
      maxErrorRate: 0.01,
    }),
    /** Extra commands the post-upgrade runbook runs on Staging (besides `bin/magento setup:db:status`). */
    runbookCommands: z.array(z.string().min(1).max(500)).max(20).default([]),
    postLaunch: postLaunchSchema.default({ monitorFor: '7d', checkEvery: '1h' }),
    notifications: z
      .strictObject({ email: z.boolean().default(true), webhook: z.boolean().default(true) })
      .default({ email: true, webhook: true }),
    /** Planned dates, used by the plan's timeline; free text notes are kept out of history. */
    timeline: z
      // A plain pattern: zod's ISO date check does not survive the workflow bundle (it refused valid dates there).
      .strictObject({ start: isoDate.optional(), launch: isoDate.optional() })
      .default({}),
  })
  .superRefine((project, ctx) => {
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
    if (project.timeline.start && project.timeline.launch && project.timeline.launch < project.timeline.start) {
      ctx.addIssue({ code: 'custom', path: ['timeline', 'launch'], message: 'must not be before timeline.start' });
    }
  });

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

export function validateProjectInput(raw: unknown): ProjectValidation {
  const parsed = projectInputSchema.safeParse(raw);
  return parsed.success ? { ok: true, project: parsed.data } : { ok: false, problems: describeProblems(parsed.error) };
}

/** Workflow id helper of the public contract: one upgrade project, one workflow. */
export function workflowIdFor(projectId: string): string {
  return `upgrade-${projectId}`;
}
