/**
 * One run of the playbook for one project: the activity proxies, the publisher and the loop over the tasks.
 * State changes only through ProjectState's named methods; this class decides when, and issues the commands
 * (activities, timers, search attributes) from the workflow's main coroutine.
 *
 * Replay: every recorded history (test/histories) replays through this code. The order of commands per task is
 * the order of the methods below; change it only behind `patched()` (README, "Changing the workflow").
 */
import {
  CancellationScope,
  ContinueAsNew,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActivityContext, NotificationRequest, ProjectContext, UpgradeActivities, WindowRef } from '../activities/contract';
import { activityContext, automationSteps } from './automation';
import { nextChangeWindow } from './change-window';
import { durationToMs } from './durations';
import { innermostMessage } from './failure-text';
import { buildResult, renderFinalReport, type UpgradeProjectResult } from './final-report';
import { notificationKeys } from './notification-keys';
import { isCabStep, type CabGateId, type PlaybookStep, type PlaybookTask, type StepName } from './playbook';
import { resolversOf, type Gate, type ProjectState } from './project-state';
import { makePublisher } from './publisher';
import { ReminderSchedule } from './reminder-schedule';
import type { Role } from './roles';
import { UpgradeCustomer, UpgradeProjectId, UpgradeTargetVersion } from './search-attributes';
import {
  MAX_MESSAGES_PER_RUN,
  type PeopleWaitCursor,
  type RunCursor,
  type UpgradeTunables,
  type UpgradeWorkflowInput,
  type WindowWaitCursor,
} from './workflow-input';

type TaskOutcome = { kind: 'approved' } | { kind: 'rejected'; backTo: PlaybookTask['id'] };

export interface RunOptions {
  tunables: UpgradeTunables;
  /**
   * Histories recorded before the patch `commands-from-main-coroutine` published from inside handlers; newer ones
   * mark the state dirty and publish from the loop.
   */
  commandsFromMain: boolean;
  /** Since the patch `board-search-attributes`: UpgradeAwaitingSince, UpgradeAwaitingTasks, UpgradeReworkCount. */
  boardAttributes: boolean;
  /** Since the patch `cab-rejection-notifies`: a CAB rejection tells the task's people, as a task rejection does. */
  cabRejectionNotifies: boolean;
  /** Since the patch `reminders-skip-missed-periods`: a long outage sends one reminder, not one per missed period. */
  remindersSkipMissed: boolean;
  /**
   * Since the patch `bounded-history`: the run continues as new, carrying the project, when Temporal suggests it or
   * before the per-run limits on updates and signals; this input is what the next run starts from.
   */
  continueAsNewFrom?: UpgradeWorkflowInput;
  /**
   * Since the patch `lean-history`: activities get the project file's reference, not the file (automation.ts), and
   * search attributes are upserted once per workflow task (publisher.ts).
   */
  leanHistory?: boolean;
  /**
   * Since the patch `continue-as-new-anywhere`: the run also continues as new while it waits for a change window
   * and between the steps of a task, not only while it waits for people (see continueAsNewIfDue).
   */
  continueAsNewAnywhere?: boolean;
  /**
   * Since the patch `lean-result-and-upserts`: the result keeps assertions' digests (final-report.ts, ResultOptions)
   * and an upsert names only the search attributes that changed (publisher.ts).
   */
  leanResultAndUpserts?: boolean;
}

/** Audit entries a run keeps in its state before it moves them to an archive and continues as new. */
export const AUDIT_ENTRIES_PER_RUN = 1000;
/** Events a run has before it continues as new, whatever Temporal suggests (the server's hard limit is 51,200). */
export const EVENTS_PER_RUN = 20_000;

/** Where a continued run resumes inside a wait for people. */
type ResumeAt = Pick<PeopleWaitCursor, 'wait' | 'schedule'>;
/** Where a continued run resumes inside a step: a wait for people, or a wait for a change window. */
type StepResume = ResumeAt | Pick<WindowWaitCursor, 'wait' | 'window'>;
/** What a wait tells continueAsNewIfDue about itself; the loop adds the task, the step and the requested window. */
type WaitAt<C = RunCursor> = C extends RunCursor ? Omit<C, 'taskIndex' | 'stepIndex' | 'requestedWindow'> : never;

