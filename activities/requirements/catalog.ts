/**
 * The Adobe Commerce system-requirements matrix (2.4.4 … 2.4.9 and every -pN) as product data. The JSON beside this
 * file is a verbatim copy of shared/reference/commerce-system-requirements.json and names the source repository
 * and commit it was taken from: Adobe edits the matrix after releases, so a value is only as good as its commit.
 *
 * Pure: the JSON is imported (bundled at build time), nothing is read at call time.
 */
import matrix from './commerce-system-requirements.json';
import { compareCommerceVersions, formatCommerceVersion, parseCommerceVersion } from '../../workflows/commerce-version';
import { highestVersion, parseVersionRequirement, type VersionRequirement } from './service-version';

export type { VersionRequirement } from './service-version';

/** Which table of the matrix applies: Adobe Commerce on cloud infrastructure (the default here) or on-premises. */
export type Platform = 'cloud' | 'on-premises';

export interface CatalogSource {
  repository: string;
  path: string;
  commit: string;
  /** Date of the commit read, YYYY-MM-DD. */
  date: string;
  /** The `_source` note verbatim. */
  text: string;
}

/** What one Commerce version needs, parsed, with the raw matrix entry kept beside it. */
export interface CommerceRequirements {
  /** The exact version asked for, e.g. "2.4.8-p5". */
  version: string;
  /** The matrix marks the newest patch of each line "(latest)". */
  latestOfLine: boolean;
  platform: Platform;
  /** Supported PHP versions as listed, e.g. ["8.4", "8.3"]. */
  php: string[];
  composer: VersionRequirement;
  /** Supported MariaDB versions as listed (the version `mysql:` carries on cloud), e.g. ["11.4", "11.8"]. */
  mariadb: string[];
  /** The MariaDB version the matrix marks "(recommended)", if any (2.4.9 on cloud: 12.3). */
  mariadbRecommended?: string;
  opensearch: VersionRequirement;
  elasticsearch?: VersionRequirement;
  redis?: VersionRequirement;
  valkey?: VersionRequirement;
  rabbitmq: VersionRequirement;
  activemqArtemis?: VersionRequirement;
  varnish: VersionRequirement;
  nginx: VersionRequirement;
  mysql?: VersionRequirement;
  /** Plain keys whose "<key> Cloud" override was used, e.g. ["MariaDB", "OpenSearch"]. */
  cloudOverrides: string[];
  /** The matrix entry verbatim, every key (AWS and New Relic rows included). */
  raw: Record<string, string>;
  source: CatalogSource;
}

/** Thrown for a version the matrix does not list; the activity wrapper turns it into a non-retryable failure. */
export class UnknownCommerceVersionError extends Error {
  override readonly name = 'UnknownCommerceVersionError';
  constructor(
    readonly version: string,
    readonly knownVersions: readonly string[],
  ) {
    super(
      `Adobe Commerce version "${version}" is not in the system-requirements catalog ` +
        `(${catalogSource().repository} ${catalogSource().path}@${catalogSource().commit}). ` +
        `Known versions: ${knownVersions.join(', ')}. Use one of them (e.g. "2.4.8-p5"), or update the catalog ` +
        `from the source if Adobe released a newer patch.`,
    );
  }
}

interface MatrixFile {
  _source: string;
  versions: Record<string, Record<string, string>>;
}

const data = matrix as MatrixFile;
const LATEST_SUFFIX = ' (latest)';

function readSource(text: string): CatalogSource {
  const match = /^(\S+), file (\S+) at commit ([0-9a-f]{7,40}) \((\d{4}-\d{2}-\d{2})\)/.exec(text);
  if (!match || !match[1] || !match[2] || !match[3] || !match[4]) {
    throw new Error(`requirements matrix: _source does not name repository, file and commit: ${text}`);
  }
  return { repository: match[1], path: match[2], commit: match[3], date: match[4], text };
}

const SOURCE = readSource(data._source);

interface Entry {
  version: string;
  latest: boolean;
  values: Record<string, string>;
}

