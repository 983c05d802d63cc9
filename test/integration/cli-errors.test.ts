/**
 * What the CLI says when things are wrong, as a process: malformed project files (exit 2, every problem by field or
 * YAML line), unknown projects (exit 4), an unreachable server (exit 5), and the commands that need no server.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { makeProject } from '../support/project-fixture';
import { projectFiles, ROOT, runCli } from '../cli/run-cli';
import { signInPeople } from '../support/cli-people';

const files = projectFiles();
afterAll(() => files.cleanup());

const EXAMPLE = path.join(ROOT, 'examples', 'acme-2-4-8.yaml');

it('validates project files: dry-run plan, YAML syntax errors by line, every schema problem by field', async () => {
  const example = readFileSync(EXAMPLE, 'utf8');
  const broken = files.write('broken.yaml', example.replace('customer: Acme Retail', 'customer: Acme Retail\ncustomer: [Acme Retail'));
  const { participants: _dropped, customer: _c, ...missing } = makeProject();
  const incomplete = files.write('incomplete.yaml', stringify(missing));
  const badVersions = files.write(
    'versions.yaml',
    stringify(makeProject({ currentVersion: '2.4.8-p3', targetVersion: '2.4.7', changeWindows: [] })),
  );
  const unknownPatch = files.write('unknown.yaml', stringify(makeProject({ targetVersion: '2.4.8-p99' })));

  const [dry, syntax, fields, versions, unknown, absent] = await Promise.all([
    runCli(['start', EXAMPLE, '--dry-run']),
    runCli(['start', broken]),
    runCli(['start', incomplete, '--dry-run']),
    runCli(['start', badVersions]),
    runCli(['start', unknownPatch]),
    runCli(['start', path.join(ROOT, 'examples', 'no-such-project.yaml')]),
  ]);

  expect(dry.code).toBe(0);
  expect(dry.stdout).toContain('Plan for acme-2-4-8 — Acme Retail: 2.4.6-p8 → 2.4.8-p3');
  expect(dry.stdout).toContain(
    'owner customer (2 approvals): Jane Doe <jane.doe@acme-retail.example>, Marcus Lee <marcus.lee@acme-retail.example>',
  );
  expect(dry.stdout).toContain(
    'CAB gate cab-production-deployment: CAB approval of the Production code deployment; decided by managed-services: Dana Okafor <dana.okafor@adobe.example>',
  );
  expect(dry.stdout).toContain(
    'separation of duties: not by whoever approved determine-infrastructure-changes, retried or skipped a blocked step of upgrade-infrastructure-services or attached evidence to it in the round',
  );
  expect(dry.stdout).not.toContain('warning:');
  expect(dry.stdout).toContain('Change windows: Sat 22:00 UTC for 240 min; Tue 23:00 UTC for 120 min');
  expect(dry.stdout).toContain('is valid; nothing was started (dry run).');

  // The second `customer:` line is both a duplicate key and an unclosed flow sequence.
  const line = example.split('\n').findIndex((l) => l.startsWith('customer:')) + 2;
  expect(syntax.code).toBe(2);
  expect(syntax.stderr).toContain(`project file ${broken} has`);
  expect(syntax.stderr).toContain(`  (yaml line ${line}, column 1): Map keys must be unique`);

  expect(fields.code).toBe(2);
  expect(fields.stderr).toContain('has 2 problems:');
  expect(fields.stderr).toMatch(/^ {2}customer: /m);
  expect(fields.stderr).toMatch(/^ {2}participants: /m);

  expect(versions.code).toBe(2);
  expect(versions.stderr).toContain('  changeWindows: needs at least one change window for production work');
  expect(versions.stderr).toContain('  targetVersion: must be newer than currentVersion 2.4.8-p3');

  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(
    /targetVersion: 2\.4\.8-p99 is not in the Adobe Commerce requirements catalog; 2\.4\.8 has 2\.4\.8 … 2\.4\.8-p\d+/,
  );

  expect(absent.code).toBe(2);
  expect(absent.stderr).toContain('cannot read project file');
  expect(absent.stderr).toContain('ENOENT');
});

it('says "no upgrade project" with exit 4, and names the address with exit 5 when Temporal is unreachable', async () => {
  const people = await signInPeople(['carla@acme.example']);
  const [status, approve, history, unreachable] = await Promise.all([
    runCli(['status', 'no-such-project']),
    runCli(['approve', 'no-such-project', 'create-upgrade-plan'], { env: people.env('carla@acme.example') }),
    runCli(['history', 'no-such-project', '--json']),
    runCli(['status', 'acme-2-4-8'], { env: { TEMPORAL_ADDRESS: '127.0.0.1:1', CUO_CONNECT_TIMEOUT: '1' } }),
  ]);
  for (const result of [status, approve, history]) {
    expect(result.code).toBe(4);
    expect(result.stderr.trim()).toBe('cuo: no upgrade project no-such-project (workflow upgrade-no-such-project)');
    expect(result.stdout).toBe('');
  }
  expect(unreachable.code).toBe(5);
  const lines = unreachable.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(
    /^cuo: cannot reach Temporal at 127\.0\.0\.1:1 \(.+\)\. Start the local server with `npm run dev`, or point TEMPORAL_ADDRESS \/ TEMPORAL_PROFILE at your cluster\.$/,
  );
  await people.stop();
}, 150_000);

it('answers raci, requirements and ui without a server', async () => {
  const offline = { env: { TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_UI_URL: 'https://temporal.example.com/' } };
  const [raci, requirements, unknownVersion, ui] = await Promise.all([
    runCli(['raci', 'ssl'], offline),
    runCli(['requirements', '2.4.8-p3', '--json'], offline),
    runCli(['requirements', '2.3.7'], offline),
    runCli(['ui', 'acme-2-4-8'], offline),
  ]);
  expect(raci.code).toBe(0);
  // customer owns, the partner has no part, the CSE contributes.
  expect(raci.stdout).toMatch(/^Staging & Transition +Customer-provided SSL Certificates +owner +contributor$/m);
  expect(requirements.code).toBe(0);
  expect(JSON.parse(requirements.stdout)).toMatchObject({ version: '2.4.8-p3', php: ['8.4', '8.3'], lifecycle: { line: '2.4.8' } });
  expect(unknownVersion.code).toBe(4);
  expect(unknownVersion.stderr).toContain('Adobe Commerce 2.3.7 is not in the requirements catalog');
  expect(ui).toMatchObject({ code: 0, stdout: 'https://temporal.example.com/namespaces/default/workflows/upgrade-acme-2-4-8\n' });
});
