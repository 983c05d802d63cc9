/**
 * Runs one shell command on an environment: in a local shell (tests, demo, a worker that sits on the host) or on a
 * Cloud environment through the system `ssh` binary. Output is captured with a size cap, the command has a hard
 * deadline (the whole process group is killed), progress is reported through `onProgress` and an AbortSignal
 * cancels it.
 */
import { spawn } from 'node:child_process';

export type RemoteTarget =
  | { type: 'local'; cwd?: string }
  | {
      type: 'ssh';
      host: string;
      user: string;
      port?: number;
      /** Path of a private key file on the worker (from the worker's configuration, never from project input). */
      identityFile?: string;
      /** known_hosts file to use instead of the user's (lets the worker keep its own trust store). */
      knownHostsFile?: string;
    };

export interface RemoteCommandProgress {
  phase: 'running';
  target: string;
  command: string;
  elapsedMs: number;
  stdoutBytes: number;
  stderrBytes: number;
  /** Last non-empty output line, so a heartbeat shows where a long command is. */
  lastLine?: string;
}

export interface RemoteCommandRequest {
  target: RemoteTarget;
  command: string;
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (details: RemoteCommandProgress) => void;
  /** How often `onProgress` is called while the command runs (default 5 s). */
  progressIntervalMs?: number;
  /** Cap per stream (default 256 KiB): head and tail are kept, the middle is elided with a marker. */
  maxOutputBytes?: number;
  /** ssh ConnectTimeout in seconds (default 10). */
  connectTimeoutSeconds?: number;
  /** Bytes written to the command's stdin, then closed. Without it stdin is empty (never the worker's). */
  stdin?: string | Buffer;
}

export interface RemoteCommandResult {
  target: string;
  command: string;
  /** Exit code, or null when the process was killed (timeout) or could not start. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  outputTruncated: boolean;
  /**
   * Set when the command never ran on the environment: the ssh connection failed (ssh exits 255), or the shell or
   * `ssh` binary could not be started. The command's own failures leave it unset.
   */
  transportError?: string;
}

const DEFAULT_MAX_OUTPUT = 256 * 1024;
const KILL_GRACE_MS = 2000;
const SAFE_HOST = /^[A-Za-z0-9._:[\]-]+$/;
const SAFE_USER = /^[A-Za-z0-9._-]+$/;

/** `user@host:port` or `local:<cwd>`, for evidence and messages. */
export function describeTarget(target: RemoteTarget): string {
  return target.type === 'local' ? `local:${target.cwd ?? '.'}` : `${target.user}@${target.host}:${target.port ?? 22}`;
}

/**
 * The `ssh` argument vector: no prompts (BatchMode), first-seen host keys accepted but changed keys refused
 * (accept-new), a bounded connect, and the command as one argument for the remote shell. Host and user are
 * checked so nothing in them can be read by ssh as an option.
 */
export function buildSshArgs(target: Extract<RemoteTarget, { type: 'ssh' }>, command: string, connectTimeoutSeconds = 10): string[] {
  if (!SAFE_HOST.test(target.host) || target.host.startsWith('-')) {
    throw new Error(`ssh host "${target.host}" is not a host name or address`);
  }
  if (!SAFE_USER.test(target.user) || target.user.startsWith('-')) {
    throw new Error(`ssh user "${target.user}" is not a user name`);
  }
  const port = target.port ?? 22;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`ssh port ${port} is not between 1 and 65535`);
  const args = [
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=accept-new',
    '-o',
    `ConnectTimeout=${Math.max(1, Math.round(connectTimeoutSeconds))}`,
    '-o',
    'ServerAliveInterval=15',
    '-o',
    'ServerAliveCountMax=4',
    // Nothing of the worker's session travels to the environment.
    '-o',
    'ForwardAgent=no',
    '-o',
    'ForwardX11=no',
    '-o',
    'ClearAllForwardings=yes',
    '-p',
    String(port),
  ];
  if (target.identityFile) args.push('-i', target.identityFile, '-o', 'IdentitiesOnly=yes');
  if (target.knownHostsFile) args.push('-o', `UserKnownHostsFile=${target.knownHostsFile}`);
  args.push('-l', target.user, target.host, command);
  return args;
}

/**
 * The variables a command gets: enough to find programs and write temp files, nothing of the worker's own
 * configuration (issue #12, finding 1: children inherited SMTP_URL and WEBHOOK_URL). The ssh binary also gets the
 * operator's agent socket to authenticate with; the remote command never does (no agent forwarding).
 */
const COMMAND_VARIABLES = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'TZ', 'TMPDIR'] as const;

export function commandEnvironment(target: RemoteTarget, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = { LC_ALL: 'C' };
  for (const key of COMMAND_VARIABLES) {
    const value = from[key];
    if (value !== undefined) env[key] = value;
  }
  if (!env.PATH) env.PATH = '/usr/local/bin:/usr/bin:/bin';
  if (target.type === 'ssh' && from.SSH_AUTH_SOCK) env.SSH_AUTH_SOCK = from.SSH_AUTH_SOCK;
  return env;
}

/** The program, arguments, working folder and environment that run `command` on `target`. */
export function processSpec(
  target: RemoteTarget,
  command: string,
  connectTimeoutSeconds?: number,
): { file: string; args: string[]; cwd?: string; env: Record<string, string> } {
  const env = commandEnvironment(target);
  return target.type === 'local'
    ? { file: '/bin/sh', args: ['-c', command], cwd: target.cwd, env }
    : { file: 'ssh', args: buildSshArgs(target, command, connectTimeoutSeconds), env };
}

