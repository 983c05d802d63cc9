/**
 * Replays every recorded history (test/histories/*.json, see test/integration/record-histories.test.ts) against the
 * current workflow code: a change that would break projects already running fails here, in CI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { NormalModuleReplacementPlugin, type Configuration } from 'webpack';

const HISTORIES = join(__dirname, '../histories');
const files = readdirSync(HISTORIES)
  .filter((f) => f.endsWith('.json'))
  .sort();

/** The workflow id a history was recorded under: its file's name, without `-run<n>` for earlier runs of a project that continued as new. */
const workflowIdOf = (file: string) => file.replace(/\.json$/, '').replace(/-run\d+$/, '');

function histories() {
  return files.map((file) => ({
    workflowId: workflowIdOf(file),
    history: JSON.parse(readFileSync(join(HISTORIES, file), 'utf8')) as unknown,
  }));
}

beforeAll(() => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // already installed in this process
  }
});

jest.setTimeout(60_000);

it('has recorded histories to replay', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'happy-path-v1.json',
      'uat-rework-v1.json',
      'blocked-skip-cancel-v1.json',
      'happy-path-v2.json',
      'uat-rework-v2.json',
      'blocked-skip-cancel-v2.json',
      'happy-path-v3.json',
      'uat-rework-v3.json',
      'blocked-skip-cancel-v3.json',
      'happy-path-v4.json',
      'uat-rework-v4.json',
      'blocked-skip-cancel-v4.json',
      'happy-path-v5.json',
      'uat-rework-v5.json',
      'blocked-skip-cancel-v5.json',
      'happy-path-v6.json',
      'uat-rework-v6.json',
      'blocked-skip-cancel-v6.json',
      'happy-path-v7.json',
      'uat-rework-v7.json',
      'blocked-skip-cancel-v7.json',
      'continued-v7.json',
      'continued-steps-v7.json',
      'continued-window-v7.json',
      'playbook2-v7.json',
      'happy-path-v8.json',
      'uat-rework-v8.json',
      'blocked-skip-cancel-v8.json',
      'continued-v8.json',
      'continued-steps-v8.json',
      'continued-window-v8.json',
      'playbook2-v8.json',
    ]),
  );
});

it('replays every recorded history against the current workflow code', async () => {
  const results = [];
  for await (const result of Worker.runReplayHistories({ workflowsPath: require.resolve('../../workflows') }, histories())) {
    results.push({ workflowId: result.workflowId, error: result.error?.message });
  }
  expect(results).toEqual(files.map((f) => ({ workflowId: workflowIdOf(f), error: undefined })));
});

it('replays every recorded history when a new playbook version adds and reorders tasks for new projects', async () => {
  // The workflow's `./playbook` is swapped for one with a version 2 made current (test/replay/playbook-with-v2.ts).
  const swapPlaybook = (config: Configuration): Configuration => ({
    ...config,
    plugins: [
      ...(config.plugins ?? []),
      new NormalModuleReplacementPlugin(/^\.\/playbook$/, require.resolve('../replay/playbook-with-v2')),
    ],
  });
  const results = [];
  for await (const result of Worker.runReplayHistories(
    { workflowsPath: require.resolve('../../workflows'), bundlerOptions: { webpackConfigHook: swapPlaybook } },
    histories(),
  )) {
    results.push({ workflowId: result.workflowId, error: result.error?.message });
  }
  expect(results).toEqual(files.map((f) => ({ workflowId: workflowIdOf(f), error: undefined })));
});

it('catches an incompatible change', async () => {
  const [first] = histories();
  await expect(
    Worker.runReplayHistory({ workflowsPath: require.resolve('../replay/changed-workflow') }, first!.history, first!.workflowId),
  ).rejects.toBeInstanceOf(DeterminismViolationError);
});
