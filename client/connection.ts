/**
 * The one place that knows how to reach Temporal. Worker and CLI both connect through the standard Temporal
 * environment configuration (@temporalio/envconfig): TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 * TEMPORAL_TLS*, TEMPORAL_PROFILE and TEMPORAL_CONFIG_FILE (a TOML file of profiles, by default
 * ~/.config/temporalio/temporal.toml). With none of them set this is the local dev server, localhost:7233 / default.
 */
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { ClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnection } from '@temporalio/worker';

export const DEFAULT_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';

export interface ConnectOptions {
  /** Profile name in the config file; defaults to TEMPORAL_PROFILE, then "default". */
  profile?: string;
  /** Environment to read instead of process.env (tests, or a CLI flag turned into a variable). */
  env?: Record<string, string | undefined>;
}

export interface ResolvedConnectConfig {
  address: string;
  namespace: string;
  connectionOptions: ClientConnectConfig['connectionOptions'];
}

/** Resolves address, namespace, TLS and API key from the environment/profile without connecting. */
export function loadConnectConfig(options: ConnectOptions = {}): ResolvedConnectConfig {
  const overrideEnvVars = options.env
    ? Object.fromEntries(Object.entries(options.env).filter((e): e is [string, string] => e[1] !== undefined))
    : undefined;
  let config: ClientConnectConfig;
  try {
    config = loadClientConnectConfig({ profile: options.profile, overrideEnvVars });
  } catch (err) {
    throw new Error(
      `Cannot load the Temporal connection configuration (TEMPORAL_PROFILE / TEMPORAL_CONFIG_FILE): ${(err as Error).message}`,
    );
  }
  const address = config.connectionOptions.address ?? DEFAULT_ADDRESS;
  return {
    address,
    namespace: config.namespace ?? DEFAULT_NAMESPACE,
    connectionOptions: { ...config.connectionOptions, address },
  };
}

function unreachable(address: string, err: unknown): Error {
  return new Error(
    `Cannot connect to Temporal at ${address}: ${(err as Error).message}. ` +
      'Start the local server with `npm run dev`, or point TEMPORAL_ADDRESS / TEMPORAL_PROFILE at your cluster.',
    { cause: err },
  );
}

/** A client for the CLI and tools. Close `connection` when done. */
export async function connectClient(options: ConnectOptions = {}): Promise<{ client: Client; connection: Connection; namespace: string }> {
  const config = loadConnectConfig(options);
  let connection: Connection;
  try {
    connection = await Connection.connect(config.connectionOptions);
  } catch (err) {
    throw unreachable(config.address, err);
  }
  return { client: new Client({ connection, namespace: config.namespace }), connection, namespace: config.namespace };
}

/** A native connection for a Worker. Close `connection` after the worker stopped. */
export async function connectNative(
  options: ConnectOptions = {},
): Promise<{ connection: NativeConnection; namespace: string; address: string }> {
  const config = loadConnectConfig(options);
  // Loaded lazily so the CLI, which only needs connectClient, never loads the worker's native module.
  const { NativeConnection } = await import('@temporalio/worker');
  try {
    const connection = await NativeConnection.connect(config.connectionOptions);
    return { connection, namespace: config.namespace, address: config.address };
  } catch (err) {
    throw unreachable(config.address, err);
  }
}
