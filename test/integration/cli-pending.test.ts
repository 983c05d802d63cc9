/**
 * `pending` and `list` across several projects through visibility queries on the search attributes, as processes
 * against the shared dev server. Projects are started on this file's own task queue (the CLI scopes to it through
 * TASK_QUEUE) and their people have e-mails unique to this run, so other test files' projects never show up.
 */
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { PendingItem } from '../../client/format/pending';
import type { ListItem } from '../../client/format/list';
import { type ProjectFile } from '../../workflows/project-input';
import { workflowIdFor } from '../../workflows/contract';
import { connectTestClient, eventually, runWorker, uniqueTaskQueue } from '../harness/temporal';
import { runCli } from '../cli/run-cli';
import { decide, gateState, waitForStatus } from '../support/drive';
import { makeProject } from '../support/project-fixture';
import { StubActivities } from '../support/stub-activities';

const WORKFLOWS = require.resolve('../../workflows');

let client: Client;
let closeClient: () => Promise<void>;
beforeAll(async () => {
  ({ client, close: closeClient } = await connectTestClient());
});
afterAll(async () => {
  await closeClient();
});

function people(tag: string): ProjectFile['participants'] {
  return {
    customer: [{ name: `Customer ${tag}`, email: `customer-${tag}@acme.example` }],
    partner: [{ name: `Partner ${tag}`, email: `partner-${tag}@agency.example` }],
    'managed-services': [{ name: `CSE ${tag}`, email: `cse-${tag}@adobe.example` }],
  };
}

it('lists what waits on a role or a person across projects, oldest first, and filters projects', async () => {
  const taskQueue = uniqueTaskQueue('cli-pending');
  const run = randomUUID().slice(0, 6);
  const cli = (...args: string[]) => runCli(args, { taskQueue });
  const stubs = new StubActivities();
  const projects = ['a', 'b', 'c'].map((tag) => makeProject({ customer: `Customer ${run}`, participants: people(`${tag}${run}`) }));
  const [a, b, c] = projects as [ProjectFile, ProjectFile, ProjectFile];

  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: stubs.activities() }, async () => {
    const handles: WorkflowHandle[] = [];
    for (const project of projects) {
      // Started in order, so "oldest first" has a known answer.
      const handle = await client.workflow.start('upgradeProject', {
        taskQueue,
        workflowId: workflowIdFor(project.projectId),
        args: [{ version: 1, project }],
      });
      await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');
      handles.push(handle);
    }
    // b's plan is approved: b now waits on its CSE for the infrastructure changes.
    await decide(handles[1]!, {
      taskId: 'create-upgrade-plan',
      decision: 'approve',
      actor: `customer-b${run}@acme.example`,
      role: 'customer',
    });
    await waitForStatus(handles[1]!, (s) => gateState(s, 'determine-infrastructure-changes') === 'awaiting-approval');
    // Visibility is eventually consistent: wait until the search attributes say so before asking the CLI.
    await eventually(async () => {
      const { count } = await client.workflow.count(`TaskQueue = '${taskQueue}' AND UpgradeAwaitingRoles = 'managed-services'`);
      return count === 1 ? true : undefined;
    });

    const [byRole, byActor, all, listed, inPlan, badRole, oneQuery] = await Promise.all([
      cli('pending', '--role', 'customer', '--tasks'),
      cli('pending', '--actor', `CSE-B${run}@adobe.example`, '--tasks'),
      cli('pending', '--json', '--tasks'),
      cli('list', '--awaiting', 'managed-services', '--json'),
      cli('list', '--phase', 'plan', '--customer', `Customer ${run}`, '--open'),
      cli('pending', '--role', 'cse'),
      cli('pending', '--json'),
    ]);

    // By default, one visibility query: a row per project, its age from UpgradeAwaitingSince, no status query.
    const rows = JSON.parse(oneQuery.stdout) as PendingItem[];
    expect(rows.map((i) => [i.projectId, i.phase, i.roles])).toEqual([
      [a.projectId, 'plan', ['customer']],
      [c.projectId, 'plan', ['customer']],
      [b.projectId, 'plan', ['managed-services']],
    ]);
    expect(rows.every((i) => i.gateId === undefined && /^\d{4}-\d\d-\d\dT/.test(i.since ?? ''))).toBe(true);

    expect(byRole.code).toBe(0);
    const lines = byRole.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^WAITING +PROJECT +CUSTOMER +TASK +NEEDS +ROLES +WHO +SINCE/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[1])).toEqual([a.projectId, c.projectId]);
    expect(lines[1]).toMatch(new RegExp(`create-upgrade-plan +decision +customer +customer-a${run}@acme\\.example +\\d{4}-`));

    expect(byActor.code).toBe(0);
    expect(byActor.stdout).toContain(b.projectId);
    expect(byActor.stdout).toMatch(new RegExp(`determine-infrastructure-changes +decision +managed-services +cse-b${run}@adobe\\.example`));
    expect(byActor.stdout).not.toContain(a.projectId);

    const items = JSON.parse(all.stdout) as PendingItem[];
    expect(items.map((i) => [i.projectId, i.gateId])).toEqual([
      [a.projectId, 'create-upgrade-plan'],
      [c.projectId, 'create-upgrade-plan'],
      [b.projectId, 'determine-infrastructure-changes'],
    ]);
    expect(items.every((i, n) => n === 0 || i.since! >= items[n - 1]!.since!)).toBe(true);

    expect((JSON.parse(listed.stdout) as ListItem[]).map((i) => i.projectId)).toEqual([b.projectId]);
    expect(inPlan.code).toBe(0);
    expect(
      inPlan.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s{2,}/)[0])
        .sort(),
    ).toEqual([a.projectId, b.projectId, c.projectId].sort());
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('--role must be one of customer, partner, managed-services, got "cse"');

    await Promise.all(handles.map((h) => h.terminate('test done')));
  });
});
