/**
 * Which activity each playbook step calls, with which arguments. The playbook (workflows/playbook.ts) says what
 * runs in which order and which steps wait for a change window; this table only says how a step is called.
 */
import type { ActivityInterfaceFor } from '@temporalio/workflow';
import type { AutomationResult, ProjectContext, ReworkNote, UpgradeActivities, WindowRef } from '../activities/contract';
import { nextChangeWindow } from './change-window';
import type { StepName } from './playbook';

/** What a step is called with: the project, the clock's "now", and the change window the loop chose for it. */
export interface StepCall {
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

export function automationSteps(acts: Activities, monitoring: Activities): Record<StepName, (call: StepCall) => Promise<AutomationResult>> {
  return {
    draftUpgradePlan: ({ ctx, rework }) =>
      acts.draftUpgradePlan.executeWithOptions({ summary: 'Draft the upgrade plan from the repository and requirements' }, rework ? [ctx, { rework }] : [ctx]),
    determineInfrastructureChanges: ({ ctx }) =>
      acts.determineInfrastructureChanges.executeWithOptions({ summary: `Diff services against ${ctx.project.targetVersion} requirements` }, [ctx]),
    assessUpgradeComplexity: ({ ctx }) => acts.assessUpgradeComplexity.executeWithOptions({ summary: 'Inventory packages and read the UCT report' }, [ctx]),
    scheduleInfrastructureConference: ({ ctx, noticeHours }) =>
      acts.scheduleConference.executeWithOptions({ summary: 'Invite participants to the infrastructure upgrade event' }, [
        ctx,
        { event: 'infrastructure-upgrade', window: nextChangeWindow(ctx.project.changeWindows, Date.now(), noticeHours) },
      ]),
    requestStagingInfrastructureChange: ({ ctx }) =>
      acts.requestInfrastructureChange.executeWithOptions({ summary: 'Request the service changes on Staging' }, [
        ctx,
        { environment: 'staging', window: nextChangeWindow(ctx.project.changeWindows, Date.now()) },
      ]),
    migrateProductionDataToStaging: ({ ctx }) => acts.migrateProductionDataToStaging.executeWithOptions({ summary: 'Migrate Production data to Staging' }, [ctx]),
    requestProductionInfrastructureChange: (call) => {
      const window = windowOf('requestProductionInfrastructureChange', call);
      return acts.requestInfrastructureChange.executeWithOptions({ summary: `Request the Production service changes for ${window.startIso}` }, [
        call.ctx,
        { environment: 'production', window },
      ]);
    },
    prepareUpgradeBranch: ({ ctx }) => acts.prepareUpgradeBranch.executeWithOptions({ summary: `Create the upgrade branch for ${ctx.project.targetVersion}` }, [ctx]),
    runPostUpgradeRunbook: ({ ctx }) =>
      acts.runPostUpgradeRunbook.executeWithOptions({ summary: 'Run the post-upgrade runbook on Staging' }, [ctx, { environment: 'staging', purpose: 'post-upgrade-checks' }]),
    runPerformanceTest: ({ ctx }) => acts.runPerformanceTest.executeWithOptions({ summary: 'Bounded load test of Staging' }, [ctx]),
    runSecurityChecks: ({ ctx }) => acts.runSecurityChecks.executeWithOptions({ summary: 'Security checks of Staging' }, [ctx, { environment: 'staging' }]),
    validateStaging: ({ ctx }) =>
      acts.runPostUpgradeRunbook.executeWithOptions({ summary: 'CSE validation run on Staging' }, [ctx, { environment: 'staging', purpose: 'uat-validation' }]),
    scheduleLaunchConference: ({ ctx }) =>
      acts.scheduleConference.executeWithOptions({ summary: 'Invite participants to the launch event' }, [
        ctx,
        { event: 'launch', window: nextChangeWindow(ctx.project.changeWindows, Date.now()) },
      ]),
    deployToProduction: (call) => {
      const window = windowOf('deployToProduction', call);
      // Production gets exactly the commit the partner's approval of the code update named (or the evidence then).
      return acts.deployToProduction.executeWithOptions({ summary: `Deploy to Production in the window from ${window.startIso}` }, [
        call.ctx,
        { window, ...(call.approvedCommit ? { approvedCommit: call.approvedCommit } : {}) },
      ]);
    },
    monitorProduction: ({ ctx }) => monitoring.monitorProduction.executeWithOptions({ summary: `Monitor Production for ${ctx.project.postLaunch.monitorFor}` }, [ctx]),
  };
}
