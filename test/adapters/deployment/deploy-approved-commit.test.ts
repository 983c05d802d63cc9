/**
 * Issue #14 item 11: Production got a merge that included a commit pushed after the approved evidence. The deploy
 * now ships exactly the approved commit (short or full sha) and refuses, with the reason, when the upgrade branch
 * has moved since the approval. Real git: the fixture project in a bare remote.
 */
import { git } from '../../support/git-fixtures';
import { createDeployFixture, deployCallbacks, UPGRADE_BRANCH, type DeployFixture } from './deploy-fixture';
import { deployToProduction } from '../../../activities/deployment/deploy';

let fx: DeployFixture;
beforeEach(async () => {
  fx = await createDeployFixture();
});
afterEach(async () => fx.cleanup());

const deploy = (approvedCommit: string, checks = deployCallbacks()) =>
  deployToProduction({
    workspace: fx.workspace,
    projectId: 'acme',
    repositoryUrl: fx.repo.remoteDir,
    upgradeBranch: UPGRADE_BRANCH,
    productionBranch: 'master',
    approvedCommit,
    ...checks.input,
  });

describe('deploying the approved commit', () => {
  test('a short sha of the approved head is resolved and merged exactly', async () => {
    const head = await git(['rev-parse', UPGRADE_BRANCH], fx.repo.remoteDir);
    const result = await deploy(head.slice(0, 7));
    expect(result).toMatchObject({ status: 'deployed', deployedCommit: head });
    expect((await git(['rev-list', '--parents', '-n1', 'master'], fx.repo.remoteDir)).split(' ')[2]).toBe(head);
  });

  test('a commit pushed after the approval stops the deploy with the reason; production is untouched', async () => {
    const approved = await git(['rev-parse', UPGRADE_BRANCH], fx.repo.remoteDir);
    await fx.commitFile('LATE.md', 'not reviewed\n', 'Late change nobody approved');
    await fx.repo.git(['push', '-q', 'origin', UPGRADE_BRANCH]);
    const checks = deployCallbacks();
    const error = await deploy(approved, checks).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'BranchMovedSinceApproval', nonRetryable: true });
    expect((error as Error).message).toMatch(
      /has moved since the approval of .{12}: 1 newer commit\(s\) \(\w+ Late change nobody approved\)/,
    );
    expect(checks.calls).toEqual([]);
    expect(await git(['rev-parse', 'master'], fx.repo.remoteDir)).toBe(fx.masterBefore);
  });

  test('a commit that is not on the upgrade branch is refused', async () => {
    const error = await deploy(fx.masterBefore.slice(0, 10).replace(/^./, (c) => (c === 'f' ? 'e' : 'f'))).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'ApprovedCommitNotOnBranch', nonRetryable: true });
    expect(await git(['rev-parse', 'master'], fx.repo.remoteDir)).toBe(fx.masterBefore);
  });
});
