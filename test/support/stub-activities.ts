/**
 * Stand-in activities for workflow tests (issue #3: "workflow tests use stubs"): the workflow's behaviour —
 * gates, rework, blocking, windows — is what these tests check, so the automation is replaced by in-memory
 * functions that record their calls and return artifacts hashed from what they were asked. The real activities are
 * tested against real local counterparts in test/adapters and end to end in test/integration/real-activities.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import {
  eachAutomationActivity,
  type ArtifactRef,
  type AutomationResult,
  projectIdOf,
  type ActivityContext,
  type NotificationRequest,
  type UpgradeActivities,
} from '../../activities/contract';
import { createValidateProject } from '../../activities/validate-project';
import { finalReportMarkdown } from '../../activities/final-report-markdown';

export interface StubCall {
  name: keyof UpgradeActivities;
  workflowId: string;
  detail?: unknown;
}

function artifact(projectId: string, name: string, content: string): ArtifactRef {
  const sha256 = createHash('sha256').update(content).digest('hex');
  return { id: `${projectId}/${sha256.slice(0, 16)}-${name}`, sha256, name, mediaType: 'text/markdown', bytes: content.length };
}

export class StubActivities {
  readonly calls: StubCall[] = [];
  readonly notifications: NotificationRequest[] = [];
  readonly archives = new Map<string, unknown[]>();
  /** Activity names that throw while listed (retryable, so the retry policy runs out and the task blocks). */
  readonly failing = new Map<string, string>();
  /** Artifact content version per activity, bumped to make "redone work" produce new evidence. */
  private readonly versions = new Map<string, number>();

  bumpVersion(name: keyof UpgradeActivities): void {
    this.versions.set(name, (this.versions.get(name) ?? 0) + 1);
  }

  callsOf(name: keyof UpgradeActivities, workflowId?: string): StubCall[] {
    return this.calls.filter((c) => c.name === name && (!workflowId || c.workflowId === workflowId));
  }

  notificationsFor(workflowId: string, kind?: NotificationRequest['kind']): NotificationRequest[] {
    return this.notifications.filter((n) => n.idempotencyKey.startsWith(`${workflowId}/`) && (!kind || n.kind === kind));
  }

  /** What each call received: the full context (older projects) or the file's reference (patch lean-history). */
  readonly contexts: ActivityContext[] = [];

  private automation(name: keyof UpgradeActivities, ctx: ActivityContext, detail?: unknown): AutomationResult {
    this.contexts.push(ctx);
    this.calls.push({ name, workflowId: ctx.workflowId, detail });
    const failure = this.failing.get(name);
    if (failure) throw ApplicationFailure.retryable(failure, 'StubFailure');
    const content = `${name} for ${projectIdOf(ctx)} v${this.versions.get(name) ?? 0} ${JSON.stringify(detail ?? {})}`;
    return { artifact: artifact(projectIdOf(ctx), `${name.toLowerCase()}.md`, content), summary: `${name} done`, passed: true };
  }

  activities(): UpgradeActivities {
    const step =
      (name: keyof UpgradeActivities) =>
      async (ctx: ActivityContext, detail?: unknown): Promise<AutomationResult> =>
        this.automation(name, ctx, detail);
    return {
      // The real check, not a stand-in: it is pure, and what the workflow starts from must be the real thing. As
      // on a worker with CUO_ALLOW_SHORT_TIMINGS=1: workflow tests remind and escalate within seconds.
      validateProject: createValidateProject({ shortTimings: true }),
      ...eachAutomationActivity(step),
      sendNotification: async (ctx, request) => {
        this.calls.push({ name: 'sendNotification', workflowId: ctx.workflowId, detail: request.kind });
        this.notifications.push(request);
        return { delivered: request.to.map((role) => `stub:${role}`), skipped: [] };
      },
      storeFinalReport: async (ctx, report) => {
        this.calls.push({ name: 'storeFinalReport', workflowId: ctx.workflowId });
        return artifact(projectIdOf(ctx), 'final-report.md', await finalReportMarkdown(report));
      },
      // Kept in memory by id, so a test can check that an archive holds exactly the entries the run moved out.
      archiveAuditTrail: async (ctx, archive) => {
        this.calls.push({
          name: 'archiveAuditTrail',
          workflowId: ctx.workflowId,
          detail: { firstId: archive.firstId, lastId: archive.lastId },
        });
        const ref = artifact(projectIdOf(ctx), `audit-${archive.firstId}-${archive.lastId}.json`, JSON.stringify(archive.entries));
        this.archives.set(ref.id, archive.entries);
        return ref;
      },
    };
  }
}
