/**
 * Turns git's failures into Temporal failures with git's own reason in the message. Push rejections and unreachable
 * remotes are retryable: a hook may be lifted, a concurrent push resolved by redoing the step on the new head, a
 * network come back; when retries run out the workflow blocks the task and a person reads this message.
 */
import { ApplicationFailure } from '@temporalio/common';
import { normaliseConnectError } from '../remote/command-runner';

export const GIT_PUSH_REJECTED = 'GitPushRejected';
export const GIT_REMOTE_UNREACHABLE = 'GitRemoteUnreachable';
export const GIT_COMMAND_FAILED = 'GitCommandFailed';

const UNREACHABLE = [
  /does not appear to be a git repository/i,
  /could not read from remote repository/i,
  /unable to access/i,
  /could not resolve host/i,
  /connection (refused|timed out|reset)/i,
  /repository .* (not found|does not exist)/i,
  /no such file or directory/i,
  /unable to connect/i,
  /network is unreachable/i,
];

/** The lines of git's stderr that say why: hook output (`remote: …`), ref status lines and `fatal:`/`error:`. */
export function gitReason(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => /^(remote:|!|fatal:|error:|hint: Updates were rejected)/.test(line))
    .map((line) => line.replace(/^remote:\s*/, 'remote: '))
    .filter((line) => line !== 'remote:');
  // Which way a connection failed (refused, timed out) tells which local ports answer: one sentence for all.
  const reason = normaliseConnectError((lines.length ? lines : stderr.split(/\r?\n/).filter(Boolean).slice(-3)).join(' | '));
  // Credentials in a remote URL never reach messages, logs or workflow history.
  const safe = reason.replace(/([a-z][a-z0-9+.-]*:\/\/)[^@/\s]+@/gi, '$1***@');
  return safe.length > 1500 ? `${safe.slice(0, 1500)}…` : safe;
}

export function classifyPushFailure(error: unknown, remote: string, branch: string): ApplicationFailure {
  const text = messageOf(error);
  if (/\[(remote )?rejected\]|pre-receive hook declined|failed to push some refs|non-fast-forward|protected branch/i.test(text)) {
    return ApplicationFailure.retryable(
      `git push of branch "${branch}" to ${remote} was rejected: ${gitReason(text)}. ` +
        'If the branch moved on the remote the step is redone on the new head; if a hook or branch protection refuses the bot, allow pushes by the upgrade bot.',
      GIT_PUSH_REJECTED,
    );
  }
  return classifyRemoteFailure(error, remote, `push branch "${branch}"`);
}

export function classifyRemoteFailure(error: unknown, remote: string, operation: string): ApplicationFailure {
  const text = messageOf(error);
  if (UNREACHABLE.some((pattern) => pattern.test(text))) {
    return ApplicationFailure.retryable(
      `git could not ${operation}: the remote ${remote} is unreachable or not a repository (${gitReason(text)}). ` +
        "Check repository.url in the project file and the worker's network and credentials.",
      GIT_REMOTE_UNREACHABLE,
    );
  }
  return ApplicationFailure.retryable(`git could not ${operation} (${remote}): ${gitReason(text)}`, GIT_COMMAND_FAILED);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
