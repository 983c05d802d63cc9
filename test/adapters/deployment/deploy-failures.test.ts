/**
 * deployToProduction failures against real git (split from deploy.test.ts to keep each file short): the fixture project in a bare remote stands in for the Adobe Commerce Cloud
 * project (where a push to the production branch deploys). The health wait and go-live checks are plain functions
 * here: the HTTP checks behind them are another adapter with its own tests against loopback servers; these tests
 * are about what the deploy does to the production branch when they pass, fail or throw.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployToProduction, type DeployToProductionInput } from '../../../activities/deployment/deploy';
import { GIT_PUSH_REJECTED } from '../../../activities/repository/git-errors';
import { RepositoryWorkspace, UPGRADE_BOT_AUTHOR } from '../../../activities/repository/workspace';
import { createCommerceRepo, git, rejectPushes, type CommerceRepo } from '../../support/git-fixtures';

let repo: CommerceRepo;
let workspacesDir: string;
let workspace: RepositoryWorkspace;
let masterBefore: string;

beforeEach(async () => {
  repo = await createCommerceRepo();
  workspacesDir = await mkdtemp(join(tmpdir(), 'cuo-deploy-'));
  workspace = new RepositoryWorkspace({ workspacesDir, author: UPGRADE_BOT_AUTHOR });
  masterBefore = await repo.git(['rev-parse', 'origin/master']);
  // The partner's upgrade branch: two commits, as the code-update step leaves it.
  await repo.git(['checkout', '-q', '-b', 'upgrade/2.4.7-p3']);
  await commitFile('.magento.app.yaml', (await readRemote('master', '.magento.app.yaml')).replace('type: php:8.2', 'type: php:8.3'), 'PHP 8.3');
  await commitFile('UPGRADED.md', '2.4.7-p3\n', 'Recompiled for 2.4.7-p3');
  await repo.git(['push', '-q', 'origin', 'upgrade/2.4.7-p3']);
});

afterEach(async () => {
  await repo.cleanup();
  await rm(workspacesDir, { recursive: true, force: true });
});

async function commitFile(rel: string, content: string, message: string): Promise<void> {
  await writeFile(join(repo.dir, rel), content);
  await repo.git(['add', rel]);
  await repo.git(['commit', '-q', '-m', message]);
}

async function readRemote(ref: string, rel: string): Promise<string> {
  return git(['show', `${ref}:${rel}`], repo.remoteDir);
}

function callbacks(checks: { healthy?: boolean; passed?: boolean; throws?: string } = {}) {
  const calls: string[] = [];
  const input: Pick<DeployToProductionInput, 'waitHealthy' | 'goLiveChecks' | 'onRollback'> = {
    waitHealthy: async () => {
      calls.push('waitHealthy');
      return checks.healthy ?? true;
    },
    goLiveChecks: async () => {
      calls.push('goLiveChecks');
      if (checks.throws) throw new Error(checks.throws);
      return checks.passed === false ? { passed: false, summary: 'GET / → 503 (expected 200)' } : { passed: true, summary: '4/4 checks passed' };
    },
    onRollback: async (reason) => {
      calls.push(`onRollback: ${reason}`);
    },
  };
  return { calls, input };
}

function deploy(extra: Pick<DeployToProductionInput, 'waitHealthy' | 'goLiveChecks' | 'onRollback'>) {
  return deployToProduction({ workspace, projectId: 'acme', repositoryUrl: repo.remoteDir, upgradeBranch: 'upgrade/2.4.7-p3', productionBranch: 'master', ...extra });
}

describe('deployToProduction failures', () => {
  test('checks that throw count as failed', async () => {
    const { input } = callbacks({ throws: 'connect ECONNREFUSED 127.0.0.1:443' });
    const result = await deploy(input);
    expect(result).toMatchObject({ status: 'rolled-back', reason: 'go-live checks failed: the checks could not run: connect ECONNREFUSED 127.0.0.1:443' });
  });

  test('a rejected push is a retryable error with git\'s reason; nothing is checked or rolled back', async () => {
    await rejectPushes(repo.remoteDir, 'production deploys need CAB ticket CHG-1234');
    const { calls, input } = callbacks();
    const error = await deploy(input).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: GIT_PUSH_REJECTED, nonRetryable: false });
    expect((error as Error).message).toContain('production deploys need CAB ticket CHG-1234');
    expect(calls).toEqual([]);
    expect(await git(['rev-parse', 'master'], repo.remoteDir)).toBe(masterBefore);
  });

  test('a merge conflict is a non-retryable error naming the files and leaves production untouched', async () => {
    await repo.git(['checkout', '-q', 'master']);
    await commitFile('.magento.app.yaml', (await readRemote('master', '.magento.app.yaml')).replace('type: php:8.2', 'type: php:8.1'), 'Hotfix on production');
    await repo.git(['push', '-q', 'origin', 'master']);
    const hotfix = await repo.git(['rev-parse', 'HEAD']);

    const error = await deploy(callbacks().input).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'MergeConflict', nonRetryable: true });
    expect((error as Error).message).toContain('conflicts in .magento.app.yaml');
    expect(await git(['rev-parse', 'master'], repo.remoteDir)).toBe(hotfix);
  });

  test('a missing upgrade branch is a non-retryable error', async () => {
    const error = await deployToProduction({ workspace, projectId: 'acme', repositoryUrl: repo.remoteDir, upgradeBranch: 'upgrade/none', productionBranch: 'master', ...callbacks().input }).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'BranchMissing', nonRetryable: true });
  });

});
