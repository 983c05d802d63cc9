/**
 * simple-git now and then hands back an empty stdout from a git command that did print (steveukx/git-js#557,
 * #795). Bench C met it as a project blocked with `commitAndPush("upgrade/…") called with "" checked out`. Real git
 * and a real clone here; only the flake itself is simulated (it cannot be provoked on demand): a wrapper around the
 * real simple-git answers "" to chosen commands a given number of times, then lets the real answer through.
 */
import simpleGit, { type SimpleGit } from 'simple-git';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { ProjectRepository, RepositoryWorkspace, UPGRADE_BOT_AUTHOR } from '../../../activities/repository/workspace';
import { createCommerceRepo, type CommerceRepo } from '../../support/git-fixtures';

let repo: CommerceRepo;
let workspacesDir: string;

beforeEach(async () => {
  repo = await createCommerceRepo({ uctReport: 'text' });
  workspacesDir = await mkdtemp(join(tmpdir(), 'cuo-ws-empty-'));
});
afterEach(async () => {
  await repo.cleanup();
  await rm(workspacesDir, { recursive: true, force: true });
});

/** The real simple-git of `dir`, except that commands starting with `prefix` answer "" their first `times` runs. */
function flakyGit(dir: string, prefix: string[], times: number): { git: SimpleGit; emptied: () => number } {
  const real = simpleGit({ baseDir: dir, config: [`user.name=${UPGRADE_BOT_AUTHOR.name}`, `user.email=${UPGRADE_BOT_AUTHOR.email}`] });
  let emptied = 0;
  const git = new Proxy(real, {
    get(target, key, receiver) {
      if (key !== 'raw') return Reflect.get(target, key, receiver);
      return async (args: string[]) => {
        if (prefix.every((p, i) => args[i] === p) && emptied < times) {
          emptied += 1;
          return '';
        }
        return target.raw(args);
      };
    },
  });
  return { git, emptied: () => emptied };
}

async function cloned(): Promise<string> {
  const workspace = new RepositoryWorkspace({ workspacesDir, author: UPGRADE_BOT_AUTHOR });
  const clone = await workspace.ensureClone('acme-empty', repo.remoteDir);
  await clone.checkoutBranch('upgrade/2.4.8-p3', 'master');
  return clone.dir;
}

it('reads again when git answers nothing, so the branch check and the commit go through', async () => {
  const dir = await cloned();
  const { git, emptied } = flakyGit(dir, ['rev-parse'], 2);
  const repository = new ProjectRepository('acme-empty', dir, git);
  const result = await repository.commitAndPush('upgrade/2.4.8-p3', 'Upgrade to 2.4.8-p3', {
    stepKey: 'upgrade-acme-empty/update-code-base#1',
  });
  expect(emptied()).toBe(2);
  expect(result.commit).toMatch(/^[0-9a-f]{40}$/);
  expect(await repository.rev('origin/upgrade/2.4.8-p3')).toBe(result.commit);
});

it('fails retryably, never with a wrong answer, when git keeps answering nothing', async () => {
  const dir = await cloned();
  const repository = new ProjectRepository('acme-empty', dir, flakyGit(dir, ['merge-base'], 10).git);
  const failure = await repository.isAncestor('origin/master', 'HEAD').catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure).toMatchObject({ nonRetryable: false, message: expect.stringMatching(/git merge-base .* answered nothing, three times/) });
});
