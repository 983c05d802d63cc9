/**
 * Signed decisions without a server: the Ed25519 check the workflow runs, and every way ProjectState refuses a
 * decision whose assertion is missing, forged, replayed, stale or about something else (issue #13, "Bad input").
 * Keys are made here at run time; nothing is mocked (the gateway's real signer signs, the workflow's check checks).
 */
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { randomBytes } from 'node:crypto';
import {
  cancelClaims,
  decisionClaims,
  generateSigningKey,
  signAssertion,
  signDecision,
  trustClaims,
  type SigningKey,
} from '../../client/gateway/assertion-signer';
import { verifyEd25519, type IdentityProof } from '../../workflows/decision-assertion';
import { MAX_ASSERTION_LENGTH, type DecisionPayload } from '../../workflows/messages';
import { validateProjectInput } from '../../workflows/project-input';
import { AUDIT_ENTRIES_CARRIED, ProjectState } from '../../workflows/project-state';
import { makeProject } from '../support/project-fixture';
import { artifactRef, awaitingDecision } from '../support/state-driver';

ed.hashes.sha512 = sha512;

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const WID = 'upgrade-signed';

function setup(keys: SigningKey[] = [generateSigningKey().key], overrides: Parameters<typeof makeProject>[0] = {}) {
  const parsed = validateProjectInput(makeProject(overrides));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const clock = { ms: T0 };
  const state = new ProjectState(WID, parsed.project, () => new Date(clock.ms).toISOString(), {
    trust: { keys: keys.map((k) => k.publicKey) },
  });
  const gate = awaitingDecision(state, 'create-upgrade-plan', [
    { step: 'draftUpgradePlan', summary: 'plan', artifact: artifactRef('p/abcdef0123456789-plan.md', 'abcdef0123456789') },
  ]);
  return { state, gate, key: keys[0]!, clock };
}

const carla: IdentityProof = { iss: 'https://idp.acme.example', sub: 'carla-1', amr: 'oidc', at: T0 / 1000 - 30 };
const plain = (over: Partial<DecisionPayload> = {}): Omit<DecisionPayload, 'assertion'> => ({
  taskId: 'create-upgrade-plan',
  decision: 'approve',
  actor: 'carla@acme.example',
  role: 'customer',
  requestId: 'r-1',
  ...over,
});
const nowSec = T0 / 1000;

describe('the workflow-side Ed25519 check', () => {
  it('agrees with the library on valid, tampered and foreign signatures', () => {
    for (let i = 0; i < 40; i++) {
      const secret = ed.utils.randomSecretKey();
      const publicKey = ed.getPublicKey(secret);
      const message = randomBytes(1 + (i % 90));
      const signature = ed.sign(message, secret);
      expect(verifyEd25519(signature, message, publicKey)).toBe(true);
      const tampered = signature.slice();
      tampered[i % 64]! ^= 1 << (i % 8);
      expect(verifyEd25519(tampered, message, publicKey)).toBe(ed.verify(tampered, message, publicKey, { zip215: false }));
      const otherMessage = message.slice();
      otherMessage[0]! ^= 0xff;
      expect(verifyEd25519(signature, otherMessage, publicKey)).toBe(false);
      expect(verifyEd25519(signature, message, ed.getPublicKey(ed.utils.randomSecretKey()))).toBe(false);
    }
  });
});

