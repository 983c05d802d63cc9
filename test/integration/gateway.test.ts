/**
 * Decisions by authenticated people only (issue #13), end to end with real parts: the approvals gateway as its own
 * process, its local OpenID Connect provider (oidc-provider), `cuo login` over the device grant, `cuo start` and
 * `cuo approve` as processes, the real dev server and a workflow worker (stubbed automation, as in
 * upgrade-project.test.ts). A second identity provider is served by the test itself (discovery and JWKS on
 * loopback, its key made here) so the gateway's refusal of expired, forged, wrong-issuer, wrong-audience and
 * unverified tokens can be shown one by one. Every refusal is counted; none may change the project.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { generateSigningKey, signAssertion, signDecision, trustClaims } from '../../client/gateway/assertion-signer';
import { decideUpdate, statusQuery, trustUpdate, type DecisionPayload } from '../../workflows/messages';
import { workflowIdFor } from '../../workflows/contract';
import type { ProjectStatus } from '../../workflows/project-state';
import { runCli, projectFiles } from '../cli/run-cli';
import { connectTestClient, runWorker, uniqueTaskQueue } from '../harness/temporal';
import { gateState, waitForStatus } from '../support/drive';
import { loginAs, signingKeyFile, startGateway, type GatewayProcess, type SignedInCli } from '../support/gateway-process';
import { makeProject } from '../support/project-fixture';
import { StubActivities } from '../support/stub-activities';

const WORKFLOWS = require.resolve('../../workflows');
const TEST_ISSUER_AUDIENCE = 'cuo-gateway-test';

/** A minimal OpenID provider of the test's own: discovery and JWKS, and tokens it mints with its key. */
class TokenMint {
  private server?: Server;
  readonly key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  issuer = '';

