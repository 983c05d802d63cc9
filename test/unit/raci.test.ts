import { existsSync, readFileSync } from 'fs';
import path from 'path';
import {
  CAB_APPROVAL_ACTIVITY_ID,
  ENGAGEMENT_RACI,
  RACI_SECTIONS,
  findRaci,
  ownerOf,
  raciRow,
  rolesWith,
  type RaciResponsibility,
} from '../../workflows/raci';

/** One expected row: section, activity, then the Customer, Partner and Customer Success Engineer cells. */
type ExpectedRow = [section: string, activity: string, customer: string, partner: string, cse: string];

const REFERENCE = path.join(__dirname, '../../../shared/reference/adobe-managed-services.md');

const CELL: Record<string, RaciResponsibility | undefined> = {
  '': undefined,
  Owner: 'owner',
  Contributor: 'contributor',
  Advisor: 'advisor',
  O: 'owner',
  C: 'contributor',
  A: 'advisor',
};

function cellText(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

/** The first HTML table after "## Roles and responsibilities", read independently of workflows/raci.ts. */
function parseReferenceTable(markdown: string): ExpectedRow[] {
  const heading = markdown.indexOf('## Roles and responsibilities');
  expect(heading).toBeGreaterThanOrEqual(0);
  const start = markdown.indexOf('<table>', heading);
  const end = markdown.indexOf('</table>', start);
  expect(start).toBeGreaterThan(heading);
  const table = markdown.slice(start, end);
  const headers = [...table.slice(0, table.indexOf('</thead>')).matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((m) => cellText(m[1] ?? ''));
  expect(headers).toEqual(['', 'Customer', 'Partner', 'Customer Success Engineer']);

  const rows: ExpectedRow[] = [];
  let section: string | undefined;
  for (const tr of table.slice(table.indexOf('<tbody>')).matchAll(/<tr>([\s\S]*?)<\/tr>/g)) {
    const cells = [...(tr[1] ?? '').matchAll(/<td([^>]*)>([\s\S]*?)<\/td>/g)];
    if (cells.length === 1 && /colspan="4"/.test(cells[0]?.[1] ?? '')) {
      section = cellText(cells[0]?.[2] ?? '');
      continue;
    }
    expect(cells).toHaveLength(4);
    if (section === undefined) throw new Error('activity row before any section row');
    const [activity, customer, partner, cse] = cells.map((cell) => cellText(cell[2] ?? ''));
    rows.push([section, activity ?? '', customer ?? '', partner ?? '', cse ?? '']);
  }
  return rows;
}

/** Used only when the reference file is not beside the repository; kept equal to it by a test below. */
const LITERAL_TABLE: ExpectedRow[] = [
  ['Provisioning', 'Cloud Region Selection', 'O', 'C', 'A'],
  ['Provisioning', 'Instance Provisioning', '', '', 'O'],
  ['Provisioning', 'Internal Network Configuration and Security', '', '', 'O'],
  ['Provisioning', 'Adobe Commerce Application Provisioning', '', '', 'O'],
  ['Provisioning', 'Adobe Commerce Source Code Access', '', '', 'O'],
  ['Provisioning', 'CDN Service Provisioning', '', '', 'O'],
  ['Provisioning', 'Local development environment', 'C', 'O', ''],
  ['Development and QA', 'Requirement gathering and project management', 'C', 'O', 'A'],
  ['Development and QA', 'Application Development', 'C', 'O', 'A'],
  ['Development and QA', 'Application Testing', 'C', 'O', 'A'],
  ['Staging & Transition', 'Code Deployment to development, integration, and Staging', 'C', 'O', 'A'],
  ['Staging & Transition', 'Content deployment', 'C', 'O', 'A'],
  ['Staging & Transition', 'User-acceptance Test development', 'O', 'C', 'A'],
  ['Staging & Transition', 'User-acceptance Testing', 'O', 'C', 'A'],
  ['Staging & Transition', 'Custom monitoring requirements', 'C', 'O', 'A'],
  ['Staging & Transition', 'Customer-provided SSL Certificates', 'O', '', 'C'],
  ['Staging & Transition', 'Performance and Load Test Development', 'C', 'O', 'A'],
  ['Staging & Transition', 'Performance and Load Testing', 'C', 'O', 'A'],
  ['Staging & Transition', 'Customization Development and QA', 'C', 'O', 'A'],
  ['Staging & Transition', 'Runbook completion', 'O', 'C', 'C'],
  ['Staging & Transition', 'Runbook Review', '', '', 'O'],
  ['Launch', 'Go-live checklist', 'C', 'C', 'O'],
  ['Launch', 'Go-live event conference room', 'C', 'C', 'O'],
  ['Launch', 'Production code deployment', 'C', 'C', 'O'],
  ['Production', 'Production infrastructure monitoring', '', '', 'O'],
  ['Production', 'Principal application monitoring', 'C', 'C', 'O'],
  ['Production', 'Production event response', 'C', 'C', 'O'],
  ['Production', 'Infrastructure and operating system-level maintenance', '', '', 'O'],
  ['Production', 'Custom-code maintenance and security patches', 'C', 'O', 'A'],
  ['Production', 'Provide access to Adobe Commerce Product Updates and Upgrades', 'C', 'C', 'O'],
  ['Production', 'Applying Adobe Commerce Product Updates and Upgrades', 'C', 'O', 'A'],
  ['Production', 'Change Approval Board to approve production deployments', 'C', 'C', 'O'],
  ['Production', 'Production Application administration', 'O', 'C', 'A'],
  ['Production', 'Tuning production infrastructure', 'C', 'C', 'O'],
  ['Production', 'Scaling Production architecture', '', '', 'O'],
  ['Production', 'Production Backups and Recovery', '', 'C', 'O'],
  ['Security and Compliance', 'SOC-2 Audit of the Service', '', '', 'O'],
  ['Security and Compliance', 'PCI Certification of the infrastructure', '', '', 'O'],
  ['Security and Compliance', 'PCI Certification of the customized application', 'O', 'C', ''],
  ['Security and Compliance', 'Security Audits of the core applications', 'O', 'C', 'A'],
  ['Security and Compliance', 'Security Audits of the customizations and extensions', 'O', 'C', ''],
  ['Security and Compliance', "Penetration testing of the customer's instances of the applications", 'O', 'C', ''],
  ['Security and Compliance', 'Web Application Firewall Rules (WAF)', 'C', 'C', 'O'],
  ['Security and Compliance', 'Intrusion Detection Monitoring', '', '', 'O'],
  ['Security and Compliance', 'Application and DB event monitoring', 'C', 'C', 'O'],
  ['Security and Compliance', 'Web Application Firewall Event Monitoring', 'C', 'C', 'O'],
  ['Security and Compliance', 'User management and SSO integration', 'O', 'C', 'C'],
  ['Security and Compliance', 'Security Event Response', 'C', 'C', 'O'],
  ['Security and Compliance', 'Setting up, securing, and maintaining connection to corporate networks and resources', 'O', 'A', 'A'],
];

const referencePresent = existsSync(REFERENCE);
const EXPECTED: ExpectedRow[] = referencePresent ? parseReferenceTable(readFileSync(REFERENCE, 'utf8')) : LITERAL_TABLE;

function slug(activity: string): string {
  return activity
    .toLowerCase()
    .replace(/'/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

describe('ENGAGEMENT_RACI', () => {
  it('has every row of the reference table (49: 7 + 3 + 11 + 3 + 12 + 13), in table order', () => {
    expect(EXPECTED).toHaveLength(49);
    expect(ENGAGEMENT_RACI).toHaveLength(EXPECTED.length);
    expect(ENGAGEMENT_RACI.map((row) => row.activity)).toEqual(EXPECTED.map((row) => row[1]));
  });

  it.each(EXPECTED.map((row, index) => [index, ...row] as const))(
    'row %i: %s / %s is Customer=%s Partner=%s CSE=%s',
    (index, section, activity, customer, partner, cse) => {
      const row = ENGAGEMENT_RACI[index];
      expect(row).toBeDefined();
      // toStrictEqual also fails on a key present with value undefined, so an empty cell must be an absent key.
      const expected: Record<string, string | undefined> = { id: slug(activity), section, activity };
      if (CELL[customer]) expected.customer = CELL[customer];
      if (CELL[partner]) expected.partner = CELL[partner];
      if (CELL[cse]) expected['managed-services'] = CELL[cse];
      expect({ ...row }).toStrictEqual(expected);
    },
  );

  (referencePresent ? it : it.skip)('the literal fallback table equals the reference file', () => {
    const normalized = (rows: ExpectedRow[]) =>
      rows.map(([section, activity, ...cells]) => [section, activity, ...cells.map((c) => CELL[c])]);
    expect(normalized(LITERAL_TABLE)).toEqual(normalized(EXPECTED));
  });

  it('spot-checks rows against literal values', () => {
    expect(raciRow('cloud-region-selection')).toStrictEqual({
      id: 'cloud-region-selection',
      section: 'Provisioning',
      activity: 'Cloud Region Selection',
      customer: 'owner',
      partner: 'contributor',
      'managed-services': 'advisor',
    });
    expect(raciRow('Customer-provided SSL Certificates')).toStrictEqual({
      id: 'customer-provided-ssl-certificates',
      section: 'Staging & Transition',
      activity: 'Customer-provided SSL Certificates',
      customer: 'owner',
      'managed-services': 'contributor',
    });
    expect(raciRow('user-acceptance-testing')).toMatchObject({ customer: 'owner', partner: 'contributor', 'managed-services': 'advisor' });
    expect(raciRow('runbook-completion')).toMatchObject({ customer: 'owner', partner: 'contributor', 'managed-services': 'contributor' });
    expect(raciRow('production-backups-and-recovery')).toStrictEqual({
      id: 'production-backups-and-recovery',
      section: 'Production',
      activity: 'Production Backups and Recovery',
      partner: 'contributor',
      'managed-services': 'owner',
    });
    expect(raciRow("Penetration testing of the customer's instances of the applications")?.id).toBe(
      'penetration-testing-of-the-customers-instances-of-the-applications',
    );
    expect(ENGAGEMENT_RACI.at(-1)).toMatchObject({
      section: 'Security and Compliance',
      activity: 'Setting up, securing, and maintaining connection to corporate networks and resources',
      customer: 'owner',
      partner: 'advisor',
      'managed-services': 'advisor',
    });
  });

  it('has unique kebab-case ids, known sections in table order, and exactly one owner per row', () => {
    const ids = ENGAGEMENT_RACI.map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const row of ENGAGEMENT_RACI) {
      expect(row.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rolesWith(row, 'owner')).toHaveLength(1);
    }
    const sectionsInOrder = ENGAGEMENT_RACI.map((row) => row.section).filter((s, i, all) => s !== all[i - 1]);
    expect(sectionsInOrder).toEqual([...RACI_SECTIONS]);
  });

  it('cannot be changed at run time', () => {
    const row = ENGAGEMENT_RACI[0] as { customer?: string };
    expect(() => {
      row.customer = 'advisor';
    }).toThrow(TypeError);
    expect(Object.isFrozen(ENGAGEMENT_RACI)).toBe(true);
  });
});

describe('launch-phase constants', () => {
  it('name the CAB and production deployment rows, both owned by managed services', () => {
    expect(raciRow(CAB_APPROVAL_ACTIVITY_ID)?.activity).toBe('Change Approval Board to approve production deployments');
    expect(raciRow('production-code-deployment')?.activity).toBe('Production code deployment');
    expect(ownerOf(CAB_APPROVAL_ACTIVITY_ID)).toBe('managed-services');
    expect(ownerOf('production-code-deployment')).toBe('managed-services');
    expect(rolesWith(raciRow(CAB_APPROVAL_ACTIVITY_ID)!, 'contributor')).toEqual(['customer', 'partner']);
  });
});

describe('ownerOf', () => {
  it('accepts an id or the activity text in any case', () => {
    expect(ownerOf('application-development')).toBe('partner');
    expect(ownerOf('  user-acceptance testing ')).toBe('customer');
    expect(ownerOf('CHANGE APPROVAL BOARD TO APPROVE PRODUCTION DEPLOYMENTS')).toBe('managed-services');
    expect(ownerOf('Local development environment')).toBe('partner');
  });

  it('agrees with the owner column of every expected row', () => {
    const roleOfColumn = ['customer', 'partner', 'managed-services'];
    for (const [, activity, ...cells] of EXPECTED) {
      expect(ownerOf(activity)).toBe(roleOfColumn[cells.findIndex((cell) => CELL[cell] === 'owner')]);
    }
  });

  it('throws for an unknown or partial activity', () => {
    expect(() => ownerOf('coffee making')).toThrow(/No engagement RACI activity "coffee making"/);
    expect(() => ownerOf('ssl')).toThrow(/findRaci/);
  });
});

describe('findRaci', () => {
  const ids = (query: string) => findRaci(query).map((row) => row.id);

  it('finds by a word of the activity, case-insensitively', () => {
    expect(ids('ssl')).toEqual(['customer-provided-ssl-certificates']);
    expect(ids('SSL')).toEqual(['customer-provided-ssl-certificates']);
    expect(ids('waf')).toEqual(['web-application-firewall-rules-waf']);
    expect(ids('sso')).toEqual(['user-management-and-sso-integration']);
  });

  it('requires every query word, each matching the start of a word', () => {
    expect(ids('pci')).toEqual(['pci-certification-of-the-infrastructure', 'pci-certification-of-the-customized-application']);
    expect(ids('pci customized')).toEqual(['pci-certification-of-the-customized-application']);
    expect(ids('runbook')).toEqual(['runbook-completion', 'runbook-review']);
    expect(ids('go-live')).toEqual(['go-live-checklist', 'go-live-event-conference-room']);
    expect(ids('firewall')).toEqual(['web-application-firewall-rules-waf', 'web-application-firewall-event-monitoring']);
    expect(ids('change approval')).toEqual([CAB_APPROVAL_ACTIVITY_ID]);
    expect(ids("customer's")).toEqual(['penetration-testing-of-the-customers-instances-of-the-applications']);
    // "sl" begins no word ("ssl" does not start with it), so nothing matches.
    expect(ids('sl')).toEqual([]);
    expect(ids('nonexistent words')).toEqual([]);
  });

  it('returns only the exact row for an id or activity text', () => {
    expect(ids('application-testing')).toEqual(['application-testing']);
    expect(ids('Production code deployment')).toEqual(['production-code-deployment']);
    // As words, "application testing" would not match "Application Development"; the exact match wins anyway.
    expect(ids('application development')).toEqual(['application-development']);
  });

  it('lists every row in table order for an empty query', () => {
    expect(findRaci('')).toEqual([...ENGAGEMENT_RACI]);
    expect(findRaci('   ')).toHaveLength(ENGAGEMENT_RACI.length);
  });
});
