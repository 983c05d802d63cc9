/**
 * The demo's people sign in to its approvals gateway as a person would: `cuo login`, then the development login
 * page confirmed (over HTTP, as client/gateway/dev-login.ts does it), each with a config folder of their own.
 * After that every `cuo` command of theirs carries their proven identity.
 */
import { join } from 'node:path';
import { run } from '../../client/cli';
import { completeDevLogin } from '../../client/gateway/dev-login';
import { plainStyle, type Io } from '../../client/io';

export class DemoPeople {
  private readonly signedIn = new Map<string, NodeJS.ProcessEnv>();

  constructor(
    private readonly dataDir: string,
    private readonly gatewayUrl: string,
    private readonly print: (line: string) => void,
  ) {}

  /** The environment `cuo` runs with for `email`, signing them in the first time. */
  async envOf(email: string): Promise<NodeJS.ProcessEnv> {
    const known = this.signedIn.get(email);
    if (known) return known;
    const env = { ...process.env, CUO_GATEWAY_URL: this.gatewayUrl, CUO_CONFIG_DIR: join(this.dataDir, 'people', email) };
    this.print(`$ npx cuo login --email ${email}      # then "Sign in" on the development login page`);
    let link: string | undefined;
    let resolveLink: (url: string) => void = () => undefined;
    const linkShown = new Promise<string>((resolve) => (resolveLink = resolve));
    const lines: string[] = [];
    const io: Io = {
      style: plainStyle(),
      out: (text) => {
        lines.push(text);
        const match = /open (http\S+)/.exec(text);
        if (match && !link) resolveLink((link = match[1]!));
      },
      err: (text) => lines.push(text),
      json: () => undefined,
      now: () => Date.now(),
    };
    const login = run(['login', '--email', email], io, env);
    const url = await Promise.race([linkShown, login.then(() => undefined)]);
    if (url) await completeDevLogin(url, email);
    const code = await login;
    for (const line of lines) this.print(`    ${line}`);
    if (code !== 0) throw new Error(`cuo login as ${email} failed (exit ${code})`);
    this.signedIn.set(email, env);
    return env;
  }
}
