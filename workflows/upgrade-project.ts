/**
 * `upgradeProject`: one Adobe Commerce upgrade, from plan to post-launch, as a durable workflow. Each task runs its
 * automation activities, then waits for the decision of its Owner role; rejections send the project back, failing
 * automation blocks the task until a person retries or skips it, production steps wait for CAB and a change window.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AutomationResult, NotificationRequest, ProjectContext, UpgradeActivities, WindowRef } from '../activities/contract';
import { nextChangeWindow } from './change-window';
import { renderCurrentDetails } from './current-details';
import { durationToMs } from './durations';
import { buildResult, renderFinalReport, type UpgradeProjectResult } from './final-report';
import { formatProblems } from './field-problems';
import { checkCancelPayload, checkDecisionPayload, checkSignalPayload, checkTrustPayload, type Checked } from './message-checks';
import {
  approveSignal,
  cancelUpdate,
  commentSignal,
  decideUpdate,
  rejectSignal,
  statusQuery,
  trustUpdate,
  type DecisionPayload,
  type DecisionResult,
  type TrustResult,
} from './messages';
import { PLAYBOOK_TASKS, isCabGateId, type AutomationStep, type CabGateId, type PlaybookTask } from './playbook';
import type { ProjectFile, ProjectInput, ProjectValidation } from './project-input';
import { ProjectState, statusWhileChecking, type Gate } from './project-state';
import type { ProjectTrustInput } from './project-trust';
import type { Role } from './roles';
import {
  UpgradeAwaitingActors,
  UpgradeAwaitingRoles,
  UpgradeCustomer,
  UpgradeOverdue,
  UpgradePhase,
  UpgradeProjectId,
  UpgradeTargetVersion,
} from './search-attributes';
import { deliverUpdatesAfterWorkflowCode } from './update-ordering';

export const WORKFLOW_INPUT_VERSION = 1 as const;

/** Knobs that tests and operators turn; production defaults suit a weeks-long project. */
export interface UpgradeTunables {
  /** Attempts before a failing automation step blocks its task. */
  activityMaximumAttempts?: number;
  activityInitialInterval?: string;
  activityMaximumInterval?: string;
  activityStartToClose?: string;
  /** Weekday hours of notice a production infrastructure change needs (Adobe: 48). */
  productionNoticeHours?: number;
}

export interface UpgradeWorkflowInput {
  version: typeof WORKFLOW_INPUT_VERSION;
  project: ProjectFile;
  tunables?: UpgradeTunables;
  /**
   * The approvals-gateway keys whose signed assertions the project accepts (`cuo start` asks the gateway for them).
   * Every decision of a project started since signed decisions needs one; without keys it takes no decision.
   */
  trust?: ProjectTrustInput;
}

type TaskOutcome = { kind: 'approved' } | { kind: 'rejected'; backTo: PlaybookTask['id'] };

