/**
 * Starts the approvals gateway in this process: the HTTP API, its Temporal client and, for development, the local
 * identity provider. client/gateway/main.ts runs it as a service; the demo runs it beside its worker.
 */
import type { AddressInfo } from 'node:net';
import { ArtifactStore } from '../../activities/artifact-store';
import { connectClient } from '../connection';
import { loadSigningKey, type SigningKey } from './assertion-signer';
import type { GatewayConfig } from './config';
import { DecisionSender } from './decisions';
import { startDevIdentityProvider, type DevIdentityProvider } from './dev-identity-provider';
import { ProjectDirectory } from './project-directory';
import { buildGateway } from './server';
import { TokenVerifier } from './token-verifier';

export interface RunningGateway {
  url: string;
  key: SigningKey;
  /** The development login's issuer, when it runs. */
  devIssuer?: string;
  close(): Promise<void>;
}

export async function startGatewayService(config: GatewayConfig): Promise<RunningGateway> {
  const key = loadSigningKey(config.signingKeyFile);
  const previous = config.previousKeyFiles.map((file) => loadSigningKey(file).publicKey);
  const { client, connection, namespace } = await connectClient();
  const directory = new ProjectDirectory(client, namespace);
  const verifier = new TokenVerifier(config.issuers);
  let issuers = config.issuers;
  const sender = new DecisionSender(client, directory, key, config.assertionTtlSec);
  let url = config.publicUrl ?? '';
  const app = await buildGateway({
    config,
    verifier,
    directory,
    sender,
    keys: [key.publicKey, ...previous],
    issuers: () => issuers,
    publicUrl: () => url,
    ...(config.artifactDir ? { artifacts: new ArtifactStore(config.artifactDir) } : {}),
  });
  await app.listen({ host: config.host, port: config.port });
  const port = (app.server.address() as AddressInfo).port;
  url = config.publicUrl ?? `http://${config.host}:${port}`;
  let devIdp: DevIdentityProvider | undefined;
  if (config.devIdp) {
    devIdp = await startDevIdentityProvider({
      port: config.devIdp.port,
      gatewayUrl: url,
      tokenTtlSec: config.devIdp.tokenTtlSec,
      knownPeople: () => directory.knownPeople(),
    });
    issuers = [...issuers, devIdp.issuer];
    verifier.add(devIdp.issuer);
  }
  return {
    url,
    key,
    ...(devIdp ? { devIssuer: devIdp.issuer.issuer } : {}),
    close: async () => {
      await app.close();
      await devIdp?.close();
      await connection.close();
    },
  };
}
