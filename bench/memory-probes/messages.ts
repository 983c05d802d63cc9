/** Memory probe (bench/memory-per-workflow.ts): a workflow that loads the zod decision schemas the workflow used before issue #6, and waits. */
import { condition, defineQuery, setHandler } from '@temporalio/workflow';
import * as loaded from '../../test/support/message-zod-schemas';

export async function probe(): Promise<void> {
  const exported = Object.keys(loaded).length;
  setHandler(defineQuery<unknown>('status'), () => ({ awaiting: [{ exported }] }));
  await condition(() => false);
}
