/**
 * Production deployment on Adobe Commerce Cloud, where a push to the production branch deploys: merge the upgrade
 * branch with a merge commit (never fast-forward, so one revert undoes the whole upgrade), push, wait until the
 * environment reports healthy, run the go-live checks, and on failure revert, push and compensate.
 *
 * Idempotent by what the production branch already holds, read from the remote each time:
 *  - our merge (trailer `Upgrade-Deploy: <upgrade branch>`) with the upgrade head in it → no second merge; the
 *    checks run again, since the earlier attempt may have died before finishing them;
 *  - a rollback of ours (trailer `Upgrade-Rollback: <upgrade branch>`) as the newest event → deploying again first
 *    reverts that rollback. Merging alone would not bring the upgrade back: git considers its commits merged
 *    already, and the rollback had undone them.
 * Retries may call `onRollback` again for the same rollback; the notifier behind it should key on the commit.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ProjectRepository, RepositoryWorkspace } from '../repository/workspace';

export const DEPLOY_TRAILER = 'Upgrade-Deploy';
export const ROLLBACK_TRAILER = 'Upgrade-Rollback';
/** How far back the production branch is scanned for our trailers. */
const HISTORY_DEPTH = 2000;

export interface GoLiveCheckResult {
  passed: boolean;
  summary: string;
}

export interface DeployToProductionInput {
  workspace: RepositoryWorkspace;
  projectId: string;
  /** The project's repository (URL or path); the clone may not exist on this worker yet. */
  repositoryUrl: string;
  upgradeBranch: string;
  productionBranch: string;
  /** Resolves when the environment has settled after the push: true when healthy, false when it never got there. */
  waitHealthy: () => Promise<boolean>;
  goLiveChecks: () => Promise<GoLiveCheckResult>;
  /** Compensation after the revert is pushed (notify the owners, reopen the task…). */
  onRollback?: (reason: string) => Promise<void>;
  /** Progress for heartbeats: the activity wrapper passes `heartbeat`. */
  onProgress?: (stage: string) => void;
}

export type DeployResult =
  | { status: 'deployed'; mergeCommit: string; alreadyDeployed: boolean; checks: string }
  | { status: 'rolled-back'; reason: string; mergeCommit: string; revertCommit: string };

export async function deployToProduction(input: DeployToProductionInput): Promise<DeployResult> {
  const { upgradeBranch, productionBranch } = input;
  const progress = input.onProgress ?? (() => undefined);
  progress('fetching the repository');
  const repo = await input.workspace.ensureClone(input.projectId, input.repositoryUrl);
  // ensureClone has just fetched.
  const upgradeHead = (await repo.remoteHas(upgradeBranch)) ? await repo.rev(`origin/${upgradeBranch}`) : undefined;
  if (!upgradeHead) throw ApplicationFailure.nonRetryable(`The upgrade branch "${upgradeBranch}" does not exist on the remote; nothing to deploy.`, 'BranchMissing');
  if (!(await repo.remoteHas(productionBranch))) {
    throw ApplicationFailure.nonRetryable(`The production branch "${productionBranch}" does not exist on the remote; check environments.production.branch.`, 'BranchMissing');
  }

  await checkoutRemote(repo, productionBranch);
  const history = await scanDeployHistory(repo, productionBranch, upgradeBranch);
  const deployCommits = [...history.active];
  if (deployCommits.length === 0 && history.lastRollback) {
    progress('re-applying the upgrade that was rolled back');
    deployCommits.unshift(await reapply(repo, history.lastRollback, upgradeBranch, productionBranch));
  }
  if (!(await repo.isAncestor(upgradeHead, 'HEAD'))) {
    progress(`merging ${upgradeBranch} into ${productionBranch}`);
    deployCommits.unshift(await merge(repo, upgradeHead, upgradeBranch, productionBranch));
  }
  const mergeCommit = deployCommits[0];
  if (!mergeCommit) {
    throw ApplicationFailure.nonRetryable(
      `${productionBranch} already contains ${upgradeBranch} (${upgradeHead.slice(0, 12)}), but not through a deploy by this orchestrator, so it cannot be rolled back automatically. Deploy and check it by hand, then skip this step with a reason.`,
      'DeployedElsewhere',
    );
  }
  const pushed = (await repo.rev('HEAD')) !== (await repo.rev(`origin/${productionBranch}`));
  if (pushed) {
    progress(`pushing ${productionBranch} (deploys production)`);
    await repo.push(productionBranch);
  }

  progress('waiting for the environment to report healthy');
  let failure: string | undefined;
  let checks = '';
  const healthy = await input.waitHealthy().catch((error: unknown) => {
    failure = `the health wait failed: ${(error as Error).message}`;
    return false;
  });
  if (!healthy) failure ??= 'the environment did not report healthy after the deploy';
  else {
    progress('running the go-live checks');
    const result = await input.goLiveChecks().catch((error: unknown): GoLiveCheckResult => ({ passed: false, summary: `the checks could not run: ${(error as Error).message}` }));
    checks = result.summary;
    if (!result.passed) failure = `go-live checks failed: ${result.summary}`;
  }
  if (failure === undefined) return { status: 'deployed', mergeCommit, alreadyDeployed: !pushed, checks };

  progress('rolling back');
  const revertCommit = await rollback(repo, failure, upgradeBranch, productionBranch);
  await input.onRollback?.(failure);
  return { status: 'rolled-back', reason: failure, mergeCommit, revertCommit };
}

interface DeployHistory {
  /** Our deploy commits after the newest rollback (or all, when there is none), newest first. */
  active: string[];
  lastRollback?: string;
}

