import type { Role } from './roles';

/**
 * The engagement RACI: the first table ("Roles and responsibilities") of the seed document
 * ../shared/reference/adobe-managed-services.md, transcribed row by row in table order. The Customer Success
 * Engineer column is the 'managed-services' role. An empty cell is an absent key.
 *
 * Pure data and lookups with no I/O: the workflow (who owns the CAB gates, through the row each gate names) and the
 * CLI (`raci [activity]`) both import it. test/unit/raci.test.ts checks every row against the
 * HTML table of the reference file.
 */

export const RACI_SECTIONS = [
  'Provisioning',
  'Development and QA',
  'Staging & Transition',
  'Launch',
  'Production',
  'Security and Compliance',
] as const;
export type RaciSection = (typeof RACI_SECTIONS)[number];

export const RACI_RESPONSIBILITIES = ['owner', 'contributor', 'advisor'] as const;
export type RaciResponsibility = (typeof RACI_RESPONSIBILITIES)[number];

export interface RaciRow {
  /** Kebab-case slug of the activity (apostrophes dropped), unique in the table. */
  id: string;
  section: RaciSection;
  /** The activity exactly as the table words it (trimmed, `&amp;` decoded). */
  activity: string;
  customer?: RaciResponsibility;
  partner?: RaciResponsibility;
  'managed-services'?: RaciResponsibility;
}

