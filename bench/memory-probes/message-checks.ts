/** Memory probe (bench/memory-per-workflow.ts): a workflow that loads the zod-free decision checks the workflow uses now, and waits. */
import { condition, defineQuery, setHandler } from '@temporalio/workflow';
import * as loaded from '../../workflows/message-checks';

export async function probe(): Promise<void> {
  const exported = Object.keys(loaded).length;
  setHandler(defineQuery<unknown>('status'), () => ({ awaiting: [{ exported }] }));
  await condition(() => false);
}
