/**
 * Issue #14 item 10: `cuo requirements` was headed "on cloud infrastructure" but listed on-premises-only rows
 * (Elasticsearch, Varnish, MySQL) among the cloud ones and omitted New Relic.
 */
import { requirementsFor } from '../../../activities/requirements/catalog';
import { onPremisesRows, renderRequirements, requirementRows } from '../../../client/format/requirements';
import { plainStyle } from '../../../client/io';

const plain = plainStyle();

describe('requirements cloud view', () => {
  it('shows New Relic on cloud and keeps Elasticsearch, Varnish and MySQL under their own heading', () => {
    const r = requirementsFor('2.4.8-p5');
    const cloud = Object.fromEntries(requirementRows(r));
    expect(cloud['New Relic']).toBe('11.5.0.18+, 10.15.0.4+');
    expect(cloud).not.toHaveProperty('Elasticsearch');
    expect(cloud).not.toHaveProperty('Varnish');
    expect(cloud).not.toHaveProperty('MySQL');
    expect(Object.fromEntries(onPremisesRows(r))).toEqual({ Elasticsearch: '8', Varnish: '8', MySQL: '8.4' });
    const text = renderRequirements(r, undefined, plain);
    const [cloudPart, onPremPart] = text.split('On-premises only (not part of cloud infrastructure)');
    expect(cloudPart).toMatch(/New Relic/);
    expect(cloudPart).not.toMatch(/Varnish|Elasticsearch|MySQL/);
    expect(onPremPart).toMatch(/Varnish/);
  });

  it('on-premises shows no New Relic Cloud row', () => {
    const r = requirementsFor('2.4.9', { platform: 'on-premises' });
    expect(Object.fromEntries(requirementRows(r))).not.toHaveProperty('New Relic');
  });
});
