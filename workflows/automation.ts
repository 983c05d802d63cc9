/**
 * Which activity each playbook step calls, with which arguments. The playbook (workflows/playbook.ts) says what
 * runs in which order and which steps wait for a change window; this table only says how a step is called.
 */
import type { ActivityInterfaceFor } from '@temporalio/workflow';
import type { ActivityContext, AutomationResult, ProjectContext, ReworkNote, UpgradeActivities, WindowRef } from '../activities/contract';
import { nextChangeWindow } from './change-window';
import { sha256Hex } from './decision-assertion';
import type { StepName } from './playbook';

/** What a step is called with: the project, the clock's "now", and the change window the loop chose for it. */
export interface StepCall {
  /** The whole project as the workflow knows it (summaries, change windows); activities get `sent` (automationSteps). */
  ctx: ProjectContext;
  /** Where the step has a change window (PlaybookStep.changeWindow): the window the loop chose. */
  window?: WindowRef;
  /** Weekday hours of notice a production infrastructure change needs (tunable; Adobe: 48). */
  noticeHours: number;
  /** The commit the update-code-base approval named, if one was (what the launch deploys). */
  approvedCommit?: string;
  /** A step that takes rework (PlaybookStep.takesRework), redone after a rejection: what the rejection said. */
  rework?: ReworkNote;
}

type Activities = ActivityInterfaceFor<UpgradeActivities>;

/** Fails loudly when a step that needs a window was called without one (a playbook whose data forgot it). */
function windowOf(step: StepName, call: StepCall): WindowRef {
  if (!call.window) throw new Error(`step ${step} needs a change window (changeWindow in the playbook)`);
  return call.window;
}

/**
 * What activities are called with. Projects started since the patch `lean-history` send the ids and the
 * sha256 of the checked project file (~200 bytes) instead of the whole file (~1.5 KB in each of ~36 scheduled
 * activities: half of a project's history, issue #16); the worker resolves it (activities/project-files.ts). The
 * hash is of the file's JSON as the validateProject local activity answered it, which the worker can read back.
 */
export function activityContext(ctx: ProjectContext, lean: boolean): ActivityContext {
  if (!lean) return ctx;
  return { workflowId: ctx.workflowId, projectId: ctx.project.projectId, projectSha256: sha256Hex(JSON.stringify(ctx.project)) };
}

/** `sent`: the context every step's activity receives (activityContext); the project itself is read from `call.ctx`. */
export function automationSteps(
  acts: Activities,
  monitoring: Activities,
  sent: ActivityContext,
): Record<StepName, (call: StepCall) => Promise<AutomationResult>> {
  return {
    draftUpgradePlan: ({ rework }) =>
      acts.draftUpgradePlan.executeWithOptions(
        { summary: 'Draft the upgrade plan from the repository and requirements' },
        rework ? [sent, { rework }] : [sent],
      ),
    determineInfrastructureChanges: ({ ctx }) =>
      acts.determineInfrastructureChanges.executeWithOptions(
        { summary: `Diff services against ${ctx.project.targetVersion} requirements` },
        [sent],
      ),
    assessUpgradeComplexity: () =>
      acts.assessUpgradeComplexity.executeWithOptions({ summary: 'Inventory packages and read the UCT report' }, [sent]),
    scheduleInfrastructureConference: ({ ctx, noticeHours }) =>
      acts.scheduleConference.executeWithOptions({ summary: 'Invite participants to the infrastructure upgrade event' }, [
        sent,
        { event: 'infrastructure-upgrade', window: nextChangeWindow(ctx.project.changeWindows, Date.now(), noticeHours) },
      ]),
    requestStagingInfrastructureChange: ({ ctx }) =>
      acts.requestInfrastructureChange.executeWithOptions({ summary: 'Request the service changes on Staging' }, [
        sent,
        { environment: 'staging', window: nextChangeWindow(ctx.project.changeWindows, Date.now()) },
      ]),
    migrateProductionDataToStaging: () =>
      acts.migrateProductionDataToStaging.executeWithOptions({ summary: 'Migrate Production data to Staging' }, [sent]),
    requestProductionInfrastructureChange: (call) => {
      const window = windowOf('requestProductionInfrastructureChange', call);
      return acts.requestInfrastructureChange.executeWithOptions(
        { summary: `Request the Production service changes for ${window.startIso}` },
        [sent, { environment: 'production', window }],
      );
    },
    prepareUpgradeBranch: ({ ctx }) =>
      acts.prepareUpgradeBranch.executeWithOptions({ summary: `Create the upgrade branch for ${ctx.project.targetVersion}` }, [sent]),
    runPostUpgradeRunbook: () =>
      acts.runPostUpgradeRunbook.executeWithOptions({ summary: 'Run the post-upgrade runbook on Staging' }, [
        sent,
        { environment: 'staging', purpose: 'post-upgrade-checks' },
      ]),
    runPerformanceTest: () => acts.runPerformanceTest.executeWithOptions({ summary: 'Bounded load test of Staging' }, [sent]),
    runSecurityChecks: () =>
      acts.runSecurityChecks.executeWithOptions({ summary: 'Security checks of Staging' }, [sent, { environment: 'staging' }]),
    validateStaging: () =>
      acts.runPostUpgradeRunbook.executeWithOptions({ summary: 'CSE validation run on Staging' }, [
        sent,
        { environment: 'staging', purpose: 'uat-validation' },
      ]),
    scheduleLaunchConference: ({ ctx }) =>
      acts.scheduleConference.executeWithOptions({ summary: 'Invite participants to the launch event' }, [
        sent,
        { event: 'launch', window: nextChangeWindow(ctx.project.changeWindows, Date.now()) },
      ]),
    deployToProduction: (call) => {
      const window = windowOf('deployToProduction', call);
      // Production gets exactly the commit the partner's approval of the code update named (or the evidence then).
      return acts.deployToProduction.executeWithOptions({ summary: `Deploy to Production in the window from ${window.startIso}` }, [
        sent,
        { window, ...(call.approvedCommit ? { approvedCommit: call.approvedCommit } : {}) },
      ]);
    },
    monitorProduction: ({ ctx }) =>
      monitoring.monitorProduction.executeWithOptions({ summary: `Monitor Production for ${ctx.project.postLaunch.monitorFor}` }, [sent]),
  };
}
