import type { DecisionPayload } from '../../workflows/messages';
import { validateProjectInput } from '../../workflows/project-input';
import { MAX_REFUSED_KEPT, ProjectState } from '../../workflows/project-state';
import { makeProject } from '../support/project-fixture';
import { artifactRef, awaitingDecision, startWith } from '../support/state-driver';

function newState(overrides = {}) {
  const parsed = validateProjectInput(makeProject(overrides));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  let tick = 0;
  return new ProjectState('upgrade-x', parsed.project, () => new Date(Date.UTC(2026, 10, 28, 9, 0, tick++)).toISOString());
}

const approve = (over: Partial<DecisionPayload> = {}): DecisionPayload => ({
  taskId: 'create-upgrade-plan',
  decision: 'approve',
  actor: 'carla@acme.example',
  role: 'customer',
  ...over,
});

function awaitingPlan(state: ProjectState) {
  return awaitingDecision(state, 'create-upgrade-plan', [
    { step: 'draftUpgradePlan', summary: 'plan', artifact: artifactRef('p/abcdef0123456789-plan.md', 'abcdef0123456789') },
  ]);
}

describe('approval rules', () => {
  it('lets only a named participant of the owner role approve', () => {
    const state = newState();
    awaitingPlan(state);
    expect(state.validate(approve({ role: 'partner', actor: 'pat@agency.example' }))).toEqual({
      ok: false,
      reason: 'only the owner role (customer) decides create-upgrade-plan; partner may comment',
    });
    expect(state.validate(approve({ actor: 'mallory@evil.example' }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/mallory@evil\.example is not a named customer participant/),
    });
    // A real person claiming a role that is not theirs is refused too.
    expect(state.validate(approve({ actor: 'pat@agency.example' }))).toMatchObject({ ok: false });
    expect(state.validate(approve())).toEqual({ ok: true });
  });

  it('refuses decisions on tasks that are unknown or not awaiting them', () => {
    const state = newState();
    expect(state.validate(approve({ taskId: 'nope' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/^unknown task "nope"/) });
    expect(state.validate(approve())).toMatchObject({ ok: false, reason: expect.stringMatching(/is pending, not awaiting approval/) });
    awaitingPlan(state);
    expect(state.validate(approve({ decision: 'retry' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/not blocked/) });
    expect(state.validate(approve({ decision: 'reject' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/must say why/) });
  });

  it('answers a duplicate requestId with the first result and applies it once', () => {
    const state = newState({ requiredApprovals: { 'create-upgrade-plan': 2 } });
    const gate = awaitingPlan(state);
    const first = state.apply(approve({ requestId: 'r-1' }), 'update');
    expect(first).toMatchObject({ duplicate: false, taskState: 'awaiting-approval' });
    const again = state.validate(approve({ requestId: 'r-1' }));
    expect(again).toEqual({ ok: true, duplicateOf: { ...first, duplicate: true } });
    expect(gate.approvals).toHaveLength(1);
    // The same person cannot count twice towards requiredApprovals.
    expect(state.validate(approve({ requestId: 'r-2' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/already approved/) });
    expect(state.apply(approve({ actor: 'chris@acme.example' }), 'update')).toMatchObject({ taskState: 'approved' });
  });

  it('checks the evidence an approval names and records what was approved', () => {
    const state = newState();
    const gate = awaitingPlan(state);
    expect(state.validate(approve({ evidence: 'ffffffff' }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not the current evidence/),
    });
    expect(state.validate(approve({ evidence: 'abcdef01' }))).toEqual({ ok: true });
    state.apply(approve({ evidence: 'abcdef01' }), 'update');
    expect(gate.approvals[0]?.evidence).toEqual(['p/abcdef0123456789-plan.md']);
  });

  it('voids approvals of redone work when a rejection sends the project back', () => {
    const state = newState();
    for (const id of ['update-code-base', 'post-upgrade-checks', 'performance-and-security-tests'] as const) {
      awaitingDecision(state, id);
      state.apply({ taskId: id, decision: 'approve', actor: 'pat@agency.example', role: 'partner' }, 'update');
    }
    awaitingDecision(state, 'user-acceptance-testing');
    state.apply(
      { taskId: 'user-acceptance-testing', decision: 'reject', actor: 'carla@acme.example', role: 'customer', comment: 'checkout broken' },
      'update',
    );
    state.sendBack('user-acceptance-testing', 'update-code-base');
    expect(state.gate('update-code-base')).toMatchObject({ state: 'pending', approvals: [], voidedApprovals: 1 });
    expect(state.gate('performance-and-security-tests')).toMatchObject({ state: 'pending', voidedApprovals: 1 });
    expect(state.gate('assess-upgrade-complexity').state).toBe('pending');
    expect(state.rework).toEqual([
      expect.objectContaining({ rejectedTask: 'user-acceptance-testing', backTo: 'update-code-base', reason: 'checkout broken' }),
    ]);
  });

  it('lets the owner or the CSE resolve a blocked task, skip only with a reason', () => {
    const state = newState();
    startWith(state, 'update-code-base');
    state.block('update-code-base', 'prepareUpgradeBranch', 'git push refused');
    const base = { taskId: 'update-code-base', actor: 'sam@adobe.example', role: 'managed-services' as const };
    expect(state.validate({ ...base, decision: 'skip' })).toMatchObject({ ok: false, reason: expect.stringMatching(/needs a reason/) });
    expect(state.validate({ ...base, decision: 'retry' })).toEqual({ ok: true });
    expect(state.validate({ ...base, actor: 'carla@acme.example', role: 'customer', decision: 'retry' })).toMatchObject({ ok: false });
  });

  it('keeps a bounded number of refused attempts and counts the rest', () => {
    const state = newState();
    for (let i = 0; i < MAX_REFUSED_KEPT + 25; i += 1) state.refuse({ taskId: 'x', actor: 'm@evil.example' }, 'no', 'signal');
    const status = state.status();
    expect(status.audit.filter((e) => e.kind === 'refused')).toHaveLength(MAX_REFUSED_KEPT);
    expect(status.refusedNotKept).toBe(25);
  });

  it('takes no decisions once cancelled, and only the CSE cancels', () => {
    const state = newState();
    expect(state.validateCancel({ actor: 'carla@acme.example', role: 'customer', reason: 'budget' })).toMatchObject({ ok: false });
    state.applyCancel({ actor: 'sam@adobe.example', role: 'managed-services', reason: 'customer postponed' });
    state.endCancelled();
    expect(state.validate(approve())).toMatchObject({ ok: false, reason: expect.stringMatching(/is cancelled/) });
  });

  it('has a CAB gate owned by the RACI owner of the Change Approval Board', () => {
    const state = newState();
    expect(state.gate('cab-production-deployment')).toMatchObject({
      owner: 'managed-services',
      contributors: ['customer', 'partner'],
      taskId: 'launch-to-production',
    });
  });
});
