/**
 * `cancel`, `report` and a finished project through the `cuo` binary as a process, against the shared dev server
 * with a worker running the real workflow and stub automation (test/support/stub-activities.ts says why).
 */
import type { Client } from '@temporalio/client';
import { statusQuery } from '../../workflows/messages';
import { workflowIdFor } from '../../workflows/contract';
import { connectTestClient, runWorker, uniqueTaskQueue } from '../harness/temporal';
import { runCli } from '../cli/run-cli';
import { gateState, OWNER_EMAIL, waitForStatus } from '../support/drive';
import { makeProject } from '../support/project-fixture';
import { signInPeople, type CliPeople } from '../support/cli-people';
import { StubActivities } from '../support/stub-activities';

const WORKFLOWS = require.resolve('../../workflows');

let client: Client;
let closeClient: () => Promise<void>;
let people: CliPeople;
beforeAll(async () => {
  ({ client, close: closeClient } = await connectTestClient());
  people = await signInPeople([OWNER_EMAIL.customer, OWNER_EMAIL.partner, OWNER_EMAIL['managed-services']]);
}, 150_000);
afterAll(async () => {
  await people?.stop();
  await closeClient();
});

it('cancels only as the CSE, then refuses decisions (exit 3) and renders the final report from the result', async () => {
  const stubs = new StubActivities();
  const taskQueue = uniqueTaskQueue('cli-cancel');
  const cli = (...args: string[]) => runCli(args, { taskQueue });
  const as = (email: string, ...args: string[]) => runCli(args, { taskQueue, env: people.env(email) });
  const project = makeProject();
  const id = project.projectId;

  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: stubs.activities() }, async () => {
    const handle = await client.workflow.start('upgradeProject', {
      taskQueue,
      workflowId: workflowIdFor(id),
      args: [{ version: 1, project, trust: { keys: [people.gateway.key.publicKey] } }],
    });
    await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');

    // Only the CSE cancels; then the project takes no more decisions and its report is the workflow's result.
    const [notCse, interim] = await Promise.all([as(OWNER_EMAIL.partner, 'cancel', id, '--reason', 'budget'), cli('report', id)]);
    expect(notCse.code).toBe(3);
    expect(notCse.stderr).toContain(
      `only the CSE (a managed-services participant) cancels a project; ${OWNER_EMAIL.partner} is not one in ${id}`,
    );
    expect(interim.code).toBe(0);
    expect(interim.stdout).toContain('- Outcome: **in progress** (phase plan; interim report)');
    const cancel = await as(OWNER_EMAIL['managed-services'], 'cancel', id, '--reason', 'customer postponed the upgrade to Q3');
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain(`cancellation of ${id} accepted`);
    await handle.result();

    const [late, report, finalStatus] = await Promise.all([
      as(OWNER_EMAIL.customer, 'approve', id, 'create-upgrade-plan'),
      cli('report', id),
      handle.query(statusQuery),
    ]);
    expect(late.code).toBe(3);
    expect(late.stderr).toContain(`project ${id} is cancelled; it takes no more decisions`);
    expect(report.code).toBe(0);
    expect(report.stdout).toContain(`# Upgrade report — ${id}`);
    expect(report.stdout).toContain('- Outcome: **cancelled**');
    expect(report.stdout).toContain(`Cancelled by ${OWNER_EMAIL['managed-services']}`);
    expect(finalStatus.state).toBe('cancelled');
  });
});
