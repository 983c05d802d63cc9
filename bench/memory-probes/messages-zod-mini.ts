/** Memory probe (bench/memory-per-workflow.ts): the decision schemas written with zod/mini, parsed once, then waits. */
import { condition, defineQuery, setHandler } from '@temporalio/workflow';
import * as z from 'zod/mini';

const base = {
  taskId: z.string().check(z.minLength(1), z.maxLength(80)),
  actor: z.pipe(z.string().check(z.trim(), z.toLowerCase()), z.email()),
  role: z.enum(['customer', 'partner', 'managed-services']),
  comment: z.optional(z.string().check(z.maxLength(2000))),
  requestId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
};
const decision = z.strictObject({
  ...base,
  decision: z.enum(['approve', 'reject']),
  evidence: z.optional(z.string().check(z.minLength(8))),
});

export async function probe(): Promise<void> {
  const ok = decision.safeParse({ taskId: 't', actor: 'A@b.example', role: 'customer', decision: 'approve' }).success;
  setHandler(defineQuery<unknown>('status'), () => ({ awaiting: [{ ok }] }));
  await condition(() => false);
}
