/**
 * The public contract of the upgrade workflow, in one file, for everything that talks to it (the CLI, the
 * gateway, the bench, tests): task queue, workflow type, workflow id, messages, search attributes, and the input,
 * status and result types. Clients import this file, never the workflow module itself.
 */
export * from './search-attributes';
export * from './messages';
export type { UpgradeTunables, UpgradeWorkflowInput } from './workflow-input';
export { WORKFLOW_INPUT_VERSION } from './workflow-input';
export type { AuditEntry, AwaitedStep, Gate, GateState, ProjectStatus, ReworkRecord, StepRecord, Approval, Verdict } from './project-state';
// Read-only helpers over a status answer that every client needs the same way as the workflow computes it.
export { PROJECT_STATE_VERSION, cabOwner, evidenceOfGate } from './project-state';
export type { UpgradeProjectResult, GateSummary } from './final-report';
export { buildResult, renderFinalReport } from './final-report';
export type { GateLine, ProjectSummary, TaskDetails } from './status-views';
export { MAX_AUDIT_PAGE, summaryOf, taskDetailsOf } from './status-views';
export { CURRENT_PLAYBOOK_VERSION } from './playbook';
export { PATCH_SET_ID, PATCHES_IN_SET } from './patch-set';

/** Workflow id of the public contract: one upgrade project, one workflow. */
export function workflowIdFor(projectId: string): string {
  return `upgrade-${projectId}`;
}
