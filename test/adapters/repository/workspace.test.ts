/**
 * RepositoryWorkspace against real git: a fixture project pushed to a bare remote in a temp folder, the bot's
 * clone in another temp folder. Rejections come from a real pre-receive hook in the bare remote.
 */
import { ApplicationFailure } from '@temporalio/common';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RepositoryWorkspace, UPGRADE_BOT_AUTHOR } from '../../../activities/repository/workspace';
import { setCommerceConstraints } from '../../../activities/repository/composer';
import { GIT_PUSH_REJECTED, GIT_REMOTE_UNREACHABLE } from '../../../activities/repository/git-errors';
import { acceptPushes, createCommerceRepo, FIXTURE_UCT_PATHS, git, rejectPushes, type CommerceRepo } from '../../support/git-fixtures';

let repo: CommerceRepo;
let workspacesDir: string;
let workspace: RepositoryWorkspace;

beforeEach(async () => {
  repo = await createCommerceRepo({ uctReport: 'text' });
  workspacesDir = await mkdtemp(join(tmpdir(), 'cuo-ws-'));
  workspace = new RepositoryWorkspace({ workspacesDir, author: UPGRADE_BOT_AUTHOR });
});

afterEach(async () => {
  await repo.cleanup();
  await rm(workspacesDir, { recursive: true, force: true });
});

async function remoteLog(branch: string): Promise<string[]> {
  return (await git(['log', '--format=%H %an <%ae> %s', branch], repo.remoteDir)).split('\n');
}

