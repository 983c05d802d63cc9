/** `pending`: across projects, what waits on whom and for how long, oldest first. */
import type { Style } from '../io';
import { overdueMark } from './status';
import { renderTable } from './table';
import { clean } from './text';
import { ago, shortIso } from './time';

export interface PendingItem {
  projectId: string;
  workflowId: string;
  customer: string;
  /** The project's phase (from its search attributes). */
  phase?: string;
  /** The awaited task: known with `pending --tasks` (a status query per project), absent from visibility alone. */
  gateId?: string;
  title?: string;
  state?: string;
  roles: string[];
  actors: string[];
  /** When the oldest awaited step began waiting; undefined when not known (a project started before the search attribute). */
  since?: string;
  overdue: boolean;
}

/** Oldest first; items whose start is unknown go last, in project order. */
export function sortPending(items: PendingItem[]): PendingItem[] {
  return [...items].sort((a, b) => {
    if (a.since && b.since) return a.since.localeCompare(b.since) || a.projectId.localeCompare(b.projectId);
    if (a.since) return -1;
    if (b.since) return 1;
    return a.projectId.localeCompare(b.projectId);
  });
}

export function renderPending(items: PendingItem[], now: number, style: Style, filter: string): string {
  if (items.length === 0) return `Nothing is waiting${filter ? ` (${filter})` : ''}.`;
  if (!items.some((i) => i.gateId)) {
    // One row per project, from the search attributes alone (one visibility query).
    const rows = sortPending(items).map((i) => [
      (i.since ? ago(i.since, now) : '?') + (i.overdue ? ` ${overdueMark(style.colors)}` : ''),
      clean(i.projectId),
      clean(i.customer),
      clean(i.phase ?? ''),
      clean(i.roles.join(', ')),
      clean(i.actors.join(', ')),
      i.since ? shortIso(i.since) : '(not recorded)',
    ]);
    return renderTable(['waiting', 'project', 'customer', 'phase', 'roles', 'who', 'since'], rows, style, { keep: [0], flex: [2, 5] });
  }
  const rows = sortPending(items).map((i) => [
    (i.since ? ago(i.since, now) : '?') + (i.overdue ? ` ${overdueMark(style.colors)}` : ''),
    clean(i.projectId),
    clean(i.customer),
    clean(i.gateId ?? '?'),
    i.state === 'blocked' ? style.colors.red('blocked') : 'decision',
    clean(i.roles.join(', ')),
    clean(i.actors.join(', ')),
    i.since ? shortIso(i.since) : '(status not available)',
  ]);
  return renderTable(['waiting', 'project', 'customer', 'task', 'needs', 'roles', 'who', 'since'], rows, style, {
    keep: [0],
    flex: [2, 6],
  });
}
