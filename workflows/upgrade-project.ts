/**
 * `upgradeProject`: one Adobe Commerce upgrade, from plan to post-launch, as a durable workflow. Each task runs its
 * automation activities, then waits for the decision of its Owner role; rejections send the project back, failing
 * automation blocks the task until a person retries or skips it, production steps wait for CAB and a change window.
 *
 * This function keeps what must happen once, in this order: the patches (all asked before the first await), the
 * check of the project file, the handlers, the loop (workflows/project-run.ts) and the wrap-up. The public contract
 * is workflows/contract.ts; the playbook is data (workflows/playbook.ts); the state and its rules are ProjectState.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  patched,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpgradeActivities } from '../activities/contract';
import type { UpgradeProjectResult } from './final-report';
import { registerHandlers, registerStatusViews } from './handlers';
import { statusQuery } from './messages';
import { playbookOf } from './playbook';
import type { ProjectFile, ProjectInput, ProjectValidation } from './project-input';
import { PATCH_SET_ID } from './patch-set';
import { ProjectRun } from './project-run';
import { ProjectState, statusWhileChecking } from './project-state';
import { deliverUpdatesAfterWorkflowCode } from './update-ordering';
import { WORKFLOW_INPUT_VERSION, type UpgradeTunables, type UpgradeWorkflowInput } from './workflow-input';

export async function upgradeProject(input: UpgradeWorkflowInput): Promise<UpgradeProjectResult> {
  // ---- patches: every one asked here, before the first await (README, "Changing the workflow", lists them) ----
  /**
   * Every patch below in one marker (issue #16): each `patched()` of a new project records a marker and makes the SDK
   * upsert TemporalChangeVersion with the whole list so far, 11 markers and 11 growing upserts (~7 KB) per project.
   * A project started since this marker asks nothing else: all the patches up to `lean-result-and-upserts` hold for
   * it. A history without it (every older project, and the v7 recordings) replays asking each patch as before.
   * A patch added after this one is asked on its own, after it.
   */
  const patchSet = patched(PATCH_SET_ID);
  /**
   * Handlers only change state; the commands that follow (search attribute upserts, cancelling the work) are issued
   * by the workflow's own coroutines. A command issued inside an update handler can land in a different place of
   * the workflow task on replay, and the project then fails every task with a nondeterminism error (TMPRL1100), as
   * the kill -9 and server restart tests showed. Histories recorded before this change replay the old way.
   */
  const commandsFromMain = patchSet || patched('commands-from-main-coroutine');
  // An update that rides with an activity result waits until the workflow code has reacted to that result, on a
  // cold worker as on replay (see update-ordering.ts). Histories recorded before this change replay as they ran.
  if (patchSet || patched('updates-after-workflow-code')) deliverUpdatesAfterWorkflowCode();
  // Decisions prove who sent them: a signed assertion from the approvals gateway, verified here. Projects started
  // before keep the rule they started with (the actor named in the payload, checked against the participants).
  const signedDecisions = patchSet || patched('decisions-need-signed-assertions');
  // A new project's file is checked by a local activity, older ones in the workflow (see validatedProject).
  const checkedByLocalActivity = patchSet || patched('project-checked-by-local-activity');
  // Since when, which tasks and how much rework are search attributes: the board is one visibility query.
  const boardAttributes = patchSet || patched('board-search-attributes');
  // A CAB rejection tells the task's owner and contributors, with the reason, as a task rejection always did.
  const cabRejectionNotifies = patchSet || patched('cab-rejection-notifies');
  // After an outage a wait reminds once and resumes its period, instead of one message per missed period at once.
  const remindersSkipMissed = patchSet || patched('reminders-skip-missed-periods');
  // History stays bounded: the run continues as new before Temporal's limits, carrying the project (with its audit
  // trail archived), and comments and acknowledgements are rate-limited per person.
  const boundedHistory = patchSet || patched('bounded-history');
  // Smaller history (issue #16): activities get the project file's hash, not the file (the worker keeps or reads it),
  // and the search attributes are upserted once per workflow task with the state at its end (publisher.ts).
  const leanHistory = patchSet || patched('lean-history');
  // A long life (issue #12): the run also continues as new while it waits for a change window (which can be days
  // away) and between the steps of a task, so a flood of messages there cannot reach Temporal's per-run limits.
  const continueAsNewAnywhere = patchSet || patched('continue-as-new-anywhere');
  // Smaller history still (issue #16): the result keeps each signed assertion's sha256, not the assertion (it is in
  // the event that carried it), and an upsert names only the search attributes that changed.
  const leanResultAndUpserts = patchSet || patched('lean-result-and-upserts');
  // Every patch is asked before the first await: on replay, the SDK core refuses a patch marker that follows a local
  // activity's marker in the same workflow task ("no corresponding change command"), as the worker restart test showed.

  if (input?.version !== WORKFLOW_INPUT_VERSION) {
    throw ApplicationFailure.nonRetryable(`workflow input version must be ${WORKFLOW_INPUT_VERSION}`, 'InvalidInput');
  }
  const playbook = playbookOf(input.playbookVersion);
  if (!playbook) {
    throw ApplicationFailure.nonRetryable(
      `playbook version ${input.playbookVersion} is unknown to this worker; deploy a worker that has it`,
      'InvalidInput',
    );
  }
  const { workflowId } = workflowInfo();
  const now = () => new Date().toISOString();
  const options = { ...(signedDecisions ? { trust: input.trust ?? { keys: [] } } : {}), boundedHistory };
  const continued = boundedHistory ? input.continued : undefined;
  let state: ProjectState;
  if (continued) {
    // A continued run: the project was checked by its first run; its state and the loop's place come with it.
    state = ProjectState.restore(workflowId, continued.project, now, options, playbook, continued.state);
  } else {
    const checking = statusWhileChecking(workflowId, input.project, now());
    setHandler(statusQuery, () => checking);
    registerStatusViews(() => checking);
    // The tunables are checked with the file (new projects): a raw start cannot set 0 hours of Adobe's notice.
    const project = await validatedProject(input.project, input.tunables, checkedByLocalActivity);
    state = new ProjectState(workflowId, project, now, options, playbook);
  }
  const { continued: _previous, ...restart } = input;
  const run = new ProjectRun(
    state,
    { workflowId, project: state.project },
    {
      tunables: input.tunables ?? {},
      commandsFromMain,
      boardAttributes,
      cabRejectionNotifies,
      remindersSkipMissed,
      ...(boundedHistory ? { continueAsNewFrom: restart } : {}),
      leanHistory,
      continueAsNewAnywhere,
      leanResultAndUpserts,
    },
  );

  // Handlers before the work's first await: the SDK buffers signals and updates that arrive while the project file
  // is checked, and delivers them as each handler is set.
  registerHandlers(state, run);
  run.watchCancel();
  await run.runPlaybook(continued?.cursor);

  // Wrap-up runs even after cancellation: people are told, the report is kept.
  return CancellationScope.nonCancellable(async () => {
    const result = await run.wrapUp();
    await condition(allHandlersFinished);
    return result;
  });
}

