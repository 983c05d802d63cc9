/** `status <project> --task <id>`: one task or CAB gate in full (the `taskDetails` query): steps, approvals, its audit entries. */
import { type TaskDetails } from '../../workflows/contract';
import type { Style } from '../io';
import { colorState } from './status';
import { renderTable } from './table';
import { clean } from './text';
import { shortIso } from './time';

export function renderTaskDetails(details: TaskDetails, style: Style): string {
  const { gate } = details;
  const lines = [
    `${style.colors.bold(clean(gate.id))} — ${clean(gate.title)} (${details.projectId})`,
    `${gate.kind} · phase ${gate.phase} · owner ${gate.owner} · ${colorState(gate.state, style.colors)}${gate.since ? ` since ${shortIso(gate.since)}` : ''}` +
      ` · round ${gate.rounds} · approvals ${gate.approvals.length}/${gate.requiredApprovals}`,
  ];
  if (details.awaiting)
    lines.push(
      `waiting on ${details.awaiting.roles.join('/')} (${clean(details.awaiting.actors.join(', '))}) since ${shortIso(details.awaiting.since)}`,
    );
  if (gate.state === 'blocked' && gate.blocked)
    lines.push(`${style.colors.red('blocked')} at ${gate.blocked.step}: ${clean(gate.blocked.error)}`);
  lines.push('', 'Steps:');
  lines.push(
    details.steps.length
      ? renderTable(
          ['step', 'status', 'at', 'summary', 'artifact'],
          details.steps.map((s) => [s.step, s.status, shortIso(s.at), clean(s.summary), clean(s.artifact?.id)]),
          style,
          { flex: [3, 4] },
        )
      : '  (none in this round)',
  );
  if (gate.approvals.length) {
    lines.push('', 'Approvals:');
    for (const a of gate.approvals)
      lines.push(
        `  ${clean(a.actor)} at ` +
          `${shortIso(a.at)}${a.evidence.length ? ` on ${clean(a.evidence.join(', '))}` : ''}${a.commit ? ` (commit ${clean(a.commit)})` : ''}`,
      );
  }
  if (details.cabGates.length) {
    lines.push('', 'CAB gates:');
    for (const cab of details.cabGates)
      lines.push(`  ${cab.id}: ${colorState(cab.state, style.colors)} (${cab.approvals}/${cab.requiredApprovals})`);
  }
  lines.push(
    '',
    `Audit entries of ${gate.id}: ` +
      `${details.auditTotal}${details.auditTotal > details.audit.length ? ` (the newest ${details.audit.length}; \`cuo history\` has all)` : ''}`,
  );
  for (const e of details.audit) {
    lines.push(
      `  #${e.id} ${shortIso(e.at)} ${e.kind}${e.decision ? ` ${e.decision}` : ''}${
        e.actor ? ` by ` + `${clean(e.actor)}` : ''
      }${e.comment || e.reason ? `: ${clean(e.comment ?? e.reason).replace(/\s+/g, ' ')}` : ''}`,
    );
  }
  return lines.join('\n');
}
