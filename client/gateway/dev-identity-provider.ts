/**
 * The local OpenID Connect provider for development and tests (the real `oidc-provider` library, on loopback):
 * its accounts are the participants of the projects Temporal knows, chosen on a page marked as a development login.
 * It issues real signed ID tokens over the device authorization grant (`cuo login`) and the authorization code
 * flow (the gateway's web login); the gateway verifies them exactly as it verifies Adobe IMS, Entra ID or Okta.
 * Never for production: it asks for no password.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';
import type { Participant } from '../../workflows/project-input';
import type { IssuerConfig } from './config';
import { escapeHtml } from './html';

export const DEV_CLI_CLIENT_ID = 'cuo-cli';
export const DEV_WEB_CLIENT_ID = 'cuo-gateway';

export interface DevIdentityProvider {
  issuer: IssuerConfig;
  close(): Promise<void>;
}

export interface DevIdentityOptions {
  port: number;
  /** The gateway's public URL (the web login's redirect URI). */
  gatewayUrl: string;
  tokenTtlSec: number;
  /** The accounts offered on the login page (any e-mail may be typed too). */
  knownPeople: () => Promise<Participant[]>;
}

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[A-Za-z]{2,}$/;

export async function startDevIdentityProvider(options: DevIdentityOptions): Promise<DevIdentityProvider> {
  // oidc-provider ships ES modules only: loaded here, in the gateway process, never by the CLI or the worker.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: ProviderClass } = require('oidc-provider') as { default: typeof Provider };
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const issuerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const webSecret = randomBytes(24).toString('base64url');
  const unverified = new Set<string>();
  const names = new Map<string, string>();
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

  const provider = new ProviderClass(issuerUrl, {
    clients: [
      {
        client_id: DEV_CLI_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: DEV_WEB_CLIENT_ID,
        client_secret: webSecret,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [`${options.gatewayUrl}/auth/callback`],
      },
    ],
    jwks: { keys: [{ ...signingKey, kid: 'dev-rsa', use: 'sig', alg: 'RS256' } as never] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: false,
    ttl: {
      IdToken: options.tokenTtlSec,
      DeviceCode: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      AuthorizationCode: 60,
    },
    features: {
      devInteractions: { enabled: false },
      deviceFlow: {
        enabled: true,
        userCodeInputSource: async (ctx, form) => {
          ctx.body = page(
            'Enter the code',
            `<p>Type the code <code>cuo login</code> shows.</p>${form}<button type="submit" form="op.deviceInputForm">Continue</button>`,
          );
        },
        userCodeConfirmSource: async (ctx, form, _client, _info, userCode) => {
          ctx.body = page(
            'Confirm the code',
            `<p>Is <code>${escapeHtml(userCode)}</code> the code <code>cuo login</code> shows?</p>${form}<button type="submit" form="op.deviceConfirmForm">Yes, sign in</button>`,
          );
        },
        successSource: async (ctx) => {
          ctx.body = page('Signed in', '<p>You are signed in. Go back to the terminal.</p>');
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, email: sub, email_verified: !unverified.has(sub), ...(names.has(sub) ? { name: names.get(sub) } : {}) }),
    }),
    // A development login grants what the gateway asks for: no consent page.
    loadExistingGrant: async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      const clientId = ctx.oidc.client?.clientId;
      if (!accountId || !clientId) return undefined;
      const existing = ctx.oidc.session?.grantIdFor(clientId);
      if (existing) {
        const found = await ctx.oidc.provider.Grant.find(existing);
        if (found) return found;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Sign-in error', `<p>${escapeHtml(String(out.error_description ?? out.error))}</p>`);
    },
  });
  const handle = provider.callback();

  const login = async (req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> => {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (req.method === 'POST') {
      const form = new URLSearchParams(await body(req));
      const email = (form.get('email') ?? '').trim().toLowerCase();
      if (!EMAIL.test(email)) {
        send(res, 400, loginPage(uid, await options.knownPeople(), 'Enter an e-mail address.'));
        return;
      }
      if (form.get('unverified') === 'yes') unverified.add(email);
      else unverified.delete(email);
      const known = (await options.knownPeople()).find((p) => p.email === email);
      if (known) names.set(email, known.name);
      await provider.interactionFinished(req, res, { login: { accountId: email } }, { mergeWithLastSubmission: false });
      return;
    }
    send(res, 200, loginPage(uid, await options.knownPeople()));
  };

  server.on('request', (req, res) => {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec((req.url ?? '').split('?')[0]!);
    if (!match) {
      void handle(req, res);
      return;
    }
    login(req, res, match[1]!).catch(() => send(res, 400, page('Sign-in error', '<p>This sign-in has expired. Start again.</p>')));
  });

  return {
    issuer: {
      name: 'Local development login',
      issuer: issuerUrl,
      clientId: DEV_WEB_CLIENT_ID,
      clientSecret: webSecret,
      cliClientId: DEV_CLI_CLIENT_ID,
      domains: [],
    },
    close: () => closeServer(server),
  };
}

function loginPage(uid: string, people: Participant[], error?: string): string {
  const buttons = people
    .map(
      (p) =>
        `<li><button type="submit" name="email" value="${escapeHtml(p.email)}">${escapeHtml(p.name)} &lt;${escapeHtml(p.email)}&gt;</button></li>`,
    )
    .join('');
  return page(
    'Development login',
    `<p class="warn"><strong>Development login — not for production.</strong> Anyone can sign in as anyone here. In production the gateway uses your organisation's identity provider.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}">
  <h2>Participants of the projects</h2>
  <ul>${buttons || '<li>No running project yet: type an e-mail below.</li>'}</ul>
  <label for="email">Or an e-mail address</label>
  <input id="email" name="email" type="email" autocomplete="email">
  <label><input type="checkbox" name="unverified" value="yes"> mark the e-mail as not verified (to see the gateway refuse it)</label>
  <button type="submit">Sign in</button>
</form>`,
  );
}

function page(title: string, content: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Commerce Upgrade Orchestrator</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}button{display:block;margin:.4rem 0;padding:.5rem 1rem}.warn{background:#fff3cd;padding:.5rem}.error{color:#a00}ul{list-style:none;padding:0}input[type=email]{width:100%;padding:.4rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${content}</body></html>`;
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' });
  res.end(html);
}

async function body(req: IncomingMessage, limit = 16_384): Promise<string> {
  let data = '';
  for await (const chunk of req) {
    data += chunk;
    if (data.length > limit) throw new Error('body too large');
  }
  return data;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
