/**
 * Plays every role of a project, as test/support/drive.ts's approveUntil does, with timings: loop `statusSummary` query →
 * `decide` update (approve, as the owner the status names) as soon as a task awaits it; when nothing awaits, poll
 * again after a short backoff (25 ms doubling to 200 ms, reset after each decision). Works for `upgradeProject` and
 * the baseline workflow alike: both answer `status` with `{ state, awaiting[] }` and take `decide`.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { PEOPLE } from '../test/support/project-fixture';

const OWNER: Record<string, string> = {
  customer: PEOPLE.customer[0]!.email,
  partner: PEOPLE.partner[0]!.email,
  'managed-services': PEOPLE['managed-services'][0]!.email,
};

interface StatusLike {
  state: string;
  awaiting: { gateId: string; state: string; roles: string[]; actors?: string[] }[];
  gates?: { id: string; blocked?: { step: string; error: string } }[];
}

export interface DriveSamples {
  decideMs: number[];
  statusMs: number[];
  /** Start-to-result wall time of each completed project. */
  projectMs: number[];
  completed: number;
  failures: string[];
  /** Blocked steps the driver skipped (a failing real activity): "<workflowId> <task>: <error>". */
  skipped: string[];
  /** Largest `status` answer seen (JSON characters), measured when a decision follows it. */
  statusMaxChars: number;
}

export function newSamples(): DriveSamples {
  return { decideMs: [], statusMs: [], projectMs: [], completed: 0, failures: [], skipped: [], statusMaxChars: 0 };
}

export class DeadlineReached extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Drives one started workflow to its result; `startedAt` is when the bench asked Temporal to start it. */
export async function driveToCompletion(handle: WorkflowHandle, samples: DriveSamples, startedAt: number, deadline: number): Promise<void> {
  let done = false;
  let failure: unknown;
  const result = handle.result().then(
    () => void (done = true),
    (err: unknown) => {
      done = true;
      failure = err;
    },
  );
  let backoff = 25;
  let seq = 0;
  while (!done) {
    if (Date.now() > deadline) throw new DeadlineReached(`deadline reached while driving ${handle.workflowId}`);
    const q0 = performance.now();
    // The summary (workflows/status-views.ts): what a client that drives a project needs; the baseline answers it too.
    const status = await handle.query<StatusLike>('statusSummary');
    samples.statusMs.push(performance.now() - q0);
    const next = status.awaiting.find((a) => a.state === 'awaiting-approval');
    if (next) {
      samples.statusMaxChars = Math.max(samples.statusMaxChars, JSON.stringify(status).length);
      const role = next.roles[0]!;
      const actor = next.actors?.[0] ?? OWNER[role]!;
      const u0 = performance.now();
      await handle.executeUpdate('decide', {
        args: [{ taskId: next.gateId, decision: 'approve', actor, role, requestId: `bench-${seq++}` }],
      });
      samples.decideMs.push(performance.now() - u0);
      backoff = 25;
      continue;
    }
    const blocked = status.awaiting.find((a) => a.state === 'blocked');
    if (blocked) {
      // A real step failed after its retries: the CSE skips it with the reason, so the run goes on and says so.
      const error = status.gates?.find((g) => g.id === blocked.gateId)?.blocked?.error ?? 'unknown error';
      samples.skipped.push(`${handle.workflowId} ${blocked.gateId}: ${error.slice(0, 300)}`);
      await handle.executeUpdate('decide', {
        args: [
          {
            taskId: blocked.gateId,
            decision: 'skip',
            actor: OWNER['managed-services']!,
            role: 'managed-services',
            comment: 'benchmark: skipped the blocked step to finish the run',
            requestId: `bench-${seq++}`,
          },
        ],
      });
      continue;
    }
    if (status.state !== 'running') break;
    await sleep(backoff);
    backoff = Math.min(backoff * 2, 200);
  }
  await result;
  if (failure) throw failure;
  samples.completed += 1;
  samples.projectMs.push(Date.now() - startedAt);
}
