/**
 * The browser login of the task pages: OpenID Connect authorization code flow with PKCE (S256), state and nonce,
 * against the configured issuers (openid-client), then a session cookie. The ID token is verified by the same
 * TokenVerifier the API uses and is not kept: the session holds the verified person only, signed (HMAC, by
 * @fastify/cookie) so it cannot be altered, HttpOnly, SameSite=Lax and Secure behind TLS, for 8 hours. No token
 * ever appears in a URL; the one-time e-mail links (email-link.ts) are the only credential in a link.
 */
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IssuerConfig } from './config';
import type { TokenVerifier, VerifiedPerson } from './token-verifier';

type OpenIdClient = typeof import('openid-client');

export const SESSION_COOKIE = 'cuo_session';
const LOGIN_COOKIE = 'cuo_login';
export const SESSION_TTL_SEC = 8 * 3600;
const LOGIN_TTL_SEC = 600;

export class WebLoginError extends Error {}

interface LoginState {
  s: string; // state
  n: string; // nonce
  v: string; // PKCE code verifier
  i: string; // issuer
  r: string; // where to go back to
}

interface SessionBody {
  p: VerifiedPerson;
  x: number; // expiry, seconds since the epoch
}

/** Only a path of this site: never `//evil.example` or `https://…` (an open redirect). */
export function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) && value.length < 500 ? value : '/my/tasks';
}

export class WebLogin {
  private oidc?: OpenIdClient;
  private readonly configs = new Map<string, Promise<import('openid-client').Configuration>>();

  constructor(
    private readonly publicUrl: () => string,
    private readonly issuers: () => IssuerConfig[],
    private readonly verifier: TokenVerifier,
    private readonly secure: boolean,
  ) {}

  get redirectUri(): string {
    return `${this.publicUrl()}/auth/callback`;
  }

  private lib(): OpenIdClient {
    // openid-client ships ES modules only: loaded on the first browser login.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (this.oidc ??= require('openid-client') as OpenIdClient);
  }

  private configOf(issuer: IssuerConfig) {
    let config = this.configs.get(issuer.issuer);
    if (!config) {
      const oidc = this.lib();
      const url = new URL(issuer.issuer);
      const loopback = url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
      config = oidc.discovery(
        url,
        issuer.clientId,
        undefined,
        issuer.clientSecret ? oidc.ClientSecretBasic(issuer.clientSecret) : oidc.None(),
        // Plain HTTP only for an identity provider on loopback (the development login).
        loopback ? { execute: [oidc.allowInsecureRequests] } : undefined,
      );
      config.catch(() => this.configs.delete(issuer.issuer));
      this.configs.set(issuer.issuer, config);
    }
    return config;
  }

  issuerNamed(issuer: string | undefined): IssuerConfig | undefined {
    const all = this.issuers();
    return issuer ? all.find((i) => i.issuer === issuer) : all.length === 1 ? all[0] : undefined;
  }

  /** Redirects the browser to the identity provider, keeping state, nonce and verifier in a signed cookie. */
  async start(reply: FastifyReply, issuer: IssuerConfig, returnTo: string): Promise<FastifyReply> {
    const oidc = this.lib();
    const config = await this.configOf(issuer);
    const state: LoginState = {
      s: oidc.randomState(),
      n: oidc.randomNonce(),
      v: oidc.randomPKCECodeVerifier(),
      i: issuer.issuer,
      r: safeReturnTo(returnTo),
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(state.v),
      code_challenge_method: 'S256',
      state: state.s,
      nonce: state.n,
    });
    reply.setCookie(LOGIN_COOKIE, Buffer.from(JSON.stringify(state)).toString('base64url'), {
      ...this.cookieOptions(),
      maxAge: LOGIN_TTL_SEC,
      path: '/auth',
    });
    return reply.redirect(url.href, 303);
  }

  /** The identity provider's redirect back: exchanges the code, verifies the ID token, opens the session. */
  async finish(request: FastifyRequest, reply: FastifyReply): Promise<string> {
    const raw = request.cookies[LOGIN_COOKIE];
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    reply.clearCookie(LOGIN_COOKIE, { path: '/auth' });
    if (!unsigned?.valid || !unsigned.value)
      throw new WebLoginError('this sign-in was not started here or took longer than 10 minutes; start again');
    let state: LoginState;
    try {
      state = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as LoginState;
    } catch {
      throw new WebLoginError('the sign-in state is unreadable; start again');
    }
    const issuer = this.issuerNamed(state.i);
    if (!issuer) throw new WebLoginError('the identity provider of this sign-in is no longer configured');
    const oidc = this.lib();
    const query = new URL(request.url, 'http://gateway.invalid').search;
    let idToken: string | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(await this.configOf(issuer), new URL(`${this.redirectUri}${query}`), {
        pkceCodeVerifier: state.v,
        expectedState: state.s,
        expectedNonce: state.n,
        idTokenExpected: true,
      });
      idToken = tokens.id_token;
    } catch (err) {
      // The library's message names the failed check (state, nonce, code); it holds no token.
      throw new WebLoginError(`the identity provider's answer was refused: ${(err as Error).message}`);
    }
    if (!idToken) throw new WebLoginError('the identity provider returned no ID token');
    const person = await this.verifier.verify(idToken);
    const body: SessionBody = { p: person, x: Math.floor(Date.now() / 1000) + SESSION_TTL_SEC };
    reply.setCookie(SESSION_COOKIE, Buffer.from(JSON.stringify(body)).toString('base64url'), {
      ...this.cookieOptions(),
      maxAge: SESSION_TTL_SEC,
      path: '/',
    });
    return state.r;
  }

  /** The signed-in person, or undefined (no cookie, altered, expired). */
  person(request: FastifyRequest): VerifiedPerson | undefined {
    const raw = request.cookies[SESSION_COOKIE];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return undefined;
    try {
      const body = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as SessionBody;
      return body.x > Date.now() / 1000 && typeof body.p?.email === 'string' ? body.p : undefined;
    } catch {
      return undefined;
    }
  }

  logout(reply: FastifyReply): void {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  private cookieOptions() {
    return { httpOnly: true, sameSite: 'lax' as const, secure: this.secure, signed: true };
  }
}
