/**
 * Runs the approvals gateway as a child process (from the TypeScript source through tsx, or the build) and waits
 * for its ready line. The demo and the integration tests use it; the gateway is a service of its own, as in
 * production, and its identity-provider libraries load in their own process.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { GATEWAY_READY } from './ready';

export interface GatewayChild {
  url: string;
  devIssuer?: string;
  keyId: string;
  output(): string;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * `ownGroup`: the gateway gets a process group of its own, so a Ctrl-C in the caller's terminal does not stop it
 * before the caller has used it one last time (the demo cancels its project through it); the caller stops it, and
 * it is killed when the caller's process exits.
 */
export async function spawnGateway(
  env: NodeJS.ProcessEnv,
  timeoutMs = 90_000,
  options: { ownGroup?: boolean } = {},
): Promise<GatewayChild> {
  const source = path.join(ROOT, 'client', 'gateway', 'main.ts');
  const built = path.join(ROOT, 'dist', 'client', 'gateway', 'main.js');
  const args = existsSync(source) && (env.CUO_FROM_SOURCE === '1' || !existsSync(built)) ? ['--import', 'tsx', source] : [built];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownGroup ?? false });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`the approvals gateway did not start in ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    const check = () => {
      const match = new RegExp(`${GATEWAY_READY} (\\S+) \\(key (\\S+?)(?:; development login at (\\S+))?\\)`).exec(output);
      if (match) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(match);
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the approvals gateway exited with ${code}:\n${output}`));
    };
    child.stdout.on('data', check);
    child.once('exit', onExit);
  });
  return {
    url: ready[1]!,
    keyId: ready[2]!,
    ...(ready[3] ? { devIssuer: ready[3] } : {}),
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
