/**
 * Input errors of this area that no retry can fix, turned into non-retryable Temporal failures with their message
 * (which says what was wrong and how to fix it). For the activity wrappers in createActivities:
 *
 *   determineInfrastructureChanges: async (...) => nonRetryableInputErrors(() => computeInfrastructureChanges(...))
 */
import { ApplicationFailure } from '@temporalio/common';
import { UnknownCommerceVersionError } from '../requirements/catalog';
import { ConfigFileError } from './services-yaml';

/** Failure types, for callers that branch on `ApplicationFailure.type`. */
export const FAILURE_TYPES = {
  unknownVersion: 'UnknownCommerceVersion',
  invalidConfigFile: 'InvalidConfigFile',
} as const;

/** The error itself, or a non-retryable ApplicationFailure when it is an unknown version or an unreadable file. */
export function toNonRetryable(error: unknown): unknown {
  if (error instanceof UnknownCommerceVersionError) {
    return ApplicationFailure.nonRetryable(error.message, FAILURE_TYPES.unknownVersion, {
      version: error.version,
      knownVersions: [...error.knownVersions],
    });
  }
  if (error instanceof ConfigFileError) {
    return ApplicationFailure.nonRetryable(error.message, FAILURE_TYPES.invalidConfigFile, {
      file: error.file,
      line: error.line ?? null,
    });
  }
  return error;
}

/** Runs `fn`, rethrowing input errors as non-retryable failures (other errors unchanged, so they retry). */
export function nonRetryableInputErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toNonRetryable(error);
  }
}
