/** `list`: projects found by their search attributes, one line each. */
import type { Style } from '../io';
import { overdueMark } from './status';
import { renderTable } from './table';
import { clean } from './text';
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
  /** When the oldest awaited step began waiting (UpgradeAwaitingSince); absent when nothing waits or not recorded. */
  awaitingSince?: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, ... */
  executionStatus: string;
  /**
   * How a person says it: running, completed, cancelled (a project cancelled through `cuo cancel` completes its
   * workflow normally, in phase cancelled), terminated, failed, timed out.
   */
  status: string;
  startTime: string;
  closeTime?: string;
}

/** The word `list` shows for a project: the workflow's own ending (cancelled) where Temporal only says completed. */
export function projectStatusWord(executionStatus: string, phase: string | undefined): string {
  if (executionStatus === 'COMPLETED' && phase === 'cancelled') return 'cancelled';
  return executionStatus.toLowerCase().replace(/_/g, ' ');
}

export function renderList(items: ListItem[], style: Style): string {
  if (items.length === 0) return 'No upgrade projects match.';
  const rows = items.map((i) => [
    clean(i.projectId),
    clean(i.customer),
    clean(i.targetVersion),
    clean(i.phase),
    clean(i.status),
    clean(i.awaitingRoles.join(', ')),
    shortIso(i.startTime),
    i.overdue ? overdueMark(style.colors) : '',
  ]);
  return renderTable(['project', 'customer', 'target', 'phase', 'status', 'awaiting', 'started', ''], rows, style, {
    keep: [6],
    flex: [1, 5],
  });
}
