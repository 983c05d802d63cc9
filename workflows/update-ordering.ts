/**
 * Runs updates that arrive together with other work only after the workflow's own code has reacted to that work.
 *
 * Why: the SDK core does not always deliver an update at the same point when a project is replayed as when it first
 * ran. A worker that picks up a project cold (after a restart or a cache eviction), with a query waiting and an
 * update arriving in the same workflow task as an activity result, first hands the activity result to the workflow
 * and only then the update, in a second activation. The history then shows the workflow's commands (search
 * attributes, the notification it schedules) before the update's acceptance. On replay the core delivers both in one
 * activation, the SDK accepts the update before the workflow code runs, and the project fails every workflow task
 * with "[TMPRL1100] Nondeterminism error: Update machine does not handle this event" (seen in the kill -9 test;
 * same family as temporalio/sdk-python#1591 and temporalio/sdk-rust#1146, open at the time of writing).
 *
 * The rule applied here makes both paths the same: when an activation carries updates and other jobs, the other jobs
 * run first, the workflow code runs until it waits again, and then the updates are delivered. Where the core already
 * split them, nothing changes. Validators therefore always see the state that follows the other jobs.
 *
 * The SDK offers internals interceptors only through the worker's bundle options; determinism must not depend on
 * every worker, replayer and test bundling the right module, so the workflow installs this interceptor itself.
 * `maybeGetActivator` is not exported from the package root: test/integration/update-ordering.test.ts replays
 * a history made on a cold worker and fails if an SDK upgrade changes these internals.
 */
import { CancellationScope, condition, type ActivateInput, type Next, type WorkflowInternalsInterceptor } from '@temporalio/workflow';
import { maybeGetActivator } from '@temporalio/workflow/lib/global-attributes';

/**
 * The @temporalio/workflow version whose internals (the activator's interceptor list, activation jobs) this module
 * was verified against: test/unit/sdk-version.test.ts fails when the installed SDK differs, so an upgrade re-runs
 * test/integration/update-ordering.test.ts on purpose and moves this constant, instead of passing by accident.
 */
export const VERIFIED_WORKFLOW_SDK_VERSION = '1.24.0';

type Job = NonNullable<ActivateInput['activation']['jobs']>[number];

const isUpdate = (job: Job): boolean => job.doUpdate != null;
/** Jobs that never resume the workflow's code: an update riding with only these needs no deferral. */
const isPassive = (job: Job): boolean => job.doUpdate != null || job.queryWorkflow != null;

class UpdatesAfterWorkflowCode implements WorkflowInternalsInterceptor {
  private deferred: { input: ActivateInput; next: Next<WorkflowInternalsInterceptor, 'activate'> } | undefined;

  activate(input: ActivateInput, next: Next<WorkflowInternalsInterceptor, 'activate'>): void {
    const jobs = input.activation.jobs ?? [];
    if (!jobs.some(isUpdate) || jobs.every(isPassive)) return next(input);
    const updates = jobs.filter(isUpdate);
    next({ ...input, activation: { ...input.activation, jobs: jobs.filter((job) => !isUpdate(job)) } });
    // Set after the other jobs ran: conditions evaluated while they ran must not see the updates yet.
    this.deferred = { input: { ...input, activation: { ...input.activation, jobs: updates } }, next };
  }

  hasDeferred(): boolean {
    return this.deferred !== undefined;
  }

  /** Delivers the held updates exactly as the SDK would have: validator, acceptance, handler. */
  deliverDeferred(): void {
    const held = this.deferred;
    this.deferred = undefined;
    if (held) held.next(held.input);
  }
}

/**
 * Installs the ordering for the calling workflow. Call once, synchronously, at the top of the workflow function and
 * only behind a `patched` check, so histories recorded before it replay as they ran.
 */
export function deliverUpdatesAfterWorkflowCode(): void {
  const activator = maybeGetActivator();
  if (!activator) throw new Error('deliverUpdatesAfterWorkflowCode must be called from workflow code');
  const interceptor = new UpdatesAfterWorkflowCode();
  activator.interceptors.internals.push(interceptor);
  // Conditions are checked once the activation's jobs and the microtasks they caused have run, i.e. once the
  // workflow code waits again: that is the moment to hand over the held updates. No command, no timer.
  // Not cancellable: a cancellation request through Temporal must not reject this wait unhandled (issue #12).
  void CancellationScope.nonCancellable(async () => {
    for (;;) {
      await condition(() => interceptor.hasDeferred());
      interceptor.deliverDeferred();
    }
  });
}
