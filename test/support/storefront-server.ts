/**
 * A real HTTP(S) server on 127.0.0.1 standing in for an Adobe Commerce storefront, for adapter tests and the demo.
 *
 * It answers what the runbook, the security checks, the load test and the monitor look at: the home page, a
 * category page, catalog search, GraphQL `storeConfig`, the admin login page at a configurable path, and
 * (only when asked) things a misconfigured store leaks (`/.git/HEAD`, version headers, `/magento_version`).
 * Faults are switchable at run time: latency, a deterministic share of 5xx answers, a whole-site error, a
 * maintenance page and "down" (connections are accepted and dropped at once, as when the web tier is gone).
 *
 * HTTPS uses a certificate made at start with the `openssl` binary: valid (its PEM is returned so a client can
 * trust it as a CA) or already expired.
 */
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** healthy: normal answers · error: every request 500 · maintenance: 503 page · down: connections dropped. */
export type StorefrontMode = 'healthy' | 'error' | 'maintenance' | 'down';

export interface StorefrontOptions {
  /** Admin login path, e.g. `/admin_x7k2`; `/admin` answers too only when it is the admin path. */
  adminPath?: string;
  /** Category page path served with a product list (default `/women.html`). */
  categoryPath?: string;
  /** `true` (default) sends the recommended security headers; `false` sends none; an object sends exactly it. */
  securityHeaders?: boolean | Record<string, string>;
  /** Delay before every answer, in ms. */
  latencyMs?: number;
  /** Share of requests (0..1) answered 500, spread evenly and deterministically (every 1/rate-th request). */
  errorRate?: number;
  mode?: StorefrontMode;
  /** Sends `X-Magento-Version: <value>` and serves `/magento_version` as `Magento/2.4 (Enterprise)`-like text. */
  discloseVersion?: string;
  /** Sends `X-Powered-By: <value>`. */
  poweredBy?: string;
  /** Paths served with 200 and the given body, to play a store that leaks files, e.g. `{ '/.git/HEAD': 'ref: …' }`. */
  exposedFiles?: Record<string, string>;
  /** HTTPS with a self-signed certificate; `expired: true` makes it one whose validity ended in the past. */
  https?: boolean | { expired?: boolean };
  /** Values GraphQL `storeConfig` returns. */
  storeConfig?: { store_code?: string; base_url?: string; locale?: string; base_currency_code?: string };
}

export interface StorefrontStats {
  requests: number;
  byPath: Record<string, number>;
  byStatus: Record<string, number>;
  droppedConnections: number;
}

export interface Storefront {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  /** PEM of the self-signed certificate (HTTPS only), to pass as `ca` where the test wants it trusted. */
  certificatePem?: string;
  setMode(mode: StorefrontMode): void;
  /** Changes fault options while running (latency, error rate, headers, disclosure, exposed files). */
  configure(options: Partial<Omit<StorefrontOptions, 'https' | 'mode'>>): void;
  stats(): StorefrontStats;
  resetStats(): void;
  close(): Promise<void>;
}

export const RECOMMENDED_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'content-security-policy': "default-src 'self'; frame-ancestors 'self'",
  'referrer-policy': 'strict-origin-when-cross-origin',
};