  async start(): Promise<void> {
    const jwk = { ...this.key.publicKey.export({ format: 'jwk' }), kid: 'mint-1', alg: 'RS256', use: 'sig' };
    this.server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration')
        res.end(JSON.stringify({ issuer: this.issuer, jwks_uri: `${this.issuer}/jwks` }));
      else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [jwk] }));
      else res.writeHead(404).end('{}');
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  token(claims: Record<string, unknown>, key: KeyObject = this.key.privateKey): string {
    const now = Math.floor(Date.now() / 1000);
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'mint-1' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({
        iss: this.issuer,
        aud: TEST_ISSUER_AUDIENCE,
        iat: now,
        exp: now + 600,
        sub: 'someone',
        email_verified: true,
        ...claims,
      }),
    ).toString('base64url');
    return `${header}.${body}.${sign('sha256', Buffer.from(`${header}.${body}`), key).toString('base64url')}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

let raw: Client; // no test signing: what anyone with Temporal access could send
let closeRaw: () => Promise<void>;
let gateway: GatewayProcess;
const mint = new TokenMint();
const refusals: string[] = [];

beforeAll(async () => {
  ({ client: raw, close: closeRaw } = await connectTestClient({ signed: false }));
  await mint.start();
  gateway = await startGateway({
    env: {
      GATEWAY_OIDC_ISSUERS: JSON.stringify([{ name: 'Test IdP', issuer: mint.issuer, clientId: TEST_ISSUER_AUDIENCE }]),
      GATEWAY_LOGIN_RATE: '40',
    },
  });
}, 120_000);
afterAll(async () => {
  await gateway?.stop();
  await mint.stop();
  await closeRaw();
  // The counts a reviewer reads: every hostile input tried, none applied.
  process.stdout.write(`gateway bad input: ${refusals.length} refused, 0 applied\n`);
});

async function refusedUpdate(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const reason = String((err as WorkflowUpdateFailedError).cause?.message);
    refusals.push(reason);
    return reason;
  }
  throw new Error('expected the update to be refused');
}

async function api(path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${gateway.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as { error?: string }) : {}, headers: res.headers };
}

const cuo = (person: SignedInCli, args: string[], taskQueue?: string) =>
  runCli(args, { env: person.env, ...(taskQueue ? { taskQueue } : {}) });

it('the customer signs in and approves the plan; the partner cannot; unsigned, forged and replayed decisions sent straight to Temporal are refused', async () => {
  const stubs = new StubActivities();
  const taskQueue = uniqueTaskQueue('gateway');
  const files = projectFiles();
  const project = makeProject();
  try {
    await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: stubs.activities() }, async () => {
      const carla = await loginAs(gateway, 'carla@acme.example');
      expect(carla.code).toBe(0);
      expect(carla.stdout).toMatch(/signed in to .* as carla@acme\.example \(Local development login\)/);
      const sam = await loginAs(gateway, 'sam@adobe.example');
      const pat = await loginAs(gateway, 'pat@agency.example');

      const started = await cuo(sam, ['start', files.write('project.yaml', project)], taskQueue);
      expect(started.stderr).toBe('');
      expect(started.stdout).toContain(`trusted key ${gateway.key.publicKey.kid}`);
      const handle: WorkflowHandle = raw.workflow.getHandle(workflowIdFor(project.projectId));
      await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');

      const whoami = await cuo(carla, ['whoami', '--json']);
      expect(JSON.parse(whoami.stdout)).toMatchObject({
        email: 'carla@acme.example',
        issuer: gateway.devIssuer,
        projects: expect.arrayContaining([{ projectId: project.projectId, customer: 'Acme Retail', roles: ['customer'] }]),
      });

      // --as is gone for decisions; the partner is refused by the workflow (not the owner role), carla approves.
      const asFlag = await cuo(carla, [
        'approve',
        project.projectId,
        'create-upgrade-plan',
        '--as',
        'carla@acme.example',
        '--role',
        'customer',
      ]);
      expect(asFlag.code).toBe(2);
      expect(asFlag.stderr).toMatch(/not from --as: run `cuo login`/);
      const partner = await cuo(pat, ['approve', project.projectId, 'create-upgrade-plan']);
      expect(partner.code).toBe(3);
      expect(partner.stderr).toMatch(/only the owner role \(customer\) decides create-upgrade-plan/);
      refusals.push(partner.stderr);
      const wrongRole = await cuo(carla, ['approve', project.projectId, 'create-upgrade-plan', '--role', 'partner']);
      expect(wrongRole.code).toBe(3);
      expect(wrongRole.stderr).toMatch(/carla@acme\.example is not a partner participant/);
      refusals.push(wrongRole.stderr);

      // Straight to Temporal, no assertion: refused with the way to do it right.
      const plain: DecisionPayload = {
        taskId: 'create-upgrade-plan',
        decision: 'approve',
        actor: 'carla@acme.example',
        role: 'customer',
        requestId: 'raw-1',
      };
      expect(await refusedUpdate(handle.executeUpdate(decideUpdate, { args: [plain] }))).toMatch(
        /decisions need a signed assertion from the approvals gateway; sign in with `cuo login`/,
      );
      // Forged: a well-formed assertion, signed by a key the project does not trust.
      const status = await handle.query(statusQuery);
      const identity = { iss: gateway.devIssuer, sub: 'carla@acme.example', amr: 'oidc' as const, at: Math.floor(Date.now() / 1000) };
      const forged = signDecision(generateSigningKey().key, status, plain, identity);
      expect(await refusedUpdate(handle.executeUpdate(decideUpdate, { args: [forged] }))).toMatch(/which this project does not trust/);
      expect(
        await refusedUpdate(handle.executeUpdate(decideUpdate, { args: [{ ...plain, assertion: 'eyJhbGciOiJub25lIn0.e30.' }] })),
      ).toMatch(/header must be/);
      expect(await refusedUpdate(handle.executeUpdate(decideUpdate, { args: [{ ...plain, assertion: 'x'.repeat(5000) }] }))).toMatch(
        /malformed decision: assertion/,
      );
      // A comment signed with the gateway's own key (as if stolen in transit) is accepted once, then refused as a replay.
      const note = signDecision(
        gateway.key,
        status,
        { taskId: 'create-upgrade-plan', decision: 'comment', actor: 'carla@acme.example', role: 'customer', comment: 'one note' },
        identity,
      );
      await handle.executeUpdate(decideUpdate, { args: [note] });
      expect(await refusedUpdate(handle.executeUpdate(decideUpdate, { args: [note] }))).toMatch(
        /already used in this project; a replayed assertion is refused/,
      );

      const approved = await cuo(carla, [
        'approve',
        project.projectId,
        'create-upgrade-plan',
        '-m',
        'Plan OK',
        '--request-id',
        'carla-plan',
        '--json',
      ]);
      expect(approved.stderr).toBe('');
      expect(JSON.parse(approved.stdout)).toMatchObject({ taskState: 'approved', duplicate: false, requestId: 'carla-plan' });
      // The same command again is answered, not applied twice (the gateway signs anew; the workflow sees the request).
      const again = await cuo(carla, [
        'approve',
        project.projectId,
        'create-upgrade-plan',
        '-m',
        'Plan OK',
        '--request-id',
        'carla-plan',
        '--json',
      ]);
      expect(JSON.parse(again.stdout)).toMatchObject({ duplicate: true });

      const after: ProjectStatus = await handle.query(statusQuery);
      const decisions = after.audit.filter((e) => e.kind === 'decision' && e.gateId === 'create-upgrade-plan');
      expect(decisions.map((e) => [e.decision, e.actor])).toEqual([
        ['comment', 'carla@acme.example'],
        ['approve', 'carla@acme.example'],
      ]);
      const approval = decisions[1]!;
      expect(approval.identity).toMatchObject({
        iss: gateway.devIssuer,
        sub: 'carla@acme.example',
        amr: 'oidc',
        kid: gateway.key.publicKey.kid,
      });
      expect(approval.assertion).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(gateway.output()).not.toContain(approval.assertion!);
      expect(gateway.output()).not.toMatch(/eyJ[\w-]{20,}\.eyJ/); // no token in the gateway's log

      await cuo(sam, ['cancel', project.projectId, '--reason', 'test finished']);
      expect((await handle.result()).outcome).toBe('cancelled');
    });
  } finally {
    files.cleanup();
  }
}, 150_000);

it('refuses expired, forged, wrong-issuer, wrong-audience and unverified tokens, non-participants, missing tokens and oversized headers', async () => {
  const project = 'no-such-project-x';
  const path = `/api/projects/${project}/tasks/create-upgrade-plan/decisions`;
  const body = { decision: 'approve' };
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const cases: [string, string | undefined, RegExp][] = [
    ['no token', undefined, /send your ID token as "Authorization: Bearer <token>"/],
    ['expired', mint.token({ email: 'carla@acme.example', exp: Math.floor(Date.now() / 1000) - 120 }), /the token has expired/],
    ['forged', mint.token({ email: 'carla@acme.example' }, otherKey), /signature does not verify/],
    ['wrong audience', mint.token({ email: 'carla@acme.example', aud: 'someone-else' }), /token's aud is not for this gateway/],
    [
      'wrong issuer',
      mint.token({ email: 'carla@acme.example', iss: 'https://evil.example' }),
      /issuer "https:\/\/evil\.example" is not one this gateway trusts/,
    ],
    ['unverified e-mail', mint.token({ email: 'carla@acme.example', email_verified: false }), /not verified by Test IdP/],
    ['not a JWT', 'abc.def', /not a JWT/],
  ];
  for (const [what, token, reason] of cases) {
    const res = await api(path, token, body);
    expect({ what, status: res.status }).toEqual({ what, status: 401 });
    expect(res.body.error).toMatch(reason);
    refusals.push(res.body.error!);
  }
  const valid = mint.token({ email: 'mallory@evil.example' });
  const unknown = await api(path, valid, body);
  expect(unknown.status).toBe(404);
  expect((await api('/api/projects/BAD!/status', valid)).status).toBe(400);
  const malformed = await api(path, valid, { decision: 'approve', extra: 1 });
  expect(malformed.status).toBe(400);
  expect(malformed.body.error).toMatch(/Unrecognized key/i);
  const huge = await fetch(`${gateway.url}/api/whoami`, { headers: { authorization: `Bearer ${'a'.repeat(20_000)}` } });
  expect(huge.status).toBe(431);
  // The development login can mark an e-mail unverified: `cuo login` then ends with the gateway's refusal.
  const unverified = await loginAs(gateway, 'chris@acme.example', { unverified: true });
  expect(unverified.code).toBe(7);
  expect(unverified.stdout).toMatch(/chris@acme\.example is not verified by Local development login/);
  refusals.push(unverified.stdout, unknown.body.error!, malformed.body.error!);
}, 120_000);

it('answers a non-participant 403 and rate-limits the login endpoint', async () => {
  const stubs = new StubActivities();
  const taskQueue = uniqueTaskQueue('gateway-403');
  const project = makeProject();
  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: stubs.activities() }, async () => {
    const { keys } = (await api('/api/keys', undefined)).body as unknown as { keys: { kid: string; x: string }[] };
    const handle = await raw.workflow.start('upgradeProject', {
      taskQueue,
      workflowId: workflowIdFor(project.projectId),
      args: [{ version: 1, project, trust: { keys } }],
    });
    await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');
    const mallory = await api(
      `/api/projects/${project.projectId}/tasks/create-upgrade-plan/decisions`,
      mint.token({ email: 'mallory@evil.example' }),
      { decision: 'approve' },
    );
    expect(mallory.status).toBe(403);
    expect(mallory.body.error).toBe(`mallory@evil.example is not a participant of project ${project.projectId}`);
    refusals.push(mallory.body.error!);
    expect((await handle.query(statusQuery)).audit.filter((e) => e.kind === 'decision')).toEqual([]);
    await handle.terminate('test finished');
  });
  let limited = 0;
  for (let i = 0; i < 45; i++) if ((await api('/api/login-config', undefined)).status === 429) limited += 1;
  expect(limited).toBeGreaterThan(0);
}, 120_000);

it('rotates the trusted keys of a running project: a key added by a rotation signed with the trusted key is trusted, a removed one is not', async () => {
  const stubs = new StubActivities();
  const taskQueue = uniqueTaskQueue('gateway-rotate');
  const project = makeProject();
  const { file: nextFile, key: next } = signingKeyFile();
  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: stubs.activities() }, async () => {
    const handle = await raw.workflow.start('upgradeProject', {
      taskQueue,
      workflowId: workflowIdFor(project.projectId),
      args: [{ version: 1, project, trust: { keys: [gateway.key.publicKey] } }],
    });
    await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');
    const wid = workflowIdFor(project.projectId);
    const stranger = generateSigningKey().key;
    expect(
      await refusedUpdate(
        handle.executeUpdate(trustUpdate, {
          args: [{ assertion: signAssertion(stranger, trustClaims(wid, { add: [stranger.publicKey], remove: [] })) }],
        }),
      ),
    ).toMatch(/does not trust/);
    // The operator's command: signed with the key the project trusts now, it adds the new one and retires the old.
    const rotated = await runCli([
      'admin',
      'rotate-keys',
      '--old-key',
      gateway.keyFile,
      '--new-key',
      nextFile,
      '--remove-old',
      '--project',
      project.projectId,
    ]);
    expect(rotated.stderr).toBe('');
    expect(rotated.stdout).toContain(`✔ ${project.projectId}: trusts ${next.publicKey.kid}`);
    const again = await runCli([
      'admin',
      'rotate-keys',
      '--old-key',
      gateway.keyFile,
      '--new-key',
      nextFile,
      '--project',
      project.projectId,
    ]);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/which this project does not trust/);
    const identity = { iss: gateway.devIssuer, sub: 'carla@acme.example', amr: 'oidc' as const, at: Math.floor(Date.now() / 1000) };
    const plain = {
      taskId: 'create-upgrade-plan',
      decision: 'approve' as const,
      actor: 'carla@acme.example',
      role: 'customer' as const,
      requestId: randomUUID(),
    };
    const status = await handle.query(statusQuery);
    expect(await refusedUpdate(handle.executeUpdate(decideUpdate, { args: [signDecision(gateway.key, status, plain, identity)] }))).toMatch(
      /does not trust/,
    );
    const accepted = await handle.executeUpdate(decideUpdate, { args: [signDecision(next, status, plain, identity)] });
    expect(accepted.taskState).toBe('approved');
    const audit = (await handle.query(statusQuery)).audit;
    expect(audit.find((e) => e.kind === 'trust')?.reason).toMatch(
      new RegExp(`added ${next.publicKey.kid}, removed ${gateway.key.publicKey.kid}`),
    );
    await handle.terminate('test finished');
  });
}, 120_000);
