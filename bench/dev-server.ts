/**
 * The bench's own Temporal dev server: `temporal server start-dev` with a SQLite file in the bench data folder,
 * free ports, no UI, and the contract's search attributes (the workflow upserts them; unregistered ones would fail
 * its tasks). Same flags as scripts/dev.sh, from the same list (scripts/search-attribute-flags.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { UPGRADE_SEARCH_ATTRIBUTES } from '../workflows/contract';
import { devServerSearchAttributeArgs } from '../scripts/search-attribute-flags';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface DevServer {
  address: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startDevServer(cliPath: string, dataDir: string): Promise<DevServer> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const log = createWriteStream(join(dataDir, 'temporal-server.log'));
  const child: ChildProcess = spawn(
    cliPath,
    [
      'server',
      'start-dev',
      '--db-filename',
      join(dataDir, 'temporal.sqlite'),
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--headless',
      '--log-level',
      'error',
      ...devServerSearchAttributeArgs(UPGRADE_SEARCH_ATTRIBUTES),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined)
      throw new Error(`the Temporal dev server exited at start (code ${exited}); see ${join(dataDir, 'temporal-server.log')}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new Error(`the Temporal dev server did not answer on ${address} within 60 s; see ${join(dataDir, 'temporal-server.log')}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  return {
    address,
    pid: child.pid!,
    stop: async () => {
      if (exited !== undefined) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
