import { computeInfrastructureChanges } from '../../../activities/infrastructure/changes';
import { renderUpgradePlan } from '../../../activities/plan/upgrade-plan';
import { requirementsFor } from '../../../activities/requirements/catalog';
import { projectInputSchema } from '../../../workflows/project-input';
import { PLAYBOOK_TASKS } from '../../../workflows/playbook';
import { APP_246, PROJECT_FILE, SERVICES_246 } from '../infrastructure/fixtures';

const project = projectInputSchema.parse(PROJECT_FILE);
const changes = computeInfrastructureChanges({ servicesYaml: SERVICES_246, appYaml: APP_246, targetVersion: project.targetVersion });
const requirements = requirementsFor(project.targetVersion);
const inventory = {
  adobe: ['magento/module-catalog', 'magento/module-sales'],
  thirdParty: ['mageplaza/smtp', 'amasty/promo'],
  custom: ['Acme_Checkout'],
};
// 2026-05-11 is a Monday; the project's windows are Tuesday and Thursday 22:00 UTC for 4 hours.
const NOW = '2026-05-11T09:00:00Z';

describe('upgrade plan', () => {
  const plan = renderUpgradePlan({ project, requirements, changes, inventory, nowIso: NOW });

  it('is the same text for the same input', () => {
    expect(renderUpgradePlan({ project, requirements, changes, inventory, nowIso: NOW })).toBe(plan);
  });

  it('shows current and target versions with their support dates from the lifecycle table', () => {
    expect(plan).toContain('# Upgrade plan: ACME Retail, Adobe Commerce 2.4.6-p8 → 2.4.8-p5');
    expect(plan).toContain(
      '| current | 2.4.6-p8 | 2.4.6 | 2023-03-14 | 2026-08-11 | 2027-08-31 | 2028-05-31 | 2028-06-01 | standard support |',
    );
    expect(plan).toContain('| target | 2.4.8-p5 | 2.4.8 | 2025-04-08 | 2028-05-31 | TBD | N/A | TBD | standard support |');
    expect(plan).toContain('- MariaDB (`mysql` service): 11.4, 11.8');
    expect(plan).toContain('- Valkey: 8.1');
    expect(plan).toContain('@34971d8c2f8a');
    const later = renderUpgradePlan({ project, requirements, changes, nowIso: '2026-09-01T00:00:00Z' });
    expect(later).toContain('| 2028-06-01 | extended support |');
  });

  it('lists the service changes with their paths and the order of work', () => {
    expect(plan).toContain('| `rabbitmq` | upgrade | rabbitmq:3.11 | rabbitmq:4.3 | 3.12 → 3.13 → 4.0 → 4.1 → 4.2 → 4.3 |');
    expect(plan).toContain('| `redis` | replace | redis:7.2 | removed, replaced by `cache` | — |');
    expect(plan).toContain('| `cache` | add | — | valkey:8.1 | 8.1 |');
    expect(plan).toContain('PHP 8.2 → 8.4');
    expect(plan).toContain('9. Redeploy after the last RabbitMQ step.');
    expect(plan).toMatch(/renaming a service destroys the service and its data/);
  });

  it('summarises the module inventory, or says it is not assessed yet', () => {
    expect(plan).toContain(
      '- Adobe packages: 2\n- Third-party modules: 2\n  - amasty/promo\n  - mageplaza/smtp\n- Custom modules: 1\n  - Acme_Checkout',
    );
    expect(renderUpgradePlan({ project, requirements, changes, nowIso: NOW })).toContain('Not assessed yet');
  });

  it('plans the timeline in the customer change windows', () => {
    expect(plan).toContain('- Planned start: 2026-05-18');
    expect(plan).toContain('- Customer change windows for Production (UTC): Tue, Thu 22:00 UTC for 4 h');
    // notice runs from the planned start (Monday 2026-05-18), later than now: +48 weekday hours → Wednesday → Thursday's window
    expect(plan).toContain('from Mon 2026-05-18 00:00 UTC): Thu 2026-05-21 22:00 UTC – Fri 2026-05-22 02:00 UTC');
    expect(plan).toContain('- Launch window (first change window on or after the planned launch): Thu 2026-07-02 22:00 UTC');
    const early = projectInputSchema.parse({ ...PROJECT_FILE, timeline: { launch: '2026-05-12' } });
    const warned = renderUpgradePlan({ project: early, requirements, changes, nowIso: NOW });
    expect(warned).toContain('from Mon 2026-05-11 09:00 UTC): Thu 2026-05-14 22:00 UTC');
    expect(warned).toContain('The planned launch comes before the Production infrastructure change can happen');
  });

  it('says who owns each of the playbook tasks, with the names of the participants', () => {
    for (const task of PLAYBOOK_TASKS) expect(plan).toContain(`| ${task.title} |`);
    expect(plan).toContain('| Create upgrade project plan | Customer: Carla Customer | Development Partner, Managed Services (CSE) |');
    expect(plan).toContain('| Launch to Production | Development Partner: Pat Partner, Dana Developer |');
    expect(plan).toContain('- Managed Services (CSE): Sam CSE <sam@adobe.example>');
  });

  it('copes with a current version outside the lifecycle table', () => {
    const old = projectInputSchema.parse({ ...PROJECT_FILE, currentVersion: '2.4.3-p3' });
    expect(renderUpgradePlan({ project: old, requirements, changes, nowIso: NOW })).toContain(
      '| current | 2.4.3-p3 | — | — | — | — | — | — | not in the lifecycle table |',
    );
  });
});
