/**
 * Where a worker's CPU time went: reads V8 CPU profiles (`.cpuprofile`, written by the bench worker when
 * BENCH_CPU_PROF_DIR is set, see bench/README.md) and prints self time by area and the functions that took most.
 *
 *   npx tsx bench/profile-summary.ts <file-or-folder>... [--top 25]
 *
 * The worker's main thread is profiled: activities, the SDK's worker loop, payload conversion, the bridge to the
 * Rust core. Workflow code runs in the SDK's workflow thread(s), which `--cpu-prof` profiles as their own files
 * (one per thread), so a folder gives both.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Which part of the worker a frame belongs to, by its script. */
function areaOf(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)' || fn === '(program)') return fn;
  if (url.includes('-bundle.js') || url.includes('workflow-bundle')) return 'workflow bundle (our workflow code + SDK workflow runtime)';
  if (url.includes('/@temporalio/worker/')) return '@temporalio/worker';
  if (url.includes('/@temporalio/common/') || url.includes('/@temporalio/proto/') || url.includes('protobufjs'))
    return 'payloads and protobuf (@temporalio/common, proto)';
  if (url.includes('/@temporalio/core-bridge/')) return '@temporalio/core-bridge';
  if (url.includes('/@temporalio/')) return 'other @temporalio';
  if (url.includes('/node_modules/')) return 'other node_modules';
  if (url.includes('/dist/bench-worker/activities/') || url.includes('/dist/bench-worker/bench/'))
    return 'activities (no-ops, project-file resolution)';
  if (url.startsWith('node:') || url === '') return 'node internals / native';
  return 'other';
}

function summarize(file: string, top: number): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++)
    self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const busy = total - (areas.get('(idle)') ?? 0);
  const pct = (us: number, of: number) => `${((us / of) * 100).toFixed(1)}%`;
  const lines = [
    `${file}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy`,
    '',
    '| area | self s | share of busy |',
    '|---|---|---|',
  ];
  for (const [area, us] of [...areas].sort((a, b) => b[1] - a[1])) {
    if (area === '(idle)') continue;
    lines.push(`| ${area} | ${(us / 1e6).toFixed(2)} | ${pct(us, busy)} |`);
  }
  lines.push('', `| top functions (self) | self s | share of busy |`, '|---|---|---|');
  for (const [fn, us] of [...fns]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    lines.push(`| \`${fn.replace(/\|/g, '\\|')}\` | ${(us / 1e6).toFixed(2)} | ${pct(us, busy)} |`);
  }
  return lines.join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
  const files = args.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((f) => join(p, f))
      : [p],
  );
  if (!files.length) throw new Error('usage: profile-summary <file.cpuprofile | folder>... [--top N]');
  for (const file of files) console.log(`${summarize(file, top)}\n`);
}

main();
