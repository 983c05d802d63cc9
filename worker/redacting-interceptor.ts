/**
 * The worker's edge for everything an activity hands back to Temporal (issue #12, finding 2): failure messages,
 * their stacks, details and causes, results (summaries, facts) and heartbeat details are redacted of every
 * configured secret and capped, whatever the activity did. An activity that ran a command whose output held
 * SMTP_URL could otherwise put the password into the workflow history, for anyone who can read the namespace.
 */
import type { Context } from '@temporalio/activity';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { Redactor } from '../activities/policy/redaction';

/** What a blocked reason or a summary may carry into history: one readable paragraph, not a command's log. */
export const MAX_FAILURE_MESSAGE = 2000;
export const MAX_SUMMARY = 1000;
const MAX_STACK = 4000;
const MAX_RESULT_STRING = 8000;

function redactError(error: unknown, redactor: Redactor, depth = 0): unknown {
  if (!(error instanceof Error) || depth > 5) return error;
  // In place: the failure's class (ApplicationFailure, CancelledFailure…) and its retry semantics stay as they are.
  const e = error as Error & { details?: unknown; cause?: unknown };
  e.message = redactor.redactCapped(e.message, MAX_FAILURE_MESSAGE);
  if (e.stack) e.stack = redactor.redactCapped(e.stack, MAX_STACK);
  if (Array.isArray(e.details)) e.details = redactor.redactDeep(e.details, MAX_RESULT_STRING);
  if (e.cause !== undefined) e.cause = redactError(e.cause, redactor, depth + 1);
  return e;
}

function redactResult(result: unknown, redactor: Redactor): unknown {
  const safe = redactor.redactDeep(result, MAX_RESULT_STRING);
  if (safe && typeof safe === 'object' && typeof (safe as { summary?: unknown }).summary === 'string') {
    const withSummary = safe as { summary: string };
    withSummary.summary = redactor.redactCapped(withSummary.summary, MAX_SUMMARY);
  }
  return safe;
}

class RedactingInbound implements ActivityInboundCallsInterceptor {
  constructor(private readonly redactor: Redactor) {}

  async execute(...[input, next]: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>): Promise<unknown> {
    try {
      return redactResult(await next(input), this.redactor);
    } catch (error) {
      throw redactError(error, this.redactor);
    }
  }
}

/**
 * Heartbeat details are kept by the server and shown in describe and in a timeout's failure: redacted too. The SDK
 * has no outbound interceptor for heartbeats; `heartbeat` is an own (arrow function) property of each Context,
 * which this factory receives before the activity runs, so it is replaced there.
 */
function redactHeartbeats(ctx: Context, redactor: Redactor): void {
  const original = ctx.heartbeat;
  Object.defineProperty(ctx, 'heartbeat', {
    value: (details?: unknown) => original(redactor.redactDeep(details, MAX_RESULT_STRING)),
    configurable: true,
    writable: true,
  });
}

/** Interceptors for Worker.create({ interceptors: { activity: redactingInterceptors(secrets) } }). */
export function redactingInterceptors(secrets: Iterable<string | undefined>): ActivityInterceptorsFactory[] {
  const redactor = new Redactor(secrets);
  return [
    (ctx) => {
      redactHeartbeats(ctx, redactor);
      return { inbound: new RedactingInbound(redactor) };
    },
  ];
}
