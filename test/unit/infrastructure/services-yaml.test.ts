import {
  applyRelationshipChanges,
  applyServiceChanges,
  ConfigFileError,
  parseAppYaml,
  parseServicesYaml,
  setPhpType,
} from '../../../activities/infrastructure/services-yaml';
import type { ServiceChange } from '../../../activities/infrastructure/types';
import { APP_246, SERVICES_246, SERVICES_MASTER } from './fixtures';

function change(partial: Partial<ServiceChange> & Pick<ServiceChange, 'serviceId' | 'serviceName' | 'kind'>): ServiceChange {
  return { fromVersion: null, toVersion: null, upgradePath: [], reason: 'test', notes: [], ...partial };
}

describe('reading services.yaml and .magento.app.yaml', () => {
  it('reads service ids, names, versions, disks and lines', () => {
    expect(parseServicesYaml(SERVICES_246)).toEqual([
      { id: 'mysql', name: 'mysql', version: '10.11', type: 'mysql:10.11', diskMb: 5120, line: 3 },
      { id: 'redis', name: 'redis', version: '7.2', type: 'redis:7.2', line: 8 },
      { id: 'opensearch', name: 'opensearch', version: '2', type: 'opensearch:2', diskMb: 1024, line: 11 },
      { id: 'rabbitmq', name: 'rabbitmq', version: '3.11', type: 'rabbitmq:3.11', diskMb: 1024, line: 15 },
    ]);
    expect(parseServicesYaml(SERVICES_MASTER).map((s) => `${s.id}=${s.type}`)).toEqual([
      'mysql=mysql:11.4',
      'cache=valkey:8.0',
      'opensearch=opensearch:3',
    ]);
    expect(parseServicesYaml('# nothing yet\n')).toEqual([]);
  });

  it('reads the PHP version and the relationships', () => {
    const app = parseAppYaml(APP_246);
    expect(app.phpVersion).toBe('8.2');
    expect(app.relationships).toEqual([
      { name: 'database', serviceId: 'mysql', endpoint: 'mysql', line: 16 },
      { name: 'redis', serviceId: 'redis', endpoint: 'redis', line: 17 },
      { name: 'opensearch', serviceId: 'opensearch', endpoint: 'opensearch', line: 18 },
      { name: 'rabbitmq', serviceId: 'rabbitmq', endpoint: 'rabbitmq', line: 19 },
    ]);
  });

  it('refuses malformed YAML with the file and line', () => {
    const bad = 'mysql:\n    type: mysql:10.11\n  disk: 5120\n';
    expect(() => parseServicesYaml(bad)).toThrow(ConfigFileError);
    try {
      parseServicesYaml(bad);
    } catch (error) {
      expect((error as ConfigFileError).file).toBe('.magento/services.yaml');
      expect((error as ConfigFileError).line).toBe(3);
      expect((error as Error).message).toMatch(/^\.magento\/services\.yaml:3: is not valid YAML/);
    }
  });

  it('refuses a type that is not name:version, naming file and line', () => {
    expect(() => parseServicesYaml('mysql:\n    type: mysql:10.11\nredis:\n    type: redis\n')).toThrow(
      '.magento/services.yaml:4: service "redis" has type "redis"; expected "<name>:<version>" such as "mysql:11.4"',
    );
    expect(() => parseServicesYaml('redis:\n    disk: 10\n')).toThrow('.magento/services.yaml:1: service "redis" has no "type');
    expect(() => parseAppYaml('name: x\ntype: node:20\n')).toThrow(
      '.magento.app.yaml:2: has type "node:20"; expected "php:<major>.<minor>"',
    );
    expect(() => parseAppYaml('name: x\n')).toThrow('.magento.app.yaml: has no "type: php:<version>"');
    expect(() => parseAppYaml('type: php:8.2\nrelationships:\n    database: mysql\n')).toThrow(
      '.magento.app.yaml:3: relationship "database" must be "<service id>:<endpoint>"',
    );
    expect(() => parseServicesYaml('mysql:\n  type: mysql:1\nmysql:\n  type: mysql:2\n')).toThrow(/is not valid YAML/);
  });
});

