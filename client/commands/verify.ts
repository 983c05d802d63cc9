/**
 * `verify`: re-checks every decision of a project from its workflow history alone (client/verify-history.ts). Reads
 * the history from Temporal (no worker needed, finished projects too) or from an exported JSON file.
 */
import { readFile } from 'node:fs/promises';
import { isGrpcServiceError } from '@temporalio/client';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import type { Command } from 'commander';
import { z } from 'zod';
import { workflowIdFor } from '../../workflows/contract';
import { CliError, EXIT } from '../exit-codes';
import { renderVerify } from '../format/verify';
import { wide } from '../io';
import { unknownProject } from '../session';
import { reportFails, verifyHistory } from '../verify-history';
import { withSession, type CommandContext } from './context';

const GRPC_NOT_FOUND = 5;
/** A real project's history is a few hundred kilobytes; this bounds what a hostile file makes us parse. */
const MAX_HISTORY_BYTES = 256 * 1024 * 1024;

export function registerVerify(program: Command, ctx: CommandContext): void {
  const { io } = ctx;
  program
    .command('verify')
    .description(
      "re-check every decision of a project from its workflow history alone: signatures, signed fields, the keys' rotations; no worker needed",
    )
    .argument('[project]', 'project id, e.g. acme-2-4-8 (or give --history)')
    .option(
      '--history <file>',
      'a history exported as JSON (`temporal workflow show --output json`, the UI download, historyToJSON) instead of asking Temporal',
    )
    .option(
      '--keys <file>',
      'the approvals gateway\'s published public keys (JSON: a JWKS, {"keys": [{"kid", "x"}]} or a list of them): the keys the project started with must be among them',
    )
    .option('--wide', 'whole cells, however wide (default: the table fits the terminal)')
    .option('--json', 'print the report as JSON')
    .action(async (projectId: string | undefined, opts: { history?: string; keys?: string; wide?: boolean; json?: boolean }) => {
      if (!projectId === !opts.history)
        throw new CliError(
          'name a project (`cuo verify <project>`) or a history file (`cuo verify --history <file.json>`), not both',
          EXIT.usage,
        );
      const pinnedKeys = opts.keys ? await keysFile(opts.keys) : undefined;
      const histories = opts.history ? [await historyFile(opts.history)] : await fetchHistories(ctx, projectId!);
      const reports = histories.map((history) => verifyHistory(history, { pinnedKeys }));
      // A project that continued as new is one history per run: each run must start trusting what the one before ended with.
      for (const [index, report] of reports.entries()) {
        const before = reports[index - 1];
        if (!before || !report.signed) continue;
        const ended = before.keys.at(-1)?.kids.join(', ') ?? '';
        const began = report.keys[0]?.kids.join(', ') ?? '';
        if (ended !== began)
          report.problems.push(
            `run ${index + 1} starts trusting ${began || 'no key'}, but run ${index} ended trusting ${ended || 'no key'}`,
          );
      }
      if (opts.json) io.json(reports.length === 1 ? reports[0] : { workflowId: reports[0]?.workflowId, runs: reports });
      else
        io.out(
          reports
            .map(
              (report, index) =>
                (reports.length > 1
                  ? `Run ${index + 1} of ${reports.length} (${report.runId ?? 'run'}${report.continued ? ', continued as new' : ''})\n`
                  : '') + renderVerify(report, wide(io.style, opts.wide)),
            )
            .join('\n\n'),
        );
      const failing = reports.filter(reportFails);
      if (failing.length) {
        const notVerified = failing.reduce((n, r) => n + r.summary.notVerified, 0);
        const first = failing[0]!;
        throw new CliError(
          notVerified
            ? `${notVerified} decision${notVerified === 1 ? '' : 's'} of ${first.workflowId} did not verify`
            : `${first.workflowId} does not verify: ${failing.flatMap((r) => r.problems).join('; ')}`,
          EXIT.notVerified,
        );
      }
    });
}

/** A public Ed25519 key: the JWK `x` (base64url of 32 bytes), as a JWKS entry or as a project's trusted key. */
const publicKey = z.looseObject({
  kty: z.literal('OKP').optional(),
  crv: z.literal('Ed25519').optional(),
  kid: z.string().optional(),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be the base64url of a 32-byte Ed25519 public key'),
});
const keysSchema = z.union([z.array(publicKey).min(1), z.looseObject({ keys: z.array(publicKey).min(1) }).transform((o) => o.keys)]);

async function keysFile(file: string): Promise<{ x: string }[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read the keys file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, EXIT.notFound);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${file} is not JSON (${(err as Error).message})`, EXIT.usage);
  }
  const keys = keysSchema.safeParse(parsed);
  if (!keys.success) {
    throw new CliError(
      `${file} holds no public keys: give a JWKS ({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": …}]}) or a list of {"kid", "x"}`,
      EXIT.usage,
      keys.error.issues.slice(0, 5).map((i) => `  ${i.path.join('.') || '(file)'}: ${i.message}`),
    );
  }
  return keys.data;
}

/**
 * Every run's history, oldest first: a project that continued as new has one per run. The chain is followed back
 * from the latest run through each start event's `continuedExecutionRunId`, so an older project that reused the id
 * is never mixed in.
 */
async function fetchHistories(ctx: CommandContext, projectId: string): Promise<History[]> {
  return withSession(ctx, projectId, async (session) => {
    try {
      const latest = session.handle(projectId);
      const histories = [await latest.fetchHistory()];
      for (let runs = 1; runs < 1000; runs += 1) {
        const previous = histories[0]!.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
        if (!previous) break;
        histories.unshift(await session.client.workflow.getHandle(latest.workflowId, previous).fetchHistory());
      }
      return histories;
    } catch (err) {
      // The history API answers a missing workflow with NOT_FOUND, not the SDK's WorkflowNotFoundError.
      if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) throw unknownProject(projectId);
      throw err;
    }
  });
}

async function historyFile(file: string): Promise<History> {
  let text: string;
  try {
    const bytes = await readFile(file);
    if (bytes.length > MAX_HISTORY_BYTES)
      throw new CliError(`${file} is larger than ${MAX_HISTORY_BYTES / 1024 / 1024} MB; is it a workflow history?`, EXIT.usage);
    text = bytes.toString('utf8');
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot read the history file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, EXIT.notFound);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CliError(
      `${file} is not JSON (${(err as Error).message}); export a history with \`temporal workflow show --workflow-id ${workflowIdFor('<project>')} --output json\``,
      EXIT.usage,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { events?: unknown }).events)) {
    throw new CliError(
      `${file} is not a workflow history: it has no "events" list (export one with \`temporal workflow show --output json\`)`,
      EXIT.usage,
    );
  }
  try {
    return historyFromJSON(parsed);
  } catch (err) {
    throw new CliError(`${file} is not a workflow history Temporal can read: ${(err as Error).message.slice(0, 300)}`, EXIT.usage);
  }
}
