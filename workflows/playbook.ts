/**
 * The upgrade playbook as data: the seed's upgrade table ("Upgrade assistance" in
 * shared/reference/adobe-managed-services.md) turned into phases and tasks, each with its Owner, Contributors, the
 * automation that runs before the owner decides, and where a rejection sends the project back to.
 * Deterministic: imported by the workflow and by the CLI.
 */
import type { Role } from './roles';

export const PHASE_IDS = ['plan', 'infra-upgrade', 'code-update', 'post-upgrade-checks', 'uat', 'launch', 'post-launch'] as const;
export type PhaseId = (typeof PHASE_IDS)[number];

export const TASK_IDS = [
  'create-upgrade-plan',
  'determine-infrastructure-changes',
  'assess-upgrade-complexity',
  'upgrade-infrastructure-services',
  'update-code-base',
  'post-upgrade-checks',
  'performance-and-security-tests',
  'user-acceptance-testing',
  'launch-to-production',
  'post-launch-monitoring',
] as const;
export type TaskId = (typeof TASK_IDS)[number];

/**
 * Approval gates inside a task: production changes wait for the Change Approval Board, whose owner comes from the
 * engagement RACI ("Change Approval Board to approve production deployments": managed-services).
 */
export const CAB_GATE_IDS = ['cab-infrastructure-change', 'cab-production-deployment'] as const;
export type CabGateId = (typeof CAB_GATE_IDS)[number];
export type GateId = TaskId | CabGateId;

/**
 * The automation steps a task can run, by step name. A step is not an activity: `requestStagingInfrastructureChange`
 * and `requestProductionInfrastructureChange` are one activity called for two environments. workflows/automation.ts
 * says which activity each step calls, with which arguments.
 */
export const STEP_NAMES = [
  'draftUpgradePlan',
  'determineInfrastructureChanges',
  'assessUpgradeComplexity',
  'scheduleInfrastructureConference',
  'requestStagingInfrastructureChange',
  'migrateProductionDataToStaging',
  'requestProductionInfrastructureChange',
  'prepareUpgradeBranch',
  'runPostUpgradeRunbook',
  'runPerformanceTest',
  'runSecurityChecks',
  'validateStaging',
  'scheduleLaunchConference',
  'deployToProduction',
  'monitorProduction',
] as const;
export type StepName = (typeof STEP_NAMES)[number];

/**
 * One thing a task does before its owner decides, in order:
 * - `run`: an automation step; a step that still fails after its retries blocks the task until a person decides.
 *   `changeWindow: 'wait-before'` makes each attempt wait for the next change window (a missed one rolls to the
 *   next) and run inside it; `'then-wait'` waits, once the step succeeded, for the window the step asked for
 *   (`noticeHours: 'production'`: chosen with the project's production notice, Adobe's 48 weekday hours).
 *   `takesRework` (version 2 on): when the step is redone after a rejection, it is given the rejection's reason and
 *   any revision the reviewer attached, so the new round's evidence says what changed (issue #15).
 * - `cab`: waits for the Change Approval Board gate; a rejection redoes the task from its start.
 */
export type PlaybookStep =
  { run: StepName; changeWindow?: 'wait-before' | 'then-wait'; noticeHours?: 'production'; takesRework?: boolean } | { cab: CabGateId };

export function isCabStep(step: PlaybookStep): step is { cab: CabGateId } {
  return 'cab' in step;
}

/** The name a step shows under (its step name, or its CAB gate id). */
export function stepLabel(step: PlaybookStep): string {
  return isCabStep(step) ? step.cab : step.run;
}

export interface PlaybookPhase {
  id: PhaseId;
  title: string;
  /** The seed's "Step" column. */
  sourceStep: string;
}

export interface PlaybookTask {
  id: TaskId;
  phase: PhaseId;
  title: string;
  /** The seed's "Task" cell, verbatim (without the CSE note). */
  sourceTask: string;
  owner: Role;
  contributors: readonly Role[];
  /** What the CSE does in this task, from the seed's Managed Services cell. */
  cseNote?: string;
  /** What runs before the owner decides, in order (see PlaybookStep). */
  steps: readonly PlaybookStep[];
  /** Where a rejection of this task sends the project back to; the tasks from there on are redone. */
  reworkFrom: TaskId;
  /**
   * Whether the task changes Production. A production task must wait for a CAB gate before any step that touches
   * Production (a step with a change window), and only production tasks may have either: `checkPlaybook` holds
   * every playbook version to that, and the loop applies the steps as written.
   */
  production: boolean;
  /** People may attach evidence of their own to the task (version 2 on): see `ApprovalRules` below. */
  approvalRules?: ApprovalRules;
}

