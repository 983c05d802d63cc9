/**
 * Issue #12: the pieces of the worker's policy that need no network or process — host patterns, which addresses
 * count as public, where a repository lives, and the redaction of secrets in every form they are printed in.
 */
import { assertHostAllowed, isPublicAddress } from '../../activities/policy/egress';
import { repositoryLocation } from '../../activities/policy/project-guard';
import { Redactor, REDACTED, secretsOfUrl } from '../../activities/policy/redaction';
import { hostMatches } from '../../activities/policy/worker-policy';
import { normaliseConnectError } from '../../activities/remote/command-runner';
import { gitReason } from '../../activities/repository/git-errors';
import { joinUrl } from '../../activities/runbook/http-probe';

test('host patterns: exact names, *.domain below the domain only, * for any', () => {
  expect(hostMatches('ssh.eu-3.magento.cloud', '*.magento.cloud')).toBe(true);
  expect(hostMatches('magento.cloud', '*.magento.cloud')).toBe(false);
  expect(hostMatches('evilmagento.cloud', '*.magento.cloud')).toBe(false);
  expect(hostMatches('Shop.Example.com.', 'shop.example.com')).toBe(true);
  expect(hostMatches('anything', '*')).toBe(true);
  expect(hostMatches('[::1]', '::1')).toBe(true);
});

test.each([
  ['127.0.0.1', false],
  ['10.1.2.3', false],
  ['172.16.0.1', false],
  ['192.168.1.1', false],
  ['169.254.169.254', false],
  ['100.64.0.1', false],
  ['0.0.0.0', false],
  ['::1', false],
  ['fe80::1', false],
  ['fd00::1', false],
  ['::ffff:127.0.0.1', false],
  ['93.184.216.34', true],
  ['2606:2800:220:1:248:1893:25c8:1946', true],
  ['not-an-address', false],
])('%s is public: %s', (address, expected) => {
  expect(isPublicAddress(address)).toBe(expected);
});

test('a public name that resolves to a private address is refused (resolution injected: no DNS here)', async () => {
  const policy = { allowedHosts: ['*.example.com'], allowPrivateNetworks: false };
  await expect(
    assertHostAllowed('rebind.example.com', 'environments.staging.url', policy, async () => ['93.184.216.34', '10.0.0.5']),
  ).rejects.toThrow(/host "rebind\.example\.com" is a loopback, link-local or private address \(10\.0\.0\.5\)/);
  await expect(assertHostAllowed('shop.example.com', 'x', policy, async () => ['93.184.216.34'])).resolves.toBeUndefined();
});

test('repository locations: scp form and URLs are network, paths and file:// are local, helpers refused', () => {
  expect(repositoryLocation('git@github.com:acme/shop.git')).toEqual({ kind: 'network', host: 'github.com' });
  expect(repositoryLocation('https://git.example/acme.git')).toEqual({ kind: 'network', host: 'git.example' });
  expect(repositoryLocation('/srv/git/acme.git')).toEqual({ kind: 'local', path: '/srv/git/acme.git' });
  expect(repositoryLocation('file:///srv/git/acme.git')).toEqual({ kind: 'local', path: '/srv/git/acme.git' });
  expect(() => repositoryLocation('ext::sh -c id')).toThrow(/ext:, which the worker does not use/);
  expect(() => repositoryLocation('fd::3')).toThrow(/fd:/);
});

test('the redactor replaces every printed form of a secret, longest first, and masks URL credentials', () => {
  const smtp = 'smtp://bot:p%40ss-w0rd@mail.example.com:587';
  const redactor = new Redactor([...secretsOfUrl(smtp), ...secretsOfUrl('https://hooks.example.com/T/B/xoxb-token-123456')]);
  const text = `url ${smtp}; decoded p@ss-w0rd; token xoxb-token-123456; other https://u:v@git.example/x`;
  const out = redactor.redact(text);
  expect(out).toBe(`url ${REDACTED}; decoded ${REDACTED}; token ${REDACTED}; other https://***@git.example/x`);
  expect(redactor.redactCapped('x'.repeat(5000), 100)).toHaveLength(100 - 40 + '… [4940 characters cut]'.length);
  expect(redactor.redactDeep({ a: [{ b: 'p@ss-w0rd' }], n: 1 })).toEqual({ a: [{ b: REDACTED }], n: 1 });
});

test('joinUrl goes through the URL parser: a path cannot add a request line or leave the origin', () => {
  expect(joinUrl('https://shop.example/base/', '/admin')).toBe('https://shop.example/base/admin');
  expect(joinUrl('https://shop.example', '/a b\r\nHost: x')).toBe('https://shop.example/a%20bHost:%20x');
  expect(new URL(joinUrl('https://shop.example', '//evil.example/x')).host).toBe('shop.example');
});

test('git and ssh say "did not accept the connection" whatever the port did (finding 3: no port scan by error text)', () => {
  const refused =
    "fatal: unable to access 'http://127.0.0.1:8233/x.git/': Failed to connect to 127.0.0.1 port 8233 after 0 ms: Couldn't connect to server";
  const timedOut = 'ssh: connect to host 10.0.0.7 port 22: Connection timed out\nfatal: Could not read from remote repository.';
  expect(gitReason(refused)).toBe('the host did not accept the connection (refused, timed out or unreachable)');
  expect(gitReason(timedOut)).not.toMatch(/timed out|refused|port 22/);
  expect(normaliseConnectError('Permission denied (publickey).')).toBe('Permission denied (publickey).');
});
