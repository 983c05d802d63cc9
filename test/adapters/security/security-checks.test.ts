import { renderSecurityReport, runSecurityChecks, type SecurityReport } from '../../../activities/security/security-checks';
import { startStorefront, type Storefront } from '../../support/storefront-server';

const ids = (report: SecurityReport): string[] => report.findings.map((f) => f.id);
const finding = (report: SecurityReport, id: string) => report.findings.find((f) => f.id === id);

describe('over HTTPS with a trusted certificate and good headers', () => {
  let store: Storefront;
  beforeAll(async () => {
    store = await startStorefront({ https: true, adminPath: '/admin_x7k2' });
  });
  afterAll(async () => {
    await store.close();
  });

  it('passes with only informational findings', async () => {
    const report = await runSecurityChecks({ baseUrl: store.url, adminPath: '/admin_x7k2', ca: store.certificatePem });
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.tls).toMatchObject({ trusted: true, protocol: 'TLSv1.3', subject: expect.stringMatching(/^storefront-/) });
    expect(report.tls?.daysLeft).toBeGreaterThanOrEqual(88);
    expect(renderSecurityReport(report)).toContain('Result: **PASSED**');
  });

  it('reports the same certificate as untrusted when its CA is not given, without failing', async () => {
    const report = await runSecurityChecks({ baseUrl: store.url, adminPath: '/admin_x7k2' });
    expect(finding(report, 'tls:untrusted')).toMatchObject({ severity: 'high', title: expect.stringContaining('self-signed') });
    expect(report.tls?.trustError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(report.passed).toBe(false);
  });

  it('warns about a certificate close to expiry', async () => {
    const inTwoMonths = new Date(Date.now() + 85 * 86_400_000);
    const report = await runSecurityChecks({ baseUrl: store.url, adminPath: '/admin_x7k2', ca: store.certificatePem, now: inTwoMonths });
    expect(finding(report, 'tls:expiring')).toMatchObject({ severity: 'high', title: expect.stringMatching(/expires in [0-7] days/) });
  });
});

describe('over HTTPS with an expired certificate', () => {
  let store: Storefront;
  beforeAll(async () => {
    store = await startStorefront({ https: { expired: true }, adminPath: '/admin_x7k2' });
  });
  afterAll(async () => {
    await store.close();
  });

  it('reports the expiry as critical with the dates', async () => {
    const report = await runSecurityChecks({ baseUrl: store.url, adminPath: '/admin_x7k2', ca: store.certificatePem });
    expect(finding(report, 'tls:expired')).toMatchObject({ severity: 'critical', evidence: expect.stringMatching(/expired 3\d days ago/) });
    expect(report.tls?.daysLeft).toBeLessThan(-29);
    expect(report.tls?.trustError).toBe('CERT_HAS_EXPIRED');
    expect(report.passed).toBe(false);
  });
});

describe('a leaky, misconfigured store over HTTP', () => {
  let store: Storefront;
  beforeAll(async () => {
    store = await startStorefront({
      adminPath: '/admin',
      securityHeaders: false,
      discloseVersion: '2.4.7-p3',
      poweredBy: 'PHP/8.3.9',
      exposedFiles: {
        '/.git/HEAD': 'ref: refs/heads/production\n',
        '/var/log/exception.log': '[2026-05-01T10:00:00] main.CRITICAL: Exception in /app/vendor/magento/framework/App.php\n',
        '/composer.json': JSON.stringify({ name: 'acme/store', require: { 'magento/product-enterprise-edition': '2.4.7-p3' } }),
      },
    });
  });
  afterAll(async () => {
    await store.close();
  });

  it('finds exposed files, missing headers, version disclosure and the default admin path', async () => {
    const report = await runSecurityChecks({ baseUrl: store.url, adminPath: '/admin' });
    expect(finding(report, 'exposed:/.git/HEAD')).toMatchObject({
      severity: 'critical',
      evidence: expect.stringContaining('ref: refs/heads/production'),
    });
    expect(finding(report, 'exposed:/var/log/exception.log')?.severity).toBe('high');
    expect(finding(report, 'exposed:/composer.json')?.severity).toBe('medium');
    // The stand-in answers 404 for env.php and composer.lock: not reported.
    expect(ids(report)).not.toContain('exposed:/app/etc/env.php');
    expect(ids(report)).not.toContain('exposed:/composer.lock');
    expect(ids(report)).toEqual(
      expect.arrayContaining([
        'no-https',
        'header:x-content-type-options',
        'header:x-frame-options',
        'header:content-security-policy',
        'version-header:x-magento-version',
        'version-header:x-powered-by',
        'version:/magento_version',
        'admin:default-path',
      ]),
    );
    expect(report.findings[0]?.severity).toBe('critical');
    expect(report.counts.critical).toBe(1);
    expect(report.passed).toBe(false);
    const markdown = renderSecurityReport(report);
    expect(markdown).toContain('| critical | /.git/HEAD is served |');
  });

  it('does not report a storefront page answered with 200 as an exposed file', async () => {
    const soft404 = await startStorefront({ exposedFiles: { '/app/etc/env.php': '<!doctype html><html><body>Home</body></html>' } });
    try {
      const report = await runSecurityChecks({ baseUrl: soft404.url, adminPath: '/admin_custom' });
      expect(ids(report)).not.toContain('exposed:/app/etc/env.php');
    } finally {
      await soft404.close();
    }
  });

  it('notices /admin still answering next to a custom admin path', async () => {
    const both = await startStorefront({ adminPath: '/admin' });
    try {
      const report = await runSecurityChecks({ baseUrl: both.url, adminPath: '/admin_custom' });
      expect(finding(report, 'admin:default-path')?.title).toContain('/admin still answers');
    } finally {
      await both.close();
    }
  });
});

it('reports an unreachable storefront as a finding instead of throwing', async () => {
  const store = await startStorefront({ mode: 'down' });
  try {
    const report = await runSecurityChecks({ baseUrl: store.url, adminPath: '/admin_x', timeoutMs: 2000 });
    expect(finding(report, 'unreachable')).toMatchObject({ severity: 'high', evidence: expect.stringContaining('closed the connection') });
  } finally {
    await store.close();
  }
});
