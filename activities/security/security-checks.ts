/**
 * Outside-in security checks of a storefront, the kind a scanner runs before launch: security headers, the TLS
 * certificate (trust, expiry, protocol), files a misconfigured web server leaks, version disclosure and the
 * default admin path. Every finding carries its severity, evidence and what to do. Nothing here attacks the
 * site: only GET requests to well-known paths and one TLS handshake.
 */
import type { LookupFunction } from 'node:net';
import { checkServerIdentity, connect, type DetailedPeerCertificate } from 'node:tls';
import { isIP } from 'node:net';
import { HttpProber, joinUrl, type ProbeResult } from '../runbook/http-probe';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export interface SecurityFinding {
  id: string;
  severity: Severity;
  title: string;
  evidence: string;
  recommendation: string;
}

export interface TlsInfo {
  protocol: string | null;
  /** Whether the chain verifies against the system CAs (plus `ca` if given) and the host name matches. */
  trusted: boolean;
  trustError?: string;
  subject?: string;
  issuer?: string;
  selfSigned: boolean;
  validFrom?: string;
  validTo?: string;
  daysLeft?: number;
}

export interface SecurityCheckRequest {
  baseUrl: string;
  /** Host name resolution for the probes (the worker's, refusing non-public addresses; see policy/egress.ts). */
  lookup?: LookupFunction;
  adminPath: string;
  timeoutMs?: number;
  /** Extra CA (PEM) to trust, e.g. for a test certificate. */
  ca?: string;
  /** A certificate expiring within this many days is a finding (default 30; within 7 it is high). */
  expiryWarningDays?: number;
  /** Replaces the default list of paths that must not be served. */
  sensitivePaths?: SensitivePath[];
  signal?: AbortSignal;
  onProgress?: (details: { step: string }) => void;
  /** Clock for expiry arithmetic (tests). */
  now?: Date;
}

export interface SecurityReport {
  baseUrl: string;
  checkedAt: string;
  /** No critical or high finding. */
  passed: boolean;
  counts: Record<Severity, number>;
  findings: SecurityFinding[];
  tls?: TlsInfo;
}

export interface SensitivePath {
  path: string;
  severity: Severity;
  what: string;
  /** Does this body really hold the file (not a storefront page answered with 200)? */
  looksExposed: (body: string, contentType: string) => boolean;
}

const notHtml = (body: string, contentType: string): boolean =>
  body.trim().length > 0 && !/text\/html/i.test(contentType) && !/<html/i.test(body);
const phpSource = (body: string): boolean => /<\?php/.test(body);
const jsonWith =
  (key: string) =>
  (body: string): boolean => {
    try {
      return typeof (JSON.parse(body) as Record<string, unknown>)[key] === 'object';
    } catch {
      return false;
    }
  };

export const DEFAULT_SENSITIVE_PATHS: readonly SensitivePath[] = [
  {
    path: '/.git/HEAD',
    severity: 'critical',
    what: 'the git repository (whole source history, possibly secrets)',
    looksExposed: (b) => /^(ref: refs\/|[0-9a-f]{40})/.test(b.trim()),
  },
  {
    path: '/.git/config',
    severity: 'critical',
    what: 'the git configuration (remote URLs, possibly credentials)',
    looksExposed: (b) => /\[core\]/.test(b),
  },
  {
    path: '/app/etc/env.php',
    severity: 'critical',
    what: 'env.php (database password, encryption key, admin path)',
    looksExposed: phpSource,
  },
  { path: '/app/etc/config.php', severity: 'medium', what: 'config.php (module list)', looksExposed: phpSource },
  { path: '/auth.json', severity: 'critical', what: 'auth.json (repo.magento.com access keys)', looksExposed: jsonWith('http-basic') },
  {
    path: '/.env',
    severity: 'critical',
    what: 'a .env file (secrets)',
    looksExposed: (b, t) => notHtml(b, t) && /^[A-Z_][A-Z0-9_]*=/m.test(b),
  },
  { path: '/var/log/system.log', severity: 'high', what: 'the system log', looksExposed: notHtml },
  { path: '/var/log/exception.log', severity: 'high', what: 'the exception log (stack traces, paths)', looksExposed: notHtml },
  { path: '/var/log/debug.log', severity: 'high', what: 'the debug log', looksExposed: notHtml },
  { path: '/var/log/cloud.log', severity: 'high', what: 'the ece-tools deploy log', looksExposed: notHtml },
  { path: '/composer.json', severity: 'medium', what: 'composer.json (exact packages)', looksExposed: jsonWith('require') },
  {
    path: '/composer.lock',
    severity: 'medium',
    what: 'composer.lock (exact versions of every package)',
    looksExposed: jsonWith('packages'),
  },
  { path: '/phpinfo.php', severity: 'high', what: 'a phpinfo() page', looksExposed: (b) => /phpinfo\(\)|PHP Version/i.test(b) },
];

