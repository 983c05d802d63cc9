/**
 * The approvals gateway's configuration, read from the environment once at start and validated like the worker's:
 * a bad value stops it with the variable's name and the form expected, never with a secret's value.
 */
import { z } from 'zod';

/** One identity provider people sign in with (Adobe IMS, Entra ID, Okta, Keycloak, or the local development one). */
export const issuerSchema = z.strictObject({
  /** What the login page and errors call it, e.g. "Acme Entra ID". */
  name: z.string().min(1).max(80),
  /** The issuer URL (its discovery document is `<issuer>/.well-known/openid-configuration`). */
  issuer: z.string().url(),
  /** The client id of the gateway's web login at this issuer; ID tokens for it are accepted. */
  clientId: z.string().min(1),
  /** The web login's client secret (never logged, never in an error). */
  clientSecret: z.string().min(1).optional(),
  /** The public client `cuo login` uses (device authorization grant); its ID tokens are accepted too. */
  cliClientId: z.string().min(1).optional(),
  /** E-mail domains that sign in here (chosen on the login page by domain); empty: anyone may pick it. */
  domains: z.array(z.string().regex(/^[a-z0-9.-]+$/i)).default([]),
});
export type IssuerConfig = z.infer<typeof issuerSchema>;

const port = (name: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a port number 0-65535` });
        return z.NEVER;
      }
      return n;
    });

const envSchema = z.object({
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: port('GATEWAY_PORT', '8234'),
  /** How people reach it (links in mail, redirect URIs); default http://<host>:<port>. */
  GATEWAY_PUBLIC_URL: z.string().url().optional(),
  /** PKCS#8 PEM Ed25519 private key the gateway signs decisions with. */
  GATEWAY_SIGNING_KEY_FILE: z.string().min(1, 'must name the PEM file of the Ed25519 signing key'),
  /** Earlier signing keys, comma-separated: their public keys stay published so `cuo admin rotate-keys` can move projects on. */
  GATEWAY_PREVIOUS_KEY_FILES: z.string().optional(),
  /** JSON list of identity providers (see issuerSchema). */
  GATEWAY_OIDC_ISSUERS: z.string().optional(),
  /** Starts the local development identity provider on this port (loopback only) and trusts it. */
  GATEWAY_DEV_IDP_PORT: z.string().optional(),
  /** ID token lifetime of the development identity provider, seconds. */
  GATEWAY_DEV_IDP_TOKEN_TTL: z.string().regex(/^\d+$/).default('3600'),
  /** How long a signed decision assertion is valid, seconds. */
  GATEWAY_ASSERTION_TTL: z.string().regex(/^\d+$/).default('300'),
  /** Decisions per person per minute, and logins per address per minute. */
  GATEWAY_DECISION_RATE: z.string().regex(/^\d+$/).default('30'),
  GATEWAY_LOGIN_RATE: z.string().regex(/^\d+$/).default('20'),
  /** Behind a TLS-terminating proxy: trust its X-Forwarded-* headers. */
  GATEWAY_TRUST_PROXY: z.enum(['0', '1']).default('0'),
  /** Serve HTTPS directly: PEM certificate and key files. */
  GATEWAY_TLS_CERT_FILE: z.string().optional(),
  GATEWAY_TLS_KEY_FILE: z.string().optional(),
  /** Signs the browser session and CSRF cookies (at least 32 characters); default: random per start (sessions end on restart). */
  GATEWAY_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** The artifact store the worker writes (its CUO_DATA_DIR/artifacts): the task pages show the documents from it. */
  GATEWAY_ARTIFACT_DIR: z.string().min(1).optional(),
  /** Shared with the worker: the HMAC key of one-time e-mail links (activities/notify/email-link.ts). Unset: links are off. */
  EMAIL_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** The Temporal UI of the namespace, e.g. http://localhost:8233/namespaces/default: the pages link each project there. */
  GATEWAY_TEMPORAL_UI_URL: z.string().url().optional(),
  /** Who may open the manager board: e-mails or @domains, comma-separated, or * for every signed-in person. */
  GATEWAY_MANAGERS: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface GatewayConfig {
  host: string;
  port: number;
  publicUrl?: string;
  signingKeyFile: string;
  previousKeyFiles: string[];
  issuers: IssuerConfig[];
  devIdp?: { port: number; tokenTtlSec: number };
  assertionTtlSec: number;
  decisionRatePerMinute: number;
  loginRatePerMinute: number;
  trustProxy: boolean;
  tls?: { certFile: string; keyFile: string };
  sessionSecret?: string;
  artifactDir?: string;
  emailLinkSecret?: string;
  temporalUiUrl?: string;
  managers: string[];
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

export class GatewayConfigError extends Error {}

export function loadGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    // Field names and messages only: a value may be a secret.
    throw new GatewayConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const e = parsed.data;
  let issuers: IssuerConfig[] = [];
  if (e.GATEWAY_OIDC_ISSUERS) {
    let raw: unknown;
    try {
      raw = JSON.parse(e.GATEWAY_OIDC_ISSUERS);
    } catch {
      throw new GatewayConfigError(
        'GATEWAY_OIDC_ISSUERS must be a JSON list of {name, issuer, clientId, clientSecret?, cliClientId?, domains?}',
      );
    }
    const list = z.array(issuerSchema).min(1).safeParse(raw);
    if (!list.success) {
      throw new GatewayConfigError(
        `GATEWAY_OIDC_ISSUERS: ${list.error.issues.map((i) => `[${i.path.join('.')}] ${i.message}`).join('; ')}`,
      );
    }
    issuers = list.data;
  }
  let devIdp: GatewayConfig['devIdp'];
  if (e.GATEWAY_DEV_IDP_PORT !== undefined) {
    const n = Number(e.GATEWAY_DEV_IDP_PORT);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new GatewayConfigError('GATEWAY_DEV_IDP_PORT must be a port number 0-65535');
    devIdp = { port: n, tokenTtlSec: Number(e.GATEWAY_DEV_IDP_TOKEN_TTL) };
  }
  if (issuers.length === 0 && !devIdp) {
    throw new GatewayConfigError(
      'no identity provider: set GATEWAY_OIDC_ISSUERS (production) or GATEWAY_DEV_IDP_PORT (local development login)',
    );
  }
  if (Boolean(e.GATEWAY_TLS_CERT_FILE) !== Boolean(e.GATEWAY_TLS_KEY_FILE)) {
    throw new GatewayConfigError('GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE go together');
  }
  return {
    host: e.GATEWAY_HOST,
    port: e.GATEWAY_PORT,
    publicUrl: e.GATEWAY_PUBLIC_URL?.replace(/\/+$/, ''),
    signingKeyFile: e.GATEWAY_SIGNING_KEY_FILE,
    previousKeyFiles: (e.GATEWAY_PREVIOUS_KEY_FILES ?? '')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean),
    issuers,
    devIdp,
    assertionTtlSec: Number(e.GATEWAY_ASSERTION_TTL),
    decisionRatePerMinute: Number(e.GATEWAY_DECISION_RATE),
    loginRatePerMinute: Number(e.GATEWAY_LOGIN_RATE),
    trustProxy: e.GATEWAY_TRUST_PROXY === '1',
    ...(e.GATEWAY_TLS_CERT_FILE && e.GATEWAY_TLS_KEY_FILE
      ? { tls: { certFile: e.GATEWAY_TLS_CERT_FILE, keyFile: e.GATEWAY_TLS_KEY_FILE } }
      : {}),
    ...(e.GATEWAY_SESSION_SECRET ? { sessionSecret: e.GATEWAY_SESSION_SECRET } : {}),
    ...(e.GATEWAY_ARTIFACT_DIR ? { artifactDir: e.GATEWAY_ARTIFACT_DIR } : {}),
    ...(e.EMAIL_LINK_SECRET ? { emailLinkSecret: e.EMAIL_LINK_SECRET } : {}),
    ...(e.GATEWAY_TEMPORAL_UI_URL ? { temporalUiUrl: e.GATEWAY_TEMPORAL_UI_URL.replace(/\/+$/, '') } : {}),
    managers: (e.GATEWAY_MANAGERS ?? '')
      .split(',')
      .map((m) => m.trim().toLowerCase())
      .filter(Boolean),
    logLevel: e.LOG_LEVEL,
  };
}
