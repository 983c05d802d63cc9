/**
 * Proves the integration harness end to end against the real shared dev server: a worker runs a workflow that
 * calls an activity and upserts the contract's search attributes, a visibility query finds it by UpgradeProjectId,
 * and workflow/activity `log` calls come out through the worker's pino bridge with their Temporal metadata.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger, installRuntimeLogger } from '../../worker/logger';
import { UpgradeAwaitingRoles, UpgradeCustomer, UpgradePhase, UpgradeProjectId } from '../../workflows/search-attributes';
import { createProbeActivities } from '../harness/probe-activities';
import { probeWorkflow } from '../harness/probe-workflow';
import { connectTestClient, eventually, runWorker, uniqueTaskQueue } from '../harness/temporal';
import type { TestClient } from '../harness/temporal';

const logLines: Record<string, unknown>[] = [];
const memory = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logLines.push(JSON.parse(line));
    done();
  },
});

let test_client: TestClient;

beforeAll(async () => {
  // Before any connection exists in this process: the runtime logger can only be installed once, first.
  installRuntimeLogger(createLogger('info', memory));
  test_client = await connectTestClient();
});

afterAll(async () => {
  await test_client.close();
});

test('a workflow runs its activity, upserts search attributes and is found by a visibility query', async () => {
  const { client } = test_client;
  const taskQueue = uniqueTaskQueue('harness');
  const projectId = `probe-${randomUUID()}`;
  const workflowId = `upgrade-${projectId}`;

  const phase = await runWorker(
    {
      taskQueue,
      workflowsPath: require.resolve('../harness/probe-workflow'),
      activities: createProbeActivities({ phaseFor: (id) => (id === projectId ? 'plan' : 'unknown') }),
    },
    () => client.workflow.execute(probeWorkflow, { taskQueue, workflowId, args: [{ projectId, customer: 'acme' }] }),
  );
  expect(phase).toBe('plan');

  const found = await eventually(async () => {
    const matches = [];
    for await (const execution of client.workflow.list({ query: `UpgradeProjectId = '${projectId}'` })) {
      matches.push(execution);
    }
    return matches.length > 0 ? matches : undefined;
  });
  expect(found.map((e) => e.workflowId)).toEqual([workflowId]);
  const attributes = found[0]!.typedSearchAttributes;
  expect(attributes.get(UpgradeProjectId)).toBe(projectId);
  expect(attributes.get(UpgradeCustomer)).toBe('acme');
  expect(attributes.get(UpgradePhase)).toBe('plan');
  expect(attributes.get(UpgradeAwaitingRoles)).toEqual(['customer', 'partner']);

  // A project of another id is not matched: the query really filters.
  const other = [];
  for await (const execution of client.workflow.list({ query: `UpgradeProjectId = 'no-such-${projectId}'` })) {
    other.push(execution);
  }
  expect(other).toHaveLength(0);

  // The pino bridge: one JSON line per log call, with the metadata the SDK attaches.
  const workflowLine = logLines.find((l) => l.msg === 'probe workflow started' && l.projectId === projectId);
  expect(workflowLine).toMatchObject({ sdkComponent: 'workflow', workflowId, workflowType: 'probeWorkflow', level: 30 });
  expect(typeof workflowLine?.runId).toBe('string');
  const activityLine = logLines.find((l) => l.msg === 'inspecting project' && l.projectId === projectId);
  expect(activityLine).toMatchObject({ sdkComponent: 'activity', workflowId, activityType: 'inspectProject', taskQueue });
  expect(activityLine?.workflowRunId).toBe(workflowLine?.runId);
});