export async function runSecurityChecks(req: SecurityCheckRequest): Promise<SecurityReport> {
  const base = new URL(req.baseUrl);
  const https = base.protocol === 'https:';
  const now = req.now ?? new Date();
  const findings: SecurityFinding[] = [];
  const add = (finding: SecurityFinding): void => void findings.push(finding);
  const step = (name: string): void => req.onProgress?.({ step: name });
  // Probe without rejecting the certificate: an untrusted certificate is a finding, not a reason to see nothing.
  const prober = new HttpProber({
    timeoutMs: req.timeoutMs ?? 10_000,
    tls: { ca: req.ca, rejectUnauthorized: false },
    signal: req.signal,
    ...(req.lookup ? { lookup: req.lookup } : {}),
  });
  let tls: TlsInfo | undefined;

  try {
    step('home page headers');
    const home = await prober.probe(joinUrl(req.baseUrl, '/'));
    if (home.status === undefined) {
      add({
        id: 'unreachable',
        severity: 'high',
        title: 'Storefront did not answer',
        evidence: home.error ?? 'no answer',
        recommendation: 'Check the environment is up and reachable, then run the checks again.',
      });
    } else {
      checkHeaders(home, https, add);
      checkVersionHeaders(home, add);
    }

    if (https) {
      step('tls certificate');
      try {
        tls = await inspectTls(base, req.ca, req.timeoutMs ?? 10_000, now);
        checkTls(tls, req.expiryWarningDays ?? 30, now, add);
      } catch (error) {
        add({
          id: 'tls:handshake-failed',
          severity: 'high',
          title: 'TLS handshake failed',
          evidence: error instanceof Error ? error.message : String(error),
          recommendation: 'Check the certificate and TLS configuration of the storefront host.',
        });
      }
    } else {
      add({
        id: 'no-https',
        severity: 'high',
        title: 'Storefront is served over plain HTTP',
        evidence: `${req.baseUrl} uses http://`,
        recommendation: 'Serve the store only over HTTPS (Fastly/TLS on Cloud) and redirect HTTP to HTTPS.',
      });
    }

    step('sensitive paths');
    for (const sensitive of req.sensitivePaths ?? DEFAULT_SENSITIVE_PATHS) {
      const r = await prober.probe(joinUrl(req.baseUrl, sensitive.path), { maxBodyBytes: 16 * 1024 });
      if (r.status === 200 && sensitive.looksExposed(r.body, r.headers['content-type'] ?? '')) {
        add({
          id: `exposed:${sensitive.path}`,
          severity: sensitive.severity,
          title: `${sensitive.path} is served`,
          evidence: `GET ${sensitive.path} → HTTP 200, ${r.body.length} bytes: ${JSON.stringify(r.body.slice(0, 80))}`,
          recommendation: `Deny ${sensitive.path} at the web server (it exposes ${sensitive.what}); rotate any secret it held.`,
        });
      }
    }

    step('version disclosure');
    const version = await prober.probe(joinUrl(req.baseUrl, '/magento_version'), { maxBodyBytes: 1024 });
    if (version.status === 200 && /magento\/\d+\.\d+/i.test(version.body)) {
      add({
        id: 'version:/magento_version',
        severity: 'low',
        title: '/magento_version discloses the Commerce version',
        evidence: `GET /magento_version → ${JSON.stringify(version.body.trim().slice(0, 80))}`,
        recommendation: 'Disable the Magento_Version module or deny /magento_version, so scanners cannot match known vulnerabilities.',
      });
    }

    step('admin path');
    await checkAdminPath(prober, req, add);
  } finally {
    await prober.close();
  }

  findings.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])) as Record<
    Severity,
    number
  >;
  return { baseUrl: req.baseUrl, checkedAt: now.toISOString(), passed: counts.critical === 0 && counts.high === 0, counts, findings, tls };
}

