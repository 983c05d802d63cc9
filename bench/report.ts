/** The results' shape and their markdown table, with the targets of issue #6 marked met or missed. */
import type { CliTiming } from './cli-timing';
import type { GatewayResult } from './gateway-scenario';
import type { LatencySummary } from './stats';

export interface ScenarioResult {
  projects: number;
  completed: number;
  failureCount: number;
  failures: string[];
  /** Blocked steps the driver skipped. */
  skipped: string[];
  concurrency: number;
  wallSeconds: number;
  projectsPerMinute: number;
  /** Start-to-result seconds per project. */
  projectSeconds: LatencySummary;
  decideMs: LatencySummary;
  statusMs: LatencySummary;
  statusMaxChars: number;
  history: {
    sampled: number;
    eventsPerProject: number;
    maxEvents: number;
    bytesPerProject: number;
    activitiesScheduled: number;
    updatesAccepted: number;
    /** Share of a project's wall time (first to last history event) spent inside activities, percent. */
    activityShareOfWall: number;
  };
  worker: { peakRssMiB: number; rssMiB: number; cpuSeconds: number; maxCachedWorkflows: number | undefined };
  /** CPU seconds the dev server spent during the scenario (when this run started the server). */
  serverCpuSeconds?: number;
  /** CPU seconds of the bench process (the driver playing every role, and its client) during the scenario. */
  driverCpuSeconds?: number;
  /** Bytes by event type in the first sampled history. */
  historyBytesByType?: Record<string, { events: number; bytes: number }>;
  /** Activities before each update and after the last (the baseline's input). */
  shape?: { shape: number[]; tail: number };
  deadlineHit: boolean;
}

export interface OpenResult {
  open: number;
  requested: number;
  startSeconds: number;
  idleRssMiB: number;
  /** With one project open: the bundle is loaded. */
  warmRssMiB: number;
  /** V8 live heap after a full GC, with one and with all projects open. */
  warmHeapMiB: number;
  openHeapMiB: number;
  perOpenProjectHeapKiB: number;
  openRssMiB: number;
  /** Highest RSS while the projects were opened and held open (the target's condition). */
  openPeakRssMiB?: number;
  /** Highest RSS of the whole scenario, including cancelling every project at `concurrency` at once. */
  peakRssMiB: number;
  perOpenProjectKiB: number;
  cpuSecondsToOpen: number;
  maxCachedWorkflows: number | undefined;
  cancelMs: LatencySummary;
  cancelFailures: number;
  /** The manager board's one visibility query over the open projects, in the bench process. */
  board?: LatencySummary & { rows: number };
  cli?: CliTiming;
}

export interface BenchResults {
  startedAt: string;
  finishedAt?: string;
  options: Record<string, number | string>;
  machine: {
    cores: number;
    cpuModel: string;
    memoryGiB: number;
    platform: string;
    node: string;
    sdk: string;
    temporal: string;
    /** 1/5/15-minute load averages: other work on the machine shows here. */
    loadAverageAtStart: number[];
    loadAverageAtEnd?: number[];
  };
  scenarios: {
    A?: ScenarioResult;
    L?: ScenarioResult;
    G?: GatewayResult;
    B?: ScenarioResult;
    LB?: ScenarioResult;
    C?: ScenarioResult;
    D?: OpenResult;
  };
  /** Baseline projects per minute / ours: how many times our orchestration costs bare Temporal. */
  costRatio?: number;
  targets?: { name: string; target: string; measured: string; met: boolean | null }[];
  notes: string[];
  deadlineHit: boolean;
}

const f = (v: number | undefined, unit = '') => (v === undefined || Number.isNaN(v) ? 'n/a' : `${v}${unit}`);

