/** `list`: projects found by their search attributes, one line each. */
import type { Style } from '../io';
import { overdueMark } from './status';
import { renderTable } from './table';
import { shortIso } from './time';

export interface ListItem {
  projectId: string;
  workflowId: string;
  customer: string;
  targetVersion: string;
  phase: string;
  awaitingRoles: string[];
  awaitingActors: string[];
  overdue: boolean;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, ... */
  executionStatus: string;
  startTime: string;
  closeTime?: string;
}

export function renderList(items: ListItem[], style: Style): string {
  if (items.length === 0) return 'No upgrade projects match.';
  const rows = items.map((i) => [
    i.projectId,
    i.customer,
    i.targetVersion,
    i.phase,
    i.executionStatus.toLowerCase(),
    i.awaitingRoles.join(', '),
    shortIso(i.startTime),
    i.overdue ? overdueMark(style.colors) : '',
  ]);
  return renderTable(['project', 'customer', 'target', 'phase', 'status', 'awaiting', 'started', ''], rows, style);
}
