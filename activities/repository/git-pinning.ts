/**
 * Git reaches a network remote at the address the worker checked, not at whatever the name answers when git
 * resolves it itself (issue #12, DNS rebinding: a repository host resolving to a public address for the check and
 * to 127.0.0.1 a moment later). The host is resolved once (policy/egress.ts `pinHost`), and the git command that
 * reaches the network is told that address:
 *
 * - https/http: `-c http.curloptResolve=<host>:<port>:<address>` (git >= 2.37), so curl connects there while the
 *   Host header and the TLS server name and certificate check stay the URL's host;
 * - ssh (ssh:// and `user@host:path`): GIT_SSH_COMMAND `ssh -o HostName=<address> -o HostKeyAlias=<host>`, so ssh
 *   connects to the address and still checks the host key known for the name (`[host]:port` for another port, as
 *   known_hosts writes it); git runs plain `ssh` from PATH otherwise, with its own arguments added;
 * - git://: `-c url.<pinned>.insteadOf=<as written>`, the daemon having no certificate or key to keep.
 *
 * A proxy (HTTPS_PROXY) resolves the remote's name itself; the worker's operator chooses that proxy.
 */
import { isIP } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { EGRESS_REFUSED, pinHost, type Resolve } from '../policy/egress';
import type { NetworkPolicy } from '../policy/worker-policy';

export interface GitNetworkOptions {
  policy: NetworkPolicy;
  /** Default: the system's resolver. Tests inject one that answers differently the second time. */
  resolve?: Resolve;
}

/** What one network git command gets: `-c` settings placed before the command, and environment variables. */
export interface GitPin {
  config: string[];
  env: Record<string, string>;
}

const DEFAULT_PORTS: Record<string, number> = { 'https:': 443, 'http:': 80, 'ssh:': 22, 'git:': 9418 };
/** Host names as ssh and curl accept them: nothing a shell or an option parser would read as more. */
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?\.?$/;

/** The remote's scheme, host and port; undefined for a local path or file:// (nothing to resolve). */
export function remoteEndpoint(url: string): { scheme: string; host: string; port: number; prefix: string } | undefined {
  const scp = /^[^/\s:@]+@([^/\s:]+):/.exec(url);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return { scheme: 'ssh:', host: scp[1]!, port: 22, prefix: '' };
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw ApplicationFailure.nonRetryable('repository.url is neither a git URL nor a local path', EGRESS_REFUSED);
  }
  if (parsed.protocol === 'file:') return undefined;
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol];
  if (port === undefined)
    throw ApplicationFailure.nonRetryable(`repository.url uses ${parsed.protocol}, which the worker does not use`, EGRESS_REFUSED);
  // As written, up to the path: what `insteadOf` must match for git://.
  const prefix = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(url)![0];
  return { scheme: parsed.protocol, host: parsed.hostname.replace(/^\[|\]$/g, ''), port, prefix };
}

/** Resolves the remote's host once, checks it against the policy, and says how to make git connect there. */
export async function pinGitRemote(url: string, network: GitNetworkOptions): Promise<GitPin | undefined> {
  const endpoint = remoteEndpoint(url);
  if (!endpoint) return undefined;
  const { scheme, host, port } = endpoint;
  if (!isIP(host) && !HOST_NAME.test(host)) {
    throw ApplicationFailure.nonRetryable(`repository.url: "${host.slice(0, 100)}" is not a host name`, EGRESS_REFUSED);
  }
  const pinned = await pinHost(host, 'repository.url', network.policy, network.resolve);
  const address = pinned.family === 6 ? `[${pinned.address}]` : pinned.address;
  if (scheme === 'https:' || scheme === 'http:') {
    // curl matches the name as the URL spells it; a literal address needs no pin.
    return isIP(host) ? { config: [], env: {} } : { config: [`http.curloptResolve=${host}:${port}:${address}`], env: {} };
  }
  if (scheme === 'ssh:') {
    const alias = port === 22 ? host : `[${host}]:${port}`;
    // Both values are checked above (a host name or an address), so the shell git runs this with sees no more.
    return { config: [], env: { GIT_SSH_COMMAND: `ssh -o HostName=${pinned.address} -o HostKeyAlias=${alias} -o CheckHostIP=no` } };
  }
  return { config: [`url.git://${address}:${port}.insteadOf=${endpoint.prefix}`], env: {} };
}
