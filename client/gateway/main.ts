/**
 * The approvals gateway process (`npm run gateway`, started by `npm run dev`): configuration from the environment
 * (client/gateway/config.ts), the signing key from its file, Temporal through the standard environment
 * configuration, and — for development — the local identity provider. `--create-key-if-missing` (development only)
 * writes a fresh signing key, mode 0600, where GATEWAY_SIGNING_KEY_FILE points.
 */
import { ensureDevSigningKey } from './assertion-signer';
import { GatewayConfigError, loadGatewayConfig } from './config';
import { GATEWAY_READY } from './ready';
import { startGatewayService } from './service';

async function main(): Promise<void> {
  let config;
  try {
    config = loadGatewayConfig(process.env);
  } catch (err) {
    if (err instanceof GatewayConfigError) {
      process.stderr.write(`gateway: configuration: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (process.argv.includes('--create-key-if-missing') && ensureDevSigningKey(config.signingKeyFile)) {
    process.stderr.write(`gateway: wrote a new development signing key to ${config.signingKeyFile}\n`);
  }
  const gateway = await startGatewayService(config);
  process.stdout.write(
    `${GATEWAY_READY} ${gateway.url} (key ${gateway.key.publicKey.kid}${gateway.devIssuer ? `; development login at ${gateway.devIssuer}` : ''})\n`,
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await gateway.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err: unknown) => {
  // The message only: a stack could carry configuration values.
  process.stderr.write(`gateway: ${(err as Error).message}\n`);
  process.exit(1);
});
