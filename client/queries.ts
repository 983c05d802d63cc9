/**
 * Visibility queries over the contract's search attributes (workflows/search-attributes.ts). Pure, so the exact
 * query text is unit-tested; values are checked or quoted before they reach the query language.
 */
import { PHASE_IDS } from '../workflows/playbook';
import { ROLES, type Role } from '../workflows/roles';
import { WORKFLOW_TYPE } from '../workflows/contract';
import { CliError, EXIT } from './exit-codes';

/** Single-quoted string literal of the visibility query language. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function checkRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new CliError(`--role must be one of ${ROLES.join(', ')}, got "${role}"`, EXIT.usage);
  }
  return role as Role;
}

export const LIST_PHASES = [...PHASE_IDS, 'completed', 'cancelled'] as const;

export interface ListFilters {
  phase?: string;
  customer?: string;
  awaiting?: string;
  open?: boolean;
  closed?: boolean;
  overdue?: boolean;
  taskQueue?: string;
}

export function listQuery(filters: ListFilters): string {
  const parts = [`WorkflowType = ${quote(WORKFLOW_TYPE)}`];
  if (filters.phase !== undefined) {
    if (!(LIST_PHASES as readonly string[]).includes(filters.phase)) {
      throw new CliError(`--phase must be one of ${LIST_PHASES.join(', ')}, got "${filters.phase}"`, EXIT.usage);
    }
    parts.push(`UpgradePhase = ${quote(filters.phase)}`);
  }
  if (filters.customer !== undefined) parts.push(`UpgradeCustomer = ${quote(filters.customer)}`);
  if (filters.awaiting !== undefined) parts.push(`UpgradeAwaitingRoles = ${quote(checkRole(filters.awaiting))}`);
  if (filters.open && filters.closed) throw new CliError('--open and --closed exclude each other', EXIT.usage);
  if (filters.open) parts.push(`ExecutionStatus = 'Running'`);
  if (filters.closed) parts.push(`ExecutionStatus != 'Running'`);
  if (filters.overdue) parts.push('UpgradeOverdue = true');
  if (filters.taskQueue !== undefined) parts.push(`TaskQueue = ${quote(filters.taskQueue)}`);
  return parts.join(' AND ');
}

export interface PendingFilters {
  role?: Role;
  actor?: string;
  taskQueue?: string;
}

/** Running projects awaiting someone (the role / the person when given): one query, no scan of every workflow. */
export function pendingQuery(filters: PendingFilters): string {
  const parts = [`WorkflowType = ${quote(WORKFLOW_TYPE)}`, `ExecutionStatus = 'Running'`];
  if (filters.role) parts.push(`UpgradeAwaitingRoles = ${quote(filters.role)}`);
  if (filters.actor) parts.push(`UpgradeAwaitingActors = ${quote(filters.actor)}`);
  if (filters.taskQueue !== undefined) parts.push(`TaskQueue = ${quote(filters.taskQueue)}`);
  return parts.join(' AND ');
}
