/**
 * A finished project read without a worker (issue #17): a query of a closed workflow needs a worker to replay it,
 * its result does not. The result (workflows/final-report.ts UpgradeProjectResult) is in the close event of the
 * history, and the project's facts in its first event, so the gateway's pages and `cuo status | history | report`
 * rebuild the status from those two alone (statusFromResult is pure; readClosedStatus fetches them).
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { ArtifactRef } from '../activities/contract';
import { PROJECT_STATE_VERSION, type Gate, type GateState, type ProjectStatus, type UpgradeProjectResult } from '../workflows/contract';
import { CAB_GATES, PLAYBOOK_TASKS, type GateId, type TaskId } from '../workflows/playbook';
import type { Role } from '../workflows/roles';

export interface ClosedFacts {
  workflowId: string;
  projectId: string;
  customer: string;
  currentVersion: string;
  targetVersion: string;
  startedAt: string;
}

/** `acme/0123456789abcdef-upgrade-plan.md` → the ref the status would hold, from what the result keeps. */
function refOf(id: string | undefined, sha256: string | undefined): ArtifactRef | undefined {
  if (!id || !sha256) return undefined;
  const file = id.split('/')[1] ?? id;
  const name = file.replace(/^[0-9a-f]{16}-/, '');
  return { id, sha256, name, mediaType: name.endsWith('.md') ? 'text/markdown' : 'text/plain', bytes: 0 };
}

export function statusFromResult(facts: ClosedFacts, result: UpgradeProjectResult | undefined, closedAs: string): ProjectStatus {
  const summaries = new Map((result?.gates ?? []).map((g) => [g.id, g]));
  const decisions = result?.decisions ?? [];
  const gates: Gate[] = [];
  const gateOf = (id: GateId, taskId: TaskId, title: string, owner: Role, contributors: Role[], kind: Gate['kind']): Gate => {
    const task = PLAYBOOK_TASKS.find((t) => t.id === taskId)!;
    const summary = summaries.get(id);
    return {
      id,
      kind,
      taskId,
      phase: task.phase,
      title: summary?.title ?? title,
      owner: (summary?.owner as Role | undefined) ?? owner,
      contributors,
      state: (summary?.state as GateState | undefined) ?? 'pending',
      requiredApprovals: Math.max(1, summary?.approvals.length ?? 1),
      approvals: (summary?.approvals ?? []).map((a) => ({
        ...a,
        auditId: decisions.find((d) => d.gateId === id && d.decision === 'approve' && d.actor === a.actor && d.at === a.at)?.id ?? 0,
      })),
      acknowledgements: [],
      steps: (summary?.steps ?? []).map((s) => {
        const artifact = refOf(s.artifact, s.sha256);
        return {
          step: s.step as Gate['steps'][number]['step'],
          status: s.status as 'done' | 'skipped',
          at: '',
          summary: s.summary,
          ...(s.passed !== undefined ? { passed: s.passed } : {}),
          ...(artifact ? { artifact } : {}),
        };
      }),
      overdue: false,
      reminders: 0,
      escalations: 0,
      rounds: summary?.rounds ?? 0,
      voidedApprovals: 0,
    };
  };
  for (const task of PLAYBOOK_TASKS) {
    gates.push(gateOf(task.id, task.id, task.title, task.owner, [...task.contributors], 'task'));
    for (const cab of CAB_GATES.filter((c) => c.taskId === task.id))
      gates.push(gateOf(cab.id, task.id, cab.title, 'managed-services', [], 'cab'));
  }
  const cancelled =
    result?.cancelled ??
    (result ? undefined : { actor: '', reason: `the workflow was ${closedAs.toLowerCase().replace(/_/g, ' ')}`, at: '' });
  const state = result?.outcome ?? 'cancelled';
  return {
    version: PROJECT_STATE_VERSION,
    workflowId: facts.workflowId,
    projectId: facts.projectId,
    customer: facts.customer,
    currentVersion: facts.currentVersion,
    targetVersion: facts.targetVersion,
    state,
    phase: state,
    startedAt: result?.startedAt ?? facts.startedAt,
    ...(result?.finishedAt ? { completedAt: result.finishedAt } : {}),
    gates,
    awaiting: [],
    rework: result?.rework ?? [],
    audit: decisions,
    refusedNotKept: 0,
    ...(cancelled ? { cancelled } : {}),
    ...(result?.report ? { report: result.report } : {}),
  };
}

/**
 * The status of a closed project from Temporal without a worker: the project's facts from the first history
 * event, its result from the close event (completed runs). `closedAs` is the execution status name.
 */
export async function readClosedStatus(client: Client, namespace: string, workflowId: string, closedAs: string): Promise<ProjectStatus> {
  const page = await client.workflowService.getWorkflowExecutionHistory({ namespace, execution: { workflowId }, maximumPageSize: 1 });
  const first = page.history?.events?.[0];
  const payload = first?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0] as Payload | undefined;
  const input = payload ? defaultPayloadConverter.fromPayload<{ project?: Record<string, unknown> }>(payload) : undefined;
  const file = input?.project ?? {};
  const seconds = Number(first?.eventTime?.seconds ?? 0);
  const facts: ClosedFacts = {
    workflowId,
    projectId: String(file.projectId ?? workflowId.replace(/^upgrade-/, '')),
    customer: String(file.customer ?? ''),
    currentVersion: String(file.currentVersion ?? ''),
    targetVersion: String(file.targetVersion ?? ''),
    startedAt: seconds ? new Date(seconds * 1000).toISOString() : '',
  };
  const result = closedAs === 'COMPLETED' ? ((await client.workflow.getHandle(workflowId).result()) as UpgradeProjectResult) : undefined;
  return statusFromResult(facts, result, closedAs);
}