function checkHeaders(home: ProbeResult, https: boolean, add: (f: SecurityFinding) => void): void {
  const h = home.headers;
  const csp = h['content-security-policy'];
  if (https) {
    const hsts = h['strict-transport-security'];
    const maxAge = Number(/max-age=(\d+)/i.exec(hsts ?? '')?.[1] ?? NaN);
    if (!hsts) {
      add({
        id: 'header:strict-transport-security',
        severity: 'medium',
        title: 'Strict-Transport-Security is missing',
        evidence: 'no Strict-Transport-Security header on /',
        recommendation: 'Send Strict-Transport-Security: max-age=31536000 (at least 180 days).',
      });
    } else if (!(maxAge >= 15_552_000)) {
      add({
        id: 'header:strict-transport-security',
        severity: 'low',
        title: 'Strict-Transport-Security max-age is short',
        evidence: `Strict-Transport-Security: ${hsts}`,
        recommendation: 'Use max-age of at least 15552000 (180 days).',
      });
    }
  }
  if ((h['x-content-type-options'] ?? '').toLowerCase() !== 'nosniff') {
    add({
      id: 'header:x-content-type-options',
      severity: 'low',
      title: 'X-Content-Type-Options: nosniff is missing',
      evidence: `X-Content-Type-Options: ${h['x-content-type-options'] ?? '(absent)'}`,
      recommendation: 'Send X-Content-Type-Options: nosniff.',
    });
  }
  const frameAncestors = /frame-ancestors/i.test(csp ?? '');
  if (!h['x-frame-options'] && !frameAncestors) {
    add({
      id: 'header:x-frame-options',
      severity: 'medium',
      title: 'Pages can be framed (clickjacking)',
      evidence: 'neither X-Frame-Options nor a CSP frame-ancestors directive on /',
      recommendation: "Keep Magento's default X-Frame-Options: SAMEORIGIN (or set CSP frame-ancestors).",
    });
  }
  if (!csp) {
    const reportOnly = h['content-security-policy-report-only'];
    add({
      id: 'header:content-security-policy',
      severity: reportOnly ? 'info' : 'low',
      title: reportOnly ? 'Content-Security-Policy is only in report-only mode' : 'Content-Security-Policy is missing',
      evidence: reportOnly ? `Content-Security-Policy-Report-Only: ${reportOnly.slice(0, 120)}` : 'no Content-Security-Policy header on /',
      recommendation: 'Enable Magento_Csp in restrict mode where possible (at least on checkout pages).',
    });
  }
}

function checkVersionHeaders(home: ProbeResult, add: (f: SecurityFinding) => void): void {
  for (const [name, value] of Object.entries(home.headers)) {
    const disclosing =
      (/^x-magento-(version|edition)$/.test(name) && /\d/.test(value)) ||
      name === 'x-powered-by' ||
      (name === 'server' && /\/\d/.test(value));
    if (disclosing) {
      add({
        id: `version-header:${name}`,
        severity: name.startsWith('x-magento') ? 'medium' : 'low',
        title: `Response header ${name} discloses software versions`,
        evidence: `${name}: ${value}`,
        recommendation: `Remove ${name} (or its version) at the web server or CDN.`,
      });
    }
  }
}

async function checkAdminPath(prober: HttpProber, req: SecurityCheckRequest, add: (f: SecurityFinding) => void): Promise<void> {
  const configured = req.adminPath.replace(/\/+$/, '') || '/';
  if (configured === '/admin') {
    add({
      id: 'admin:default-path',
      severity: 'medium',
      title: 'Admin uses the default path /admin',
      evidence: 'the environment is configured with adminPath /admin',
      recommendation: 'Set a custom admin URL (ADMIN_URL variable on Cloud) and restrict admin access by IP.',
    });
    return;
  }
  const r = await prober.probe(joinUrl(req.baseUrl, '/admin'));
  if (r.status === 200 && /login\[username\]|login-form/i.test(r.body)) {
    add({
      id: 'admin:default-path',
      severity: 'medium',
      title: 'The default admin path /admin still answers with a login form',
      evidence: `GET /admin → HTTP 200 with an admin login form (configured admin path is ${configured})`,
      recommendation: 'Make /admin answer 404 and keep only the custom admin URL.',
    });
  }
}