/** The cursor if it resumes a wait for people (a CAB gate or a task's decision has no other kind of wait). */
function peopleWait(resume: StepResume | RunCursor | undefined): ResumeAt | undefined {
  return resume?.wait === 'decision' || resume?.wait === 'retry-or-skip' ? resume : undefined;
}

export class ProjectRun {
  /** The root of the project's work: cancelling it (a `cancel` update, or Temporal's cancellation) ends the loop. */
  readonly work = new CancellationScope();
  private readonly publish: () => void;
  private dirty = false;
  private readonly steps: ReturnType<typeof automationSteps>;
  private readonly messenger: ReturnType<typeof proxyActivities<UpgradeActivities>>;
  private readonly noticeHours: number;
  private readonly remindMs: number;
  private readonly escalateMs: number;
  /** The window the last `then-wait` step asked for; the task waits for it once the step is done. */
  private requestedWindow?: WindowRef;
  /** Where the loop is (task and step), so a wait (or a step boundary) can continue as new and resume right there. */
  private position = { taskIndex: 0, stepIndex: 0 };
  /** Decisions and signals this run took (Temporal limits them per run). */
  private messages = 0;
  /** After an archive that could not be stored: when to try continuing as new again. */
  private continueNotBefore = 0;
  /** What every activity is called with (activityContext): `ctx` itself, or its lean reference. */
  private readonly sent: ActivityContext;

  constructor(
    private readonly state: ProjectState,
    private readonly ctx: ProjectContext,
    private readonly options: RunOptions,
  ) {
    const { tunables } = options;
    const project = ctx.project;
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
    this.messenger = proxyActivities<UpgradeActivities>({ startToCloseTimeout: '1m', retry: { ...retry, maximumAttempts: 3 } });
    this.sent = activityContext(ctx, options.leanHistory ?? false);
    this.steps = automationSteps(acts, monitoring, this.sent);
    this.publish = makePublisher(state, {
      boardAttributes: options.boardAttributes,
      oncePerTask: options.leanHistory ?? false,
      changedOnly: options.leanResultAndUpserts ?? false,
    });
    this.noticeHours = tunables.productionNoticeHours ?? 48;
    this.remindMs = durationToMs(project.timing.remindAfter);
    this.escalateMs = durationToMs(project.timing.escalateAfter);
  }

  /** A handler took a decision or a signal (accepted or refused and recorded): both count towards the run's limits. */
  received(): void {
    this.messages += 1;
  }

  /** A handler changed the state: publish now (older histories) or from the loop's next wake-up. */
  changed(): void {
    if (this.options.commandsFromMain) this.dirty = true;
    else this.publish();
  }

  /** A `cancel` update was accepted: older histories cancelled from the handler; newer ones from `watchCancel`. */
  cancelAccepted(): void {
    if (!this.options.commandsFromMain) this.work.cancel();
  }

  /**
   * Carries out an accepted `cancel` from the main coroutine. Outside the root scope, so cancelling the workflow
   * through Temporal (the UI, `temporal workflow cancel`) does not reject this wait with nobody to catch it: that
   * failed every workflow task and wedged the project (issue #12).
   */
  watchCancel(): void {
    if (!this.options.commandsFromMain) return;
    void CancellationScope.nonCancellable(() => condition(() => this.state.cancelled !== undefined)).then(() => this.work.cancel());
  }

  /** Runs the playbook from its first task to the end, or until cancelled; the state then says which. */
  async runPlaybook(resume?: RunCursor): Promise<void> {
    const project = this.ctx.project;
    upsertSearchAttributes([
      { key: UpgradeProjectId, value: project.projectId },
      { key: UpgradeCustomer, value: project.customer },
      { key: UpgradeTargetVersion, value: project.targetVersion },
    ]);
    this.publish();
    const tasks = this.state.playbook.tasks;
    if (resume?.requestedWindow) this.requestedWindow = resume.requestedWindow;
    try {
      await this.work.run(async () => {
        let index = resume?.taskIndex ?? 0;
        let resumeAt = resume;
        while (index < tasks.length) {
          const outcome = await this.runTask(tasks[index]!, index, resumeAt);
          resumeAt = undefined;
          index = outcome.kind === 'approved' ? index + 1 : tasks.findIndex((t) => t.id === outcome.backTo);
        }
      });
      this.state.complete();
    } catch (err) {
      if (!isCancellation(err)) throw err;
      this.state.endCancelled();
    }
    this.dirty = false;
    this.publish();
  }

