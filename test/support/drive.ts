/**
 * Plays the people of a project in tests: waits for states through the `status` query and sends decisions
 * through the `decide` update, as the CLI does.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { decideUpdate, statusQuery, type DecisionPayload, type DecisionResult } from '../../workflows/messages';
import type { ProjectStatus } from '../../workflows/project-state';
import type { UpgradeTunables } from '../../workflows/workflow-input';
import type { Role } from '../../workflows/roles';
import { PEOPLE } from './project-fixture';

export const OWNER_EMAIL: Record<Role, string> = {
  customer: PEOPLE.customer[0]!.email,
  partner: PEOPLE.partner[0]!.email,
  'managed-services': PEOPLE['managed-services'][0]!.email,
};

export async function waitForStatus(
  handle: WorkflowHandle,
  predicate: (status: ProjectStatus) => boolean,
  timeoutMs = 30_000,
): Promise<ProjectStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: ProjectStatus | undefined;
  while (Date.now() < deadline) {
    last = await handle.query(statusQuery);
    if (predicate(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `status did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(last?.gates.map((g) => `${g.id}:${g.state}`))}`,
  );
}

export function gateState(status: ProjectStatus, id: string): string | undefined {
  return status.gates.find((g) => g.id === id)?.state;
}

export async function decide(handle: WorkflowHandle, payload: DecisionPayload): Promise<DecisionResult> {
  return handle.executeUpdate(decideUpdate, { args: [payload] });
}

/**
 * Approves every gate awaiting approval, as its owner, until `stop` says so or the project ends. Returns the
 * last status seen.
 */
export async function approveUntil(
  handle: WorkflowHandle,
  stop: (status: ProjectStatus) => boolean = () => false,
  timeoutMs = 60_000,
): Promise<ProjectStatus> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await handle.query(statusQuery);
    if (status.state !== 'running' || stop(status)) return status;
    const next = status.awaiting.find((a) => a.state === 'awaiting-approval');
    if (next) {
      const role = next.roles[0]!;
      await decide(handle, { taskId: next.gateId, decision: 'approve', actor: OWNER_EMAIL[role], role });
    } else {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error('project did not reach the expected state in time');
}

/** The reason an update was refused with (the test fails when it was accepted). */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return String((err as WorkflowUpdateFailedError).cause?.message);
  }
  throw new Error('expected the update to be refused');
}

/**
 * Tunables for workflow tests with stub activities: no 48-hour notice, two quick attempts before a step blocks.
 * (The worker allows them with short timings, as test workers do.)
 */
export const FAST_STUB_TUNABLES = {
  productionNoticeHours: 0,
  activityMaximumAttempts: 2,
  activityInitialInterval: '100ms',
  activityMaximumInterval: '200ms',
} as const satisfies UpgradeTunables;
