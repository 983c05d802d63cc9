/**
 * Whether a project may make the worker reach a host (issue #12, finding 3: environment URLs accepted loopback and
 * any host, and a request to the Temporal UI's HTTP API on loopback terminated another project). The host must
 * match CUO_ALLOWED_HOSTS, and every address it resolves to must be public unless the operator allows private
 * networks (tests and the demo do, for their loopback stand-ins). Names are resolved here, so a public name that
 * points at 127.0.0.1 is refused like 127.0.0.1 itself.
 */
import { lookup as dnsLookup } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { hostAllowed, type NetworkPolicy } from './worker-policy';

export const EGRESS_REFUSED = 'EgressRefused';

/** Loopback, "this network", private, carrier-grade NAT, link-local, benchmarking, multicast and reserved ranges. */
const NON_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  NON_PUBLIC.addSubnet(net, bits, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !NON_PUBLIC.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return !NON_PUBLIC.check(mapped[1]!, 'ipv4');
    return !NON_PUBLIC.check(address, 'ipv6');
  }
  return false;
}

/**
 * A `lookup` for HTTP connections that fails on a non-public answer (unless the policy allows private networks):
 * the check at the start of an activity and the connection itself then agree, even if DNS answers differently
 * the second time (rebinding).
 */
export function guardedLookup(policy: NetworkPolicy): LookupFunction | undefined {
  if (policy.allowPrivateNetworks) return undefined;
  return ((hostname: string, options: object, callback: (err: Error | null, address: unknown, family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, undefined);
      const list = addresses as Array<{ address: string; family: number }>;
      const internal = list.find((a) => !isPublicAddress(a.address));
      if (internal) {
        return callback(
          Object.assign(
            new Error(`${hostname} resolved to the non-public address ${internal.address}; the worker does not connect to it`),
            { code: EGRESS_REFUSED },
          ),
          undefined,
        );
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  }) as LookupFunction;
}

export type Resolve = (host: string) => Promise<string[]>;
const resolveAll: Resolve = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Refuses (non-retryable, naming the field and the variable to change) a host not in CUO_ALLOWED_HOSTS. */
function assertListed(bare: string, field: string, policy: NetworkPolicy): void {
  if (!hostAllowed(bare, policy.allowedHosts)) {
    throw ApplicationFailure.nonRetryable(
      `${field}: the worker does not reach host "${bare}": it is not in the worker's CUO_ALLOWED_HOSTS (${policy.allowedHosts.join(', ') || 'empty'}). ` +
        "Ask the worker's operator to add it, or correct the project file.",
      EGRESS_REFUSED,
    );
  }
}

/** The host's addresses, or a retryable failure naming only the field and the host. */
async function addressesOf(bare: string, field: string, resolve: Resolve): Promise<string[]> {
  let addresses: string[];
  try {
    addresses = isIP(bare) ? [bare] : await resolve(bare);
  } catch {
    addresses = [];
  }
  // Unresolvable now: nothing is reached; a retry may find the name.
  if (!addresses.length) throw ApplicationFailure.retryable(`${field}: host name "${bare}" does not resolve`, 'HostDoesNotResolve');
  return addresses;
}

/** Refuses when any of the host's addresses is not public (unless the policy allows private networks). */
function assertPublic(bare: string, addresses: string[], field: string, policy: NetworkPolicy): void {
  if (policy.allowPrivateNetworks) return;
  const internal = addresses.filter((a) => !isPublicAddress(a));
  if (internal.length) {
    throw ApplicationFailure.nonRetryable(
      `${field}: host "${bare}" is a loopback, link-local or private address (${internal.join(', ')}); the worker reaches only public addresses unless its operator sets CUO_ALLOW_PRIVATE_NETWORKS=1.`,
      EGRESS_REFUSED,
    );
  }
}

/**
 * Refuses (non-retryable, naming the field and the variable to change) a host the policy does not allow.
 * `field` names where the host came from, e.g. `environments.staging.url`.
 */
export async function assertHostAllowed(host: string, field: string, policy: NetworkPolicy, resolve: Resolve = resolveAll): Promise<void> {
  const bare = host.replace(/^\[|\]$/g, '');
  assertListed(bare, field, policy);
  if (policy.allowPrivateNetworks) return;
  assertPublic(bare, await addressesOf(bare, field, resolve), field, policy);
}

/** A host name and the one address, checked against the policy, that connections to it must use. */
export interface PinnedHost {
  host: string;
  address: string;
  family: 4 | 6;
}

/**
 * Resolves `host` once, checks it and every address it resolved to against the policy, and returns the address
 * to connect to (issue #12, DNS rebinding): a client that resolved the name again itself (autocannon, git) could
 * get another answer, 127.0.0.1 a moment after a public address passed the check. The caller connects to
 * `address` and keeps `host` for the Host header, the TLS server name and the ssh host key.
 */
export async function pinHost(host: string, field: string, policy: NetworkPolicy, resolve: Resolve = resolveAll): Promise<PinnedHost> {
  const bare = host.replace(/^\[|\]$/g, '');
  assertListed(bare, field, policy);
  const addresses = await addressesOf(bare, field, resolve);
  assertPublic(bare, addresses, field, policy);
  const address = addresses[0]!;
  const family = isIP(address);
  if (family !== 4 && family !== 6)
    throw ApplicationFailure.retryable(`${field}: host name "${bare}" did not resolve to an address`, 'HostDoesNotResolve');
  return { host: bare, address, family };
}

/** Parses an http(s) URL and checks its host; never concatenated into a request afterwards, only used as a URL. */
export async function assertUrlAllowed(raw: string, field: string, policy: NetworkPolicy, resolve?: Resolve): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw ApplicationFailure.nonRetryable(`${field}: "${raw.slice(0, 200)}" is not a URL`, EGRESS_REFUSED);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw ApplicationFailure.nonRetryable(`${field}: only http and https URLs are reached, not ${url.protocol}`, EGRESS_REFUSED);
  }
  await assertHostAllowed(url.hostname, field, policy, resolve);
  return url;
}
