/** The complexity assessment read from a real clone of the fixture project. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assessRepositoryComplexity } from '../../../activities/complexity/assess-repository';
import { RepositoryWorkspace, UPGRADE_BOT_AUTHOR } from '../../../activities/repository/workspace';
import { createCommerceRepo, FIXTURE_UCT_PATHS, type CommerceRepo } from '../../support/git-fixtures';

let repo: CommerceRepo;
let workspacesDir: string;

beforeAll(async () => {
  repo = await createCommerceRepo({ uctReport: 'json', extraFiles: { 'var/uct/other.json': '{"summary":{}}\n' } });
  workspacesDir = await mkdtemp(join(tmpdir(), 'cuo-assess-'));
});

afterAll(async () => {
  await repo.cleanup();
  await rm(workspacesDir, { recursive: true, force: true });
});

test('inventory, UCT report and rating from the repository', async () => {
  const project = await new RepositoryWorkspace({ workspacesDir, author: UPGRADE_BOT_AUTHOR }).ensureClone('acme', repo.remoteDir);
  const result = await assessRepositoryComplexity(project, {
    projectId: 'acme',
    currentVersion: '2.4.6-p8',
    targetVersion: '2.4.7-p3',
    uctReportPath: FIXTURE_UCT_PATHS.json,
    ref: 'origin/master',
  });
  expect(result.installedVersion).toBe('2.4.6-p8');
  expect(result.inventory.custom.map((m) => m.name)).toEqual(['Acme_Checkout', 'Acme_Erp']);
  expect(result.uct?.form).toBe('json');
  expect(result.assessment).toMatchObject({ rating: 'high', score: 8 });
  expect(result.markdown).toContain('Source: `var/uct/report.json` (json form)');

  await expect(
    assessRepositoryComplexity(project, {
      projectId: 'acme',
      currentVersion: '2.4.6-p8',
      targetVersion: '2.4.7-p3',
      uctReportPath: 'var/uct/other.json',
    }),
  ).rejects.toMatchObject({
    nonRetryable: true,
    type: 'UnsupportedUctReport',
    message: expect.stringMatching(/^var\/uct\/other.json: .*not publicly documented/),
  });
  await expect(
    assessRepositoryComplexity(project, {
      projectId: 'acme',
      currentVersion: '2.4.6-p8',
      targetVersion: '2.4.7-p3',
      uctReportPath: 'var/uct/missing.txt',
    }),
  ).rejects.toMatchObject({ nonRetryable: true, type: 'RepositoryFileMissing' });
});
