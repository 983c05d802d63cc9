/** How global setup, teardown and test files find the one shared dev server. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';

export const ADDRESS_VAR = 'CUO_TEST_TEMPORAL_ADDRESS';
export const NAMESPACE_VAR = 'CUO_TEST_TEMPORAL_NAMESPACE';

const KEY = '__cuoSharedTemporalEnv';
type WithEnv = typeof globalThis & { [KEY]?: TestWorkflowEnvironment };

export function setSharedEnv(env: TestWorkflowEnvironment): void {
  (globalThis as WithEnv)[KEY] = env;
}

export function takeSharedEnv(): TestWorkflowEnvironment | undefined {
  const env = (globalThis as WithEnv)[KEY];
  delete (globalThis as WithEnv)[KEY];
  return env;
}
