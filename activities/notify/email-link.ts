/**
 * One-time e-mail links for invited people without single sign-on (issue #17).
 *
 * Who mints them: the worker's notify activity, when it sends the owner's "decision needed" (and reminder) e-mail,
 * because only it knows the moment, the round and the evidence the person is asked about. Who honours them: the
 * approvals gateway, the only part that signs decisions. The two share one secret (`EMAIL_LINK_SECRET`, at least
 * 32 characters, set on both): a link is an HMAC-SHA256-signed token, so the gateway keeps no table of links and a
 * link cannot be made or altered without the secret.
 *
 * What a link binds: one person (e-mail and role), one project and task, one round, the evidence shown in the
 * e-mail (a hash over the sorted artifact digests), and an expiry (default 72 h). Single use comes from Temporal
 * itself: the link's id becomes the `jti` of the decision assertion the gateway signs when the person confirms, and
 * the workflow refuses an assertion id it has already seen, so a second confirmation is refused by the workflow,
 * not by a table in the gateway that could be lost. A GET of the link only ever shows a confirmation page.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const EMAIL_LINK_MIN_SECRET = 32;
export const DEFAULT_EMAIL_LINK_TTL_SEC = 72 * 3600;
/** The token's only allowed form: two base64url parts. Links longer than this are refused unread. */
const MAX_TOKEN = 1200;

const claimsSchema = z.strictObject({
  v: z.literal(1),
  /** The link's id, and the id of the decision assertion it leads to. */
  jti: z.string().uuid(),
  pid: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
  tid: z.string().regex(/^[a-z0-9-]{1,80}$/),
  rnd: z.number().int().min(0),
  /** sha256 over the sorted evidence digests, comma-joined (see evidenceHash). */
  evh: z.string().regex(/^[0-9a-f]{64}$/),
  sub: z.string().email().max(254),
  rol: z.enum(['customer', 'partner', 'managed-services']),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type EmailLinkClaims = z.infer<typeof claimsSchema>;

export function evidenceHash(digests: readonly string[]): string {
  return createHash('sha256')
    .update([...digests].sort().join(','))
    .digest('hex');
}

function mac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(`cuo-email-link.v1.${body}`).digest('base64url');
}

export function mintEmailLink(
  secret: string,
  link: Omit<EmailLinkClaims, 'v' | 'jti' | 'iat' | 'exp'>,
  options: { nowSec?: number; ttlSec?: number; jti?: string } = {},
): { token: string; claims: EmailLinkClaims } {
  if (secret.length < EMAIL_LINK_MIN_SECRET) throw new Error(`the e-mail link secret must be at least ${EMAIL_LINK_MIN_SECRET} characters`);
  const iat = options.nowSec ?? Math.floor(Date.now() / 1000);
  const claims: EmailLinkClaims = {
    v: 1,
    jti: options.jti ?? randomUUID(),
    ...link,
    iat,
    exp: iat + (options.ttlSec ?? DEFAULT_EMAIL_LINK_TTL_SEC),
  };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { token: `${body}.${mac(secret, body)}`, claims };
}

export type LinkCheck = { ok: true; claims: EmailLinkClaims } | { ok: false; status: 400 | 410; reason: string };

/** Checks the signature, the form and the expiry; the round and the evidence are the gateway's to compare. */
export function verifyEmailLink(secret: string, token: string, nowSec = Math.floor(Date.now() / 1000)): LinkCheck {
  const bad = {
    ok: false as const,
    status: 400 as const,
    reason: 'this link is not a valid decision link (it may have been cut or changed)',
  };
  if (token.length > MAX_TOKEN || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) return bad;
  const [body, signature] = token.split('.') as [string, string];
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return bad;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return bad;
  }
  const parsed = claimsSchema.safeParse(raw);
  if (!parsed.success) return bad;
  if (nowSec >= parsed.data.exp) {
    return {
      ok: false,
      status: 410,
      reason:
        `this link expired on ${new Date(parsed.data.exp * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC; ` +
        `sign in to decide, or ask for a new link`,
    };
  }
  return { ok: true, claims: parsed.data };
}

/** `<gateway>/links/<token>`: the only URL of the product that carries a credential. */
export function emailLinkUrl(gatewayUrl: string, token: string): string {
  return `${gatewayUrl.replace(/\/+$/, '')}/links/${token}`;
}

/** `<gateway>/projects/<id>/tasks/<task>`: the task page every notification links to. */
export function taskPageUrl(gatewayUrl: string, projectId: string, taskId: string): string {
  return `${gatewayUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(projectId)}/tasks/${encodeURIComponent(taskId)}`;
}

/** Whether `email` gets one-time links: listed by address, by `@domain`, or everyone with `*`. */
export function listedIn(email: string, recipients: readonly string[]): boolean {
  const lower = email.toLowerCase();
  return recipients.some((r) => r === '*' || r === lower || (r.startsWith('@') && lower.endsWith(r)));
}
