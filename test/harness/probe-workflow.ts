/**
 * A tiny workflow that exercises what every real workflow of the project relies on: an activity call, the
 * contract's search attributes and the workflow logger. Used only by test/integration/harness.test.ts.
 */
import { log, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { createProbeActivities } from './probe-activities';
import { UpgradeAwaitingRoles, UpgradeCustomer, UpgradePhase, UpgradeProjectId } from '../../workflows/search-attributes';

const { inspectProject } = proxyActivities<ReturnType<typeof createProbeActivities>>({ startToCloseTimeout: '10 seconds' });

export interface ProbeInput {
  projectId: string;
  customer: string;
}

export async function probeWorkflow(input: ProbeInput): Promise<string> {
  log.info('probe workflow started', { projectId: input.projectId });
  const phase = await inspectProject(input.projectId);
  upsertSearchAttributes([
    { key: UpgradeProjectId, value: input.projectId },
    { key: UpgradeCustomer, value: input.customer },
    { key: UpgradePhase, value: phase },
    { key: UpgradeAwaitingRoles, value: ['customer', 'partner'] },
  ]);
  return phase;
}
