/**
 * The project's git repository, cloned into a per-project workspace on the worker. The remote is the truth and the
 * workspace only a cache of it: every step starts from the remote branch, so a retried activity, another worker or
 * a crashed run never builds on local left-overs. Commits carry the bot's identity and, when the caller names the
 * step, an `Upgrade-Step:` trailer that makes a repeated step find its earlier commit instead of adding another.
 */
import { ApplicationFailure } from '@temporalio/common';
import { access, lstat, mkdir, readdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import { simpleGit, type SimpleGit } from 'simple-git';
import { ENTERPRISE_EDITION, METAPACKAGE, parseComposerJson } from './composer';
import { classifyPushFailure, classifyRemoteFailure, GIT_COMMAND_FAILED, gitReason } from './git-errors';
import { pinGitRemote, type GitNetworkOptions, type GitPin } from './git-pinning';

export interface GitAuthor {
  name: string;
  email: string;
}

export const UPGRADE_BOT_AUTHOR: GitAuthor = {
  name: 'Commerce Upgrade Orchestrator',
  email: 'upgrade-bot@commerce-upgrades.invalid',
};

export const STEP_TRAILER = 'Upgrade-Step';

export interface RepositoryWorkspaceOptions {
  /** Folder holding one clone per project (`<workspacesDir>/<projectId>`). */
  workspacesDir: string;
  author: GitAuthor;
  /** Kill a git command that prints nothing for this long (default 120 s), so a hung remote fails the attempt. */
  blockTimeoutMs?: number;
  /**
   * The worker's network policy: every git command that reaches a network remote (clone, fetch, push) first
   * resolves its host once, checks it, and connects git to that address (git-pinning.ts). The worker always
   * sets it; without it (the CLI's preview on a person's own machine, tests of local repositories) git
   * resolves names itself.
   */
  network?: GitNetworkOptions;
}

export interface CustomModule {
  /** `Vendor_Module`, as registered. */
  name: string;
  vendor: string;
  module: string;
  /** Repository-relative folder, e.g. `app/code/Acme/Checkout`. */
  path: string;
  /** Modules named in `<sequence>` of etc/module.xml (load-order dependencies). */
  sequence: string[];
}

export interface LockedPackage {
  name: string;
  version: string;
  type?: string;
  require?: Record<string, string>;
}

export interface ComposerState {
  composerJsonText: string;
  composerJson: Record<string, unknown>;
  lockText?: string;
  /** Packages of composer.lock (`packages` then `packages-dev`); empty when there is no lock. */
  lockedPackages: LockedPackage[];
  /**
   * The installed Commerce version: magento/product-enterprise-edition in composer.lock. Not the metapackage
   * version, which differs (metapackage 2.4.8-p2 locked EE 2.4.8-p4; facts §3).
   */
  installedVersion?: string;
  metapackageVersion?: string;
  constraints: { metapackage?: string; enterpriseEdition?: string };
}

export interface CommitResult {
  commit: string;
  /** True only when this call made a new commit. */
  created: boolean;
  /** True when this call pushed (a new commit or a branch the remote did not have). */
  pushed: boolean;
}

export class RepositoryWorkspace {
  constructor(private readonly options: RepositoryWorkspaceOptions) {}

  dirOf(projectId: string): string {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(projectId)) {
      throw ApplicationFailure.nonRetryable(`"${projectId}" is not a project id (lowercase letters, digits, dashes).`, 'InvalidProjectId');
    }
    return join(this.options.workspacesDir, projectId);
  }

  /** Clones `url` (a git URL or a local path) into the project's workspace, or fetches if it is already there. */
  async ensureClone(projectId: string, url: string): Promise<ProjectRepository> {
    const dir = this.dirOf(projectId);
    const remote = isLocalPath(url) ? resolve(url) : url;
    if (await exists(join(dir, '.git'))) {
      const repository = this.open(projectId);
      await rm(join(dir, '.git', 'config.lock'), { force: true }); // stale after a crash, like index.lock
      await repository.discardLocalChanges();
      await repository.setRemote(remote);
      await repository.fetch();
      return repository;
    }
    await mkdir(this.options.workspacesDir, { recursive: true });
    // Clone beside the final folder and rename, so a crash mid-clone never leaves a half repository under `dir`.
    const staging = `${dir}.clone-${randomUUID().slice(0, 8)}`;
    const git = await this.remoteGit(this.options.workspacesDir, remote);
    try {
      await git.clone(remote, staging, ['--no-tags']);
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw classifyRemoteFailure(error, redact(remote), 'clone the repository');
    }
    return this.open(projectId);
  }

  /** A project's existing clone (after `ensureClone` on this worker). */
  open(projectId: string): ProjectRepository {
    const dir = this.dirOf(projectId);
    return new ProjectRepository(projectId, dir, this.gitIn(dir), (url) => this.remoteGit(dir, url));
  }

  /** Git for one command that reaches `url`: pinned to the address the policy checked, when there is a policy. */
  private async remoteGit(baseDir: string, url: string): Promise<SimpleGit> {
    const pin = this.options.network ? await pinGitRemote(url, this.options.network) : undefined;
    return this.gitIn(baseDir, pin);
  }

  private gitIn(baseDir: string, pin?: GitPin): SimpleGit {
    const { author } = this.options;
    return simpleGit({
      baseDir,
      maxConcurrentProcesses: 2,
      trimmed: true,
      // The bot's identity for author and committer; no signing from the worker's own configuration.
      config: [
        `user.name=${author.name}`,
        `user.email=${author.email}`,
        'commit.gpgsign=false',
        'advice.detachedHead=false',
        // No HTTP redirect: the host the worker's policy checked is the host git talks to (issue #12, finding 3).
        'http.followRedirects=false',
        ...(pin?.config ?? []),
      ],
      timeout: { block: this.options.blockTimeoutMs ?? 120_000 },
      // Only our own GIT_SSH_COMMAND (git-pinning.ts, built from a checked host and address); none from a project.
      ...(pin?.env.GIT_SSH_COMMAND ? { unsafe: { allowUnsafeSshCommand: true } } : {}),
    }).env({ ...gitEnvironment(), ...(pin?.env ?? {}) });
  }
}

