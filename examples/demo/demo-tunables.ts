/**
 * A workflow interceptor that only the demo's worker loads (task queue `commerce-upgrades-demo`): it shortens the
 * production knobs of every project started on that queue so a newcomer sees the whole flow in minutes.
 *
 * Why an interceptor: the project is started exactly as a user starts one (`cuo start`), and the CLI passes no
 * tunables, so the workflow would wait Adobe's 48 weekday hours of notice before the Production infrastructure
 * change. The demo's worker rewrites the input before the workflow code sees it; the workflow code itself is the
 * real, unchanged one. The rewrite is deterministic, so replays on this worker see the same input.
 *
 * Bundled into the workflow sandbox: imports from @temporalio/workflow and types only.
 */
import type { Next, WorkflowExecuteInput, WorkflowInboundCallsInterceptor, WorkflowInterceptorsFactory } from '@temporalio/workflow';
import type { UpgradeTunables, UpgradeWorkflowInput } from '../../workflows/contract';

export const DEMO_TUNABLES: UpgradeTunables = {
  // No 48-hour notice: the Production infrastructure change happens in the window that is open now.
  productionNoticeHours: 0,
  // A failing step blocks after a few quick attempts (the UI then shows it, `cuo retry` / `cuo skip` resolve it).
  activityMaximumAttempts: 3,
  activityInitialInterval: '1s',
  activityMaximumInterval: '5s',
};

class DemoTunablesInterceptor implements WorkflowInboundCallsInterceptor {
  execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const [first, ...rest] = input.args;
    if (first === null || typeof first !== 'object') return next(input);
    const workflowInput = first as UpgradeWorkflowInput;
    // Tunables given by the starter win over the demo's.
    const tunables = { ...DEMO_TUNABLES, ...(workflowInput.tunables ?? {}) };
    return next({ ...input, args: [{ ...workflowInput, tunables }, ...rest] });
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new DemoTunablesInterceptor()] });
