/**
 * Runs `bin/cuo.js` as a real process, as a person or a script would, against the shared dev server of the
 * integration run. The TypeScript source answers (CUO_FROM_SOURCE=1), never a stale build.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ProjectFile } from '../../workflows/project-input';
import { testServer } from '../harness/temporal';

export const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'cuo.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliEnv {
  taskQueue?: string;
  env?: Record<string, string | undefined>;
}

/** The environment a CLI process gets: the test server, no profile or colour from the developer's machine. */
export function cliEnv(options: CliEnv = {}): NodeJS.ProcessEnv {
  const server = testServer();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CUO_FROM_SOURCE: '1',
    NO_COLOR: '1',
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: server.namespace,
    // A config file that does not exist: no developer profile leaks into the test.
    TEMPORAL_CONFIG_FILE: path.join(tmpdir(), 'cuo-test-no-such-temporal.toml'),
    ...(options.taskQueue ? { TASK_QUEUE: options.taskQueue } : {}),
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export function runCli(args: string[], options: CliEnv = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: cliEnv(options), timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A temp folder for project files; `cleanup()` removes it. */
export function projectFiles(): { write(name: string, content: string | ProjectFile): string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cuo-cli-'));
  return {
    write(name, content) {
      const file = path.join(dir, name);
      writeFileSync(file, typeof content === 'string' ? content : stringify(content));
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
