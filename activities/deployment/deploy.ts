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
 *
 * A retry of the same attempt (`attemptKey`, trailer `Upgrade-Attempt`) resumes from what the remote holds, before
 * looking at the change window: a deploy of this attempt already pushed → run the health wait and the go-live
 * checks, roll back on failure; a rollback of this attempt already pushed → stay rolled back and compensate again
 * (the alert). Starting a *new* deploy is what the window gates, and it ships exactly the approved commit: refused
 * when that commit is not on the upgrade branch or the branch has moved past it since the approval.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ProjectRepository, RepositoryWorkspace } from '../repository/workspace';

export const DEPLOY_TRAILER = 'Upgrade-Deploy';
export const ROLLBACK_TRAILER = 'Upgrade-Rollback';
export const ATTEMPT_TRAILER = 'Upgrade-Attempt';
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
  /**
   * The commit the code update's approval named (short or full sha). Deployed exactly; without it the upgrade
   * branch's head is deployed (older workflows).
   */
  approvedCommit?: string;
  /** Identifies this deployment across its retries (the activity passes run id and activity id). */
  attemptKey?: string;
  /** Why a new deploy may not start now (the change window has closed), or undefined when it may. */
  startRefusal?: () => string | undefined;
}

export type DeployResult =
  | { status: 'deployed'; mergeCommit: string; alreadyDeployed: boolean; checks: string; deployedCommit?: string }
  | { status: 'rolled-back'; reason: string; mergeCommit: string; revertCommit: string; resumed?: boolean };