export async function upgradeProject(input: UpgradeWorkflowInput): Promise<UpgradeProjectResult> {
  if (input?.version !== WORKFLOW_INPUT_VERSION) {
    throw ApplicationFailure.nonRetryable(`workflow input version must be ${WORKFLOW_INPUT_VERSION}`, 'InvalidInput');
  }
  /**
   * Handlers only change state; the commands that follow (search attribute upserts, cancelling the work) are issued
   * by the workflow's own coroutines. A command issued inside an update handler can land in a different place of
   * the workflow task on replay, and the project then fails every task with a nondeterminism error (TMPRL1100), as
   * the kill -9 and server restart tests showed. Histories recorded before this change replay the old way.
   */
  const commandsFromMain = patched('commands-from-main-coroutine');
  // An update that rides with an activity result waits until the workflow code has reacted to that result, on a
  // cold worker as on replay (see update-ordering.ts). Histories recorded before this change replay as they ran.
  if (patched('updates-after-workflow-code')) deliverUpdatesAfterWorkflowCode();
  // Decisions prove who sent them: a signed assertion from the approvals gateway, verified here. Projects started
  // before keep the rule they started with (the actor named in the payload, checked against the participants).
  const signedDecisions = patched('decisions-need-signed-assertions');
  // Every patch is asked before the first await: on replay, the SDK core refuses a patch marker that follows a local
  // activity's marker in the same workflow task ("no corresponding change command"), as the worker restart test showed.
  const { workflowId } = workflowInfo();
  const checking = statusWhileChecking(workflowId, input.project, new Date().toISOString());
  setHandler(statusQuery, () => checking);
  // The tunables are checked with the file (new projects): a raw start cannot set 0 hours of Adobe's notice.
  const project = await validatedProject(input.project, input.tunables);
  const tunables = input.tunables ?? {};
  const state = new ProjectState(workflowId, project, () => new Date().toISOString(), signedDecisions ? { trust: input.trust ?? { keys: [] } } : {});
  const ctx: ProjectContext = { workflowId, project };
  const work = new CancellationScope();

  const retry = {
    maximumAttempts: tunables.activityMaximumAttempts ?? 5,
    initialInterval: durationToMs(tunables.activityInitialInterval ?? '10s'),
    maximumInterval: durationToMs(tunables.activityMaximumInterval ?? '10m'),
    backoffCoefficient: 2,
  };
  const acts = proxyActivities<UpgradeActivities>({
    startToCloseTimeout: durationToMs(tunables.activityStartToClose ?? '30m'),
    heartbeatTimeout: '2m',
    retry,
  });
  // Post-launch monitoring runs for days: its timeout follows the project's period; it heartbeats its samples.
  const monitoring = proxyActivities<UpgradeActivities>({
    startToCloseTimeout: durationToMs(project.postLaunch.monitorFor) + 3_600_000,
    heartbeatTimeout: '5m',
    retry,
  });
  // Telling people must never block or fail the project: bounded retries, failures are recorded.
  const messenger = proxyActivities<UpgradeActivities>({
    startToCloseTimeout: '1m',
    retry: { ...retry, maximumAttempts: 3 },
  });

  // ---- handlers first, before the work's first await (the SDK buffers signals and updates that arrive while the
  // project file is checked, and delivers them as each handler is set) ----

  const publish = makePublisher(state);
  let dirty = false;
  const changed = () => {
    if (commandsFromMain) dirty = true;
    else publish();
  };
  const publishIfChanged = () => {
    if (!dirty) return;
    dirty = false;
    publish();
  };

  setHandler(statusQuery, () => state.status());

  setHandler(
    decideUpdate,
    (payload): DecisionResult => {
      const decision = checked(checkDecisionPayload(payload), 'decision');
      const verdict = state.validate(decision);
      if (!verdict.ok) throw ApplicationFailure.nonRetryable(verdict.reason, 'DecisionRefused');
      if (verdict.duplicateOf) return verdict.duplicateOf;
      const result = state.apply(decision, 'update', verdict.proof);
      changed();
      return result;
    },
    {
      validator: (payload) => {
        const decision = checkDecisionPayload(payload);
        if (!decision.success) throw new Error(`malformed decision: ${formatProblems(decision.problems)}`);
        const verdict = state.validate(decision.data);
        if (!verdict.ok) {
          log.warn('decision refused', { ...auditFields(decision.data), reason: verdict.reason });
          throw new Error(verdict.reason);
        }
      },
    },
  );

  setHandler(
    cancelUpdate,
    (payload): DecisionResult => {
      const request = checked(checkCancelPayload(payload), 'cancellation');
      const verdict = state.validateCancel(request);
      if (!verdict.ok) throw ApplicationFailure.nonRetryable(verdict.reason, 'CancelRefused');
      if (verdict.duplicateOf) return verdict.duplicateOf;
      const result = state.applyCancel(request, verdict.proof);
      if (!commandsFromMain) work.cancel();
      return result;
    },
    {
      validator: (payload) => {
        const request = checkCancelPayload(payload);
        if (!request.success) throw new Error(`malformed cancellation: ${formatProblems(request.problems)}`);
        const verdict = state.validateCancel(request.data);
        if (!verdict.ok) throw new Error(verdict.reason);
      },
    },
  );

  // Signals cannot answer, so a refused one is recorded in the audit trail and changes nothing else.
  // The signal's name is its decision: a payload carrying fields of its own (a `decision`, an `evidence`) is refused,
  // never read as something else than what the sender wrote.
  const onSignal = (decision: 'approve' | 'reject' | 'comment') => (raw: unknown) => {
    const signal = checkSignalPayload(raw);
    if (!signal.success) {
      state.refuse(raw, `malformed ${decision} signal: ${formatProblems(signal.problems)}`, 'signal');
      return;
    }
    const payload: DecisionPayload = { ...signal.data, decision };
    const verdict = state.validate(payload);
    if (!verdict.ok) {
      state.refuse(payload, verdict.reason, 'signal');
      return;
    }
    if (verdict.duplicateOf) return;
    state.apply(payload, 'signal', verdict.proof);
    changed();
  };
  setHandler(approveSignal, onSignal('approve'));
  setHandler(rejectSignal, onSignal('reject'));
  setHandler(commentSignal, onSignal('comment'));
  // Key rotation: the gateway's new key is added by an assertion signed with a key the project trusts now.
  setHandler(
    trustUpdate,
    (payload): TrustResult => {
      const rotation = checked(checkTrustPayload(payload), 'key rotation');
      const verdict = state.validateTrust(rotation);
      if (!verdict.ok) throw ApplicationFailure.nonRetryable(verdict.reason, 'TrustRefused');
      return state.applyTrust(rotation);
    },
    {
      validator: (payload) => {
        const rotation = checkTrustPayload(payload);
        if (!rotation.success) throw new Error(`malformed key rotation: ${formatProblems(rotation.problems)}`);
        const verdict = state.validateTrust(rotation.data);
        if (!verdict.ok) throw new Error(verdict.reason);
      },
    },
  );
  // Cancellation accepted by the `cancel` update is carried out here, outside the handler.
  // Outside the root scope, so cancelling the workflow through Temporal (the UI, `temporal workflow cancel`) does not
  // reject this wait with nobody to catch it: that failed every workflow task and wedged the project (issue #12).
  if (commandsFromMain) {
    void CancellationScope.nonCancellable(() => condition(() => state.cancelled !== undefined)).then(() => work.cancel());
  }

  // ---- helpers over state ----

  const notify = async (request: Omit<NotificationRequest, 'idempotencyKey'> & { key: string }): Promise<void> => {
    const { key, ...rest } = request;
    try {
      await messenger.sendNotification.executeWithOptions(
        { summary: `notify ${rest.to.join(', ')}: ${rest.kind} ${rest.taskId ?? ''}`.trim() },
        [ctx, { ...rest, idempotencyKey: `${workflowId}/${key}` }],
      );
    } catch (err) {
      if (isCancellation(err)) throw err;
      state.record({ kind: 'automation', gateId: rest.taskId, via: 'workflow', reason: `notification ${rest.kind} not delivered: ${messageOf(err)}` });
    }
  };

  const remindMs = durationToMs(project.timing.remindAfter);
  const escalateMs = durationToMs(project.timing.escalateAfter);

  /**
   * Waits for people on a gate (a decision, or the resolution of a blocked step). Never decides by timer: timers
   * only remind the awaited role and escalate to the CSE, repeatedly, and mark the gate overdue.
   */
  const waitForPeople = async (
    gate: Gate,
    done: () => boolean,
    awaitedRoles: Role[],
    awaiting: 'decision' | 'retry-or-skip',
  ): Promise<void> => {
    const since = Date.now();
    let nextReminder = since + remindMs;
    let nextEscalation = since + escalateMs;
    for (;;) {
      const wake = Math.min(nextReminder, nextEscalation);
      await condition(() => done() || dirty, Math.max(wake - Date.now(), 1));
      publishIfChanged();
      if (done()) return;
      const now = Date.now();
      if (now < wake) continue; // woken by a decision that did not finish the wait (a comment, a first approval)
      if (now >= nextEscalation) {
        gate.escalations += 1;
        gate.overdue = true;
        state.record({ kind: 'escalation', gateId: gate.id, via: 'workflow', reason: `waiting since ${new Date(since).toISOString()}` });
        publish();
        await notify({ kind: 'escalation', taskId: gate.id, taskTitle: gate.title, to: ['managed-services'], actors: awaitedRoles, awaiting, since: new Date(since).toISOString(), key: `${gate.id}/r${gate.rounds}/escalation/${gate.escalations}` });
        nextEscalation += escalateMs;
      }
      if (now >= nextReminder) {
        gate.reminders += 1;
        state.record({ kind: 'reminder', gateId: gate.id, via: 'workflow', reason: `reminder ${gate.reminders} to ${awaitedRoles.join(', ')}` });
        await notify({ kind: 'reminder', taskId: gate.id, taskTitle: gate.title, to: awaitedRoles, actors: awaitedRoles, awaiting, since: new Date(since).toISOString(), key: `${gate.id}/r${gate.rounds}/reminder/${gate.reminders}` });
        nextReminder += remindMs;
      }
    }
  };

  /** Asks the gate's owner to decide and waits; returns whether it was approved. */
  const awaitDecision = async (gate: Gate): Promise<{ approved: boolean; reason: string; actor: string }> => {
    state.setState(gate, 'awaiting-approval');
    publish();
    await notify({
      kind: 'awaiting-decision',
      taskId: gate.id,
      taskTitle: gate.title,
      to: [gate.owner, ...gate.contributors],
      actors: [gate.owner],
      evidence: state.evidenceOf(gate).map((a) => a.id),
      key: `${gate.id}/r${gate.rounds}/awaiting`,
    });
    await waitForPeople(gate, () => gate.state === 'approved' || gate.state === 'rejected', [gate.owner], 'decision');
    const last = [...state.audit].reverse().find((e) => e.kind === 'decision' && e.gateId === gate.id && (e.decision === 'reject' || e.decision === 'approve'));
    return { approved: gate.state === 'approved', reason: last?.comment ?? '', actor: last?.actor ?? '' };
  };

  /** Runs one automation step; a step that still fails after its retries blocks the task until a person decides. */
  const runStep = async (gate: Gate, step: AutomationStep, call: () => Promise<AutomationResult>): Promise<void> => {
    for (;;) {
      try {
        const result = await call();
        gate.steps.push({ step, status: 'done', at: new Date().toISOString(), summary: result.summary, passed: result.passed, artifact: result.artifact, facts: result.facts });
        state.record({ kind: 'automation', gateId: gate.id, via: 'workflow', reason: `${step}: ${result.summary}`, evidence: [result.artifact.id] });
        publish();
        return;
      } catch (err) {
        if (isCancellation(err)) throw err;
        const error = messageOf(err);
        gate.blocked = { step, error, at: new Date().toISOString() };
        gate.blockedResolution = undefined;
        state.setState(gate, 'blocked');
        state.record({ kind: 'blocked', gateId: gate.id, via: 'workflow', reason: `${step}: ${error}` });
        publish();
        const deciders: Role[] = gate.owner === 'managed-services' ? ['managed-services'] : [gate.owner, 'managed-services'];
        await notify({ kind: 'blocked', taskId: gate.id, taskTitle: gate.title, to: deciders, actors: deciders, reason: `${step} failed: ${error}`, key: `${gate.id}/r${gate.rounds}/blocked/${step}/${state.audit.length}` });
        await waitForPeople(gate, () => gate.blockedResolution !== undefined, deciders, 'retry-or-skip');
        const resolution = gate.blockedResolution;
        gate.blockedResolution = undefined;
        gate.blocked = undefined;
        state.setState(gate, 'running');
        publish();
        if (resolution === 'skip') {
          const reason = [...state.audit].reverse().find((e) => e.gateId === gate.id && e.decision === 'skip')?.comment ?? '';
          gate.steps.push({ step, status: 'skipped', at: new Date().toISOString(), summary: `skipped: ${reason}` });
          return;
        }
      }
    }
  };

  /** Shows the gate waiting for `window` and sleeps until it opens. */
  const sleepUntilOpen = async (gate: Gate, window: WindowRef): Promise<void> => {
    gate.window = window;
    state.setState(gate, 'waiting-window');
    state.record({ kind: 'window', gateId: gate.id, via: 'workflow', reason: `change window ${window.startIso} – ${window.endIso}` });
    publish();
    const wait = Date.parse(window.startIso) - Date.now();
    if (wait > 0) await sleep(wait, { summary: `change window opens ${window.startIso}` });
  };

  const resumeRunning = (gate: Gate): void => {
    state.setState(gate, 'running');
    publish();
  };

  /** Sleeps until a change window opens; a window missed meanwhile (worker down, late approval) rolls to the next. */
  const waitForWindow = async (gate: Gate, noticeHours: number): Promise<WindowRef> => {
    let window = nextChangeWindow(project.changeWindows, Date.now(), noticeHours);
    for (;;) {
      await sleepUntilOpen(gate, window);
      if (Date.now() < Date.parse(window.endIso)) break;
      window = nextChangeWindow(project.changeWindows, Date.now(), noticeHours);
    }
    resumeRunning(gate);
    return window;
  };

  const noticeHours = tunables.productionNoticeHours ?? 48;
  let productionChangeWindow: WindowRef | undefined;

  const automation: Record<Exclude<AutomationStep, CabGateId>, (gate: Gate) => Promise<AutomationResult>> = {
    draftUpgradePlan: () => acts.draftUpgradePlan.executeWithOptions({ summary: 'Draft the upgrade plan from the repository and requirements' }, [ctx]),
    determineInfrastructureChanges: () =>
      acts.determineInfrastructureChanges.executeWithOptions({ summary: `Diff services against ${project.targetVersion} requirements` }, [ctx]),
    assessUpgradeComplexity: () =>
      acts.assessUpgradeComplexity.executeWithOptions({ summary: 'Inventory packages and read the UCT report' }, [ctx]),
    scheduleInfrastructureConference: () =>
      acts.scheduleConference.executeWithOptions({ summary: 'Invite participants to the infrastructure upgrade event' }, [
        ctx,
        { event: 'infrastructure-upgrade', window: nextChangeWindow(project.changeWindows, Date.now(), noticeHours) },
      ]),
    requestStagingInfrastructureChange: () =>
      acts.requestInfrastructureChange.executeWithOptions({ summary: 'Request the service changes on Staging' }, [
        ctx,
        { environment: 'staging', window: nextChangeWindow(project.changeWindows, Date.now()) },
      ]),
    migrateProductionDataToStaging: () =>
      acts.migrateProductionDataToStaging.executeWithOptions({ summary: 'Migrate Production data to Staging' }, [ctx]),
    requestProductionInfrastructureChange: async () => {
      const window = nextChangeWindow(project.changeWindows, Date.now(), noticeHours);
      const result = await acts.requestInfrastructureChange.executeWithOptions(
        { summary: `Request the Production service changes for ${window.startIso}` },
        [ctx, { environment: 'production', window }],
      );
      productionChangeWindow = window;
      return result;
    },
    prepareUpgradeBranch: () =>
      acts.prepareUpgradeBranch.executeWithOptions({ summary: `Create the upgrade branch for ${project.targetVersion}` }, [ctx]),
    runPostUpgradeRunbook: () =>
      acts.runPostUpgradeRunbook.executeWithOptions({ summary: 'Run the post-upgrade runbook on Staging' }, [
        ctx,
        { environment: 'staging', purpose: 'post-upgrade-checks' },
      ]),
    runPerformanceTest: () => acts.runPerformanceTest.executeWithOptions({ summary: 'Bounded load test of Staging' }, [ctx]),
    runSecurityChecks: () =>
      acts.runSecurityChecks.executeWithOptions({ summary: 'Security checks of Staging' }, [ctx, { environment: 'staging' }]),
    validateStaging: () =>
      acts.runPostUpgradeRunbook.executeWithOptions({ summary: 'CSE validation run on Staging' }, [
        ctx,
        { environment: 'staging', purpose: 'uat-validation' },
      ]),
    scheduleLaunchConference: () =>
      acts.scheduleConference.executeWithOptions({ summary: 'Invite participants to the launch event' }, [
        ctx,
        { event: 'launch', window: nextChangeWindow(project.changeWindows, Date.now()) },
      ]),
    deployToProduction: async (gate) => {
      const window = await waitForWindow(gate, 0);
      // Production gets exactly the commit the partner's approval of the code update named (or the evidence then).
      const approvedCommit = state.approvedCommit('update-code-base');
      return acts.deployToProduction.executeWithOptions({ summary: `Deploy to Production in the window from ${window.startIso}` }, [
        ctx,
        { window, ...(approvedCommit ? { approvedCommit } : {}) },
      ]);
    },
    monitorProduction: () => monitoring.monitorProduction.executeWithOptions({ summary: `Monitor Production for ${project.postLaunch.monitorFor}` }, [ctx]),
  };

  const runTask = async (task: PlaybookTask): Promise<TaskOutcome> => {
    const gate = state.gate(task.id);
    state.phase = task.phase;
    state.startRound(gate);
    publish();
    for (const step of task.automation) {
      if (isCabGateId(step)) {
        const cab = state.gate(step);
        state.startRound(cab);
        const verdict = await awaitDecision(cab);
        if (!verdict.approved) {
          // CAB said no: the task is redone from its start (new change request, new CAB round).
          state.sendBack(cab, task.id, verdict.reason, verdict.actor);
          return { kind: 'rejected', backTo: task.id };
        }
        state.setState(gate, 'running');
        continue;
      }
      await runStep(gate, step, () => automation[step](gate));
      if (step === 'requestProductionInfrastructureChange' && productionChangeWindow) {
        // The change happens inside the window; the CSE confirms it by approving the task afterwards.
        await sleepUntilOpen(gate, productionChangeWindow);
        resumeRunning(gate);
      }
    }
    const verdict = await awaitDecision(gate);
    if (verdict.approved) return { kind: 'approved' };
    state.sendBack(gate, task.reworkFrom, verdict.reason, verdict.actor);
    await notify({
      kind: 'rejected',
      taskId: gate.id,
      taskTitle: gate.title,
      to: [...new Set<Role>([gate.owner, ...gate.contributors, state.gate(task.reworkFrom).owner])],
      actors: [state.gate(task.reworkFrom).owner],
      reason: verdict.reason,
      backTo: task.reworkFrom,
      actor: verdict.actor,
      key: `${gate.id}/r${gate.rounds}/rejected`,
    });
    return { kind: 'rejected', backTo: task.reworkFrom };
  };

  // ---- the playbook ----

  upsertSearchAttributes([
    { key: UpgradeProjectId, value: project.projectId },
    { key: UpgradeCustomer, value: project.customer },
    { key: UpgradeTargetVersion, value: project.targetVersion },
  ]);
  publish();

  try {
    await work.run(async () => {
      let index = 0;
      while (index < PLAYBOOK_TASKS.length) {
        const task = PLAYBOOK_TASKS[index]!;
        const outcome = await runTask(task);
        index = outcome.kind === 'approved' ? index + 1 : PLAYBOOK_TASKS.findIndex((t) => t.id === outcome.backTo);
      }
    });
    state.state = 'completed';
    state.phase = 'completed';
  } catch (err) {
    if (!isCancellation(err)) throw err;
    state.state = 'cancelled';
    state.phase = 'cancelled';
    state.cancelled ??= { actor: 'temporal', reason: 'the workflow was cancelled through Temporal', at: new Date().toISOString() };
    for (const gate of state.gates) {
      if (gate.state !== 'approved' && gate.state !== 'pending') state.setState(gate, 'cancelled');
    }
  }
  state.completedAt = new Date().toISOString();
  dirty = false;
  publish();

  // Wrap-up runs even after cancellation: people are told, the report is kept.
  return CancellationScope.nonCancellable(async () => {
    await notify({
      kind: state.state === 'cancelled' ? 'cancelled' : 'completed',
      to: ['customer', 'partner', 'managed-services'],
      reason: state.cancelled?.reason,
      actor: state.cancelled?.actor,
      key: `project/${state.state}`,
    });
    const result = buildResult(state.status(), state.completedAt!);
    try {
      state.report = await messenger.storeFinalReport.executeWithOptions({ summary: 'Store the final report' }, [
        ctx,
        { projectId: project.projectId, outcome: result.outcome, markdown: renderFinalReport(result, state.status()) },
      ]);
    } catch (err) {
      state.record({ kind: 'automation', via: 'workflow', reason: `final report not stored: ${messageOf(err)}` });
    }
    publish();
    await condition(allHandlersFinished);
    return { ...result, report: state.report };
  });
}

