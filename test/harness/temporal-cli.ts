/**
 * Which Temporal CLI binary the shared test server runs: TEMPORAL_CLI_PATH (scripts/test.sh exports it), else
 * whatever scripts/provision-temporal.sh finds or builds (so a plain `npx jest` works too). Undefined means the
 * provisioning script deferred to the SDK's own download.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export function resolveTemporalCliPath(): string | undefined {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) return fromEnv;
  const script = path.resolve(__dirname, '..', '..', 'scripts', 'provision-temporal.sh');
  // stderr is inherited so a first-time `go install` shows its progress in the jest output.
  const result = spawnSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) {
    throw new Error('Cannot provision the Temporal CLI for the integration tests (see the message above).');
  }
  const found = result.stdout.trim();
  return found === '' ? undefined : found;
}
