/**
 * `cuo verify` as a process against the real dev server: a project run to its end with signed decisions (the test
 * client plays the gateway's signing, test/support/test-gateway-signer.ts), a key rotation in the middle and a
 * decision signed with the new key, then verified with no worker running; then its history exported with the
 * Temporal CLI, one accepted decision altered in the file, and `verify --history` names exactly that one.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { generateSigningKey, signAssertion, signDecision, trustClaims } from '../../client/gateway/assertion-signer';
import type { VerifyReport } from '../../client/verify-history';
import { statusQuery, trustUpdate } from '../../workflows/messages';
import { workflowIdFor, type UpgradeWorkflowInput } from '../../workflows/contract';
import { runCli } from '../cli/run-cli';
import { resolveTemporalCliPath } from '../harness/temporal-cli';
import { connectTestClient, runWorker, testServer, uniqueTaskQueue } from '../harness/temporal';
import { approveUntil, decide, gateState, OWNER_EMAIL, waitForStatus } from '../support/drive';
import { makeProject } from '../support/project-fixture';
import { StubActivities } from '../support/stub-activities';
import { TEST_GATEWAY_KEY, testIdentity } from '../support/test-gateway-signer';

const TUNABLES = {
  productionNoticeHours: 0,
  activityMaximumAttempts: 2,
  activityInitialInterval: '100ms',
  activityMaximumInterval: '200ms',
};
const COMMENT = 'The plan reads well; the window on Saturday suits us.';

let client: Client;
let close: () => Promise<void>;
let dir: string;
beforeAll(async () => {
  ({ client, close } = await connectTestClient());
  dir = mkdtempSync(path.join(tmpdir(), 'cuo-verify-'));
});
afterAll(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

async function exportHistory(workflowId: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    resolveTemporalCliPath() ?? 'temporal',
    [
      'workflow',
      'show',
      '--workflow-id',
      workflowId,
      '--address',
      testServer().address,
      '--namespace',
      testServer().namespace,
      '--output',
      'json',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** The part of an exported history event this test reads and alters (proto JSON, payload data in base64). */
interface JsonEvent {
  eventId: string;
  workflowExecutionUpdateAcceptedEventAttributes?: {
    acceptedRequest?: { input?: { name?: string; args: { payloads: { data: string }[] } } };
  };
}

const decoded = (payload: { data: string }) => JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) as Record<string, unknown>;

