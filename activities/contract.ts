/**
 * Shapes shared by activities and the workflow. Type-only for the workflow: it imports nothing else from
 * `activities/`, so no Node code reaches the workflow bundle.
 */
import type { ProjectInput, ProjectValidation } from '../workflows/project-input';
import type { Role } from '../workflows/roles';

/** A document the workflow refers to by id and hash; an approval names the artifact it approves. */
export interface ArtifactRef {
  id: string;
  sha256: string;
  name: string;
  mediaType: string;
  bytes: number;
}

/** What every automation activity is called with: the project (no secrets in it) and whose workflow asks. */
export interface ProjectContext {
  workflowId: string;
  project: ProjectInput;
}

/**
 * What projects started since the patch `lean-history` send instead: the ids and the sha256 of the
 * checked project file (sha256 of its JSON as the validateProject local activity answered it), ~200 bytes
 * instead of the whole file in every ActivityTaskScheduled event (issue #16). The worker resolves the file
 * from a copy it keeps by that hash, or, on a worker that never saw it, from the validateProject marker of
 * the activity's own run in history (activities/project-files.ts).
 */
export interface ProjectRefContext {
  workflowId: string;
  projectId: string;
  projectSha256: string;
}

/** What an activity receives: the full context (projects started before the patch) or the reference. */
export type ActivityContext = ProjectContext | ProjectRefContext;

export function isProjectRef(ctx: ActivityContext): ctx is ProjectRefContext {
  return !('project' in ctx) && typeof (ctx as ProjectRefContext).projectSha256 === 'string';
}

/** The project id of either shape: what stand-ins that never need the file use. */
export function projectIdOf(ctx: ActivityContext): string {
  return isProjectRef(ctx) ? ctx.projectId : ctx.project.projectId;
}

/** What an automation step returns to the workflow: small, with the document itself behind `artifact`. */
export interface AutomationResult {
  artifact: ArtifactRef;
  /** One line for the status table and the audit trail. */
  summary: string;
  /** Whether the automated check passed; an owner still decides, but sees a failing check at once. */
  passed?: boolean;
  /** A few figures worth showing without opening the artifact (counts, p95, commit sha). */
  facts?: Record<string, string | number | boolean>;
}

/**
 * What a step that takes rework (PlaybookStep.takesRework) is told when its task is redone after a rejection: the
 * reason, who rejected, the evidence rejected and the revision the reviewer attached, so the new round's evidence
 * says what changed instead of repeating the last one byte for byte.
 */
export interface ReworkNote {
  /** The round being drafted now (2 or more). */
  round: number;
  rejectedTask: string;
  reason: string;
  actor: string;
  at: string;
  /** The evidence of the rejected round (ids and sha256). */
  rejected?: { id: string; sha256: string }[];
  /** The attachment the rejection named: the reviewer's revision, identified by its sha256. */
  revision?: { id: string; name: string; sha256: string; url?: string };
}

export type EnvironmentName = 'staging' | 'production';

/** A change window instance the workflow chose (UTC ISO instants). */
export interface WindowRef {
  startIso: string;
  endIso: string;
}

export type NotificationKind = 'awaiting-decision' | 'reminder' | 'escalation' | 'blocked' | 'rejected' | 'cancelled' | 'completed';

/** What the workflow asks to be told to people; the activity composes the message and picks the channels. */
export interface NotificationRequest {
  kind: NotificationKind;
  /** Task or CAB gate id. */
  taskId?: string;
  taskTitle?: string;
  /** Roles whose participants receive it. */
  to: Role[];
  /** Roles expected to act (named in the message with the exact CLI command). */
  actors?: Role[];
  /** Why: the error of a blocked step, the reason of a rejection or cancellation. */
  reason?: string;
  /** Evidence to review: artifact ids. */
  evidence?: string[];
  /** Receivers deduplicate on this key (workflow id, task, kind, round, count): a retried send is not a second message. */
  idempotencyKey: string;
  since?: string;
  /** For a rejection: the task the project goes back to. */
  backTo?: string;
  /** The person who rejected or cancelled. */
  actor?: string;
  /** The gate's round the message is about (what an e-mail link binds to); absent from older workflows. */
  round?: number;
  /** For reminders and escalations: a decision, or (blocked) a retry or skip. */
  awaiting?: 'decision' | 'retry-or-skip';
}

export interface NotificationResult {
  delivered: string[];
  skipped: string[];
}

export interface AuditArchiveRequest {
  projectId: string;
  firstId: number;
  lastId: number;
  /** The entries, as the workflow's audit trail holds them (workflows/project-state.ts, AuditEntry). */
  entries: unknown[];
}