/**
 * The approval rules a gate carries beyond its owner role (version 2 on; version 1 has none, so running projects keep
 * the rules they started with):
 * - `attachments`: owners and contributors attach evidence of their own (a file's or a URL's sha256), shown beside
 *   the automation's artifacts; an approval may name it by hash, and a rejection may name one as the revision to
 *   redo from.
 * - `separationOfDuties`: the approver is not a person who requested or produced what the gate approves (GitHub's
 *   "prevent self-review", GitLab's no self-approval, Harness's disallowPipelineExecutor). Who that is, for this
 *   round: whoever approved one of the `requestedBy` gates, resolved (retried or skipped) a blocked step of the
 *   gate's task, or attached evidence to that task.
 */
export interface ApprovalRules {
  attachments?: boolean;
  separationOfDuties?: { requestedBy: readonly TaskId[] };
}

const PHASES_V1: readonly PlaybookPhase[] = [
  { id: 'plan', title: 'Plan upgrade', sourceStep: 'Plan upgrade' },
  { id: 'infra-upgrade', title: 'Upgrade infrastructure', sourceStep: 'Execute upgrade' },
  { id: 'code-update', title: 'Update code', sourceStep: 'Execute upgrade' },
  { id: 'post-upgrade-checks', title: 'Post-upgrade checks', sourceStep: 'Execute upgrade' },
  { id: 'uat', title: 'UAT', sourceStep: 'UAT and Launch' },
  { id: 'launch', title: 'Launch', sourceStep: 'UAT and Launch' },
  { id: 'post-launch', title: 'Post-launch', sourceStep: 'Post-Launch' },
];

const TASKS_V1: readonly PlaybookTask[] = [
  {
    id: 'create-upgrade-plan',
    phase: 'plan',
    title: 'Create upgrade project plan',
    sourceTask: 'Create upgrade project plan',
    owner: 'customer',
    contributors: ['partner', 'managed-services'],
    cseNote: 'CSE provides upgrade template and upgrade plan samples; offers advice and best practices tips.',
    steps: [{ run: 'draftUpgradePlan' }],
    reworkFrom: 'create-upgrade-plan',
    production: false,
  },
  {
    id: 'determine-infrastructure-changes',
    phase: 'plan',
    title: 'Determine needed infrastructure changes',
    sourceTask: 'Determine needed infrastructure changes',
    owner: 'managed-services',
    contributors: ['partner'],
    cseNote: 'CSE reviews staging and production infrastructure to ensure proper sizing.',
    steps: [{ run: 'determineInfrastructureChanges' }],
    reworkFrom: 'determine-infrastructure-changes',
    production: false,
  },
  {
    id: 'assess-upgrade-complexity',
    phase: 'plan',
    title: 'Assess upgrade complexity',
    sourceTask: 'Assess upgrade complexity — Identify and document packages, issues & fixes, and 3rd party & custom modules',
    owner: 'partner',
    contributors: ['customer', 'managed-services'],
    cseNote: 'CSE provides Upgrade Compatibility Tool reports and recommendations.',
    steps: [{ run: 'assessUpgradeComplexity' }],
    reworkFrom: 'assess-upgrade-complexity',
    production: false,
  },
  {
    id: 'upgrade-infrastructure-services',
    phase: 'infra-upgrade',
    title: 'Upgrade infrastructure services (Staging and Production)',
    sourceTask: 'Upgrade infrastructure services [MariaDB, Redis, Open Search, and Rabbit MQ] (Staging and Production)',
    owner: 'managed-services',
    contributors: [],
    cseNote:
      'CSE coordinates infrastructure service upgrades. CSE schedules conference meeting event for upgrades. ' +
      'CSE assists with data migration from Production to Staging.',
    steps: [
      { run: 'scheduleInfrastructureConference' },
      { run: 'requestStagingInfrastructureChange' },
      { run: 'migrateProductionDataToStaging' },
      { cab: 'cab-infrastructure-change' },
      { run: 'requestProductionInfrastructureChange', changeWindow: 'then-wait', noticeHours: 'production' },
    ],
    reworkFrom: 'upgrade-infrastructure-services',
    production: true,
  },
  {
    id: 'update-code-base',
    phase: 'code-update',
    title: 'Update Commerce code base and customizations',
    sourceTask: 'Update Commerce code base and customizations; code recompilation and code refactoring',
    owner: 'partner',
    contributors: ['customer'],
    steps: [{ run: 'prepareUpgradeBranch' }],
    reworkFrom: 'update-code-base',
    production: false,
  },
  {
    id: 'post-upgrade-checks',
    phase: 'post-upgrade-checks',
    title: 'Perform post-upgrade checks and troubleshooting',
    sourceTask: 'Perform post-upgrade checks and troubleshooting',
    owner: 'partner',
    contributors: ['managed-services'],
    cseNote: 'CSE executes post-upgrade runbook to detect and remediate issues related to upgrade.',
    steps: [{ run: 'runPostUpgradeRunbook' }],
    reworkFrom: 'update-code-base',
    production: false,
  },
  {
    id: 'performance-and-security-tests',
    phase: 'uat',
    title: 'Run performance and security tests',
    sourceTask: 'Run performance and security tests',
    owner: 'partner',
    contributors: ['customer', 'managed-services'],
    cseNote:
      'CSE assists with load testing by monitoring performance of application and infrastructure. ' +
      'CSE assists with configuring Commerce Security Scan Tool.',
    steps: [{ run: 'runPerformanceTest' }, { run: 'runSecurityChecks' }],
    reworkFrom: 'update-code-base',
    production: false,
  },
  {
    id: 'user-acceptance-testing',
    phase: 'uat',
    title: 'User Acceptance Testing on Staging',
    sourceTask: 'User Acceptance Testing on Staging',
    owner: 'customer',
    contributors: ['partner', 'managed-services'],
    cseNote: 'CSE validates the application and infrastructure are performing correctly post upgrade.',
    steps: [{ run: 'validateStaging' }],
    reworkFrom: 'update-code-base',
    production: false,
  },
  {
    id: 'launch-to-production',
    phase: 'launch',
    title: 'Launch to Production',
    sourceTask: 'Launch to Production',
    owner: 'partner',
    contributors: ['customer', 'managed-services'],
    cseNote: 'CSE schedules launch conference meeting event.',
    steps: [
      { run: 'scheduleLaunchConference' },
      { cab: 'cab-production-deployment' },
      { run: 'deployToProduction', changeWindow: 'wait-before' },
    ],
    reworkFrom: 'update-code-base',
    production: true,
  },
  {
    id: 'post-launch-monitoring',
    phase: 'post-launch',
    title: 'Post-launch monitoring',
    sourceTask: 'Post-Launch',
    owner: 'managed-services',
    contributors: ['partner', 'customer'],
    cseNote: 'CSE monitors performance of application and infrastructure.',
    steps: [{ run: 'monitorProduction' }],
    reworkFrom: 'post-launch-monitoring',
    production: false,
  },
];

