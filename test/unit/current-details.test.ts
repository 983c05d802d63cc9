/**
 * The Temporal UI's current details (workflows/current-details.ts): from the real ProjectState with a fixed clock,
 * who approved or rejected each task, in which role, when, and on which evidence (short hash), with no raw JSON.
 */
import { renderCurrentDetails, shortEvidence } from '../../workflows/current-details';
import { projectInputSchema } from '../../workflows/project-input';
import { ProjectState } from '../../workflows/project-state';
import { makeProject } from '../support/project-fixture';
import { artifactRef, awaitingDecision } from '../support/state-driver';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');

it('names who decided each task, in which role, when and on which evidence', () => {
  let now = T0;
  const project = projectInputSchema.parse(makeProject({ projectId: 'acme-2-4-8', requiredApprovals: { 'create-upgrade-plan': 2 } }));
  const state = new ProjectState('upgrade-acme-2-4-8', project, () => new Date(now).toISOString());
  const plan = artifactRef('acme-2-4-8/f23fa217a20e6b76-upgrade-plan.md', 'f23fa217a20e6b76');
  awaitingDecision(state, 'create-upgrade-plan', [{ step: 'draftUpgradePlan', artifact: plan }]);
  now += 60_000;
  state.apply({ taskId: 'create-upgrade-plan', decision: 'approve', actor: 'carla@acme.example', role: 'customer' }, 'update');
  now += 60_000;
  state.apply({ taskId: 'create-upgrade-plan', decision: 'approve', actor: 'chris@acme.example', role: 'customer' }, 'update');
  awaitingDecision(state, 'determine-infrastructure-changes', [
    { step: 'determineInfrastructureChanges', artifact: artifactRef('acme-2-4-8/0a1b2c3d4e5f6071-infra.md', '0a1b2c3d4e5f6071') },
  ]);
  now += 60_000;
  state.apply(
    {
      taskId: 'determine-infrastructure-changes',
      decision: 'reject',
      actor: 'sam@adobe.example',
      role: 'managed-services',
      comment: 'wrong | sizing\nfor Redis',
    },
    'update',
  );

  const text = renderCurrentDetails(state.status());
  expect(text).toContain('| task | owner | state | waiting on | since | decided by (role), when, on evidence |');
  expect(text).toContain(
    '| create-upgrade-plan | customer | ✅ approved |  |  | ✅ carla@acme.example (customer) 2026-03-02 09:01 on f23fa217a20e; ✅ chris@acme.example (customer) 2026-03-02 09:02 on f23fa217a20e |',
  );
  // A reason with a pipe or a line break cannot break the table.
  expect(text).toMatch(
    /\| determine-infrastructure-changes \| managed-services \| ↩ rejected \|[^\n]*↩ sam@adobe\.example \(managed-services\) 2026-03-02 09:03 on 0a1b2c3d4e5f: wrong \\\| sizing for Redis \|$/m,
  );
  expect(text).not.toMatch(/[{}"]/); // no raw JSON
  // With the project's names (as the workflow passes them), a manager reads who, not only an address.
  const named = renderCurrentDetails(
    state.status(),
    new Map(Object.values(project.participants).flatMap((people) => people.map((p) => [p.email, p.name] as const))),
  );
  expect(named).toContain('✅ Carla Customer <carla@acme.example> (customer) 2026-03-02 09:01 on f23fa217a20e');
  expect(named).toMatch(/↩ Sam CSE <sam@adobe\.example> \(managed-services\)/);
});

it('shortens artifact ids, commit shas and hashes to twelve characters', () => {
  expect(shortEvidence('acme/f23fa217a20e6b76-upgrade-plan.md')).toBe('f23fa217a20e');
  expect(shortEvidence('9fceb02d0ae598e95dc970b74767f19372d61af8')).toBe('9fceb02d0ae5');
  expect(shortEvidence('abc1234')).toBe('abc1234');
});
