/** Read-only views of one project: `status`, `history`, `report`, `ui`. */
import type { Command } from 'commander';
import { buildResult, renderFinalReport, workflowIdFor, type UpgradeProjectResult } from '../../workflows/contract';
import { loadConnectConfig } from '../connection';
import { CliError, EXIT } from '../exit-codes';
import { historyEntries, renderHistory } from '../format/history';
import { renderStatus } from '../format/status';
import { renderTaskDetails } from '../format/task';
import { cleanBlock } from '../format/text';
import { wide } from '../io';
import { uiLink } from '../settings';
import { withSession, type CommandContext } from './context';

export function registerInspect(program: Command, ctx: CommandContext): void {
  const { io } = ctx;
  program
    .command('status')
    .description('phase, every task and gate, whom it waits on and since when, overdue marks')
    .argument('<project>', 'project id, e.g. acme-2-4-8')
    .option('--wide', 'whole cells, however wide (default: the table fits the terminal)')
    .option('--json', 'print the status summary as JSON, with Temporal\'s view of the execution under "execution"')
    .option('--task <id>', 'one task or CAB gate in full: its steps, approvals and audit entries')
    .option('--full', 'with --json: the whole `status` answer (every gate in full and the audit trail), as before')
    .action(async (projectId: string, opts: { wide?: boolean; json?: boolean; task?: string; full?: boolean }) => {
      if (opts.task !== undefined) {
        const taskId = opts.task;
        const details = await withSession(ctx, projectId, (s) => s.task(projectId, taskId));
        if (!details) throw new CliError(`project ${projectId} has no task or gate "${taskId}"`, EXIT.usage);
        if (opts.json) io.json(details);
        else io.out(renderTaskDetails(details, wide(io.style, opts.wide)));
        return;
      }
      // The workflow's summary (under 4 KB), and Temporal's view: how the execution closed, the activities running.
      const [status, execution] = await withSession(ctx, projectId, (s) =>
        Promise.all([opts.full && opts.json ? s.status(projectId) : s.summary(projectId), s.execution(projectId)]),
      );
      if (opts.json) io.json({ ...status, execution });
      else io.out(renderStatus(status, io.now(), wide(io.style, opts.wide), execution));
    });

  program
    .command('history')
    .description('the audit trail: who decided what, when, on which evidence; refused attempts marked')
    .argument('<project>', 'project id')
    .option('--all', 'include automation, phase and change-window entries')
    .option('--wide', 'whole cells, however wide (default: the table fits the terminal)')
    .option('--json', 'print JSON')
    .action(async (projectId: string, opts: { all?: boolean; wide?: boolean; json?: boolean }) => {
      // The trail page by page (auditPage), and the project's names from the summary: never the whole status at once.
      const status = await withSession(ctx, projectId, async (s) => {
        const [summary, trail] = await Promise.all([s.summary(projectId), s.auditTrail(projectId)]);
        return { ...summary, ...trail };
      });
      if (opts.json) io.json({ projectId, entries: historyEntries(status, { all: opts.all }), refusedNotKept: status.refusedNotKept });
      else io.out(renderHistory(status, wide(io.style, opts.wide), { all: opts.all }));
    });

  program
    .command('report')
    .description('the final report (markdown): from the result of a finished project, or an interim one from its status')
    .argument('<project>', 'project id')
    .option('--json', 'print the report data as JSON instead of markdown')
    .action(async (projectId: string, opts: { json?: boolean }) => {
      await withSession(ctx, projectId, async (session) => {
        const status = await session.status(projectId);
        const handle = session.handle(projectId);
        const description = await handle.describe();
        let result: UpgradeProjectResult;
        let markdown: string;
        if (description.status.name === 'COMPLETED') {
          result = await session.withDeadline(() => handle.result() as Promise<UpgradeProjectResult>);
          markdown = renderFinalReport(result, status);
        } else if (description.status.name === 'RUNNING') {
          result = buildResult(status, new Date(io.now()).toISOString());
          // buildResult speaks of finished projects; an interim report says plainly that it is not one.
          markdown = renderFinalReport(result, status)
            .replace(/^- Outcome: \*\*completed\*\*$/m, `- Outcome: **in progress** (phase ${status.phase}; interim report)`)
            .replace(/; finished: .*$/m, `; as of: ${result.finishedAt}`);
        } else {
          throw new CliError(
            `workflow ${workflowIdFor(projectId)} ended ${description.status.name.toLowerCase()}: it has no report`,
            EXIT.failure,
          );
        }
        if (opts.json) io.json(result);
        // Comments and reasons in the report are anybody's text: escape sequences are shown, not sent to the terminal.
        else io.out(cleanBlock(markdown));
      });
    });

  program
    .command('ui')
    .description('the address of the project in the Temporal UI (TEMPORAL_UI_URL, default http://localhost:8233)')
    .argument('<project>', 'project id')
    .action((projectId: string) => {
      let namespace: string;
      try {
        namespace = loadConnectConfig({ profile: ctx.settings().profile }).namespace;
      } catch (err) {
        throw new CliError((err as Error).message, EXIT.usage);
      }
      io.out(uiLink(ctx.settings(), namespace, workflowIdFor(projectId)));
    });
}