  /** Tells everyone how the project ended and stores the final report; runs even after cancellation. */
  async wrapUp(): Promise<UpgradeProjectResult> {
    const state = this.state;
    const outcome = state.state === 'cancelled' ? 'cancelled' : 'completed';
    await this.notify({
      kind: outcome,
      to: ['customer', 'partner', 'managed-services'],
      reason: state.cancelled?.reason,
      actor: state.cancelled?.actor,
      key: notificationKeys.closed(outcome),
    });
    const result = buildResult(state.status(), state.completedAt!, { assertionDigests: this.options.leanResultAndUpserts ?? false });
    const reported = { projectId: this.ctx.project.projectId, outcome: result.outcome };
    try {
      const report = await this.messenger.storeFinalReport.executeWithOptions({ summary: 'Store the final report' }, [
        this.sent,
        this.options.leanResultAndUpserts
          ? // The activity renders the report from this run's status (activities/final-report-markdown.ts).
            { ...reported, render: { assertionDigests: true } }
          : { ...reported, markdown: renderFinalReport(result, state.status()) },
      ]);
      state.reportStored(report);
    } catch (err) {
      state.reportNotStored(innermostMessage(err));
    }
    this.publish();
    return { ...result, report: state.report };
  }

  // ---- one task ----

  /** Runs a task from its start, or (a continued run) from the wait or the step `resume` names. */
  private async runTask(task: PlaybookTask, taskIndex: number, resume?: RunCursor): Promise<TaskOutcome> {
    let gate: Gate;
    if (resume) {
      gate = this.state.gate(task.id);
    } else {
      gate = this.state.startTask(task);
      this.publish();
    }
    for (let stepIndex = resume?.stepIndex ?? 0; stepIndex < task.steps.length; stepIndex += 1) {
      const step = task.steps[stepIndex]!;
      // A `next-step` cursor only says where to start: the step itself starts afresh.
      const resumeHere = resume && stepIndex === resume.stepIndex && resume.wait !== 'next-step' ? resume : undefined;
      this.position = { taskIndex, stepIndex };
      if (!resumeHere) await this.continueAsNewBetweenSteps(gate);
      if (isCabStep(step)) {
        if (!(await this.passCab(step.cab, peopleWait(resumeHere)))) {
          // CAB said no: the task is redone from its start (new change request, new CAB round).
          const rework = this.state.sendBack(step.cab, task.id);
          if (this.options.cabRejectionNotifies) {
            const cab = this.state.gate(step.cab);
            await this.notify({
              kind: 'rejected',
              taskId: cab.id,
              taskTitle: cab.title,
              to: [...new Set<Role>([gate.owner, ...gate.contributors, cab.owner, ...cab.contributors])],
              actors: [gate.owner],
              reason: rework.reason,
              backTo: task.id,
              actor: rework.actor,
              key: notificationKeys.rejected(cab),
            });
          }
          return { kind: 'rejected', backTo: task.id };
        }
        this.state.resume(gate.id);
        continue;
      }
      await this.runStep(gate, step, resumeHere);
    }
    this.position = { taskIndex, stepIndex: task.steps.length };
    const resumeDecision = resume && resume.stepIndex === task.steps.length ? peopleWait(resume) : undefined;
    if (!resumeDecision) await this.continueAsNewBetweenSteps(gate);
    if (await this.decide(gate.id, resumeDecision)) return { kind: 'approved' };
    const rework = this.state.sendBack(gate.id, task.reworkFrom);
    const redoneBy = this.state.gate(task.reworkFrom).owner;
    await this.notify({
      kind: 'rejected',
      taskId: gate.id,
      taskTitle: gate.title,
      to: [...new Set<Role>([gate.owner, ...gate.contributors, redoneBy])],
      actors: [redoneBy],
      reason: rework.reason,
      backTo: task.reworkFrom,
      actor: rework.actor,
      key: notificationKeys.rejected(gate),
    });
    return { kind: 'rejected', backTo: task.reworkFrom };
  }

