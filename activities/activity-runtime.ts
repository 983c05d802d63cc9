/**
 * What every activity wrapper needs from the Temporal activity context: heartbeats that carry progress, the
 * cancellation signal, the details of an earlier attempt; and the resolution of an environment's remote target.
 * Outside an activity (plain unit calls) the helpers do nothing, so adapters stay testable on their own.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Environment } from '../workflows/project-input';
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
 * Where an environment's commands run. The project names an SSH identity; the key path comes from the worker's
 * configuration (SSH_IDENTITY_<NAME>), so no secret travels through workflow history.
 */
export function remoteTargetOf(
  name: 'staging' | 'production',
  environment: Environment,
  sshIdentities: Record<string, string>,
): RemoteTarget | undefined {
  const remote = environment.remote;
  if (!remote) return undefined;
  if (remote.type === 'local') return { type: 'local', ...(remote.cwd ? { cwd: remote.cwd } : {}) };
  let identityFile: string | undefined;
  if (remote.identity) {
    identityFile = sshIdentities[remote.identity.toLowerCase()];
    if (!identityFile) {
      throw ApplicationFailure.nonRetryable(
        `environments.${name}.remote.identity "${remote.identity}" is not configured on the worker; set SSH_IDENTITY_${remote.identity.toUpperCase()} to the private key's path`,
        'SshIdentityMissing',
      );
    }
  }
  return { type: 'ssh', host: remote.host, user: remote.user, port: remote.port, ...(identityFile ? { identityFile } : {}) };
}

/** The branch the upgrade is prepared on; one name per target so people recognise it. */
export function upgradeBranchOf(targetVersion: string): string {
  return `upgrade/${targetVersion}`;
}
