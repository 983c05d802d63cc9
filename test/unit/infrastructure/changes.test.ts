import {
  computeInfrastructureChanges,
  effectiveChanges,
  opensearchUpgradePath,
  rabbitmqUpgradePath,
} from '../../../activities/infrastructure/changes';
import { UnknownCommerceVersionError } from '../../../activities/requirements/catalog';
import {
  applyRelationshipChanges,
  applyServiceChanges,
  ConfigFileError,
  parseAppYaml,
  parseServicesYaml,
  setPhpType,
} from '../../../activities/infrastructure/services-yaml';
import { APP_246, SERVICES_246 } from './fixtures';

const byId = (changes: ReturnType<typeof computeInfrastructureChanges>, id: string) => {
  const found = changes.services.find((c) => c.serviceId === id);
  if (!found) throw new Error(`no change for ${id}`);
  return found;
};

describe('upgrade paths', () => {
  it('moves RabbitMQ one minor version at a time, across 3.13 → 4.0', () => {
    expect(rabbitmqUpgradePath('3.9', '4.3')).toEqual(['3.10', '3.11', '3.12', '3.13', '4.0', '4.1', '4.2', '4.3']);
    expect(rabbitmqUpgradePath('3.11', '3.12')).toEqual(['3.12']);
    expect(rabbitmqUpgradePath('4.3', '4.3')).toEqual([]);
    expect(() => rabbitmqUpgradePath('4.1', '5.0')).toThrow(/last minor version of 4.x is not known/);
  });

  it('moves OpenSearch one major at a time', () => {
    expect(opensearchUpgradePath('1', '3')).toEqual(['2', '3']);
    expect(opensearchUpgradePath('2.19', '3')).toEqual(['3']);
  });
});

describe('infrastructure changes of the 2.4.6 template (mysql:10.11, redis:7.2, opensearch:2, php:8.2, rabbitmq:3.11)', () => {
  it('to 2.4.8: MariaDB 11.4, Redis → Valkey 8 as a new service, OpenSearch 2 kept on cloud, RabbitMQ to 4.1, PHP 8.4', () => {
    const changes = computeInfrastructureChanges({ servicesYaml: SERVICES_246, appYaml: APP_246, targetVersion: '2.4.8' });
    expect(changes.targetVersion).toBe('2.4.8');
    expect(byId(changes, 'mysql')).toMatchObject({ kind: 'upgrade', fromVersion: '10.11', toVersion: '11.4', upgradePath: ['11.4'] });
    expect(byId(changes, 'mysql').notes.join(' ')).toContain('carries the MariaDB version');
    const redis = byId(changes, 'redis');
    expect(redis).toMatchObject({ kind: 'replace', fromVersion: '7.2', toVersion: null, replacedBy: 'cache' });
    expect(redis.notes.join(' ')).toMatch(/renaming a service destroys the service and its data/);
    expect(byId(changes, 'cache')).toMatchObject({ kind: 'add', serviceName: 'valkey', toVersion: '8.0', replaces: 'redis' });
    expect(byId(changes, 'opensearch')).toMatchObject({ kind: 'keep', toVersion: '2' });
    expect(byId(changes, 'rabbitmq')).toMatchObject({
      kind: 'upgrade',
      toVersion: '4.1',
      upgradePath: ['3.12', '3.13', '4.0', '4.1'],
    });
    expect(changes.php).toMatchObject({ fromVersion: '8.2', toVersion: '8.4', kind: 'upgrade', supported: ['8.4', '8.3'] });
    expect(changes.php.notes.join(' ')).toContain('ece-tools 2002.2.1');
    expect(changes.relationships).toEqual([
      { action: 'switch', name: 'redis', newName: 'valkey', serviceId: 'cache', endpoint: 'valkey', reason: 'Redis → Valkey for 2.4.8' },
    ]);
    expect(changes.sequence).toEqual([
      'Upgrade mysql (mysql) 10.11 → 11.4; deploy.',
      'Upgrade rabbitmq (rabbitmq) 3.11 → 3.12; deploy.',
      'Upgrade rabbitmq (rabbitmq) 3.12 → 3.13; deploy.',
      'Upgrade rabbitmq (rabbitmq) 3.13 → 4.0; deploy.',
      'Upgrade rabbitmq (rabbitmq) 4.0 → 4.1; deploy.',
      'Redeploy after the last RabbitMQ step.',
      'Add service "cache" (valkey:8.0) to .magento/services.yaml.',
      'Switch the Redis relationship(s) to "cache" in .magento.app.yaml (redis: "redis:redis" → valkey: "cache:valkey"), with the code that supports Valkey.',
      'Remove service "redis" (redis:7.2) once nothing uses it.',
      'Set PHP 8.2 → 8.4 (type: php:8.4) with the code update.',
    ]);
    expect(changes.warnings).toEqual([]);
    expect(changes.requirementsSource).toContain('@34971d8c2f8a');
    expect(effectiveChanges(changes).map((c) => c.serviceId)).toEqual(['mysql', 'redis', 'cache', 'rabbitmq']);
  });

  it('to 2.4.9: MariaDB 12.3 (recommended on cloud), Valkey 9, OpenSearch 2 → 3, RabbitMQ to 4.3, PHP 8.5', () => {
    const changes = computeInfrastructureChanges({ servicesYaml: SERVICES_246, appYaml: APP_246, targetVersion: '2.4.9' });
    expect(byId(changes, 'mysql')).toMatchObject({ kind: 'upgrade', toVersion: '12.3' });
    expect(byId(changes, 'cache')).toMatchObject({ kind: 'add', toVersion: '9.0' });
    expect(byId(changes, 'opensearch')).toMatchObject({ kind: 'upgrade', fromVersion: '2', toVersion: '3', upgradePath: ['3'] });
    expect(byId(changes, 'rabbitmq').upgradePath).toEqual(['3.12', '3.13', '4.0', '4.1', '4.2', '4.3']);
    expect(changes.php).toMatchObject({ toVersion: '8.5', supported: ['8.5'] });
    expect(changes.php.notes.join(' ')).toContain('ece-tools 2002.2.10');
  });

  it('to 2.4.7 on cloud: RabbitMQ 3.12 (the cloud override), Redis 7.2 kept, MariaDB 10.11 not downgraded', () => {
    const changes = computeInfrastructureChanges({ servicesYaml: SERVICES_246, appYaml: APP_246, targetVersion: '2.4.7' });
    expect(byId(changes, 'rabbitmq')).toMatchObject({ kind: 'upgrade', toVersion: '3.12', upgradePath: ['3.12'] });
    expect(byId(changes, 'redis')).toMatchObject({ kind: 'keep' });
    expect(byId(changes, 'mysql')).toMatchObject({ kind: 'keep', toVersion: '10.11' });
    expect(changes.warnings.join(' ')).toMatch(
      /MariaDB 10.11 is newer than 2.4.7 supports \(10.6\); services cannot be downgraded in place/,
    );
    expect(changes.relationships).toEqual([]);
  });

  it('to 2.4.8-p5: MariaDB 11.4 or 11.8 and Valkey 8.1, with the RabbitMQ 4.2/4.3 mismatch noted', () => {
    const changes = computeInfrastructureChanges({ servicesYaml: SERVICES_246, appYaml: APP_246, targetVersion: '2.4.8-p5' });
    expect(byId(changes, 'mysql')).toMatchObject({ toVersion: '11.8' });
    expect(byId(changes, 'cache')).toMatchObject({ toVersion: '8.1' });
    expect(byId(changes, 'rabbitmq').notes.join(' ')).toContain('4.2');
  });

  it('applies to the files: the edited services.yaml and app.yaml read back as the target', () => {
    const changes = computeInfrastructureChanges({ servicesYaml: SERVICES_246, appYaml: APP_246, targetVersion: '2.4.8' });
    const services = parseServicesYaml(applyServiceChanges(SERVICES_246, changes.services));
    expect(services.map((s) => s.type)).toEqual(['mysql:11.4', 'redis:7.2', 'opensearch:2', 'rabbitmq:4.1', 'valkey:8.0']);
    const app = parseAppYaml(applyRelationshipChanges(setPhpType(APP_246, changes.php.toVersion), changes.relationships));
    expect(app.phpVersion).toBe('8.4');
    expect(app.relationships.find((r) => r.name === 'valkey')).toMatchObject({ serviceId: 'cache', endpoint: 'valkey' });
  });
});