  private async passCab(id: CabGateId, resume?: ResumeAt): Promise<boolean> {
    if (!resume) this.state.startCab(id);
    return this.decide(id, resume);
  }

  /** Asks the gate's owner to decide (a continued run: goes on waiting) and waits; returns whether it was approved. */
  private async decide(id: Gate['id'], resume?: ResumeAt): Promise<boolean> {
    let gate = this.state.gate(id);
    if (!resume) {
      gate = this.state.awaitDecision(id);
      this.publish();
      await this.notify({
        kind: 'awaiting-decision',
        taskId: gate.id,
        taskTitle: gate.title,
        round: gate.rounds,
        to: [gate.owner, ...gate.contributors],
        actors: [gate.owner],
        evidence: this.state.evidenceOf(gate).map((a) => a.id),
        key: notificationKeys.awaiting(gate),
      });
    }
    await this.waitForPeople(gate, () => gate.state === 'approved' || gate.state === 'rejected', [gate.owner], 'decision', resume);
    return gate.state === 'approved';
  }

  /** Runs one automation step; a step that still fails after its retries blocks the task until a person decides. */
  private async runStep(gate: Gate, step: Exclude<PlaybookStep, { cab: CabGateId }>, resume?: StepResume): Promise<void> {
    const name: StepName = step.run;
    // A continued run that stopped while this step was blocked goes straight back to waiting for retry or skip.
    let resumeBlocked = resume?.wait === 'retry-or-skip' ? resume : undefined;
    // One that stopped in the step's window wait goes back to waiting for the same window: before the activity
    // (`wait-before`, which then runs in it), or after it (`then-wait`: the activity is done, only the wait is left).
    let resumeWindow = resume?.wait === 'window' ? resume.window : undefined;
    const onlyWaitLeft = step.changeWindow === 'then-wait' ? resumeWindow : undefined;
    while (!onlyWaitLeft) {
      const waitResumed = resumeBlocked;
      const windowResumed = resumeWindow;
      resumeBlocked = undefined;
      resumeWindow = undefined;
      if (!waitResumed)
        try {
          const window = step.changeWindow === 'wait-before' ? await this.waitForWindow(gate, 0, windowResumed) : undefined;
          const requested =
            step.changeWindow === 'then-wait'
              ? nextChangeWindow(this.ctx.project.changeWindows, Date.now(), step.noticeHours === 'production' ? this.noticeHours : 0)
              : undefined;
          const approvedCommit = step.changeWindow === 'wait-before' ? this.state.approvedCommit('update-code-base') : undefined;
          // Issue #15: a step redone after a rejection is told why (playbook data: takesRework, version 2 on).
          const rework = step.takesRework ? this.state.reworkNote(gate.id) : undefined;
          const result = await this.steps[name]({
            ctx: this.ctx,
            noticeHours: this.noticeHours,
            window: window ?? requested,
            ...(approvedCommit ? { approvedCommit } : {}),
            ...(rework ? { rework } : {}),
          });
          if (requested) this.requestedWindow = requested;
          this.state.stepDone(gate.id, name, result);
          this.publish();
          break;
        } catch (err) {
          // Continuing as new from the window wait (`wait-before`) ends the run here: it is no failure of the step.
          if (isCancellation(err) || err instanceof ContinueAsNew) throw err;
          const error = innermostMessage(err);
          this.state.block(gate.id, name, error);
          this.publish();
          const deciders = resolversOf(gate);
          await this.notify({
            kind: 'blocked',
            taskId: gate.id,
            taskTitle: gate.title,
            to: deciders,
            actors: deciders,
            reason: `${name} failed: ${error}`,
            key: notificationKeys.blocked(gate, name),
          });
        }
      await this.waitForPeople(gate, () => gate.blockedResolution !== undefined, resolversOf(gate), 'retry-or-skip', waitResumed);
      const resolution = this.state.takeResolution(gate.id);
      this.publish();
      if (resolution === 'skip') break;
    }
    // A skipped request still waits for the window an earlier round asked for, as projects always have (replay).
    const requested = onlyWaitLeft ?? this.requestedWindow;
    if (step.changeWindow === 'then-wait' && requested) {
      // The change happens inside the window; the owner confirms it by approving the task afterwards.
      await this.sleepUntilOpen(gate, requested, onlyWaitLeft !== undefined);
      this.state.resume(gate.id);
      this.publish();
    }
  }

