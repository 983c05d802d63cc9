/**
 * The plan `start --dry-run` shows: the playbook's phases and tasks for this project, with the owner role and its
 * named people, contributors, automation, CAB gates and the change windows production work waits for.
 */
import { CAB_GATES, PLAYBOOK_PHASES, PLAYBOOK_TASKS, type AutomationStep } from '../../workflows/playbook';
import type { ChangeWindow, ProjectInput } from '../../workflows/project-input';
import { CAB_APPROVAL_ACTIVITY_ID, ownerOf } from '../../workflows/raci';
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
}

export interface PlanTask extends PlanGate {
  phase: string;
  contributors: PlanPerson[];
  automation: AutomationStep[];
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
}

function people(project: ProjectInput, role: Role): PlanPerson[] {
  return project.participants[role].map((p) => ({ role, name: p.name, email: p.email }));
}

export function buildPlan(project: ProjectInput): ProjectPlan {
  const approvals = (id: string) => project.requiredApprovals[id] ?? 1;
  const cabOwner = ownerOf(CAB_APPROVAL_ACTIVITY_ID);
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
        automation: [...task.automation],
        production: task.production,
        reworkFrom: task.reworkFrom,
        cabGates: CAB_GATES.filter((g) => g.taskId === task.id).map((g) => ({
          id: g.id,
          title: g.title,
          owner: cabOwner,
          deciders: people(project, cabOwner),
          requiredApprovals: approvals(g.id),
        })),
      })),
    })),
    changeWindows: project.changeWindows,
    timing: project.timing,
    postLaunch: project.postLaunch,
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
  const lines = [
    `Plan for ${colors.bold(plan.projectId)} — ${plan.customer}: ${plan.currentVersion} → ${plan.targetVersion}`,
  ];
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
      }
      if (task.production) lines.push(`     production: waits for CAB approval and a change window`);
      if (task.reworkFrom !== task.id) lines.push(`     a rejection sends the project back to ${task.reworkFrom}`);
    }
  }
  lines.push('', `Change windows: ${plan.changeWindows.map(describeWindow).join('; ')}`);
  lines.push(`Reminders after ${plan.timing.remindAfter}, escalation to the CSE after ${plan.timing.escalateAfter}; no step is approved by a timer.`);
  lines.push(`Post-launch monitoring for ${plan.postLaunch.monitorFor}, a check every ${plan.postLaunch.checkEvery}.`);
  return lines.join('\n');
}
