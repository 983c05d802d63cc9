/**
 * Issue #12, DNS rebinding (time of check to time of use): a host name that resolves to a public address when the
 * worker checks it and to 127.0.0.1 a moment later must not get the load test (autocannon) or git a connection to
 * loopback, because both would otherwise resolve the name again themselves. The worker resolves once, checks every
 * address, and connects to the checked one, keeping the name for Host, TLS and ssh host keys.
 *
 * Where the answers come from: the name resolution of the policy check is injected (`resolve`, the one function
 * the guard takes for it, activities/policy/egress.ts), because no DNS server can be started on loopback here
 * without a package this project does not have, and the system resolver cannot be pointed at one per test. The
 * injected resolver plays the DNS answer at check time; the later answer is the system's own: the names used are
 * `localhost` (the system says 127.0.0.1, where a real server counts what reaches it) or names under `.test`,
 * which the system cannot resolve at all, so a connection that arrives proves it used the pinned address.
 * 192.0.2.1 (TEST-NET-1, documentation only) stands for the public address: nothing real answers there.
 */
import { writeFile, chmod, mkdtemp, rm, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { lookup } from 'node:dns/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../activities';
import type { AutomationResult } from '../../../activities/contract';
import { runPerformanceTest } from '../../../activities/load-test/performance-test';
import { pinHost, type Resolve } from '../../../activities/policy/egress';
import type { NetworkPolicy } from '../../../activities/policy/worker-policy';
import { pinGitRemote } from '../../../activities/repository/git-pinning';
import { RepositoryWorkspace, UPGRADE_BOT_AUTHOR } from '../../../activities/repository/workspace';
import { validateProjectInput, type ProjectInput } from '../../../workflows/project-input';
import { createCommerceRepo, git, type CommerceRepo } from '../../support/git-fixtures';
import { startGitHttpServer, type GitHttpServer } from '../../support/git-http-server';
import { startLocalLandscape, type LocalLandscape } from '../../support/local-landscape';

const PUBLIC = '192.0.2.1';
const STRICT: NetworkPolicy = { allowedHosts: ['localhost'], allowPrivateNetworks: false };
/** Loopback allowed by the operator (as tests do), names under pinned.test only. */
const LOOPBACK_ALLOWED: NetworkPolicy = { allowedHosts: ['*.pinned.test'], allowPrivateNetworks: true };

/** The DNS answer at check time is public; every later lookup gets what the system says (127.0.0.1 for localhost). */
function rebinding(): Resolve & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (host: string) => {
    calls.push(host);
    if (calls.length === 1) return [PUBLIC];
    return (await lookup(host, { all: true })).map((a) => a.address);
  };
  return Object.assign(resolve, { calls });
}

/** Every name under pinned.test is 127.0.0.1 (the system knows none of them). */
const pinnedToLoopback: Resolve = async (host) => {
  if (!host.endsWith('.pinned.test')) throw new Error(`unexpected lookup of ${host}`);
  return ['127.0.0.1'];
};

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('load test (autocannon)', () => {
  let server: Server;
  let port: number;
  const hosts: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      hosts.push(req.headers.host ?? '');
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => hosts.splice(0));

  const run = (baseUrl: string, connectTo: string) =>
    runPerformanceTest({
      baseUrl,
      connectTo,
      paths: ['/'],
      durationSeconds: 1,
      connections: 1,
      maxRequests: 5,
      maxP95Ms: 1000,
      maxErrorRate: 0.5,
      requestTimeoutMs: 1000,
    });

  test('a name that answers public at the check and loopback afterwards: the loopback server gets nothing', async () => {
    const resolve = rebinding();
    const pinned = await pinHost('localhost', 'environments.staging.url', STRICT, resolve);
    expect(pinned).toEqual({ host: 'localhost', address: PUBLIC, family: 4 });
    const result = await run(`http://localhost:${port}`, pinned.address);
    expect(result.responses).toBe(0);
    expect(result.verdict.passed).toBe(false);
    expect(resolve.calls).toEqual(['localhost']);
    expect(hosts).toEqual([]);
  });

  test('with loopback allowed, the pinned load test reaches the checked address and keeps the Host header', async () => {
    const pinned = await pinHost('shop.pinned.test', 'environments.staging.url', LOOPBACK_ALLOWED, pinnedToLoopback);
    const result = await run(`http://shop.pinned.test:${port}/`, pinned.address);
    expect(result.responses).toBe(5);
    expect(result.verdict.passed).toBe(true);
    expect(new Set(hosts)).toEqual(new Set([`shop.pinned.test:${port}`]));
  });

  test('an address the check refuses is never connected to, and the refusal names only that host', async () => {
    const failure = (await failureOf(
      pinHost('localhost', 'environments.staging.url', STRICT, async () => ['127.0.0.1']),
    )) as ApplicationFailure;
    expect(failure).toMatchObject({ type: 'EgressRefused', nonRetryable: true });
    expect(failure.message).toBe(
      'environments.staging.url: host "localhost" is a loopback, link-local or private address (127.0.0.1); the worker reaches only public addresses unless its operator sets CUO_ALLOW_PRIVATE_NETWORKS=1.',
    );
  });
});

