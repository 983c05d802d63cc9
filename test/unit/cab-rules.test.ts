/**
 * Issue #15, items 3–5, over ProjectState with no server: separation of duties on the CAB gates (and CAB members),
 * evidence people attach and approve by hash (signed like decisions), and rework that reaches the redone step.
 * Playbook version 2 carries these rules; version 1 (projects already running) keeps the rules it started with.
 */
import { computeInfrastructureChanges } from '../../activities/infrastructure/changes';
import { renderUpgradePlan } from '../../activities/plan/upgrade-plan';
import { requirementsFor } from '../../activities/requirements/catalog';
import { attachClaims, generateSigningKey, signAssertion, signDecision } from '../../client/gateway/assertion-signer';
import type { IdentityProof } from '../../workflows/decision-assertion';
import { MAX_ATTACHMENTS_PER_GATE, type AttachmentInput, type AttachPayload, type DecisionPayload } from '../../workflows/messages';
import { checkAttachPayload } from '../../workflows/message-checks';
import { buildPlan, separationWarnings } from '../../client/format/plan';
import { checkPlaybook, CURRENT_PLAYBOOK_VERSION, PLAYBOOKS, playbookOf } from '../../workflows/playbook';
import { projectInputSchema, validateProjectInput, type ProjectFile } from '../../workflows/project-input';
import { evidenceOfGate, ProjectState } from '../../workflows/project-state';
import { APP_246, PROJECT_FILE, SERVICES_246 } from './infrastructure/fixtures';
import { makeProject, PEOPLE } from '../support/project-fixture';
import { artifactRef, awaitingDecision, blockedOn, startWith } from '../support/state-driver';

const SAM = 'sam@adobe.example';
const CASEY = 'casey@adobe.example';
const TWO_CSES: ProjectFile['participants'] = {
  ...PEOPLE,
  'managed-services': [...PEOPLE['managed-services'], { name: 'Casey CAB', email: CASEY }],
};

