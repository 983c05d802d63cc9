/**
 * Production-to-Staging data migration for a Pro project, with the documented tools, run through the command
 * runner on whatever targets the environments configure:
 *
 * 1. Production: `vendor/bin/ece-tools db-dump --remove-definers --dump-directory <dir>` (CLOUD
 *    `storage/database-dump.md`; it writes `dump-<timestamp>.sql.gz`; Adobe recommends maintenance mode on
 *    Production and notes that it dumps from one of the three HA nodes).
 * 2. The worker streams the file from Production to Staging (`cat` on one side, `cat >` on the other, hashed on
 *    the way) and checks its sha256 on Staging, so the two environments never need credentials for each other.
 * 3. Staging: `gunzip -c <dump> | mysql`, with the client's credentials taken from the Staging user's own MySQL
 *    option files (`~/.my.cnf`, filled from MAGENTO_CLOUD_RELATIONSHIPS); `mysqlCommand` overrides the client.
 * 4. Staging: `bin/magento setup:store-config:set` with Staging's base URLs (the imported data carries
 *    Production's), then `bin/magento cache:flush`.
 * 5. Both: the dump folder is removed (it holds customer data) unless `keepDumps`.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import {
  describeOutcome,
  describeTarget,
  processSpec,
  runRemoteCommand,
  succeeded,
  type RemoteCommandResult,
  type RemoteTarget,
} from './command-runner';

export interface MigrationProgress {
  step: string;
  stepIndex: number;
  stepCount: number;
  elapsedMs: number;
  bytesTransferred?: number;
}

export interface MigrationRequest {
  production: RemoteTarget;
  staging: RemoteTarget;
  /** Staging storefront base URL, written back after the import (e.g. https://mcstaging.example.com). */
  stagingBaseUrl: string;
  /** Names this run's dump folder, so a retried activity finds or replaces its own files only. */
  runId: string;
  /** Folder relative to the project root (default `var/cuo-migration-<runId>`). */
  dumpDirectory?: string;
  mysqlCommand?: string;
  stepTimeoutMs: number;
  keepDumps?: boolean;
  signal?: AbortSignal;
  onProgress?: (details: MigrationProgress) => void;
}

export interface MigrationStep {
  name: string;
  target: string;
  command: string;
  exitCode: number | null;
  durationMs: number;
  passed: boolean;
  outcome: string;
}

export interface MigrationResult {
  dumpFile: string;
  bytesTransferred: number;
  sha256: string;
  steps: MigrationStep[];
  durationMs: number;
}

/** A step failed; `steps` holds what ran, for the report. */
export class MigrationStepError extends Error {
  constructor(
    message: string,
    readonly steps: MigrationStep[],
  ) {
    super(message);
    this.name = 'MigrationStepError';
  }
}

const SAFE_RUN_ID = /^[A-Za-z0-9._-]{1,100}$/;
const STEP_COUNT = 7;

/** Single-quotes a word for a POSIX shell. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The commands the migration runs, in order: what a CSE reviews before allowing it. */
export function migrationCommands(req: Pick<MigrationRequest, 'runId' | 'dumpDirectory' | 'mysqlCommand' | 'stagingBaseUrl'>): {
  dump: string;
  findDump: string;
  import: (dumpFile: string) => string;
  storeConfig: string;
  cacheFlush: string;
  cleanup: string;
} {
  if (!SAFE_RUN_ID.test(req.runId)) throw new Error(`runId "${req.runId}" may hold only letters, digits, ".", "_" and "-"`);
  const dir = req.dumpDirectory ?? `var/cuo-migration-${req.runId}`;
  const url = new URL(req.stagingBaseUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`stagingBaseUrl ${req.stagingBaseUrl} must be http(s)`);
  const base = `${url.origin}${url.pathname.replace(/\/*$/, '/')}`;
  const q = shellQuote(dir);
  return {
    // A fresh folder per run: the dump found next is this run's, never an older one.
    dump: `rm -rf ${q} && mkdir -p ${q} && vendor/bin/ece-tools db-dump --remove-definers --dump-directory ${q}`,
    findDump: `ls -1t ${q}/*.sql.gz | head -n 1`,
    // Test the archive first: in a plain POSIX pipeline a broken gzip would not fail the import.
    import: (dumpFile) => `gunzip -t ${shellQuote(dumpFile)} && gunzip -c ${shellQuote(dumpFile)} | ${req.mysqlCommand ?? 'mysql'}`,
    storeConfig: `bin/magento setup:store-config:set --base-url=${shellQuote(base)} --base-url-secure=${shellQuote(base.replace(/^http:/, 'https:'))}`,
    cacheFlush: 'bin/magento cache:flush',
    cleanup: `rm -rf ${q}`,
  };
}

