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
export type { UpgradeProjectResult, GateSummary } from './final-report';
export { CURRENT_PLAYBOOK_VERSION } from './playbook';

/** Workflow id of the public contract: one upgrade project, one workflow. */
export function workflowIdFor(projectId: string): string {
  return `upgrade-${projectId}`;
}
