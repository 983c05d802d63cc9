/**
 * Issue #15, items 3–5, on the real dev server: a project of playbook version 2 whose plan is rejected and redrafted
 * with the reviewer's reason (by the real plan renderer: no repository here, the services come from a fixture),
 * evidence a customer attaches and approves by hash, and a CAB gate that refuses the CSE who asked for the change.
 * Decisions and attachments are signed as the gateway signs them (test/support/test-gateway-signer.ts); the rest
 * of the automation is stubbed (test/support/stub-activities.ts says why).
 */
import { createHash } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { projectIdOf, type ActivityContext, type AutomationResult, type FinalReport, type ReworkNote } from '../../activities/contract';
import { finalReportMarkdown } from '../../activities/final-report-markdown';
import { computeInfrastructureChanges } from '../../activities/infrastructure/changes';
import { renderUpgradePlan } from '../../activities/plan/upgrade-plan';
import { verifyHistory } from '../../client/verify-history';
import { requirementsFor } from '../../activities/requirements/catalog';
import {
  attachUpdate,
  CURRENT_PLAYBOOK_VERSION,
  workflowIdFor,
  type UpgradeTunables,
  type UpgradeWorkflowInput,
} from '../../workflows/contract';
import type { UpgradeProjectResult } from '../../workflows/final-report';
import type { ProjectFile } from '../../workflows/project-input';
import type { ProjectStatus } from '../../workflows/project-state';
import { connectTestClient, runWorker, uniqueTaskQueue } from '../harness/temporal';
import { decide, FAST_STUB_TUNABLES, gateState, refusal, waitForStatus } from '../support/drive';
import { makeProject, PEOPLE } from '../support/project-fixture';
import { StubActivities } from '../support/stub-activities';
import { APP_246, SERVICES_246 } from '../unit/infrastructure/fixtures';
import { ProjectFiles } from '../../activities/project-files';

const WORKFLOWS = require.resolve('../../workflows');
const TUNABLES: UpgradeTunables = FAST_STUB_TUNABLES;
const SAM = 'sam@adobe.example';
const CASEY = 'casey@adobe.example';

let client: Client;
let closeClient: () => Promise<void>;

beforeAll(async () => {
  ({ client, close: closeClient } = await connectTestClient());
});
afterAll(async () => {
  await closeClient();
});

/** The plan step with the real renderer: what the workflow passes (the rework note) decides what the plan says. */
function planDrafter(drafts: { rework?: ReworkNote; markdown: string; sha256: string }[]) {
  // Projects since lean-history send a reference to the file: resolved the way the real activities do.
  const files = new ProjectFiles();
  return async (ctx: ActivityContext, request: { rework?: ReworkNote } = {}): Promise<AutomationResult> => {
    const { project } = await files.resolve(ctx);
    const markdown = renderUpgradePlan({
      project,
      requirements: requirementsFor(project.targetVersion),
      changes: computeInfrastructureChanges({ servicesYaml: SERVICES_246, appYaml: APP_246, targetVersion: project.targetVersion }),
      nowIso: '2026-12-02T09:00:00.000Z',
      ...(request.rework ? { rework: request.rework } : {}),
    });
    const sha256 = createHash('sha256').update(markdown).digest('hex');
    drafts.push({ ...(request.rework ? { rework: request.rework } : {}), markdown, sha256 });
    return {
      artifact: {
        id: `${project.projectId}/${sha256.slice(0, 16)}-upgrade-plan.md`,
        sha256,
        name: 'upgrade-plan.md',
        mediaType: 'text/markdown',
        bytes: markdown.length,
      },
      summary: request.rework ? `plan round ${request.rework.round}, redrafted after: ${request.rework.reason}` : 'plan',
    };
  };
}

/** Approves what awaits, as the first person the project says it waits on, until `stop` or the end. */
async function approveAsAwaited(handle: WorkflowHandle, stop: (s: ProjectStatus) => boolean = () => false): Promise<ProjectStatus> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const status = await handle.query<ProjectStatus>('status');
    if (status.state !== 'running' || stop(status)) return status;
    const next = status.awaiting.find((a) => a.state === 'awaiting-approval');
    if (next) await decide(handle, { taskId: next.gateId, decision: 'approve', actor: next.actors[0]!, role: next.roles[0]! });
    else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the project did not get there in time');
}

