/**
 * What the deploy tests start from: the fixture project in a bare remote (standing in for the Adobe Commerce Cloud
 * project, where a push to the production branch deploys), the bot's workspace, and the partner's upgrade branch
 * with two commits as the code-update step leaves it. The health wait and go-live checks are plain functions here:
 * the HTTP checks behind them are another adapter with its own tests against loopback servers.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployToProduction, type DeployToProductionInput } from '../../../activities/deployment/deploy';
import { RepositoryWorkspace, UPGRADE_BOT_AUTHOR } from '../../../activities/repository/workspace';
import { createCommerceRepo, git, type CommerceRepo } from '../../support/git-fixtures';

export const UPGRADE_BRANCH = 'upgrade/2.4.7-p3';

type Checks = Pick<DeployToProductionInput, 'waitHealthy' | 'goLiveChecks' | 'onRollback'>;

export interface DeployFixture {
  repo: CommerceRepo;
  workspace: RepositoryWorkspace;
  /** The production branch before any deploy. */
  masterBefore: string;
  commitFile(rel: string, content: string, message: string): Promise<void>;
  readRemote(ref: string, rel: string): Promise<string>;
  treeOf(ref: string): Promise<string>;
  deploy(checks: Checks): ReturnType<typeof deployToProduction>;
  cleanup(): Promise<void>;
}

export async function createDeployFixture(): Promise<DeployFixture> {
  const repo = await createCommerceRepo();
  const workspacesDir = await mkdtemp(join(tmpdir(), 'cuo-deploy-'));
  const workspace = new RepositoryWorkspace({ workspacesDir, author: UPGRADE_BOT_AUTHOR });
  const masterBefore = await repo.git(['rev-parse', 'origin/master']);
  const readRemote = (ref: string, rel: string) => git(['show', `${ref}:${rel}`], repo.remoteDir);
  const commitFile = async (rel: string, content: string, message: string) => {
    await writeFile(join(repo.dir, rel), content);
    await repo.git(['add', rel]);
    await repo.git(['commit', '-q', '-m', message]);
  };
  await repo.git(['checkout', '-q', '-b', UPGRADE_BRANCH]);
  await commitFile(
    '.magento.app.yaml',
    (await readRemote('master', '.magento.app.yaml')).replace('type: php:8.2', 'type: php:8.3'),
    'PHP 8.3',
  );
  await commitFile('UPGRADED.md', '2.4.7-p3\n', 'Recompiled for 2.4.7-p3');
  await repo.git(['push', '-q', 'origin', UPGRADE_BRANCH]);
  return {
    repo,
    workspace,
    masterBefore,
    commitFile,
    readRemote,
    treeOf: (ref) => git(['rev-parse', `${ref}^{tree}`], repo.remoteDir),
    deploy: (checks) =>
      deployToProduction({
        workspace,
        projectId: 'acme',
        repositoryUrl: repo.remoteDir,
        upgradeBranch: UPGRADE_BRANCH,
        productionBranch: 'master',
        ...checks,
      }),
    async cleanup() {
      await repo.cleanup();
      await rm(workspacesDir, { recursive: true, force: true });
    },
  };
}

/** Health wait, go-live checks and rollback hook that pass, fail or throw as told, recording their calls. */
export function deployCallbacks(checks: { healthy?: boolean; passed?: boolean; throws?: string } = {}) {
  const calls: string[] = [];
  const input: Checks = {
    waitHealthy: async () => {
      calls.push('waitHealthy');
      return checks.healthy ?? true;
    },
    goLiveChecks: async () => {
      calls.push('goLiveChecks');
      if (checks.throws) throw new Error(checks.throws);
      return checks.passed === false
        ? { passed: false, summary: 'GET / → 503 (expected 200)' }
        : { passed: true, summary: '4/4 checks passed' };
    },
    onRollback: async (reason) => {
      calls.push(`onRollback: ${reason}`);
    },
  };
  return { calls, input };
}