/**
 * The project file, checked, with its defaults filled in; a file that does not pass fails the project at once with
 * every problem by field. A new project is checked by a local activity: the check is zod, and every module of the
 * workflow bundle is instantiated once per cached workflow, which made zod ~1.4 MB of the ~1.7 MB each open
 * project cost the worker (issue #6). Projects started before this change checked the file in the workflow; their
 * histories still replay that way, loading the schema only then.
 */
async function validatedProject(
  projectFile: ProjectFile,
  tunables: UpgradeTunables | undefined,
  byLocalActivity: boolean,
): Promise<ProjectInput> {
  let validation: ProjectValidation;
  if (byLocalActivity) {
    const { validateProject } = proxyLocalActivities<UpgradeActivities>({
      startToCloseTimeout: '30s',
      retry: { maximumAttempts: 3, initialInterval: '1s' },
    });
    validation = await validateProject(projectFile, tunables);
  } else {
    // A lazy require: webpack then instantiates project-input (and zod) only when an old history replays.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { validateProjectInput } = require('./project-input') as typeof import('./project-input');
    validation = validateProjectInput(projectFile);
  }
  if (validation.ok) return validation.project;
  const problems = validation.problems.map((p) => `${p.field}: ${p.message}`);
  throw ApplicationFailure.nonRetryable(`invalid project file: ${problems.join('; ')}`, 'InvalidProject', problems);
}