function newState(overrides: Partial<ProjectFile> = {}, version = CURRENT_PLAYBOOK_VERSION) {
  const parsed = validateProjectInput(makeProject({ participants: TWO_CSES, ...overrides }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  let tick = 0;
  return new ProjectState(
    'upgrade-cab',
    parsed.project,
    () => new Date(Date.UTC(2026, 11, 2, 9, 0, tick++)).toISOString(),
    {},
    playbookOf(version)!,
  );
}

const decision = (over: Partial<DecisionPayload>): DecisionPayload => ({
  taskId: 'cab-infrastructure-change',
  decision: 'approve',
  actor: SAM,
  role: 'managed-services',
  ...over,
});

/** The infrastructure changes approved by `approver`, then the infrastructure task up to its CAB gate. */
function atInfrastructureCab(state: ProjectState, approver = SAM) {
  awaitingDecision(state, 'determine-infrastructure-changes', [{ step: 'determineInfrastructureChanges' }]);
  state.apply(decision({ taskId: 'determine-infrastructure-changes', actor: approver }), 'update');
  startWith(state, 'upgrade-infrastructure-services', [
    { step: 'scheduleInfrastructureConference' },
    { step: 'requestStagingInfrastructureChange', artifact: artifactRef('p/1111111111111111-staging-change.md', '11') },
  ]);
  state.startCab('cab-infrastructure-change');
  return state.awaitDecision('cab-infrastructure-change');
}

const UAT_RESULTS: AttachmentInput = {
  name: 'uat-results.pdf',
  sha256: 'ab'.repeat(32),
  url: 'https://files.acme.example/uat-results.pdf',
  bytes: 48213,
  mediaType: 'application/pdf',
};
const attach = (over: Partial<AttachPayload> = {}): AttachPayload => ({
  taskId: 'user-acceptance-testing',
  actor: 'carla@acme.example',
  role: 'customer',
  attachment: UAT_RESULTS,
  ...over,
});

describe('playbook version 2', () => {
  it('is current, runnable, and leaves version 1 without the new rules', () => {
    expect(CURRENT_PLAYBOOK_VERSION).toBe(2);
    for (const playbook of PLAYBOOKS) expect(checkPlaybook(playbook)).toEqual([]);
    const [v1, v2] = [playbookOf(1)!, playbookOf(2)!];
    expect(v1.cabGates.every((g) => g.approvalRules === undefined) && v1.tasks.every((t) => t.approvalRules === undefined)).toBe(true);
    expect(v2.cabGates.map((g) => [g.id, g.approvalRules?.separationOfDuties])).toEqual([
      ['cab-infrastructure-change', { requestedBy: ['determine-infrastructure-changes'] }],
      ['cab-production-deployment', { requestedBy: [] }],
    ]);
    expect(v2.tasks.map((t) => t.id)).toEqual(v1.tasks.map((t) => t.id));
    expect(v2.tasks[0]!.steps).toEqual([{ run: 'draftUpgradePlan', takesRework: true }]);
  });
});

describe('separation of duties', () => {
  it('refuses the CAB approval of the CSE who asked for the change, says why and who can, and takes another CSE', () => {
    const state = newState();
    atInfrastructureCab(state);
    const refused = state.validate(decision({}));
    expect(refused).toEqual({
      ok: false,
      reason:
        'separation of duties: sam@adobe.example approved determine-infrastructure-changes, the change cab-infrastructure-change approves, so may not approve it; ' +
        'another managed-services participant must (casey@adobe.example)',
    });
    // Who is awaited says so too: the requester is not listed.
    expect(state.awaiting().find((a) => a.gateId === 'cab-infrastructure-change')?.actors).toEqual([CASEY]);
    // Rejecting stays open to the requester (it stops a change, it does not pass one).
    expect(state.validate(decision({ decision: 'reject', comment: 'withdrawn' }))).toEqual({ ok: true });
    expect(state.validate(decision({ actor: CASEY }))).toEqual({ ok: true });
    state.apply(decision({ actor: CASEY }), 'update');
    expect(state.gate('cab-infrastructure-change').state).toBe('approved');
  });

  it('says when nobody is left to approve (a single CSE)', () => {
    const state = newState({ participants: PEOPLE });
    atInfrastructureCab(state);
    expect(state.validate(decision({}))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /no other managed-services participant can; the project file must name one who took no part in the change$/,
      ),
    });
  });

  it('counts a CSE who retried or skipped a blocked step of the task as producing the change', () => {
    const state = newState();
    // Casey approved the infrastructure changes; Sam then pushed the staging change through a blocked step.
    awaitingDecision(state, 'determine-infrastructure-changes', [{ step: 'determineInfrastructureChanges' }]);
    state.apply(decision({ taskId: 'determine-infrastructure-changes', actor: CASEY }), 'update');
    blockedOn(state, 'upgrade-infrastructure-services', 'requestStagingInfrastructureChange', 'support API down');
    state.apply(decision({ taskId: 'upgrade-infrastructure-services', decision: 'skip', comment: 'filed by hand' }), 'update');
    state.takeResolution('upgrade-infrastructure-services');
    state.startCab('cab-infrastructure-change');
    state.awaitDecision('cab-infrastructure-change');
    expect(state.validate(decision({}))).toMatchObject({
      ok: false,
      reason: expect.stringContaining(
        'sam@adobe.example retried or skipped a blocked step of upgrade-infrastructure-services in this round',
      ),
    });
    expect(state.validate(decision({ actor: CASEY }))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('casey@adobe.example approved determine-infrastructure-changes'),
    });
    expect(state.awaiting().find((a) => a.gateId === 'cab-infrastructure-change')?.actors).toEqual([]);
  });

  it('keeps version 1 projects (already running) on the rules they started with', () => {
    const state = newState({}, 1);
    atInfrastructureCab(state);
    expect(state.validate(decision({}))).toEqual({ ok: true });
  });

  it('lets only the CAB members the project file names decide CAB gates, and checks they are CSEs', () => {
    const state = newState({ cab: { members: [CASEY] } });
    atInfrastructureCab(state, CASEY);
    // Sam took no part in the change but is no CAB member; Casey is one but asked for the change.
    expect(state.validate(decision({}))).toEqual({
      ok: false,
      reason:
        'only the CAB members the project file names (cab.members: casey@adobe.example) decide cab-infrastructure-change; sam@adobe.example is not one',
    });
    expect(state.validate(decision({ actor: CASEY }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no other managed-services participant among cab\.members can/),
    });
    const invalid = validateProjectInput(
      makeProject({ participants: TWO_CSES, cab: { members: ['carla@acme.example', 'CASEY@adobe.example'] } }),
    );
    expect(invalid).toMatchObject({
      ok: false,
      problems: [{ field: 'cab.members.0', message: expect.stringMatching(/^carla@acme\.example is not a managed-services participant/) }],
    });
  });
});

