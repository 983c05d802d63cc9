/**
 * The final report's markdown, for the `storeFinalReport` activity. Projects started before the patch
 * `lean-result-and-upserts` send the markdown itself (~9 KB after a happy path, kept in the history's scheduled
 * event for as long as the history is retained, issue #16). Newer ones send only how to render it: the activity asks
 * its own workflow run for its `status` — fixed while the run waits for this report, its last step — and renders the
 * same report the workflow would have, from the same pure functions (workflows/final-report.ts).
 */
import { Context } from '@temporalio/activity';
import { buildResult, renderFinalReport, statusQuery, type ProjectStatus } from '../workflows/contract';
import type { FinalReport } from './contract';

export async function finalReportMarkdown(report: FinalReport): Promise<string> {
  if (report.markdown !== undefined) return report.markdown;
  const context = Context.current();
  const { workflowId, runId } = context.info.workflowExecution ?? {};
  if (!workflowId) throw new Error('storeFinalReport renders the report from its workflow run; it ran outside one, so none was stored');
  const status: ProjectStatus = await context.client.workflow.getHandle(workflowId, runId).query(statusQuery);
  if (status.projectId !== report.projectId) {
    throw new Error(`the workflow ${workflowId} answers for project ${status.projectId}, not ${report.projectId}; no report was stored`);
  }
  const result = buildResult(status, status.completedAt ?? new Date().toISOString(), report.render ?? {});
  return renderFinalReport(result, status);
}
