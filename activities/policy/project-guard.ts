/**
 * The worker's policy applied to one project before an activity acts on it: every host the project names (its
 * environments' URLs, a network repository) and its local repository folder. Called at the start of each activity
 * that reaches the repository or the environments, so a refused project does nothing at all and the owner reads why.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { ProjectInput } from '../../workflows/project-input';
import { assertHostAllowed, assertUrlAllowed, EGRESS_REFUSED, type Resolve } from './egress';
import type { WorkerPolicy } from './worker-policy';

export const LOCAL_REPOSITORY_REFUSED = 'LocalRepositoryRefused';

/** The network protocols git may use for a project; `ext::`, `fd::` and other helpers could run programs. */
const GIT_PROTOCOLS = new Set(['https:', 'http:', 'ssh:', 'git:']);

export type RepositoryLocation = { kind: 'local'; path: string } | { kind: 'network'; host: string };

/** A URL has a scheme (`https://`, `ssh://`, `file://`) or the scp form `user@host:path`; anything else is a path. */
export function repositoryLocation(url: string): RepositoryLocation {
  const scp = /^[^/\s:@]+@([^/\s:]+):/.exec(url);
  if (scp) return { kind: 'network', host: scp[1]! };
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url) || /^[a-z]:[\\/]/i.test(url)) return { kind: 'local', path: url };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw ApplicationFailure.nonRetryable(`repository.url "${url.slice(0, 200)}" is neither a git URL nor a local path`, EGRESS_REFUSED);
  }
  if (parsed.protocol === 'file:') return { kind: 'local', path: decodeURIComponent(parsed.pathname) };
  if (!GIT_PROTOCOLS.has(parsed.protocol)) {
    throw ApplicationFailure.nonRetryable(
      `repository.url uses ${parsed.protocol}, which the worker does not use; use https://, ssh://, git@host:path or a local path`,
      EGRESS_REFUSED,
    );
  }
  return { kind: 'network', host: parsed.hostname };
}

/** True when `path` (resolved) is `root` or inside it. */
export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * A local repository only under one of the operator's CUO_LOCAL_REPOSITORY_ROOTS, links resolved (issue #12,
 * finding 5: any path on the worker host, another project's workspace or the orchestrator's own checkout, was
 * cloned and pushed to).
 */
export async function assertLocalRepositoryAllowed(path: string, roots: readonly string[]): Promise<string> {
  if (!isAbsolute(path)) {
    throw ApplicationFailure.nonRetryable(
      `repository.url "${path}" is a relative path; a local repository must be an absolute path`,
      LOCAL_REPOSITORY_REFUSED,
    );
  }
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    real = resolve(path); // Missing: cloning will say so; it still has to be under a root.
  }
  for (const root of roots) {
    const realRoot = await realpath(root).catch(() => resolve(root));
    if (isInside(real, realRoot)) return real;
  }
  throw ApplicationFailure.nonRetryable(
    `repository.url "${path}" is a local folder outside the worker's CUO_LOCAL_REPOSITORY_ROOTS (${roots.join(', ') || 'none: local repositories are refused'}); ` +
      "use the repository's git URL, or ask the worker's operator to allow that folder.",
    LOCAL_REPOSITORY_REFUSED,
  );
}

export interface GuardOptions {
  /** Only what this activity reaches: `environments` (their URLs) and/or `repository`. */
  reaches: Array<'environments' | 'repository'>;
  resolve?: Resolve;
}

export async function assertProjectAllowed(project: ProjectInput, policy: WorkerPolicy, options: GuardOptions): Promise<void> {
  if (options.reaches.includes('environments')) {
    for (const name of ['staging', 'production'] as const) {
      await assertUrlAllowed(project.environments[name].url, `environments.${name}.url`, policy.network, options.resolve);
    }
  }
  if (options.reaches.includes('repository')) {
    const location = repositoryLocation(project.repository.url);
    if (location.kind === 'local') await assertLocalRepositoryAllowed(location.path, policy.localRepositoryRoots);
    else await assertHostAllowed(location.host, 'repository.url', policy.network, options.resolve);
  }
}