describe('what `cuo start` says of the CAB before a project starts', () => {
  const input = (overrides: Partial<ProjectFile>) => {
    const parsed = validateProjectInput(makeProject({ participants: TWO_CSES, ...overrides }));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    return parsed.project;
  };

  it('warns of a CAB gate nobody may approve, and names the CAB members as its deciders', () => {
    expect(separationWarnings(input({ participants: PEOPLE }))).toEqual([
      'cab-infrastructure-change can never be approved: its deciders (sam@adobe.example) also approve determine-infrastructure-changes, and whoever approves determine-infrastructure-changes may not approve cab-infrastructure-change (separation of duties); add a managed-services participant who takes no part in the change and name them in cab.members',
    ]);
    expect(separationWarnings(input({}))).toEqual([]);
    expect(separationWarnings(input({ cab: { members: [CASEY] } }))).toEqual([]);
    // Two approvals at the CAB from two CSEs, one of whom must approve the changes: impossible.
    expect(separationWarnings(input({ requiredApprovals: { 'cab-infrastructure-change': 2 } }))).toHaveLength(1);
    const plan = buildPlan(input({ cab: { members: [CASEY] } }));
    const cab = plan.phases
      .flatMap((p) => p.tasks)
      .flatMap((t) => t.cabGates)
      .find((g) => g.id === 'cab-infrastructure-change')!;
    expect(cab.deciders.map((p) => p.email)).toEqual([CASEY]);
    expect(cab.notBy).toBe(
      'not by whoever approved determine-infrastructure-changes, retried or skipped a blocked step of upgrade-infrastructure-services or attached evidence to it in the round',
    );
  });
});

