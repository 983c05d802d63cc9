/**
 * Issue #15 through the CLI and the real approvals gateway, as people do it: `cuo attach` a local file (its sha256
 * is computed, signed by the gateway, checked by the workflow), `cuo status` and `cuo history` show it beside the
 * automation's artifacts, `cuo approve --evidence <sha>` approves it by hash, and the CAB gate refuses the CSE who
 * approved the infrastructure changes with the reason (exit 3) before another CSE approves it. Stub automation
 * (test/support/stub-activities.ts says why); the workflow, the gateway, the sign-in and the CLI are real.
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { workflowIdFor } from '../../workflows/contract';
import type { ProjectStatus } from '../../workflows/project-state';
import { connectTestClient, runWorker, uniqueTaskQueue } from '../harness/temporal';
import { projectFiles, runCli } from '../cli/run-cli';
import { gateState, OWNER_EMAIL, waitForStatus } from '../support/drive';
import { makeProject, PEOPLE } from '../support/project-fixture';
import { signInPeople, type CliPeople } from '../support/cli-people';
import { StubActivities } from '../support/stub-activities';

const WORKFLOWS = require.resolve('../../workflows');
const SAM = OWNER_EMAIL['managed-services'];
const CASEY = 'casey@adobe.example';

let client: Client;
let closeClient: () => Promise<void>;
let people: CliPeople;
const files = projectFiles();

beforeAll(async () => {
  ({ client, close: closeClient } = await connectTestClient());
  people = await signInPeople([OWNER_EMAIL.customer, OWNER_EMAIL.partner, SAM, CASEY]);
}, 150_000);
afterAll(async () => {
  files.cleanup();
  await people?.stop();
  await closeClient();
});

it('attaches a file through the gateway, approves it by hash, and keeps the requester off the CAB gate', async () => {
  const stubs = new StubActivities();
  const taskQueue = uniqueTaskQueue('cli-attach');
  const as = (email: string, ...args: string[]) => runCli(args, { taskQueue, env: people.env(email) });
  const project = makeProject({
    participants: { ...PEOPLE, 'managed-services': [...PEOPLE['managed-services'], { name: 'Casey CAB', email: CASEY }] },
  });
  const id = project.projectId;
  const file = files.write(`${id}.yaml`, project);
  const results = files.write('uat-results.md', '# UAT results\n\n42 scenarios, 42 passed.\n');
  const sha = createHash('sha256').update('# UAT results\n\n42 scenarios, 42 passed.\n').digest('hex');

  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: stubs.activities() }, async () => {
    const started = await as(SAM, 'start', file);
    expect(started.code).toBe(0);
    expect(started.stdout).not.toContain('warning:');
    const handle = client.workflow.getHandle(workflowIdFor(id));
    await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');

    // Bad usage is named before anything is sent.
    const [noSource, noHash, badUrl] = await Promise.all([
      as(OWNER_EMAIL.customer, 'attach', id, 'create-upgrade-plan'),
      as(OWNER_EMAIL.customer, 'attach', id, 'create-upgrade-plan', '--url', 'https://files.acme.example/uat.pdf'),
      as(OWNER_EMAIL.customer, 'attach', id, 'create-upgrade-plan', '--url', 'ftp://files.acme.example/uat.pdf', '--sha256', sha),
    ]);
    expect([noSource.code, noHash.code, badUrl.code]).toEqual([2, 2, 2]);
    expect(noSource.stderr).toContain('attach a file (--file <path>) or a URL with its hash (--url <url> --sha256 <hex>)');
    expect(noHash.stderr).toContain('a URL is attached with the sha256 of the document it serves');
    expect(badUrl.stderr).toContain('invalid attachment: url: must be an http(s) URL');

    const attached = await as(OWNER_EMAIL.customer, 'attach', id, 'create-upgrade-plan', '--file', results, '--note', 'our own test run');
    expect(attached.code).toBe(0);
    expect(attached.stdout).toContain(
      `uat-results.md attached to create-upgrade-plan as attached:${sha.slice(0, 16)}-uat-results.md; approve it by hash with --evidence ${sha.slice(0, 12)}`,
    );
    // A partner of the plan (a contributor) may attach too; a second copy of the same document is refused.
    const copy = await as(OWNER_EMAIL.partner, 'attach', id, 'create-upgrade-plan', '--file', results);
    expect(copy.code).toBe(3);
    expect(copy.stderr).toContain(
      `attached:${sha.slice(0, 16)}-uat-results.md (sha256 ${sha.slice(0, 12)}…) is already attached to create-upgrade-plan, by ${OWNER_EMAIL.customer}`,
    );

    const status = await as(OWNER_EMAIL.customer, 'status', id);
    expect(status.stdout).toContain('Evidence people attached (this round):');
    expect(status.stdout).toMatch(
      new RegExp(
        `create-upgrade-plan: attached:${sha.slice(0, 16)}-uat-results\\.md sha256 ${sha.slice(0, 12)} by carla@acme\\.example .* — our own test run`,
      ),
    );

    const approved = await as(OWNER_EMAIL.customer, 'approve', id, 'create-upgrade-plan', '--evidence', sha.slice(0, 12));
    expect(approved.code).toBe(0);
    const after = (await handle.query('status')) as ProjectStatus;
    expect(after.gates[0]!.approvals[0]).toMatchObject({
      actor: OWNER_EMAIL.customer,
      named: `attached:${sha.slice(0, 16)}-uat-results.md`,
    });
    const history = await as(SAM, 'history', id);
    expect(history.stdout.split('\n').find((r) => r.includes('attachment'))).toMatch(
      new RegExp(`create-upgrade-plan +carla@acme\\.example \\(customer\\) +attachment +attached uat-results\\.md`),
    );

    // Sam approves the infrastructure changes; the partner the complexity; then the CAB is Casey's, not Sam's.
    await waitForStatus(handle, (s) => gateState(s, 'determine-infrastructure-changes') === 'awaiting-approval');
    expect((await as(SAM, 'approve', id, 'determine-infrastructure-changes')).code).toBe(0);
    await waitForStatus(handle, (s) => gateState(s, 'assess-upgrade-complexity') === 'awaiting-approval');
    expect((await as(OWNER_EMAIL.partner, 'approve', id, 'assess-upgrade-complexity')).code).toBe(0);
    await waitForStatus(handle, (s) => gateState(s, 'cab-infrastructure-change') === 'awaiting-approval');
    const self = await as(SAM, 'approve', id, 'cab-infrastructure-change');
    expect(self.code).toBe(3);
    expect(self.stderr).toContain(
      `refused: separation of duties: ${SAM} approved determine-infrastructure-changes, the change cab-infrastructure-change approves, so may not approve it; another managed-services participant must (${CASEY})`,
    );
    const cab = await as(CASEY, 'approve', id, 'cab-infrastructure-change', '-m', 'CAB 2026-12-02: approved');
    expect(cab.code).toBe(0);
    expect(cab.stdout).toContain('cab-infrastructure-change approved by casey@adobe.example');
  });
});
