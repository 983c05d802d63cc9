/** Starts bench/worker-process (compiled to plain JS) as a child process and measures it from /proc. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { sampleProcess, type ProcSample } from './proc';
import type { ActivityKind } from './worker-process';

const BENCH_DIR = __dirname;
const COMPILED = resolve(BENCH_DIR, '..', 'dist', 'bench-worker', 'bench', 'worker-process.js');

/** Compiles bench/worker-process.ts and its imports (tsc, bench/tsconfig.worker.json) into dist/bench-worker (ignored by git and eslint). */
export function compileWorker(): void {
  const tsc = resolve(BENCH_DIR, '..', 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(BENCH_DIR, 'tsconfig.worker.json')], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`compiling bench/worker-process.ts failed:\n${result.stdout}${result.stderr}`);
}

export interface WorkerChild {
  pid: number;
  maxCachedWorkflows: number | undefined;
  sample(): ProcSample;
  /** Full garbage collection in the worker, then a sample; heapUsedMiB is V8's live heap after it. */
  collect(): Promise<ProcSample & { heapUsedMiB: number }>;
  stop(): Promise<ProcSample>;
}

export async function startWorkerChild(options: {
  address: string;
  taskQueue: string;
  bundlePath: string;
  activities: ActivityKind;
  realDepsFile?: string;
  maxCachedWorkflows?: number;
}): Promise<WorkerChild> {
  const args = [COMPILED, options.address, options.taskQueue, options.bundlePath, options.activities];
  if (options.realDepsFile) args.push(options.realDepsFile);
  // BENCH_CPU_PROF_DIR: the worker writes a V8 CPU profile there when it stops (bench/profile-summary.ts reads it).
  const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', ...profile, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...(options.maxCachedWorkflows !== undefined ? { BENCH_MAX_CACHED_WORKFLOWS: String(options.maxCachedWorkflows) } : {}),
    },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-20_000);
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<{ maxCachedWorkflows?: number }>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench worker not ready within 60 s:\n${stderr}`)), 60_000);
    lines.on('line', (line) => {
      if (line.startsWith('ready ')) {
        clearTimeout(timer);
        resolveReady(JSON.parse(line.slice(6)) as { maxCachedWorkflows?: number });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench worker exited (code ${code}) before it was ready:\n${stderr}`));
    });
  });
  let last: ProcSample = sampleProcess(child.pid!);
  const sample = () => {
    if (!exited) last = sampleProcess(child.pid!);
    return last;
  };
  return {
    pid: child.pid!,
    maxCachedWorkflows: ready.maxCachedWorkflows,
    sample,
    collect: () =>
      new Promise((resolveMem) => {
        const onLine = (line: string) => {
          if (!line.startsWith('mem ')) return;
          lines.off('line', onLine);
          const mem = JSON.parse(line.slice(4)) as { heapUsed: number };
          resolveMem({ ...sample(), heapUsedMiB: Math.round((mem.heapUsed / 2 ** 20) * 10) / 10 });
        };
        lines.on('line', onLine);
        child.stdin!.write('gc\n');
      }),
    stop: async () => {
      const final = sample();
      if (!exited) {
        const gone = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await gone;
        clearTimeout(timer);
      }
      return final;
    },
  };
}