describe('evidence people attach', () => {
  it("shows an attachment beside the automation's artifacts and takes an approval that names it by hash", () => {
    const state = newState();
    const gate = awaitingDecision(state, 'user-acceptance-testing', [
      { step: 'validateStaging', artifact: artifactRef('p/2222222222222222-validation.md', '22') },
    ]);
    const result = state.applyAttach(attach(), undefined);
    expect(result).toMatchObject({
      taskId: 'user-acceptance-testing',
      attachmentId: 'attached:abababababababab-uat-results.pdf',
      sha256: UAT_RESULTS.sha256,
      duplicate: false,
    });
    expect(evidenceOfGate(state.gates, gate).map((a) => a.id)).toEqual([
      'p/2222222222222222-validation.md',
      'attached:abababababababab-uat-results.pdf',
    ]);
    expect(state.audit.at(-1)).toMatchObject({
      kind: 'attachment',
      gateId: 'user-acceptance-testing',
      actor: 'carla@acme.example',
      evidence: [result.attachmentId],
    });
    const byHash = decision({ taskId: 'user-acceptance-testing', actor: 'carla@acme.example', role: 'customer', evidence: 'abababab' });
    expect(state.validate(byHash)).toEqual({ ok: true });
    state.apply(byHash, 'update');
    expect(gate.approvals[0]).toMatchObject({
      named: 'attached:abababababababab-uat-results.pdf',
      evidence: ['p/2222222222222222-validation.md', 'attached:abababababababab-uat-results.pdf'],
    });
  });

  it("refuses what must not be attached: other projects' rules, wrong roles, wrong moments, repeats and floods", () => {
    expect(newState({}, 1).validateAttach(attach())).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/takes no attachments in this project \(playbook version 1\)/),
    });
    const state = newState();
    expect(state.validateAttach(attach())).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/user-acceptance-testing is pending; evidence is attached while a task is in its round/),
    });
    awaitingDecision(state, 'user-acceptance-testing', [{ step: 'validateStaging' }]);
    expect(state.validateAttach(attach({ actor: 'mallory@evil.example' }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/is not a named customer participant/),
    });
    expect(state.validateAttach(attach({ actor: 'pat@agency.example', role: 'partner' }))).toEqual({ ok: true }); // a contributor
    awaitingDecision(state, 'determine-infrastructure-changes', [{ step: 'determineInfrastructureChanges' }]);
    expect(state.validateAttach(attach({ taskId: 'determine-infrastructure-changes' }))).toMatchObject({
      ok: false,
      reason: 'customer is neither owner nor contributor of determine-infrastructure-changes; its owner and contributors attach evidence',
    });
    state.applyAttach(attach());
    expect(state.validateAttach(attach({ actor: 'chris@acme.example' }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /^attached:abababababababab-uat-results\.pdf \(sha256 abababababab…\) is already attached to user-acceptance-testing, by carla@acme\.example$/,
      ),
    });
    for (let i = 1; i < MAX_ATTACHMENTS_PER_GATE; i++)
      state.applyAttach(attach({ attachment: { name: `r${i}.txt`, sha256: i.toString(16).padStart(64, '0') } }));
    expect(state.validateAttach(attach({ attachment: { name: 'one-more.txt', sha256: 'f'.repeat(64) } }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/has 10 attachments in this round, the most it takes/),
    });
  });

  it('checks the payload without zod: a hash of 64 hex digits, a name that is no path, an http(s) URL, bounded sizes', () => {
    const check = (attachment: unknown) => checkAttachPayload({ taskId: 't', actor: 'a@b.example', role: 'customer', attachment });
    expect(check({ ...UAT_RESULTS, sha256: UAT_RESULTS.sha256.toUpperCase() })).toMatchObject({
      success: true,
      data: { attachment: { sha256: UAT_RESULTS.sha256 } },
    });
    expect(check({ name: 'a', sha256: 'abc' })).toMatchObject({
      success: false,
      problems: [{ field: 'attachment', message: 'sha256: must be the sha256 of the document, 64 hex digits' }],
    });
    expect(check({ name: '../etc/passwd', sha256: 'a'.repeat(64) })).toMatchObject({ success: false });
    expect(check({ name: 'x', sha256: 'a'.repeat(64), url: 'file:///etc/passwd' })).toMatchObject({ success: false });
    expect(check({ name: 'x', sha256: 'a'.repeat(64), url: 'https://user:pw@files.example/x' })).toMatchObject({ success: false });
    expect(check({ name: 'x'.repeat(121), sha256: 'a'.repeat(64) })).toMatchObject({ success: false });
    expect(check({ name: 'x', sha256: 'a'.repeat(64), extra: 1 })).toMatchObject({
      success: false,
      problems: [{ field: 'attachment', message: expect.stringMatching(/unknown field\(s\) "extra"/) }],
    });
  });

  it("verifies the gateway's signature over the attachment, and binds later approvals to it", () => {
    const key = generateSigningKey().key;
    const parsed = validateProjectInput(makeProject({ participants: TWO_CSES }));
    if (!parsed.ok) throw new Error('fixture');
    const nowMs = Date.UTC(2026, 11, 2, 9);
    const state = new ProjectState(
      'upgrade-signed-attach',
      parsed.project,
      () => new Date(nowMs).toISOString(),
      { trust: { keys: [key.publicKey] } },
      playbookOf(2)!,
    );
    awaitingDecision(state, 'user-acceptance-testing', [{ step: 'validateStaging' }]);
    const carla: IdentityProof = { iss: 'https://idp.acme.example', sub: 'carla-1', amr: 'oidc', at: nowMs / 1000 - 10 };
    const timing = { nowSec: nowMs / 1000 };
    const approval = signDecision(
      key,
      state.status(),
      { taskId: 'user-acceptance-testing', decision: 'approve', actor: 'carla@acme.example', role: 'customer' },
      carla,
      timing,
    );
    const plain = attach({ requestId: 'a-1' });
    const signed: AttachPayload = { ...plain, assertion: signAssertion(key, attachClaims(state.status(), plain, carla, timing)) };
    expect(state.validateAttach({ ...signed, attachment: { ...UAT_RESULTS, sha256: 'cd'.repeat(32) } })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/the assertion's attachment does not match/),
    });
    expect(state.validateAttach({ ...plain })).toMatchObject({ ok: false, reason: expect.stringMatching(/need a signed assertion/) });
    const verdict = state.validateAttach(signed);
    expect(verdict).toMatchObject({ ok: true, proof: { sub: 'carla-1', amr: 'oidc' } });
    state.applyAttach(signed, verdict.ok ? verdict.proof : undefined);
    expect(state.validateAttach(signed)).toMatchObject({ ok: true, duplicateOf: { duplicate: true } });
    // An approval signed before the attachment saw other evidence: refused, the person reviews again.
    expect(state.validate(approval)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/the evidence of user-acceptance-testing changed since it was shown/),
    });
    const again = signDecision(
      key,
      state.status(),
      {
        taskId: 'user-acceptance-testing',
        decision: 'approve',
        actor: 'carla@acme.example',
        role: 'customer',
        evidence: UAT_RESULTS.sha256,
      },
      carla,
      timing,
    );
    expect(state.validate(again)).toMatchObject({ ok: true });
  });
});

