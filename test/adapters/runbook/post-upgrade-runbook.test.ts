import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderRunbookReport, runPostUpgradeRunbook } from '../../../activities/runbook/post-upgrade-runbook';
import { startStorefront, type Storefront } from '../../support/storefront-server';

let store: Storefront;
let projectDir: string;

beforeAll(async () => {
  store = await startStorefront({ adminPath: '/admin_x7k2' });
  projectDir = await mkdtemp(join(tmpdir(), 'runbook-'));
  await mkdir(join(projectDir, 'bin'));
  // bin/magento stand-in: setup:db:status exits with the code in ./db-status-exit; --version prints a version.
  await writeFile(
    join(projectDir, 'bin/magento'),
    '#!/bin/sh\ncase "$1" in\n setup:db:status) code=$(cat db-status-exit); [ "$code" = 0 ] && echo "All modules are up to date."; [ "$code" = 2 ] && echo "Run \'setup:upgrade\' to update your DB schema and data."; exit "$code";;\n --version) echo "Magento CLI 2.4.8-p3";;\n indexer:status) echo "Catalog Search | Reindex required" ; exit 0;;\n *) echo "Command \\"$1\\" is not defined." >&2; exit 1;;\nesac\n',
  );
  await chmod(join(projectDir, 'bin/magento'), 0o755);
});

afterAll(async () => {
  await store.close();
  await rm(projectDir, { recursive: true, force: true });
});

beforeEach(async () => {
  store.setMode('healthy');
  store.configure({ latencyMs: 0 });
  await writeFile(join(projectDir, 'db-status-exit'), '0');
});

it('passes on a healthy storefront with an up-to-date database, with evidence per check', async () => {
  const progress: string[] = [];
  const result = await runPostUpgradeRunbook({
    baseUrl: store.url,
    adminPath: '/admin_x7k2',
    commands: ['bin/magento --version', 'bin/magento setup:db:status'],
    target: { type: 'local', cwd: projectDir },
    timeoutMs: 5000,
    onProgress: (p) => progress.push(p.check),
  });

  expect(result.checks.map((c) => [c.name, c.passed])).toEqual([
    ['storefront home', true],
    ['catalog search', true],
    ['graphql storeConfig', true],
    ['admin login page', true],
    ['response times', true],
    ['setup:db:status', true],
    ['bin/magento --version', true],
  ]);
  expect(result.passed).toBe(true);
  expect(result.dbStatus).toBe('up-to-date');
  expect(result.checks[0]).toMatchObject({ status: 200, evidence: expect.stringContaining('title "Home page"') });
  expect(result.checks[2]?.evidence).toContain('"storeConfig"');
  expect(result.checks[6]?.output).toContain('Magento CLI 2.4.8-p3');
  expect(store.stats().byPath['/catalogsearch/result/']).toBeGreaterThanOrEqual(1);
  expect(progress).toContain('graphql storeConfig');
  const report = renderRunbookReport(result);
  expect(report).toContain('Result: **PASSED**');
  expect(report).toContain('| setup:db:status | pass | exit 0 |');
});

it('opens the category page when one is configured', async () => {
  const result = await runPostUpgradeRunbook({
    baseUrl: store.url,
    adminPath: '/admin_x7k2',
    categoryPath: '/women.html',
    timeoutMs: 5000,
  });
  expect(result.checks[1]).toMatchObject({ name: 'category page', passed: true, status: 200 });
  // No remote target: the database check is reported as not run rather than silently dropped.
  expect(result.checks.find((c) => c.name === 'setup:db:status')).toMatchObject({ skipped: true });
});

it('fails with evidence when the storefront answers 500', async () => {
  store.setMode('error');
  const result = await runPostUpgradeRunbook({ baseUrl: store.url, adminPath: '/admin_x7k2', timeoutMs: 5000 });
  expect(result.passed).toBe(false);
  const home = result.checks[0];
  expect(home).toMatchObject({ name: 'storefront home', passed: false, status: 500 });
  expect(home?.evidence).toContain('expected HTTP 200, got 500');
  expect(renderRunbookReport(result)).toContain('| storefront home | **FAIL** | 500 |');
});

it('fails every HTTP check with a clear reason when the storefront is down', async () => {
  store.setMode('down');
  const result = await runPostUpgradeRunbook({ baseUrl: store.url, adminPath: '/admin_x7k2', timeoutMs: 3000 });
  expect(result.passed).toBe(false);
  for (const check of result.checks.slice(0, 4)) {
    expect(check.passed).toBe(false);
    expect(check.status).toBeUndefined();
    expect(check.evidence).toMatch(/closed the connection without answering/);
  }
  expect(result.checks[4]).toMatchObject({ name: 'response times', passed: false, evidence: expect.stringContaining('no page answered') });
});

it('reports connection refused clearly', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  const result = await runPostUpgradeRunbook({ baseUrl: `http://127.0.0.1:${port}`, adminPath: '/admin', timeoutMs: 3000 });
  expect(result.passed).toBe(false);
  expect(result.checks[0]?.evidence).toContain(`connection refused by 127.0.0.1:${port}`);
});

it('fails on setup:upgrade required, slow pages and failing commands', async () => {
  await writeFile(join(projectDir, 'db-status-exit'), '2');
  store.configure({ latencyMs: 150 });
  const result = await runPostUpgradeRunbook({
    baseUrl: store.url,
    adminPath: '/admin_x7k2',
    commands: ['bin/magento no:such:command'],
    target: { type: 'local', cwd: projectDir },
    timeoutMs: 5000,
    maxResponseMs: 100,
  });
  expect(result.dbStatus).toBe('setup-upgrade-required');
  expect(result.checks.find((c) => c.name === 'setup:db:status')).toMatchObject({
    passed: false,
    exitCode: 2,
    evidence: expect.stringContaining('setup:upgrade'),
  });
  expect(result.checks.find((c) => c.name === 'response times')).toMatchObject({
    passed: false,
    evidence: expect.stringContaining('too slow: storefront home'),
  });
  expect(result.checks.find((c) => c.name === 'bin/magento no:such:command')).toMatchObject({
    passed: false,
    exitCode: 1,
    evidence: expect.stringContaining('is not defined'),
  });
});

it('fails the GraphQL check when the answer has no storeConfig', async () => {
  const other = await startStorefront({ adminPath: '/admin_x7k2' });
  try {
    other.configure({ exposedFiles: { '/graphql': 'not json' } });
    const result = await runPostUpgradeRunbook({ baseUrl: other.url, adminPath: '/admin_x7k2', timeoutMs: 5000 });
    expect(result.checks[2]).toMatchObject({ name: 'graphql storeConfig', passed: false, evidence: expect.stringContaining('not JSON') });
  } finally {
    await other.close();
  }
});
