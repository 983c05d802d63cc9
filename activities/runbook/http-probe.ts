/**
 * One HTTP request with a deadline, measured, never throwing: the runbook, the security checks and the monitor all
 * need "what answered, how fast, or why nothing did" as evidence rather than an exception.
 */
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';

/** How far to trust the server's certificate. A self-signed staging certificate is still probed, never crashed on. */
export interface TlsTrust {
  /** Extra CA (PEM) to trust, e.g. the staging environment's own CA. */
  ca?: string;
  /** Default `true`. The security checks judge the certificate separately and probe with `false`. */
  rejectUnauthorized?: boolean;
}

export interface ProbeRequest {
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Keep at most this much of the body as evidence (default 64 KiB). */
  maxBodyBytes?: number;
}

export interface ProbeResult {
  url: string;
  method: string;
  /** Set when the server answered at all (any status). */
  status?: number;
  headers: Record<string, string>;
  body: string;
  durationMs: number;
  /** Why no answer came, in words a person can act on. */
  error?: string;
  errorCode?: string;
}

export interface HttpProberOptions {
  timeoutMs: number;
  tls?: TlsTrust;
  signal?: AbortSignal;
  userAgent?: string;
  /**
   * Resolves host names for the connections; the worker passes one that refuses non-public addresses (egress.ts),
   * so a name that changes its answer after the activity's check still never connects to loopback.
   */
  lookup?: LookupFunction;
}

const DEFAULT_USER_AGENT = 'commerce-upgrade-orchestrator/0.1 (+post-upgrade checks)';

/** Holds one connection pool for a run of probes; call `close()` when done so no socket outlives the run. */
export class HttpProber {
  private readonly agent: Agent;

  constructor(private readonly options: HttpProberOptions) {
    this.agent = new Agent({
      connect: {
        timeout: options.timeoutMs,
        rejectUnauthorized: options.tls?.rejectUnauthorized ?? true,
        ...(options.lookup ? { lookup: options.lookup } : {}),
        ...(options.tls?.ca ? { ca: options.tls.ca } : {}),
      },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      // Short keep-alive so a finished run leaves nothing open for long even if close() is forgotten.
      keepAliveTimeout: 1000,
    });
  }

  async probe(url: string, req: ProbeRequest = {}): Promise<ProbeResult> {
    const method = req.method ?? 'GET';
    const started = performance.now();
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    const signal = this.options.signal ? AbortSignal.any([this.options.signal, deadline]) : deadline;
    try {
      const response = await request(url, {
        method,
        headers: { 'user-agent': this.options.userAgent ?? DEFAULT_USER_AGENT, ...req.headers },
        body: req.body,
        dispatcher: this.agent,
        signal,
      });
      const body = await readCapped(response.body, req.maxBodyBytes ?? 64 * 1024);
      return {
        url,
        method,
        status: response.statusCode,
        headers: flattenHeaders(response.headers),
        body,
        durationMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      if (this.options.signal?.aborted) throw this.options.signal.reason ?? error;
      const { message, code } = describeHttpError(error, url, deadline.aborted ? this.options.timeoutMs : undefined);
      return { url, method, headers: {}, body: '', durationMs: Math.round(performance.now() - started), error: message, errorCode: code };
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < maxBytes) chunks.push(chunk.subarray(0, maxBytes - size));
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_NOT_YET_VALID',
]);

/** Turns undici/Node network errors (often nested in `cause`) into one clear sentence and a stable code. */
export function describeHttpError(error: unknown, url: string, timeoutMs?: number): { message: string; code: string } {
  const host = safeHost(url);
  if (timeoutMs !== undefined) return { message: `no answer from ${host} within ${timeoutMs} ms`, code: 'TIMEOUT' };
  const codes: string[] = [];
  let cursor: unknown = error;
  for (let depth = 0; cursor && depth < 5; depth += 1) {
    const code = (cursor as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    cursor = (cursor as { cause?: unknown }).cause;
  }
  const text = error instanceof Error ? error.message : String(error);
  const tlsCode = codes.find((c) => TLS_CODES.has(c));
  if (tlsCode) return { message: `TLS certificate of ${host} is not trusted (${tlsCode})`, code: tlsCode };
  if (codes.includes('ECONNREFUSED'))
    return { message: `connection refused by ${host} (nothing is listening there)`, code: 'ECONNREFUSED' };
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN'))
    return { message: `host name of ${host} does not resolve`, code: 'ENOTFOUND' };
  if (
    codes.some(
      (c) => c === 'UND_ERR_CONNECT_TIMEOUT' || c === 'UND_ERR_HEADERS_TIMEOUT' || c === 'UND_ERR_BODY_TIMEOUT' || c === 'ETIMEDOUT',
    )
  ) {
    return { message: `no answer from ${host} in time (${text})`, code: 'TIMEOUT' };
  }
  if (codes.some((c) => c === 'ECONNRESET' || c === 'UND_ERR_SOCKET' || c === 'EPIPE') || /socket|closed|reset/i.test(text)) {
    return { message: `${host} closed the connection without answering (${text})`, code: 'ECONNRESET' };
  }
  return { message: `request to ${host} failed: ${text}`, code: codes[0] ?? 'HTTP_ERROR' };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Joins a base URL and a path without doubling or losing the slash, through the URL parser: the result is always
 * a URL of the base's origin, whatever the path holds (it is percent-encoded, never pasted into a request).
 */
export function joinUrl(baseUrl: string, path: string): string {
  const base = new URL(baseUrl);
  const url = new URL(base.href);
  const [pathname, ...query] = path.split('?');
  url.pathname = `${base.pathname.replace(/\/+$/, '')}/${(pathname ?? '').replace(/^\/+/, '')}`;
  url.search = query.length ? `?${query.join('?')}` : '';
  url.hash = '';
  if (url.origin !== base.origin) throw new Error(`path "${path.slice(0, 100)}" leaves ${base.origin}`);
  return url.href;
}