export async function runRemoteCommand(req: RemoteCommandRequest): Promise<RemoteCommandResult> {
  if (!req.command.trim()) throw new Error('command is empty');
  if (!(req.timeoutMs > 0)) throw new Error(`timeoutMs must be positive, got ${req.timeoutMs}`);
  req.signal?.throwIfAborted();

  const label = describeTarget(req.target);
  const { file, args, cwd, env } = processSpec(req.target, req.command, req.connectTimeoutSeconds);
  const started = performance.now();
  const stdout = new CappedBuffer(req.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
  const stderr = new CappedBuffer(req.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);

  return new Promise<RemoteCommandResult>((resolve, reject) => {
    // Own process group, so a timeout kills the command's children too (a shell pipeline, php, mysql).
    const child = spawn(file, args, { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let timedOut = false;
    let aborted = false;
    let spawnError: Error | undefined;
    let killTimer: NodeJS.Timeout | undefined;

    const killGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // Already gone.
      }
    };
    const terminate = (): void => {
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const deadline = setTimeout(() => {
      timedOut = true;
      terminate();
    }, req.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      terminate();
    };
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const progress = req.onProgress
      ? setInterval(() => {
          req.onProgress?.({
            phase: 'running',
            target: label,
            command: req.command,
            elapsedMs: Math.round(performance.now() - started),
            stdoutBytes: stdout.total,
            stderrBytes: stderr.total,
            lastLine: stdout.lastLine() ?? stderr.lastLine(),
          });
        }, req.progressIntervalMs ?? 5000)
      : undefined;

    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => undefined); // The command may exit without reading its input.
    child.stdin.end(req.stdin ?? '');
    child.on('error', (error) => {
      spawnError = error;
    });
    child.on('close', (code) => {
      clearTimeout(deadline);
      if (killTimer) clearTimeout(killTimer);
      if (progress) clearInterval(progress);
      req.signal?.removeEventListener('abort', onAbort);
      if (aborted) {
        reject(req.signal?.reason ?? new Error(`command cancelled on ${label}`));
        return;
      }
      const result: RemoteCommandResult = {
        target: label,
        command: req.command,
        exitCode: timedOut || spawnError ? null : code,
        stdout: stdout.text(),
        stderr: stderr.text(),
        durationMs: Math.round(performance.now() - started),
        timedOut,
        outputTruncated: stdout.truncated || stderr.truncated,
      };
      if (spawnError) {
        result.transportError = `could not start ${file} for ${label}: ${spawnError.message}`;
      } else if (req.target.type === 'ssh' && code === 255) {
        // ssh reserves 255 for its own failures; its last stderr line says why (refused, timed out, auth).
        const reason = normaliseConnectError(stderr.lastLine() ?? 'ssh exited with 255');
        result.transportError = `ssh could not run the command on ${label}: ${oneLine(reason, MAX_REASON)}`;
      }
      resolve(result);
    });
  });
}

/** True when the command ran and exited 0. */
export function succeeded(result: RemoteCommandResult): boolean {
  return result.exitCode === 0 && !result.timedOut && !result.transportError;
}

/** One line saying how a command ended, for reports and error messages. */
export function describeOutcome(result: RemoteCommandResult): string {
  if (result.transportError) return result.transportError;
  if (result.timedOut) return `\`${result.command}\` on ${result.target} timed out after ${result.durationMs} ms and was killed`;
  const tail = oneLine((result.stderr.trim() || result.stdout.trim()).split('\n').slice(-1)[0] ?? '', MAX_REASON);
  return `\`${oneLine(result.command, MAX_REASON)}\` on ${result.target} exited ${result.exitCode}${tail ? `: ${tail}` : ''}`;
}

/** What of a command's output may become a reason in history: one line, printable, capped (the worker's edge also redacts). */
const MAX_REASON = 300;

export function oneLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/**
 * One sentence for "the host did not take the connection", whatever the reason: refused, timed out, unreachable.
 * Distinguishing them told a project which ports of a host answer (issue #12, finding 3).
 */
export function normaliseConnectError(text: string): string {
  if (
    /connection refused|connection timed out|operation timed out|no route to host|network is unreachable|connection reset|connection closed by|couldn't connect|could not connect|host is down/i.test(
      text,
    )
  ) {
    return 'the host did not accept the connection (refused, timed out or unreachable)';
  }
  return text;
}

/** Keeps the first and last halves of a stream once it exceeds its cap; counts everything it saw. */
class CappedBuffer {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer = Buffer.alloc(0);
  total = 0;

  constructor(private readonly cap: number) {}

  get truncated(): boolean {
    return this.total > this.cap;
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    const half = Math.floor(this.cap / 2);
    if (this.headBytes < half) {
      const take = chunk.subarray(0, half - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (chunk.length) {
      const joined = Buffer.concat([this.tail, chunk]);
      this.tail = joined.subarray(Math.max(0, joined.length - (this.cap - half)));
    }
  }

  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = this.tail.toString('utf8');
    if (!this.truncated) return head + tail;
    return `${head}\n… [${this.total - this.headBytes - this.tail.length} bytes omitted] …\n${tail}`;
  }

  lastLine(): string | undefined {
    const source = this.tail.length ? this.tail.toString('utf8') : Buffer.concat(this.head).toString('utf8');
    const lines = source
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    return lines[lines.length - 1];
  }
}
