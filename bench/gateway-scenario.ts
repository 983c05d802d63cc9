/**
 * Scenario G (issue #13): the `decide` round trip through the approvals gateway against a signed update sent
 * straight to Temporal, at light load, in the same run. Both sign with the project's current status (the gateway
 * queries it, the direct path's signing interceptor too), so the ratio shows what the gateway adds: HTTP, the ID
 * token's verification, the participants lookup. People sign in once, through the real device grant.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { run } from '../client/cli';
import { loadCredentials } from '../client/credentials';
import { ensureDevSigningKey, loadSigningKey, signDecision } from '../client/gateway/assertion-signer';
import { completeDevLogin } from '../client/gateway/dev-login';
import { spawnGateway } from '../client/gateway/spawn';
import { plainStyle } from '../client/io';
import type { TrustedKey } from '../workflows/decision-assertion';
import { type ProjectStatus } from '../workflows/contract';
import type { Role } from '../workflows/roles';
import { summarize, type LatencySummary } from './stats';

export interface GatewayResult {
  projects: number;
  decisions: number;
  gatewayDecideMs: LatencySummary;
  directDecideMs: LatencySummary;
  /** gateway p50 / direct p50, and the same for p99. */
  ratioP50: number;
  ratioP99: number;
  failures: string[];
}

interface StatusLike {
  state: string;
  awaiting: { gateId: string; state: string; roles: string[]; actors: string[] }[];
}

async function signIn(gatewayUrl: string, configDir: string, email: string): Promise<string> {
  const env = { ...process.env, CUO_GATEWAY_URL: gatewayUrl, CUO_CONFIG_DIR: configDir };
  let resolveLink: (url: string) => void = () => undefined;
  const link = new Promise<string>((resolve) => (resolveLink = resolve));
  const io = {
    style: plainStyle(),
    out: (t: string) => void (/open (http\S+)/.exec(t) && resolveLink(/open (http\S+)/.exec(t)![1]!)),
    err: () => undefined,
    json: () => undefined,
    now: () => Date.now(),
  };
  const login = run(['login', '--email', email], io, env);
  await completeDevLogin(await link, email);
  if ((await login) !== 0) throw new Error(`cuo login as ${email} failed`);
  return loadCredentials(configDir, gatewayUrl)!.idToken;
}

export async function runGatewayScenario(options: {
  address: string;
  client: Client;
  dataDir: string;
  count: number;
  concurrency: number;
  owners: Record<string, string>;
  start: (index: number, keys: TrustedKey[]) => Promise<WorkflowHandle>;
  deadline: number;
  say: (line: string) => void;
}): Promise<GatewayResult> {
  const keyFile = join(options.dataDir, 'gateway-signing-key.pem');
  mkdirSync(options.dataDir, { recursive: true });
  ensureDevSigningKey(keyFile);
  const key = loadSigningKey(keyFile);
  const gateway = await spawnGateway({
    ...process.env,
    TEMPORAL_ADDRESS: options.address,
    GATEWAY_PORT: '0',
    GATEWAY_DEV_IDP_PORT: '0',
    GATEWAY_SIGNING_KEY_FILE: keyFile,
    GATEWAY_DECISION_RATE: '100000',
    GATEWAY_LOGIN_RATE: '1000',
    LOG_LEVEL: 'warn',
  });
  const gatewayMs: number[] = [];
  const directMs: number[] = [];
  const failures: string[] = [];
  try {
    const { keys } = (await (await fetch(`${gateway.url}/api/keys`)).json()) as { keys: TrustedKey[] };
    const tokens: Record<string, string> = {};
    for (const [role, email] of Object.entries(options.owners))
      tokens[role] = await signIn(gateway.url, join(options.dataDir, 'people', email), email);
    let next = 0;
    const drive = async (index: number) => {
      const handle = await options.start(index, keys);
      let viaGateway = index % 2 === 0;
      while (Date.now() < options.deadline) {
        const status = await handle.query<StatusLike>('status');
        if (status.state !== 'running') return;
        const waiting = status.awaiting.find((a) => a.state === 'awaiting-approval');
        if (!waiting) {
          await new Promise((r) => setTimeout(r, 25));
          continue;
        }
        const role = waiting.roles[0]!;
        const t0 = performance.now();
        if (viaGateway) {
          const res = await fetch(
            `${gateway.url}/api/projects/${handle.workflowId.slice('upgrade-'.length)}/tasks/${waiting.gateId}/decisions`,
            {
              method: 'POST',
              headers: { authorization: `Bearer ${tokens[role]}`, 'content-type': 'application/json' },
              body: JSON.stringify({ decision: 'approve', requestId: `g-${index}-${waiting.gateId}-${next++}` }),
            },
          );
          if (!res.ok) throw new Error(`gateway answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
          gatewayMs.push(performance.now() - t0);
        } else {
          // Signed here with the gateway's own key (the project trusts that one): a status read, the assertion, the update.
          const current = await handle.query<ProjectStatus>('status');
          const payload = {
            taskId: waiting.gateId,
            decision: 'approve' as const,
            actor: options.owners[role]!,
            role: role as Role,
            requestId: `d-${index}-${next++}`,
          };
          const identity = { iss: 'bench-direct', sub: payload.actor, amr: 'oidc' as const, at: Math.floor(Date.now() / 1000) };
          await handle.executeUpdate('decide', { args: [signDecision(key, current, payload, identity)] });
          directMs.push(performance.now() - t0);
        }
        // Alternate, so both paths see the same projects, tasks and load.
        viaGateway = !viaGateway;
      }
    };
    const queue = Array.from({ length: options.count }, (_, i) => i);
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
          try {
            await drive(i);
          } catch (err) {
            failures.push(`${i}: ${(err as Error).message}`);
          }
        }
      }),
    );
  } finally {
    await gateway.stop();
  }
  const g = summarize(gatewayMs);
  const d = summarize(directMs);
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  for (const f of failures.slice(0, 3)) options.say(`G failure: ${f}`);
  options.say(`G done: decide through the gateway p50 ${g.p50} / p99 ${g.p99} ms, direct p50 ${d.p50} / p99 ${d.p99} ms`);
  return {
    projects: options.count,
    decisions: gatewayMs.length + directMs.length,
    gatewayDecideMs: g,
    directDecideMs: d,
    ratioP50: ratio(g.p50, d.p50),
    ratioP99: ratio(g.p99, d.p99),
    failures: failures.slice(0, 10),
  };
}
