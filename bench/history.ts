/** What a recorded history says: size, the counts the baseline copies, and where wall time went. */
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const E = temporal.api.enums.v1.EventType;

export interface HistoryFacts {
  events: number;
  bytes: number;
  activitiesScheduled: number;
  updatesAccepted: number;
  /** Activities scheduled before each accepted update (since the previous one), then after the last. */
  shape: number[];
  tail: number;
  /** First to last event. */
  wallMs: number;
  /** Sum over activities of started → completed/failed. */
  activityMs: number;
  /** Encoded bytes per event type (e.g. ACTIVITY_TASK_SCHEDULED), largest first: where history size comes from. */
  bytesByType: Record<string, { events: number; bytes: number }>;
}

function ms(t: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  if (!t) return 0;
  return Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6;
}

export async function historyFacts(handle: WorkflowHandle): Promise<HistoryFacts> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const bytes = temporal.api.history.v1.History.encode(history).finish().length;
  const shape: number[] = [];
  let since = 0;
  let activities = 0;
  let updates = 0;
  let activityMs = 0;
  const started = new Map<string, number>();
  const byType: Record<string, { events: number; bytes: number }> = {};
  for (const event of events) {
    const type = (E[event.eventType ?? 0] ?? String(event.eventType)).replace(/^EVENT_TYPE_/, '');
    const entry = (byType[type] ??= { events: 0, bytes: 0 });
    entry.events += 1;
    entry.bytes += temporal.api.history.v1.HistoryEvent.encode(event).finish().length;
    switch (event.eventType) {
      case E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        activities += 1;
        since += 1;
        break;
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        updates += 1;
        shape.push(since);
        since = 0;
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        started.set(String(event.activityTaskStartedEventAttributes?.scheduledEventId), ms(event.eventTime));
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
      case E.EVENT_TYPE_ACTIVITY_TASK_FAILED:
      case E.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
        const attrs =
          event.activityTaskCompletedEventAttributes ??
          event.activityTaskFailedEventAttributes ??
          event.activityTaskTimedOutEventAttributes;
        const t0 = started.get(String(attrs?.scheduledEventId));
        if (t0 !== undefined) activityMs += ms(event.eventTime) - t0;
        break;
      }
      default:
        break;
    }
  }
  const first = ms(events[0]?.eventTime);
  const last = ms(events[events.length - 1]?.eventTime);
  const bytesByType = Object.fromEntries(Object.entries(byType).sort((a, b) => b[1].bytes - a[1].bytes));
  return {
    events: events.length,
    bytes,
    activitiesScheduled: activities,
    updatesAccepted: updates,
    shape,
    tail: since,
    wallMs: last - first,
    activityMs,
    bytesByType,
  };
}