export async function startStorefront(initial: StorefrontOptions = {}): Promise<Storefront> {
  const options: StorefrontOptions = { ...initial };
  let mode: StorefrontMode = initial.mode ?? 'healthy';
  let stats = emptyStats();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const tls = initial.https ? await makeCertificate(typeof initial.https === 'object' && initial.https.expired === true) : undefined;
  const secure = tls !== undefined;

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    stats.requests += 1;
    stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
    const sequence = stats.requests;
    const answer = (): void => {
      const { status, headers, body } = route(req, sequence);
      stats.byStatus[String(status)] = (stats.byStatus[String(status)] ?? 0) + 1;
      res.writeHead(status, { ...baseHeaders(), ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    // Read the body first (GraphQL POSTs), then answer after the configured latency.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      (req as IncomingMessage & { rawBody?: string }).rawBody = Buffer.concat(chunks).toString('utf8');
      const delay = options.latencyMs ?? 0;
      if (delay <= 0) return answer();
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) answer();
      }, delay);
      timers.add(timer);
    });
  };

  const baseHeaders = (): Record<string, string> => {
    const headers: Record<string, string> = {};
    const security = options.securityHeaders ?? true;
    if (security === true) {
      Object.assign(headers, RECOMMENDED_SECURITY_HEADERS);
      if (secure) headers['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
    } else if (typeof security === 'object') {
      Object.assign(headers, security);
    }
    if (options.discloseVersion) headers['x-magento-version'] = options.discloseVersion;
    if (options.poweredBy) headers['x-powered-by'] = options.poweredBy;
    return headers;
  };

  const route = (req: IncomingMessage, sequence: number): { status: number; headers?: Record<string, string>; body: string } => {
    const url = new URL(req.url ?? '/', 'http://storefront.local');
    const path = url.pathname;
    if (mode === 'error') return html(500, 'Internal Server Error', '<h1>There has been an error processing your request</h1>');
    if (mode === 'maintenance') {
      return html(
        503,
        'Service Temporarily Unavailable',
        '<h1>The server is temporarily unable to service your request due to maintenance downtime.</h1>',
      );
    }
    const rate = options.errorRate ?? 0;
    // Deterministic spread: request n fails when floor(n*rate) steps up, so exactly ~rate of requests fail.
    if (rate > 0 && Math.floor(sequence * rate) > Math.floor((sequence - 1) * rate)) {
      return html(502, 'Bad Gateway', '<h1>502 Bad Gateway</h1>');
    }
    const exposed = options.exposedFiles?.[path];
    if (exposed !== undefined) return { status: 200, headers: { 'content-type': 'text/plain' }, body: exposed };
    if (path === '/magento_version' && options.discloseVersion) {
      const [major = '2', minor = '4'] = options.discloseVersion.split('.');
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: `Magento/${major}.${minor} (Enterprise)` };
    }
    const adminPath = normalisePath(options.adminPath ?? '/admin');
    if (path === adminPath || path === `${adminPath}/`) {
      return html(
        200,
        'Magento Admin',
        '<form id="login-form" action="#" method="post"><input name="login[username]"/><input name="login[password]" type="password"/></form>',
      );
    }
    if (path === '/') return html(200, 'Home page', '<h1>Welcome</h1><a href="' + categoryPath() + '">Women</a>');
    if (path === categoryPath())
      return html(200, 'Women', '<ol class="products list items product-items"><li class="item product">Juno Jacket</li></ol>');
    if (path === '/catalogsearch/result/' || path === '/catalogsearch/result') {
      const q = url.searchParams.get('q') ?? '';
      return html(
        200,
        `Search results for: '${escapeHtml(q)}'`,
        `<div class="search results"><li class="item product">${escapeHtml(q)} result</li></div>`,
      );
    }
    if (path === '/graphql') return graphql(req);
    return html(404, '404 Not Found', '<h1>Whoops, our bad...</h1>');
  };

  const graphql = (req: IncomingMessage): { status: number; headers: Record<string, string>; body: string } => {
    const json = { 'content-type': 'application/json' };
    let query = '';
    if (req.method === 'POST') {
      try {
        const parsed = JSON.parse((req as IncomingMessage & { rawBody?: string }).rawBody ?? '') as { query?: unknown };
        query = typeof parsed.query === 'string' ? parsed.query : '';
      } catch {
        return { status: 400, headers: json, body: JSON.stringify({ errors: [{ message: 'Unable to parse the request.' }] }) };
      }
    } else {
      query = new URL(req.url ?? '/', 'http://storefront.local').searchParams.get('query') ?? '';
    }
    if (!/\bstoreConfig\b/.test(query)) {
      return {
        status: 200,
        headers: json,
        body: JSON.stringify({ errors: [{ message: 'Only storeConfig is served by this stand-in.' }] }),
      };
    }
    const config = {
      store_code: 'default',
      base_url: `${serverUrl()}/`,
      locale: 'en_US',
      base_currency_code: 'USD',
      ...options.storeConfig,
    };
    return { status: 200, headers: json, body: JSON.stringify({ data: { storeConfig: config } }) };
  };

  const categoryPath = (): string => normalisePath(options.categoryPath ?? '/women.html');

  const server: Server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler) : createHttpServer(handler);
  // In "down" mode connections are dropped before any byte is read (for HTTPS, before the handshake): clients
  // see a reset, as when the web tier is gone.
  server.on('connection', (socket: Socket) => {
    if (mode === 'down') {
      stats.droppedConnections += 1;
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Errors from clients that hang up (load tests stop mid-request) are expected and not the server's business.
  server.on('clientError', (_error, socket) => socket.destroy());
  server.on('tlsClientError', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const serverUrl = (): string => `${secure ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    url: serverUrl(),
    port,
    certificatePem: tls?.cert,
    setMode(next) {
      mode = next;
      if (next === 'down') for (const socket of sockets) socket.destroy();
    },
    configure(changes) {
      Object.assign(options, changes);
    },
    stats: () => structuredClone(stats),
    resetStats() {
      stats = emptyStats();
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function emptyStats(): StorefrontStats {
  return { requests: 0, byPath: {}, byStatus: {}, droppedConnections: 0 };
}

function normalisePath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.length > 1 ? withSlash.replace(/\/+$/, '') : withSlash;
}

function html(status: number, title: string, body: string): { status: number; headers: Record<string, string>; body: string } {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=UTF-8' },
    body: `<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A self-signed certificate for 127.0.0.1/localhost. `openssl ca -selfsign` is used because it accepts explicit
 * start and end dates, which is how an already-expired certificate can be made with OpenSSL 3.0.
 */
// The common name is unique per server (hostnames are checked against subjectAltName) so that a client can trust
// several of these certificates at once: with equal subjects OpenSSL would look up the wrong issuer.
async function makeCertificate(expired: boolean): Promise<{ key: string; cert: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'storefront-cert-'));
  try {
    const day = 24 * 3600 * 1000;
    const now = Date.now();
    const start = expired ? now - 60 * day : now - day;
    const end = expired ? now - 30 * day : now + 90 * day;
    await writeFile(join(dir, 'index.txt'), '');
    await writeFile(join(dir, 'serial'), '01\n');
    await writeFile(
      join(dir, 'ca.cnf'),
      [
        '[ ca ]',
        'default_ca = local',
        '[ local ]',
        `database = ${join(dir, 'index.txt')}`,
        `new_certs_dir = ${dir}`,
        `serial = ${join(dir, 'serial')}`,
        'default_md = sha256',
        'policy = any',
        'unique_subject = no',
        '[ any ]',
        'commonName = supplied',
        '[ ext ]',
        'subjectAltName = DNS:localhost,IP:127.0.0.1',
        'basicConstraints = critical,CA:TRUE',
        'keyUsage = digitalSignature,keyCertSign',
        'extendedKeyUsage = serverAuth',
        '',
      ].join('\n'),
    );
    const key = join(dir, 'key.pem');
    const csr = join(dir, 'req.csr');
    const cert = join(dir, 'cert.pem');
    await run('openssl', [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      csr,
      '-subj',
      `/CN=storefront-${randomUUID().slice(0, 8)}`,
    ]);
    await run('openssl', [
      'ca',
      '-batch',
      '-config',
      join(dir, 'ca.cnf'),
      '-selfsign',
      '-keyfile',
      key,
      '-in',
      csr,
      '-out',
      cert,
      '-startdate',
      opensslDate(start),
      '-enddate',
      opensslDate(end),
      '-extensions',
      'ext',
      '-notext',
    ]);
    return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function opensslDate(ms: number): string {
  return `${new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}
