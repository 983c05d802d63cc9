/**
 * What the gateway knows of projects, from Temporal alone: who takes part in a project (its start input, which
 * never changes and is cached), its status (the `status` query), and which projects exist (a visibility query).
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import {
  WORKFLOW_TYPE,
  statusQuery,
  taskDetailsQuery,
  workflowIdFor,
  type ProjectStatus,
  type TaskDetails,
  type UpgradeProjectResult,
  type UpgradeWorkflowInput,
} from '../../workflows/contract';
import { statusFromResult } from '../closed-project';
import type { Participant, ProjectFile } from '../../workflows/project-input';
import { ROLES, type Role } from '../../workflows/roles';

export interface ProjectPeople {
  projectId: string;
  workflowId: string;
  customer: string;
  currentVersion: string;
  targetVersion: string;
  startedAt: string;
  participants: Record<Role, Participant[]>;
}

/** A project's status and whether it came from the running workflow or, closed, from its result. */
export interface ProjectView {
  status: ProjectStatus;
  live: boolean;
}

export class ProjectNotFound extends Error {}

export class ProjectDirectory {
  private readonly people = new Map<string, ProjectPeople>();

  constructor(
    private readonly client: Client,
    private readonly namespace: string,
  ) {}

  /** The participants as the project was started with them (the first event of its history). */
  async peopleOf(projectId: string): Promise<ProjectPeople> {
    const cached = this.people.get(projectId);
    if (cached) return cached;
    const workflowId = workflowIdFor(projectId);
    let payload: Payload | undefined;
    let startedAt = '';
    try {
      const page = await this.client.workflowService.getWorkflowExecutionHistory({
        namespace: this.namespace,
        execution: { workflowId },
        maximumPageSize: 1,
      });
      const first = page.history?.events?.[0];
      payload = first?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0] as Payload | undefined;
      const seconds = Number(first?.eventTime?.seconds ?? 0);
      startedAt = seconds ? new Date(seconds * 1000).toISOString() : '';
    } catch (err) {
      if (/not found/i.test((err as Error).message)) throw new ProjectNotFound(`no upgrade project ${projectId} (workflow ${workflowId})`);
      throw err;
    }
    if (!payload) throw new ProjectNotFound(`no upgrade project ${projectId} (workflow ${workflowId})`);
    const input = defaultPayloadConverter.fromPayload<UpgradeWorkflowInput>(payload);
    const file = (input?.project ?? {}) as ProjectFile;
    const participants = Object.fromEntries(
      ROLES.map((role) => [role, (file.participants?.[role] ?? []).map((p) => ({ name: p.name, email: p.email.trim().toLowerCase() }))]),
    ) as Record<Role, Participant[]>;
    const people = {
      projectId,
      workflowId,
      customer: String(file.customer ?? ''),
      currentVersion: String(file.currentVersion ?? ''),
      targetVersion: String(file.targetVersion ?? ''),
      startedAt,
      participants,
    };
    this.people.set(projectId, people);
    return people;
  }

  rolesOf(people: ProjectPeople, email: string): Role[] {
    return ROLES.filter((role) => people.participants[role].some((p) => p.email === email));
  }

  async status(projectId: string): Promise<ProjectStatus> {
    return this.client.workflow.getHandle(workflowIdFor(projectId)).query(statusQuery);
  }

  /**
   * One task of a running project (`taskDetails`: a few KB, where `status` is 21 KB after a happy path and grows):
   * what a decision or an attachment is signed against. Null when the project has no such task.
   */
  async taskDetails(projectId: string, taskId: string): Promise<TaskDetails | null> {
    return this.client.workflow.getHandle(workflowIdFor(projectId)).query(taskDetailsQuery, { taskId });
  }

  /**
   * The status of a running project from its query; of a closed one from its result (the close event), so a
   * finished project opens with no worker running (issue #17).
   */
  async view(projectId: string): Promise<ProjectView> {
    const handle = this.client.workflow.getHandle(workflowIdFor(projectId));
    let closedAs: string;
    try {
      closedAs = (await handle.describe()).status.name;
    } catch (err) {
      if (/not found/i.test((err as Error).message))
        throw new ProjectNotFound(`no upgrade project ${projectId} (workflow ${workflowIdFor(projectId)})`);
      throw err;
    }
    if (closedAs === 'RUNNING') return { status: await handle.query(statusQuery), live: true };
    const people = await this.peopleOf(projectId);
    const result = closedAs === 'COMPLETED' ? ((await handle.result()) as UpgradeProjectResult) : undefined;
    return { status: statusFromResult(people, result, closedAs), live: false };
  }

  /** Running projects matching a visibility query, with their search attributes: one call, no query per project. */
  async listRunning(query: string, limit = 500): Promise<WorkflowExecutionInfo[]> {
    const out: WorkflowExecutionInfo[] = [];
    for await (const wf of this.client.workflow.list({ query, pageSize: Math.min(limit, 1000) })) {
      out.push(wf);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Project ids of running upgrades, newest first (at most `limit`). */
  async runningProjects(limit = 200): Promise<string[]> {
    const ids: string[] = [];
    for await (const wf of this.client.workflow.list({ query: `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'` })) {
      if (wf.workflowId.startsWith('upgrade-')) ids.push(wf.workflowId.slice('upgrade-'.length));
      if (ids.length >= limit) break;
    }
    return ids;
  }

  /** Every participant of the running projects (the development identity provider's accounts). */
  async knownPeople(): Promise<Participant[]> {
    const seen = new Map<string, Participant>();
    for (const id of await this.runningProjects()) {
      try {
        const people = await this.peopleOf(id);
        for (const role of ROLES) for (const p of people.participants[role]) if (!seen.has(p.email)) seen.set(p.email, p);
      } catch {
        // A project that vanished meanwhile is simply not listed.
      }
    }
    return [...seen.values()];
  }
}