describe('RepositoryWorkspace', () => {
  test('recovers a clone left locked and half-merged by a worker killed mid-command', async () => {
    const first = await workspace.ensureClone('acme-crash', repo.remoteDir);
    await writeFile(join(first.dir, '.git', 'index.lock'), '');
    await writeFile(join(first.dir, 'composer.json'), '{ "half": "written" }');
    const again = await workspace.ensureClone('acme-crash', repo.remoteDir);
    const branch = await again.checkoutBranch('upgrade/2.4.8-p3', 'master');
    expect(branch.created).toBe(true);
    await again.writeFiles({ 'NOTES.md': 'upgrade notes\n' });
    const commit = await again.commitAndPush('upgrade/2.4.8-p3', 'Notes', { stepKey: 'upgrade-acme-crash/notes' });
    expect(commit.created).toBe(true);
    expect(await git(['show', 'upgrade/2.4.8-p3:composer.json'], repo.remoteDir)).not.toContain('half');
  });

  test('clones into <workspacesDir>/<projectId> and reads the project', async () => {
    const project = await workspace.ensureClone('acme-2-4-7', repo.remoteDir);
    expect(project.dir).toBe(join(workspacesDir, 'acme-2-4-7'));

    const composer = await project.readComposer();
    // The installed version is the locked enterprise edition, not the metapackage (2.4.6-p7 in the fixture).
    expect(composer.installedVersion).toBe('2.4.6-p8');
    expect(composer.metapackageVersion).toBe('2.4.6-p7');
    expect(composer.constraints).toEqual({ metapackage: '>=2.4.6 <2.4.7', enterpriseEdition: '2.4.6-p8' });
    expect(composer.lockedPackages.map((p) => p.name)).toContain('amasty/shopby-brand');

    expect(await project.listCustomModules()).toEqual([
      {
        name: 'Acme_Checkout',
        vendor: 'Acme',
        module: 'Checkout',
        path: 'app/code/Acme/Checkout',
        sequence: ['Magento_Checkout', 'Magento_Quote'],
      },
      { name: 'Acme_Erp', vendor: 'Acme', module: 'Erp', path: 'app/code/Acme/Erp', sequence: ['Magento_Sales'] },
    ]);
    expect(await project.readFile('.magento/services.yaml')).toContain('type: rabbitmq:3.11');
    expect(await project.readFile(FIXTURE_UCT_PATHS.text)).toContain('[CRITICAL][1110]');
    expect(await project.readFile('.magento.app.yaml', 'origin/staging')).toContain('type: php:8.2');
    expect(await project.readFileIfExists('.magento.env.yaml.dist')).toBeUndefined();
    expect(await project.readFileIfExists('.magento.env.yaml.dist', 'origin/master')).toBeUndefined();
    await expect(project.readFile('nope.txt')).rejects.toMatchObject({ type: 'RepositoryFileMissing', nonRetryable: true });
    await expect(project.readFile('../outside.txt')).rejects.toMatchObject({ type: 'InvalidPath' });
  });

  test('a second ensureClone fetches what others pushed instead of cloning again', async () => {
    const first = await workspace.ensureClone('acme', repo.remoteDir);
    await repo.git(['commit', '--allow-empty', '-q', '-m', 'partner work']);
    await repo.git(['push', '-q', 'origin', 'master']);
    const second = await workspace.ensureClone('acme', repo.remoteDir);
    expect(second.dir).toBe(first.dir);
    expect(await second.headOf('master')).toBe(await repo.git(['rev-parse', 'HEAD']));
    expect(await second.headOf('no-such-branch')).toBeUndefined();
  });

  test('branch, edit, commit and push with the bot identity; running the step twice makes one commit', async () => {
    const project = await workspace.ensureClone('acme', repo.remoteDir);
    const step = async () => {
      const branch = await project.checkoutBranch('upgrade/2.4.7-p3', 'master');
      const composer = await project.readFile('composer.json');
      await project.writeFiles({ 'composer.json': setCommerceConstraints(composer, '2.4.7-p3').text });
      return {
        branch,
        result: await project.commitAndPush('upgrade/2.4.7-p3', 'Set Commerce constraints for 2.4.7-p3', {
          stepKey: 'upgrade-acme/update-code-base#1',
        }),
      };
    };

    const first = await step();
    expect(first.branch.created).toBe(true);
    expect(first.result).toMatchObject({ created: true, pushed: true });
    const second = await step();
    expect(second.branch.created).toBe(false);
    expect(second.result).toEqual({ commit: first.result.commit, created: false, pushed: false });

    const log = await remoteLog('upgrade/2.4.7-p3');
    expect(log).toHaveLength(2);
    expect(log[0]).toBe(
      `${first.result.commit} Commerce Upgrade Orchestrator <upgrade-bot@commerce-upgrades.invalid> Set Commerce constraints for 2.4.7-p3`,
    );
    const body = await git(['log', '-1', '--format=%B', 'upgrade/2.4.7-p3'], repo.remoteDir);
    expect(body).toContain('Upgrade-Step: upgrade-acme/update-code-base#1');
    const pushed = await git(['show', 'upgrade/2.4.7-p3:composer.json'], repo.remoteDir);
    expect(JSON.parse(pushed).require['magento/magento-cloud-metapackage']).toBe('>=2.4.7 <2.4.8');
  });

  test('a step key already on the remote wins even when the files differ (the step already happened)', async () => {
    const project = await workspace.ensureClone('acme', repo.remoteDir);
    await project.checkoutBranch('upgrade/x', 'master');
    await project.writeFiles({ 'notes.md': 'first\n' });
    const first = await project.commitAndPush('upgrade/x', 'notes', { stepKey: 'wf/notes' });

    await project.checkoutBranch('upgrade/x', 'master');
    await project.writeFiles({ 'notes.md': 'second\n' });
    const again = await project.commitAndPush('upgrade/x', 'notes', { stepKey: 'wf/notes' });
    expect(again).toEqual({ commit: first.commit, created: false, pushed: false });
    expect(await project.readFile('notes.md')).toBe('first\n');

    // Without a step key, no change means no commit either.
    const unchanged = await project.commitAndPush('upgrade/x', 'nothing to say');
    expect(unchanged).toEqual({ commit: first.commit, created: false, pushed: false });
    expect(await remoteLog('upgrade/x')).toHaveLength(2);
  });

  test('a local commit whose push failed is pushed by the retry, once', async () => {
    const project = await workspace.ensureClone('acme', repo.remoteDir);
    await project.checkoutBranch('upgrade/y', 'master');
    await project.writeFiles({ 'a.txt': 'a\n' });
    await rejectPushes(repo.remoteDir, 'change freeze until Monday');
    const rejected = await project.commitAndPush('upgrade/y', 'add a', { stepKey: 'wf/a' }).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(ApplicationFailure);
    expect(rejected).toMatchObject({ type: GIT_PUSH_REJECTED, nonRetryable: false });
    expect((rejected as Error).message).toContain('change freeze until Monday');
    expect((rejected as Error).message).toContain('pre-receive hook declined');
    expect(await git(['branch', '--list', 'upgrade/y'], repo.remoteDir)).toBe('');

    await acceptPushes(repo.remoteDir);
    const retried = await project.commitAndPush('upgrade/y', 'add a', { stepKey: 'wf/a' });
    expect(retried).toMatchObject({ created: false, pushed: true });
    expect(await remoteLog('upgrade/y')).toHaveLength(2);
  });

  test('a concurrent push on the remote branch is a retryable rejection; the redone step builds on it', async () => {
    const project = await workspace.ensureClone('acme', repo.remoteDir);
    await project.checkoutBranch('upgrade/z', 'master');
    await project.writeFiles({ 'b.txt': 'b\n' });
    await project.commitAndPush('upgrade/z', 'add b');

    await project.checkoutBranch('upgrade/z', 'master');
    await project.writeFiles({ 'c.txt': 'c\n' });
    // The partner pushes to the same branch meanwhile.
    await repo.git(['fetch', '-q', 'origin']);
    await repo.git(['checkout', '-q', '-b', 'upgrade/z', 'origin/upgrade/z']);
    await repo.git(['commit', '-q', '--allow-empty', '-m', 'partner refactoring']);
    await repo.git(['push', '-q', 'origin', 'upgrade/z']);
    await expect(project.commitAndPush('upgrade/z', 'add c', { stepKey: 'wf/c' })).rejects.toMatchObject({ type: GIT_PUSH_REJECTED });

    await project.checkoutBranch('upgrade/z', 'master');
    await project.writeFiles({ 'c.txt': 'c\n' });
    await project.commitAndPush('upgrade/z', 'add c', { stepKey: 'wf/c' });
    const subjects = (await remoteLog('upgrade/z')).map((line) => line.replace(/^.*> /, ''));
    expect(subjects.slice(0, 3)).toEqual(['add c', 'partner refactoring', 'add b']);
  });

  test('an unreachable remote is a clear retryable error', async () => {
    const missing = join(workspacesDir, 'no-such-remote.git');
    await expect(workspace.ensureClone('ghost', missing)).rejects.toMatchObject({ type: GIT_REMOTE_UNREACHABLE, nonRetryable: false });
    const error = (await workspace.ensureClone('ghost', missing).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/unreachable or not a repository/);
    expect(error.message).toContain('no-such-remote.git');

    // The remote disappears after the clone: fetching fails the same way.
    await workspace.ensureClone('acme', repo.remoteDir);
    await rm(repo.remoteDir, { recursive: true, force: true });
    await expect(workspace.ensureClone('acme', repo.remoteDir)).rejects.toMatchObject({ type: GIT_REMOTE_UNREACHABLE });

    // An unreachable network host, without waiting for DNS: port 9 on loopback refuses at once.
    await expect(workspace.ensureClone('net', 'http://127.0.0.1:9/acme.git')).rejects.toMatchObject({ type: GIT_REMOTE_UNREACHABLE });
  });

  test('checkoutBranch from a branch the remote lacks is a non-retryable error naming the branch', async () => {
    const project = await workspace.ensureClone('acme', repo.remoteDir);
    await expect(project.checkoutBranch('upgrade/q', 'main')).rejects.toMatchObject({ nonRetryable: true, type: 'BranchMissing' });
    await expect(project.checkoutBranch('bad..name', 'master')).rejects.toMatchObject({ type: 'InvalidBranchName' });
  });
});
