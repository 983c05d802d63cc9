/**
 * The real approvals gateway as a child process for integration tests (client/gateway/main.ts through tsx), with
 * its local development identity provider, against the shared dev server; and signing in through it with the
 * real `cuo login` (device grant), completing the browser step over HTTP (client/gateway/dev-login.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSigningKey, type SigningKey } from '../../client/gateway/assertion-signer';
import { completeDevLogin } from '../../client/gateway/dev-login';
import { spawnGateway } from '../../client/gateway/spawn';
import { ROOT, cliEnv } from '../cli/run-cli';
import { testServer } from '../harness/temporal';

export interface GatewayProcess {
  url: string;
  devIssuer: string;
  keyFile: string;
  key: SigningKey;
  output(): string;
  stop(): Promise<void>;
}

/** Writes a fresh Ed25519 signing key to a temp file (mode 0600), as an operator would with openssl. */
export function signingKeyFile(): { file: string; key: SigningKey } {
  const { pem, key } = generateSigningKey();
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'cuo-gw-key-')), 'signing-key.pem');
  writeFileSync(file, pem, { mode: 0o600 });
  return { file, key };
}

export async function startGateway(
  options: { keyFile?: string; key?: SigningKey; env?: Record<string, string> } = {},
): Promise<GatewayProcess> {
  const made = options.keyFile && options.key ? { file: options.keyFile, key: options.key } : signingKeyFile();
  const server = testServer();
  const child = await spawnGateway({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CUO_FROM_SOURCE: '1',
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: server.namespace,
    TEMPORAL_CONFIG_FILE: path.join(tmpdir(), 'cuo-test-no-such-temporal.toml'),
    GATEWAY_PORT: '0',
    GATEWAY_DEV_IDP_PORT: '0',
    GATEWAY_SIGNING_KEY_FILE: made.file,
    LOG_LEVEL: 'info',
    ...options.env,
  });
  return { url: child.url, devIssuer: child.devIssuer!, keyFile: made.file, key: made.key, output: child.output, stop: child.stop };
}

export interface SignedInCli {
  email: string;
  configDir: string;
  env: Record<string, string>;
}

/** Runs the real `cuo login` and signs `email` in at the development login, as the person would in a browser. */
export async function loginAs(
  gateway: GatewayProcess,
  email: string,
  options: { unverified?: boolean } = {},
): Promise<SignedInCli & { stdout: string; code: number }> {
  const configDir = mkdtempSync(path.join(tmpdir(), 'cuo-cfg-'));
  const env = { CUO_GATEWAY_URL: gateway.url, CUO_CONFIG_DIR: configDir };
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'cuo.js'), 'login'], {
    cwd: ROOT,
    env: cliEnv({ env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  const deadline = Date.now() + 30_000;
  let link: string | undefined;
  while (!link && Date.now() < deadline) {
    link = /open (http\S+)/.exec(stdout)?.[1];
    if (!link) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!link) throw new Error(`cuo login showed no link:\n${stdout}`);
  await completeDevLogin(link, email, options);
  const code = await exited;
  return { email, configDir, env, stdout, code };
}