async function scanDeployHistory(repo: ProjectRepository, productionBranch: string, upgradeBranch: string): Promise<DeployHistory> {
  // Never empty (the branch has commits): an empty answer is simple-git's, read again (see readNonEmpty).
  const log = await repo.readNonEmpty([
    'log',
    '--first-parent',
    `-n${HISTORY_DEPTH}`,
    `--format=%H%x09%(trailers:key=${DEPLOY_TRAILER},valueonly,separator=%x1f)%x09%(trailers:key=${ROLLBACK_TRAILER},valueonly,separator=%x1f)`,
    `origin/${productionBranch}`,
    '--',
  ]);
  const active: string[] = [];
  for (const line of log.split('\n')) {
    const [sha, deploys = '', rollbacks = ''] = line.split('\t');
    if (!sha) continue;
    if (rollbacks.split('\x1f').map((v) => v.trim()).includes(upgradeBranch)) return { active, lastRollback: sha };
    if (deploys.split('\x1f').map((v) => v.trim()).includes(upgradeBranch)) active.push(sha);
  }
  return { active };
}

async function checkoutRemote(repo: ProjectRepository, branch: string): Promise<void> {
  await repo.discardLocalChanges();
  await repo.run(['checkout', '--quiet', '--no-track', '-B', branch, `origin/${branch}`]);
}

async function merge(repo: ProjectRepository, upgradeHead: string, upgradeBranch: string, productionBranch: string): Promise<string> {
  const message = `Deploy ${upgradeBranch} to ${productionBranch}\n\nMerges ${upgradeHead}.\n\n${DEPLOY_TRAILER}: ${upgradeBranch}`;
  let failure: unknown;
  await repo.run(['merge', '--no-ff', '--no-edit', '--no-verify', '-m', message, upgradeHead]).catch((error: unknown) => (failure = error));
  const conflicts = await conflictedFiles(repo);
  if (failure && conflicts.length === 0) throw failure;
  if (conflicts.length || !(await repo.isAncestor(upgradeHead, 'HEAD'))) {
    await repo.discardLocalChanges();
    throw ApplicationFailure.nonRetryable(
      `Merging ${upgradeBranch} into ${productionBranch} conflicts${conflicts.length ? ` in ${conflicts.join(', ')}` : ''}. ` +
        `The partner should merge ${productionBranch} into ${upgradeBranch}, resolve, push, and then retry this step.`,
      'MergeConflict',
    );
  }
  return repo.rev('HEAD');
}

/** Reverts our rollback commit, bringing the rolled-back upgrade back before a new deploy. */
async function reapply(repo: ProjectRepository, rollbackCommit: string, upgradeBranch: string, productionBranch: string): Promise<string> {
  await revertInto(repo, [rollbackCommit], `re-apply ${upgradeBranch} on ${productionBranch}`);
  await repo.run(['commit', '--quiet', '--no-verify', '-m', `Re-apply ${upgradeBranch} on ${productionBranch}\n\nReverts rollback ${rollbackCommit}.\n\n${DEPLOY_TRAILER}: ${upgradeBranch}`]);
  return repo.rev('HEAD');
}

/** One revert commit undoing every deploy commit of this attempt, pushed to the production branch. */
async function rollback(repo: ProjectRepository, reason: string, upgradeBranch: string, productionBranch: string): Promise<string> {
  // Build on the remote's head: the revert must not drop anything pushed since.
  await repo.fetch();
  await checkoutRemote(repo, productionBranch);
  const history = await scanDeployHistory(repo, productionBranch, upgradeBranch);
  if (history.active.length === 0 && history.lastRollback) return history.lastRollback; // an earlier attempt did it
  // Revert what the remote holds of ours (this attempt's deploy commits, or an earlier attempt's on a retry).
  const toRevert = history.active;
  if (toRevert.length === 0) {
    throw ApplicationFailure.nonRetryable(`Cannot roll back: ${productionBranch} no longer holds the deploy of ${upgradeBranch} (${reason}). Check production by hand.`, 'RollbackImpossible');
  }
  await revertInto(repo, toRevert, `roll back ${upgradeBranch}`);
  const summary = reason.length > 300 ? `${reason.slice(0, 300)}…` : reason;
  await repo.run([
    'commit',
    '--quiet',
    '--no-verify',
    '--allow-empty',
    '-m',
    `Roll back ${upgradeBranch} from ${productionBranch}\n\n${summary}\n\nReverts ${toRevert.join(', ')}.\n\n${ROLLBACK_TRAILER}: ${upgradeBranch}`,
  ]);
  await repo.push(productionBranch);
  return repo.rev('HEAD');
}

/** Stages the reverse of `commits` (newest first) without committing; merges are reverted against their mainline. */
async function revertInto(repo: ProjectRepository, commits: string[], what: string): Promise<void> {
  for (const commit of commits) {
    const parents = (await repo.readNonEmpty(['rev-list', '--parents', '-n1', commit])).split(/\s+/).length - 1;
    let failure: unknown;
    await repo.run(['revert', '--no-commit', ...(parents > 1 ? ['-m', '1'] : []), commit]).catch((error: unknown) => (failure = error));
    const conflicts = await conflictedFiles(repo);
    if (failure && conflicts.length === 0) throw failure;
    if (conflicts.length) {
      await repo.discardLocalChanges();
      throw ApplicationFailure.nonRetryable(
        `Cannot ${what} automatically: reverting ${commit.slice(0, 12)} conflicts in ${conflicts.join(', ')} (the branch changed since). Revert by hand now.`,
        'RevertConflict',
      );
    }
  }
}

async function conflictedFiles(repo: ProjectRepository): Promise<string[]> {
  return (await repo.run(['diff', '--name-only', '--diff-filter=U'])).split('\n').filter(Boolean);
}
