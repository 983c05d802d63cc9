/**
 * The pure parts of the approval pages (issue #17): escaping by construction, safe markdown, the open-redirect
 * guard, one-time e-mail links (signature, form, expiry), and messages that link to the task page.
 */
import { composeNotification } from '../../activities/notify/message';
import { emailLinkUrl, evidenceHash, listedIn, mintEmailLink, verifyEmailLink } from '../../activities/notify/email-link';
import { html } from '../../client/gateway/html';
import { renderMarkdown } from '../../client/gateway/markdown';
import { safeReturnTo } from '../../client/gateway/web-login';
import { projectInputSchema } from '../../workflows/project-input';
import { makeProject } from '../support/project-fixture';

const SECRET = 's'.repeat(40);

it('escapes every interpolated value unless it is already HTML', () => {
  const name = '<img src=x onerror=alert(1)>"\'&';
  expect(html`<p title="${name}">${name}</p>`.value).toBe(
    '<p title="&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;">&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;</p>',
  );
  expect(html`<ul>${['a<', 'b'].map((x) => html`<li>${x}</li>`)}</ul>`.value).toBe('<ul><li>a&lt;</li><li>b</li></ul>');
  expect(html`${undefined}${false}${0}`.value).toBe('0');
});

it('renders markdown tables as tables, escapes raw HTML and drops script links and images', () => {
  const out = renderMarkdown(
    '| a | b |\n|---|---|\n| <b>x</b> | 2 |\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) [ok](https://example.com) ![i](https://evil.example/p.png)',
  ).value;
  expect(out).toContain('<div class="table"><table>');
  expect(out).toContain('<td>&lt;b&gt;x&lt;/b&gt;</td>');
  expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(out).not.toMatch(/href="javascript:/);
  expect(out).toContain('<a href="https://example.com" rel="noopener noreferrer nofollow">ok</a>');
  expect(out).not.toContain('<img');
});

it('goes back only to a path of this site after sign-in', () => {
  expect(safeReturnTo('/projects/acme/tasks/x?y=1')).toBe('/projects/acme/tasks/x?y=1');
  for (const bad of ['//evil.example/x', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)', undefined, '/a b'])
    expect(safeReturnTo(bad)).toBe('/my/tasks');
});

describe('one-time e-mail links', () => {
  const link = {
    pid: 'acme-2-4-8',
    tid: 'create-upgrade-plan',
    rnd: 1,
    evh: evidenceHash(['b'.repeat(64), 'a'.repeat(64)]),
    sub: 'chris@acme.example',
    rol: 'customer' as const,
  };

  it('verify with the secret until they expire, and bind person, task, round and evidence', () => {
    const { token, claims } = mintEmailLink(SECRET, link, { nowSec: 1_000, ttlSec: 3_600 });
    expect(verifyEmailLink(SECRET, token, 1_500)).toEqual({ ok: true, claims });
    expect(claims).toMatchObject({ ...link, iat: 1_000, exp: 4_600 });
    expect(evidenceHash(['a'.repeat(64), 'b'.repeat(64)])).toBe(link.evh); // order does not matter
    expect(verifyEmailLink(SECRET, token, 4_600)).toMatchObject({ ok: false, status: 410, reason: expect.stringMatching(/expired/) });
    expect(emailLinkUrl('https://g.example/', token)).toBe(`https://g.example/links/${token}`);
  });

  it('refuse another secret, an altered body or signature, and junk', () => {
    const { token } = mintEmailLink(SECRET, link, { nowSec: 1_000 });
    const [body, sig] = token.split('.') as [string, string];
    const altered = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), sub: 'mallory@evil.example' }),
    ).toString('base64url');
    for (const bad of [`${altered}.${sig}`, `${body}.${sig.slice(0, -2)}AA`, 'x', `${body}.${sig}.x`, 'a'.repeat(5000)]) {
      expect(verifyEmailLink(SECRET, bad, 1_500)).toMatchObject({ ok: false, status: 400 });
    }
    expect(verifyEmailLink('t'.repeat(40), token, 1_500)).toMatchObject({ ok: false, status: 400 });
    expect(() => mintEmailLink('short', link)).toThrow(/at least 32/);
  });

  it('go to the listed people only', () => {
    expect(listedIn('Chris@Acme.example', ['chris@acme.example'])).toBe(true);
    expect(listedIn('x@guests.example', ['@guests.example'])).toBe(true);
    expect(listedIn('x@notguests.example', ['@guests.example'])).toBe(false);
    expect(listedIn('anyone@x.example', ['*'])).toBe(true);
  });
});

it('links notifications to the task page instead of CLI commands, in e-mail and chat alike', () => {
  const project = projectInputSchema.parse(makeProject({ projectId: 'acme-2-4-8' }));
  const n = composeNotification(
    { kind: 'awaiting-decision', workflowId: 'upgrade-acme-2-4-8', project, task: { id: 'create-upgrade-plan', ownerRole: 'customer' } },
    { gatewayUrl: 'https://approvals.example.com/' },
  );
  expect(n.text).toContain('https://approvals.example.com/projects/acme-2-4-8/tasks/create-upgrade-plan');
  expect(n.text).not.toMatch(/cuo approve/);
  expect(JSON.stringify(n.slack)).toContain(
    '<https://approvals.example.com/projects/acme-2-4-8/tasks/create-upgrade-plan|Review the evidence and decide on the task page>',
  );
  const withoutGateway = composeNotification({
    kind: 'awaiting-decision',
    workflowId: 'upgrade-acme-2-4-8',
    project,
    task: { id: 'create-upgrade-plan', ownerRole: 'customer' },
  });
  expect(withoutGateway.text).toMatch(/cuo approve/);
});