export async function migrateProductionToStaging(req: MigrationRequest): Promise<MigrationResult> {
  const commands = migrationCommands(req);
  const dir = req.dumpDirectory ?? `var/cuo-migration-${req.runId}`;
  const started = performance.now();
  const steps: MigrationStep[] = [];
  let index = 0;

  const report = (step: string, bytesTransferred?: number): void =>
    req.onProgress?.({
      step,
      stepIndex: index,
      stepCount: STEP_COUNT,
      elapsedMs: Math.round(performance.now() - started),
      bytesTransferred,
    });

  const run = async (name: string, target: RemoteTarget, command: string): Promise<RemoteCommandResult> => {
    index += 1;
    report(name);
    const result = await runRemoteCommand({
      target,
      command,
      timeoutMs: req.stepTimeoutMs,
      signal: req.signal,
      onProgress: () => report(name),
    });
    const passed = succeeded(result);
    steps.push({
      name,
      target: result.target,
      command,
      exitCode: result.exitCode,
      durationMs: result.durationMs,
      passed,
      outcome: describeOutcome(result),
    });
    if (!passed) throw new MigrationStepError(`data migration failed at "${name}": ${describeOutcome(result)}`, steps);
    return result;
  };

  await run('dump production database', req.production, commands.dump);
  const found = (await run('locate dump', req.production, commands.findDump)).stdout.trim().split('\n')[0]?.trim() ?? '';
  if (!found.endsWith('.sql.gz')) {
    throw new MigrationStepError(
      `ece-tools db-dump reported success but no dump-*.sql.gz is in ${dir} on ${describeTarget(req.production)}`,
      steps,
    );
  }
  const fileName = found.split('/').pop() ?? found;
  const stagingFile = `${dir}/${fileName}`;

  index += 1;
  report('transfer dump to staging', 0);
  const transfer = await streamBetween({
    source: req.production,
    sourceCommand: `cat ${shellQuote(found)}`,
    destination: req.staging,
    destinationCommand: `mkdir -p ${shellQuote(dir)} && cat > ${shellQuote(stagingFile)}`,
    timeoutMs: req.stepTimeoutMs,
    signal: req.signal,
    onBytes: (bytes) => report('transfer dump to staging', bytes),
  });
  steps.push({
    name: 'transfer dump to staging',
    target: `${describeTarget(req.production)} → ${describeTarget(req.staging)}`,
    command: `cat ${found} | cat > ${stagingFile}`,
    exitCode: transfer.ok ? 0 : 1,
    durationMs: transfer.durationMs,
    passed: transfer.ok,
    outcome: transfer.ok ? `${transfer.bytes} bytes, sha256 ${transfer.sha256}` : transfer.error,
  });
  if (!transfer.ok) throw new MigrationStepError(`data migration failed at "transfer dump to staging": ${transfer.error}`, steps);

  const check = await run('verify dump on staging', req.staging, `sha256sum ${shellQuote(stagingFile)}`);
  const stagingHash = check.stdout.trim().split(/\s+/)[0];
  if (stagingHash !== transfer.sha256) {
    throw new MigrationStepError(
      `the dump on staging has sha256 ${stagingHash}, the one sent had ${transfer.sha256}: transfer corrupted`,
      steps,
    );
  }
  await run('import dump on staging', req.staging, commands.import(stagingFile));
  await run('set staging base URLs', req.staging, commands.storeConfig);
  await run('flush staging cache', req.staging, commands.cacheFlush);
  if (!req.keepDumps) {
    await run('remove dump on production', req.production, commands.cleanup);
    await run('remove dump on staging', req.staging, commands.cleanup);
  }
  return {
    dumpFile: fileName,
    bytesTransferred: transfer.bytes,
    sha256: transfer.sha256,
    steps,
    durationMs: Math.round(performance.now() - started),
  };
}

interface StreamRequest {
  source: RemoteTarget;
  sourceCommand: string;
  destination: RemoteTarget;
  destinationCommand: string;
  timeoutMs: number;
  signal?: AbortSignal;
  onBytes?: (bytes: number) => void;
}

type StreamResult = { ok: true; bytes: number; sha256: string; durationMs: number } | { ok: false; error: string; durationMs: number };

/** Pipes one command's stdout into another's stdin through the worker, hashing and counting on the way. */
export async function streamBetween(req: StreamRequest): Promise<StreamResult> {
  req.signal?.throwIfAborted();
  const started = performance.now();
  const from = processSpec(req.source, req.sourceCommand);
  const to = processSpec(req.destination, req.destinationCommand);
  const producer = spawn(from.file, from.args, { cwd: from.cwd, env: from.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const consumer = spawn(to.file, to.args, { cwd: to.cwd, env: to.env, detached: true, stdio: ['pipe', 'ignore', 'pipe'] });
  const hash = createHash('sha256');
  let bytes = 0;
  let lastReport = 0;
  const errors = { producer: '', consumer: '' };
  producer.stderr.on('data', (c: Buffer) => (errors.producer = (errors.producer + c.toString('utf8')).slice(-2000)));
  consumer.stderr.on('data', (c: Buffer) => (errors.consumer = (errors.consumer + c.toString('utf8')).slice(-2000)));
  producer.stdout.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
    if (performance.now() - lastReport > 2000) {
      lastReport = performance.now();
      req.onBytes?.(bytes);
    }
  });
  producer.stdout.pipe(consumer.stdin);
  consumer.stdin.on('error', () => undefined);

  const exited = (child: typeof producer | typeof consumer): Promise<number | null> =>
    new Promise((resolve) => {
      child.on('error', () => resolve(null));
      child.on('close', (code) => resolve(code));
    });
  const kill = (): void => {
    for (const child of [producer, consumer]) {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
  };
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    kill();
  }, req.timeoutMs);
  req.signal?.addEventListener('abort', kill, { once: true });
  const [producerCode, consumerCode] = await Promise.all([exited(producer), exited(consumer)]);
  clearTimeout(deadline);
  req.signal?.removeEventListener('abort', kill);
  req.signal?.throwIfAborted();
  const durationMs = Math.round(performance.now() - started);
  if (timedOut) return { ok: false, error: `transfer timed out after ${req.timeoutMs} ms (${bytes} bytes sent)`, durationMs };
  if (producerCode !== 0) {
    return {
      ok: false,
      error: `reading the dump on ${describeTarget(req.source)} exited ${producerCode}: ${errors.producer.trim()}`,
      durationMs,
    };
  }
  if (consumerCode !== 0) {
    return {
      ok: false,
      error: `writing the dump on ${describeTarget(req.destination)} exited ${consumerCode}: ${errors.consumer.trim()}`,
      durationMs,
    };
  }
  return { ok: true, bytes, sha256: hash.digest('hex'), durationMs };
}
