/**
 * What the worker's operator allows a project to do on the worker's behalf (issue #12): where its commands may run,
 * which hosts it may reach, which local folders may hold its repository, how large a load test may be. It comes
 * from the worker's configuration (worker/config.ts), never from the project file, which is untrusted input.
 */
export interface CommandPolicy {
  /** Commands of `remote: { type: local }` run in a shell on the worker only when this is true (CUO_ALLOW_LOCAL_COMMANDS=1). */
  allowLocal: boolean;
  /** Host patterns an `ssh` remote may name (CUO_SSH_ALLOWED_HOSTS): `ssh.eu-3.magento.cloud`, `*.magento.cloud`, `*`. */
  sshHosts: string[];
}

export interface NetworkPolicy {
  /** Host patterns environment URLs and network repositories may name (CUO_ALLOWED_HOSTS). */
  allowedHosts: string[];
  /** Loopback, link-local and private addresses only when this is true (CUO_ALLOW_PRIVATE_NETWORKS=1). */
  allowPrivateNetworks: boolean;
}

export interface LoadTestCaps {
  maxConnections: number;
  maxDurationSeconds: number;
  maxRequests: number;
}

export interface WorkerPolicy {
  commands: CommandPolicy;
  network: NetworkPolicy;
  /** Absolute folders under which a local-path repository may live (CUO_LOCAL_REPOSITORY_ROOTS); none by default. */
  localRepositoryRoots: string[];
  loadTest: LoadTestCaps;
  /** Timings and notice shorter than the production minimums (CUO_ALLOW_SHORT_TIMINGS=1: tests, demos). */
  allowShortTimings: boolean;
}

export const DEFAULT_LOAD_TEST_CAPS: LoadTestCaps = { maxConnections: 50, maxDurationSeconds: 300, maxRequests: 100_000 };

/** Nothing beyond the public internet hosts listed: what a worker gets when its operator configured nothing. */
export const STRICT_POLICY: WorkerPolicy = {
  commands: { allowLocal: false, sshHosts: [] },
  network: { allowedHosts: [], allowPrivateNetworks: false },
  localRepositoryRoots: [],
  loadTest: DEFAULT_LOAD_TEST_CAPS,
  allowShortTimings: false,
};

/**
 * `pattern` is a host name, an address, `*.domain` (any name below domain, not domain itself) or `*` (any host).
 * Case does not matter; a trailing dot of a fully qualified name is ignored.
 */
export function hostMatches(host: string, pattern: string): boolean {
  const h = host
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[|\]$/g, '');
  const p = pattern
    .toLowerCase()
    .trim()
    .replace(/\.$/, '')
    .replace(/^\[|\]$/g, '');
  if (p === '*') return true;
  if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  return h === p;
}

export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => hostMatches(host, p));
}
