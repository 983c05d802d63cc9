/**
 * Scenario B's workflow: bare Temporal doing the same amount of work as a happy-path `upgradeProject`, and nothing
 * else. `shape[i]` activities run before the i-th update is awaited and `tail` run after the last one; the bench
 * counts both from a recorded history of ours (ActivityTaskScheduled and WorkflowExecutionUpdateAccepted events),
 * so the baseline schedules the same number of activities and accepts the same number of updates, in the same
 * order. It answers the same `status` query and `decide` update names so the same driver plays it.
 * No validation, no audit trail, no search attributes, no notifications beyond the counted activities.
 */
import { condition, defineQuery, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export interface BaselineInput {
  shape: number[];
  tail: number;
}

export interface BaselineStatus {
  state: 'running' | 'completed';
  awaiting: { gateId: string; state: 'awaiting-approval'; roles: string[] }[];
}

export const baselineStatus = defineQuery<BaselineStatus>('status');
/** The name our driver asks (ours answers it with the small summary, workflows/status-views.ts); the same answer. */
export const baselineStatusSummary = defineQuery<BaselineStatus>('statusSummary');
export const baselineDecide = defineUpdate<{ accepted: true }, [unknown]>('decide');

const { baselineNoop } = proxyActivities<{ baselineNoop(index: number): Promise<{ summary: string; index: number }> }>({
  startToCloseTimeout: '1m',
});

export async function baselineProject(input: BaselineInput): Promise<{ activities: number; updates: number }> {
  let waiting = -1;
  let decided = -1;
  let activities = 0;
  let finished = false;
  const status = (): BaselineStatus => ({
    state: finished ? 'completed' : 'running',
    awaiting: waiting > decided ? [{ gateId: `gate-${waiting}`, state: 'awaiting-approval', roles: ['customer'] }] : [],
  });
  setHandler(baselineStatus, status);
  setHandler(baselineStatusSummary, status);
  setHandler(baselineDecide, () => {
    decided = waiting;
    return { accepted: true } as const;
  });
  for (let i = 0; i < input.shape.length; i++) {
    for (let a = 0; a < input.shape[i]!; a++) await baselineNoop(activities++);
    waiting = i;
    await condition(() => decided >= i);
  }
  for (let a = 0; a < input.tail; a++) await baselineNoop(activities++);
  finished = true;
  return { activities, updates: input.shape.length };
}
