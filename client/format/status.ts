/** The `status` view of one project: header, every gate's state, whom it waits on since when, overdue marks. */
import { summaryOf, type GateLine, type GateState, type ProjectStatus, type ProjectSummary } from '../../workflows/contract';
import type { Colors, Style } from '../io';
import { renderTable, wrapLines } from './table';
import { clean } from './text';
import { ago, shortIso } from './time';

/** An activity running now, as Temporal's describe() tells it (the workflow hears of retries only at the end). */
export interface RunningActivity {
  activityId: string;
  activityType: string;
  attempt: number;
  /** 0 / undefined: unlimited. */
  maximumAttempts?: number;
  lastError?: string;
  lastFailureAt?: string;
  /** Set while the activity waits for its next attempt (after a failure). */
  nextAttemptAt?: string;
  startedAt?: string;
}

/** What Temporal says of the execution, beside the workflow's own status query. */
export interface ExecutionInfo {
  /** RUNNING, COMPLETED, TERMINATED, FAILED, TIMED_OUT, CANCELLED, CONTINUED_AS_NEW */
  status: string;
  closeTime?: string;
  terminatedReason?: string;
  activities: RunningActivity[];
}

/** Activities that tell people or keep the report: they work for the project, not for one task. */
const PROJECT_ACTIVITIES: ReadonlySet<string> = new Set(['sendNotification', 'storeFinalReport']);

/**
 * The gate an activity works for: tasks run one at a time, so a task activity belongs to the running task (a CAB
 * gate runs no activity of its own).
 */
export function gateOfActivity<G extends Pick<GateLine, 'state' | 'kind'>>(
  status: { gates: readonly G[] },
  activity: RunningActivity,
): G | undefined {
  if (PROJECT_ACTIVITIES.has(activity.activityType)) return undefined;
  const running = status.gates.filter((g) => g.state === 'running' && g.kind === 'task');
  return running.length === 1 ? running[0] : undefined;
}

function attemptText(a: RunningActivity): string {
  return `attempt ${a.attempt}${a.maximumAttempts ? `/${a.maximumAttempts}` : ''}`;
}

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

function stateCell(gate: GateLine, colors: Colors, activities: RunningActivity[]): string {
  const parts = [colorState(gate.state, colors)];
  const retrying = activities.filter((a) => a.attempt > 1);
  if (retrying.length) parts.push(colors.red(`(${retrying.map(attemptText).join(', ')})`));
  if (gate.overdue) parts.push(overdueMark(colors));
  if (gate.rounds > 1) parts.push(`(round ${gate.rounds})`);
  return parts.join(' ');
}

/** The project's state as a person should read it: Temporal's word wins once the execution is closed otherwise. */
export function projectState(status: Pick<ProjectSummary, 'state'>, execution?: ExecutionInfo): string {
  if (!execution || execution.status === 'RUNNING' || execution.status === 'COMPLETED') return status.state;
  return execution.status.toLowerCase().replace(/_/g, ' ');
}

/** The view the status table is drawn from: the `statusSummary` answer, or the summary of a whole `status` answer. */
export function asSummary(status: ProjectSummary | ProjectStatus): ProjectSummary {
  return 'view' in status && status.view === 'summary' ? status : summaryOf(status as ProjectStatus);
}

