/**
 * Decisions through the `decide` update (`approve`, `reject`, `comment`, `acknowledge`, `retry`, `skip`) and the
 * `cancel` update. Every call carries a requestId (generated when none is given and printed), so running the same
 * command again with `--request-id` is answered, not applied twice.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { FieldProblem } from '../../workflows/field-problems';
import { checkCancelPayload, checkDecisionPayload } from '../../workflows/message-checks';
import { cancelUpdate, decideUpdate, type Decision, type DecisionResult } from '../../workflows/messages';
import { CAB_GATE_IDS, TASK_IDS } from '../../workflows/playbook';
import { CliError, EXIT } from '../exit-codes';
import { withSession, type CommandContext } from './context';

interface DecisionOptions {
  as: string;
  role: string;
  message?: string;
  evidence?: string;
  requestId?: string;
  json?: boolean;
}

const VERBS: { decision: Decision; description: string; needsText?: string }[] = [
  { decision: 'approve', description: 'approve a task (or CAB gate) awaiting its owner role' },
  { decision: 'reject', description: 'reject a task with the reason; the project goes back to the work to redo', needsText: 'a rejection needs the reason: -m "<why>"' },
  { decision: 'comment', description: 'comment on a task as its owner or a contributor', needsText: 'a comment needs text: -m "<text>"' },
  { decision: 'acknowledge', description: 'acknowledge a task as a contributor' },
  { decision: 'retry', description: 'retry the failed automation step of a blocked task' },
  { decision: 'skip', description: 'skip the failed automation step of a blocked task, with the reason', needsText: 'skipping needs the reason: -m "<why>"' },
];

const GATE_IDS: readonly string[] = [...TASK_IDS, ...CAB_GATE_IDS];

/** The same checks the workflow runs (message-checks.ts), so a request the CLI sends is one the workflow can take. */
function payloadProblems(problems: FieldProblem[]): CliError {
  const flag: Record<string, string> = { actor: '--as', role: '--role', comment: '-m', evidence: '--evidence', requestId: '--request-id', reason: '--reason', taskId: '<task>' };
  return new CliError(
    'invalid request:',
    EXIT.usage,
    problems.map((p) => `  ${flag[p.field] ?? p.field}: ${p.message}`),
  );
}

function printResult(ctx: CommandContext, result: DecisionResult, requestId: string, json?: boolean): void {
  const { io } = ctx;
  if (json) {
    io.json({ ...result, requestId });
    return;
  }
  const mark = result.duplicate ? io.style.colors.yellow('= (already applied with this request id; nothing changed)') : io.style.colors.green('✔');
  io.out(`${mark} ${result.message}\n  task state: ${result.taskState} · audit #${result.auditId} · request id ${requestId}`);
}

export function registerDecide(program: Command, ctx: CommandContext): void {
  for (const verb of VERBS) {
    program
      .command(verb.decision)
      .description(verb.description)
      .argument('<project>', 'project id, e.g. acme-2-4-8')
      .argument('<task>', 'task or CAB gate id, e.g. create-upgrade-plan, cab-production-deployment')
      .requiredOption('--as <email>', 'who decides: a named participant of the project')
      .requiredOption('--role <role>', 'the role you decide in: customer, partner or managed-services')
      .option('-m, --message <text>', 'comment; the reason for reject and skip')
      .option('--evidence <id>', 'the artifact id (or sha256 prefix) you approve; refused if it is not the current one')
      .option('--request-id <id>', 'idempotency key; repeat it to retry a call safely (generated when omitted)')
      .option('--json', 'print the result as JSON')
      .action(async (projectId: string, taskId: string, opts: DecisionOptions) => {
        if (verb.needsText && !opts.message?.trim()) throw new CliError(verb.needsText, EXIT.usage);
        if (!GATE_IDS.includes(taskId)) {
          throw new CliError(`no task "${taskId}"; tasks and gates are ${GATE_IDS.join(', ')}`, EXIT.notFound);
        }
        const requestId = opts.requestId ?? `cli-${randomUUID()}`;
        const parsed = checkDecisionPayload({
          taskId,
          decision: verb.decision,
          actor: opts.as,
          role: opts.role,
          ...(opts.message !== undefined ? { comment: opts.message } : {}),
          ...(opts.evidence !== undefined ? { evidence: opts.evidence } : {}),
          requestId,
        });
        if (!parsed.success) throw payloadProblems(parsed.problems);
        const result = await withSession(ctx, projectId, (session) =>
          session.withDeadline(() => session.handle(projectId).executeUpdate(decideUpdate, { args: [parsed.data] })),
          `${verb.decision} (request id ${requestId})`,
        );
        printResult(ctx, result, requestId, opts.json);
      });
  }

  program
    .command('cancel')
    .description('cancel a project (the CSE, role managed-services); people are told and the report is kept')
    .argument('<project>', 'project id')
    .requiredOption('--as <email>', 'the CSE cancelling: a named managed-services participant')
    .requiredOption('--role <role>', 'managed-services')
    .requiredOption('--reason <text>', 'why the project is cancelled')
    .option('--request-id <id>', 'idempotency key (generated when omitted)')
    .option('--json', 'print the result as JSON')
    .action(async (projectId: string, opts: { as: string; role: string; reason: string; requestId?: string; json?: boolean }) => {
      const requestId = opts.requestId ?? `cli-${randomUUID()}`;
      const parsed = checkCancelPayload({ actor: opts.as, role: opts.role, reason: opts.reason, requestId });
      if (!parsed.success) throw payloadProblems(parsed.problems);
      const result = await withSession(ctx, projectId, (session) =>
        session.withDeadline(() => session.handle(projectId).executeUpdate(cancelUpdate, { args: [parsed.data] })),
        `cancel (request id ${requestId})`,
      );
      printResult(ctx, result, requestId, opts.json);
    });
}
