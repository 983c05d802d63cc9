/**
 * Issue #16 on the real dev server: activities get the project file's reference (patch `lean-history`), the
 * worker resolves it — from the copy its validateProject kept, or, on a worker that never saw the project (a second
 * machine), from the validateProject marker in history — and the small status views answer from the workflow.
 * The automation is the stubs (test/support/stub-activities.ts), wrapped exactly as createActivities wraps the real
 * implementations (resolvingProjectFiles), so what the implementations receive is what production ones would.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { resolvingProjectFiles } from '../../activities';
import type { ProjectActivities, ProjectContext } from '../../activities/contract';
import { ProjectFiles, projectFileSha256 } from '../../activities/project-files';
import { workflowIdFor, type UpgradeTunables, type UpgradeWorkflowInput } from '../../workflows/contract';
import { auditPageQuery, statusQuery, statusSummaryQuery, taskDetailsQuery } from '../../workflows/messages';
import { validateProjectInput } from '../../workflows/project-input';
import { UpgradeAwaitingRoles, UpgradePhase } from '../../workflows/search-attributes';
import { jsonBytes, SUMMARY_MAX_BYTES } from '../../workflows/status-views';
import { connectTestClient, runWorker, uniqueTaskQueue } from '../harness/temporal';
import { approveUntil, FAST_STUB_TUNABLES, gateState, waitForStatus } from '../support/drive';
import { makeProject } from '../support/project-fixture';
import { StubActivities } from '../support/stub-activities';

const WORKFLOWS = require.resolve('../../workflows');
const TUNABLES: UpgradeTunables = FAST_STUB_TUNABLES;

let client: Client;
let closeClient: () => Promise<void>;
beforeAll(async () => {
  ({ client, close: closeClient } = await connectTestClient());
});
afterAll(async () => {
  await closeClient();
});

/** Every ActivityTaskScheduled input of the run, decoded from JSON: what history keeps of each call. */
async function scheduledInputs(handle: WorkflowHandle): Promise<{ type: string; args: unknown[]; bytes: number }[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
    .map((e) => {
      const attrs = e.activityTaskScheduledEventAttributes!;
      const payloads = attrs.input?.payloads ?? [];
      return {
        type: attrs.activityType?.name ?? '',
        args: payloads.map((p) => JSON.parse(Buffer.from(p.data!).toString('utf8')) as unknown),
        bytes: payloads.reduce((n, p) => n + (p.data?.length ?? 0), 0),
      };
    });
}