describe('other projects', () => {
  const app = 'type: php:8.1\nrelationships:\n    database: "mysql:mysql"\n    elasticsearch: "elasticsearch:elasticsearch"\n';

  it('replaces Elasticsearch with OpenSearch as a new service with the same disk', () => {
    const services = 'mysql:\n    type: mysql:10.6\n    disk: 2048\nelasticsearch:\n    type: elasticsearch:7.17\n    disk: 4096\n';
    const changes = computeInfrastructureChanges({ servicesYaml: services, appYaml: app, targetVersion: '2.4.6-p15' });
    expect(byId(changes, 'elasticsearch')).toMatchObject({ kind: 'replace', replacedBy: 'opensearch' });
    expect(byId(changes, 'opensearch')).toMatchObject({ kind: 'add', toVersion: '3', diskMb: 4096 });
    expect(changes.relationships).toEqual([
      expect.objectContaining({ action: 'switch', name: 'elasticsearch', newName: 'opensearch', serviceId: 'opensearch' }),
    ]);
    expect(changes.php).toMatchObject({ fromVersion: '8.1', toVersion: '8.2' });
  });

  it('warns about unknown services and a missing search service', () => {
    const services = 'mysql:\n    type: mysql:10.6\nsolr:\n    type: solr:9.0\n';
    const changes = computeInfrastructureChanges({ servicesYaml: services, appYaml: 'type: php:8.1\n', targetVersion: '2.4.5' });
    expect(byId(changes, 'solr')).toMatchObject({ kind: 'keep' });
    expect(changes.warnings.join('\n')).toMatch(/solr: service "solr" is not in the requirements matrix/);
    expect(changes.warnings.join('\n')).toMatch(/No search service/);
  });

  it('uses another id for Valkey when "cache" is taken', () => {
    const services = 'cache:\n    type: redis:6.2\nmysql:\n    type: mysql:10.6\n';
    const changes = computeInfrastructureChanges({
      servicesYaml: services,
      appYaml: 'type: php:8.1\nrelationships:\n    redis: "cache:redis"\n',
      targetVersion: '2.4.8',
    });
    expect(byId(changes, 'cache')).toMatchObject({ kind: 'replace', replacedBy: 'valkey' });
    expect(byId(changes, 'valkey')).toMatchObject({ kind: 'add', serviceName: 'valkey' });
    expect(changes.relationships[0]).toMatchObject({ name: 'redis', newName: 'valkey', serviceId: 'valkey' });
  });

  it('refuses an unknown target and an unreadable file', () => {
    expect(() => computeInfrastructureChanges({ servicesYaml: SERVICES_246, appYaml: APP_246, targetVersion: '2.4.3' })).toThrow(
      UnknownCommerceVersionError,
    );
    expect(() =>
      computeInfrastructureChanges({ servicesYaml: 'redis:\n  type: redis\n', appYaml: APP_246, targetVersion: '2.4.8' }),
    ).toThrow(ConfigFileError);
  });
});
