/**
 * Project files as Adobe's magento-cloud template branches have them for each 2.4.x line (facts §2, TPL branch
 * defaults: services, `type: php:…`, composer/composer and the metapackage range), plus the variants real projects
 * carry: the app-server variant writing the database as `mariadb:`, cache and sessions on two Redis services (as the
 * Redis page of the cloud guide shows), Elasticsearch 7.x on an old project, RabbitMQ and ActiveMQ Artemis.
 */

export interface TemplateProject {
  name: string;
  /** The Commerce version installed (composer.lock's magento/product-enterprise-edition). */
  version: string;
  servicesYaml: string;
  appYaml: string;
  composerJson: string;
}

interface LineDefaults {
  mysql: string;
  cache: { type: 'redis' | 'valkey'; version: string };
  opensearch: string;
  php: string;
  composer: string;
}

/** TPL branch defaults (commerce-upgrade-facts.md §2). */
const LINE_DEFAULTS: Readonly<Record<string, LineDefaults>> = {
  '2.4.4': { mysql: '10.6', cache: { type: 'redis', version: '7.2' }, opensearch: '2', php: '8.1', composer: '2.2.26' },
  '2.4.5': { mysql: '10.11', cache: { type: 'redis', version: '7.2' }, opensearch: '2', php: '8.1', composer: '2.2.26' },
  '2.4.6': { mysql: '10.11', cache: { type: 'redis', version: '7.2' }, opensearch: '2', php: '8.2', composer: '2.2.26' },
  '2.4.7': { mysql: '10.11', cache: { type: 'redis', version: '7.2' }, opensearch: '2', php: '8.3', composer: '2.9.3' },
  '2.4.8': { mysql: '11.4', cache: { type: 'valkey', version: '8.0' }, opensearch: '3', php: '8.4', composer: '2.9.3' },
  '2.4.9': { mysql: '11.4', cache: { type: 'valkey', version: '8.0' }, opensearch: '3', php: '8.5', composer: '2.9.3' },
};

function appYaml(php: string, composer: string, relationships: Record<string, string>): string {
  return [
    '# Application name',
    'name: mymagento',
    '',
    '# The toolstack used to build the application.',
    `type: php:${php}`,
    '',
    'build:',
    '    flavor: none',
    '',
    'dependencies:',
    '    php:',
    `        composer/composer: '${composer}'`,
    '',
    'relationships:',
    ...Object.entries(relationships).map(([name, target]) => `    ${name}: "${target}"`),
    '',
    'hooks:',
    '    build: |',
    '        set -e',
    '        php ./vendor/bin/ece-tools run scenario/build/generate.xml',
    '        php ./vendor/bin/ece-tools run scenario/build/transfer.xml',
    '    deploy: |',
    '        php ./vendor/bin/ece-tools run scenario/deploy.xml',
    '',
  ].join('\n');
}

function composerJson(line: string, extra: Record<string, string> = {}): string {
  const [major, minor, patch] = line.split('.').map(Number);
  return (
    JSON.stringify(
      {
        name: 'magento/magento-cloud-template',
        type: 'project',
        config: {
          'sort-packages': true,
          'allow-plugins': {
            'dealerdirect/phpcodesniffer-composer-installer': true,
            'laminas/laminas-dependency-plugin': true,
            'magento/*': true,
          },
        },
        require: {
          'magento/magento-cloud-metapackage': `>=${line} <${major}.${minor}.${(patch ?? 0) + 1}`,
          'magento/composer-root-update-plugin': '^2.0.3',
          ...extra,
        },
        extra: { component_paths: { 'tinymce/tinymce': 'lib/web/tiny_mce_5' } },
      },
      null,
      4,
    ) + '\n'
  );
}

/** The template project of a line, optionally in a variant. */
export function templateProject(
  line: string,
  version: string,
  variant: 'template' | 'app-server-mariadb' | 'split-redis' | 'elasticsearch' | 'rabbitmq' | 'activemq' = 'template',
): TemplateProject {
  const d = LINE_DEFAULTS[line];
  if (!d) throw new Error(`no template for ${line}`);
  const db = variant === 'app-server-mariadb' ? 'mariadb' : 'mysql';
  const services: string[] = [`mysql:`, `    type: ${db}:${d.mysql}`, '    disk: 5120', ''];
  const relationships: Record<string, string> = { database: 'mysql:mysql' };
  if (variant === 'split-redis' && d.cache.type === 'redis') {
    services.push('redis:', `    type: redis:${d.cache.version}`, '', 'redis-session:', `    type: redis:${d.cache.version}`, '');
    relationships.redis = 'redis:redis';
    relationships['redis-session'] = 'redis-session:redis';
  } else if (d.cache.type === 'redis') {
    services.push('redis:', `    type: redis:${d.cache.version}`, '');
    relationships.redis = 'redis:redis';
  } else {
    services.push('cache:', `    type: valkey:${d.cache.version}`, '');
    relationships.valkey = 'cache:valkey';
  }
  if (variant === 'elasticsearch') {
    services.push('elasticsearch:', '    type: elasticsearch:7.17', '    disk: 1024', '');
    relationships.elasticsearch = 'elasticsearch:elasticsearch';
  } else {
    services.push('opensearch:', `    type: opensearch:${d.opensearch}`, '    disk: 1024', '');
    relationships.opensearch = 'opensearch:opensearch';
  }
  if (variant === 'rabbitmq') {
    services.push('rabbitmq:', '    type: rabbitmq:3.9', '    disk: 1024', '');
    relationships.rabbitmq = 'rabbitmq:rabbitmq';
  }
  if (variant === 'activemq') {
    services.push('activemq:', '    type: activemq-artemis:2', '    disk: 1024', '');
    relationships.activemq = 'activemq:activemq-artemis';
  }
  return {
    name: `${version} ${variant}`,
    version,
    servicesYaml: services.join('\n'),
    appYaml: appYaml(d.php, d.composer, relationships),
    composerJson: composerJson(line, line === '2.4.4' ? { 'laminas/laminas-di': '~3.3.0' } : {}),
  };
}

export const LINES = ['2.4.4', '2.4.5', '2.4.6', '2.4.7', '2.4.8', '2.4.9'] as const;