it('redrafts a rejected plan with the reason, approves attached evidence by hash, and keeps the requester off the CAB gate', async () => {
  const stubs = new StubActivities();
  const drafts: { rework?: ReworkNote; markdown: string; sha256: string }[] = [];
  const reports: string[] = [];
  const taskQueue = uniqueTaskQueue('cab-rules');
  const activities = {
    ...stubs.activities(),
    draftUpgradePlan: planDrafter(drafts),
    storeFinalReport: async (ctx: ActivityContext, report: FinalReport) => {
      const markdown = await finalReportMarkdown(report);
      reports.push(markdown);
      return {
        id: `${projectIdOf(ctx)}/final-report.md`,
        sha256: '0'.repeat(64),
        name: 'final-report.md',
        mediaType: 'text/markdown',
        bytes: markdown.length,
      };
    },
  };
  const project: ProjectFile = makeProject({
    participants: { ...PEOPLE, 'managed-services': [...PEOPLE['managed-services'], { name: 'Casey CAB', email: CASEY }] },
  });
  const input: UpgradeWorkflowInput = { version: 1, project, tunables: TUNABLES, playbookVersion: CURRENT_PLAYBOOK_VERSION };
  expect(CURRENT_PLAYBOOK_VERSION).toBe(2);

  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities }, async () => {
    const handle = await client.workflow.start('upgradeProject', {
      taskQueue,
      workflowId: workflowIdFor(project.projectId),
      args: [input],
    });
    let status = await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');
    const firstPlan = status.gates[0]!.steps[0]!.artifact!;

    // Rework that changes something: the rejection's reason reaches the redrafted plan, whose hash differs.
    await decide(handle, {
      taskId: 'create-upgrade-plan',
      decision: 'reject',
      actor: 'chris@acme.example',
      role: 'customer',
      comment: 'launch date missing: plan for 2027-02-01',
    });
    status = await waitForStatus(handle, (s) => s.gates[0]!.rounds === 2 && gateState(s, 'create-upgrade-plan') === 'awaiting-approval');
    expect(drafts).toHaveLength(2);
    expect(drafts[0]!.rework).toBeUndefined();
    expect(drafts[1]!.rework).toMatchObject({
      round: 2,
      reason: 'launch date missing: plan for 2027-02-01',
      actor: 'chris@acme.example',
      rejected: [{ id: firstPlan.id, sha256: firstPlan.sha256 }],
    });
    const secondPlan = status.gates[0]!.steps[0]!.artifact!;
    expect(secondPlan.sha256).not.toBe(firstPlan.sha256);
    expect(drafts[1]!.markdown).toContain('> launch date missing: plan for 2027-02-01');
    expect(drafts[1]!.markdown).toContain(`\`${firstPlan.id}\` (sha256 \`${firstPlan.sha256}\`)`);
    expect(status.gates[0]!.steps[0]!.summary).toBe('plan round 2, redrafted after: launch date missing: plan for 2027-02-01');
    expect(status.rework).toEqual([
      expect.objectContaining({
        round: 1,
        reason: 'launch date missing: plan for 2027-02-01',
        rejectedEvidence: [{ id: firstPlan.id, sha256: firstPlan.sha256 }],
      }),
    ]);

    // Evidence people bring: the customer's own review, attached by URL and sha256, approved by that hash.
    const review = {
      name: 'plan-review-acme.pdf',
      sha256: createHash('sha256').update('acme review of round 2').digest('hex'),
      url: 'https://files.acme.example/plan-review.pdf',
      mediaType: 'application/pdf',
    };
    const attached = await handle.executeUpdate(attachUpdate, {
      args: [{ taskId: 'create-upgrade-plan', actor: 'carla@acme.example', role: 'customer', attachment: review, requestId: 'attach-1' }],
    });
    expect(attached).toMatchObject({ attachmentId: `attached:${review.sha256.slice(0, 16)}-plan-review-acme.pdf`, duplicate: false });
    const again = await handle.executeUpdate(attachUpdate, {
      args: [{ taskId: 'create-upgrade-plan', actor: 'carla@acme.example', role: 'customer', attachment: review, requestId: 'attach-1' }],
    });
    expect(again).toMatchObject({ duplicate: true, auditId: attached.auditId });
    expect(
      await refusal(
        handle.executeUpdate(attachUpdate, {
          args: [{ taskId: 'determine-infrastructure-changes', actor: 'carla@acme.example', role: 'customer', attachment: review }],
        }),
      ),
    ).toMatch(/customer is neither owner nor contributor of determine-infrastructure-changes|determine-infrastructure-changes is pending/);
    expect(
      await refusal(
        decide(handle, {
          taskId: 'create-upgrade-plan',
          decision: 'approve',
          actor: 'carla@acme.example',
          role: 'customer',
          evidence: 'f'.repeat(12),
        }),
      ),
    ).toMatch(
      new RegExp(`evidence "f{12}" is not the current evidence of create-upgrade-plan \\(${secondPlan.id}, ${attached.attachmentId}\\)`),
    );
    const approved = await decide(handle, {
      taskId: 'create-upgrade-plan',
      decision: 'approve',
      actor: 'carla@acme.example',
      role: 'customer',
      evidence: review.sha256.slice(0, 12),
    });
    expect(approved.taskState).toBe('approved');
    status = await handle.query<ProjectStatus>('status');
    expect(status.gates[0]!.approvals[0]).toMatchObject({
      actor: 'carla@acme.example',
      named: attached.attachmentId,
      evidence: [secondPlan.id, attached.attachmentId],
    });

    // Separation of duties: Sam approves the infrastructure changes, so the infrastructure CAB is Casey's.
    status = await approveAsAwaited(handle, (s) => gateState(s, 'cab-infrastructure-change') === 'awaiting-approval');
    expect(status.gates.find((g) => g.id === 'determine-infrastructure-changes')!.approvals.map((a) => a.actor)).toEqual([SAM]);
    expect(status.awaiting).toEqual([
      expect.objectContaining({ gateId: 'cab-infrastructure-change', roles: ['managed-services'], actors: [CASEY] }),
    ]);
    expect(
      await refusal(decide(handle, { taskId: 'cab-infrastructure-change', decision: 'approve', actor: SAM, role: 'managed-services' })),
    ).toBe(
      'separation of duties: sam@adobe.example approved determine-infrastructure-changes, the change cab-infrastructure-change approves, so may not approve it; another managed-services participant must (casey@adobe.example)',
    );
    await decide(handle, { taskId: 'cab-infrastructure-change', decision: 'approve', actor: CASEY, role: 'managed-services' });

    const final = await approveAsAwaited(handle);
    expect(final.state).toBe('completed');
    const result: UpgradeProjectResult = await handle.result();
    expect(result.gates.find((g) => g.id === 'cab-infrastructure-change')!.approvals.map((a) => a.actor)).toEqual([CASEY]);
    expect(result.attachments).toEqual([
      expect.objectContaining({
        kind: 'attachment',
        gateId: 'create-upgrade-plan',
        actor: 'carla@acme.example',
        evidence: [attached.attachmentId],
      }),
    ]);
    expect(result.gates[0]!.attachments).toEqual([
      expect.objectContaining({ id: attached.attachmentId, sha256: review.sha256, url: review.url }),
    ]);
    const report = reports.at(-1)!;
    expect(report).toContain('## Evidence people attached');
    expect(report).toContain(`attached plan-review-acme.pdf (sha256 ${review.sha256}) at https://files.acme.example/plan-review.pdf`);
    expect(report).toContain(`${attached.attachmentId} (${review.sha256.slice(0, 12)}, attached by carla@acme.example)`);
    expect(report).toMatch(/create-upgrade-plan rejected by chris@acme\.example, back to create-upgrade-plan: launch date missing/);

    // An auditor re-checks the attachment from the history alone, as every decision (`cuo verify`).
    const verified = verifyHistory(await handle.fetchHistory());
    expect(verified.summary.notVerified).toBe(0);
    expect(verified.decisions.filter((d) => d.message === 'attach').map((d) => [d.task, d.actor, d.verdict])).toEqual([
      ['create-upgrade-plan', 'carla@acme.example', 'verified'],
      ['create-upgrade-plan', 'carla@acme.example', 'duplicate'],
    ]);
  });
});