/** Entries keyed by plain version ("2.4.8-p5 (latest)" is found as "2.4.8-p5"). */
const ENTRIES: ReadonlyMap<string, Entry> = new Map(
  Object.entries(data.versions).map(([key, values]) => {
    const latest = key.endsWith(LATEST_SUFFIX);
    const version = latest ? key.slice(0, -LATEST_SUFFIX.length) : key;
    return [version, { version, latest, values }];
  }),
);

const KNOWN: readonly string[] = [...ENTRIES.keys()].sort((a, b) => {
  const va = parseCommerceVersion(a);
  const vb = parseCommerceVersion(b);
  return va && vb ? compareCommerceVersions(va, vb) : a.localeCompare(b);
});

export function catalogSource(): CatalogSource {
  return { ...SOURCE };
}

/** Every version the catalog knows, oldest first ("2.4.4", "2.4.4-p1", … "2.4.9"). */
export function knownVersions(): string[] {
  return [...KNOWN];
}

/** The newest version of a release line the catalog knows, e.g. "2.4.8" → "2.4.8-p5", "2.4.9" → "2.4.9". */
export function latestPatchOf(line: string): string | undefined {
  return KNOWN.filter((version) => version === line || version.startsWith(`${line}-p`)).at(-1);
}

function normalise(version: string): string {
  const text = version.trim().replace(/ \(latest\)$/, '');
  const parsed = parseCommerceVersion(text);
  return parsed ? formatCommerceVersion(parsed) : text;
}

/**
 * The requirements of one Commerce version. On cloud (the default) a "<key> Cloud" value wins over the plain key,
 * as the cloud table of Adobe's page does; a key without a cloud value falls back to the plain key.
 * Throws UnknownCommerceVersionError for a version the matrix does not list.
 */
export function requirementsFor(version: string, options: { platform?: Platform } = {}): CommerceRequirements {
  const platform = options.platform ?? 'cloud';
  const entry = ENTRIES.get(normalise(version));
  if (!entry) throw new UnknownCommerceVersionError(version, KNOWN);
  const cloudOverrides: string[] = [];

  const lookup = (key: string): VersionRequirement | undefined => {
    const cloudKey = `${key} Cloud`;
    if (platform === 'cloud' && entry.values[cloudKey] !== undefined) {
      cloudOverrides.push(key);
      return parseVersionRequirement(cloudKey, entry.values[cloudKey]);
    }
    const value = entry.values[key];
    return value === undefined ? undefined : parseVersionRequirement(key, value);
  };
  const required = (key: string): VersionRequirement => {
    const found = lookup(key);
    if (!found) throw new Error(`requirements matrix: ${entry.version} has no "${key}" value`);
    return found;
  };
  const optional = <K extends string>(field: K, key: string): { [P in K]?: VersionRequirement } => {
    const found = lookup(key);
    return (found ? { [field]: found } : {}) as { [P in K]?: VersionRequirement };
  };

  const php = required('PHP');
  const mariadb = required('MariaDB');
  return {
    version: entry.version,
    latestOfLine: entry.latest,
    platform,
    php: php.versions,
    composer: required('Composer'),
    mariadb: mariadb.versions,
    ...(mariadb.recommended === undefined ? {} : { mariadbRecommended: mariadb.recommended }),
    opensearch: required('OpenSearch'),
    ...optional('elasticsearch', 'Elasticsearch'),
    ...optional('redis', 'Redis'),
    ...optional('valkey', 'Valkey'),
    rabbitmq: required('RabbitMQ'),
    ...optional('activemqArtemis', 'ActiveMQ Artemis'),
    varnish: required('Varnish'),
    nginx: required('nginx'),
    ...optional('mysql', 'MySQL'),
    cloudOverrides,
    raw: { ...entry.values },
    source: catalogSource(),
  };
}

/** The highest PHP version a Commerce version supports, e.g. "2.4.8" → "8.4". */
export function highestPhp(requirements: Pick<CommerceRequirements, 'php'>): string {
  const highest = highestVersion(requirements.php);
  if (!highest) throw new Error('requirements list no PHP version');
  return highest;
}