/** Renders the `statusSummary` answer (workflows/status-views.ts); a whole `status` answer is summarised first. */
export function renderStatus(answer: ProjectSummary | ProjectStatus, now: number, style: Style, execution?: ExecutionInfo): string {
  const status = asSummary(answer);
  const { colors } = style;
  const closedByTemporal = projectState(status, execution) !== status.state;
  // A terminated project waits on no one any more, whatever its last status said.
  const awaitingList = closedByTemporal ? [] : status.awaiting;
  const awaiting = new Map(awaitingList.map((a) => [a.gateId, a]));
  const activities = closedByTemporal ? [] : (execution?.activities ?? []);
  const byGate = new Map<string, RunningActivity[]>();
  for (const a of activities) {
    const gate = gateOfActivity(status, a);
    if (gate) byGate.set(gate.id, [...(byGate.get(gate.id) ?? []), a]);
  }
  const state = projectState(status, execution);
  const lines = [
    `${colors.bold(clean(status.projectId))} — ${clean(status.customer)}: ${clean(status.currentVersion)} → ${clean(status.targetVersion)}`,
    `state ${closedByTemporal ? colors.red(state) : state} · phase ${colors.bold(status.phase)} · started ` +
      `${shortIso(status.startedAt)} (${ago(status.startedAt, now)})` +
      (status.completedAt
        ? ` · finished ${shortIso(status.completedAt)}`
        : closedByTemporal && execution?.closeTime
          ? ` · ${state} ${shortIso(execution.closeTime)}`
          : ''),
  ];
  if (closedByTemporal) {
    lines.push(
      `Temporal ${state} this workflow${
        execution?.closeTime ? ` at ` + `${shortIso(execution.closeTime)}` : ''
      }${execution?.terminatedReason ? `: ${clean(execution.terminatedReason)}` : ''}.`,
      'Nothing runs or waits any more: the tasks below show where it stopped. A new attempt needs a new project id.',
    );
  }
  lines.push('');
  const rows = status.gates.map((gate) => {
    const wait = awaiting.get(gate.id);
    const since = wait
      ? `${shortIso(wait.since)} (${ago(wait.since, now)})`
      : gate.state === 'waiting-window' && gate.windowStart
        ? `window ${shortIso(gate.windowStart)}`
        : gate.state === 'pending'
          ? ''
          : shortIso(gate.since);
    return [
      gate.kind === 'cab' ? `  ${gate.id}` : gate.id,
      gate.phase,
      gate.owner,
      stateCell(gate, colors, byGate.get(gate.id) ?? []),
      wait ? clean(wait.actors.join(', ')) : '',
      since,
      `${gate.approvals}/${gate.requiredApprovals}`,
    ];
  });
  const head = wrapLines(lines, style);
  const table = renderTable(['task', 'phase', 'owner', 'state', 'waiting on', 'since', 'approvals'], rows, style, {
    keep: [6],
    flex: [4, 5],
  });
  lines.length = 0;

  if (activities.length) {
    lines.push('', 'Running now:');
    for (const a of activities) {
      const gate = gateOfActivity(status, a);
      const retry = a.nextAttemptAt
        ? `; next attempt ${shortIso(a.nextAttemptAt)}`
        : a.startedAt
          ? `; started ${shortIso(a.startedAt)} (${ago(a.startedAt, now)})`
          : '';
      lines.push(
        `  ${gate ? `${gate.id}: ` : ''}${clean(a.activityType)} ${a.attempt > 1 ? colors.red(attemptText(a)) : attemptText(a)}${retry}` +
          (a.lastError ? `\n    last error${a.lastFailureAt ? ` (${shortIso(a.lastFailureAt)})` : ''}: ${clean(a.lastError)}` : ''),
      );
    }
  }
  if (awaitingList.length) {
    lines.push('', 'Waiting on:');
    for (const a of awaitingList) {
      const verb = a.state === 'blocked' ? 'blocked, to retry or skip' : 'to decide';
      lines.push(
        `  ${a.gateId} ${verb}: ${a.roles.join('/')} (${clean(a.actors.join(', '))}) since ${shortIso(a.since)}, ${ago(a.since, now)}` +
          (a.overdue ? ` ${overdueMark(colors)}` : ''),
      );
    }
  }
  // Evidence people brought (issue #15), beside what the automation produced: approve it by its hash.
  const attached = status.gates.filter((g) => g.attachments?.length);
  if (attached.length) {
    lines.push('', 'Evidence people attached (this round):');
    for (const gate of attached) {
      for (const a of gate.attachments!) {
        const full = a as { at?: string; url?: string; note?: string }; // the summary leaves the URL to `--task`
        lines.push(
          `  ${gate.id}: ${clean(a.id)} sha256 ${a.sha256.slice(0, 12)} by ` +
            `${clean(a.actor)}${full.at ? ` ${shortIso(full.at)}` : ''}${full.url ? ` — ${clean(full.url)}` : ''}${full.note ? ` — ${clean(full.note)}` : ''}`,
        );
      }
    }
  }
  const blocked = status.gates.filter((g) => g.state === 'blocked' && g.blocked);
  for (const gate of blocked) lines.push(`  ${colors.red('blocked')} ${gate.id} at ${gate.blocked!.step}: ${clean(gate.blocked!.error)}`);
  if (status.counts.rework && status.lastRework) {
    const last = status.lastRework;
    lines.push(
      '',
      `Rework: ${status.counts.rework} (last: ${last.rejectedTask} rejected by ${clean(last.actor)}, back to ${last.backTo}: ${clean(last.reason)})`,
    );
  }
  if (status.cancelled)
    lines.push('', `Cancelled by ${clean(status.cancelled.actor)} at ${shortIso(status.cancelled.at)}: ${clean(status.cancelled.reason)}`);
  return [...head, table, ...wrapLines(lines, style)].join('\n');
}
