/** The audit trail for `history`: who decided what, when, on which evidence; refused attempts marked. */
import { type AuditEntry, type ProjectStatus } from '../../workflows/contract';
import type { Style } from '../io';
import { renderTable } from './table';
import { clean } from './text';
import { shortIso } from './time';

export interface HistoryOptions {
  /** Include automation, phase and window entries (default: decisions, refusals, rework, blocks, reminders). */
  all?: boolean;
}

const PEOPLE_KINDS: ReadonlySet<AuditEntry['kind']> = new Set([
  'decision',
  'refused',
  'cancel',
  'rework',
  'blocked',
  'reminder',
  'escalation',
  'attachment',
]);

/** What `history` shows: the project's names and its audit trail (auditPage, all pages; or an older worker's `status`). */
export type HistorySource = Pick<ProjectStatus, 'projectId' | 'customer' | 'currentVersion' | 'targetVersion' | 'audit' | 'refusedNotKept'>;

export function historyEntries(status: HistorySource, options: HistoryOptions = {}): AuditEntry[] {
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

/** The identity provider as a person recognises it: its host. */
function hostOf(issuer: string): string {
  try {
    return new URL(issuer).host;
  } catch {
    return issuer;
  }
}

export function renderHistory(status: HistorySource, style: Style, options: HistoryOptions = {}): string {
  const { colors } = style;
  const entries = historyEntries(status, options);
  const rows = entries.map((e) => [
    e.id < 0 ? '' : String(e.id),
    shortIso(e.at),
    clean(e.gateId),
    e.actor ? clean(`${e.actor}${e.role ? ` (${e.role})` : ''}`) : e.via === 'workflow' ? 'workflow' : '',
    e.kind === 'refused' ? colors.red(clean(what(e))) : e.decision === 'approve' ? colors.green(what(e)) : clean(what(e)),
    clean(e.comment ?? e.reason).replace(/\s+/g, ' '),
    clean(e.evidence?.join(', ')),
    clean(e.via),
    // How the person signed in: whole tables only (--wide, or piped), so a terminal keeps the columns it reads.
    ...(style.width === undefined
      ? [clean(e.identity ? `${e.identity.amr} ${hostOf(e.identity.iss)}${e.identity.sub === e.actor ? '' : ` as ${e.identity.sub}`}` : '')]
      : []),
  ]);
  const lines = [
    `History of ${clean(status.projectId)} (${clean(status.customer)}: ${clean(status.currentVersion)} → ${clean(status.targetVersion)})`,
    '',
  ];
  lines.push(
    rows.length
      ? renderTable(
          ['#', 'at', 'task', 'who', 'what', 'comment / reason', 'evidence', 'via', ...(style.width === undefined ? ['signed in'] : [])],
          rows,
          style,
          { keep: [0, 1], flex: [5, 6] },
        )
      : '(no decisions yet)',
  );
  const proven = entries.filter((e) => e.identity).length;
  if (proven && style.width !== undefined)
    lines.push('', `${proven} decision(s) carry how their person signed in: \`--wide\` shows it, \`cuo verify\` re-checks them.`);
  const refused = status.audit.filter((e) => e.kind === 'refused').length;
  if (refused || status.refusedNotKept) {
    lines.push('', `Refused attempts: ${refused}${status.refusedNotKept ? ` kept, ${status.refusedNotKept} more only counted` : ''}.`);
  }
  return lines.join('\n');
}
