/**
 * `npm run demo -- --auto`: plays every person of the project, one decision at a time, through the same `cuo`
 * commands a person would type (printed before each call), with a pause before each decision so the flow can be
 * followed in the Temporal UI. It rejects the first upgrade plan once, to show rework and the audit trail.
 */
import type { Client } from '@temporalio/client';
import { run } from '../../client/cli';
import type { DemoPeople } from './sign-in';
import { plainStyle, type Io } from '../../client/io';
import { statusQuery, workflowIdFor, type ProjectStatus } from '../../workflows/contract';

export interface AutopilotOptions {
  client: Client;
  projectId: string;
  print: (line: string) => void;
  /** Pause before each decision. */
  pauseMs: number;
  /** Ends the loop (Ctrl-C). */
  signal: AbortSignal;
  /** The CSE who resolves blocked steps (retry, then skip). */
  cse: string;
  /** Reject the first upgrade plan once (default true). */
  rejectPlanOnce?: boolean;
  /** Signs each person in to the demo's gateway the first time they decide. */
  people: DemoPeople;
}

export interface AutopilotResult {
  status: ProjectStatus;
  decisions: number;
  refused: number;
}

const PLAN_TASK = 'create-upgrade-plan';
const REJECTION = 'Please add the Valkey switch-over to the timeline and say who checks the cache afterwards.';
/** A blocked step is retried this often by the CSE before it is skipped (and the skip recorded with its reason). */
const RETRIES_BEFORE_SKIP = 2;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Arguments are quoted for a POSIX shell only where needed, so the printed line can be pasted. */
export function shellLine(args: string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Runs one `cuo` command in this process, printing it and its output; returns the exit code. */
export async function cuo(args: string[], print: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  print(`$ npx cuo ${shellLine(args)}`);
  const indent = (text: string) =>
    text
      .replace(/\n$/, '')
      .split('\n')
      .forEach((line) => print(`    ${line}`));
  const io: Io = {
    style: plainStyle(),
    out: indent,
    err: indent,
    json: (value) => indent(JSON.stringify(value, null, 2)),
    now: () => Date.now(),
  };
  return run(args, io, env);
}

export async function autopilot(options: AutopilotOptions): Promise<AutopilotResult> {
  const { client, projectId, print, pauseMs, signal } = options;
  const handle = client.workflow.getHandle(workflowIdFor(projectId));
  let rejectPlan = options.rejectPlanOnce ?? true;
  const retries = new Map<string, number>();
  let decisions = 0;
  let refused = 0;
  let status: ProjectStatus | undefined;
  while (!signal.aborted) {
    try {
      status = await handle.query(statusQuery);
    } catch {
      // The worker is still starting, or busy: ask again shortly.
      await sleep(500, signal);
      continue;
    }
    if (status.state !== 'running') break;
    const next = status.awaiting[0];
    if (!next) {
      await sleep(300, signal);
      continue;
    }
    let args: string[];
    let actor: string;
    if (next.state === 'blocked') {
      actor = options.cse;
      const tried = retries.get(next.gateId) ?? 0;
      retries.set(next.gateId, tried + 1);
      args =
        tried < RETRIES_BEFORE_SKIP
          ? ['retry', projectId, next.gateId]
          : ['skip', projectId, next.gateId, '-m', 'Skipped by the demo autopilot after two retries'];
    } else {
      actor = next.actors[0]!;
      if (next.gateId === PLAN_TASK && rejectPlan) {
        rejectPlan = false;
        args = ['reject', projectId, next.gateId, '-m', REJECTION];
      } else {
        args = ['approve', projectId, next.gateId];
      }
    }
    // The person reads the message first (its delivery line appears meanwhile), then decides.
    await sleep(pauseMs, signal);
    if (signal.aborted) break;
    const env = await options.people.envOf(actor);
    print(`# as ${actor}`);
    const code = await cuo(args, print, env);
    decisions += 1;
    // 3: refused, e.g. the task moved on between the query and the decision; the next query shows where it is.
    if (code !== 0) refused += 1;
  }
  if (!status) status = await handle.query(statusQuery);
  return { status, decisions, refused };
}
