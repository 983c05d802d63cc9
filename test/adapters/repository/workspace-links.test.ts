/**
 * Issue #12, finding 4: symbolic links committed in the project's repository. `.magento/services.yaml` linked to a
 * file outside the workspace made the worker overwrite that file; `composer.json` linked to a secret file put its
 * first characters into history. Real git, real links: every read and write of the workspace resolves links and
 * refuses, naming the file, one that leaves it; links inside the repository keep working.
 */
import { ApplicationFailure } from '@temporalio/common';
import { mkdtemp, readFile, rm, symlink, unlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RepositoryWorkspace, UPGRADE_BOT_AUTHOR } from '../../../activities/repository/workspace';
import { createCommerceRepo, type CommerceRepo } from '../../support/git-fixtures';

let repo: CommerceRepo;
let outside: string;
let workspacesDir: string;
let workspace: RepositoryWorkspace;

const SECRET = 'DB_PASSWORD=outside-secret-4f1e';
const VICTIM = "the worker's own file, never to be overwritten\n";

beforeAll(async () => {
  repo = await createCommerceRepo();
  outside = await mkdtemp(join(tmpdir(), 'cuo-outside-'));
  await writeFile(join(outside, 'secret.env'), SECRET);
  await writeFile(join(outside, 'victim.yaml'), VICTIM);
  await mkdir(join(outside, 'code'));
  // The hostile commit: links to files and a folder outside, and one harmless link inside the repository.
  await unlink(join(repo.dir, 'composer.json'));
  await symlink(join(outside, 'secret.env'), join(repo.dir, 'composer.json'));
  await unlink(join(repo.dir, '.magento', 'services.yaml'));
  await symlink(join(outside, 'victim.yaml'), join(repo.dir, '.magento', 'services.yaml'));
  await symlink(join(outside, 'code'), join(repo.dir, 'linked-folder'));
  await symlink('.magento.app.yaml', join(repo.dir, 'app-yaml-alias'));
  await repo.git(['add', '--all']);
  await repo.git(['commit', '--quiet', '-m', 'links']);
  await repo.git(['push', '--quiet', 'origin', 'HEAD:master']);
  workspacesDir = await mkdtemp(join(tmpdir(), 'cuo-ws-'));
  workspace = new RepositoryWorkspace({ workspacesDir, author: UPGRADE_BOT_AUTHOR });
});

afterAll(async () => {
  await repo.cleanup();
  await rm(outside, { recursive: true, force: true });
  await rm(workspacesDir, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

test('a link that leaves the workspace is not read, and the refusal names the file', async () => {
  const clone = await workspace.ensureClone('links', repo.remoteDir);
  await clone.checkoutBranch('upgrade/2.4.8-p3', 'master');
  const failure = await refusal(clone.readFile('composer.json'));
  expect(failure).toMatchObject({ type: 'RepositoryLinkRefused', nonRetryable: true });
  expect(failure.message).toMatch(/^composer\.json in the repository of project links is a symbolic link/);
  expect(failure.message).not.toContain('outside-secret');
  await expect(refusal(clone.readComposer())).resolves.toMatchObject({ type: 'RepositoryLinkRefused' });
});

test('a write through a link, or into a linked folder, is refused and the outside file stays as it was', async () => {
  const clone = workspace.open('links');
  const failure = await refusal(clone.writeFiles({ '.magento/services.yaml': 'services: {}\n' }));
  expect(failure.message).toContain('.magento/services.yaml in the repository of project links is a symbolic link');
  await expect(refusal(clone.writeFiles({ 'linked-folder/new/file.txt': 'x' }))).resolves.toMatchObject({ type: 'RepositoryLinkRefused' });
  expect(await readFile(join(outside, 'victim.yaml'), 'utf8')).toBe(VICTIM);
  await expect(readFile(join(outside, 'code', 'new', 'file.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
});

test('links inside the repository and new files still work', async () => {
  const clone = workspace.open('links');
  expect(await clone.readFile('app-yaml-alias')).toBe(await clone.readFile('.magento.app.yaml'));
  await clone.writeFiles({ 'var/new/notes.txt': 'ok' });
  expect(await clone.readFile('var/new/notes.txt')).toBe('ok');
});

test('git runs no remote helper even when called with one directly (GIT_ALLOW_PROTOCOL)', async () => {
  const marker = join(outside, 'ext-ran');
  const error = await workspace.ensureClone('ext-helper', `ext::sh -c touch% ${marker}`).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  await expect(readFile(marker)).rejects.toMatchObject({ code: 'ENOENT' });
});