it('verifies every decision of a finished project with no worker, across a key rotation, and names the one altered in a copied history', async () => {
  const project = makeProject();
  const workflowId = workflowIdFor(project.projectId);
  const second = generateSigningKey().key;
  const taskQueue = uniqueTaskQueue('verify');
  const stubs = new StubActivities();
  await runWorker({ taskQueue, workflowsPath: require.resolve('../../workflows'), activities: stubs.activities() }, async () => {
    const input: UpgradeWorkflowInput = { version: 1, project, tunables: TUNABLES };
    const handle: WorkflowHandle = await client.workflow.start('upgradeProject', { taskQueue, workflowId, args: [input] });
    await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');
    // A comment by the partner, signed by the test gateway key: the decision the copied history will alter.
    await decide(handle, {
      taskId: 'create-upgrade-plan',
      decision: 'comment',
      actor: OWNER_EMAIL.partner,
      role: 'partner',
      comment: COMMENT,
    });
    // Rotation: the gateway's next key, added by an assertion signed with the key trusted now.
    const rotation = signAssertion(TEST_GATEWAY_KEY, trustClaims(workflowId, { add: [second.publicKey], remove: [] }));
    expect((await handle.executeUpdate(trustUpdate, { args: [{ assertion: rotation }] })).keys).toEqual([
      TEST_GATEWAY_KEY.publicKey.kid,
      second.publicKey.kid,
    ]);
    // The plan approved with the new key.
    const status = await handle.query(statusQuery);
    await decide(
      handle,
      signDecision(
        second,
        status,
        { taskId: 'create-upgrade-plan', decision: 'approve', actor: OWNER_EMAIL.customer, role: 'customer' },
        testIdentity(OWNER_EMAIL.customer),
      ),
    );
    await waitForStatus(handle, (s) => gateState(s, 'determine-infrastructure-changes') === 'awaiting-approval');
    // A signed comment signal (the interceptor signs it) and one whose assertion is garbage: the workflow refuses it.
    await handle.signal('comment', {
      taskId: 'determine-infrastructure-changes',
      actor: OWNER_EMAIL['managed-services'],
      role: 'managed-services',
      comment: 'checking the services',
    });
    await handle.signal('approve', {
      taskId: 'determine-infrastructure-changes',
      actor: OWNER_EMAIL['managed-services'],
      role: 'managed-services',
      assertion: 'not-a-jws',
    });
    await waitForStatus(handle, (s) => s.audit.filter((e) => e.via === 'signal').length === 2);
    expect((await approveUntil(handle)).state).toBe('completed');
    await handle.result();
  });

  // The worker is gone: verify reads the history alone.
  const run = await runCli(['verify', project.projectId]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(`Decisions of ${workflowId} (completed)`);
  expect(run.stdout).toContain(`Keys rotated at`);
  // 12 gates approved, the comment, the rotation and the signed comment signal; the garbage signal refused.
  expect(run.stdout).toMatch(/\n15 verified, 0 not verified, 1 refused signal\n?$/);
  expect(run.stdout).not.toContain('NOT VERIFIED');

  // With the gateway's published keys: the project started trusting exactly those.
  const published = path.join(dir, 'published.json');
  writeFileSync(published, JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', use: 'sig', ...TEST_GATEWAY_KEY.publicKey }] }));
  const pinned = await runCli(['verify', project.projectId, '--keys', published]);
  expect(pinned.code).toBe(0);
  expect(pinned.stdout).toContain('The start keys were compared with the published keys given with --keys.');
  const otherKeys = path.join(dir, 'other.json');
  writeFileSync(otherKeys, JSON.stringify([generateSigningKey().key.publicKey]));
  const foreign = await runCli(['verify', project.projectId, '--keys', otherKeys]);
  expect(foreign.code).toBe(8);
  expect(foreign.stdout).toContain(
    `the project started trusting ${TEST_GATEWAY_KEY.publicKey.kid}, which the keys given with --keys do not hold`,
  );

  const json = await runCli(['verify', project.projectId, '--json']);
  const report = JSON.parse(json.stdout) as VerifyReport;
  expect(report.signed).toBe(true);
  expect(report.auditChecked).toBe(true);
  expect(report.keys.map((k) => k.kids)).toEqual([
    [TEST_GATEWAY_KEY.publicKey.kid],
    [TEST_GATEWAY_KEY.publicKey.kid, second.publicKey.kid],
  ]);
  const approvals = report.decisions.filter((d) => d.decision === 'approve' && d.via === 'update');
  expect(approvals).toHaveLength(12);
  expect(
    approvals.every((d) => d.verdict === 'verified' && d.identity?.iss === 'https://idp.test.example' && d.identity.amr === 'oidc'),
  ).toBe(true);
  const plan = approvals.find((d) => d.task === 'create-upgrade-plan')!;
  expect(plan).toMatchObject({
    kid: second.publicKey.kid,
    actor: OWNER_EMAIL.customer,
    role: 'customer',
    identity: { sub: `test|${OWNER_EMAIL.customer}` },
  });
  expect(report.decisions.find((d) => d.via === 'signal' && d.verdict === 'refused')?.reason).toMatch(
    /refused by the workflow \(unsigned or invalid\): the assertion is not a compact JWS/,
  );

  // A copy of the history with the partner's comment changed after the fact.
  const exported = JSON.parse(await exportHistory(workflowId)) as { events: JsonEvent[] };
  const original = path.join(dir, 'original.json');
  writeFileSync(original, JSON.stringify(exported));
  const unchanged = await runCli(['verify', '--history', original]);
  expect(unchanged.stderr).toBe('');
  expect(unchanged.code).toBe(0);
  expect(unchanged.stdout).toMatch(/15 verified, 0 not verified, 1 refused signal/);

  const target = exported.events.find((e) => {
    const request = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
    return request?.name === 'decide' && decoded(request.args.payloads[0]!).comment === COMMENT;
  })!;
  expect(target).toBeDefined();
  const payload = target.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.args.payloads[0]!;
  payload.data = Buffer.from(JSON.stringify({ ...decoded(payload), comment: 'The plan is fine, go ahead without the CAB.' })).toString(
    'base64',
  );
  const altered = path.join(dir, 'altered.json');
  writeFileSync(altered, JSON.stringify(exported));

  const verdict = await runCli(['verify', '--history', altered]);
  expect(verdict.code).toBe(8);
  expect(verdict.stderr).toContain(`cuo: 1 decision of ${workflowId} did not verify`);
  const notVerified = verdict.stdout.split('\n').filter((line) => line.includes('NOT VERIFIED'));
  expect(notVerified).toHaveLength(1);
  expect(notVerified[0]).toMatch(/create-upgrade-plan\s+comment\s+pat@agency\.example \(partner\)/);
  expect(notVerified[0]).toContain('comment does not match');
  expect(verdict.stdout).toMatch(/14 verified, 1 not verified, 1 refused signal/);
  const alteredReport = JSON.parse((await runCli(['verify', '--history', altered, '--json'])).stdout) as VerifyReport;
  expect(alteredReport.decisions.filter((d) => d.verdict === 'not-verified').map((d) => d.eventId)).toEqual([Number(target.eventId)]);
  expect(readFileSync(original, 'utf8')).not.toContain('go ahead without the CAB');
});

it('says so for a project that does not exist, and for a file that is not a history', async () => {
  const missing = await runCli(['verify', 'no-such-project-verify']);
  expect(missing.code).toBe(4);
  expect(missing.stderr).toContain('no upgrade project no-such-project-verify (workflow upgrade-no-such-project-verify)');
  const file = path.join(dir, 'not-history.json');
  writeFileSync(file, JSON.stringify({ hello: 'world' }));
  const notHistory = await runCli(['verify', '--history', file]);
  expect(notHistory.code).toBe(2);
  expect(notHistory.stderr).toContain('is not a workflow history: it has no "events" list');
  const neither = await runCli(['verify']);
  expect(neither.code).toBe(2);
  expect(neither.stderr).toContain('name a project (`cuo verify <project>`) or a history file');
  const badKeys = path.join(dir, 'bad-keys.json');
  writeFileSync(badKeys, JSON.stringify({ keys: [{ kid: 'k', x: 'short' }] }));
  const keys = await runCli(['verify', '--history', file, '--keys', badKeys]);
  expect(keys.code).toBe(2);
  expect(keys.stderr).toContain('holds no public keys');
});
