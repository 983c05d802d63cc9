/**
 * The `cuo` binary as a process against the shared dev server, with a worker running the real workflow and stub
 * automation (test/support/stub-activities.ts says why) on this file's own task queue: start (and start twice),
 * status, decisions with refusals and their exit codes, history. Cancellation is in cli-cancel.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { ProjectStatus } from '../../workflows/project-state';
import { workflowIdFor } from '../../workflows/contract';
import { connectTestClient, runWorker, uniqueTaskQueue } from '../harness/temporal';
import { projectFiles, runCli } from '../cli/run-cli';
import { gateState, OWNER_EMAIL, waitForStatus } from '../support/drive';
import { makeProject } from '../support/project-fixture';
import { signInPeople, type CliPeople } from '../support/cli-people';
import { StubActivities } from '../support/stub-activities';

const WORKFLOWS = require.resolve('../../workflows');

let client: Client;
let closeClient: () => Promise<void>;
let people: CliPeople;
const files = projectFiles();

beforeAll(async () => {
  ({ client, close: closeClient } = await connectTestClient());
  people = await signInPeople([OWNER_EMAIL.customer, 'chris@acme.example', OWNER_EMAIL.partner, OWNER_EMAIL['managed-services']]);
}, 150_000);
afterAll(async () => {
  files.cleanup();
  await people?.stop();
  await closeClient();
});

it('starts a project, shows its status, takes decisions, refuses wrong ones with exit 3, keeps history', async () => {
  const stubs = new StubActivities();
  const taskQueue = uniqueTaskQueue('cli');
  // The CSE starts and reads; each person decides signed in as themselves.
  const cli = (...args: string[]) => runCli(args, { taskQueue, env: people.env(OWNER_EMAIL['managed-services']) });
  const as = (email: string, ...args: string[]) => runCli(args, { taskQueue, env: people.env(email) });
  const project = makeProject({ requiredApprovals: { 'create-upgrade-plan': 2 } });
  const id = project.projectId;
  const file = files.write(`${id}.yaml`, project);

  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: stubs.activities() }, async () => {
    // start: the id, the UI link, the search attributes and the UI summary the CLI sets.
    const started = await cli('start', file);
    expect(started).toMatchObject({ code: 0, stderr: '' });
    expect(started.stdout).toContain(`started ${workflowIdFor(id)} — Acme Retail: 2.4.6-p8 → 2.4.8-p3`);
    expect(started.stdout).toContain(`UI: http://localhost:8233/namespaces/default/workflows/${workflowIdFor(id)}`);
    const handle = client.workflow.getHandle(workflowIdFor(id));
    const description = await handle.describe();
    expect(await description.staticSummary()).toBe('Acme Retail: 2.4.6-p8 → 2.4.8-p3');
    expect(await description.staticDetails()).toContain('| Development Partner (`partner`) | Pat Partner | pat@agency.example |');
    expect(description.taskQueue).toBe(taskQueue);
    await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');

    // Starting the same project again is refused with its own exit code; status answers as a table and as JSON.
    const [again, table, json] = await Promise.all([cli('start', file), cli('status', id), cli('status', id, '--json')]);
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(new RegExp(`project ${id} was already started: workflow upgrade-${id} is running`));
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/state running · phase plan/);
    expect(table.stdout).toMatch(
      /^create-upgrade-plan +plan +customer +awaiting-approval +carla@acme\.example, chris@acme\.example +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(\d+s ago\) +0\/2$/m,
    );
    expect(table.stdout).toMatch(/^ {2}cab-production-deployment +launch +managed-services +pending +0\/1$/m);
    const status = JSON.parse(json.stdout) as ProjectStatus;
    expect(status).toMatchObject({ projectId: id, phase: 'plan', awaiting: [{ gateId: 'create-upgrade-plan', roles: ['customer'] }] });

    // A partner cannot approve the customer's plan: the validator's reason, exit 3, nothing recorded.
    const wrongRole = await as(OWNER_EMAIL.partner, 'approve', id, 'create-upgrade-plan');
    expect(wrongRole.code).toBe(3);
    expect(wrongRole.stderr).toContain('refused: only the owner role (customer) decides create-upgrade-plan; partner may comment');
    // Bad usage never reaches the server: a rejection needs its reason, an unknown task is named, --as is gone,
    // and nobody decides without signing in.
    const [noReason, noTask, asFlag, anonymous] = await Promise.all([
      as(OWNER_EMAIL.customer, 'reject', id, 'create-upgrade-plan'),
      as(OWNER_EMAIL.customer, 'approve', id, 'create-the-plan'),
      as(OWNER_EMAIL.customer, 'approve', id, 'create-upgrade-plan', '--as', 'carla@acme.example', '--role', 'customer'),
      runCli(['approve', id, 'create-upgrade-plan'], {
        taskQueue,
        env: { CUO_GATEWAY_URL: people.gateway.url, CUO_CONFIG_DIR: join(tmpdir(), `cuo-nobody-${randomUUID()}`) },
      }),
    ]);
    expect([noReason.code, noTask.code, asFlag.code, anonymous.code]).toEqual([2, 4, 2, 7]);
    expect(noReason.stderr).toContain('a rejection needs the reason');
    expect(noTask.stderr).toContain('no task "create-the-plan"');
    expect(asFlag.stderr).toContain('decisions take your identity from your sign-in, not from --as: run `cuo login`');
    expect(anonymous.stderr).toContain(`not signed in to ${people.gateway.url}: run \`cuo login\` first`);

    // An approval with a given request id, repeated: answered, not applied twice.
    const approve = ['approve', id, 'create-upgrade-plan', '-m', 'plan read', '--request-id', 'cli-test-1'];
    const first = await as(OWNER_EMAIL.customer, ...approve);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('create-upgrade-plan: approval 1 of 2 recorded');
    expect(first.stdout).toContain('request id cli-test-1');
    const repeated = await as(OWNER_EMAIL.customer, ...approve, '--json');
    expect(repeated.code).toBe(0);
    expect(JSON.parse(repeated.stdout)).toMatchObject({ duplicate: true, requestId: 'cli-test-1', taskState: 'awaiting-approval' });

    // The second customer rejects with a reason: the plan is redone (new round), visible in history.
    const reject = await as('chris@acme.example', 'reject', id, 'create-upgrade-plan', '-m', 'launch date missing');
    expect(reject.code).toBe(0);
    expect(reject.stdout).toMatch(
      /create-upgrade-plan rejected: launch date missing\n {2}task state: rejected · audit #\d+ · request id cli-[0-9a-f-]{36}/,
    );
    await waitForStatus(handle, (s) => s.gates[0]!.rounds === 2 && gateState(s, 'create-upgrade-plan') === 'awaiting-approval');

    // A signal sent straight to Temporal, signed with a key the project does not trust (the tests' own, not the
    // gateway's), lands in the audit trail as refused; history marks it.
    await handle.signal('approve', { taskId: 'create-upgrade-plan', actor: 'mallory@evil.example', role: 'customer' });
    await waitForStatus(handle, (s) => s.audit.some((e) => e.kind === 'refused'));
    const history = await cli('history', id);
    expect(history.code).toBe(0);
    const rows = history.stdout.split('\n');
    expect(rows.find((r) => r.includes(`${OWNER_EMAIL.customer} (customer)`))).toMatch(
      /approve +plan read +test-[0-9a-f]+\/[0-9a-f]{16}-draftupgradeplan\.md +update/,
    );
    expect(rows.find((r) => r.includes('chris@acme.example (customer)'))).toMatch(/reject +launch date missing/);
    expect(rows.find((r) => r.includes('rework'))).toMatch(/back to create-upgrade-plan: launch date missing/);
    expect(rows.find((r) => r.includes('mallory@evil.example'))).toMatch(
      /REFUSED approve +the assertion is signed by key "[\w-]+", which this project does not trust +signal$/,
    );
    expect(history.stdout).toContain('Refused attempts: 1.');
  });
});
