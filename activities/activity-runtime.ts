/**
 * What every activity wrapper needs from the Temporal activity context: heartbeats that carry progress, the
 * cancellation signal, the details of an earlier attempt; and the resolution of an environment's remote target.
 * Outside an activity (plain unit calls) the helpers do nothing, so adapters stay testable on their own.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Environment } from '../workflows/project-input';
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isInside } from './policy/project-guard';
import { hostAllowed, type CommandPolicy } from './policy/worker-policy';
import type { RemoteTarget } from './remote/command-runner';

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** Heartbeats with `details`; the server then knows the worker is alive and a retry can resume from them. */
export function heartbeat(details?: unknown): void {
  currentContext()?.heartbeat(details);
}

/** Aborts when Temporal cancels the activity (workflow cancelled, heartbeat timeout, worker shutdown). */
export function cancellationSignal(): AbortSignal | undefined {
  return currentContext()?.cancellationSignal;
}

/** Heartbeat details of the previous attempt, if any. */
export function previousHeartbeat(): unknown {
  return currentContext()?.info.heartbeatDetails;
}

/** The attempt number (1 on the first run). */
export function attempt(): number {
  return currentContext()?.info.attempt ?? 1;
}

/**
 * Where an environment's commands run, as the worker's policy allows (issue #12, finding 1: `remote: local` in a
 * project file made the worker run any shell command on its own host). Local commands only when the operator set
 * CUO_ALLOW_LOCAL_COMMANDS=1, and never inside the worker's data folder, where the project's own repository is
 * checked out: a `vendor/bin/ece-tools` or `bin/magento` committed there must not run on the worker. SSH hosts
 * must match CUO_SSH_ALLOWED_HOSTS. The project names an SSH identity; the key path comes from the worker's
 * configuration (SSH_IDENTITY_<NAME>), so no secret travels through workflow history.
 */
export async function remoteTargetOf(
  name: 'staging' | 'production',
  environment: Environment,
  sshIdentities: Record<string, string>,
  policy: CommandPolicy,
  workerDataDir: string,
): Promise<RemoteTarget | undefined> {
  const remote = environment.remote;
  if (!remote) return undefined;
  const field = `environments.${name}.remote`;
  if (remote.type === 'local') {
    if (!policy.allowLocal) {
      throw ApplicationFailure.nonRetryable(
        `${field} is "local", but this worker does not run commands on its own host (CUO_ALLOW_LOCAL_COMMANDS is not 1); use an ssh remote`,
        COMMAND_REFUSED,
      );
    }
    const cwd = remote.cwd ?? '.';
    const real = await realpath(resolve(cwd)).catch(() => {
      throw ApplicationFailure.nonRetryable(`${field}.cwd "${cwd}" is not an existing folder on the worker`, COMMAND_REFUSED);
    });
    const dataDir = await realpath(workerDataDir).catch(() => resolve(workerDataDir));
    if (isInside(real, dataDir) || isInside(dataDir, real)) {
      throw ApplicationFailure.nonRetryable(
        `${field}.cwd "${cwd}" is (or holds) the worker's data folder, where project repositories are checked out; their files never run on the worker`,
        COMMAND_REFUSED,
      );
    }
    return { type: 'local', cwd: real };
  }
  if (!hostAllowed(remote.host, policy.sshHosts)) {
    throw ApplicationFailure.nonRetryable(
      `${field}.host "${remote.host}" is not in the worker's CUO_SSH_ALLOWED_HOSTS (${policy.sshHosts.join(', ') || 'empty: no ssh target allowed'}); ` +
        `ask the worker's operator to allow it`,
      COMMAND_REFUSED,
    );
  }
  let identityFile: string | undefined;
  if (remote.identity) {
    identityFile = sshIdentities[remote.identity.toLowerCase()];
    if (!identityFile) {
      throw ApplicationFailure.nonRetryable(
        `environments.${name}.remote.identity "${remote.identity}" is not configured on the worker; set ` +
          `SSH_IDENTITY_${remote.identity.toUpperCase()} to the private key's path`,
        'SshIdentityMissing',
      );
    }
  }
  return { type: 'ssh', host: remote.host, user: remote.user, port: remote.port, ...(identityFile ? { identityFile } : {}) };
}

export const COMMAND_REFUSED = 'CommandTargetRefused';

/** The branch the upgrade is prepared on; one name per target so people recognise it. */
export function upgradeBranchOf(targetVersion: string): string {
  return `upgrade/${targetVersion}`;
}
