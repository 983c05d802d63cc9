/**
 * A Temporal dev server of the chaos suite's own (not the shared one of the integration run), so a test can stop
 * and restart it: `temporal server start-dev` with a SQLite file, the contract's search attributes, fixed ports
 * (the restart binds the same address) and no UI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { devServerSearchAttributeArgs } from '../../scripts/search-attribute-flags';
import { UPGRADE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { resolveTemporalCliPath } from '../harness/temporal-cli';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A free port below Linux's ephemeral range (32768–60999), for a server that is stopped and started again on the
 * same port: a port the OS hands out for `listen(0)` or an outgoing connection can be taken by any client in the
 * meantime (seen in CI: "bind: address already in use" on the restart), one below that range cannot.
 */
export async function restartablePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (bound) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    }
  }
  return freePort();
}

export class DevServer {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  readonly output: string[] = [];

  private constructor(
    readonly dbFile: string,
    readonly port: number,
    private readonly httpPort: number,
    private readonly metricsPort: number,
  ) {}

  static async create(dbFile: string): Promise<DevServer> {
    return new DevServer(dbFile, await restartablePort(), await restartablePort(), await restartablePort());
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts) the server on the same port and file, and waits until it answers. */
  async start(timeoutMs = 60_000): Promise<void> {
    const cli = resolveTemporalCliPath();
    if (!cli) throw new Error('no Temporal CLI binary (set TEMPORAL_CLI_PATH or run scripts/provision-temporal.sh)');
    const child = spawn(
      cli,
      [
        'server',
        'start-dev',
        '--headless',
        '--ip',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--http-port',
        String(this.httpPort),
        '--metrics-port',
        String(this.metricsPort),
        '--db-filename',
        this.dbFile,
        '--log-level',
        'error',
        ...devServerSearchAttributeArgs(UPGRADE_SEARCH_ATTRIBUTES),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (c: Buffer) => this.output.push(c.toString()));
    child.stderr!.on('data', (c: Buffer) => this.output.push(c.toString()));
    this.child = child;
    this.exited = new Promise((resolve) => child.on('exit', () => resolve()));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const connection = await Connection.connect({ address: this.address, connectTimeout: 1_000 });
        try {
          await connection.workflowService.getSystemInfo({});
          return;
        } finally {
          await connection.close();
        }
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(`dev server did not answer on ${this.address}: ${(err as Error).message}\n${this.output.join('')}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }

  /** Stops the server (SIGTERM, SIGKILL after 10 s) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
