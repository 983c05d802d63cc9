import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  catalogSource,
  highestPhp,
  knownVersions,
  latestPatchOf,
  requirementsFor,
  UnknownCommerceVersionError,
} from '../../../activities/requirements/catalog';
import {
  compareVersions,
  parseVersionRequirement,
  satisfiesRequirement,
  versionSatisfies,
} from '../../../activities/requirements/service-version';

describe('requirements catalog', () => {
  it('is a verbatim copy of the shared reference matrix', () => {
    const copy = readFileSync(join(__dirname, '../../../activities/requirements/commerce-system-requirements.json'), 'utf8');
    const reference = readFileSync('/work/shared/reference/commerce-system-requirements.json', 'utf8');
    expect(copy).toBe(reference);
  });

  it('records its source repository, file and commit', () => {
    expect(catalogSource()).toMatchObject({
      repository: 'AdobeDocs/commerce-operations.en',
      path: '_jekyll/_data/system-requirements.yml',
      commit: '34971d8c2f8a',
      date: '2026-08-20',
    });
    expect(requirementsFor('2.4.8').source.commit).toBe('34971d8c2f8a');
  });

  it('knows the 71 entries of 2.4.4 … 2.4.9, oldest first, without the "(latest)" marker', () => {
    const known = knownVersions();
    expect(known).toHaveLength(71);
    expect(known[0]).toBe('2.4.4');
    expect(known.at(-1)).toBe('2.4.9');
    expect(known).toContain('2.4.8-p5');
    expect(known.indexOf('2.4.7-p10')).toBeGreaterThan(known.indexOf('2.4.7-p9'));
    expect(known.some((v) => v.includes('latest'))).toBe(false);
  });

  it('parses every entry (each value of the keys it reads is a version list)', () => {
    for (const version of knownVersions()) {
      const cloud = requirementsFor(version);
      const onPremises = requirementsFor(version, { platform: 'on-premises' });
      expect(cloud.php.length).toBeGreaterThan(0);
      expect(cloud.mariadb.length).toBeGreaterThan(0);
      expect(onPremises.cloudOverrides).toEqual([]);
    }
  });

  it('2.4.8 needs Valkey 8 and no longer lists Redis', () => {
    const req = requirementsFor('2.4.8');
    expect(req.valkey?.versions).toEqual(['8']);
    expect(req.redis).toBeUndefined();
    expect(req.raw.Redis).toBeUndefined();
    expect(req.php).toEqual(['8.4', '8.3']);
    expect(req.mariadb).toEqual(['11.4']);
    expect(req.rabbitmq.versions).toEqual(['4.1']);
    expect(req.composer).toMatchObject({ versions: ['2.9.3'], orLater: true, raw: '2.9.3+' });
  });

  it('2.4.9 needs PHP 8.5 and, on cloud, MariaDB 12.3 (recommended) or 11.8', () => {
    const req = requirementsFor('2.4.9');
    expect(req.php).toEqual(['8.5']);
    expect(highestPhp(req)).toBe('8.5');
    expect(req.mariadb).toEqual(['12.3', '11.8']);
    expect(req.mariadbRecommended).toBe('12.3');
    expect(req.cloudOverrides).toContain('MariaDB');
    expect(req.raw['MariaDB Cloud']).toBe('12.3 (recommended), 11.8');
    expect(req.valkey?.versions).toEqual(['9']);
    expect(req.opensearch.versions).toEqual(['3']);
    expect(req.elasticsearch).toBeUndefined();
    // on-premises reads the plain key
    expect(requirementsFor('2.4.9', { platform: 'on-premises' }).mariadb).toEqual(['12.3']);
  });

  it('honours the cloud override of RabbitMQ for 2.4.7 (3.12 on cloud, 3.13 elsewhere)', () => {
    expect(requirementsFor('2.4.7').rabbitmq).toMatchObject({ key: 'RabbitMQ Cloud', versions: ['3.12'] });
    expect(requirementsFor('2.4.7', { platform: 'on-premises' }).rabbitmq).toMatchObject({
      key: 'RabbitMQ',
      versions: ['3.13'],
    });
  });

  it('honours the cloud override of OpenSearch (2.4.8: 2 on cloud, 2.19 elsewhere)', () => {
    expect(requirementsFor('2.4.8').opensearch).toMatchObject({ key: 'OpenSearch Cloud', versions: ['2'] });
    expect(requirementsFor('2.4.8', { platform: 'on-premises' }).opensearch.versions).toEqual(['2.19']);
    expect(requirementsFor('2.4.7-p10').opensearch.versions).toEqual(['2', '3']);
  });

  it('resolves "(latest)" keys by their plain version: 2.4.8-p5 MariaDB 11.4, 11.8', () => {
    const req = requirementsFor('2.4.8-p5');
    expect(req.version).toBe('2.4.8-p5');
    expect(req.latestOfLine).toBe(true);
    expect(req.mariadb).toEqual(['11.4', '11.8']);
    expect(req.rabbitmq.versions).toEqual(['4.3']);
    expect(requirementsFor('2.4.8-p5 (latest)').version).toBe('2.4.8-p5');
    expect(requirementsFor('2.4.8-p4').latestOfLine).toBe(false);
  });

  it('parses the irregular separators of the Elasticsearch values', () => {
    expect(requirementsFor('2.4.7-p9').elasticsearch?.versions).toEqual(['7.17', '8']);
    expect(requirementsFor('2.4.7-p5').elasticsearch?.versions).toEqual(['7.17', '8.17']);
  });

  it('finds the newest patch of a line', () => {
    expect(latestPatchOf('2.4.8')).toBe('2.4.8-p5');
    expect(latestPatchOf('2.4.4')).toBe('2.4.4-p18');
    expect(latestPatchOf('2.4.9')).toBe('2.4.9');
    expect(latestPatchOf('2.4.3')).toBeUndefined();
  });

  it('refuses an unknown version with a message listing the known ones', () => {
    expect(() => requirementsFor('2.4.3')).toThrow(UnknownCommerceVersionError);
    try {
      requirementsFor('2.4.3');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('"2.4.3" is not in the system-requirements catalog');
      expect(message).toContain('2.4.4, 2.4.4-p1');
      expect(message).toContain('2.4.8-p5');
      expect(message).toContain('2.4.9');
    }
    expect(() => requirementsFor('2.4.8-p6')).toThrow(/Known versions: /);
  });
});