export interface FinalReport {
  projectId: string;
  outcome: 'completed' | 'cancelled';
  /** The report itself (projects started before the patch `lean-result-and-upserts`). */
  markdown?: string;
  /**
   * Newer projects: the activity renders the report from its run's `status` with these result options
   * (activities/final-report-markdown.ts), so the history does not keep the markdown.
   */
  render?: { assertionDigests?: boolean };
}

/**
 * The automation activities: each takes the project context (and maybe a request) and returns an AutomationResult.
 * The one list that the workflow's stand-ins (test stubs, bench no-ops) are built from, so a new activity cannot be
 * forgotten in one of them; `satisfies` fails to compile when a name is not an activity.
 */
export const AUTOMATION_ACTIVITIES = [
  'draftUpgradePlan',
  'determineInfrastructureChanges',
  'assessUpgradeComplexity',
  'scheduleConference',
  'requestInfrastructureChange',
  'migrateProductionDataToStaging',
  'prepareUpgradeBranch',
  'runPostUpgradeRunbook',
  'runPerformanceTest',
  'runSecurityChecks',
  'deployToProduction',
  'monitorProduction',
] as const satisfies readonly (keyof UpgradeActivities)[];
export type AutomationActivity = (typeof AUTOMATION_ACTIVITIES)[number];

/** One implementation per automation activity, made by `make` (for stand-ins that treat them all alike). */
export function eachAutomationActivity<T>(make: (name: AutomationActivity) => T): Record<AutomationActivity, T> {
  return Object.fromEntries(AUTOMATION_ACTIVITIES.map((name) => [name, make(name)])) as Record<AutomationActivity, T>;
}

/**
 * The activities as the workflow calls them and the worker registers them: the context comes in either shape.
 * `createActivities(deps)` resolves a reference before the implementations run (ProjectActivities).
 */
export type UpgradeActivities = UpgradeActivitiesOn<ActivityContext>;
/** The implementations behind the worker's resolution of the project file: always the full context. */
export type ProjectActivities = UpgradeActivitiesOn<ProjectContext>;

/**
 * The activities the workflow calls, over the context type `C`. `createActivities(deps)` (activities/index.ts) implements this interface;
 * workflow tests implement it with stubs. Every automation step returns an `AutomationResult` whose artifact is
 * the evidence the owner approves.
 */
export interface UpgradeActivitiesOn<C> {
  /**
   * Checks a project file and fills in its defaults; problems are answered, not thrown. Run as a local activity at
   * the start of every project, so the workflow bundle carries no schema library (activities/validate-project.ts).
   * With `tunables` it checks the workflow's tunables too (problems named `tunables.<field>`).
   */
  validateProject(projectFile: unknown, tunables?: unknown): Promise<ProjectValidation>;
  /** `rework`: the rejection of the plan's last round (playbook version 2 on), which the redraft answers. */
  draftUpgradePlan(ctx: C, request?: { rework?: ReworkNote }): Promise<AutomationResult>;
  determineInfrastructureChanges(ctx: C): Promise<AutomationResult>;
  assessUpgradeComplexity(ctx: C): Promise<AutomationResult>;
  scheduleConference(ctx: C, request: { event: 'infrastructure-upgrade' | 'launch'; window: WindowRef }): Promise<AutomationResult>;
  requestInfrastructureChange(ctx: C, request: { environment: EnvironmentName; window: WindowRef }): Promise<AutomationResult>;
  migrateProductionDataToStaging(ctx: C): Promise<AutomationResult>;
  prepareUpgradeBranch(ctx: C): Promise<AutomationResult>;
  runPostUpgradeRunbook(
    ctx: C,
    request: { environment: EnvironmentName; purpose: 'post-upgrade-checks' | 'uat-validation' | 'go-live' },
  ): Promise<AutomationResult>;
  runPerformanceTest(ctx: C): Promise<AutomationResult>;
  runSecurityChecks(ctx: C, request: { environment: EnvironmentName }): Promise<AutomationResult>;
  /**
   * `approvedCommit`: the commit the update-code-base approval named (ProjectState.approvedCommit); the launch
   * deploys exactly it and refuses when the upgrade branch has moved since. Optional for older workflows.
   */
  deployToProduction(ctx: C, request: { window: WindowRef; approvedCommit?: string }): Promise<AutomationResult>;
  monitorProduction(ctx: C): Promise<AutomationResult>;
  sendNotification(ctx: C, request: NotificationRequest): Promise<NotificationResult>;
  storeFinalReport(ctx: C, report: FinalReport): Promise<ArtifactRef>;
  /**
   * Stores audit entries the workflow moves out of its state before it continues as new, as one content-addressed
   * JSON artifact (`audit-<first>-<last>.json`); the next run carries its reference and hash.
   */
  archiveAuditTrail(ctx: C, archive: AuditArchiveRequest): Promise<ArtifactRef>;
}
