/** Wall time of the operator CLI (bin/cuo.js) as people run it: a fresh process per command. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { summarize, type LatencySummary } from './stats';

const ROOT = resolve(__dirname, '..');

export interface CliTiming {
  /** "compiled" when dist/client/cli.js exists (npm run build), else "source (tsx)". */
  mode: string;
  status: LatencySummary & { failures: number };
  pending: LatencySummary & { failures: number; openProjects: number };
  /** `cuo list --open`: the same projects from the same kind of visibility query, the yardstick of pending. */
  list: LatencySummary & { failures: number };
  /** pending p50 ÷ list p50: one visibility query each, so the target is ≤ 1.5 (issue #17). */
  pendingToList: number;
}

function runOnce(args: string[], address: string): Promise<{ ms: number; code: number | null; stderr: string }> {
  return new Promise((resolveRun) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'cuo.js'), ...args], {
      env: { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default', CUO_TIMEOUT: '30' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolveRun({ ms: performance.now() - t0, code, stderr: stderr.slice(0, 500) }));
  });
}

export function cliAvailable(): boolean {
  return existsSync(join(ROOT, 'bin', 'cuo.js'));
}

export async function timeCli(
  address: string,
  projectId: string,
  runs: number,
  openProjects: number,
  onError: (m: string) => void,
): Promise<CliTiming> {
  const measure = async (args: string[]) => {
    const samples: number[] = [];
    let failures = 0;
    for (let i = 0; i < runs; i++) {
      const r = await runOnce(args, address);
      if (r.code === 0) samples.push(r.ms);
      else {
        failures += 1;
        onError(`cuo ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      }
    }
    return { ...summarize(samples), failures };
  };
  const status = await measure(['status', projectId, '--json']);
  // Both with a limit above the open projects, so both list all of them.
  const limit = String(openProjects + 10);
  const pending = await measure(['pending', '--json', '--limit', limit]);
  const list = await measure(['list', '--open', '--json', '--limit', limit]);
  return {
    mode:
      existsSync(join(ROOT, 'dist', 'client', 'cli.js')) && process.env.CUO_FROM_SOURCE !== '1'
        ? 'compiled (dist/client/cli.js)'
        : 'source through tsx (no dist/client/cli.js)',
    status,
    pending: { ...pending, openProjects },
    list,
    pendingToList: list.p50 > 0 ? Math.round((pending.p50 / list.p50) * 100) / 100 : NaN,
  };
}
