/** `start <project.yaml>`: validate, then start the project's workflow (or show its plan with --dry-run). */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Command } from 'commander';
import type { TrustedKey } from '../../workflows/decision-assertion';
import { GatewayClient } from '../gateway-client';
import { staticSummary } from '../../workflows/current-details';
import {
  CURRENT_PLAYBOOK_VERSION,
  UpgradeCustomer,
  UpgradeProjectId,
  UpgradeTargetVersion,
  WORKFLOW_INPUT_VERSION,
  WORKFLOW_TYPE,
  workflowIdFor,
  type UpgradeWorkflowInput,
} from '../../workflows/contract';
import { type ProjectInput } from '../../workflows/project-input';
import { CliError, EXIT } from '../exit-codes';
import { participantsMarkdown } from '../format/participants';
import { buildPlan, renderPlan, separationWarnings } from '../format/plan';
import { loadProjectFile } from '../project-file';
import { uiLink } from '../settings';
import type { Session } from '../session';
import { withSession, type CommandContext } from './context';

export function registerStart(program: Command, ctx: CommandContext): void {
  program
    .command('start')
    .description('validate a project file and start its upgrade workflow')
    .argument('<project-file>', 'the project file (YAML), e.g. examples/acme-2-4-8.yaml')
    .option('--dry-run', 'validate and show the plan of tasks without starting anything')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { dryRun?: boolean; json?: boolean }) => {
      const project = loadProjectFile(file);
      const { io } = ctx;
      if (opts.dryRun) {
        const plan = buildPlan(project);
        if (opts.json) io.json({ valid: true, started: false, plan });
        else io.out(`${renderPlan(plan, io.style)}\n\n${file} is valid; nothing was started (dry run).`);
        return;
      }
      const settings = ctx.settings();
      const workflowId = workflowIdFor(project.projectId);
      // The project trusts the approvals gateway's keys as the gateway publishes them, never keys typed by hand.
      const { keys } = await new GatewayClient(settings).get<{ keys: TrustedKey[] }>('/api/keys');
      if (!Array.isArray(keys) || keys.length === 0)
        throw new CliError(`the approvals gateway at ${settings.gatewayUrl} publishes no signing key`, EXIT.unavailable);
      await withSession(ctx, project.projectId, async (session) => {
        const input: UpgradeWorkflowInput = {
          version: WORKFLOW_INPUT_VERSION,
          project,
          trust: { keys },
          playbookVersion: CURRENT_PLAYBOOK_VERSION,
        };
        let runId: string;
        try {
          const handle = await session.client.workflow.start(WORKFLOW_TYPE, {
            taskQueue: settings.taskQueue,
            workflowId,
            args: [input],
            // A project id names one upgrade: a finished one is not silently started again.
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            typedSearchAttributes: [
              { key: UpgradeProjectId, value: project.projectId },
              { key: UpgradeCustomer, value: project.customer },
              { key: UpgradeTargetVersion, value: project.targetVersion },
            ],
            staticSummary: staticSummary(project),
            staticDetails: participantsMarkdown(project),
          });
          runId = handle.firstExecutionRunId;
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) throw await alreadyStarted(session, project);
          throw err;
        }
        const ui = uiLink(settings, session.namespace, workflowId);
        const warnings = separationWarnings(project);
        if (opts.json) {
          io.json({
            started: true,
            projectId: project.projectId,
            workflowId,
            runId,
            namespace: session.namespace,
            taskQueue: settings.taskQueue,
            ui,
            ...(warnings.length ? { warnings } : {}),
          });
          return;
        }
        io.out(
          [
            `started ${io.style.colors.bold(workflowId)} — ${staticSummary(project)}`,
            `  task queue ${settings.taskQueue}, namespace ${session.namespace}, run ${runId}`,
            `  decisions through the approvals gateway ${settings.gatewayUrl} (trusted key ${keys.map((k) => k.kid).join(', ')})`,
            `  UI: ${ui}`,
            `next: cuo status ${project.projectId}   ·   cuo pending --role customer`,
            // Started all the same: the CSE may still cancel and start again with the people the gate needs.
            ...warnings.map((w) => io.style.colors.red(`warning: ${w}`)),
          ].join('\n'),
        );
      });
    });
}

async function alreadyStarted(session: Session, project: ProjectInput): Promise<CliError> {
  const workflowId = workflowIdFor(project.projectId);
  let state = 'it exists';
  let running = false;
  try {
    const description = await session.handle(project.projectId).describe();
    running = description.status.name === 'RUNNING';
    state = `${description.status.name.toLowerCase()} since ${description.startTime.toISOString()}`;
  } catch {
    // The start already told us it exists; the detail is a courtesy.
  }
  return new CliError(
    `project ${project.projectId} was already started: workflow ${workflowId} is ${state}. ` +
      (running
        ? `See \`cuo status ${project.projectId}\`.`
        : 'A project id names one upgrade: give a new attempt a new projectId (e.g. add "-2").'),
    EXIT.alreadyStarted,
  );
}
