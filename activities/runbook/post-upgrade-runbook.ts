/**
 * The post-upgrade runbook on an environment (Staging after the code update, Production at go-live): the storefront
 * pages a shopper reaches first, GraphQL `storeConfig`, the admin login page, response times, then
 * `bin/magento setup:db:status` judged by its documented exit code and the project's own commands.
 *
 * Adobe documents these checks separately; no Adobe source orders them into one runbook — this order is ours
 * (facts §5). Every check records its evidence, so the owner approves what was seen, not a green tick.
 */
import type { LookupFunction } from 'node:net';
import { describeOutcome, runRemoteCommand, succeeded, type RemoteCommandResult, type RemoteTarget } from '../remote/command-runner';
import { DB_STATUS_COMMAND, describeDbStatus, interpretDbStatus, type DbStatus } from '../remote/db-status';
import { HttpProber, joinUrl, type ProbeResult, type TlsTrust } from './http-probe';

export interface RunbookRequest {
  baseUrl: string;
  /** Host name resolution for the probes (the worker's, refusing non-public addresses; see policy/egress.ts). */
  lookup?: LookupFunction;
  adminPath: string;
  /** Extra commands (project `runbookCommands`), run after `setup:db:status` on `target`. */
  commands?: string[];
  /** Where commands run; without it only the HTTP checks run and the commands are reported as not run. */
  target?: RemoteTarget;
  /** Per HTTP request and per command. */
  timeoutMs: number;
  /** A page slower than this fails the response-time check (default 3000 ms). */
  maxResponseMs?: number;
  /** Category page to open (e.g. `/women.html`); without it a catalog search is run instead. */
  categoryPath?: string;
  searchQuery?: string;
  tls?: TlsTrust;
  signal?: AbortSignal;
  onProgress?: (details: { check: string; done: number; total: number }) => void;
}

export interface RunbookCheck {
  name: string;
  passed: boolean;
  /** Not run (e.g. no remote target configured); does not fail the runbook. */
  skipped?: boolean;
  /** HTTP status, when the check is an HTTP request that was answered. */
  status?: number;
  exitCode?: number | null;
  durationMs: number;
  evidence: string;
  /** Captured command output (capped), for the report. */
  output?: string;
}

export interface RunbookResult {
  passed: boolean;
  baseUrl: string;
  startedAt: string;
  checks: RunbookCheck[];
  dbStatus?: DbStatus;
}

const STORE_CONFIG_QUERY = '{ storeConfig { store_code base_url locale base_currency_code } }';

export async function runPostUpgradeRunbook(req: RunbookRequest): Promise<RunbookResult> {
  const startedAt = new Date().toISOString();
  const commands = dedupeCommands(req.commands ?? []);
  const total = 5 + 1 + commands.length;
  const checks: RunbookCheck[] = [];
  const progress = (check: string): void => req.onProgress?.({ check, done: checks.length, total });
  const prober = new HttpProber({
    timeoutMs: req.timeoutMs,
    tls: req.tls,
    signal: req.signal,
    ...(req.lookup ? { lookup: req.lookup } : {}),
  });
  const pageTimes: Array<{ name: string; durationMs: number }> = [];
  let dbStatus: DbStatus | undefined;

  const http = async (
    name: string,
    path: string,
    judge: (r: ProbeResult) => string | undefined,
    init?: Parameters<HttpProber['probe']>[1],
  ): Promise<void> => {
    progress(name);
    const result = await prober.probe(joinUrl(req.baseUrl, path), init);
    if (result.status !== undefined) pageTimes.push({ name, durationMs: result.durationMs });
    const problem = result.error ?? judge(result);
    checks.push({
      name,
      passed: problem === undefined,
      status: result.status,
      durationMs: result.durationMs,
      evidence:
        `${result.method} ${path} → ${result.status !== undefined ? `HTTP ${result.status}` : 'no answer'} in ` +
        `${result.durationMs} ms${problem ? `: ${problem}` : `; ${summarise(result)}`}`,
    });
  };

  try {
    await http('storefront home', '/', (r) => expectStatus(r, 200) ?? expectHtml(r));
    if (req.categoryPath) {
      await http('category page', req.categoryPath, (r) => expectStatus(r, 200) ?? expectHtml(r));
    } else {
      const q = req.searchQuery ?? 'shirt';
      await http('catalog search', `/catalogsearch/result/?q=${encodeURIComponent(q)}`, (r) => expectStatus(r, 200) ?? expectHtml(r));
    }
    await http('graphql storeConfig', '/graphql', judgeStoreConfig, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: STORE_CONFIG_QUERY }),
    });
    await http(
      'admin login page',
      req.adminPath,
      (r) =>
        expectStatus(r, 200) ??
        (/login\[username\]|login-form|name="login/i.test(r.body) ? undefined : 'answered 200 but the page has no admin login form'),
    );
  } finally {
    await prober.close();
  }

  const limit = req.maxResponseMs ?? 3000;
  const slow = pageTimes.filter((t) => t.durationMs > limit);
  checks.push({
    name: 'response times',
    passed: pageTimes.length > 0 && slow.length === 0,
    durationMs: pageTimes.reduce((sum, t) => sum + t.durationMs, 0),
    evidence: pageTimes.length
      ? `${pageTimes.map((t) => `${t.name} ${t.durationMs} ms`).join(', ')}; limit ` +
        `${limit} ms${slow.length ? `; too slow: ${slow.map((t) => t.name).join(', ')}` : ''}`
      : 'no page answered, so no response time could be measured',
  });

  progress('setup:db:status');
  if (!req.target) {
    checks.push({
      name: 'setup:db:status',
      passed: true,
      skipped: true,
      durationMs: 0,
      evidence: 'not run: the environment has no remote target configured',
    });
  } else {
    const result = await runCommand(req, DB_STATUS_COMMAND);
    dbStatus = interpretDbStatus(result);
    checks.push({
      ...commandCheck('setup:db:status', result),
      passed: dbStatus === 'up-to-date',
      evidence: `${describeDbStatus(dbStatus)}${result.exitCode === null || dbStatus === 'error' ? `; ${describeOutcome(result)}` : ''}`,
    });
  }

  for (const command of commands) {
    progress(command);
    if (!req.target) {
      checks.push({
        name: command,
        passed: true,
        skipped: true,
        durationMs: 0,
        evidence: 'not run: the environment has no remote target configured',
      });
      continue;
    }
    const result = await runCommand(req, command);
    checks.push({ ...commandCheck(command, result), passed: succeeded(result), evidence: describeOutcome(result) });
  }

  return { passed: checks.every((c) => c.passed), baseUrl: req.baseUrl, startedAt, checks, dbStatus };
}