  // ---- waits ----

  /**
   * Waits for people on a gate (a decision, or the resolution of a blocked step). Never decides by timer: timers
   * only remind the awaited role and escalate to the CSE, repeatedly, and mark the gate overdue.
   */
  private async waitForPeople(
    gate: Gate,
    done: () => boolean,
    awaitedRoles: Role[],
    awaiting: 'decision' | 'retry-or-skip',
    resume?: ResumeAt,
  ): Promise<void> {
    const schedule = resume
      ? ReminderSchedule.restore(resume.schedule, this.remindMs, this.escalateMs, this.options.remindersSkipMissed)
      : new ReminderSchedule(Date.now(), this.remindMs, this.escalateMs, this.options.remindersSkipMissed);
    const since = new Date(schedule.since).toISOString();
    for (;;) {
      if (!done() && this.continueAsNewDue())
        await this.continueAsNewIfDue({ wait: awaiting, gateId: gate.id, schedule: schedule.snapshot() });
      const wake = schedule.wake;
      await condition(() => done() || this.dirty, Math.max(wake - Date.now(), 1));
      this.publishIfChanged();
      if (done()) return;
      const now = Date.now();
      if (now < wake) continue; // woken by a decision that did not finish the wait (a comment, a first approval)
      for (const action of schedule.takeDue(now)) {
        if (action === 'escalate') {
          this.state.escalate(gate.id, since);
          this.publish();
          await this.notify({
            kind: 'escalation',
            taskId: gate.id,
            taskTitle: gate.title,
            to: ['managed-services'],
            actors: awaitedRoles,
            awaiting,
            since,
            key: notificationKeys.escalation(gate),
          });
        } else {
          this.state.remind(gate.id, awaitedRoles);
          await this.notify({
            kind: 'reminder',
            taskId: gate.id,
            taskTitle: gate.title,
            round: gate.rounds,
            to: awaitedRoles,
            actors: awaitedRoles,
            awaiting,
            since,
            key: notificationKeys.reminder(gate),
          });
        }
      }
    }
  }

  /**
   * Shows the gate waiting for `window` (unless a continued run goes on with the wait its previous run showed) and
   * sleeps until it opens. Since `continue-as-new-anywhere` the sleep is a wait that also wakes to publish what
   * people changed and to continue as new when due: a window can be days away, and a flood of messages meanwhile
   * would otherwise reach the run's limits before anything could continue as new.
   */
  private async sleepUntilOpen(gate: Gate, window: WindowRef, resumed = false): Promise<void> {
    if (!resumed) {
      this.state.enterWindow(gate.id, window);
      this.publish();
    }
    const summary = `change window opens ${window.startIso}`;
    if (!this.options.continueAsNewAnywhere) {
      const wait = Date.parse(window.startIso) - Date.now();
      if (wait > 0) await sleep(wait, { summary });
      return;
    }
    for (;;) {
      const wait = Date.parse(window.startIso) - Date.now();
      if (wait <= 0) return;
      if (this.continueAsNewDue()) await this.continueAsNewIfDue({ wait: 'window', gateId: gate.id, window });
      await condition(() => this.dirty || this.continueAsNewDue(), wait, { summary });
      this.publishIfChanged();
    }
  }

  /**
   * Sleeps until a change window opens; a window missed meanwhile (worker down, late approval) rolls to the next.
   * `resumed`: the window a continued run's previous run was waiting for (the gate already shows it).
   */
  private async waitForWindow(gate: Gate, noticeHours: number, resumed?: WindowRef): Promise<WindowRef> {
    const windows = this.ctx.project.changeWindows;
    let window = resumed ?? nextChangeWindow(windows, Date.now(), noticeHours);
    let shown = resumed !== undefined;
    for (;;) {
      await this.sleepUntilOpen(gate, window, shown);
      shown = false;
      if (Date.now() < Date.parse(window.endIso)) break;
      window = nextChangeWindow(windows, Date.now(), noticeHours);
    }
    this.state.resume(gate.id);
    this.publish();
    return window;
  }

