/**
 * The plan `start --dry-run` shows: the playbook's phases and tasks for this project, with the owner role and its
 * named people, contributors, automation, CAB gates and the change windows production work waits for.
 */
import { migrationCommands } from '../../activities/remote/data-migration';
import { DB_STATUS_COMMAND } from '../../activities/remote/db-status';
import { CAB_GATES, PLAYBOOK_PHASES, PLAYBOOK_TASKS, stepLabel, taskById, type CabGate } from '../../workflows/playbook';
import type { ChangeWindow, Environment, ProjectInput } from '../../workflows/project-input';
import { cabOwner } from '../../workflows/contract';
import type { Role } from '../../workflows/roles';
import type { Style } from '../io';

export interface PlanPerson {
  role: Role;
  name: string;
  email: string;
}

export interface PlanGate {
  id: string;
  title: string;
  owner: Role;
  deciders: PlanPerson[];
  requiredApprovals: number;
  /** Separation of duties (CAB gates): who may not approve it, in words. */
  notBy?: string;
}

export interface PlanTask extends PlanGate {
  phase: string;
  contributors: PlanPerson[];
  /** Step names and CAB gate ids, in order. */
  automation: string[];
  production: boolean;
  cabGates: PlanGate[];
  reworkFrom: string;
}

export interface ProjectPlan {
  projectId: string;
  customer: string;
  currentVersion: string;
  targetVersion: string;
  phases: { id: string; title: string; tasks: PlanTask[] }[];
  changeWindows: ChangeWindow[];
  timing: ProjectInput['timing'];
  postLaunch: ProjectInput['postLaunch'];
  /** Every command the project runs and where: what the CSE reviews before starting it (issue #12, finding 1). */
  commands: PlannedCommand[];
  /** Every host the worker reaches for the project (its CUO_ALLOWED_HOSTS must list them). */
  reaches: { what: string; url: string }[];
  /** What would keep the project from passing a gate (a CAB that nobody may approve); `start` prints them. */
  warnings: string[];
}

export interface PlannedCommand {
  task: string;
  environment: 'staging' | 'production';
  /** `ssh user@host:port`, `local shell on the worker (cwd …)`, or `not run (no remote)`. */
  target: string;
  command: string;
}

function targetText(environment: Environment): string {
  const remote = environment.remote;
  if (!remote) return 'not run (no remote configured)';
  if (remote.type === 'local')
    return `LOCAL SHELL ON THE WORKER (cwd ${remote.cwd ?? '.'}; refused unless the worker sets CUO_ALLOW_LOCAL_COMMANDS=1)`;
  return `ssh ${remote.user}@${remote.host}:${remote.port ?? 22}${remote.identity ? ` (identity ${remote.identity})` : ''}`;
}

/** The commands of the data migration and of each runbook, as the activities build them. */
export function plannedCommands(project: ProjectInput): PlannedCommand[] {
  const { staging } = project.environments;
  const on = (task: string, environment: 'staging' | 'production', command: string): PlannedCommand => ({
    task,
    environment,
    target: targetText(project.environments[environment]),
    command,
  });
  const migration = migrationCommands({
    runId: `upgrade-${project.projectId}`,
    stagingBaseUrl: staging.url,
    ...(staging.mysqlCommand ? { mysqlCommand: staging.mysqlCommand } : {}),
  });
  const runbook = (task: string, environment: 'staging' | 'production') =>
    [DB_STATUS_COMMAND, ...project.runbookCommands].map((c) => on(task, environment, c));
  const infra = 'upgrade-infrastructure-services';
  return [
    on(infra, 'production', migration.dump),
    on(infra, 'production', migration.findDump),
    on(infra, 'production', 'cat <the dump file>   (streamed to staging through the worker)'),
    on(infra, 'staging', 'mkdir -p <dump folder> && cat > <the dump file>; sha256sum <the dump file>'),
    on(infra, 'staging', migration.import('<the dump file>')),
    on(infra, 'staging', migration.storeConfig),
    on(infra, 'staging', migration.cacheFlush),
    on(infra, 'production', migration.cleanup),
    on(infra, 'staging', migration.cleanup),
    ...runbook('post-upgrade-checks', 'staging'),
    ...runbook('user-acceptance-testing', 'staging'),
    ...runbook('launch-to-production', 'production'),
  ];
}

function people(project: ProjectInput, role: Role): PlanPerson[] {
  return project.participants[role].map((p) => ({ role, name: p.name, email: p.email }));
}

/** The people who decide a CAB gate: the CAB members the project file names, or else its owner role's participants. */
function cabDeciders(project: ProjectInput, gate: CabGate): PlanPerson[] {
  const all = people(project, cabOwner(gate));
  const members = project.cab?.members;
  return members?.length ? all.filter((p) => members.includes(p.email)) : all;
}

function notByText(gate: CabGate): string | undefined {
  const rule = gate.approvalRules?.separationOfDuties;
  if (!rule) return undefined;
  const approvedBy = rule.requestedBy.length ? `approved ${rule.requestedBy.join(' or ')}, ` : '';
  return `not by whoever ${approvedBy}retried or skipped a blocked step of ${gate.taskId} or attached evidence to it in the round`;
}

/**
 * A CAB gate that nobody may approve: its deciders are all needed to approve what it approves (the infrastructure
 * changes), so separation of duties would refuse each of them. Possible only when the deciders and the owners of
 * those tasks together are enough people for both sets of approvals.
 */
