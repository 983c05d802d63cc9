/**
 * Facts about Adobe Commerce on cloud infrastructure that the requirements matrix does not carry, each with the
 * source it was read from (as the matrix names its commit). Pure data: a change here is a change of a documented
 * fact, so add the source with it.
 */

export interface SourcedFact {
  /** Where the fact was read: a URL, or repository and file at a commit. */
  source: string;
}

const ECE_TOOLS_NOTES_URL = 'https://experienceleague.adobe.com/zh-hans/docs/commerce-on-cloud/user-guide/release-notes/ece-tools-package';
const ECE_TOOLS_NOTES_REPO = 'AdobeDocs/commerce-on-cloud.en@99ab076fb0ce help/release-notes/ece-tools-package.md';

/** Service types `.magento/services.yaml` may name, as Adobe's cloud guide and templates use them. */
export const CLOUD_SERVICE_TYPES: Readonly<
  Record<string, SourcedFact & { kind: 'database' | 'cache' | 'search' | 'queue'; label: string }>
> = {
  mysql: {
    kind: 'database',
    label: 'MariaDB',
    source: 'AdobeDocs/commerce-on-cloud.en@99ab076fb0ce help/cloud-guide/services/services-yaml.md ("mysql": the version is MariaDB)',
  },
  // The app-server project variant writes the database as `mariadb:`; the version is MariaDB's as for `mysql:`.
  mariadb: {
    kind: 'database',
    label: 'MariaDB',
    source: 'issue #14 (Adobe app-server project variant uses `mariadb:`); AdobeDocs/commerce-on-cloud.en services/mysql.md',
  },
  redis: {
    kind: 'cache',
    label: 'Redis',
    source: 'AdobeDocs/commerce-on-cloud.en@99ab076fb0ce help/cloud-guide/services/services-yaml.md',
  },
  valkey: {
    kind: 'cache',
    label: 'Valkey',
    source: 'https://experienceleague.adobe.com/en/docs/commerce-on-cloud/user-guide/configure/service/valkey',
  },
  opensearch: {
    kind: 'search',
    label: 'OpenSearch',
    source: 'AdobeDocs/commerce-on-cloud.en@99ab076fb0ce help/cloud-guide/services/services-yaml.md',
  },
  elasticsearch: {
    kind: 'search',
    label: 'Elasticsearch',
    source: 'https://experienceleague.adobe.com/en/docs/commerce-cloud-service/user-guide/configure/service/services-yaml',
  },
  rabbitmq: {
    kind: 'queue',
    label: 'RabbitMQ',
    source: 'AdobeDocs/commerce-on-cloud.en@99ab076fb0ce help/cloud-guide/services/rabbitmq.md',
  },
  'activemq-artemis': {
    kind: 'queue',
    label: 'ActiveMQ Artemis',
    source: 'AdobeDocs/commerce-on-cloud.en@99ab076fb0ce help/cloud-guide/services/services-yaml.md (activemq-artemis:2.42)',
  },
};

/** The service name a type is compared as: `mariadb:` is MariaDB as `mysql:` is. */
export function canonicalServiceName(name: string): string {
  return name === 'mariadb' ? 'mysql' : name;
}

export interface EceToolsMinimum extends SourcedFact {
  /** `php`, or a services.yaml service name. */
  service: string;
  /** The version (prefix) the release added support for. */
  version: string;
  eceTools: string;
}

/** The first magento/ece-tools release that supports a PHP or service version (ece-tools release notes). */
export const ECE_TOOLS_MINIMUMS: readonly EceToolsMinimum[] = [
  { service: 'php', version: '8.2', eceTools: '2002.1.14', source: ECE_TOOLS_NOTES_REPO },
  { service: 'php', version: '8.3', eceTools: '2002.1.18', source: ECE_TOOLS_NOTES_REPO },
  { service: 'php', version: '8.4', eceTools: '2002.2.1', source: ECE_TOOLS_NOTES_REPO },
  { service: 'php', version: '8.5', eceTools: '2002.2.10', source: `${ECE_TOOLS_NOTES_URL} (v2002.2.10, 2026-03-05)` },
  { service: 'valkey', version: '8.1', eceTools: '2002.2.11', source: `${ECE_TOOLS_NOTES_URL} (v2002.2.11, 2026-05-06: Valkey 8.1 and 9)` },
  { service: 'valkey', version: '9', eceTools: '2002.2.11', source: `${ECE_TOOLS_NOTES_URL} (v2002.2.11, 2026-05-06: Valkey 8.1 and 9)` },
  { service: 'mysql', version: '11.8', eceTools: '2002.2.11', source: `${ECE_TOOLS_NOTES_URL} (v2002.2.11: MariaDB 11.8 and 12.2)` },
  { service: 'mysql', version: '12.2', eceTools: '2002.2.11', source: `${ECE_TOOLS_NOTES_URL} (v2002.2.11: MariaDB 11.8 and 12.2)` },
  { service: 'rabbitmq', version: '4.2', eceTools: '2002.2.11', source: `${ECE_TOOLS_NOTES_URL} (v2002.2.11: RabbitMQ 4.2)` },
  { service: 'rabbitmq', version: '4.3', eceTools: '2002.2.12', source: `${ECE_TOOLS_NOTES_URL} (v2002.2.12, 2026-07-20: RabbitMQ 4.3)` },
  { service: 'opensearch', version: '3', eceTools: '2002.2.11', source: `${ECE_TOOLS_NOTES_URL} (v2002.2.11: OpenSearch 2.19 and 3.5)` },
  { service: 'activemq-artemis', version: '2', eceTools: '2002.2.11', source: `${ECE_TOOLS_NOTES_URL} (v2002.2.11: ActiveMQ support)` },
];

