/**
 * deployToProduction against real git: the fixture project in a bare remote stands in for the Adobe Commerce Cloud
 * project (where a push to the production branch deploys). The health wait and go-live checks are plain functions
 * here: the HTTP checks behind them are another adapter with its own tests against loopback servers; these tests
 * are about what the deploy does to the production branch when they pass, fail or throw.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployToProduction, type DeployToProductionInput } from '../../../activities/deployment/deploy';
import { RepositoryWorkspace, UPGRADE_BOT_AUTHOR } from '../../../activities/repository/workspace';
import { createCommerceRepo, git, type CommerceRepo } from '../../support/git-fixtures';

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

async function treeOf(ref: string): Promise<string> {
  return git(['rev-parse', `${ref}^{tree}`], repo.remoteDir);
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

describe('deployToProduction', () => {
  test('merges with a merge commit, pushes, waits healthy, runs the checks; a second call merges nothing', async () => {
    const { calls, input } = callbacks();
    const stages: string[] = [];
    const result = await deployToProduction({
      workspace, projectId: 'acme', repositoryUrl: repo.remoteDir, upgradeBranch: 'upgrade/2.4.7-p3', productionBranch: 'master', ...input,
      onProgress: (stage) => stages.push(stage),
    });
    expect(result).toMatchObject({ status: 'deployed', alreadyDeployed: false, checks: '4/4 checks passed' });
    expect(calls).toEqual(['waitHealthy', 'goLiveChecks']);
    expect(stages).toContain('pushing master (deploys production)');

    const head = await git(['rev-parse', 'master'], repo.remoteDir);
    expect(result.mergeCommit).toBe(head);
    const parents = (await git(['rev-list', '--parents', '-n1', 'master'], repo.remoteDir)).split(' ');
    expect(parents.slice(1)).toEqual([masterBefore, await git(['rev-parse', 'upgrade/2.4.7-p3'], repo.remoteDir)]);
    expect(await git(['log', '-1', '--format=%an|%s', 'master'], repo.remoteDir)).toBe('Commerce Upgrade Orchestrator|Deploy upgrade/2.4.7-p3 to master');
    expect(await readRemote('master', '.magento.app.yaml')).toContain('type: php:8.3');

    const again = callbacks();
    const second = await deploy(again.input);
    expect(second).toEqual({ status: 'deployed', mergeCommit: head, alreadyDeployed: true, checks: '4/4 checks passed' });
    expect(again.calls).toEqual(['waitHealthy', 'goLiveChecks']);
    expect(await git(['rev-parse', 'master'], repo.remoteDir)).toBe(head);
  });

  test('failing go-live checks revert the merge on the remote production branch and compensate', async () => {
    const { calls, input } = callbacks({ passed: false });
    const result = await deploy(input);
    expect(result).toMatchObject({ status: 'rolled-back', reason: 'go-live checks failed: GET / → 503 (expected 200)' });
    if (result.status !== 'rolled-back') throw new Error('unreachable');
    expect(calls).toEqual(['waitHealthy', 'goLiveChecks', 'onRollback: go-live checks failed: GET / → 503 (expected 200)']);

    // Production is back to the code it had, with the merge and the revert both in history.
    expect(await git(['rev-parse', 'master'], repo.remoteDir)).toBe(result.revertCommit);
    expect(await treeOf('master')).toBe(await treeOf(masterBefore));
    expect(await git(['rev-parse', `${result.revertCommit}^`], repo.remoteDir)).toBe(result.mergeCommit);
    const body = await git(['log', '-1', '--format=%B', 'master'], repo.remoteDir);
    expect(body).toContain('Roll back upgrade/2.4.7-p3 from master');
    expect(body).toContain(`Reverts ${result.mergeCommit}.`);
    expect(await readRemote('master', '.magento.app.yaml')).toContain('type: php:8.2');
  });

  test('an environment that never gets healthy is rolled back without running the checks', async () => {
    const { calls, input } = callbacks({ healthy: false });
    const result = await deploy(input);
    expect(result).toMatchObject({ status: 'rolled-back', reason: 'the environment did not report healthy after the deploy' });
    expect(calls).toEqual(['waitHealthy', 'onRollback: the environment did not report healthy after the deploy']);
    expect(await treeOf('master')).toBe(await treeOf(masterBefore));
  });

  test('after a rollback, deploying the fixed branch brings back the whole upgrade, not only the fix', async () => {
    await deploy(callbacks({ passed: false }).input);
    await commitFile('FIX.md', 'fixed the 503\n', 'Fix storefront 503');
    await repo.git(['push', '-q', 'origin', 'upgrade/2.4.7-p3']);

    const result = await deploy(callbacks().input);
    expect(result).toMatchObject({ status: 'deployed', alreadyDeployed: false });
    expect(await treeOf('master')).toBe(await treeOf('upgrade/2.4.7-p3'));
    const subjects = (await git(['log', '--first-parent', '--format=%s', '-4', 'master'], repo.remoteDir)).split('\n');
    expect(subjects).toEqual([
      'Deploy upgrade/2.4.7-p3 to master',
      'Re-apply upgrade/2.4.7-p3 on master',
      'Roll back upgrade/2.4.7-p3 from master',
      'Deploy upgrade/2.4.7-p3 to master',
    ]);

    // Failing again rolls back both the re-apply and the new merge in one revert.
    const failed = await deploy(callbacks({ passed: false }).input);
    expect(failed.status).toBe('rolled-back');
    expect(await treeOf('master')).toBe(await treeOf(masterBefore));
  });
});
