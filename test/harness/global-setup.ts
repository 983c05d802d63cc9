/**
 * Starts ONE real Temporal dev server for the whole integration run (a server per file would cost seconds each).
 * Test files run in other processes, so the address goes through process.env (inherited by jest's workers);
 * the environment object stays on globalThis for global-teardown.ts, which runs in this same process.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { UPGRADE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { resolveTemporalCliPath } from './temporal-cli';
import { ADDRESS_VAR, NAMESPACE_VAR, setSharedEnv } from './shared-env';

export default async function globalSetup(): Promise<void> {
  const cliPath = resolveTemporalCliPath();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: cliPath ? { type: 'existing-path', path: cliPath } : { type: 'cached-download' },
      searchAttributes: [...UPGRADE_SEARCH_ATTRIBUTES],
    },
  });
  setSharedEnv(env);
  process.env[ADDRESS_VAR] = env.address;
  process.env[NAMESPACE_VAR] = env.namespace ?? 'default';
}