describe('editing services.yaml keeps comments and layout', () => {
  it('upgrades types in their own quoting, adds Valkey in the file indentation, keeps Redis until told', () => {
    const out = applyServiceChanges(SERVICES_246, [
      change({ serviceId: 'mysql', serviceName: 'mysql', kind: 'upgrade', fromVersion: '10.11', toVersion: '11.4' }),
      change({ serviceId: 'redis', serviceName: 'redis', kind: 'replace', fromVersion: '7.2', replacedBy: 'cache' }),
      change({ serviceId: 'cache', serviceName: 'valkey', kind: 'add', toVersion: '8.0', replaces: 'redis' }),
      change({ serviceId: 'opensearch', serviceName: 'opensearch', kind: 'keep', fromVersion: '2', toVersion: '2' }),
      change({ serviceId: 'rabbitmq', serviceName: 'rabbitmq', kind: 'upgrade', fromVersion: '3.11', toVersion: '3.12' }),
    ]);
    expect(out).toBe(`# This file describes an application's services. You can define as many services as your
# application requires, subject to your plan's resource restrictions.
mysql:
    type: mysql:11.4   # MariaDB, despite the name
    disk: 5120

# Cache and sessions
redis:
  type: redis:7.2

opensearch:
    type: opensearch:2
    disk: 1024

rabbitmq:
    type: 'rabbitmq:3.12'
    disk: 1024

cache:
    type: valkey:8.0
`);
  });

  it('removes a replaced service with its comment when asked, leaving no double gap', () => {
    const out = applyServiceChanges(
      SERVICES_246,
      [change({ serviceId: 'redis', serviceName: 'redis', kind: 'replace', fromVersion: '7.2', replacedBy: 'cache' })],
      { removeReplaced: true },
    );
    expect(out).toBe(`# This file describes an application's services. You can define as many services as your
# application requires, subject to your plan's resource restrictions.
mysql:
    type: mysql:10.11   # MariaDB, despite the name
    disk: 5120

opensearch:
    type: opensearch:2
    disk: 1024

rabbitmq:
    type: 'rabbitmq:3.11'
    disk: 1024
`);
  });

  it('adds a service with its disk to a compact file without blank lines', () => {
    const out = applyServiceChanges(SERVICES_MASTER, [
      change({ serviceId: 'rabbitmq', serviceName: 'rabbitmq', kind: 'add', toVersion: '4.3', diskMb: 1024 }),
    ]);
    expect(out).toBe(`${SERVICES_MASTER}rabbitmq:\n    type: rabbitmq:4.3\n    disk: 1024\n`);
  });

  it('falls back to the Document API for a flow mapping', () => {
    const out = applyServiceChanges('{ mysql: { type: "mysql:10.6", disk: 2048 } }\n', [
      change({ serviceId: 'mysql', serviceName: 'mysql', kind: 'upgrade', fromVersion: '10.6', toVersion: '10.11' }),
    ]);
    expect(parseServicesYaml(out)[0]).toMatchObject({ type: 'mysql:10.11', diskMb: 2048 });
  });

  it('refuses to upgrade a service that is not there or to add one whose id is taken', () => {
    expect(() =>
      applyServiceChanges(SERVICES_246, [change({ serviceId: 'nope', serviceName: 'mysql', kind: 'upgrade', toVersion: '11.4' })]),
    ).toThrow(/cannot upgrade service "nope"/);
    expect(() =>
      applyServiceChanges(SERVICES_246, [change({ serviceId: 'redis', serviceName: 'valkey', kind: 'add', toVersion: '8.0' })]),
    ).toThrow(/already used/);
    expect(() => applyServiceChanges('mysql: [\n', [])).toThrow(ConfigFileError);
  });
});

describe('editing .magento.app.yaml keeps comments and layout', () => {
  it('sets the PHP type and nothing else', () => {
    expect(setPhpType(APP_246, '8.4')).toBe(APP_246.replace('type: php:8.2', 'type: php:8.4'));
    expect(setPhpType('type: "php:8.1"\n', '8.3')).toBe('type: "php:8.3"\n');
    expect(() => setPhpType(APP_246, '8')).toThrow(/must be "<major>.<minor>"/);
  });

  it('switches redis: "redis:redis" to valkey: "cache:valkey" in place, keeping its comment', () => {
    const out = applyRelationshipChanges(APP_246, [
      { action: 'switch', name: 'redis', newName: 'valkey', serviceId: 'cache', endpoint: 'valkey', reason: 'test' },
    ]);
    expect(out).toBe(APP_246.replace('    redis: "redis:redis"   # cache', '    valkey: "cache:valkey"   # cache'));
    expect(parseAppYaml(out).relationships.map((r) => r.name)).toEqual(['database', 'valkey', 'opensearch', 'rabbitmq']);
  });

  it('adds after the last relationship in the siblings style and removes one', () => {
    const out = applyRelationshipChanges(APP_246, [
      { action: 'remove', name: 'rabbitmq', reason: 'test' },
      { action: 'add', name: 'valkey', serviceId: 'cache', endpoint: 'valkey', reason: 'test' },
    ]);
    expect(out).toBe(APP_246.replace('    rabbitmq: "rabbitmq:rabbitmq"\n', '    valkey: "cache:valkey"\n'));
  });

  it('creates relationships when the file has none', () => {
    const out = applyRelationshipChanges('name: x\ntype: php:8.4\nbuild:\n  flavor: none\n', [
      { action: 'add', name: 'database', serviceId: 'mysql', endpoint: 'mysql', reason: 'test' },
    ]);
    expect(out).toBe('name: x\ntype: php:8.4\nbuild:\n  flavor: none\nrelationships:\n  database: "mysql:mysql"\n');
  });

  it('refuses to switch a relationship that does not exist', () => {
    expect(() =>
      applyRelationshipChanges(APP_246, [
        { action: 'switch', name: 'cache', newName: 'valkey', serviceId: 'cache', endpoint: 'valkey', reason: 'test' },
      ]),
    ).toThrow(/cannot switch relationship "cache"/);
  });
});