export function separationWarnings(project: ProjectInput): string[] {
  const approvals = (id: string) => project.requiredApprovals[id] ?? 1;
  const warnings: string[] = [];
  for (const gate of CAB_GATES) {
    const rule = gate.approvalRules?.separationOfDuties;
    if (!rule) continue;
    const deciders = cabDeciders(project, gate).map((p) => p.email);
    for (const id of rule.requestedBy) {
      const owners = people(project, taskById(id).owner).map((p) => p.email);
      const pool = new Set([...deciders, ...owners]);
      if (deciders.length < approvals(gate.id) || pool.size < approvals(gate.id) + approvals(id)) {
        warnings.push(
          `${gate.id} can never be approved: its deciders (${deciders.join(', ') || 'none'}) also approve ${id}, and ` +
            `whoever approves ${id} may not approve ${gate.id} (separation of duties); ` +
            `add a ${cabOwner(gate)} participant who takes no part in the change and name them in cab.members`,
        );
      }
    }
  }
  return warnings;
}

export function buildPlan(project: ProjectInput): ProjectPlan {
  const approvals = (id: string) => project.requiredApprovals[id] ?? 1;
  return {
    projectId: project.projectId,
    customer: project.customer,
    currentVersion: project.currentVersion,
    targetVersion: project.targetVersion,
    phases: PLAYBOOK_PHASES.map((phase) => ({
      id: phase.id,
      title: phase.title,
      tasks: PLAYBOOK_TASKS.filter((t) => t.phase === phase.id).map((task) => ({
        id: task.id,
        title: task.title,
        phase: task.phase,
        owner: task.owner,
        deciders: people(project, task.owner),
        requiredApprovals: approvals(task.id),
        contributors: task.contributors.flatMap((role) => people(project, role)),
        automation: task.steps.map(stepLabel),
        production: task.production,
        reworkFrom: task.reworkFrom,
        cabGates: CAB_GATES.filter((g) => g.taskId === task.id).map((g) => ({
          id: g.id,
          title: g.title,
          owner: cabOwner(g),
          deciders: cabDeciders(project, g),
          requiredApprovals: approvals(g.id),
          ...(notByText(g) ? { notBy: notByText(g) } : {}),
        })),
      })),
    })),
    changeWindows: project.changeWindows,
    timing: project.timing,
    postLaunch: project.postLaunch,
    commands: plannedCommands(project),
    reaches: [
      { what: 'repository', url: project.repository.url },
      { what: 'staging storefront', url: project.environments.staging.url },
      { what: 'production storefront', url: project.environments.production.url },
    ],
    warnings: separationWarnings(project),
  };
}

const DAY_NAMES: Record<string, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

export function describeWindow(window: ChangeWindow): string {
  return `${window.days.map((d) => DAY_NAMES[d] ?? d).join('/')} ${window.startUtc} UTC for ${window.durationMinutes} min`;
}

const named = (list: PlanPerson[]) => list.map((p) => `${p.name} <${p.email}>`).join(', ');
/** Contributors grouped by role: "partner: Pat <pat@…>; managed-services: Sam <sam@…>". */
const byRole = (list: PlanPerson[]) =>
  [...new Set(list.map((p) => p.role))].map((role) => `${role}: ${named(list.filter((p) => p.role === role))}`).join('; ');

export function renderPlan(plan: ProjectPlan, style: Style): string {
  const { colors } = style;
  const lines = [`Plan for ${colors.bold(plan.projectId)} — ${plan.customer}: ${plan.currentVersion} → ${plan.targetVersion}`];
  let n = 0;
  for (const phase of plan.phases) {
    lines.push('', colors.bold(`Phase ${phase.id} — ${phase.title}`));
    for (const task of phase.tasks) {
      n += 1;
      lines.push(`  ${n}. ${task.id}: ${task.title}`);
      const needs = task.requiredApprovals > 1 ? ` (${task.requiredApprovals} approvals)` : '';
      lines.push(`     owner ${task.owner}${needs}: ${named(task.deciders)}`);
      if (task.contributors.length) lines.push(`     contributors ${byRole(task.contributors)}`);
      lines.push(`     automation: ${task.automation.join(' → ')}`);
      for (const cab of task.cabGates) {
        const cabNeeds = cab.requiredApprovals > 1 ? ` (${cab.requiredApprovals} approvals)` : '';
        lines.push(`     CAB gate ${cab.id}: ${cab.title}; decided by ${cab.owner}${cabNeeds}: ${named(cab.deciders)}`);
        if (cab.notBy) lines.push(`       separation of duties: ${cab.notBy}`);
      }
      if (task.production) lines.push(`     production: waits for CAB approval and a change window`);
      if (task.reworkFrom !== task.id) lines.push(`     a rejection sends the project back to ${task.reworkFrom}`);
    }
  }
  for (const warning of plan.warnings) lines.push('', colors.red(`warning: ${warning}`));
  lines.push('', `Change windows: ${plan.changeWindows.map(describeWindow).join('; ')}`);
  lines.push(
    `Reminders after ${plan.timing.remindAfter}, escalation to the CSE after ${plan.timing.escalateAfter}; no step is approved by a timer.`,
  );
  lines.push(`Post-launch monitoring for ${plan.postLaunch.monitorFor}, a check every ${plan.postLaunch.checkEvery}.`);
  lines.push('', colors.bold('The worker reaches'));
  for (const r of plan.reaches) lines.push(`  ${r.what}: ${r.url}`);
  lines.push('', colors.bold(`Commands the project runs (${plan.commands.length})`));
  for (const c of plan.commands) lines.push(`  [${c.task}] ${c.environment} → ${c.target}`, `      ${c.command}`);
  return lines.join('\n');
}