/** Keeps search attributes and the UI's current details in step with the state, upserting only what changed. */
function makePublisher(state: ProjectState): () => void {
  let last = '';
  return () => {
    const status = state.status();
    const roles = [...new Set(status.awaiting.flatMap((a) => a.roles))].sort();
    const actors = [...new Set(status.awaiting.flatMap((a) => a.actors))].sort();
    const overdue = status.awaiting.some((a) => a.overdue);
    const key = JSON.stringify([status.phase, roles, actors, overdue]);
    if (key !== last) {
      last = key;
      upsertSearchAttributes([
        { key: UpgradePhase, value: status.phase },
        { key: UpgradeAwaitingRoles, value: roles },
        { key: UpgradeAwaitingActors, value: actors },
        { key: UpgradeOverdue, value: overdue },
      ]);
    }
    setCurrentDetails(renderCurrentDetails(status));
  };
}

function auditFields(payload: DecisionPayload) {
  return { taskId: payload.taskId, actor: payload.actor, role: payload.role, decision: payload.decision, requestId: payload.requestId };
}

/** The innermost message of a failure chain: what a person needs to read to fix the cause. */
function messageOf(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  while (current instanceof Error && current.cause) {
    current = current.cause;
    if (current instanceof Error && current.message) message = current.message;
  }
  return message.slice(0, 2000);
}

/** What a handler works with once its validator passed; the check runs again because validators can be skipped on replay. */
function checked<T>(result: Checked<T>, what: string): T {
  if (result.success) return result.data;
  throw ApplicationFailure.nonRetryable(`malformed ${what}: ${formatProblems(result.problems)}`, 'MalformedPayload');
}

/**
 * The project file, checked, with its defaults filled in; a file that does not pass fails the project at once with
 * every problem by field. A new project is checked by a local activity: the check is zod, and every module of the
 * workflow bundle is instantiated once per cached workflow, which made zod ~1.4 MB of the ~1.7 MB each open
 * project cost the worker (issue #6). Projects started before this change checked the file in the workflow; their
 * histories still replay that way, loading the schema only then.
 */
async function validatedProject(projectFile: ProjectFile, tunables: UpgradeTunables | undefined): Promise<ProjectInput> {
  let validation: ProjectValidation;
  if (patched('project-checked-by-local-activity')) {
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