export interface CabGate {
  id: CabGateId;
  taskId: TaskId;
  title: string;
  /** Engagement RACI row whose Owner decides this gate (see workflows/raci.ts). */
  raciActivity: string;
  approvalRules?: ApprovalRules;
}

const CAB_GATES_V1: readonly CabGate[] = [
  {
    id: 'cab-infrastructure-change',
    taskId: 'upgrade-infrastructure-services',
    title: 'CAB approval of the Production infrastructure change',
    raciActivity: 'Change Approval Board to approve production deployments',
  },
  {
    id: 'cab-production-deployment',
    taskId: 'launch-to-production',
    title: 'CAB approval of the Production code deployment',
    raciActivity: 'Change Approval Board to approve production deployments',
  },
];

/**
 * One version of the playbook. A project runs the version it started with (`playbookVersion` in its input, absent
 * meaning 1): the loop and the project's state read the playbook they are given, never a module constant, so a
 * change for new projects leaves running and finished ones replaying. Never edit a published version; add one.
 */
export interface Playbook {
  version: number;
  phases: readonly PlaybookPhase[];
  tasks: readonly PlaybookTask[];
  cabGates: readonly CabGate[];
}

/**
 * Version 2 (issue #15): the tasks and gates of version 1, with the approval rules a CAB expects. Every gate takes
 * evidence people attach; the CAB gates keep the person who requested or produced the change from approving it
 * (the infrastructure change is requested by whoever approved the infrastructure changes it carries out); a
 * rejected plan is redrafted with the reviewer's notes or from the revision they attached.
 */
const ATTACHMENTS: ApprovalRules = { attachments: true };
const TASKS_V2: readonly PlaybookTask[] = TASKS_V1.map((task) => ({
  ...task,
  approvalRules: ATTACHMENTS,
  steps: task.steps.map((step) => (!isCabStep(step) && step.run === 'draftUpgradePlan' ? { ...step, takesRework: true } : step)),
}));
const CAB_REQUESTED_BY: Record<CabGateId, readonly TaskId[]> = {
  'cab-infrastructure-change': ['determine-infrastructure-changes'],
  'cab-production-deployment': [],
};
const CAB_GATES_V2: readonly CabGate[] = CAB_GATES_V1.map((gate) => ({
  ...gate,
  approvalRules: { attachments: true, separationOfDuties: { requestedBy: CAB_REQUESTED_BY[gate.id] } },
}));