describe('a signed project', () => {
  it('accepts a decision signed by a trusted key and records how the identity was proven', () => {
    const { state, key } = setup();
    const payload = signDecision(key, state.status(), plain(), carla, { nowSec });
    const verdict = state.validate(payload);
    expect(verdict).toMatchObject({ ok: true, proof: { iss: carla.iss, sub: 'carla-1', amr: 'oidc', kid: key.publicKey.kid } });
    const result = state.apply(payload, 'update', verdict.ok ? verdict.proof : undefined);
    expect(result.taskState).toBe('approved');
    const entry = state.audit.find((e) => e.kind === 'decision')!;
    expect(entry.identity).toMatchObject({ iss: carla.iss, sub: 'carla-1', amr: 'oidc' });
    expect(entry.assertion).toBe(payload.assertion);
  });

  const refusals: [string, (s: ReturnType<typeof setup>) => DecisionPayload, RegExp][] = [
    ['no assertion', (_s) => ({ ...plain() }), /need a signed assertion from the approvals gateway; sign in with `cuo login`/],
    [
      'a forged one (another key)',
      (s) => signDecision(generateSigningKey().key, s.state.status(), plain(), carla, { nowSec }),
      /does not trust/,
    ],
    [
      'a signature that does not verify',
      (s) => {
        const p = signDecision(s.key, s.state.status(), plain(), carla, { nowSec });
        const [h, b, sig] = p.assertion!.split('.');
        return { ...p, assertion: `${h}.${b}.${sig!.startsWith('A') ? 'B' : 'A'}${sig!.slice(1)}` };
      },
      /signature does not verify/,
    ],
    ['a malformed JWS', (_s) => ({ ...plain(), assertion: 'not-a-jws' }), /not a compact JWS/],
    ['garbage parts', (_s) => ({ ...plain(), assertion: 'e30.e30.AAAA' }), /header must be/],
    ['an oversized one', (_s) => ({ ...plain(), assertion: 'x'.repeat(MAX_ASSERTION_LENGTH + 1) }), /longer than/],
    [
      'one for another workflow',
      (s) => ({
        ...plain(),
        assertion: signAssertion(s.key, { ...decisionClaims(s.state.status(), plain(), carla, { nowSec }), wid: 'upgrade-other' }),
      }),
      /for workflow upgrade-other/,
    ],
    [
      'one for another task',
      (s) => ({
        ...plain(),
        assertion: signAssertion(s.key, {
          ...decisionClaims(s.state.status(), plain(), carla, { nowSec }),
          tid: 'assess-upgrade-complexity',
        }),
      }),
      /task does not match/,
    ],
    [
      'one for another round',
      (s) => ({ ...plain(), assertion: signAssertion(s.key, { ...decisionClaims(s.state.status(), plain(), carla, { nowSec }), rnd: 7 }) }),
      /round 7/,
    ],
    [
      'one for other evidence',
      (s) => ({
        ...plain(),
        assertion: signAssertion(s.key, { ...decisionClaims(s.state.status(), plain(), carla, { nowSec }), evd: ['00'.repeat(32)] }),
      }),
      /evidence of create-upgrade-plan changed/,
    ],
    [
      'another decision than signed',
      (s) => ({ ...signDecision(s.key, s.state.status(), plain(), carla, { nowSec }), decision: 'reject', comment: 'no' }),
      /decision does not match/,
    ],
    [
      'another person than signed',
      (s) => ({ ...signDecision(s.key, s.state.status(), plain(), carla, { nowSec }), actor: 'chris@acme.example' }),
      /actor does not match/,
    ],
    [
      'a changed comment',
      (s) => ({
        ...signDecision(s.key, s.state.status(), plain({ decision: 'comment', comment: 'fine' }), carla, { nowSec }),
        comment: 'not fine',
      }),
      /comment does not match/,
    ],
    ['an expired one', (s) => signDecision(s.key, s.state.status(), plain(), carla, { nowSec: nowSec - 400 }), /expired/],
    [
      'a participant for a role not theirs',
      (s) => signDecision(s.key, s.state.status(), plain({ role: 'partner' }), carla, { nowSec }),
      /not a named partner participant/,
    ],
    [
      'a non-participant',
      (s) => signDecision(s.key, s.state.status(), plain({ actor: 'mallory@evil.example' }), carla, { nowSec }),
      /not a named customer participant/,
    ],
    [
      'a cancellation assertion sent as a decision',
      (s) => ({
        ...plain(),
        assertion: signAssertion(
          s.key,
          cancelClaims(WID, { actor: 'sam@adobe.example', role: 'managed-services', reason: 'stop' }, carla, { nowSec }),
        ),
      }),
      /for a cancel, not a decision/,
    ],
  ];
  it.each(refusals)('refuses %s, with the reason, and changes nothing', (_what, make, reason) => {
    const s = setup();
    const before = JSON.stringify(s.state.status());
    const verdict = s.state.validate(make(s));
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? '' : verdict.reason).toMatch(reason);
    expect(JSON.stringify(s.state.status())).toBe(before);
  });

  it('refuses a replayed assertion, and answers the same request sent again as a duplicate', () => {
    const { state, key } = setup();
    const comment = signDecision(key, state.status(), plain({ decision: 'comment', comment: 'looks good', requestId: undefined }), carla, {
      nowSec,
    });
    const first = state.validate(comment);
    state.apply(comment, 'update', first.ok ? first.proof : undefined);
    expect(state.validate(comment)).toEqual({
      ok: false,
      reason: expect.stringMatching(/already used in this project; a replayed assertion is refused/),
    });
    const approve = signDecision(key, state.status(), plain(), carla, { nowSec });
    const verdict = state.validate(approve);
    const result = state.apply(approve, 'update', verdict.ok ? verdict.proof : undefined);
    expect(state.validate(approve)).toEqual({ ok: true, duplicateOf: { ...result, duplicate: true } });
  });

  it("refuses another person's decision that reuses a request id instead of dropping it", () => {
    const { state, key } = setup(undefined, { requiredApprovals: { 'create-upgrade-plan': 2 } });
    const first = signDecision(key, state.status(), plain({ requestId: 'shared' }), carla, { nowSec });
    const v1 = state.validate(first);
    state.apply(first, 'update', v1.ok ? v1.proof : undefined);
    const chris = signDecision(
      key,
      state.status(),
      plain({ requestId: 'shared', actor: 'chris@acme.example' }),
      { ...carla, sub: 'chris-2' },
      { nowSec },
    );
    expect(state.validate(chris)).toEqual({
      ok: false,
      reason: expect.stringMatching(/request id "shared" was already used by another person or for another task/),
    });
  });

  it('trusts a key added by a rotation signed with a trusted key, and no longer one it removed', () => {
    const { state, key } = setup();
    const next = generateSigningKey().key;
    const stranger = generateSigningKey().key;
    const forged = { assertion: signAssertion(stranger, trustClaims(WID, { add: [stranger.publicKey], remove: [] }, { nowSec })) };
    expect(state.validateTrust(forged)).toEqual({ ok: false, reason: expect.stringMatching(/does not trust/) });
    const rotation = {
      assertion: signAssertion(key, trustClaims(WID, { add: [next.publicKey], remove: [key.publicKey.kid] }, { nowSec })),
    };
    expect(state.validateTrust(rotation)).toEqual({ ok: true });
    expect(state.applyTrust(rotation).keys).toEqual([next.publicKey.kid]);
    expect(state.validateTrust(rotation)).toEqual({
      ok: false,
      reason: expect.stringMatching(/signed by key .* which this project does not trust|replayed/),
    });
    expect(state.validate(signDecision(key, state.status(), plain(), carla, { nowSec }))).toEqual({
      ok: false,
      reason: expect.stringMatching(/does not trust/),
    });
    expect(state.validate(signDecision(next, state.status(), plain(), carla, { nowSec }))).toMatchObject({ ok: true });
    expect(state.status().trust?.keys).toEqual([next.publicKey]);
  });

  it('refuses a rotation that would leave no key, and a cancellation whose reason was changed', () => {
    const { state, key } = setup();
    const empty = { assertion: signAssertion(key, trustClaims(WID, { add: [], remove: [key.publicKey.kid] }, { nowSec })) };
    expect(state.validateTrust(empty)).toEqual({ ok: false, reason: 'a rotation must leave the project at least one trusted key' });
    const sam: IdentityProof = { iss: 'https://ims.adobe.example', sub: 'sam', amr: 'oidc-device', at: nowSec };
    const cancel = { actor: 'sam@adobe.example', role: 'managed-services' as const, reason: 'Postponed to Q2', requestId: 'c-1' };
    const assertion = signAssertion(key, cancelClaims(WID, cancel, sam, { nowSec }));
    expect(state.validateCancel({ ...cancel, reason: 'Cancelled for good', assertion })).toEqual({
      ok: false,
      reason: expect.stringMatching(/reason does not match/),
    });
    expect(state.validateCancel({ ...cancel, assertion })).toMatchObject({ ok: true, proof: { amr: 'oidc-device' } });
  });

  it('takes no decision at all when started without keys', () => {
    const parsed = validateProjectInput(makeProject());
    if (!parsed.ok) throw new Error('bad fixture');
    const state = new ProjectState(WID, parsed.project, () => new Date(T0).toISOString(), { trust: { keys: [] } });
    expect(state.validate({ ...plain(), assertion: 'a.b.c' })).toEqual({
      ok: false,
      reason: expect.stringMatching(/trusts no approvals gateway key/),
    });
  });
});