const ROWS: RaciRow[] = [
  // Provisioning
  {
    id: 'cloud-region-selection',
    section: 'Provisioning',
    activity: 'Cloud Region Selection',
    customer: 'owner',
    partner: 'contributor',
    'managed-services': 'advisor',
  },
  { id: 'instance-provisioning', section: 'Provisioning', activity: 'Instance Provisioning', 'managed-services': 'owner' },
  {
    id: 'internal-network-configuration-and-security',
    section: 'Provisioning',
    activity: 'Internal Network Configuration and Security',
    'managed-services': 'owner',
  },
  {
    id: 'adobe-commerce-application-provisioning',
    section: 'Provisioning',
    activity: 'Adobe Commerce Application Provisioning',
    'managed-services': 'owner',
  },
  {
    id: 'adobe-commerce-source-code-access',
    section: 'Provisioning',
    activity: 'Adobe Commerce Source Code Access',
    'managed-services': 'owner',
  },
  { id: 'cdn-service-provisioning', section: 'Provisioning', activity: 'CDN Service Provisioning', 'managed-services': 'owner' },
  {
    id: 'local-development-environment',
    section: 'Provisioning',
    activity: 'Local development environment',
    customer: 'contributor',
    partner: 'owner',
  },
  // Development and QA
  {
    id: 'requirement-gathering-and-project-management',
    section: 'Development and QA',
    activity: 'Requirement gathering and project management',
    customer: 'contributor',
    partner: 'owner',
    'managed-services': 'advisor',
  },
  {
    id: 'application-development',
    section: 'Development and QA',
    activity: 'Application Development',
    customer: 'contributor',
    partner: 'owner',
    'managed-services': 'advisor',
  },
  {
    id: 'application-testing',
    section: 'Development and QA',
    activity: 'Application Testing',
    customer: 'contributor',
    partner: 'owner',
    'managed-services': 'advisor',
  },
  // Staging & Transition
  {
    id: 'code-deployment-to-development-integration-and-staging',
    section: 'Staging & Transition',
    activity: 'Code Deployment to development, integration, and Staging',
    customer: 'contributor',
    partner: 'owner',
    'managed-services': 'advisor',
  },
  {
    id: 'content-deployment',
    section: 'Staging & Transition',
    activity: 'Content deployment',
    customer: 'contributor',
    partner: 'owner',
    'managed-services': 'advisor',
  },
  {
    id: 'user-acceptance-test-development',
    section: 'Staging & Transition',
    activity: 'User-acceptance Test development',
    customer: 'owner',
    partner: 'contributor',
    'managed-services': 'advisor',
  },
  {
    id: 'user-acceptance-testing',
    section: 'Staging & Transition',
    activity: 'User-acceptance Testing',
    customer: 'owner',
    partner: 'contributor',
    'managed-services': 'advisor',
  },
  {
    id: 'custom-monitoring-requirements',
    section: 'Staging & Transition',
    activity: 'Custom monitoring requirements',
    customer: 'contributor',
    partner: 'owner',
    'managed-services': 'advisor',
  },
  {
    id: 'customer-provided-ssl-certificates',
    section: 'Staging & Transition',
    activity: 'Customer-provided SSL Certificates',
    customer: 'owner',
    'managed-services': 'contributor',
  },
  {
    id: 'performance-and-load-test-development',
    section: 'Staging & Transition',
    activity: 'Performance and Load Test Development',
    customer: 'contributor',
    partner: 'owner',
    'managed-services': 'advisor',
  },
  {
    id: 'performance-and-load-testing',
    section: 'Staging & Transition',
    activity: 'Performance and Load Testing',
    customer: 'contributor',
    partner: 'owner',
    'managed-services': 'advisor',
  },
  {
    id: 'customization-development-and-qa',
    section: 'Staging & Transition',
    activity: 'Customization Development and QA',
    customer: 'contributor',
    partner: 'owner',
    'managed-services': 'advisor',
  },
  {
    id: 'runbook-completion',
    section: 'Staging & Transition',
    activity: 'Runbook completion',
    customer: 'owner',
    partner: 'contributor',
    'managed-services': 'contributor',
  },
  { id: 'runbook-review', section: 'Staging & Transition', activity: 'Runbook Review', 'managed-services': 'owner' },
  // Launch
  {
    id: 'go-live-checklist',
    section: 'Launch',
    activity: 'Go-live checklist',
    customer: 'contributor',
    partner: 'contributor',
    'managed-services': 'owner',
  },
  {
    id: 'go-live-event-conference-room',
    section: 'Launch',
    activity: 'Go-live event conference room',
    customer: 'contributor',
    partner: 'contributor',
    'managed-services': 'owner',
  },
  {
    id: 'production-code-deployment',
    section: 'Launch',
    activity: 'Production code deployment',
    customer: 'contributor',
    partner: 'contributor',
    'managed-services': 'owner',
  },
  // Production
  {
    id: 'production-infrastructure-monitoring',
    section: 'Production',
    activity: 'Production infrastructure monitoring',
    'managed-services': 'owner',
  },
  {
    id: 'principal-application-monitoring',
    section: 'Production',
    activity: 'Principal application monitoring',
    customer: 'contributor',
    partner: 'contributor',
    'managed-services': 'owner',
  },
  {
    id: 'production-event-response',
    section: 'Production',
    activity: 'Production event response',
    customer: 'contributor',
    partner: 'contributor',
    'managed-services': 'owner',
  },
  {
    id: 'infrastructure-and-operating-system-level-maintenance',
    section: 'Production',
    activity: 'Infrastructure and operating system-level maintenance',
    'managed-services': 'owner',
  },
  {
    id: 'custom-code-maintenance-and-security-patches',
    section: 'Production',
    activity: 'Custom-code maintenance and security patches',
    customer: 'contributor',
    partner: 'owner',
    'managed-services': 'advisor',
  },
  {
    id: 'provide-access-to-adobe-commerce-product-updates-and-upgrades',
    section: 'Production',
    activity: 'Provide access to Adobe Commerce Product Updates and Upgrades',
    customer: 'contributor',
    partner: 'contributor',
    'managed-services': 'owner',
  },
  {
    id: 'applying-adobe-commerce-product-updates-and-upgrades',
    section: 'Production',
    activity: 'Applying Adobe Commerce Product Updates and Upgrades',
    customer: 'contributor',
    partner: 'owner',
    'managed-services': 'advisor',
  },
  {
    id: 'change-approval-board-to-approve-production-deployments',
    section: 'Production',
    activity: 'Change Approval Board to approve production deployments',
    customer: 'contributor',
    partner: 'contributor',
    'managed-services': 'owner',
  },
  {
    id: 'production-application-administration',
    section: 'Production',
    activity: 'Production Application administration',
    customer: 'owner',
    partner: 'contributor',
    'managed-services': 'advisor',
  },
  {
    id: 'tuning-production-infrastructure',
    section: 'Production',
    activity: 'Tuning production infrastructure',
    customer: 'contributor',
    partner: 'contributor',
    'managed-services': 'owner',
  },
  {
    id: 'scaling-production-architecture',
    section: 'Production',
    activity: 'Scaling Production architecture',
    'managed-services': 'owner',
  },
  {
    id: 'production-backups-and-recovery',
    section: 'Production',
    activity: 'Production Backups and Recovery',
    partner: 'contributor',
    'managed-services': 'owner',
  },
  // Security and Compliance
  {
    id: 'soc-2-audit-of-the-service',
    section: 'Security and Compliance',
    activity: 'SOC-2 Audit of the Service',
    'managed-services': 'owner',
  },
  {
    id: 'pci-certification-of-the-infrastructure',
    section: 'Security and Compliance',
    activity: 'PCI Certification of the infrastructure',
    'managed-services': 'owner',
  },
  {
    id: 'pci-certification-of-the-customized-application',
    section: 'Security and Compliance',
    activity: 'PCI Certification of the customized application',
    customer: 'owner',
    partner: 'contributor',
  },
  {
    id: 'security-audits-of-the-core-applications',
    section: 'Security and Compliance',
    activity: 'Security Audits of the core applications',
    customer: 'owner',
    partner: 'contributor',
    'managed-services': 'advisor',
  },
  {
    id: 'security-audits-of-the-customizations-and-extensions',
    section: 'Security and Compliance',
    activity: 'Security Audits of the customizations and extensions',
    customer: 'owner',
    partner: 'contributor',
  },
  {
    id: 'penetration-testing-of-the-customers-instances-of-the-applications',
    section: 'Security and Compliance',
    activity: "Penetration testing of the customer's instances of the applications",
    customer: 'owner',
    partner: 'contributor',
  },
  {
    id: 'web-application-firewall-rules-waf',
    section: 'Security and Compliance',
    activity: 'Web Application Firewall Rules (WAF)',
    customer: 'contributor',
    partner: 'contributor',
    'managed-services': 'owner',
  },
  {
    id: 'intrusion-detection-monitoring',
    section: 'Security and Compliance',
    activity: 'Intrusion Detection Monitoring',
    'managed-services': 'owner',
  },
  {
    id: 'application-and-db-event-monitoring',
    section: 'Security and Compliance',
    activity: 'Application and DB event monitoring',
    customer: 'contributor',
    partner: 'contributor',
    'managed-services': 'owner',
  },
  {
    id: 'web-application-firewall-event-monitoring',
    section: 'Security and Compliance',
    activity: 'Web Application Firewall Event Monitoring',
    customer: 'contributor',
    partner: 'contributor',
    'managed-services': 'owner',
  },
  {
    id: 'user-management-and-sso-integration',
    section: 'Security and Compliance',
    activity: 'User management and SSO integration',
    customer: 'owner',
    partner: 'contributor',
    'managed-services': 'contributor',
  },
  {
    id: 'security-event-response',
    section: 'Security and Compliance',
    activity: 'Security Event Response',
    customer: 'contributor',
    partner: 'contributor',
    'managed-services': 'owner',
  },
  {
    id: 'setting-up-securing-and-maintaining-connection-to-corporate-networks-and-resources',
    section: 'Security and Compliance',
    activity: 'Setting up, securing, and maintaining connection to corporate networks and resources',
    customer: 'owner',
    partner: 'advisor',
    'managed-services': 'advisor',
  },
];