export const PLAYBOOKS: readonly Playbook[] = [
  { version: 1, phases: PHASES_V1, tasks: TASKS_V1, cabGates: CAB_GATES_V1 },
  { version: 2, phases: PHASES_V1, tasks: TASKS_V2, cabGates: CAB_GATES_V2 },
];

/** The version `cuo start` gives new projects. */
export const CURRENT_PLAYBOOK_VERSION = 2;

export function playbookOf(version: number | undefined): Playbook | undefined {
  return PLAYBOOKS.find((p) => p.version === (version ?? 1));
}

const CURRENT_PLAYBOOK = playbookOf(CURRENT_PLAYBOOK_VERSION)!;
/** The current version's phases, tasks and CAB gates: what new projects run, the CLI lists and the plan describes. */
export const PLAYBOOK_PHASES = CURRENT_PLAYBOOK.phases;
export const PLAYBOOK_TASKS = CURRENT_PLAYBOOK.tasks;
export const CAB_GATES = CURRENT_PLAYBOOK.cabGates;

/**
 * What makes a playbook runnable, as problems (empty: fine): known phases, unique task ids, rework that goes back
 * (never forward), CAB gates used by exactly the task they belong to, and production meaning what it says — a
 * production task waits for CAB before its first step with a change window; no other task has either.
 */
export function checkPlaybook(playbook: Playbook): string[] {
  const problems: string[] = [];
  const ids = playbook.tasks.map((t) => t.id);
  if (new Set(ids).size !== ids.length) problems.push(`task ids repeat: ${ids.join(', ')}`);
  playbook.tasks.forEach((task, index) => {
    const where = `v${playbook.version} ${task.id}`;
    if (!playbook.phases.some((p) => p.id === task.phase)) problems.push(`${where}: unknown phase ${task.phase}`);
    const back = ids.indexOf(task.reworkFrom);
    if (back < 0 || back > index) problems.push(`${where}: reworkFrom ${task.reworkFrom} is not this task or an earlier one`);
    const firstCab = task.steps.findIndex(isCabStep);
    const firstWindow = task.steps.findIndex((s) => !isCabStep(s) && s.changeWindow !== undefined);
    for (const step of task.steps.filter(isCabStep)) {
      if (!playbook.cabGates.some((g) => g.id === step.cab && g.taskId === task.id))
        problems.push(`${where}: CAB gate ${step.cab} is not one of this task's`);
    }
    if (task.production && (firstCab < 0 || firstWindow < 0 || firstCab > firstWindow)) {
      problems.push(`${where}: a production task waits for a CAB gate before its first step with a change window`);
    }
    if (!task.production && (firstCab >= 0 || firstWindow >= 0))
      problems.push(`${where}: only production tasks have CAB gates or change windows`);
  });
  for (const gate of playbook.cabGates) {
    for (const id of gate.approvalRules?.separationOfDuties?.requestedBy ?? []) {
      if (!ids.includes(id) || ids.indexOf(id) > ids.indexOf(gate.taskId))
        problems.push(`v${playbook.version} ${gate.id}: requestedBy ${id} is not its task or an earlier one`);
    }
    const users = playbook.tasks.filter((t) => t.steps.some((s) => isCabStep(s) && s.cab === gate.id));
    if (users.length !== 1 || users[0]!.id !== gate.taskId)
      problems.push(
        `v${playbook.version} ${gate.id}: used by ${users.map((t) => t.id).join(', ') || 'no task'}, belongs to ${gate.taskId}`,
      );
  }
  return problems;
}

/** The approval rules of a gate (task or CAB gate) in a playbook version; none for an unknown gate. */
export function approvalRulesOf(playbook: Playbook, id: string): ApprovalRules {
  return playbook.tasks.find((t) => t.id === id)?.approvalRules ?? playbook.cabGates.find((g) => g.id === id)?.approvalRules ?? {};
}

export function isTaskId(value: string): value is TaskId {
  return (TASK_IDS as readonly string[]).includes(value);
}

export function isCabGateId(value: string): value is CabGateId {
  return (CAB_GATE_IDS as readonly string[]).includes(value);
}

export function taskById(id: TaskId, playbook: Playbook = CURRENT_PLAYBOOK): PlaybookTask {
  const task = playbook.tasks.find((t) => t.id === id);
  if (!task) throw new Error(`unknown playbook task ${id}`);
  return task;
}

export function phaseOf(id: TaskId): PlaybookPhase {
  const phase = PLAYBOOK_PHASES.find((p) => p.id === taskById(id).phase);
  if (!phase) throw new Error(`task ${id} names an unknown phase`);
  return phase;
}
