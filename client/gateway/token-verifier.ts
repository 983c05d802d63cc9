/**
 * Verifies the OpenID Connect ID tokens people present (from `cuo login` or the gateway's own web login): issuer
 * one of the configured ones, audience one of its clients, signature through the issuer's JWKS, not expired, and a
 * verified e-mail. The token itself is never logged or echoed; refusals say which check failed.
 */
import type { IssuerConfig } from './config';

export interface VerifiedPerson {
  email: string;
  issuer: string;
  subject: string;
  /** Seconds since the epoch when the person authenticated (auth_time, else iat). */
  authTime: number;
  name?: string;
}

export class TokenRejected extends Error {}

type Jose = typeof import('jose');

interface IssuerRuntime {
  config: IssuerConfig;
  jwks?: ReturnType<Jose['createRemoteJWKSet']>;
}

/** Tokens longer than this are refused before any parsing (a real ID token is 1-2 KB). */
const MAX_TOKEN_LENGTH = 8192;

export class TokenVerifier {
  private readonly issuers = new Map<string, IssuerRuntime>();
  // jose ships ES modules only; loaded once, on first use, so the CLI's tests never load it.
  private jose?: Jose;

  constructor(issuers: IssuerConfig[]) {
    for (const config of issuers) this.issuers.set(config.issuer, { config });
  }

  add(config: IssuerConfig): void {
    this.issuers.set(config.issuer, { config });
  }

  get configured(): IssuerConfig[] {
    return [...this.issuers.values()].map((i) => i.config);
  }

  async verify(token: string): Promise<VerifiedPerson> {
    if (token.length > MAX_TOKEN_LENGTH) throw new TokenRejected(`the token is longer than ${MAX_TOKEN_LENGTH} characters`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jose = (this.jose ??= require('jose') as Jose);
    let unverified: { iss?: unknown };
    try {
      unverified = jose.decodeJwt(token);
    } catch {
      throw new TokenRejected('the token is not a JWT (sign in again with `cuo login`)');
    }
    const runtime = typeof unverified.iss === 'string' ? this.issuers.get(unverified.iss) : undefined;
    if (!runtime)
      throw new TokenRejected(
        `the token's issuer ${JSON.stringify(String(unverified.iss ?? '')).slice(0, 120)} is not one this gateway trusts`,
      );
    runtime.jwks ??= jose.createRemoteJWKSet(new URL(await jwksUri(runtime.config.issuer)));
    const audience = [runtime.config.clientId, ...(runtime.config.cliClientId ? [runtime.config.cliClientId] : [])];
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jose.jwtVerify(token, runtime.jwks, { issuer: runtime.config.issuer, audience, clockTolerance: 30 }));
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      const why: Record<string, string> = {
        ERR_JWT_EXPIRED: 'the token has expired; sign in again with `cuo login`',
        ERR_JWT_CLAIM_VALIDATION_FAILED: `the token's ${(err as { claim?: string }).claim ?? 'claims'} is not for this gateway`,
        ERR_JWS_SIGNATURE_VERIFICATION_FAILED: "the token's signature does not verify with the issuer's keys",
        ERR_JWKS_NO_MATCHING_KEY: 'the token is signed by a key the issuer does not publish',
      };
      throw new TokenRejected(why[code] ?? `the token does not verify (${code || 'invalid'})`);
    }
    if (typeof payload.email !== 'string' || !payload.email)
      throw new TokenRejected('the token carries no e-mail; the identity provider must release the email scope');
    if (payload.email_verified !== true) throw new TokenRejected(`the e-mail ${payload.email} is not verified by ${runtime.config.name}`);
    if (typeof payload.sub !== 'string') throw new TokenRejected('the token has no subject');
    const authTime = typeof payload.auth_time === 'number' ? payload.auth_time : typeof payload.iat === 'number' ? payload.iat : 0;
    return {
      email: payload.email.trim().toLowerCase(),
      issuer: runtime.config.issuer,
      subject: payload.sub,
      authTime,
      ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
    };
  }
}

/** The issuer's JWKS location, from its discovery document. */
export async function jwksUri(issuer: string): Promise<string> {
  const doc = await discovery(issuer);
  if (typeof doc.jwks_uri !== 'string') throw new Error(`${issuer} publishes no jwks_uri`);
  return doc.jwks_uri;
}

export async function discovery(issuer: string): Promise<Record<string, unknown>> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}
