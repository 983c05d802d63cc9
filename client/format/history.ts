/** The audit trail for `history`: who decided what, when, on which evidence; refused attempts marked. */
import type { AuditEntry, ProjectStatus } from '../../workflows/project-state';
import type { Style } from '../io';
import { renderTable } from './table';
import { shortIso } from './time';

export interface HistoryOptions {
  /** Include automation, phase and window entries (default: decisions, refusals, rework, blocks, reminders). */
  all?: boolean;
}

const PEOPLE_KINDS: ReadonlySet<AuditEntry['kind']> = new Set(['decision', 'refused', 'cancel', 'rework', 'blocked', 'reminder', 'escalation']);

export function historyEntries(status: ProjectStatus, options: HistoryOptions = {}): AuditEntry[] {
  return status.audit.filter((e) => options.all || PEOPLE_KINDS.has(e.kind));
}

function what(entry: AuditEntry): string {
  switch (entry.kind) {
    case 'decision':
      return entry.decision ?? 'decision';
    case 'refused':
      return `REFUSED ${entry.decision ?? ''}`.trim();
    case 'cancel':
      return 'cancel';
    default:
      return entry.kind;
  }
}

export function renderHistory(status: ProjectStatus, style: Style, options: HistoryOptions = {}): string {
  const { colors } = style;
  const entries = historyEntries(status, options);
  const rows = entries.map((e) => [
    e.id < 0 ? '' : String(e.id),
    shortIso(e.at),
    e.gateId ?? '',
    e.actor ? `${e.actor}${e.role ? ` (${e.role})` : ''}` : e.via === 'workflow' ? 'workflow' : '',
    e.kind === 'refused' ? colors.red(what(e)) : e.decision === 'approve' ? colors.green(what(e)) : what(e),
    (e.comment ?? e.reason ?? '').replace(/\s+/g, ' '),
    e.evidence?.join(', ') ?? '',
    e.via ?? '',
  ]);
  const lines = [`History of ${status.projectId} (${status.customer}: ${status.currentVersion} → ${status.targetVersion})`, ''];
  lines.push(rows.length ? renderTable(['#', 'at', 'task', 'who', 'what', 'comment / reason', 'evidence', 'via'], rows, style) : '(no decisions yet)');
  const refused = status.audit.filter((e) => e.kind === 'refused').length;
  if (refused || status.refusedNotKept) {
    lines.push('', `Refused attempts: ${refused}${status.refusedNotKept ? ` kept, ${status.refusedNotKept} more only counted` : ''}.`);
  }
  return lines.join('\n');
}
