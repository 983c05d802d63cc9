/** What `upgradeProject` is started with (part of the public contract: workflows/contract.ts). */
import type { ProjectFile, ProjectInput } from './project-input';
import type { ProjectSnapshot } from './project-state';
import type { ProjectTrustInput } from './project-trust';

export const WORKFLOW_INPUT_VERSION = 1 as const;

/** The most decisions and signals one run takes before it continues as new (Temporal allows 2,000 updates a run). */
export const MAX_MESSAGES_PER_RUN = 1500;

/** Knobs that tests and operators turn; production defaults suit a weeks-long project. */
export interface UpgradeTunables {
  /** Attempts before a failing automation step blocks its task. */
  activityMaximumAttempts?: number;
  activityInitialInterval?: string;
  activityMaximumInterval?: string;
  activityStartToClose?: string;
  /** Weekday hours of notice a production infrastructure change needs (Adobe: 48). */
  productionNoticeHours?: number;
  /** Decisions and signals one run takes before it continues as new (default 1,500, below Temporal's 2,000 updates). */
  continueAsNewAfterMessages?: number;
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
  /**
   * The playbook version the project runs (workflows/playbook.ts, `PLAYBOOKS`); absent means 1, the version every
   * project started before playbook versions ran. `cuo start` sends CURRENT_PLAYBOOK_VERSION.
   */
  playbookVersion?: number;
  /** Set by the workflow itself when it continues as new: the project's state and where its loop resumes. */
  continued?: ContinuedRun;
}

/**
 * Where a continued run resumes, at one step of one task (`stepIndex`: index into the task's steps; the steps' length
 * means the task's own decision). Cursors written before the patch `continue-as-new-anywhere` are all a
 * `PeopleWaitCursor` and keep their meaning; the other two kinds are written only by runs with that patch.
 */
export type RunCursor = PeopleWaitCursor | WindowWaitCursor | NextStepCursor;

interface CursorAt {
  taskIndex: number;
  stepIndex: number;
  gateId: string;
  /** The change window the task's `then-wait` step asked for, if it did. */
  requestedWindow?: { startIso: string; endIso: string };
}

/** A wait for people on one gate (a decision, or a blocked step's retry or skip), with its reminder schedule. */
export interface PeopleWaitCursor extends CursorAt {
  wait: 'decision' | 'retry-or-skip';
  schedule: { since: number; nextReminder: number; nextEscalation: number };
}

/**
 * The step at `stepIndex` waits for `window` to open (patch `continue-as-new-anywhere`): a `then-wait` step whose
 * activity is done (the next run only waits, then goes on), or a `wait-before` step whose activity has not run yet
 * (the next run waits for the same window, then runs it). The gate already shows the window: nothing is told again.
 */
export interface WindowWaitCursor extends CursorAt {
  wait: 'window';
  window: { startIso: string; endIso: string };
}

/**
 * The steps before `stepIndex` are done and the one at `stepIndex` has not started (patch
 * `continue-as-new-anywhere`): the next run starts it, or the task's decision when `stepIndex` is the steps' length.
 * The task itself has started (the next run does not start it again).
 */
export interface NextStepCursor extends CursorAt {
  wait: 'next-step';
}

export interface ContinuedRun {
  /** The project file as checked by the first run (with its defaults). */
  project: ProjectInput;
  state: ProjectSnapshot;
  cursor: RunCursor;
}
