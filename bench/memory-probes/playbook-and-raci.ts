/** Memory probe (bench/memory-per-workflow.ts): a workflow that only loads ../../workflows/raci and waits. */
import { condition, defineQuery, setHandler } from '@temporalio/workflow';
import * as raci from '../../workflows/raci';
import * as playbook from '../../workflows/playbook';

const loaded = { ...raci, ...playbook };

export async function probe(): Promise<void> {
  const exported = Object.keys(loaded).length;
  setHandler(defineQuery<unknown>('status'), () => ({ awaiting: [{ exported }] }));
  await condition(() => false);
}