describe('service versions', () => {
  it('parses matrix values with "+" and "(recommended)"', () => {
    expect(parseVersionRequirement('Composer', '2.2.26+')).toEqual({
      key: 'Composer',
      raw: '2.2.26+',
      versions: ['2.2.26'],
      orLater: true,
    });
    expect(parseVersionRequirement('MariaDB Cloud', '12.3 (recommended), 11.8')).toMatchObject({
      versions: ['12.3', '11.8'],
      recommended: '12.3',
    });
    expect(() => parseVersionRequirement('X', 'latest')).toThrow(/not a version/);
  });

  it('compares versions numerically and at the precision the matrix lists', () => {
    expect(compareVersions('3.10', '3.9')).toBeGreaterThan(0);
    expect(compareVersions('8', '8.0')).toBe(0);
    expect(versionSatisfies('8.0', '8')).toBe(true);
    expect(versionSatisfies('8.0', '8.1')).toBe(false);
    expect(versionSatisfies('11.4', '11.4')).toBe(true);
    expect(versionSatisfies('2.9.5', '2.9.3', true)).toBe(true);
    expect(versionSatisfies('2.2.26', '2.9.3', true)).toBe(false);
    expect(satisfiesRequirement('10.11', { versions: ['10.11', '10.6'], orLater: false })).toBe(true);
    expect(satisfiesRequirement('10.1', { versions: ['10.11'], orLater: false })).toBe(false);
  });
});
