/**
 * deployToProduction against real git: the fixture project in a bare remote stands in for the Adobe Commerce Cloud
 * project (where a push to the production branch deploys). The health wait and go-live checks are plain functions
 * here: the HTTP checks behind them are another adapter with its own tests against loopback servers; these tests
 * are about what the deploy does to the production branch when they pass, fail or throw.
 */
import { deployToProduction } from '../../../activities/deployment/deploy';
import type { RepositoryWorkspace } from '../../../activities/repository/workspace';
import { git, type CommerceRepo } from '../../support/git-fixtures';
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

describe('deployToProduction', () => {
  test('merges with a merge commit, pushes, waits healthy, runs the checks; a second call merges nothing', async () => {
    const { calls, input } = deployCallbacks();
    const stages: string[] = [];
    const result = await deployToProduction({
      workspace,
      projectId: 'acme',
      repositoryUrl: repo.remoteDir,
      upgradeBranch: 'upgrade/2.4.7-p3',
      productionBranch: 'master',
      ...input,
      onProgress: (stage) => stages.push(stage),
    });
    expect(result).toMatchObject({ status: 'deployed', alreadyDeployed: false, checks: '4/4 checks passed' });
    expect(calls).toEqual(['waitHealthy', 'goLiveChecks']);
    expect(stages).toContain('pushing master (deploys production)');

    const head = await git(['rev-parse', 'master'], repo.remoteDir);
    expect(result.mergeCommit).toBe(head);
    const parents = (await git(['rev-list', '--parents', '-n1', 'master'], repo.remoteDir)).split(' ');
    expect(parents.slice(1)).toEqual([masterBefore, await git(['rev-parse', 'upgrade/2.4.7-p3'], repo.remoteDir)]);
    expect(await git(['log', '-1', '--format=%an|%s', 'master'], repo.remoteDir)).toBe(
      'Commerce Upgrade Orchestrator|Deploy upgrade/2.4.7-p3 to master',
    );
    expect(await fx.readRemote('master', '.magento.app.yaml')).toContain('type: php:8.3');

    const again = deployCallbacks();
    const second = await fx.deploy(again.input);
    expect(second).toEqual({
      status: 'deployed',
      mergeCommit: head,
      alreadyDeployed: true,
      checks: '4/4 checks passed',
      deployedCommit: await git(['rev-parse', 'upgrade/2.4.7-p3'], repo.remoteDir),
    });
    expect(again.calls).toEqual(['waitHealthy', 'goLiveChecks']);
    expect(await git(['rev-parse', 'master'], repo.remoteDir)).toBe(head);
  });

  test('failing go-live checks revert the merge on the remote production branch and compensate', async () => {
    const { calls, input } = deployCallbacks({ passed: false });
    const result = await fx.deploy(input);
    expect(result).toMatchObject({ status: 'rolled-back', reason: 'go-live checks failed: GET / → 503 (expected 200)' });
    if (result.status !== 'rolled-back') throw new Error('unreachable');
    expect(calls).toEqual(['waitHealthy', 'goLiveChecks', 'onRollback: go-live checks failed: GET / → 503 (expected 200)']);

    // Production is back to the code it had, with the merge and the revert both in history.
    expect(await git(['rev-parse', 'master'], repo.remoteDir)).toBe(result.revertCommit);
    expect(await fx.treeOf('master')).toBe(await fx.treeOf(masterBefore));
    expect(await git(['rev-parse', `${result.revertCommit}^`], repo.remoteDir)).toBe(result.mergeCommit);
    const body = await git(['log', '-1', '--format=%B', 'master'], repo.remoteDir);
    expect(body).toContain('Roll back upgrade/2.4.7-p3 from master');
    expect(body).toContain(`Reverts ${result.mergeCommit}.`);
    expect(await fx.readRemote('master', '.magento.app.yaml')).toContain('type: php:8.2');
  });

  test('an environment that never gets healthy is rolled back without running the checks', async () => {
    const { calls, input } = deployCallbacks({ healthy: false });
    const result = await fx.deploy(input);
    expect(result).toMatchObject({ status: 'rolled-back', reason: 'the environment did not report healthy after the deploy' });
    expect(calls).toEqual(['waitHealthy', 'onRollback: the environment did not report healthy after the deploy']);
    expect(await fx.treeOf('master')).toBe(await fx.treeOf(masterBefore));
  });

  test('after a rollback, deploying the fixed branch brings back the whole upgrade, not only the fix', async () => {
    await fx.deploy(deployCallbacks({ passed: false }).input);
    await fx.commitFile('FIX.md', 'fixed the 503\n', 'Fix storefront 503');
    await repo.git(['push', '-q', 'origin', 'upgrade/2.4.7-p3']);

    const result = await fx.deploy(deployCallbacks().input);
    expect(result).toMatchObject({ status: 'deployed', alreadyDeployed: false });
    expect(await fx.treeOf('master')).toBe(await fx.treeOf('upgrade/2.4.7-p3'));
    const subjects = (await git(['log', '--first-parent', '--format=%s', '-4', 'master'], repo.remoteDir)).split('\n');
    expect(subjects).toEqual([
      'Deploy upgrade/2.4.7-p3 to master',
      'Re-apply upgrade/2.4.7-p3 on master',
      'Roll back upgrade/2.4.7-p3 from master',
      'Deploy upgrade/2.4.7-p3 to master',
    ]);

    // Failing again rolls back both the re-apply and the new merge in one revert.
    const failed = await fx.deploy(deployCallbacks({ passed: false }).input);
    expect(failed.status).toBe('rolled-back');
    expect(await fx.treeOf('master')).toBe(await fx.treeOf(masterBefore));
  });
});