export function evaluateTargets(r: BenchResults): NonNullable<BenchResults['targets']> {
  const { A, L, B, LB, D } = r.scenarios;
  /** The same figure for bare Temporal at the same load, so a miss can be read against what Temporal itself does here. */
  const bare = (value: number | undefined) => (value === undefined ? '' : ` (bare Temporal at the same load: ${value} ms)`);
  if (A && B && A.projectsPerMinute > 0) r.costRatio = Math.round((B.projectsPerMinute / A.projectsPerMinute) * 100) / 100;
  const check = (ok: boolean | undefined) => (ok === undefined ? null : ok);
  return [
    {
      name: 'cost ratio (baseline/ours in projects per minute)',
      target: '≤ 1.3',
      measured: f(r.costRatio),
      met: check(r.costRatio === undefined ? undefined : r.costRatio <= 1.3),
    },
    {
      name: '`decide` round-trip p99 (A)',
      target: '< 250 ms',
      measured: f(A?.decideMs.p99, ' ms') + bare(B?.decideMs.p99),
      met: check(A ? A.decideMs.p99 < 250 : undefined),
    },
    {
      name: '`status` query p99 (A)',
      target: '< 100 ms',
      measured: f(A?.statusMs.p99, ' ms') + bare(B?.statusMs.p99),
      met: check(A ? A.statusMs.p99 < 100 : undefined),
    },
    {
      name: '`decide` round-trip p99 at light load (L)',
      target: '< 250 ms',
      measured: f(L?.decideMs.p99, ' ms') + bare(LB?.decideMs.p99),
      met: check(L ? L.decideMs.p99 < 250 : undefined),
    },
    {
      name: '`status` query p99 at light load (L)',
      target: '< 100 ms',
      measured: f(L?.statusMs.p99, ' ms') + bare(LB?.statusMs.p99),
      met: check(L ? L.statusMs.p99 < 100 : undefined),
    },
    {
      name: 'history events per happy-path project (A, max of sample)',
      target: '< 1,000',
      measured: f(A?.history.maxEvents),
      met: check(A && A.history.sampled ? A.history.maxEvents < 1000 : undefined),
    },
    // Judged on the peak while the projects are open and waiting; the cancellation storm after it (every project
    // replayed and finished, 50 at once) is a different load and is reported beside it, not hidden.
    {
      name: `worker RSS with ${D?.open ?? 1000} open projects (D)`,
      target: '< 400 MB',
      measured: D
        ? `${D.openRssMiB} MiB (peak ${D.openPeakRssMiB ?? D.peakRssMiB} MiB while open; ${D.peakRssMiB} MiB while cancelling them all)`
        : 'n/a',
      met: check(D ? (D.openPeakRssMiB ?? D.peakRssMiB) * 1.048576 < 400 : undefined),
    },
  ];
}

function scenarioRows(name: string, s: ScenarioResult | undefined): string[] {
  if (!s) return [];
  return [
    `| ${name} | ${s.completed}/${s.projects} | ${s.projectsPerMinute} | ${s.decideMs.p50} / ${s.decideMs.p95} / ${s.decideMs.p99} | ${s.statusMs.p50} / ${s.statusMs.p99} | ${f(s.history.eventsPerProject)} (max ${f(s.history.maxEvents)}) | ${f(Math.round(s.history.bytesPerProject / 102.4) / 10, ' KiB')} | ${s.history.activitiesScheduled} / ${s.history.updatesAccepted} | ${s.worker.peakRssMiB} | ${s.worker.cpuSeconds} | ${f(s.serverCpuSeconds)} | ${f(s.driverCpuSeconds)} |`,
  ];
}

