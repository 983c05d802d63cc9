/**
 * Decisions (`approve`, `reject`, `comment`, `acknowledge`, `retry`, `skip`) and `cancel`, through the approvals
 * gateway: who decides comes from your sign-in (`cuo login`), never from a flag; the gateway signs the decision and
 * the workflow verifies that signature. Every call carries a requestId (generated when none is given and printed),
 * so running the same command again with `--request-id` is answered, not applied twice.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { type Decision, type DecisionResult } from '../../workflows/contract';
import { CAB_GATE_IDS, TASK_IDS } from '../../workflows/playbook';
import { CliError, EXIT } from '../exit-codes';
import { GatewayClient } from '../gateway-client';
import type { CommandContext } from './context';

interface DecisionOptions {
  as?: string;
  role?: string;
  message?: string;
  evidence?: string;
  requestId?: string;
  json?: boolean;
}

const VERBS: { decision: Decision; description: string; needsText?: string }[] = [
  { decision: 'approve', description: 'approve a task (or CAB gate) awaiting its owner role' },
  {
    decision: 'reject',
    description: 'reject a task with the reason; the project goes back to the work to redo',
    needsText: 'a rejection needs the reason: -m "<why>"',
  },
  { decision: 'comment', description: 'comment on a task as its owner or a contributor', needsText: 'a comment needs text: -m "<text>"' },
  { decision: 'acknowledge', description: 'acknowledge a task as a contributor' },
  { decision: 'retry', description: 'retry the failed automation step of a blocked task' },
  {
    decision: 'skip',
    description: 'skip the failed automation step of a blocked task, with the reason',
    needsText: 'skipping needs the reason: -m "<why>"',
  },
];

const GATE_IDS: readonly string[] = [...TASK_IDS, ...CAB_GATE_IDS];

const NO_AS = 'decisions take your identity from your sign-in, not from --as: run `cuo login` (then `cuo whoami` shows who you are)';

function printResult(ctx: CommandContext, result: DecisionResult & { role?: string }, requestId: string, json?: boolean): void {
  const { io } = ctx;
  if (json) {
    io.json({ ...result, requestId });
    return;
  }
  const mark = result.duplicate
    ? io.style.colors.yellow('= (already applied with this request id; nothing changed)')
    : io.style.colors.green('✔');
  io.out(
    `${mark} ${result.message}\n  task state: ${result.taskState} · audit #${result.auditId} · request id ${requestId}${result.role ? ` · as ${result.role}` : ''}`,
  );
}

export function registerDecide(program: Command, ctx: CommandContext): void {
  for (const verb of VERBS) {
    program
      .command(verb.decision)
      .description(`${verb.description} (signed in with \`cuo login\`)`)
      .argument('<project>', 'project id, e.g. acme-2-4-8')
      .argument('<task>', 'task or CAB gate id, e.g. create-upgrade-plan, cab-production-deployment')
      .option('--role <role>', 'the role you decide in, when you hold several in the project: customer, partner or managed-services')
      .option('-m, --message <text>', 'comment; the reason for reject and skip')
      .option(
        '--evidence <id>',
        'approve: the artifact or attachment id, sha256 prefix or (code update) commit you approve, refused if not current; reject: the attachment to redo from (your revision)',
      )
      .option('--request-id <id>', 'idempotency key; repeat it to retry a call safely (generated when omitted)')
      .option('--as <email>', '(no longer accepted: your identity comes from `cuo login`)')
      .option('--json', 'print the result as JSON')
      .action(async (projectId: string, taskId: string, opts: DecisionOptions) => {
        if (opts.as !== undefined) throw new CliError(NO_AS, EXIT.usage);
        if (verb.needsText && !opts.message?.trim()) throw new CliError(verb.needsText, EXIT.usage);
        if (!GATE_IDS.includes(taskId)) {
          throw new CliError(`no task "${taskId}"; tasks and gates are ${GATE_IDS.join(', ')}`, EXIT.notFound);
        }
        const requestId = opts.requestId ?? `cli-${randomUUID()}`;
        const gateway = new GatewayClient(ctx.settings());
        const token = gateway.credentials().idToken;
        const result = await gateway.post<DecisionResult & { role: string }>(
          `/api/projects/${encodeURIComponent(projectId)}/tasks/${encodeURIComponent(taskId)}/decisions`,
          {
            decision: verb.decision,
            ...(opts.role !== undefined ? { role: opts.role } : {}),
            ...(opts.message !== undefined ? { comment: opts.message } : {}),
            ...(opts.evidence !== undefined ? { evidence: opts.evidence } : {}),
            requestId,
          },
          token,
        );
        printResult(ctx, result, requestId, opts.json);
      });
  }

  program
    .command('cancel')
    .description('cancel a project (the CSE, role managed-services; signed in with `cuo login`); people are told and the report is kept')
    .argument('<project>', 'project id')
    .requiredOption('--reason <text>', 'why the project is cancelled')
    .option('--role <role>', '(optional) managed-services')
    .option('--request-id <id>', 'idempotency key (generated when omitted)')
    .option('--as <email>', '(no longer accepted: your identity comes from `cuo login`)')
    .option('--json', 'print the result as JSON')
    .action(async (projectId: string, opts: { as?: string; role?: string; reason: string; requestId?: string; json?: boolean }) => {
      if (opts.as !== undefined) throw new CliError(NO_AS, EXIT.usage);
      if (opts.role !== undefined && opts.role !== 'managed-services')
        throw new CliError('only the CSE (managed-services) cancels a project', EXIT.usage);
      const requestId = opts.requestId ?? `cli-${randomUUID()}`;
      const gateway = new GatewayClient(ctx.settings());
      const token = gateway.credentials().idToken;
      const result = await gateway.post<DecisionResult>(
        `/api/projects/${encodeURIComponent(projectId)}/cancel`,
        { reason: opts.reason, requestId },
        token,
      );
      printResult(ctx, result, requestId, opts.json);
    });
}
