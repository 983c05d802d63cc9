/**
 * What the gateway knows of projects, from Temporal alone: who takes part in a project (its start input, which
 * never changes and is cached), its status (the `status` query), and which projects exist (a visibility query).
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { statusQuery, WORKFLOW_TYPE } from '../../workflows/messages';
import type { Participant, ProjectFile } from '../../workflows/project-input';
import { workflowIdFor } from '../../workflows/project-input';
import type { ProjectStatus } from '../../workflows/project-state';
import { ROLES, type Role } from '../../workflows/roles';
import type { UpgradeWorkflowInput } from '../../workflows/contract';

export interface ProjectPeople {
  projectId: string;
  workflowId: string;
  customer: string;
  participants: Record<Role, Participant[]>;
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
    try {
      const page = await this.client.workflowService.getWorkflowExecutionHistory({
        namespace: this.namespace,
        execution: { workflowId },
        maximumPageSize: 1,
      });
      payload = page.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0] as Payload | undefined;
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
    const people = { projectId, workflowId, customer: String(file.customer ?? ''), participants };
    this.people.set(projectId, people);
    return people;
  }

  rolesOf(people: ProjectPeople, email: string): Role[] {
    return ROLES.filter((role) => people.participants[role].some((p) => p.email === email));
  }

  async status(projectId: string): Promise<ProjectStatus> {
    return this.client.workflow.getHandle(workflowIdFor(projectId)).query(statusQuery);
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
