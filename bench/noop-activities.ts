/**
 * The "no-op implementations" of issue #6: every activity of UpgradeActivities (activities/contract.ts) with the
 * same name and shape, doing no work and returning a small AutomationResult, so scenario A measures the
 * orchestration's own cost (workflow code, history, updates, queries) and nothing of the real automation.
 */
import {
  eachAutomationActivity,
  projectIdOf,
  type ActivityContext,
  type ArtifactRef,
  type AutomationResult,
  type UpgradeActivities,
} from '../activities/contract';
import { resolvingProjectFiles } from '../activities';
import { ProjectFiles } from '../activities/project-files';
import { createValidateProject } from '../activities/validate-project';

/** A fixed-size artifact reference, about what a real step returns (id, sha256, name, type, size). */
function artifact(ctx: ActivityContext, name: string): ArtifactRef {
  return {
    id: `${projectIdOf(ctx)}/0000000000000000-${name}`,
    sha256: '0'.repeat(64),
    name,
    mediaType: 'text/markdown',
    bytes: 0,
  };
}

function step(name: string) {
  return async (ctx: ActivityContext): Promise<AutomationResult> => ({
    artifact: artifact(ctx, `${name.toLowerCase()}.md`),
    summary: `${name}: no-op (benchmark)`,
    passed: true,
  });
}

/**
 * Wrapped as the real ones are (activities/index.ts): validateProject keeps the checked file by hash and every
 * activity resolves its context first, so the figure includes what a lean reference costs the worker.
 */
export function createNoopActivities(): UpgradeActivities {
  return resolvingProjectFiles(noopImplementations(), new ProjectFiles());
}

function noopImplementations(): UpgradeActivities {
  return {
    // The project file check is the orchestration's own work (the workflow's first step), so it runs for real, with
    // the allowance a test landscape names: seconds-long timings and no 48-hour notice (CUO_ALLOW_SHORT_TIMINGS).
    validateProject: createValidateProject({ shortTimings: true }),
    ...eachAutomationActivity(step),
    sendNotification: async (_ctx, request) => ({ delivered: request.to.map((role) => `noop:${role}`), skipped: [] }),
    storeFinalReport: async (ctx) => artifact(ctx, 'final-report.md'),
    archiveAuditTrail: async (ctx, archive) => artifact(ctx, `audit-${archive.firstId}-${archive.lastId}.json`),
  };
}

/** The baseline's single activity: the same small result, no work. */
export async function baselineNoop(index: number): Promise<{ summary: string; index: number }> {
  return { summary: 'no-op (benchmark baseline)', index };
}
