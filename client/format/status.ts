/** The `status` view of one project: header, every gate's state, whom it waits on since when, overdue marks. */
import type { Gate, GateState, ProjectStatus } from '../../workflows/project-state';
import type { Colors, Style } from '../io';
import { renderTable } from './table';
import { ago, shortIso } from './time';

export function colorState(state: GateState | string, colors: Colors): string {
  switch (state) {
    case 'approved':
      return colors.green(state);
    case 'awaiting-approval':
    case 'waiting-window':
      return colors.yellow(state);
    case 'blocked':
    case 'rejected':
      return colors.red(state);
    case 'running':
      return colors.cyan(state);
    case 'cancelled':
    case 'pending':
      return colors.dim(state);
    default:
      return state;
  }
}

export function overdueMark(colors: Colors): string {
  return colors.bold(colors.red('⚠ overdue'));
}

function stateCell(gate: Gate, colors: Colors): string {
  const parts = [colorState(gate.state, colors)];
  if (gate.overdue) parts.push(overdueMark(colors));
  if (gate.rounds > 1) parts.push(`(round ${gate.rounds})`);
  return parts.join(' ');
}

export function renderStatus(status: ProjectStatus, now: number, style: Style): string {
  const { colors } = style;
  const awaiting = new Map(status.awaiting.map((a) => [a.gateId, a]));
  const lines = [
    `${colors.bold(status.projectId)} — ${status.customer}: ${status.currentVersion} → ${status.targetVersion}`,
    `state ${status.state} · phase ${colors.bold(status.phase)} · started ${shortIso(status.startedAt)} (${ago(status.startedAt, now)})` +
      (status.completedAt ? ` · finished ${shortIso(status.completedAt)}` : ''),
    '',
  ];
  const rows = status.gates.map((gate) => {
    const wait = awaiting.get(gate.id);
    const since =
      wait
        ? `${shortIso(wait.since)} (${ago(wait.since, now)})`
        : gate.state === 'waiting-window' && gate.window
          ? `window ${shortIso(gate.window.startIso)}`
          : gate.state === 'pending'
            ? ''
            : shortIso(gate.since);
    return [
      gate.kind === 'cab' ? `  ${gate.id}` : gate.id,
      gate.phase,
      gate.owner,
      stateCell(gate, colors),
      wait ? wait.actors.join(', ') : '',
      since,
      `${gate.approvals.length}/${gate.requiredApprovals}`,
    ];
  });
  lines.push(renderTable(['task', 'phase', 'owner', 'state', 'waiting on', 'since', 'approvals'], rows, style));

  if (status.awaiting.length) {
    lines.push('', 'Waiting on:');
    for (const a of status.awaiting) {
      const verb = a.state === 'blocked' ? 'blocked, to retry or skip' : 'to decide';
      lines.push(
        `  ${a.gateId} ${verb}: ${a.roles.join('/')} (${a.actors.join(', ')}) since ${shortIso(a.since)}, ${ago(a.since, now)}` +
          (a.overdue ? ` ${overdueMark(colors)}` : ''),
      );
    }
  }
  const blocked = status.gates.filter((g) => g.state === 'blocked' && g.blocked);
  for (const gate of blocked) lines.push(`  ${colors.red('blocked')} ${gate.id} at ${gate.blocked!.step}: ${gate.blocked!.error}`);
  if (status.rework.length) {
    const last = status.rework.at(-1)!;
    lines.push('', `Rework: ${status.rework.length} (last: ${last.rejectedTask} rejected by ${last.actor}, back to ${last.backTo}: ${last.reason})`);
  }
  if (status.cancelled) lines.push('', `Cancelled by ${status.cancelled.actor} at ${shortIso(status.cancelled.at)}: ${status.cancelled.reason}`);
  return lines.join('\n');
}