  // ---- a long life: continue as new ----

  /**
   * Continues as new, carrying the project, when Temporal suggests it or before the run's limits (updates,
   * signals, events, audit entries), at a safe point, where no step's activity is in flight: while waiting for
   * people (the next run resumes in the same wait with the same reminder schedule), and since
   * `continue-as-new-anywhere` also while waiting for a change window (the same window: nothing is requested or
   * told again) and between two steps of a task (the next run starts the next step; the finished one is not run
   * again). The audit entries not carried are archived first, as a content-addressed artifact whose reference and
   * hash the next run keeps.
   *
   * Never while a step's activity runs (a load test, a deployment, days of post-launch monitoring): a new run
   * could not receive that activity's result, so the step would be lost or run twice. During such a step the run
   * may reach Temporal's limits; the server then refuses further updates and signals (the sender gets the error),
   * but the project itself is not harmed, and the run continues as new at the safe point right after the step.
   */
  private async continueAsNewIfDue(at: WaitAt): Promise<void> {
    const from = this.options.continueAsNewFrom;
    if (!from) return;
    await condition(allHandlersFinished);
    const entries = this.state.entriesToArchive();
    let archive;
    if (entries.length > 0) {
      try {
        const artifact = await this.messenger.archiveAuditTrail.executeWithOptions(
          { summary: `Archive audit entries ${entries[0]!.id}–${entries.at(-1)!.id}` },
          [this.ctx, { projectId: this.ctx.project.projectId, firstId: entries[0]!.id, lastId: entries.at(-1)!.id, entries }],
        );
        archive = { firstId: entries[0]!.id, lastId: entries.at(-1)!.id, entries: entries.length, artifact };
      } catch (err) {
        if (isCancellation(err)) throw err;
        // Nothing is lost: the run goes on with its whole trail and tries again in ten minutes.
        this.state.notificationFailed(undefined, 'audit archive', innermostMessage(err));
        this.continueNotBefore = Date.now() + 600_000;
        return;
      }
    }
    const cursor: RunCursor = { ...this.position, ...at, ...(this.requestedWindow ? { requestedWindow: this.requestedWindow } : {}) };
    await continueAsNew<(input: UpgradeWorkflowInput) => Promise<unknown>>({
      ...from,
      continued: { project: this.ctx.project, state: this.state.snapshot(archive), cursor },
    });
  }

  /**
   * At a step boundary (before a step or the task's decision starts): continues as new when due, with a cursor that
   * starts right here (projects since `continue-as-new-anywhere`; older ones only continue in their waits).
   */
  private async continueAsNewBetweenSteps(gate: Gate): Promise<void> {
    if (this.options.continueAsNewAnywhere && this.continueAsNewDue())
      await this.continueAsNewIfDue({ wait: 'next-step', gateId: gate.id });
  }

  /** Whether this run should continue as new now (never for projects started before `bounded-history`). */
  private continueAsNewDue(): boolean {
    if (!this.options.continueAsNewFrom || Date.now() < this.continueNotBefore) return false;
    const info = workflowInfo();
    const limit = this.options.tunables.continueAsNewAfterMessages ?? MAX_MESSAGES_PER_RUN;
    return (
      info.continueAsNewSuggested ||
      this.messages >= limit ||
      info.historyLength >= EVENTS_PER_RUN ||
      this.state.audit.length >= AUDIT_ENTRIES_PER_RUN
    );
  }

  // ---- telling people ----

  private publishIfChanged(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.publish();
  }

  private async notify(request: Omit<NotificationRequest, 'idempotencyKey'> & { key: string }): Promise<void> {
    const { key, ...rest } = request;
    try {
      await this.messenger.sendNotification.executeWithOptions(
        { summary: `notify ${rest.to.join(', ')}: ${rest.kind} ${rest.taskId ?? ''}`.trim() },
        [this.sent, { ...rest, idempotencyKey: `${this.ctx.workflowId}/${key}` }],
      );
    } catch (err) {
      if (isCancellation(err)) throw err;
      this.state.notificationFailed(rest.taskId, rest.kind, innermostMessage(err));
    }
  }
}