/** One project's clone. Paths are repository-relative with forward slashes. */
export class ProjectRepository {
  constructor(
    readonly projectId: string,
    readonly dir: string,
    private readonly git: SimpleGit,
    /** Git for a command that reaches the remote at `url` (pinned by the workspace); the plain one by default. */
    private readonly remoteGit: (url: string) => Promise<SimpleGit> = async () => git,
  ) {}

  /** Git for a fetch or push to origin, connected where the worker's policy checked (see RepositoryWorkspace). */
  private async originGit(): Promise<SimpleGit> {
    return this.remoteGit((await this.run(['remote', 'get-url', 'origin'])).trim());
  }

  async setRemote(url: string): Promise<void> {
    const current = (await this.run(['remote', 'get-url', 'origin'])).trim();
    if (current !== url) await this.run(['remote', 'set-url', 'origin', url]);
  }

  async remoteUrl(): Promise<string> {
    return redact((await this.run(['remote', 'get-url', 'origin'])).trim());
  }

  async fetch(): Promise<void> {
    const git = await this.originGit();
    try {
      await git.raw(['fetch', '--prune', '--no-tags', 'origin']);
    } catch (error) {
      throw classifyRemoteFailure(error, await this.remoteUrl(), 'fetch from the remote');
    }
  }

  /** The working tree's file, or with `ref` (e.g. `origin/master`) the file as committed there. */
  async readFile(rel: string, ref?: string): Promise<string> {
    const text = await this.readFileIfExists(rel, ref);
    if (text === undefined) {
      throw ApplicationFailure.nonRetryable(
        `${rel} is missing from the repository${ref ? ` at ${ref}` : ''} of project ${this.projectId}.`,
        'RepositoryFileMissing',
      );
    }
    return text;
  }