describe('a continued run (continue-as-new)', () => {
  it('carries keys, used assertions, request ids and the trail; refuses a replayed assertion after the restore', () => {
    const { state, key, clock } = setup();
    const comment = signDecision(key, state.status(), plain({ decision: 'comment', comment: 'first run', requestId: 'r-1' }), carla, {
      nowSec,
    });
    expect(state.validate(comment)).toMatchObject({ ok: true });
    const first = state.apply(comment, 'update', (state.validate(comment) as { proof?: never }).proof);
    // Through JSON, as continue-as-new carries it.
    const snapshot = JSON.parse(JSON.stringify(state.snapshot()));
    const next = ProjectState.restore(
      WID,
      state.project,
      () => new Date(clock.ms).toISOString(),
      { trust: { keys: [] } },
      state.playbook,
      snapshot,
    );
    const plainJson = (v: unknown) => JSON.parse(JSON.stringify(v));
    expect(plainJson(next.status())).toEqual({ ...plainJson(state.status()), continuedRuns: 1 });
    // The same request again: answered as before. The same assertion under a new request id: a replay, refused.
    expect(next.validate(comment)).toEqual({ ok: true, duplicateOf: { ...first, duplicate: true } });
    expect(next.validate({ ...comment, requestId: 'r-2' })).toMatchObject({ ok: false });
    // The keys came with the snapshot, not with the (empty) options: a new decision signed by them is accepted.
    const approve = signDecision(key, next.status(), plain(), carla, { nowSec });
    expect(next.validate(approve)).toMatchObject({ ok: true });
  });

  it('archives all but the newest entries, and ids go on from where they were', () => {
    const { state, clock } = setup();
    for (let i = 0; i < 150; i += 1) state.refuse({ taskId: 'x' }, `refusal ${i}`, 'signal');
    const toArchive = state.entriesToArchive();
    expect(toArchive.length).toBe(state.audit.length - AUDIT_ENTRIES_CARRIED);
    const archive = {
      firstId: toArchive[0]!.id,
      lastId: toArchive.at(-1)!.id,
      entries: toArchive.length,
      artifact: artifactRef('p/audit.json', 'aa'),
    };
    const next = ProjectState.restore(
      WID,
      state.project,
      () => new Date(clock.ms).toISOString(),
      {},
      state.playbook,
      JSON.parse(JSON.stringify(state.snapshot(archive))),
    );
    expect(next.audit.map((e) => e.id)).toEqual(state.audit.slice(-AUDIT_ENTRIES_CARRIED).map((e) => e.id));
    next.refuse({ taskId: 'y' }, 'after the restore', 'signal');
    expect(next.audit.at(-1)!.id).toBe(state.audit.at(-1)!.id + 1);
    expect(next.status().auditArchives).toEqual([archive]);
  });
});
