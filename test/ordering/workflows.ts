/**
 * Two copies of one small approval flow, with and without workflows/update-ordering.ts, for
 * test/integration/update-ordering.test.ts. The flow has the shape of an upgrade task: automation (an activity),
 * then search attributes and a notification, then a wait for a decision sent as an update.
 */
import { condition, defineQuery, defineUpdate, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { UpgradePhase } from '../../workflows/search-attributes';
import { deliverUpdatesAfterWorkflowCode } from '../../workflows/update-ordering';

const { step } = proxyActivities<{ step(name: string): Promise<string> }>({ startToCloseTimeout: '2 minutes' });

export const decideUpdate = defineUpdate<string, [string]>('decide');
export const progressQuery = defineQuery<{ awaiting: string; step: string }>('progress');

export async function approvalsWithOrdering(): Promise<string[]> {
  deliverUpdatesAfterWorkflowCode();
  return approvalsAsTheSdkDelivers();
}

export async function approvalsAsTheSdkDelivers(): Promise<string[]> {
  const decisions: string[] = [];
  const approved = new Set<string>();
  let awaiting = '';
  let current = '';
  setHandler(progressQuery, () => ({ awaiting, step: current }));
  setHandler(
    decideUpdate,
    (gate) => {
      decisions.push(`${gate} while awaiting ${awaiting}`);
      approved.add(gate);
      return 'approved';
    },
    {
      validator: (gate) => {
        if (gate !== awaiting) throw new Error(`${gate} is not awaiting a decision (awaiting: ${awaiting || 'nothing'})`);
      },
    },
  );
  const run = (name: string) => {
    current = name;
    return step(name);
  };

  await run('prepare');
  awaiting = 'first';
  upsertSearchAttributes([{ key: UpgradePhase, value: 'first' }]);
  await run('notify-first'); // the first decision arrives while this runs
  await condition(() => approved.has('first'));
  awaiting = '';
  upsertSearchAttributes([{ key: UpgradePhase, value: 'automation' }]);
  await run('automation'); // the worker dies while this runs; the second decision comes with its result
  awaiting = 'second';
  upsertSearchAttributes([{ key: UpgradePhase, value: 'second' }]);
  await run('notify-second');
  await condition(() => approved.has('second'));
  return decisions;
}
