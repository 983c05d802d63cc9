/**
 * What `cuo status`, `list` and `history` tell a person, through the binary as a process against the shared dev
 * server with a worker running the real workflow and stub automation (test/support/stub-activities.ts says why):
 * a step that keeps failing shows its attempt and last error while it retries; a cancelled project lists as
 * cancelled; a terminated one says terminated, not running; tables fit COLUMNS=120 (and `--wide` shows all);
 * escape sequences in a comment are shown, not sent to the terminal; an update nobody answers says it may still
 * be applied.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { type ProjectFile } from '../../workflows/project-input';
import { workflowIdFor, type UpgradeWorkflowInput } from '../../workflows/contract';
import { runCli } from '../cli/run-cli';
import { connectTestClient, eventually, runWorker, uniqueTaskQueue } from '../harness/temporal';
import { gateState, OWNER_EMAIL, waitForStatus } from '../support/drive';
import { makeProject } from '../support/project-fixture';
import { signInPeople, type CliPeople } from '../support/cli-people';
import { StubActivities } from '../support/stub-activities';

const WORKFLOWS = require.resolve('../../workflows');
const ESC = '\u001b';

let client: Client;
let closeClient: () => Promise<void>;
let people: CliPeople;
beforeAll(async () => {
  ({ client, close: closeClient } = await connectTestClient());
  people = await signInPeople([OWNER_EMAIL.customer, OWNER_EMAIL['managed-services']]);
}, 150_000);
afterAll(async () => {
  await people?.stop();
  await closeClient();
});

function start(taskQueue: string, project: ProjectFile, tunables: UpgradeWorkflowInput['tunables'] = {}): Promise<WorkflowHandle> {
  return client.workflow.start('upgradeProject', {
    taskQueue,
    workflowId: workflowIdFor(project.projectId),
    args: [{ version: 1, project, tunables, trust: { keys: [people.gateway.key.publicKey] } }],
  });
}

it('status shows the attempt and the last error of a step while it retries', async () => {
  const stubs = new StubActivities();
  stubs.failing.set('draftUpgradePlan', "fatal: repository 'git@git.example.com:acme/commerce-cloud.git' does not exist");
  const taskQueue = uniqueTaskQueue('cli-retrying');
  const project = makeProject();
  const id = project.projectId;
  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: stubs.activities() }, async () => {
    // Five attempts a second apart: long enough to look at it while it retries.
    const handle = await start(taskQueue, project, {
      activityMaximumAttempts: 5,
      activityInitialInterval: '1s',
      activityMaximumInterval: '1s',
    });
    await eventually(async () => ((await handle.describe()).raw.pendingActivities?.[0]?.attempt ?? 0) >= 2 || undefined, {
      timeoutMs: 20_000,
    });
    const status = await runCli(['status', id], { taskQueue });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^create-upgrade-plan +plan +customer +running \(attempt [2-5]\/5\)/m);
    expect(status.stdout).toMatch(/Running now:\n {2}create-upgrade-plan: draftUpgradePlan attempt [2-5]\/5/);
    expect(status.stdout).toMatch(
      / {4}last error \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\): fatal: repository 'git@git\.example\.com:acme\/commerce-cloud\.git' does not exist/,
    );
    const json = JSON.parse((await runCli(['status', id, '--json'], { taskQueue })).stdout) as {
      execution: { activities: { attempt: number; lastError?: string }[] };
    };
    expect(json.execution.activities[0]).toMatchObject({
      attempt: expect.any(Number),
      lastError: expect.stringContaining('does not exist'),
    });
    await handle.terminate('test over');
  });
});

it('list says cancelled for a cancelled project; status says terminated for a terminated one', async () => {
  const stubs = new StubActivities();
  const taskQueue = uniqueTaskQueue('cli-closed');
  const cancelled = makeProject();
  const terminated = makeProject();
  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: stubs.activities() }, async () => {
    const [a, b] = await Promise.all([start(taskQueue, cancelled), start(taskQueue, terminated)]);
    await Promise.all([a, b].map((h) => waitForStatus(h, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval')));
    const cancel = await runCli(['cancel', cancelled.projectId, '--reason', 'postponed'], {
      taskQueue,
      env: people.env(OWNER_EMAIL['managed-services']),
    });
    expect(cancel.code).toBe(0);
    await a.result();
    await b.terminate('its stand-ins are gone');

    const listed = await eventually(async () => {
      const list = await runCli(['list', '--closed'], { taskQueue });
      return list.stdout.includes(terminated.projectId) && list.stdout.includes(cancelled.projectId) ? list.stdout : undefined;
    });
    expect(listed).toMatch(new RegExp(`^${cancelled.projectId} +Acme Retail +2\\.4\\.8-p3 +cancelled +cancelled `, 'm'));
    expect(listed).toMatch(new RegExp(`^${terminated.projectId} +Acme Retail +2\\.4\\.8-p3 +plan +terminated `, 'm'));

    const status = await runCli(['status', terminated.projectId], { taskQueue });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('state terminated · phase plan');
    expect(status.stdout).toMatch(/Temporal terminated this workflow at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ: its stand-ins are gone\./);
    expect(status.stdout).not.toContain('state running');
    expect(status.stdout).not.toContain('Waiting on:');
  });
});

it('history fits COLUMNS=120, shows all with --wide, and shows escape sequences instead of obeying them', async () => {
  const stubs = new StubActivities();
  const taskQueue = uniqueTaskQueue('cli-history-fit');
  const project = makeProject();
  const id = project.projectId;
  const long =
    'The checkout fails on Staging with the new payment module when a gift card and a coupon are combined; see the HAR file in the ticket.';
  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: stubs.activities() }, async () => {
    const handle = await start(taskQueue, project);
    await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');
    const cli = (...args: string[]) => runCli(args, { taskQueue, env: people.env(OWNER_EMAIL.customer) });
    expect((await cli('comment', id, 'create-upgrade-plan', '-m', long)).code).toBe(0);
    expect((await cli('comment', id, 'create-upgrade-plan', '-m', `ok${ESC}[2J${ESC}]0;pwned\u0007\u009b31m`)).code).toBe(0);

    const narrow = await runCli(['history', id], { taskQueue, env: { COLUMNS: '120' } });
    expect(narrow.code).toBe(0);
    for (const line of narrow.stdout.trimEnd().split('\n')) expect([...line].length).toBeLessThanOrEqual(120);
    expect(narrow.stdout).toMatch(/^\d+ +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +create-upgrade-plan .*The checkout.*…/m);
    const whole = await runCli(['history', id, '--wide'], { taskQueue, env: { COLUMNS: '120' } });
    expect(whole.stdout).toContain(long);
    // The comment's escape sequences are printed as text: nothing reaches the terminal to clear it or set its title.
    // eslint-disable-next-line no-control-regex
    expect(whole.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(whole.stdout).toContain('ok\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m');
    const status = await runCli(['status', id], { taskQueue, env: { COLUMNS: '120' } });
    for (const line of status.stdout.trimEnd().split('\n')) expect([...line].length).toBeLessThanOrEqual(120);
    await handle.terminate('test over');
  });
});

it('a cancel nobody answers says it may still be applied, and how to check', async () => {
  // No worker on this queue: the update is accepted by the server and waits.
  const taskQueue = uniqueTaskQueue('cli-no-worker');
  const project = makeProject();
  const handle = await start(taskQueue, project);
  const cancel = await runCli(['--timeout', '2', 'cancel', project.projectId, '--reason', 'postponed', '--request-id', 'cancel-1'], {
    taskQueue,
    env: people.env(OWNER_EMAIL['managed-services']),
  });
  expect(cancel.code).toBe(5);
  expect(cancel.stderr).toContain('no answer within 2 s');
  expect(cancel.stderr).toContain('the cancel (request id cancel-1) was sent and may still be applied when a worker picks it up');
  expect(cancel.stderr).toContain(`cuo status ${project.projectId}`);
  expect(cancel.stderr).toContain(`cuo history ${project.projectId}`);
  expect(cancel.stderr).toContain('same --request-id');
  await handle.terminate('test over');
});
