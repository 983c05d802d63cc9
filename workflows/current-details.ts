/**
 * What the Temporal UI shows for a project without decoding payloads: a one-line static summary set at start and
 * a short markdown table of tasks and who is awaited, kept current by the workflow.
 */
import type { ProjectStatus } from './project-state';

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

export function renderCurrentDetails(status: ProjectStatus): string {
  const lines = [
    `**${status.projectId}** — ${status.customer}: ${status.currentVersion} → ${status.targetVersion} · phase **${status.phase}**`,
    '',
    '| task | owner | state | waiting on | since |',
    '|---|---|---|---|---|',
  ];
  const awaiting = new Map(status.awaiting.map((a) => [a.gateId, a]));
  for (const gate of status.gates) {
    const wait = awaiting.get(gate.id);
    const state = `${STATE_MARK[gate.state] ?? gate.state}${gate.overdue ? ' ⚠ overdue' : ''}${gate.rounds > 1 ? ` (round ${gate.rounds})` : ''}`;
    lines.push(
      `| ${gate.id} | ${gate.owner} | ${state} | ${wait ? wait.actors.join(', ') : ''} | ${wait ? wait.since.slice(0, 16).replace('T', ' ') : ''} |`,
    );
  }
  if (status.rework.length) lines.push('', `Rework: ${status.rework.length} (last: ${status.rework.at(-1)?.reason ?? ''})`);
  if (status.cancelled) lines.push('', `Cancelled by ${status.cancelled.actor}: ${status.cancelled.reason}`);
  return lines.join('\n');
}