describe('the performance-test activity', () => {
  let landscape: LocalLandscape;
  beforeAll(async () => {
    landscape = await startLocalLandscape();
  });
  afterAll(async () => landscape.close());

  function projectAt(host: string): ProjectInput {
    const base = landscape.project();
    const at = (url: string) => url.replace('127.0.0.1', host);
    const parsed = validateProjectInput(
      landscape.project({
        environments: {
          staging: { ...base.environments.staging, url: at(base.environments.staging.url) },
          production: { ...base.environments.production, url: at(base.environments.production.url) },
        },
        performance: { paths: ['/'], durationSeconds: 1, connections: 1, maxRequests: 5, maxP95Ms: 1500, maxErrorRate: 0.01 },
      }),
      { shortTimings: true },
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    return parsed.project;
  }

  const runActivity = async (policy: NetworkPolicy, resolve: Resolve, project: ProjectInput) => {
    const deps = landscape.activityDeps();
    const activities = createActivities({ ...deps, policy: { ...deps.policy, network: policy }, resolve });
    return (await new MockActivityEnvironment().run(activities.runPerformanceTest, {
      workflowId: `upgrade-${project.projectId}`,
      project,
    })) as AutomationResult;
  };

  test('checked as public, loopback by the time autocannon would have resolved it: Staging on loopback gets no request', async () => {
    // The check-time DNS says public for every check; the system (what autocannon would ask) says 127.0.0.1.
    const calls: string[] = [];
    const result = await runActivity(
      STRICT,
      async (host) => {
        calls.push(host);
        return [PUBLIC];
      },
      projectAt('localhost'),
    );
    expect(result.passed).toBe(false);
    expect(result.summary).toContain('no response at all');
    expect(calls.length).toBeGreaterThan(0);
    expect(landscape.staging.stats().requests).toBe(0);
  });

  test('with loopback allowed, the load test reaches Staging through the pinned address (HTTPS, name kept)', async () => {
    landscape.staging.resetStats();
    const result = await runActivity(LOOPBACK_ALLOWED, pinnedToLoopback, projectAt('staging.pinned.test'));
    expect(result.passed).toBe(true);
    expect(landscape.staging.stats().requests).toBeGreaterThanOrEqual(5);
  });
});

describe('git', () => {
  let repo: CommerceRepo;
  let gitServer: GitHttpServer;
  let workspacesDir: string;
  beforeEach(async () => {
    repo = await createCommerceRepo();
    gitServer = await startGitHttpServer(dirname(repo.remoteDir));
    workspacesDir = await mkdtemp(join(tmpdir(), 'cuo-ws-pin-'));
  });
  afterEach(async () => {
    await gitServer.close();
    await repo.cleanup();
    await rm(workspacesDir, { recursive: true, force: true });
  });

  const workspaceWith = (policy: NetworkPolicy, resolve: Resolve) =>
    new RepositoryWorkspace({ workspacesDir, author: UPGRADE_BOT_AUTHOR, blockTimeoutMs: 10_000, network: { policy, resolve } });

  test('a repository host answering public at the check and loopback afterwards: git never reaches the loopback server', async () => {
    const resolve = rebinding();
    const url = `http://localhost:${gitServer.port}/origin.git`;
    const error = await failureOf(workspaceWith(STRICT, resolve).ensureClone('rebound', url));
    expect(resolve.calls).toEqual(['localhost']);
    expect(gitServer.requests).toEqual([]);
    expect(error.message).not.toContain('127.0.0.1');
  });

  test('with loopback allowed, clone, fetch and push go to the pinned address and keep the name', async () => {
    const url = `http://repo.pinned.test:${gitServer.port}/origin.git`;
    const workspace = workspaceWith(LOOPBACK_ALLOWED, pinnedToLoopback);
    const clone = await workspace.ensureClone('pinned', url);
    await clone.checkoutBranch('upgrade/2.4.8-p3', 'master');
    await clone.writeFiles({ 'PINNED.md': 'reached through the pinned address\n' });
    const pushed = await clone.commitAndPush('upgrade/2.4.8-p3', 'Pinned push');
    expect(pushed).toMatchObject({ created: true, pushed: true });
    expect(await git(['rev-parse', 'upgrade/2.4.8-p3'], repo.remoteDir)).toBe(pushed.commit);
    await workspace.ensureClone('pinned', url); // the fetch of an existing clone
    expect(gitServer.requests.some((r) => r.path.endsWith('/git-receive-pack'))).toBe(true);
    expect(gitServer.requests.filter((r) => r.path.endsWith('/git-upload-pack')).length).toBeGreaterThanOrEqual(2);
    expect(new Set(gitServer.requests.map((r) => r.host))).toEqual(new Set([`repo.pinned.test:${gitServer.port}`]));
  });

  test('ssh remotes: git runs ssh with the checked address and the host key alias of the name', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'cuo-fake-ssh-'));
    const argsFile = join(bin, 'args');
    // A stand-in ssh that records how git ran it and fails like an unreachable host (ssh exits 255).
    await writeFile(
      join(bin, 'ssh'),
      `#!/bin/sh\nprintf '%s\\n' "$@" >> '${argsFile}'\necho 'ssh: connect to host: Connection refused' >&2\nexit 255\n`,
    );
    await chmod(join(bin, 'ssh'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const workspace = workspaceWith(LOOPBACK_ALLOWED, pinnedToLoopback);
      await failureOf(workspace.ensureClone('scp-form', 'git@repo.pinned.test:acme/shop.git'));
      await failureOf(workspace.ensureClone('ssh-port', 'ssh://git@repo.pinned.test:2222/acme/shop.git'));
    } finally {
      process.env.PATH = path;
    }
    const runs = (await readFile(argsFile, 'utf8')).split('\n');
    await rm(bin, { recursive: true, force: true });
    expect(runs.join(' ')).toContain(
      '-o HostName=127.0.0.1 -o HostKeyAlias=repo.pinned.test -o CheckHostIP=no -o SendEnv=GIT_PROTOCOL git@repo.pinned.test git-upload-pack',
    );
    expect(runs.join(' ')).toContain(
      '-o HostName=127.0.0.1 -o HostKeyAlias=[repo.pinned.test]:2222 -o CheckHostIP=no -o SendEnv=GIT_PROTOCOL -p 2222 git@repo.pinned.test git-upload-pack',
    );
  });

  test('what each transport is told: curl resolve entries, ssh options, git:// rewritten; local paths need nothing', async () => {
    const network = { policy: { allowedHosts: ['*'], allowPrivateNetworks: true }, resolve: async () => ['::1'] };
    expect(await pinGitRemote('https://user:s3cret@git.pinned.test/acme.git', network)).toEqual({
      config: ['http.curloptResolve=git.pinned.test:443:[::1]'],
      env: {},
    });
    expect(await pinGitRemote('git://git.pinned.test/acme.git', network)).toEqual({
      config: ['url.git://[::1]:9418.insteadOf=git://git.pinned.test'],
      env: {},
    });
    expect(await pinGitRemote('/srv/git/acme.git', network)).toBeUndefined();
    expect(await pinGitRemote('file:///srv/git/acme.git', network)).toBeUndefined();
    const refused = await failureOf(
      pinGitRemote('https://user:s3cret@localhost/acme.git', { policy: STRICT, resolve: async () => ['10.1.2.3'] }),
    );
    expect(refused.message).toContain('repository.url: host "localhost" is a loopback, link-local or private address (10.1.2.3)');
    expect(refused.message).not.toContain('s3cret');
  });
});
