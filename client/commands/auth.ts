/**
 * `cuo login`, `cuo logout`, `cuo whoami`: signing in to the approvals gateway with the identity provider of your
 * organisation, through the OAuth device authorization grant (RFC 8628): the CLI shows a link and a code, you sign
 * in in any browser, the CLI receives your ID token and keeps it (client/credentials.ts). Decisions then carry
 * your proven identity; `--as` is gone.
 */
import type { Command } from 'commander';
import { forgetCredentials, saveCredentials } from '../credentials';
import { CliError, EXIT } from '../exit-codes';
import { GatewayClient } from '../gateway-client';
import type { CommandContext } from './context';

interface LoginIssuer {
  name: string;
  issuer: string;
  cliClientId?: string;
  domains: string[];
}

interface WhoAmI {
  email: string;
  issuer: string;
  subject: string;
  name?: string;
  projects: { projectId: string; customer: string; roles: string[] }[];
}

type OpenIdClient = typeof import('openid-client');

/** Loopback issuers (the local development login) speak plain HTTP; every other one must be HTTPS. */
function isLoopback(url: string): boolean {
  const { hostname } = new URL(url);
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

function chooseIssuer(issuers: LoginIssuer[], wanted?: string, email?: string): LoginIssuer & { cliClientId: string } {
  const usable = issuers.filter((i): i is LoginIssuer & { cliClientId: string } => Boolean(i.cliClientId));
  if (usable.length === 0)
    throw new CliError('the gateway offers no identity provider for the CLI (no cliClientId configured)', EXIT.failure);
  const names = usable.map((i) => `"${i.name}"`).join(', ');
  if (wanted) {
    const found = usable.find((i) => i.name === wanted || i.issuer === wanted);
    if (!found) throw new CliError(`no identity provider "${wanted}" at this gateway; it offers ${names}`, EXIT.usage);
    return found;
  }
  const domain = email?.split('@')[1]?.toLowerCase();
  const byDomain = domain ? usable.filter((i) => i.domains.includes(domain)) : [];
  if (byDomain.length === 1) return byDomain[0]!;
  if (usable.length === 1) return usable[0]!;
  throw new CliError(
    `the gateway offers several identity providers (${names}): choose with --issuer "<name>" or --email <your e-mail>`,
    EXIT.usage,
  );
}

export function registerAuth(program: Command, ctx: CommandContext): void {
  program
    .command('login')
    .description('sign in to the approvals gateway (shows a link and a code to confirm in a browser)')
    .option('--issuer <name>', 'the identity provider to use, when the gateway offers several')
    .option('--email <address>', 'your e-mail: picks the identity provider of its domain')
    .action(async (opts: { issuer?: string; email?: string }) => {
      const gateway = new GatewayClient(ctx.settings());
      const { issuers } = await gateway.get<{ issuers: LoginIssuer[] }>('/api/login-config');
      const chosen = chooseIssuer(issuers, opts.issuer, opts.email);
      // openid-client ships ES modules only: loaded when someone signs in, never by the other commands.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const oidc = require('openid-client') as OpenIdClient;
      let config;
      try {
        config = await oidc.discovery(
          new URL(chosen.issuer),
          chosen.cliClientId,
          undefined,
          oidc.None(),
          isLoopback(chosen.issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined,
        );
      } catch (err) {
        throw new CliError(
          `cannot reach the identity provider ${chosen.name} at ${chosen.issuer}: ${(err as Error).message}`,
          EXIT.unavailable,
        );
      }
      const device = await oidc.initiateDeviceAuthorization(config, { scope: 'openid email profile' });
      const link = device.verification_uri_complete ?? device.verification_uri;
      ctx.io.out(`To sign in with ${chosen.name}, open ${link}`);
      ctx.io.out(`and confirm the code ${device.user_code} (valid ${Math.round(device.expires_in / 60)} minutes). Waiting…`);
      let tokens;
      try {
        tokens = await oidc.pollDeviceAuthorizationGrant(config, device);
      } catch (err) {
        throw new CliError(`sign-in did not complete: ${(err as Error).message}`, EXIT.unauthenticated);
      }
      const idToken = tokens.id_token;
      if (!idToken) throw new CliError(`${chosen.name} returned no ID token; it must support the openid scope`, EXIT.unauthenticated);
      const me = await gateway.get<WhoAmI>('/api/whoami', idToken);
      const claims = tokens.claims();
      saveCredentials(ctx.settings().configDir, gateway.url, {
        idToken,
        email: me.email,
        issuer: me.issuer,
        expiresAt: Number(claims?.exp ?? 0),
      });
      ctx.io.out(`✔ signed in to ${gateway.url} as ${me.email} (${chosen.name}); ${describeProjects(me)}`);
    });

  program
    .command('logout')
    .description('forget your sign-in to the approvals gateway')
    .action(() => {
      const settings = ctx.settings();
      const forgotten = forgetCredentials(settings.configDir, settings.gatewayUrl);
      ctx.io.out(forgotten ? `signed out of ${settings.gatewayUrl}` : `not signed in to ${settings.gatewayUrl}; nothing to forget`);
    });

  program
    .command('whoami')
    .description('who the approvals gateway says you are, and your roles per project')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const gateway = new GatewayClient(ctx.settings());
      const me = await gateway.get<WhoAmI>('/api/whoami', gateway.credentials().idToken);
      if (opts.json) {
        ctx.io.json(me);
        return;
      }
      ctx.io.out(`${me.email}${me.name ? ` (${me.name})` : ''} · signed in with ${me.issuer} as ${me.subject}`);
      for (const p of me.projects) ctx.io.out(`  ${p.projectId}  ${p.customer}  ${p.roles.join(', ')}`);
      if (me.projects.length === 0) ctx.io.out('  no running project names you as a participant');
    });
}

function describeProjects(me: WhoAmI): string {
  if (me.projects.length === 0) return 'no running project names you yet';
  return `participant of ${me.projects.map((p) => `${p.projectId} (${p.roles.join(', ')})`).join(', ')}`;
}
