/**
 * The manager board, "My tasks" and `cuo pending` from visibility alone (issue #17): one List call over the
 * search attributes, no status query per project. `UpgradeAwaitingSince` (Datetime: when the oldest awaited step
 * began waiting; absent when nothing waits, and on projects started before the patch `board-search-attributes`)
 * gives the age; it is read, not filtered on, so projects without it are listed too (their age shown as unknown).
 */
import type { WorkflowExecutionInfo } from '@temporalio/client';
import {
  UpgradeAwaitingActors,
  UpgradeAwaitingRoles,
  UpgradeAwaitingSince,
  UpgradeAwaitingTasks,
  UpgradeCustomer,
  UpgradeOverdue,
  UpgradePhase,
  UpgradeProjectId,
  UpgradeReworkCount,
  UpgradeTargetVersion,
} from '../workflows/contract';
import type { Role } from '../workflows/roles';
import { pendingQuery, quote } from './queries';

export interface BoardFilters {
  customer?: string;
  phase?: string;
  role?: Role;
  taskQueue?: string;
}

/** Running projects awaiting someone, filtered by customer, phase and awaited role. */
export function boardQuery(filters: BoardFilters): string {
  const parts = [
    pendingQuery({ ...(filters.role ? { role: filters.role } : {}), ...(filters.taskQueue ? { taskQueue: filters.taskQueue } : {}) }),
  ];
  if (filters.customer) parts.push(`UpgradeCustomer = ${quote(filters.customer)}`);
  if (filters.phase) parts.push(`UpgradePhase = ${quote(filters.phase)}`);
  return parts.join(' AND ');
}

export function myTasksQuery(email: string): string {
  return pendingQuery({ actor: email });
}

export interface BoardRow {
  projectId: string;
  workflowId: string;
  customer: string;
  targetVersion: string;
  phase: string;
  roles: Role[];
  actors: string[];
  /** ISO time the oldest awaited step began waiting; absent when unknown. */
  since?: string;
  overdue: boolean;
  /** The awaited tasks and CAB gates (UpgradeAwaitingTasks); empty on projects started before it was kept. */
  tasks: string[];
  /** How many times the project was sent back (UpgradeReworkCount); absent on projects started before it was kept. */
  rework?: number;
}

export function boardRow(info: WorkflowExecutionInfo): BoardRow {
  const sa = info.typedSearchAttributes;
  const since = sa.get(UpgradeAwaitingSince);
  return {
    projectId: sa.get(UpgradeProjectId) ?? info.workflowId.replace(/^upgrade-/, ''),
    workflowId: info.workflowId,
    customer: sa.get(UpgradeCustomer) ?? '',
    targetVersion: sa.get(UpgradeTargetVersion) ?? '',
    phase: sa.get(UpgradePhase) ?? '',
    roles: (sa.get(UpgradeAwaitingRoles) ?? []) as Role[],
    actors: sa.get(UpgradeAwaitingActors) ?? [],
    ...(since ? { since: since.toISOString() } : {}),
    overdue: sa.get(UpgradeOverdue) ?? false,
    tasks: sa.get(UpgradeAwaitingTasks) ?? [],
    ...(sa.get(UpgradeReworkCount) !== undefined ? { rework: sa.get(UpgradeReworkCount) } : {}),
  };
}

/** The longest waiting first; rows of unknown age last, then by project id. */
export function sortBoard<T extends { since?: string; projectId: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => (a.since ?? '\uffff').localeCompare(b.since ?? '\uffff') || a.projectId.localeCompare(b.projectId));
}