export function renderMarkdown(r: BenchResults): string {
  r.targets = evaluateTargets(r);
  const { A, L, B, LB, C, D, G } = r.scenarios;
  const m = r.machine;
  const lines = [
    `# Benchmark results — ${r.startedAt}`,
    '',
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.platform}. Node ${m.node}, Temporal TypeScript SDK ${m.sdk}, ${m.temporal}.`,
    `Load average at start ${m.loadAverageAtStart.join(' / ')}, at end ${m.loadAverageAtEnd?.join(' / ') ?? 'n/a'}. Dev server (SQLite file), worker, driver and CLI all on this machine. Options: ${Object.entries(
      r.options,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}.`,
    r.deadlineHit ? '\n**The global deadline was reached: some figures are partial.**' : '',
    '',
    '## Targets (issue #6)',
    '',
    '| target | goal | measured | |',
    '|---|---|---|---|',
    ...r.targets.map(
      (t) => `| ${t.name} | ${t.target} | ${t.measured} | ${t.met === null ? 'not measured' : t.met ? 'met' : '**missed**'} |`,
    ),
    '',
    '## Throughput, latency, history, worker',
    '',
    '| scenario | completed | projects/min | decide p50/p95/p99 ms | status p50/p99 ms | history events/project | history bytes/project | activities / updates | worker peak RSS MiB | worker CPU s | server CPU s | driver CPU s |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...scenarioRows('A ours (no-op activities)', A),
    ...scenarioRows(`L ours at light load (${L?.concurrency ?? ''} at once)`, L),
    ...scenarioRows('B baseline (bare Temporal)', B),
    ...scenarioRows(`LB baseline at light load (${LB?.concurrency ?? ''} at once)`, LB),
    ...scenarioRows('C ours, real activities', C),
    '',
  ];
  for (const [label, s] of [
    ['ours', A],
    ['baseline', B],
  ] as const) {
    if (!s?.historyBytesByType) continue;
    const top = Object.entries(s.historyBytesByType)
      .slice(0, 6)
      .map(([t, v]) => `${t} ${v.events}× ${Math.round(v.bytes / 102.4) / 10} KiB`);
    lines.push(`History bytes by event type (${label}, one project): ${top.join('; ')}.`, '');
  }
  lines.push(`Largest \`status\` answer (JSON characters): ours ${f(A?.statusMaxChars)}, baseline ${f(B?.statusMaxChars)}.`, '');
  if (r.costRatio !== undefined)
    lines.push(
      `Cost ratio baseline/ours: **${r.costRatio}** (ours ${A?.projectsPerMinute}/min, baseline ${B?.projectsPerMinute}/min).`,
      '',
    );
  if (C) {
    lines.push(
      `Real activities (C): project wall time p50 ${C.projectSeconds.p50} s, p95 ${C.projectSeconds.p95} s; activities take ${C.history.activityShareOfWall}% of a project's wall time (A: ${A?.history.activityShareOfWall ?? 'n/a'}%).`,
      '',
    );
  }
  if (D) {
    lines.push(
      '## Open projects (D)',
      '',
      '| open | worker RSS idle | with 1 open | with all open | peak RSS while open / while cancelling all | per open project (RSS) | per open project (V8 heap) | cached workflows (max) | CPU s to open them | cancel update p50/p99 |',
      '|---|---|---|---|---|---|---|---|---|---|',
      `| ${D.open}/${D.requested + 1} | ${D.idleRssMiB} MiB | ${D.warmRssMiB} MiB | ${D.openRssMiB} MiB | ${D.openPeakRssMiB ?? 'n/a'} / ${D.peakRssMiB} MiB | ${D.perOpenProjectKiB} KiB | ${D.perOpenProjectHeapKiB} KiB (heap ${D.warmHeapMiB} → ${D.openHeapMiB} MiB) | ${f(D.maxCachedWorkflows)} | ${D.cpuSecondsToOpen} | ${D.cancelMs.p50} / ${D.cancelMs.p99} ms |`,
      '',
    );
    if (D.cli) {
      lines.push(
        `CLI wall time (fresh process each, ${D.cli.mode}): \`cuo status <id> --json\` p50 ${D.cli.status.p50} ms (p95 ${D.cli.status.p95}); \`cuo pending --json\` over ${D.cli.pending.openProjects} open projects p50 ${D.cli.pending.p50} ms (p95 ${D.cli.pending.p95}); \`cuo list --open --json\` p50 ${D.cli.list?.p50 ?? 'n/a'} ms: pending/list ${D.cli.pendingToList ?? 'n/a'} (target ≤ 1.5); failures ${D.cli.status.failures + D.cli.pending.failures + (D.cli.list?.failures ?? 0)}.`,
        ...(D.board
          ? [`Manager board query (one visibility query, ${D.board.rows} rows): p50 ${D.board.p50} ms, p95 ${D.board.p95} ms.`]
          : []),
        '',
      );
    }
  }
  const failures = [A, B, C].flatMap((s) => s?.failures ?? []);
  for (const [name, s] of [
    ['A', A],
    ['B', B],
    ['C', C],
  ] as const)
    for (const x of s?.skipped ?? []) r.notes.push(`${name}: blocked step skipped by the driver: ${x}`);
  if (G) {
    lines.push(
      '## Decisions through the approvals gateway (G, light load)',
      '',
      `${G.decisions} decisions on ${G.projects} projects, alternately through the gateway (HTTP, ID token verified, participants looked up, status read, assertion signed, update) and as a signed update straight to Temporal (status read, assertion signed, update); the workflow verifies both.`,
      '',
      '| path | p50 ms | p95 ms | p99 ms | count |',
      '|---|---|---|---|---|',
      `| through the gateway | ${G.gatewayDecideMs.p50} | ${G.gatewayDecideMs.p95} | ${G.gatewayDecideMs.p99} | ${G.gatewayDecideMs.count} |`,
      `| direct signed update | ${G.directDecideMs.p50} | ${G.directDecideMs.p95} | ${G.directDecideMs.p99} | ${G.directDecideMs.count} |`,
      `| ratio gateway / direct | ${G.ratioP50} | | ${G.ratioP99} | |`,
      '',
      ...(G.failures.length ? G.failures.map((f) => `- G failure: ${f}`) : []),
      '',
    );
  }
  if (failures.length || r.notes.length)
    lines.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), ...failures.map((x) => `- failure: ${x}`), '');
  return lines.filter((l, i, all) => !(l === '' && all[i - 1] === '')).join('\n') + '\n';
}