describe('lean activity inputs', () => {
  it('sends the file by hash; the worker that checked it resolves it in memory, a second worker from history', async () => {
    const project = makeProject();
    const validation = validateProjectInput(project, { shortTimings: true });
    if (!validation.ok) throw new Error('fixture does not validate');
    const sha256 = projectFileSha256(validation.project);
    const input: UpgradeWorkflowInput = { version: 1, project, tunables: TUNABLES };
    const taskQueue = uniqueTaskQueue('lean');

    // Worker 1 starts the project: its validateProject keeps the file, so the plan's activities resolve it in memory.
    const first = new StubActivities();
    const firstFiles = new ProjectFiles();
    const seenFirst: ProjectContext[] = [];
    const handle = await runWorker(
      { taskQueue, workflowsPath: WORKFLOWS, activities: recording(first, firstFiles, seenFirst) },
      async () => {
        const h = await client.workflow.start('upgradeProject', { taskQueue, workflowId: workflowIdFor(project.projectId), args: [input] });
        await waitForStatus(h, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');
        return h;
      },
    );
    expect(firstFiles.historyReads).toBe(0);
    expect(seenFirst.length).toBeGreaterThan(0);
    for (const ctx of seenFirst) expect(ctx).toEqual({ workflowId: handle.workflowId, project: validation.project });

    // Worker 2 never saw the project (another machine, or a restart): it reads the file once from history.
    const second = new StubActivities();
    const secondFiles = new ProjectFiles();
    const seenSecond: ProjectContext[] = [];
    await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: recording(second, secondFiles, seenSecond) }, async () => {
      await approveUntil(handle, (s) => gateState(s, 'assess-upgrade-complexity') === 'awaiting-approval');
      // The small views, from the same run: a summary under 4 KB, one task's details, the trail in pages.
      const summary = await handle.query(statusSummaryQuery);
      expect(jsonBytes(summary)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
      expect(summary).toMatchObject({
        view: 'summary',
        projectId: project.projectId,
        phase: 'plan',
        awaiting: [expect.objectContaining({ gateId: 'assess-upgrade-complexity' })],
      });
      const full = await handle.query(statusQuery);
      expect(summary.gates.map((g) => `${g.id}:${g.state}`)).toEqual(full.gates.map((g) => `${g.id}:${g.state}`));
      const details = await handle.query(taskDetailsQuery, { taskId: 'create-upgrade-plan' });
      expect(details?.gate.approvals).toHaveLength(1);
      expect(details?.audit.every((e) => e.gateId === 'create-upgrade-plan')).toBe(true);
      expect(await handle.query(taskDetailsQuery, { taskId: 'nope' })).toBeNull();
      const page = await handle.query(auditPageQuery, { limit: 2 });
      expect(page.entries.map((e) => e.id)).toEqual(full.audit.slice(0, 2).map((e) => e.id));
      expect(page.total).toBe(full.audit.length);
      await client.workflow.getHandle(handle.workflowId).cancel();
    });
    expect(secondFiles.historyReads).toBe(1);
    expect(seenSecond.length).toBeGreaterThan(1);
    for (const ctx of seenSecond) expect(ctx).toEqual({ workflowId: handle.workflowId, project: validation.project });

    // What history keeps of each call: the reference, ~150 bytes, never the file.
    const inputs = await scheduledInputs(handle);
    expect(inputs.length).toBeGreaterThan(3);
    for (const call of inputs) {
      expect(call.args[0]).toEqual({ workflowId: handle.workflowId, projectId: project.projectId, projectSha256: sha256 });
    }
    const plan = inputs.find((c) => c.type === 'draftUpgradePlan')!;
    expect(plan.bytes).toBeLessThan(200);
  });

  it('upserts the search attributes once per workflow task, naming only those that changed: one upsert per change people can see', async () => {
    const project = makeProject();
    const taskQueue = uniqueTaskQueue('lean');
    const stubs = new StubActivities();
    const input: UpgradeWorkflowInput = { version: 1, project, tunables: TUNABLES };
    const handle = await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: stubs.activities() }, async () => {
      const h = await client.workflow.start('upgradeProject', { taskQueue, workflowId: workflowIdFor(project.projectId), args: [input] });
      await approveUntil(h);
      await h.result();
      return h;
    });
    const history = await handle.fetchHistory();
    const upserts = (history.events ?? []).filter(
      (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
    );
    const fields = upserts.map((e) => Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}));
    const isSdk = (f: string[]) => f.length === 1 && f[0] === 'TemporalChangeVersion';
    const state = fields.filter((f) => !isSdk(f) && !f.includes('UpgradeProjectId')); // the first names the static three
    const sdk = fields.filter(isSdk);
    // 12 decisions: each awaited step is one upsert when it starts waiting and one when it is decided, the start
    // of the next task's phase rides with the decision; plus the first and the last (completed). Before: 32.
    expect(state.length).toBe(25);
    expect(sdk.length).toBe(1); // one for the patch set (README "The patches"), by the SDK; it was one per patch
    // Since the patch lean-result-and-upserts an upsert names only what changed (the first one names all seven):
    // every value named differs from the one before it, and the phase is named once per phase, not 25 times.
    const seen = new Map<string, string>();
    for (const e of upserts) {
      const indexed = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {};
      for (const [name, payload] of Object.entries(indexed)) {
        if (name === 'TemporalChangeVersion') continue;
        const value = JSON.stringify(defaultPayloadConverter.fromPayload(payload as never));
        expect(`${name}=${value}`).not.toBe(`${name}=${seen.get(name)}`);
        seen.set(name, value);
      }
    }
    expect(state[0]!.length).toBe(7);
    expect(state.filter((f) => f.includes('UpgradePhase')).length).toBeLessThan(12);
    // Awaiting the next person names roles, actors, tasks and since; a new phase adds itself; the overdue flag and the
    // rework count come only when they change.
    expect(state.slice(1).every((f) => f.length <= 5)).toBe(true);
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(UpgradePhase)).toBe('completed');
    expect(description.typedSearchAttributes.get(UpgradeAwaitingRoles) ?? []).toEqual([]); // an empty list reads as unset
  });

  it('refuses a reference that names no file of the run, with a clear error', async () => {
    const files = new ProjectFiles({
      readHistory: async function* () {
        yield [];
      },
    });
    await expect(files.resolve({ workflowId: 'upgrade-x', projectId: 'x', projectSha256: 'f'.repeat(64) })).rejects.toThrow(
      /project file ffffffffffff… of x is neither on this worker nor in the first 200 events of upgrade-x/,
    );
  });
});

/** The stubs behind the same resolution as the real activities, recording the context each implementation got. */
function recording(stubs: StubActivities, files: ProjectFiles, seen: ProjectContext[]) {
  const impl = stubs.activities() as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const watched: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(impl)) {
    watched[name] =
      name === 'validateProject'
        ? fn
        : async (ctx: ProjectContext, ...rest: unknown[]) => {
            seen.push(ctx);
            return fn(ctx, ...rest);
          };
  }
  return resolvingProjectFiles(watched as unknown as ProjectActivities, files);
}