/** Frozen so that no caller (workflow or CLI) can change the shared table at run time. */
export const ENGAGEMENT_RACI: readonly Readonly<RaciRow>[] = Object.freeze(ROWS.map((row) => Object.freeze(row)));

/**
 * The row the playbook's CAB gates name (`CabGate.raciActivity`): its Owner decides them. (The production deployment
 * is a step of the launch task, decided by the task's owner in the playbook, whatever this table's row says.)
 */
export const CAB_APPROVAL_ACTIVITY_ID = 'change-approval-board-to-approve-production-deployments';

const RACI_ROLES: readonly Role[] = ['customer', 'partner', 'managed-services'];

/** Lower-case words of a text; apostrophes are dropped so "customer's" is the word "customers", as in the ids. */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/['\u2019]/g, '')
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

/** The row whose id or activity (case-insensitive, trimmed) is exactly `idOrActivity`, if any. */
export function raciRow(idOrActivity: string): Readonly<RaciRow> | undefined {
  const wanted = idOrActivity.trim().toLowerCase();
  return ENGAGEMENT_RACI.find((row) => row.id === wanted || row.activity.toLowerCase() === wanted);
}

/** The roles that hold `responsibility` for the activity, in the table's column order. */
export function rolesWith(row: Readonly<RaciRow>, responsibility: RaciResponsibility): Role[] {
  return RACI_ROLES.filter((role) => row[role] === responsibility);
}

/** The role that owns the activity (by id or exact activity text). Throws for an unknown activity. */
export function ownerOf(idOrActivity: string): Role {
  const row = raciRow(idOrActivity);
  if (!row) {
    throw new Error(`No engagement RACI activity "${idOrActivity}": use an id or the exact activity text (see findRaci).`);
  }
  const [owner] = rolesWith(row, 'owner');
  if (!owner) throw new Error(`Engagement RACI activity "${row.activity}" has no owner.`);
  return owner;
}

/**
 * Rows for the CLI `raci [activity]`. An empty query lists every row; an exact id or activity gives that row
 * alone; otherwise each word of the query must begin a word of the activity or id ("ssl", "pci cert", "go-live"),
 * case-insensitively. Results keep table order.
 */
export function findRaci(query: string): Readonly<RaciRow>[] {
  const exact = raciRow(query);
  if (exact) return [exact];
  const wanted = words(query);
  if (wanted.length === 0) return [...ENGAGEMENT_RACI];
  return ENGAGEMENT_RACI.filter((row) => {
    const own = [...words(row.activity), ...words(row.id)];
    return wanted.every((word) => own.some((candidate) => candidate.startsWith(word)));
  });
}
