/**
 * The upgrade playbook as data: the seed's upgrade table ("Upgrade assistance" in
 * shared/reference/adobe-managed-services.md) turned into phases and tasks, each with its Owner, Contributors, the
 * automation that runs before the owner decides, and where a rejection sends the project back to.
 * Deterministic: imported by the workflow and by the CLI.
 */
import type { Role } from './roles';

export const PHASE_IDS = [
  'plan',
  'infra-upgrade',
  'code-update',
  'post-upgrade-checks',
  'uat',
  'launch',
  'post-launch',
] as const;
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

/** Names of the automation activities (see activities/index.ts); the workflow runs them in this order. */
export type AutomationStep =
  | 'draftUpgradePlan'
  | 'determineInfrastructureChanges'
  | 'assessUpgradeComplexity'
  | 'scheduleInfrastructureConference'
  | 'requestStagingInfrastructureChange'
  | 'migrateProductionDataToStaging'
  | 'cab-infrastructure-change'
  | 'requestProductionInfrastructureChange'
  | 'prepareUpgradeBranch'
  | 'runPostUpgradeRunbook'
  | 'runPerformanceTest'
  | 'runSecurityChecks'
  | 'validateStaging'
  | 'scheduleLaunchConference'
  | 'cab-production-deployment'
  | 'deployToProduction'
  | 'monitorProduction';

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
  automation: readonly AutomationStep[];
  /** Where a rejection of this task sends the project back to; the tasks from there on are redone. */
  reworkFrom: TaskId;
  /** Whether the step changes Production, and so waits for CAB approval and a change window. */
  production: boolean;
}

export const PLAYBOOK_PHASES: readonly PlaybookPhase[] = [
  { id: 'plan', title: 'Plan upgrade', sourceStep: 'Plan upgrade' },
  { id: 'infra-upgrade', title: 'Upgrade infrastructure', sourceStep: 'Execute upgrade' },
  { id: 'code-update', title: 'Update code', sourceStep: 'Execute upgrade' },
  { id: 'post-upgrade-checks', title: 'Post-upgrade checks', sourceStep: 'Execute upgrade' },
  { id: 'uat', title: 'UAT', sourceStep: 'UAT and Launch' },
  { id: 'launch', title: 'Launch', sourceStep: 'UAT and Launch' },
  { id: 'post-launch', title: 'Post-launch', sourceStep: 'Post-Launch' },
];

export const PLAYBOOK_TASKS: readonly PlaybookTask[] = [
  {
    id: 'create-upgrade-plan',
    phase: 'plan',
    title: 'Create upgrade project plan',
    sourceTask: 'Create upgrade project plan',
    owner: 'customer',
    contributors: ['partner', 'managed-services'],
    cseNote: 'CSE provides upgrade template and upgrade plan samples; offers advice and best practices tips.',
    automation: ['draftUpgradePlan'],
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
    automation: ['determineInfrastructureChanges'],
    reworkFrom: 'determine-infrastructure-changes',
    production: false,
  },
  {
    id: 'assess-upgrade-complexity',
    phase: 'plan',
    title: 'Assess upgrade complexity',
    sourceTask:
      'Assess upgrade complexity — Identify and document packages, issues & fixes, and 3rd party & custom modules',
    owner: 'partner',
    contributors: ['customer', 'managed-services'],
    cseNote: 'CSE provides Upgrade Compatibility Tool reports and recommendations.',
    automation: ['assessUpgradeComplexity'],
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
    automation: [
      'scheduleInfrastructureConference',
      'requestStagingInfrastructureChange',
      'migrateProductionDataToStaging',
      'cab-infrastructure-change',
      'requestProductionInfrastructureChange',
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
    automation: ['prepareUpgradeBranch'],
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
    automation: ['runPostUpgradeRunbook'],
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
    automation: ['runPerformanceTest', 'runSecurityChecks'],
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
    automation: ['validateStaging'],
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
    automation: ['scheduleLaunchConference', 'cab-production-deployment', 'deployToProduction'],
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
    automation: ['monitorProduction'],
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
}

export const CAB_GATES: readonly CabGate[] = [
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

export function isTaskId(value: string): value is TaskId {
  return (TASK_IDS as readonly string[]).includes(value);
}

export function isCabGateId(value: string): value is CabGateId {
  return (CAB_GATE_IDS as readonly string[]).includes(value);
}

export function taskById(id: TaskId): PlaybookTask {
  const task = PLAYBOOK_TASKS.find((t) => t.id === id);
  if (!task) throw new Error(`unknown playbook task ${id}`);
  return task;
}

export function phaseOf(id: TaskId): PlaybookPhase {
  const phase = PLAYBOOK_PHASES.find((p) => p.id === taskById(id).phase);
  if (!phase) throw new Error(`task ${id} names an unknown phase`);
  return phase;
}