function runCommand(req: RunbookRequest, command: string): Promise<RemoteCommandResult> {
  // `target` is checked by the callers.
  return runRemoteCommand({ target: req.target as RemoteTarget, command, timeoutMs: req.timeoutMs, signal: req.signal });
}

function commandCheck(name: string, result: RemoteCommandResult): Omit<RunbookCheck, 'passed' | 'evidence'> {
  const output = [result.stdout.trim(), result.stderr.trim()].filter(Boolean).join('\n--- stderr ---\n');
  return { name, exitCode: result.exitCode, durationMs: result.durationMs, output: output.slice(-4000) };
}

function dedupeCommands(commands: string[]): string[] {
  const seen = new Set<string>([DB_STATUS_COMMAND, `php ${DB_STATUS_COMMAND}`]);
  return commands.map((c) => c.trim()).filter((c) => c && !seen.has(c) && (seen.add(c), true));
}

function expectStatus(r: ProbeResult, status: number): string | undefined {
  if (r.status === status) return undefined;
  const location = r.headers.location ? ` (redirects to ${r.headers.location})` : '';
  return `expected HTTP ${status}, got ${r.status}${location}`;
}

function expectHtml(r: ProbeResult): string | undefined {
  return /<html|<!doctype html/i.test(r.body) ? undefined : 'answered without an HTML page';
}

function judgeStoreConfig(r: ProbeResult): string | undefined {
  const wrong = expectStatus(r, 200);
  if (wrong) return wrong;
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.body);
  } catch {
    return `answer is not JSON (content-type ${r.headers['content-type'] ?? 'none'})`;
  }
  const body = parsed as { data?: { storeConfig?: unknown }; errors?: Array<{ message?: string }> };
  if (body.errors?.length) return `GraphQL errors: ${body.errors.map((e) => e.message ?? '?').join('; ')}`;
  if (!body.data?.storeConfig || typeof body.data.storeConfig !== 'object') return 'JSON has no data.storeConfig';
  return undefined;
}

function summarise(r: ProbeResult): string {
  const title = /<title>([^<]{0,120})<\/title>/i.exec(r.body)?.[1];
  if (title) return `title "${title.trim()}"`;
  if ((r.headers['content-type'] ?? '').includes('json')) return `JSON ${r.body.slice(0, 200)}`;
  return `${r.body.length} bytes`;
}

/** The report artifact: one table of checks, then the output of each command. */
export function renderRunbookReport(result: RunbookResult): string {
  const lines = [
    `# Post-upgrade runbook — ${result.baseUrl}`,
    '',
    `Started ${result.startedAt}. Result: **${result.passed ? 'PASSED' : 'FAILED'}** ` +
      (`(${result.checks.filter((c) => c.passed && !c.skipped).length} passed, ${result.checks.filter((c) => !c.passed).length} failed, ` +
        `${result.checks.filter((c) => c.skipped).length} not run).`),
    '',
    '| check | result | status / exit | time | evidence |',
    '|---|---|---|---|---|',
    ...result.checks.map(
      (c) =>
        `| ${cell(c.name)} | ${c.skipped ? 'not run' : c.passed ? 'pass' : '**FAIL**'} | ` +
        `${c.status ?? (c.exitCode !== undefined ? `exit ${c.exitCode ?? 'none'}` : '')} | ${c.durationMs} ms | ${cell(c.evidence)} |`,
    ),
  ];
  if (result.dbStatus) lines.push('', `Database status: \`${result.dbStatus}\` — ${describeDbStatus(result.dbStatus)}.`);
  for (const c of result.checks.filter((check) => check.output)) {
    lines.push('', `## \`${c.name}\``, '', '```text', (c.output ?? '').replace(/```/g, "'''"), '```');
  }
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
