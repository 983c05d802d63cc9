/** `requirements <version>`: the services and PHP a Commerce version needs, from the catalog, with its source. */
import type { CommerceRequirements, VersionRequirement } from '../../activities/requirements/catalog';
import type { ReleaseLineLifecycle } from '../../activities/requirements/lifecycle';
import type { Style } from '../io';
import { renderTable } from './table';

function req(value: VersionRequirement | undefined): string {
  return value ? value.raw : '';
}

/** Rows that apply on cloud infrastructure (New Relic is part of the cloud offering; the matrix key is "New Relic Cloud"). */
export function requirementRows(r: CommerceRequirements): [string, string][] {
  const rows: [string, string | undefined][] = [
    ['PHP', r.php.join(', ')],
    ['Composer', req(r.composer)],
    ['MariaDB', r.mariadb.join(', ') + (r.mariadbRecommended ? ` (recommended ${r.mariadbRecommended})` : '')],
    ['OpenSearch', req(r.opensearch)],
    ['Redis', r.redis && req(r.redis)],
    ['Valkey', r.valkey && req(r.valkey)],
    ['RabbitMQ', req(r.rabbitmq)],
    ['ActiveMQ Artemis', r.activemqArtemis && req(r.activemqArtemis)],
    ['nginx', req(r.nginx)],
    ...(r.platform === 'cloud' ? [['New Relic', r.raw['New Relic Cloud']] as [string, string | undefined]] : []),
  ];
  return rows.filter((row): row is [string, string] => Boolean(row[1]));
}

/**
 * Rows for on-premises installations only: on cloud infrastructure the search service is OpenSearch, the page cache
 * is Fastly and the database is MariaDB, so the matrix's Elasticsearch, Varnish and MySQL rows do not apply there.
 */
export function onPremisesRows(r: CommerceRequirements): [string, string][] {
  const rows: [string, string | undefined][] = [
    ['Elasticsearch', r.elasticsearch && req(r.elasticsearch)],
    ['Varnish', req(r.varnish)],
    ['MySQL', r.mysql && req(r.mysql)],
  ];
  return rows.filter((row): row is [string, string] => Boolean(row[1]));
}

export function renderRequirements(r: CommerceRequirements, lifecycle: ReleaseLineLifecycle | undefined, style: Style): string {
  const lines = [
    `${style.colors.bold(`Adobe Commerce ${r.version}`)}${r.latestOfLine ? ' (latest patch of its line)' : ''} on ` +
      `${r.platform === 'cloud' ? 'cloud infrastructure' : 'on-premises'}`,
    '',
    renderTable(['service', 'supported versions'], requirementRows(r), style),
  ];
  const onPremises = onPremisesRows(r);
  if (onPremises.length) {
    lines.push(
      '',
      style.colors.bold(r.platform === 'cloud' ? 'On-premises only (not part of cloud infrastructure)' : 'On-premises'),
      '',
      renderTable(['service', 'supported versions'], onPremises, style),
    );
  }
  if (r.cloudOverrides.length) lines.push('', `Cloud values used for: ${r.cloudOverrides.join(', ')}`);
  if (lifecycle) {
    lines.push(
      '',
      `Release line ${lifecycle.line}: GA ${lifecycle.generalAvailability}, end of standard support ${lifecycle.endOfStandardSupport}, ` +
        `extended ${lifecycle.endOfExtendedSupport}, security-only ${lifecycle.endOfSecurityOnlySupport}, cloud enforcement ${lifecycle.cloudEnforcement}`,
    );
  }
  lines.push('', `Source: ${r.source.repository} ${r.source.path}@${r.source.commit} (${r.source.date})`);
  return lines.join('\n');
}