/** The ece-tools minimum for a service (or PHP) version, matching "9" to 9.0 and "11.8" to 11.8.x. */
export function eceToolsMinimumFor(service: string, version: string): EceToolsMinimum | undefined {
  const name = canonicalServiceName(service);
  const parts = version.split('.');
  return ECE_TOOLS_MINIMUMS.find((m) => {
    if (m.service !== name) return false;
    const want = m.version.split('.');
    return want.every((p, i) => (parts[i] ?? '0') === p);
  });
}

/**
 * The first patch of each release line from which Valkey is mandatory (Redis no longer supported), as the issue
 * report and the security-patch release notes of each line state it. The matrix agrees for the 2.4.5–2.4.7 lines
 * (their newest patch lists Valkey and no Redis); for 2.4.8 the matrix lists no Redis from 2.4.8 on, while the
 * release notes make Valkey mandatory at 2.4.8-p5.
 */
export const VALKEY_MANDATORY_FROM: Readonly<Record<string, string>> = {
  '2.4.5': '2.4.5-p17',
  '2.4.6': '2.4.6-p15',
  '2.4.7': '2.4.7-p10',
  '2.4.8': '2.4.8-p5',
  '2.4.9': '2.4.9',
};
export const VALKEY_MANDATORY_SOURCE =
  'AdobeDocs/commerce-operations.en@34971d8c2f8a help/release/notes/security/2-4-{5,6,7,8}-patches.md and ' +
  '_jekyll/_data/system-requirements.yml (newest patch of each line lists Valkey, no Redis)';

/**
 * RabbitMQ: the newest patches list 4.3 in the matrix while their release notes say "RabbitMQ 4.2 support"; the same
 * patch release (2026-05-12) of every line did so, not only 2.4.8-p5.
 */
export const RABBITMQ_NOTES_MISMATCH: SourcedFact & { versions: readonly string[]; text: string } = {
  versions: ['2.4.4-p18', '2.4.5-p17', '2.4.6-p15', '2.4.7-p10', '2.4.8-p5'],
  text:
    'The release notes of this patch say "RabbitMQ 4.2 support" while the system-requirements matrix says 4.3; ' +
    'ece-tools supports 4.2 from 2002.2.11 and 4.3 from 2002.2.12. Ask Adobe which one Production gets, and use 4.2 if ece-tools cannot be raised to 2002.2.12.',
  source:
    'AdobeDocs/commerce-operations.en@34971d8c2f8a help/release/notes/security/2-4-8-patches.md (and the other lines of ' +
    'the 2026-05-12 patch release); ece-tools release notes',
};

/** OpenSearch reads only indexes made by the previous major: 1.x indexes cannot be read by 3, so 1 → 3 goes via 2. */
export const OPENSEARCH_ONE_MAJOR_AT_A_TIME: SourcedFact = {
  source:
    'issue #14 (indexes created by 1.x cannot be read by 3); shared/reference/commerce-upgrade-facts.md (OpenSearch compared by major, one major at a time)',
};

/** The composer/composer versions of the magento-cloud template per line (`.magento.app.yaml` dependencies). */
export const TEMPLATE_COMPOSER_VERSION: SourcedFact & { byLine: Readonly<Record<string, string>> } = {
  byLine: { '2.4.4': '2.2.26', '2.4.5': '2.2.26', '2.4.6': '2.2.26', '2.4.7': '2.9.3', '2.4.8': '2.9.3', '2.4.9': '2.9.3' },
  source: 'magento/magento-cloud@90c7f670c28b (master and version branches) .magento.app.yaml dependencies.php.composer/composer',
};

export interface ComposerConflict extends SourcedFact {
  package: string;
  /** Root constraints (as written) that conflict. */
  constraints: readonly string[];
  /** Target release lines from which the conflict holds, e.g. "2.4.8". */
  fromLine: string;
  action: 'remove';
  why: string;
}

/**
 * Root composer.json pins that block an upgrade. `composer require-commerce` keeps conflicting custom root values
 * unless run with --force-root-updates (CRUP README), so they must be removed on the upgrade branch.
 */
export const KNOWN_COMPOSER_CONFLICTS: readonly ComposerConflict[] = [
  {
    package: 'laminas/laminas-di',
    constraints: ['~3.3.0', '3.3.*', '^3.3.0 <3.4'],
    fromLine: '2.4.8',
    action: 'remove',
    why: 'a 2.4.4-era root pin (~3.3.0) cannot be installed with the 2.4.8 edition package, which brings its own laminas-di constraint',
    source:
      'issue #14 (observed: 2.4.4 project upgraded to 2.4.8); magento/composer-root-update-plugin@4233bb9b06f7 README ' +
      '(custom root values are kept without --force-root-updates)',
  },
];