export async function deployToProduction(input: DeployToProductionInput): Promise<DeployResult> {
  const { upgradeBranch, productionBranch } = input;
  const progress = input.onProgress ?? (() => undefined);
  progress('fetching the repository');
  const repo = await input.workspace.ensureClone(input.projectId, input.repositoryUrl);
  // ensureClone has just fetched.
  const upgradeHead = (await repo.remoteHas(upgradeBranch)) ? await repo.rev(`origin/${upgradeBranch}`) : undefined;
  if (!upgradeHead)
    throw ApplicationFailure.nonRetryable(
      `The upgrade branch "${upgradeBranch}" does not exist on the remote; nothing to deploy.`,
      'BranchMissing',
    );
  if (!(await repo.remoteHas(productionBranch))) {
    throw ApplicationFailure.nonRetryable(
      `The production branch "${productionBranch}" does not exist on the remote; check environments.production.branch.`,
      'BranchMissing',
    );
  }

  await checkoutRemote(repo, productionBranch);
  const history = await scanDeployHistory(repo, productionBranch, upgradeBranch);
  const key = input.attemptKey;

  // Resume first: what this attempt already did stands, whatever the window says now.
  if (key !== undefined && history.lastRollback && history.lastRollbackAttempt === key && history.active.length === 0) {
    progress('this attempt already rolled back: staying rolled back');
    const reason = await rollbackReason(repo, history.lastRollback);
    await input.onRollback?.(reason);
    return {
      status: 'rolled-back',
      reason,
      mergeCommit: history.lastRollbackOf ?? history.lastRollback,
      revertCommit: history.lastRollback,
      resumed: true,
    };
  }
  const resumedDeploy = key !== undefined && history.activeAttempts.includes(key);

  const deployCommits = [...history.active];
  let deployCommit = upgradeHead;
  if (!resumedDeploy) {
    const refusal = input.startRefusal?.();
    if (refusal) throw ApplicationFailure.nonRetryable(refusal, 'ChangeWindowClosed');
    if (input.approvedCommit !== undefined)
      deployCommit = await checkApprovedCommit(repo, input.approvedCommit, upgradeBranch, upgradeHead);
    if (deployCommits.length === 0 && history.lastRollback) {
      progress('re-applying the upgrade that was rolled back');
      deployCommits.unshift(await reapply(repo, history.lastRollback, upgradeBranch, productionBranch, key));
    }
    if (!(await repo.isAncestor(deployCommit, 'HEAD'))) {
      progress(`merging ${deployCommit.slice(0, 12)} of ${upgradeBranch} into ${productionBranch}`);
      deployCommits.unshift(await merge(repo, deployCommit, upgradeBranch, productionBranch, key));
    }
  } else {
    progress('this attempt already pushed its deploy: running the checks');
    const parents = (await repo.readNonEmpty(['rev-list', '--parents', '-n1', history.active[0] ?? 'HEAD'])).split(/\s+/);
    deployCommit = parents[2] ?? upgradeHead;
  }
  const mergeCommit = deployCommits[0];
  if (!mergeCommit) {
    throw ApplicationFailure.nonRetryable(
      `${productionBranch} already contains ${upgradeBranch} (${deployCommit.slice(0, 12)}), but not through a deploy ` +
        `by this orchestrator, so it cannot be rolled back automatically. Deploy and check it by hand, then skip this step with a reason.`,
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
  // A cancellation (worker shutdown, heartbeat timeout) is no failed deploy: the retry resumes from the remote.
  const healthy = await input.waitHealthy().catch((error: unknown) => {
    if (error instanceof CancelledFailure) throw error;
    failure = `the health wait failed: ${(error as Error).message}`;
    return false;
  });
  if (!healthy) failure ??= 'the environment did not report healthy after the deploy';
  else {
    progress('running the go-live checks');
    const result = await input.goLiveChecks().catch((error: unknown): GoLiveCheckResult => {
      if (error instanceof CancelledFailure) throw error;
      return { passed: false, summary: `the checks could not run: ${(error as Error).message}` };
    });
    checks = result.summary;
    if (!result.passed) failure = `go-live checks failed: ${result.summary}`;
  }
  if (failure === undefined) return { status: 'deployed', mergeCommit, alreadyDeployed: !pushed, checks, deployedCommit: deployCommit };

  progress('rolling back');
  const revertCommit = await rollback(repo, failure, upgradeBranch, productionBranch, key);
  await input.onRollback?.(failure);
  return { status: 'rolled-back', reason: failure, mergeCommit, revertCommit };
}

interface DeployHistory {
  /** Our deploy commits after the newest rollback (or all, when there is none), newest first. */
  active: string[];
  /** The attempt keys of those deploy commits. */
  activeAttempts: string[];
  lastRollback?: string;
  lastRollbackAttempt?: string;
  /** The newest deploy commit the last rollback reverted. */
  lastRollbackOf?: string;
}

async function scanDeployHistory(repo: ProjectRepository, productionBranch: string, upgradeBranch: string): Promise<DeployHistory> {
  // Never empty (the branch has commits): an empty answer is simple-git's, read again (see readNonEmpty).
  const log = await repo.readNonEmpty([
    'log',
    '--first-parent',
    `-n${HISTORY_DEPTH}`,
    `--format=%H%x09%(trailers:key=${DEPLOY_TRAILER},valueonly,separator=%x1f)%x09%(trailers:key=${ROLLBACK_TRAILER},valueonly,separator=%x1f)%x09%(trailers:key=${ATTEMPT_TRAILER},valueonly,separator=%x1f)`,
    `origin/${productionBranch}`,
    '--',
  ]);
  const active: string[] = [];
  const activeAttempts: string[] = [];
  const values = (text: string) =>
    text
      .split('\x1f')
      .map((v) => v.trim())
      .filter(Boolean);
  for (const line of log.split('\n')) {
    const [sha, deploys = '', rollbacks = '', attempts = ''] = line.split('\t');
    if (!sha) continue;
    if (values(rollbacks).includes(upgradeBranch)) {
      const attempt = values(attempts)[0];
      const of = /Reverts ([0-9a-f]{40})/.exec(await repo.readNonEmpty(['log', '-1', '--format=%B', sha]))?.[1];
      return {
        active,
        activeAttempts,
        lastRollback: sha,
        ...(attempt ? { lastRollbackAttempt: attempt } : {}),
        ...(of ? { lastRollbackOf: of } : {}),
      };
    }
    if (values(deploys).includes(upgradeBranch)) {
      active.push(sha);
      activeAttempts.push(...values(attempts));
    }
  }
  return { active, activeAttempts };
}

/** The reason a rollback commit gives (its second paragraph, as `rollback` writes it). */
async function rollbackReason(repo: ProjectRepository, rollbackCommit: string): Promise<string> {
  const body = await repo.readNonEmpty(['log', '-1', '--format=%B', rollbackCommit]);
  return body.split(/\n\n/)[1]?.trim() || 'rolled back by an earlier attempt';
}

/**
 * The full sha of the approved commit, which must be the upgrade branch's head: a commit pushed after the approval
 * was never approved, and a merge of an older commit would leave it out silently.
 */
async function checkApprovedCommit(repo: ProjectRepository, approved: string, upgradeBranch: string, upgradeHead: string): Promise<string> {
  const text = approved.trim();
  if (!/^[0-9a-f]{7,40}$/i.test(text)) {
    throw ApplicationFailure.nonRetryable(
      `The approved evidence "${approved}" is not a commit sha; approve the code update again naming its commit.`,
      'ApprovedCommitInvalid',
    );
  }
  // An unknown or ambiguous sha makes git fail: that is "not on the branch", not a retryable error.
  const full = await repo.rev(text.toLowerCase()).catch(() => '');
  if (!/^[0-9a-f]{40}$/.test(full) || !(await repo.isAncestor(full, upgradeHead))) {
    throw ApplicationFailure.nonRetryable(
      `The approved commit ${text} is not on ${upgradeBranch} (head ${upgradeHead.slice(0, 12)}); nothing was deployed. ` +
        `Approve the code update again naming a commit of the branch.`,
      'ApprovedCommitNotOnBranch',
    );
  }
  if (full !== upgradeHead) {
    const newer = (await repo.run(['log', '--format=%h %s', `${full}..${upgradeHead}`])).trim().split('\n').filter(Boolean);
    throw ApplicationFailure.nonRetryable(
      `${upgradeBranch} has moved since the approval of ${full.slice(0, 12)}: ${newer.length} newer commit(s) ` +
        `(${newer.slice(0, 5).join('; ')}${newer.length > 5 ? '; …' : ''}) were never approved. Nothing was deployed. ` +
        `Reject the launch back to the code update to approve the new head, or reset the branch to the approved commit, then retry.`,
      'BranchMovedSinceApproval',
    );
  }
  return full;
}

function trailers(upgradeBranch: string, kind: string, attemptKey: string | undefined): string {
  return `${kind}: ${upgradeBranch}${attemptKey === undefined ? '' : `\n${ATTEMPT_TRAILER}: ${attemptKey}`}`;
}

async function checkoutRemote(repo: ProjectRepository, branch: string): Promise<void> {
  await repo.discardLocalChanges();
  await repo.run(['checkout', '--quiet', '--no-track', '-B', branch, `origin/${branch}`]);
}

async function merge(
  repo: ProjectRepository,
  upgradeHead: string,
  upgradeBranch: string,
  productionBranch: string,
  attemptKey?: string,
): Promise<string> {
  const message = `Deploy ${upgradeBranch} to ${productionBranch}\n\nMerges ${upgradeHead}.\n\n${trailers(upgradeBranch, DEPLOY_TRAILER, attemptKey)}`;
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
async function reapply(
  repo: ProjectRepository,
  rollbackCommit: string,
  upgradeBranch: string,
  productionBranch: string,
  attemptKey?: string,
): Promise<string> {
  await revertInto(repo, [rollbackCommit], `re-apply ${upgradeBranch} on ${productionBranch}`);
  await repo.run([
    'commit',
    '--quiet',
    '--no-verify',
    '-m',
    `Re-apply ${upgradeBranch} on ${productionBranch}\n\nReverts rollback ${rollbackCommit}.\n\n${trailers(upgradeBranch, DEPLOY_TRAILER, attemptKey)}`,
  ]);
  return repo.rev('HEAD');
}

/** One revert commit undoing every deploy commit of this attempt, pushed to the production branch. */
async function rollback(
  repo: ProjectRepository,
  reason: string,
  upgradeBranch: string,
  productionBranch: string,
  attemptKey?: string,
): Promise<string> {
  // Build on the remote's head: the revert must not drop anything pushed since.
  await repo.fetch();
  await checkoutRemote(repo, productionBranch);
  const history = await scanDeployHistory(repo, productionBranch, upgradeBranch);
  if (history.active.length === 0 && history.lastRollback) return history.lastRollback; // an earlier attempt did it
  // Revert what the remote holds of ours (this attempt's deploy commits, or an earlier attempt's on a retry).
  const toRevert = history.active;
  if (toRevert.length === 0) {
    throw ApplicationFailure.nonRetryable(
      `Cannot roll back: ${productionBranch} no longer holds the deploy of ${upgradeBranch} (${reason}). Check production by hand.`,
      'RollbackImpossible',
    );
  }
  await revertInto(repo, toRevert, `roll back ${upgradeBranch}`);
  const summary = reason.length > 300 ? `${reason.slice(0, 300)}…` : reason;
  await repo.run([
    'commit',
    '--quiet',
    '--no-verify',
    '--allow-empty',
    '-m',
    `Roll back ${upgradeBranch} from ${productionBranch}\n\n${summary}\n\nReverts ` +
      `${toRevert.join(', ')}.\n\n${trailers(upgradeBranch, ROLLBACK_TRAILER, attemptKey)}`,
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