describe('rework that changes something', () => {
  const plan = (sha: string) => [
    { step: 'draftUpgradePlan' as const, artifact: artifactRef(`p/${sha.repeat(16)}-upgrade-plan.md`, sha.repeat(64)) },
  ];

  it("gives the redone plan the reviewer's reason and the evidence it replaces", () => {
    const state = newState();
    awaitingDecision(state, 'create-upgrade-plan', plan('a'));
    expect(state.reworkNote('create-upgrade-plan')).toBeUndefined();
    state.apply(
      { taskId: 'create-upgrade-plan', decision: 'reject', actor: 'chris@acme.example', role: 'customer', comment: 'launch date missing' },
      'update',
    );
    state.sendBack('create-upgrade-plan', 'create-upgrade-plan');
    startWith(state, 'create-upgrade-plan');
    expect(state.reworkNote('create-upgrade-plan')).toEqual({
      round: 2,
      rejectedTask: 'create-upgrade-plan',
      reason: 'launch date missing',
      actor: 'chris@acme.example',
      at: expect.any(String),
      rejected: [{ id: 'p/aaaaaaaaaaaaaaaa-upgrade-plan.md', sha256: 'a'.repeat(64) }],
    });
  });

  it("takes a revision the reviewer attached: named by the rejection, it is the next round's evidence", () => {
    const state = newState();
    const gate = awaitingDecision(state, 'create-upgrade-plan', plan('a'));
    const revision = { name: 'plan-rev2.md', sha256: 'e'.repeat(64), url: 'https://files.acme.example/plan-rev2.md' };
    const reject: DecisionPayload = {
      taskId: 'create-upgrade-plan',
      decision: 'reject',
      actor: 'carla@acme.example',
      role: 'customer',
      comment: 'use our revision',
      evidence: 'e'.repeat(12),
    };
    expect(state.validate(reject)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/a rejection names the revision to redo from among create-upgrade-plan's attachments \(none yet/),
    });
    state.applyAttach({ taskId: 'create-upgrade-plan', actor: 'carla@acme.example', role: 'customer', attachment: revision });
    expect(state.validate(reject)).toEqual({ ok: true });
    state.apply(reject, 'update');
    expect(state.audit.at(-1)).toMatchObject({ decision: 'reject', evidence: ['attached:eeeeeeeeeeeeeeee-plan-rev2.md'] });
    const rework = state.sendBack('create-upgrade-plan', 'create-upgrade-plan');
    expect(rework).toMatchObject({ round: 1, revision: { id: 'attached:eeeeeeeeeeeeeeee-plan-rev2.md', sha256: revision.sha256 } });
    startWith(state, 'create-upgrade-plan', plan('b'));
    expect(state.reworkNote('create-upgrade-plan')?.revision).toEqual({
      id: 'attached:eeeeeeeeeeeeeeee-plan-rev2.md',
      name: 'plan-rev2.md',
      sha256: revision.sha256,
      url: revision.url,
    });
    expect(evidenceOfGate(state.gates, gate).map((a) => a.sha256)).toEqual(['b'.repeat(64), 'e'.repeat(64)]);
    // Round 3 (rejected again without a revision) starts with no attachment.
    state.awaitDecision('create-upgrade-plan');
    state.apply({ ...reject, evidence: undefined, comment: 'still not right' }, 'update');
    state.sendBack('create-upgrade-plan', 'create-upgrade-plan');
    startWith(state, 'create-upgrade-plan');
    expect(gate.attachments).toEqual([]);
  });

  it('redrafts a plan that differs from the rejected one and names the reason', () => {
    const project = projectInputSchema.parse(PROJECT_FILE);
    const input = {
      project,
      requirements: requirementsFor(project.targetVersion),
      changes: computeInfrastructureChanges({ servicesYaml: SERVICES_246, appYaml: APP_246, targetVersion: project.targetVersion }),
      nowIso: '2026-05-11T09:00:00Z',
    };
    const first = renderUpgradePlan(input);
    const rework = {
      round: 2,
      rejectedTask: 'create-upgrade-plan',
      reason: 'launch date missing',
      actor: 'chris@acme.example',
      at: '2026-05-11T10:00:00.000Z',
      rejected: [{ id: 'p/x-upgrade-plan.md', sha256: 'a'.repeat(64) }],
    };
    const second = renderUpgradePlan({ ...input, rework });
    expect(second).not.toBe(first);
    expect(second).toContain('## Round 2: what changed');
    expect(second).toContain('> launch date missing');
    expect(second).toContain('Redrafted after chris@acme.example rejected round 1 of `create-upgrade-plan`');
    expect(second).toContain(`- \`p/x-upgrade-plan.md\` (sha256 \`${'a'.repeat(64)}\`)`);
    const withRevision = renderUpgradePlan({
      ...input,
      rework: { ...rework, revision: { id: 'attached:eeee-plan-rev2.md', name: 'plan-rev2.md', sha256: 'e'.repeat(64) } },
    });
    expect(withRevision).toContain(
      `The reviewer attached a revision, **plan-rev2.md** (sha256 \`${'e'.repeat(64)}\`): it replaces this draft as the plan of round 2`,
    );
  });
});
