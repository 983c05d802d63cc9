/**
 * `attach <project> <task>`: evidence a person brings to a task (issue #15) — UAT results, a load-test report from
 * their own tool, the CAB's minutes — through the approvals gateway, signed like a decision. The project keeps the
 * document's name, size, sha256 and where it is (`--url`), never the document: `--file` hashes a local file (keep it
 * where reviewers can get it, or give `--url` too). Approve it by hash: `cuo approve <project> <task> --evidence <sha>`;
 * name it as the revision to redo from: `cuo reject <project> <task> -m "<why>" --evidence <sha>`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { checkAttachPayload } from '../../workflows/message-checks';
import { type AttachResult, type AttachmentInput } from '../../workflows/contract';
import { CAB_GATE_IDS, TASK_IDS } from '../../workflows/playbook';
import { CliError, EXIT } from '../exit-codes';
import { GatewayClient } from '../gateway-client';
import type { CommandContext } from './context';

interface AttachOptions {
  file?: string;
  url?: string;
  sha256?: string;
  name?: string;
  note?: string;
  mediaType?: string;
  role?: string;
  requestId?: string;
  json?: boolean;
}

/** Larger files are hashed all the same; this only bounds what the CLI reads into memory at once. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

const MEDIA_TYPES: Record<string, string> = {
  '.md': 'text/markdown',
  '.txt': 'text/plain',
  '.pdf': 'application/pdf',
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.html': 'text/html',
  '.xml': 'application/xml',
  '.zip': 'application/zip',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/** What to attach, from the options: a local file (hashed here) or a URL with the sha256 its owner states. */
export function attachmentFrom(opts: AttachOptions): AttachmentInput {
  if (opts.file !== undefined && opts.sha256 !== undefined)
    throw new CliError('give --file (its sha256 is computed) or --sha256 with --url, not both', EXIT.usage);
  let attachment: AttachmentInput;
  if (opts.file !== undefined) {
    let bytes: Buffer;
    try {
      const size = statSync(opts.file).size;
      if (size > MAX_FILE_BYTES)
        throw new CliError(
          `${opts.file} is ${size} bytes; attach files up to ${MAX_FILE_BYTES} bytes, or give --url and --sha256`,
          EXIT.usage,
        );
      bytes = readFileSync(opts.file);
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError(`cannot read ${opts.file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, EXIT.usage);
    }
    const mediaType = opts.mediaType ?? MEDIA_TYPES[extname(opts.file).toLowerCase()];
    attachment = {
      name: opts.name ?? basename(opts.file),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
      ...(mediaType ? { mediaType } : {}),
      ...(opts.url !== undefined ? { url: opts.url } : {}),
    };
  } else if (opts.url !== undefined) {
    if (opts.sha256 === undefined)
      throw new CliError('a URL is attached with the sha256 of the document it serves: --sha256 <64 hex digits>', EXIT.usage);
    let name = opts.name;
    if (name === undefined) {
      try {
        name = decodeURIComponent(basename(new URL(opts.url).pathname)) || undefined;
      } catch {
        name = undefined;
      }
    }
    if (!name) throw new CliError(`name the document with --name (the URL ${opts.url} ends in no file name)`, EXIT.usage);
    attachment = { name, sha256: opts.sha256, url: opts.url, ...(opts.mediaType ? { mediaType: opts.mediaType } : {}) };
  } else {
    throw new CliError('attach a file (--file <path>) or a URL with its hash (--url <url> --sha256 <hex>)', EXIT.usage);
  }
  if (opts.note !== undefined) attachment.note = opts.note;
  // The workflow's own check, here first, so a bad field is named before anything is sent.
  const checked = checkAttachPayload({ taskId: 'x', actor: 'check@example.com', role: 'customer', attachment });
  if (!checked.success) throw new CliError(`invalid attachment: ${checked.problems.map((p) => p.message).join('; ')}`, EXIT.usage);
  return checked.data.attachment;
}

export function registerAttach(program: Command, ctx: CommandContext): void {
  const gates: readonly string[] = [...TASK_IDS, ...CAB_GATE_IDS];
  program
    .command('attach')
    .description(
      'attach evidence of your own to a task (a file, or a URL with its sha256); approvals can name it by hash (signed in with `cuo login`)',
    )
    .argument('<project>', 'project id, e.g. acme-2-4-8')
    .argument('<task>', 'task or CAB gate id, e.g. user-acceptance-testing, cab-production-deployment')
    .option('--file <path>', 'a local file: its name, size and sha256 are attached (the file itself stays with you)')
    .option('--url <url>', 'where reviewers get the document (http or https)')
    .option('--sha256 <hex>', 'with --url: the sha256 of the document at that URL')
    .option('--name <name>', 'the document name shown (default: the file or URL name)')
    .option('--note <text>', 'one line on what it is')
    .option('--media-type <type>', 'e.g. application/pdf (default: from the file extension)')
    .option('--role <role>', 'the role you attach in, when you hold several in the project')
    .option('--request-id <id>', 'idempotency key; repeat it to retry a call safely (generated when omitted)')
    .option('--json', 'print the result as JSON')
    .action(async (projectId: string, taskId: string, opts: AttachOptions) => {
      if (!gates.includes(taskId)) throw new CliError(`no task "${taskId}"; tasks and gates are ${gates.join(', ')}`, EXIT.notFound);
      const attachment = attachmentFrom(opts);
      const requestId = opts.requestId ?? `cli-${randomUUID()}`;
      const gateway = new GatewayClient(ctx.settings());
      const token = gateway.credentials().idToken;
      const result = await gateway.post<AttachResult & { role: string }>(
        `/api/projects/${encodeURIComponent(projectId)}/tasks/${encodeURIComponent(taskId)}/attachments`,
        { attachment, ...(opts.role !== undefined ? { role: opts.role } : {}), requestId },
        token,
      );
      const { io } = ctx;
      if (opts.json) {
        io.json({ ...result, requestId });
        return;
      }
      const mark = result.duplicate
        ? io.style.colors.yellow('= (already attached with this request id; nothing changed)')
        : io.style.colors.green('✔');
      io.out(
        `${mark} ${result.message}\n  sha256 ${result.sha256} · audit #${result.auditId} · request id ${requestId} · as ${result.role}`,
      );
    });
}
