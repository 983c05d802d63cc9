/**
 * The approvals gateway process (`npm run gateway`, started by `npm run dev`): configuration from the environment
 * (client/gateway/config.ts), the signing key from its file, Temporal through the standard environment
 * configuration, and — for development — the local identity provider. `--create-key-if-missing` (development only)
 * writes a fresh signing key, mode 0600, where GATEWAY_SIGNING_KEY_FILE points.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AddressInfo } from 'node:net';
import { connectClient } from '../connection';
import { generateSigningKey, loadSigningKey } from './assertion-signer';
import { GatewayConfigError, loadGatewayConfig } from './config';
import { DecisionSender } from './decisions';
import { startDevIdentityProvider, type DevIdentityProvider } from './dev-identity-provider';
import { ProjectDirectory } from './project-directory';
import { GATEWAY_READY } from './ready';
import { buildGateway } from './server';
import { TokenVerifier } from './token-verifier';


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
  if (process.argv.includes('--create-key-if-missing') && !existsSync(config.signingKeyFile)) {
    mkdirSync(dirname(config.signingKeyFile), { recursive: true });
    writeFileSync(config.signingKeyFile, generateSigningKey().pem, { mode: 0o600 });
    process.stderr.write(`gateway: wrote a new development signing key to ${config.signingKeyFile}\n`);
  }
  const key = loadSigningKey(config.signingKeyFile);
  const previous = config.previousKeyFiles.map((file) => loadSigningKey(file).publicKey);
  const { client, connection, namespace } = await connectClient();
  const directory = new ProjectDirectory(client, namespace);
  const verifier = new TokenVerifier(config.issuers);
  let issuers = config.issuers;
  const sender = new DecisionSender(client, directory, key, config.assertionTtlSec);
  const app = await buildGateway({ config, verifier, directory, sender, keys: [key.publicKey, ...previous], issuers: () => issuers });
  await app.listen({ host: config.host, port: config.port });
  const port = (app.server.address() as AddressInfo).port;
  const publicUrl = config.publicUrl ?? `http://${config.host}:${port}`;

  let devIdp: DevIdentityProvider | undefined;
  if (config.devIdp) {
    devIdp = await startDevIdentityProvider({ port: config.devIdp.port, gatewayUrl: publicUrl, tokenTtlSec: config.devIdp.tokenTtlSec, knownPeople: () => directory.knownPeople() });
    issuers = [...issuers, devIdp.issuer];
    verifier.add(devIdp.issuer);
  }
  process.stdout.write(`${GATEWAY_READY} ${publicUrl} (key ${key.publicKey.kid}${devIdp ? `; development login at ${devIdp.issuer.issuer}` : ''})\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    await devIdp?.close();
    await connection.close();
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
