/**
 * What the Temporal UI shows for a project without decoding payloads: a one-line static summary set at start and
 * a short markdown table of tasks, who is awaited, and who decided what on which evidence, kept current by the
 * workflow. Pure: a renderer of the status. Current details are answered to the UI through a query, not recorded
 * as a command, so changing this text never affects replay.
 */
import type { AuditEntry, Gate, ProjectStatus } from './project-state';

export function staticSummary(project: { customer: string; currentVersion: string; targetVersion: string }): string {
  return `${project.customer}: ${project.currentVersion} → ${project.targetVersion}`;
}

const STATE_MARK: Record<string, string> = {
  pending: '·',
  running: '▶ running',
  blocked: '⛔ blocked',
  'awaiting-approval': '⏳ awaiting',
  'waiting-window': '🕒 change window',
  approved: '✅ approved',
  rejected: '↩ rejected',
  cancelled: '✖ cancelled',
};

const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');
/** Markdown table cells hold no pipe and no line break. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/**
 * A short hash of a piece of evidence as the audit names it: an artifact id `<project>/<sha256 prefix>-<name>`,
 * a commit sha, or a sha256.
 */
export function shortEvidence(evidence: string): string {
  const file = evidence.includes('/') ? evidence.slice(evidence.lastIndexOf('/') + 1) : evidence;
  const hash = /^([0-9a-f]{7,64})(?:-|$)/i.exec(file)?.[1];
  return hash ? hash.slice(0, 12).toLowerCase() : file.slice(0, 24);
}

/** People's names by e-mail (from the project file), so a manager reading the UI sees who, not only an address. */
export type NamesByEmail = ReadonlyMap<string, string>;

function decisionText(entry: AuditEntry, names: NamesByEmail, evidence: readonly string[] = entry.evidence ?? []): string {
  const mark = entry.decision === 'reject' ? '↩' : entry.decision === 'skip' ? '⏭' : '✅';
  const via = entry.identity?.amr === 'email-link' ? ', e-mail link' : '';
  const on = evidence.length ? ` on ${evidence.map(shortEvidence).join(', ')}` : '';
  const reason = entry.decision === 'reject' || entry.decision === 'skip' ? `: ${(entry.comment ?? '').slice(0, 80)}` : '';
  const name = entry.actor ? names.get(entry.actor) : undefined;
  const who = name ? `${name} <${entry.actor}>` : (entry.actor ?? '?');
  return cell(`${mark} ${who} (${entry.role ?? '?'}${via}) ${minute(entry.at)}${on}${reason}`);
}

/**
 * Who decided a task in its current round (its approvals, or the rejection that sent it back) and, for a task
 * redone after a rejection, the last rejection: name, role, when and the short hash of the evidence.
 */
function decidedBy(gate: Gate, byGate: Map<string, AuditEntry[]>, names: NamesByEmail): string {
  const entries = byGate.get(gate.id) ?? [];
  const approvals = gate.approvals.map(
    (a) =>
      entries.find((e) => e.id === a.auditId) ?? {
        id: a.auditId,
        at: a.at,
        kind: 'decision' as const,
        decision: 'approve' as const,
        actor: a.actor,
        evidence: a.evidence,
        role: gate.owner,
      },
  );
  const lastReject = [...entries].reverse().find((e) => e.decision === 'reject' || e.decision === 'skip');
  // A rejection records no evidence of its own: while the task is not redone yet, it rejected what the task shows.
  const rejected = lastReject
    ? [
        decisionText(
          lastReject,
          names,
          lastReject.evidence ?? (gate.state === 'rejected' ? gate.steps.flatMap((s) => (s.artifact ? [s.artifact.id] : [])) : []),
        ),
      ]
    : [];
  return [...rejected, ...approvals.map((a) => decisionText(a, names))].join('; ');
}

export function renderCurrentDetails(status: ProjectStatus, names: NamesByEmail = new Map()): string {
  const lines = [
    `**${status.projectId}** — ${status.customer}: ${status.currentVersion} → ${status.targetVersion} · phase **${status.phase}**`,
    '',
    '| task | owner | state | waiting on | since | decided by (role), when, on evidence |',
    '|---|---|---|---|---|---|',
  ];
  const awaiting = new Map(status.awaiting.map((a) => [a.gateId, a]));
  const byGate = new Map<string, AuditEntry[]>();
  for (const entry of status.audit) {
    if (entry.kind !== 'decision' || !entry.gateId || !['approve', 'reject', 'skip'].includes(entry.decision ?? '')) continue;
    byGate.set(entry.gateId, [...(byGate.get(entry.gateId) ?? []), entry]);
  }
  for (const gate of status.gates) {
    const wait = awaiting.get(gate.id);
    const state = `${STATE_MARK[gate.state] ?? gate.state}${gate.overdue ? ' ⚠ overdue' : ''}${gate.rounds > 1 ? ` (round ${gate.rounds})` : ''}`;
    lines.push(
      `| ${gate.id} | ${gate.owner} | ${state} | ${wait ? wait.actors.join(', ') : ''} | ${wait ? minute(wait.since) : ''} | ${decidedBy(gate, byGate, names)} |`,
    );
  }
  if (status.rework.length) lines.push('', `Rework: ${status.rework.length} (last: ${status.rework.at(-1)?.reason ?? ''})`);
  if (status.cancelled) lines.push('', `Cancelled by ${status.cancelled.actor}: ${status.cancelled.reason}`);
  return lines.join('\n');
}
