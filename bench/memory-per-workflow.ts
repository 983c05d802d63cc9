/**
 * Memory each cached workflow costs the worker, by what its bundle loads (issue #6: RSS with 1,000 open projects).
 * Every workflow gets its own instance of every module of its bundle (the SDK's reusable V8 context keeps a module
 * cache per workflow), so a module's cost is paid once per cached project. For each variant, one worker process
 * opens N workflows that wait, and the RSS growth is divided by N (gc forced before both readings).
 *
 *   npx tsx bench/memory-per-workflow.ts [--workflows 100]    → bench/results/experiments/memory-per-workflow.md
 *   MEMORY_VARIANTS=0,7 npx tsx bench/memory-per-workflow.ts  → only those variants (indexes in VARIANTS)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client, Connection } from '@temporalio/client';
import { Worker, bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createNoopActivities, baselineNoop } from './noop-activities';
import { makeProject } from '../test/support/project-fixture';
import { resolveTemporalCliPath } from '../test/harness/temporal-cli';
import { UPGRADE_SEARCH_ATTRIBUTES } from '../workflows/contract';

interface Variant {
  name: string;
  workflowsPath: string;
  workflowType: string;
  args: () => unknown[];
}

const VARIANTS: Variant[] = [
  {
    name: 'bare baseline (bench B workflow)',
    workflowsPath: require.resolve('./baseline-workflow'),
    workflowType: 'baselineProject',
    args: () => [{ shape: [3, 3, 3], tail: 1 }],
  },
  {
    name: 'playbook and RACI data',
    workflowsPath: require.resolve('./memory-probes/playbook-and-raci'),
    workflowType: 'probe',
    args: () => [],
  },
  { name: 'zod alone', workflowsPath: require.resolve('./memory-probes/zod'), workflowType: 'probe', args: () => [] },
  {
    name: 'decision schemas in zod/mini',
    workflowsPath: require.resolve('./memory-probes/messages-zod-mini'),
    workflowType: 'probe',
    args: () => [],
  },
  {
    name: 'decision schemas in zod (the workflow before this change)',
    workflowsPath: require.resolve('./memory-probes/messages'),
    workflowType: 'probe',
    args: () => [],
  },
  {
    name: 'decision checks without zod (workflows/message-checks.ts)',
    workflowsPath: require.resolve('./memory-probes/message-checks'),
    workflowType: 'probe',
    args: () => [],
  },
  {
    name: 'project file schema in zod (now checked by a local activity instead)',
    workflowsPath: require.resolve('./memory-probes/project-input'),
    workflowType: 'probe',
    args: () => [],
  },
  {
    name: 'upgradeProject (at its first gate)',
    workflowsPath: require.resolve('../workflows'),
    workflowType: 'upgradeProject',
    args: () => [
      {
        version: 1,
        project: makeProject({ projectId: `memory-${Math.random().toString(36).slice(2, 10)}` }),
        tunables: { productionNoticeHours: 0 },
      },
    ],
  },
];

interface Measured {
  variant: string;
  workflows: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  perWorkflowKiB: number;
}

function rssMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1048576;
}

/** Child mode: one variant in this process, against the server the parent started. */
async function measure(variant: Variant, address: string, count: number): Promise<Measured> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const connection = await NativeConnection.connect({ address });
  const client = new Client({ connection: await Connection.connect({ address }) });
  const taskQueue = `memory-${Date.now()}`;
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: variant.workflowsPath, logger: new DefaultLogger('ERROR') });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle,
    maxCachedWorkflows: count + 10,
    activities: { ...createNoopActivities(), baselineNoop },
  });
  return worker.runUntil(async () => {
    const open = async (i: number) => {
      const handle = await client.workflow.start(variant.workflowType, {
        taskQueue,
        workflowId: `${taskQueue}-${i}`,
        args: variant.args(),
      });
      for (;;) {
        const status = await handle.query<{ awaiting?: unknown[] }>('status');
        if (status.awaiting?.length) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await open(-1); // the first one pays for the bundle and the SDK's own warm-up
    const before = rssMiB();
    for (let i = 0; i < count; i += 10) await Promise.all(Array.from({ length: Math.min(10, count - i) }, (_, k) => open(i + k)));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after = rssMiB();
    return {
      variant: variant.name,
      workflows: count,
      rssBeforeMiB: Math.round(before),
      rssAfterMiB: Math.round(after),
      perWorkflowKiB: Math.round(((after - before) * 1024) / count),
    };
  });
}

async function main(): Promise<void> {
  const options = new Command()
    .option('--workflows <n>', 'workflows opened per variant', (v) => Number.parseInt(v, 10), 100)
    .option('--child <index>', 'internal: measure one variant in this process')
    .option('--address <address>', 'internal: the server to use')
    .parse()
    .opts<{ workflows: number; child?: string; address?: string }>();
  if (options.child !== undefined) {
    process.stdout.write(`${JSON.stringify(await measure(VARIANTS[Number(options.child)]!, options.address!, options.workflows))}\n`);
    process.exit(0);
  }
  const cli = resolveTemporalCliPath();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: cli ? { type: 'existing-path', path: cli } : { type: 'cached-download' },
      searchAttributes: [...UPGRADE_SEARCH_ATTRIBUTES],
    },
  });
  const results: Measured[] = [];
  try {
    const only = process.env.MEMORY_VARIANTS?.split(',').map(Number);
    for (const [index, variant] of VARIANTS.entries()) {
      if (only && !only.includes(index)) continue;
      process.stdout.write(`measuring: ${variant.name} …\n`);
      const out = execFileSync(
        process.execPath,
        [
          '--expose-gc',
          '--import',
          'tsx',
          __filename,
          '--child',
          String(index),
          '--address',
          env.address,
          '--workflows',
          String(options.workflows),
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 300_000 },
      );
      const measured = JSON.parse(out.trim().split('\n').pop()!) as Measured;
      results.push(measured);
      process.stdout.write(`  ${measured.perWorkflowKiB} KiB per cached workflow\n`);
    }
  } finally {
    await env.teardown();
  }
  const dir = join(__dirname, 'results', 'experiments');
  mkdirSync(dir, { recursive: true });
  const lines = [
    `# Memory per cached workflow — ${new Date().toISOString()}`,
    '',
    `${options.workflows} workflows per variant, each variant in its own worker process; RSS growth divided by the count (gc forced). Node ${process.version}.`,
    '',
    '| what the workflow bundle loads | RSS before | RSS after | per cached workflow |',
    '|---|---|---|---|',
    ...results.map((r) => `| ${r.variant} | ${r.rssBeforeMiB} MiB | ${r.rssAfterMiB} MiB | ${r.perWorkflowKiB} KiB |`),
    '',
  ];
  writeFileSync(join(dir, 'memory-per-workflow.md'), lines.join('\n'));
  writeFileSync(join(dir, 'memory-per-workflow.json'), JSON.stringify(results, null, 2));
  process.stdout.write(lines.join('\n'));
}

void main();
