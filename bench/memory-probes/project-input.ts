/** Memory probe (bench/memory-per-workflow.ts): a workflow that only loads ../../workflows/project-input and waits. */
import { condition, defineQuery, setHandler } from '@temporalio/workflow';
import * as loaded from '../../workflows/project-input';

export async function probe(): Promise<void> {
  const exported = Object.keys(loaded).length;
  setHandler(defineQuery<unknown>('status'), () => ({ awaiting: [{ exported }] }));
  await condition(() => false);
}
