import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSshArgs, runRemoteCommand } from '../../../activities/remote/command-runner';
import { interpretDbStatus } from '../../../activities/remote/db-status';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runner-'));
  // A stand-in for `bin/magento` whose setup:db:status exits with the code in DB_STATUS_EXIT (file), as documented.
  await mkdir(join(dir, 'bin'));
  await writeFile(
    join(dir, 'bin/magento'),
    '#!/bin/sh\nif [ "$1" = "setup:db:status" ]; then code=$(cat db-status-exit); [ "$code" = 0 ] && echo "All modules are up to date."; [ "$code" = 2 ] && echo "Declarative Schema is not up to date" && echo "Run \'setup:upgrade\' to update your DB schema and data."; exit "$code"; fi\necho "unknown command $1" >&2; exit 1\n',
  );
  await chmod(join(dir, 'bin/magento'), 0o755);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('local runner', () => {
  it('captures stdout, stderr, exit code and duration in the given folder', async () => {
    const result = await runRemoteCommand({ target: { type: 'local', cwd: dir }, command: 'pwd; echo oops >&2; exit 3', timeoutMs: 5000 });
    expect(result.exitCode).toBe(3);
    expect(result.stdout.trim()).toBe(dir);
    expect(result.stderr.trim()).toBe('oops');
    expect(result.timedOut).toBe(false);
    expect(result.transportError).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('kills the whole process group at the deadline', async () => {
    const started = Date.now();
    const result = await runRemoteCommand({
      target: { type: 'local', cwd: dir },
      command: 'sleep 30 & sleep 30; echo never',
      timeoutMs: 300,
    });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(result.stdout).not.toContain('never');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('caps output, keeping head and tail', async () => {
    const result = await runRemoteCommand({
      target: { type: 'local' },
      command: 'echo FIRST; head -c 200000 /dev/zero | tr "\\0" x; echo; echo LAST',
      timeoutMs: 5000,
      maxOutputBytes: 1000,
    });
    expect(result.outputTruncated).toBe(true);
    expect(result.stdout.length).toBeLessThan(1200);
    expect(result.stdout.startsWith('FIRST')).toBe(true);
    expect(result.stdout.trim().endsWith('LAST')).toBe(true);
    expect(result.stdout).toMatch(/bytes omitted/);
  });

  it('reports progress while running and stops on abort', async () => {
    const progress: unknown[] = [];
    const controller = new AbortController();
    const run = runRemoteCommand({
      target: { type: 'local' },
      command: 'echo working; sleep 20',
      timeoutMs: 30_000,
      progressIntervalMs: 50,
      onProgress: (p) => progress.push(p),
      signal: controller.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort(new Error('cancelled by test'));
    await expect(run).rejects.toThrow('cancelled by test');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toMatchObject({ phase: 'running', lastLine: 'working' });
  });

  it.each([
    [0, 'up-to-date'],
    [1, 'versions-differ'],
    [2, 'setup-upgrade-required'],
    [7, 'error'],
  ] as const)('interprets setup:db:status exit %i as %s', async (code, expected) => {
    await writeFile(join(dir, 'db-status-exit'), String(code));
    const result = await runRemoteCommand({ target: { type: 'local', cwd: dir }, command: 'bin/magento setup:db:status', timeoutMs: 5000 });
    expect(result.exitCode).toBe(code);
    expect(interpretDbStatus(result)).toBe(expected);
  });

  it('treats a timed-out db status as error, not as a documented state', () => {
    expect(interpretDbStatus({ exitCode: null, timedOut: true })).toBe('error');
    expect(interpretDbStatus({ exitCode: 0, timedOut: false, transportError: 'ssh failed' })).toBe('error');
  });
});

describe('ssh runner', () => {
  it('builds a non-interactive ssh command line', () => {
    expect(
      buildSshArgs(
        { type: 'ssh', host: 'ssh.us-4.magento.cloud', user: 'abc123_stg', port: 2222, identityFile: '/keys/id_ed25519' },
        'bin/magento setup:db:status',
        7,
      ),
    ).toEqual([
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=accept-new',
      '-o',
      'ConnectTimeout=7',
      '-o',
      'ServerAliveInterval=15',
      '-o',
      'ServerAliveCountMax=4',
      '-o',
      'ForwardAgent=no',
      '-o',
      'ForwardX11=no',
      '-o',
      'ClearAllForwardings=yes',
      '-p',
      '2222',
      '-i',
      '/keys/id_ed25519',
      '-o',
      'IdentitiesOnly=yes',
      '-l',
      'abc123_stg',
      'ssh.us-4.magento.cloud',
      'bin/magento setup:db:status',
    ]);
  });

  it('refuses hosts and users that ssh would read as options', () => {
    expect(() => buildSshArgs({ type: 'ssh', host: '-oProxyCommand=touch /tmp/x', user: 'u' }, 'true')).toThrow(/not a host/);
    expect(() => buildSshArgs({ type: 'ssh', host: 'example.com', user: '-x' }, 'true')).toThrow(/not a user/);
  });

  it('fails fast with a clear transport error when nothing listens on the port', async () => {
    // A real ssh process against a closed loopback port: take a free port, then release it.
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const knownHostsFile = join(dir, 'known_hosts');

    const started = Date.now();
    const result = await runRemoteCommand({
      target: { type: 'ssh', host: '127.0.0.1', user: 'nobody', port, knownHostsFile },
      command: 'true',
      timeoutMs: 10_000,
      connectTimeoutSeconds: 3,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.exitCode).toBe(255);
    // One sentence whatever the cause: which way it failed would tell which local ports answer (issue #12).
    expect(result.transportError).toMatch(
      /ssh could not run the command on nobody@127\.0\.0\.1:\d+: the host did not accept the connection \(refused, timed out or unreachable\)$/,
    );
    expect(interpretDbStatus(result)).toBe('error');
  });
});
