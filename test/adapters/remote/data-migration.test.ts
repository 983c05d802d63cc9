/**
 * The migration against two local "environments" (temp folders) with stand-ins for `vendor/bin/ece-tools`,
 * `bin/magento` and the MySQL client: real processes, real files, real gzip, the same commands ssh would run.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateProductionToStaging, migrationCommands, MigrationStepError } from '../../../activities/remote/data-migration';

let root: string;
let production: string;
let staging: string;

async function script(path: string, body: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'migration-'));
  production = join(root, 'production');
  staging = join(root, 'staging');
  // ece-tools db-dump stand-in: honours --dump-directory and writes dump-<timestamp>.sql.gz of the "database".
  await script(
    join(production, 'vendor/bin/ece-tools'),
    [
      '[ "$1" = db-dump ] || { echo "unknown command $1" >&2; exit 1; }',
      'dir=.; while [ $# -gt 0 ]; do [ "$1" = --dump-directory ] && dir=$2; shift; done',
      'echo "CREATE TABLE core_config_data (path text, value text); INSERT INTO core_config_data VALUES (\'web/unsecure/base_url\', \'https://www.example.com/\');" | gzip > "$dir/dump-$(date +%s).sql.gz"',
      'echo "The dump file has been created"',
    ].join('\n'),
  );
  await script(join(staging, 'bin/magento'), 'echo "$@" >> magento-calls.log');
  await script(join(staging, 'fake-mysql'), 'cat > imported.sql');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

it('dumps production, transfers and verifies the dump, imports it on staging and fixes base URLs', async () => {
  const progress: string[] = [];
  const result = await migrateProductionToStaging({
    production: { type: 'local', cwd: production },
    staging: { type: 'local', cwd: staging },
    stagingBaseUrl: 'https://mcstaging.example.com',
    runId: 'acme-2-4-8.1',
    mysqlCommand: './fake-mysql',
    stepTimeoutMs: 10_000,
    onProgress: (p) => progress.push(p.step),
  });

  expect(result.dumpFile).toMatch(/^dump-\d+\.sql\.gz$/);
  expect(result.bytesTransferred).toBeGreaterThan(20);
  expect(result.steps.every((s) => s.passed)).toBe(true);
  expect(result.steps.map((s) => s.name)).toEqual([
    'dump production database',
    'locate dump',
    'transfer dump to staging',
    'verify dump on staging',
    'import dump on staging',
    'set staging base URLs',
    'flush staging cache',
    'remove dump on production',
    'remove dump on staging',
  ]);
  expect(await readFile(join(staging, 'imported.sql'), 'utf8')).toContain("INSERT INTO core_config_data VALUES ('web/unsecure/base_url'");
  expect((await readFile(join(staging, 'magento-calls.log'), 'utf8')).trim().split('\n')).toEqual([
    'setup:store-config:set --base-url=https://mcstaging.example.com/ --base-url-secure=https://mcstaging.example.com/',
    'cache:flush',
  ]);
  // The dump holds customer data: nothing is left behind on either side.
  expect(existsSync(join(production, 'var/cuo-migration-acme-2-4-8.1'))).toBe(false);
  expect(existsSync(join(staging, 'var/cuo-migration-acme-2-4-8.1'))).toBe(false);
  expect(progress).toContain('transfer dump to staging');
});

it('stops at the failing step with its output, and runs nothing after it', async () => {
  await script(
    join(production, 'vendor/bin/ece-tools'),
    'echo "Database dump failed: mysqldump: Got error: 1045: Access denied" >&2; exit 1',
  );
  const failure = await migrateProductionToStaging({
    production: { type: 'local', cwd: production },
    staging: { type: 'local', cwd: staging },
    stagingBaseUrl: 'https://mcstaging.example.com',
    runId: 'r1',
    mysqlCommand: './fake-mysql',
    stepTimeoutMs: 10_000,
  }).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(MigrationStepError);
  const error = failure as MigrationStepError;
  expect(error.message).toMatch(/failed at "dump production database".*exited 1: Database dump failed/);
  expect(error.steps).toHaveLength(1);
  expect(await readdir(staging)).not.toContain('imported.sql');
});

it('detects a corrupt dump before importing it', async () => {
  await script(
    join(production, 'vendor/bin/ece-tools'),
    'dir=.; while [ $# -gt 0 ]; do [ "$1" = --dump-directory ] && dir=$2; shift; done; echo "not gzip" > "$dir/dump-1.sql.gz"',
  );
  const failure = (await migrateProductionToStaging({
    production: { type: 'local', cwd: production },
    staging: { type: 'local', cwd: staging },
    stagingBaseUrl: 'https://mcstaging.example.com',
    runId: 'r2',
    mysqlCommand: './fake-mysql',
    stepTimeoutMs: 10_000,
  }).catch((error: unknown) => error)) as MigrationStepError;
  expect(failure.message).toMatch(/failed at "import dump on staging"/);
  expect(existsSync(join(staging, 'imported.sql'))).toBe(false);
});

it('quotes paths so a hostile run id or URL cannot inject shell', () => {
  expect(() => migrationCommands({ runId: 'x; rm -rf /', stagingBaseUrl: 'https://a.example' })).toThrow(/runId/);
  const commands = migrationCommands({ runId: 'ok', stagingBaseUrl: "https://a.example/it's" });
  // The command still parses as one argument per option in a real shell.
  const echoed = execFileSync('/bin/sh', ['-c', commands.storeConfig.replace('bin/magento', 'printf "%s\\n"')], { encoding: 'utf8' });
  expect(echoed.trim().split('\n')).toEqual([
    'setup:store-config:set',
    "--base-url=https://a.example/it's/",
    "--base-url-secure=https://a.example/it's/",
  ]);
});