  async readFileIfExists(rel: string, ref?: string): Promise<string | undefined> {
    const path = this.pathOf(rel);
    if (ref !== undefined) {
      try {
        return await this.git.show([`${ref}:${rel}`]);
      } catch (error) {
        if (/does not exist|exists on disk, but not in|invalid object name|bad revision/i.test((error as Error).message)) return undefined;
        throw error;
      }
    }
    try {
      return await readFile(await this.insidePath(rel, path), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /**
   * `path` with its links resolved, refused when that leaves the workspace (issue #12, finding 4: a committed
   * `composer.json` linking to a secret file put its first characters into history, and `.magento/services.yaml`
   * linking outside made the worker overwrite that file). A path that does not exist yet is checked through its
   * nearest existing folder, so a write never goes through a linked folder either.
   */
  private async insidePath(rel: string, path: string): Promise<string> {
    const root = await realpath(this.dir);
    let existing = path;
    let rest = '';
    for (;;) {
      try {
        const real = await realpath(existing);
        const target = rest ? join(real, rest) : real;
        if (target !== root && !target.startsWith(root + sep)) {
          throw ApplicationFailure.nonRetryable(
            `${rel} in the repository of project ${this.projectId} is a symbolic link (or lies in a linked folder) that leaves the repository; the worker neither reads nor writes it. Replace the link with the file itself.`,
            'RepositoryLinkRefused',
          );
        }
        return target;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        // A dangling link is refused like one that leaves: where it points is not the repository's business.
        const isLink = await lstat(existing).then(
          (st) => st.isSymbolicLink(),
          () => false,
        );
        if (isLink) {
          throw ApplicationFailure.nonRetryable(
            `${rel} in the repository of project ${this.projectId} is (or lies under) a symbolic link to a missing file; the worker does not follow it. Replace the link with the file itself.`,
            'RepositoryLinkRefused',
          );
        }
        const parent = dirname(existing);
        if (parent === existing || relative(this.dir, parent).startsWith('..')) throw error;
        rest = rest ? join(relative(parent, existing), rest) : relative(parent, existing);
        existing = parent;
      }
    }
  }

  /** Modules under app/code/<Vendor>/<Module> that register themselves (have registration.php). */
  async listCustomModules(): Promise<CustomModule[]> {
    const modules: CustomModule[] = [];
    const codeDir = join(this.dir, 'app', 'code');
    if (!(await exists(codeDir))) return modules;
    await this.insidePath('app/code', codeDir);
    // subfolders() lists real folders only (a linked vendor or module folder is not a directory entry).
    for (const vendor of await subfolders(codeDir)) {
      for (const module of await subfolders(join(this.dir, 'app', 'code', vendor))) {
        const path = `app/code/${vendor}/${module}`;
        if (!(await exists(join(this.dir, path, 'registration.php')))) continue;
        const xml = (await this.readFileIfExists(`${path}/etc/module.xml`)) ?? '';
        const declared = /<module\s+name="([A-Za-z0-9_]+)"/.exec(xml)?.[1];
        const sequenceBlock = /<sequence>([\s\S]*?)<\/sequence>/.exec(xml)?.[1] ?? '';
        const sequence = [...sequenceBlock.matchAll(/<module\s+name="([A-Za-z0-9_]+)"/g)].map((m) => m[1] as string);
        modules.push({ name: declared ?? `${vendor}_${module}`, vendor, module, path, sequence });
      }
    }
    return modules;
  }

  async readComposer(ref?: string): Promise<ComposerState> {
    const composerJsonText = await this.readFile('composer.json', ref);
    const composerJson = parseComposerJson(composerJsonText);
    const lockText = await this.readFileIfExists('composer.lock', ref);
    const lockedPackages: LockedPackage[] = [];
    if (lockText !== undefined) {
      const lock = parseComposerJson(lockText, 'composer.lock');
      for (const key of ['packages', 'packages-dev']) {
        const list = lock[key];
        if (list === undefined) continue;
        if (!Array.isArray(list)) throw ApplicationFailure.nonRetryable(`composer.lock "${key}" must be a list.`, 'InvalidComposerLock');
        for (const entry of list as unknown[]) {
          const p = entry as Partial<LockedPackage>;
          if (typeof p?.name !== 'string' || typeof p.version !== 'string') {
            throw ApplicationFailure.nonRetryable(
              `composer.lock has a package without name or version: ${JSON.stringify(entry).slice(0, 200)}`,
              'InvalidComposerLock',
            );
          }
          lockedPackages.push({ name: p.name, version: p.version, type: p.type, require: p.require });
        }
      }
    }
    const locked = (name: string) => lockedPackages.find((p) => p.name === name)?.version.replace(/^v/, '');
    const require = (composerJson.require ?? {}) as Record<string, unknown>;
    const constraint = (name: string) => (typeof require[name] === 'string' ? (require[name] as string) : undefined);
    return {
      composerJsonText,
      composerJson,
      lockText,
      lockedPackages,
      installedVersion: locked(ENTERPRISE_EDITION),
      metapackageVersion: locked(METAPACKAGE),
      constraints: { metapackage: constraint(METAPACKAGE), enterpriseEdition: constraint(ENTERPRISE_EDITION) },
    };
  }

  /**
   * Checks out `name` as it is on the remote, or creates it from the remote `from` branch. Local changes and
   * unpushed commits of an earlier attempt are discarded: the step rewrites its files anyway.
   */
  async checkoutBranch(name: string, from: string): Promise<{ branch: string; head: string; created: boolean }> {
    assertBranchName(name);
    assertBranchName(from);
    await this.fetch();
    await this.discardLocalChanges();
    if (await this.remoteHas(name)) {
      await this.run(['checkout', '--quiet', '--no-track', '-B', name, `origin/${name}`]);
      return { branch: name, head: await this.rev('HEAD'), created: false };
    }
    if (!(await this.remoteHas(from))) {
      throw ApplicationFailure.nonRetryable(
        `Branch "${from}" does not exist on the remote of project ${this.projectId}; cannot create "${name}" from it. Check repository.baseBranch in the project file.`,
        'BranchMissing',
      );
    }
    await this.run(['checkout', '--quiet', '--no-track', '-B', name, `origin/${from}`]);
    return { branch: name, head: await this.rev('HEAD'), created: true };
  }

  async writeFiles(files: Record<string, string>): Promise<void> {
    for (const [rel, content] of Object.entries(files)) {
      const path = await this.insidePath(rel, this.pathOf(rel));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
    }
  }

  /**
   * Commits the working tree on `branch` (which must be checked out) and pushes it. With `stepKey` the commit
   * carries `Upgrade-Step: <stepKey>`; if the remote branch already has a commit with that trailer, nothing is
   * committed and that commit is returned, so a retried or replayed step never commits twice. The key must name
   * one execution of a step (e.g. `upgrade-acme/update-code-base#2` when the step is redone after a rejection).
   */
  async commitAndPush(branch: string, message: string, options: { stepKey?: string } = {}): Promise<CommitResult> {
    assertBranchName(branch);
    const { stepKey } = options;
    if (stepKey !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._\-/#:@]{0,200}$/.test(stepKey)) {
      throw ApplicationFailure.nonRetryable(`step key "${stepKey}" must be one line of letters, digits and ._-/#:@`, 'InvalidStepKey');
    }
    const current = await this.readNonEmpty(['rev-parse', '--abbrev-ref', 'HEAD']);
    if (current !== branch)
      throw ApplicationFailure.nonRetryable(
        `commitAndPush("${branch}") called with "${current}" checked out; call checkoutBranch first.`,
        'WrongBranch',
      );

    await this.fetch();
    const remoteHead = (await this.remoteHas(branch)) ? await this.rev(`origin/${branch}`) : undefined;
    if (stepKey !== undefined && remoteHead !== undefined) {
      const earlier = await this.findStepCommit(`origin/${branch}`, stepKey);
      if (earlier) {
        // The step already landed: leave the workspace exactly as the remote has it.
        await this.discardLocalChanges();
        await this.run(['checkout', '--quiet', '--no-track', '-B', branch, `origin/${branch}`]);
        return { commit: earlier, created: false, pushed: false };
      }
    }

    await this.run(['add', '--all']);
    const dirty = (await this.run(['status', '--porcelain'])).trim() !== '';
    if (dirty) {
      const body = stepKey === undefined ? message.trim() : `${message.trim()}\n\n${STEP_TRAILER}: ${stepKey}`;
      await this.run(['commit', '--quiet', '--no-verify', '-m', body]);
    }
    const head = await this.rev('HEAD');
    let pushed = false;
    if (head !== remoteHead) {
      await this.push(branch);
      pushed = true;
    }
    return { commit: head, created: dirty, pushed };
  }

  /** The commit at the tip of `branch` on the remote (fetched now), or undefined when the remote lacks it. */
  async headOf(branch: string): Promise<string | undefined> {
    assertBranchName(branch);
    await this.fetch();
    return (await this.remoteHas(branch)) ? this.rev(`origin/${branch}`) : undefined;
  }

  /** The newest commit reachable from `ref` whose `Upgrade-Step` trailer is exactly `stepKey`. */
  async findStepCommit(ref: string, stepKey: string): Promise<string | undefined> {
    return this.findTrailer(ref, STEP_TRAILER, stepKey);
  }

  /** Newest commit on `ref` with trailer `key: value` (exact). */
  async findTrailer(ref: string, key: string, value: string, firstParent = false): Promise<string | undefined> {
    const out = await this.run([
      'log',
      ...(firstParent ? ['--first-parent'] : []),
      '--fixed-strings',
      `--grep=${key}: ${value}`,
      `--format=%H%x09%(trailers:key=${key},valueonly,separator=%x09)`,
      ref,
      '--',
    ]);
    for (const line of out.split('\n')) {
      const [sha, ...values] = line.split('\t');
      if (sha && values.map((v) => v.trim()).includes(value)) return sha;
    }
    return undefined;
  }

  async push(branch: string): Promise<void> {
    const git = await this.originGit();
    try {
      await git.raw(['push', '--porcelain', 'origin', `HEAD:refs/heads/${branch}`]);
    } catch (error) {
      throw classifyPushFailure(error, await this.remoteUrl(), branch);
    }
    // git updates origin/<branch> itself on a successful push (the fetch refspec maps it), so no fetch here.
  }

  async remoteHas(branch: string): Promise<boolean> {
    const out = await this.run(['branch', '--remotes', '--list', `origin/${branch}`]);
    return out.trim() !== '';
  }

  async rev(ref: string): Promise<string> {
    return this.readNonEmpty(['rev-parse', '--verify', `${ref}^{commit}`]);
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    // Not `merge-base --is-ancestor`: simple-git resolves a non-zero exit without stderr, losing its answer.
    const [a, b] = [await this.rev(ancestor), await this.rev(descendant)];
    const base = await this.readNonEmpty(['merge-base', a, b]);
    return base === a;
  }

  async discardLocalChanges(): Promise<void> {
    // A worker killed in the middle of a git command leaves index.lock behind, and git then refuses every command.
    // Only one activity works on a project's clone at a time (the workflow runs its steps in order), so a lock
    // found here is stale.
    await rm(join(this.dir, '.git', 'index.lock'), { force: true });
    // A merge or revert interrupted by a crash leaves state that would make every later command fail.
    await this.git.raw(['merge', '--abort']).catch(() => undefined);
    await this.git.raw(['revert', '--abort']).catch(() => undefined);
    await this.run(['reset', '--quiet', '--hard']);
    await this.run(['clean', '--quiet', '-fd']);
  }

  /**
   * A git read that always prints something when it succeeds. simple-git now and then hands back an empty stdout
   * from a command that did print (steveukx/git-js#557 and #795, under concurrent processes); bench C saw it as a
   * project blocked with `commitAndPush("upgrade/…") called with "" checked out`. An empty answer is read again,
   * and stays a retryable failure if it remains empty, never a wrong answer.
   */
  async readNonEmpty(args: string[]): Promise<string> {
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const out = (await this.run(args)).trim();
      if (out !== '') return out;
    }
    throw ApplicationFailure.retryable(
      `git ${args.join(' ')} answered nothing, three times, in the workspace of ${this.projectId}`,
      GIT_COMMAND_FAILED,
    );
  }

  /** Runs a local git command; failures are retryable with git's reason (a lock file, a full disk…). */
  async run(args: string[]): Promise<string> {
    try {
      return await this.git.raw(args);
    } catch (error) {
      throw ApplicationFailure.retryable(
        `git ${args[0] ?? ''} failed in the workspace of ${this.projectId}: ${gitReason((error as Error).message)}`,
        GIT_COMMAND_FAILED,
      );
    }
  }

  private pathOf(rel: string): string {
    const clean = normalize(rel);
    if (isAbsolute(rel) || clean === '..' || clean.startsWith(`..${sep}`) || clean.split(sep).includes('.git')) {
      throw ApplicationFailure.nonRetryable(`"${rel}" is not a path inside the repository.`, 'InvalidPath');
    }
    return join(this.dir, clean);
  }
}

/**
 * The few variables git needs to run and reach remotes. The worker's own EDITOR, PAGER or GIT_* settings are left
 * out (simple-git refuses some of them, and they must not change what the bot does); `LC_ALL=C` keeps git's
 * messages in English, which is what git-errors.ts reads; no terminal prompt, so a missing credential fails at once.
 */
function gitEnvironment(): Record<string, string> {
  // GIT_ALLOW_PROTOCOL: only the transports a project may use, never a remote helper (ext::, fd::) that runs programs.
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', GIT_ALLOW_PROTOCOL: 'https:http:ssh:git:file' };
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'USER', 'SSH_AUTH_SOCK', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

function assertBranchName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._\-/]{0,200}$/.test(name) || name.includes('..') || name.endsWith('.lock') || name.endsWith('/')) {
    throw ApplicationFailure.nonRetryable(`"${name}" is not a usable branch name.`, 'InvalidBranchName');
  }
}

/** A URL has a scheme (`https://`, `ssh://`, `file://`) or the scp form `user@host:path`; anything else is a path. */
function isLocalPath(url: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^[^/\s]+@[^/\s]+:/.test(url);
}

/** Credentials in a URL never reach messages, logs or history. */
export function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]+@/i, '$1***@');
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function subfolders(path: string): Promise<string[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
