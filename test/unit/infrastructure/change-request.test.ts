import { buildInfrastructureChangeRequest } from '../../../activities/infrastructure/change-request';
import { computeInfrastructureChanges } from '../../../activities/infrastructure/changes';
import { applyRelationshipChanges, applyServiceChanges, setPhpType } from '../../../activities/infrastructure/services-yaml';
import { projectInputSchema } from '../../../workflows/project-input';
import { APP_246, PROJECT_FILE, SERVICES_246 } from './fixtures';

const project = projectInputSchema.parse(PROJECT_FILE);
const changes = computeInfrastructureChanges({ servicesYaml: SERVICES_246, appYaml: APP_246, targetVersion: project.targetVersion });
const updatedServicesYaml = applyServiceChanges(SERVICES_246, changes.services);
const updatedAppYaml = applyRelationshipChanges(setPhpType(APP_246, changes.php.toVersion), changes.relationships);
const base = { project, changes, updatedServicesYaml, updatedAppYaml };

// 2026-05-11 is a Monday. The customer's windows are Tuesday and Thursday 22:00 UTC for 4 hours.
describe('infrastructure change request', () => {
  it('for Production with enough notice: diff, target versions, window in UTC, updated files, no problems', () => {
    const request = buildInfrastructureChangeRequest({
      ...base,
      environment: 'production',
      requestedWindow: { startIso: '2026-05-14T22:00:00Z', endIso: '2026-05-15T02:00:00Z' },
      nowIso: '2026-05-11T09:00:00Z',
    });
    expect(request.problems).toEqual([]);
    expect(request.noticeOk).toBe(true);
    expect(request.noticeHours).toBe(85); // Mon 09:00 → Thu 22:00
    expect(request.subject).toBe(
      '[acme-2-4-8] ACME Retail: Production infrastructure change for Adobe Commerce 2.4.6-p8 → 2.4.8-p5, Thu 2026-05-14 22:00 UTC',
    );
    const md = request.markdown;
    expect(md).toContain('- Requested window: Thu 2026-05-14 22:00 UTC – Fri 2026-05-15 02:00 UTC');
    expect(md).toContain('(at least 48 required, weekends excluded): OK');
    expect(md).toContain('| `mysql` | mysql:10.11 → mysql:11.8 | 11.8 |');
    expect(md).toContain('| `redis` | redis:7.2 → removed (replaced by `cache`) | — |');
    expect(md).toContain('| `cache` | — → valkey:8.1 | 8.1 |');
    expect(md).toContain('| `rabbitmq` | rabbitmq:3.11 → rabbitmq:4.3 | 3.12 → 3.13 → 4.0 → 4.1 → 4.2 → 4.3 |');
    expect(md).toContain('PHP: 8.2 → 8.4 (2.4.8-p5 supports 8.4, 8.3).');
    expect(md).toContain('- `redis` → `valkey: "cache:valkey"`');
    expect(md).toContain(['```yaml', updatedServicesYaml.trimEnd(), '```'].join('\n'));
    expect(md).toContain(['```yaml', updatedAppYaml.trimEnd(), '```'].join('\n'));
    expect(md).toContain('type: valkey:8.1');
    expect(md).toContain('- Managed Services (CSE): Sam CSE <sam@adobe.example>');
    expect(md).toContain('@34971d8c2f8a');
    expect(md).not.toContain('Problems to resolve');
  });

  it('refuses Production notice that only a weekend makes up (Friday night for the Tuesday window)', () => {
    const request = buildInfrastructureChangeRequest({
      ...base,
      environment: 'production',
      // Tuesday's window from Friday 23:00: 1 h Friday + 24 h Monday + 22 h Tuesday = 47 h, < 48
      requestedWindow: { startIso: '2026-05-19T22:00:00Z', endIso: '2026-05-20T02:00:00Z' },
      nowIso: '2026-05-15T23:00:00Z',
    });
    expect(request.noticeOk).toBe(false);
    expect(request.noticeHours).toBe(47);
    expect(request.problems).toEqual([
      'Production needs at least 48 hours of notice excluding weekends; the window starts 47 weekday hours from now. ' +
        'Choose a later window (nextChangeWindow with 48 hours).',
    ]);
    expect(request.markdown).toContain('TOO SHORT');
    expect(request.markdown).toContain('## Problems to resolve before sending');
  });

  it('accepts exactly 48 weekday hours across a weekend', () => {
    const request = buildInfrastructureChangeRequest({
      ...base,
      environment: 'production',
      requestedWindow: { startIso: '2026-05-19T22:00:00Z', endIso: '2026-05-20T02:00:00Z' },
      nowIso: '2026-05-15T22:00:00Z', // Friday 22:00: 2 + 24 + 22
    });
    expect(request.noticeHours).toBe(48);
    expect(request.noticeOk).toBe(true);
  });

  it('does not apply the 48-hour rule to Staging, but refuses a window in the past or ending before it starts', () => {
    const staging = buildInfrastructureChangeRequest({
      ...base,
      environment: 'staging',
      requestedWindow: { startIso: '2026-05-11T12:00:00Z', endIso: '2026-05-11T14:00:00Z' },
      nowIso: '2026-05-11T09:00:00Z',
    });
    expect(staging.noticeOk).toBe(true);
    expect(staging.noticeHours).toBe(3);
    expect(staging.problems).toEqual([]);
    expect(staging.markdown).toContain('the 48-hour rule applies to Production');

    const late = buildInfrastructureChangeRequest({
      ...base,
      environment: 'staging',
      requestedWindow: { startIso: '2026-05-11T08:00:00Z', endIso: '2026-05-11T07:00:00Z' },
      nowIso: '2026-05-11T09:00:00Z',
    });
    expect(late.problems).toEqual(['The requested window ends before it starts.', 'The requested window has already started.']);
  });

  it('refuses a Production window outside the customer change windows and an Integration environment', () => {
    const integration = projectInputSchema.parse({
      ...PROJECT_FILE,
      environments: { ...PROJECT_FILE.environments, production: { ...PROJECT_FILE.environments.production, kind: 'integration' } },
    });
    const request = buildInfrastructureChangeRequest({
      ...base,
      project: integration,
      environment: 'production',
      requestedWindow: { startIso: '2026-05-20T10:00:00Z', endIso: '2026-05-20T11:00:00Z' },
      nowIso: '2026-05-11T09:00:00Z',
    });
    expect(request.noticeOk).toBe(true);
    expect(request.problems).toEqual([
      "The requested window is outside the customer's change windows (Tue, Thu 22:00 UTC for 4 h).",
      'Production is an Integration environment: commit the services change on the branch instead of a Support ticket.',
    ]);
  });

  it('says when there is nothing to request', () => {
    const current = computeInfrastructureChanges({
      servicesYaml: 'mysql:\n    type: mysql:11.4\n    disk: 5120\ncache:\n    type: valkey:8.1\nopensearch:\n    type: opensearch:3\n',
      appYaml: 'type: php:8.4\n',
      targetVersion: '2.4.8-p5',
    });
    const request = buildInfrastructureChangeRequest({
      ...base,
      changes: current,
      environment: 'staging',
      requestedWindow: { startIso: '2026-05-12T22:00:00Z', endIso: '2026-05-13T02:00:00Z' },
      nowIso: '2026-05-11T09:00:00Z',
    });
    expect(request.problems).toEqual(['No service, relationship or PHP change is needed for 2.4.8-p5; there is nothing to request.']);
  });
});