/** One TLS handshake that accepts any certificate, then judges it with Node's own verification result. */
export async function inspectTls(url: URL, ca: string | undefined, timeoutMs: number, now: Date): Promise<TlsInfo> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  return new Promise<TlsInfo>((resolve, reject) => {
    const socket = connect({
      host,
      port,
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: false,
      ca: ca ? [ca] : undefined,
      timeout: timeoutMs,
    });
    const fail = (error: Error): void => {
      socket.destroy();
      reject(new Error(`TLS handshake with ${host}:${port} failed: ${error.message}`));
    };
    socket.once('timeout', () => fail(new Error(`no handshake within ${timeoutMs} ms`)));
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      const cert: DetailedPeerCertificate = socket.getPeerCertificate(true);
      const identityError = cert && Object.keys(cert).length ? checkServerIdentity(host, cert) : new Error('no certificate');
      const trustError = socket.authorizationError ? String(socket.authorizationError) : identityError ? identityError.message : undefined;
      const validTo = cert.valid_to ? new Date(cert.valid_to) : undefined;
      const info: TlsInfo = {
        protocol: socket.getProtocol(),
        trusted: !trustError,
        trustError,
        subject: firstOf(cert.subject?.CN),
        issuer: firstOf(cert.issuer?.CN),
        selfSigned: cert.fingerprint256 !== undefined && cert.issuerCertificate?.fingerprint256 === cert.fingerprint256,
        validFrom: cert.valid_from ? new Date(cert.valid_from).toISOString() : undefined,
        validTo: validTo?.toISOString(),
        daysLeft: validTo ? Math.floor((validTo.getTime() - now.getTime()) / 86_400_000) : undefined,
      };
      socket.destroy();
      resolve(info);
    });
  });
}

function firstOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function checkTls(tls: TlsInfo, warningDays: number, now: Date, add: (f: SecurityFinding) => void): void {
  const dates = `valid ${tls.validFrom ?? '?'} to ${tls.validTo ?? '?'}`;
  if (tls.daysLeft !== undefined && tls.daysLeft < 0) {
    add({
      id: 'tls:expired',
      severity: 'critical',
      title: 'TLS certificate has expired',
      evidence: `${dates}; expired ${-tls.daysLeft} days ago`,
      recommendation: "Renew the certificate now (on Cloud, check the Fastly/Let's Encrypt domain validation).",
    });
  } else if (tls.daysLeft !== undefined && tls.daysLeft <= warningDays) {
    add({
      id: 'tls:expiring',
      severity: tls.daysLeft <= 7 ? 'high' : 'medium',
      title: `TLS certificate expires in ${tls.daysLeft} days`,
      evidence: dates,
      recommendation: 'Renew the certificate before launch.',
    });
  }
  if (tls.validFrom && Date.parse(tls.validFrom) > now.getTime()) {
    add({
      id: 'tls:not-yet-valid',
      severity: 'high',
      title: 'TLS certificate is not valid yet',
      evidence: dates,
      recommendation: 'Check the certificate dates and the server clock.',
    });
  }
  if (!tls.trusted && tls.trustError !== 'CERT_HAS_EXPIRED') {
    add({
      id: 'tls:untrusted',
      severity: 'high',
      title: tls.selfSigned ? 'TLS certificate is self-signed (browsers will not trust it)' : 'TLS certificate is not trusted',
      evidence: `${tls.trustError}; subject ${tls.subject ?? '?'}, issuer ${tls.issuer ?? '?'}`,
      recommendation: 'Install a certificate from a public CA covering the storefront host name.',
    });
  }
  if (tls.protocol && /^(SSLv|TLSv1$|TLSv1\.1$)/.test(tls.protocol)) {
    add({
      id: 'tls:old-protocol',
      severity: 'high',
      title: `Server negotiated ${tls.protocol}`,
      evidence: `protocol ${tls.protocol}`,
      recommendation: 'Allow only TLS 1.2 and 1.3.',
    });
  } else {
    add({
      id: 'tls:protocol',
      severity: 'info',
      title: `TLS protocol ${tls.protocol ?? 'unknown'}`,
      evidence: `negotiated ${tls.protocol ?? 'unknown'}; ${dates}`,
      recommendation: 'None.',
    });
  }
}

export function renderSecurityReport(report: SecurityReport): string {
  const lines = [
    `# Security checks — ${report.baseUrl}`,
    '',
    `Checked ${report.checkedAt}. Result: **${report.passed ? 'PASSED' : 'FAILED'}** (no critical or high finding is required to pass).`,
    '',
    SEVERITIES.map((s) => `${s}: ${report.counts[s]}`).join(' · '),
    '',
  ];
  if (report.tls) {
    const t = report.tls;
    lines.push(
      `TLS: ${t.protocol ?? '?'}, ${t.trusted ? 'trusted' : `not trusted (${t.trustError ?? '?'})`}, subject ` +
        `${t.subject ?? '?'}, issuer ${t.issuer ?? '?'}, expires ${t.validTo ?? '?'} (${t.daysLeft ?? '?'} days left).`,
      '',
    );
  }
  if (!report.findings.length) {
    lines.push('No findings.');
  } else {
    lines.push('| severity | finding | evidence | recommendation |', '|---|---|---|---|');
    for (const f of report.findings) lines.push(`| ${f.severity} | ${cell(f.title)} | ${cell(f.evidence)} | ${cell(f.recommendation)} |`);
  }
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
