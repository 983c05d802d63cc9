/**
 * deployToProduction failures against real git (split from deploy.test.ts to keep each file short): the fixture
 * project in a bare remote stands in for the Adobe Commerce Cloud project (where a push to the production branch
 * deploys). The health wait and go-live checks are plain functions here: the HTTP checks behind them are another
 * adapter with its own tests against loopback servers; these tests are about what the deploy does to the production
 * branch when they pass, fail or throw.
 */
import { deployToProduction } from '../../../activities/deployment/deploy';
import { GIT_PUSH_REJECTED } from '../../../activities/repository/git-errors';
import type { RepositoryWorkspace } from '../../../activities/repository/workspace';
import { git, rejectPushes, type CommerceRepo } from '../../support/git-fixtures';
import { createDeployFixture, deployCallbacks, type DeployFixture } from './deploy-fixture';

let fx: DeployFixture;
let repo: CommerceRepo;
let workspace: RepositoryWorkspace;
let masterBefore: string;

beforeEach(async () => {
  fx = await createDeployFixture();
  ({ repo, workspace, masterBefore } = fx);
});

afterEach(async () => {
  await fx.cleanup();
});

describe('deployToProduction failures', () => {
  test('checks that throw count as failed', async () => {
    const { input } = deployCallbacks({ throws: 'connect ECONNREFUSED 127.0.0.1:443' });
    const result = await fx.deploy(input);
    expect(result).toMatchObject({
      status: 'rolled-back',
      reason: 'go-live checks failed: the checks could not run: connect ECONNREFUSED 127.0.0.1:443',
    });
  });

  test("a rejected push is a retryable error with git's reason; nothing is checked or rolled back", async () => {
    await rejectPushes(repo.remoteDir, 'production deploys need CAB ticket CHG-1234');
    const { calls, input } = deployCallbacks();
    const error = await fx.deploy(input).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: GIT_PUSH_REJECTED, nonRetryable: false });
    expect((error as Error).message).toContain('production deploys need CAB ticket CHG-1234');
    expect(calls).toEqual([]);
    expect(await git(['rev-parse', 'master'], repo.remoteDir)).toBe(masterBefore);
  });

  test('a merge conflict is a non-retryable error naming the files and leaves production untouched', async () => {
    await repo.git(['checkout', '-q', 'master']);
    await fx.commitFile(
      '.magento.app.yaml',
      (await fx.readRemote('master', '.magento.app.yaml')).replace('type: php:8.2', 'type: php:8.1'),
      'Hotfix on production',
    );
    await repo.git(['push', '-q', 'origin', 'master']);
    const hotfix = await repo.git(['rev-parse', 'HEAD']);

    const error = await fx.deploy(deployCallbacks().input).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'MergeConflict', nonRetryable: true });
    expect((error as Error).message).toContain('conflicts in .magento.app.yaml');
    expect(await git(['rev-parse', 'master'], repo.remoteDir)).toBe(hotfix);
  });

  test('a missing upgrade branch is a non-retryable error', async () => {
    const error = await deployToProduction({
      workspace,
      projectId: 'acme',
      repositoryUrl: repo.remoteDir,
      upgradeBranch: 'upgrade/none',
      productionBranch: 'master',
      ...deployCallbacks().input,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'BranchMissing', nonRetryable: true });
  });
});
