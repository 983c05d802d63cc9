/** The three organizations of an upgrade (DESIGN.md, "The playbook"). */
export const ROLES = ['customer', 'partner', 'managed-services'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  customer: 'Customer',
  partner: 'Development Partner',
  'managed-services': 'Managed Services (CSE)',
};
