/**
 * `cuo verify`'s pure part (client/verify-history.ts) over hand-built minimal histories: the events the workflow
 * writes (start, patch marker, workflow tasks, accepted and completed updates, signals, the result), their payloads
 * encoded with the SDK's default payload converter, assertions signed by the gateway's real signer with keys made
 * here. A whole project's history from a real server is verified in test/integration/cli-verify.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { generateSigningKey, signAssertion, trustClaims, type SigningKey } from '../../client/gateway/assertion-signer';
import { renderVerify, summaryLine } from '../../client/format/verify';
import { plainStyle } from '../../client/io';
import { reportFails, SIGNED_DECISIONS_PATCH, verifyHistory } from '../../client/verify-history';
import { sha256Hex, type DecisionClaims, type IdentityProof } from '../../workflows/decision-assertion';
import type { AuditEntry } from '../../workflows/project-state';
import type { CancelPayload, DecisionPayload } from '../../workflows/messages';

const WID = 'upgrade-verify-unit';
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const SEC = T0 / 1000;
const IDP: IdentityProof = { iss: 'https://idp.acme.example', sub: 'carla-1', amr: 'oidc', at: SEC - 30 };
const EVIDENCE = ['ab'.repeat(32)];
let jtiCounter = 0;

type Event = Record<string, unknown>;
const payloads = (value: unknown) => ({ payloads: [defaultPayloadConverter.toPayload(value)] });

/** Builds a history the way the server records one; `at(ms)` moves its clock. */
class HistoryBuilder {
  readonly events: Event[] = [];
  ms = T0;
  private push(attributes: Event): number {
    const id = this.events.length + 1;
    this.events.push({ eventId: id, eventTime: { seconds: Math.floor(this.ms / 1000), nanos: (this.ms % 1000) * 1e6 }, ...attributes });
    return id;
  }
  at(ms: number): this {
    this.ms = ms;
    return this;
  }
  start(input: Record<string, unknown>, patches = [SIGNED_DECISIONS_PATCH]): this {
    this.push({ workflowExecutionStartedEventAttributes: { workflowId: WID, originalExecutionRunId: 'run-1', input: payloads(input) } });
    this.task();
    for (const id of patches)
      this.push({
        markerRecordedEventAttributes: { markerName: 'core_patch', details: { 'patch-data': payloads({ id, deprecated: false }) } },
      });
    return this;
  }
  task(): this {
    this.push({ workflowTaskScheduledEventAttributes: {} });
    this.push({ workflowTaskStartedEventAttributes: {} });
    this.push({ workflowTaskCompletedEventAttributes: {} });
    return this;
  }
  /** An update accepted in a workflow task started now, accepted `acceptLaterMs` after, and its answer. */
  update(name: string, payload: unknown, answer: unknown = { auditId: 0, duplicate: false }, acceptLaterMs = 0): number {
    this.task();
    this.ms += acceptLaterMs;
    const accepted = this.push({
      workflowExecutionUpdateAcceptedEventAttributes: { acceptedRequest: { input: { name, args: payloads(payload) } } },
    });
    this.push({ workflowExecutionUpdateCompletedEventAttributes: { acceptedEventId: accepted, outcome: { success: payloads(answer) } } });
    return accepted;
  }
  signal(name: string, payload: unknown): number {
    const id = this.push({ workflowExecutionSignaledEventAttributes: { signalName: name, input: payloads(payload) } });
    this.task();
    return id;
  }
  complete(result: unknown): this {
    this.push({ workflowExecutionCompletedEventAttributes: { result: payloads(result) } });
    return this;
  }
  history(): History {
    return { events: this.events } as History;
  }
}

function decisionAssertion(key: SigningKey, payload: Omit<DecisionPayload, 'assertion'>, over: Partial<DecisionClaims> = {}): string {
  const claims: DecisionClaims = {
    v: 1,
    wid: WID,
    iat: SEC,
    exp: SEC + 300,
    jti: `jti-${++jtiCounter}-unit`,
    typ: 'decision',
    tid: payload.taskId,
    rnd: 1,
    dec: payload.decision,
    evd: EVIDENCE,
    act: payload.actor,
    rol: payload.role,
    ...(payload.comment !== undefined ? { cmt: sha256Hex(payload.comment) } : {}),
    ...(payload.requestId !== undefined ? { rid: payload.requestId } : {}),
    idp: IDP,
    ...over,
  };
  return signAssertion(key, claims);
}

const signed = (key: SigningKey, payload: Omit<DecisionPayload, 'assertion'>, over?: Partial<DecisionClaims>): DecisionPayload => ({
  ...payload,
  assertion: decisionAssertion(key, payload, over),
});
const approve = (over: Partial<DecisionPayload> = {}): Omit<DecisionPayload, 'assertion'> => ({
  taskId: 'create-upgrade-plan',
  decision: 'approve',
  actor: 'carla@acme.example',
  role: 'customer',
  ...over,
});
const startInput = (keys: SigningKey[]) => ({
  version: 1,
  project: { projectId: 'verify-unit' },
  trust: { keys: keys.map((k) => k.publicKey) },
});
const verdicts = (h: HistoryBuilder) => verifyHistory(h.history()).decisions.map((d) => [d.message, d.verdict]);

describe('verifyHistory', () => {
  it('verifies decisions, a cancellation and a key rotation; the rotated-in key signs, a removed key no longer does', () => {
    const first = generateSigningKey().key;
    const second = generateSigningKey().key;
    const h = new HistoryBuilder().start(startInput([first]));
    h.update('decide', signed(first, approve({ comment: 'ok' })));
    h.update(
      'trust',
      { assertion: signAssertion(first, trustClaims(WID, { add: [second.publicKey], remove: [first.publicKey.kid] }, { nowSec: SEC })) },
      { keys: [second.publicKey.kid] },
    );
    h.update(
      'decide',
      signed(second, approve({ taskId: 'determine-infrastructure-changes', actor: 'sam@adobe.example', role: 'managed-services' })),
    );
    const late = h.update(
      'decide',
      signed(first, approve({ taskId: 'assess-upgrade-complexity', actor: 'pat@agency.example', role: 'partner' })),
    );
    const cancel: CancelPayload = { actor: 'sam@adobe.example', role: 'managed-services', reason: 'postponed' };
    h.update('cancel', {
      ...cancel,
      assertion: signAssertion(second, {
        v: 1,
        wid: WID,
        iat: SEC,
        exp: SEC + 300,
        jti: 'jti-cancel-unit',
        typ: 'cancel',
        act: cancel.actor,
        rol: cancel.role,
        cmt: sha256Hex(cancel.reason),
        idp: IDP,
      }),
    });
    const report = verifyHistory(h.history());
    expect(report).toMatchObject({ workflowId: WID, runId: 'run-1', signed: true, execution: 'running', auditChecked: false });
    expect(report.keys.map((k) => k.kids)).toEqual([[first.publicKey.kid], [second.publicKey.kid]]);
    expect(report.decisions.map((d) => [d.message, d.task, d.verdict, d.kid])).toEqual([
      ['decide', 'create-upgrade-plan', 'verified', first.publicKey.kid],
      ['trust', undefined, 'verified', first.publicKey.kid],
      ['decide', 'determine-infrastructure-changes', 'verified', second.publicKey.kid],
      ['decide', 'assess-upgrade-complexity', 'not-verified', undefined],
      ['cancel', '*', 'verified', second.publicKey.kid],
    ]);
    expect(report.decisions.find((d) => d.eventId === late)?.reason).toMatch(/which this project does not trust/);
    expect(report.decisions[0]).toMatchObject({
      identity: { iss: IDP.iss, sub: 'carla-1', amr: 'oidc', at: '2026-12-01T08:59:30Z' },
      signed: { round: 1, evidence: EVIDENCE },
    });
    expect(report.summary).toMatchObject({ verified: 4, notVerified: 1 });
    expect(reportFails(report)).toBe(true);
  });

  it('names exactly the accepted decision whose payload was changed after signing', () => {
    const key = generateSigningKey().key;
    const h = new HistoryBuilder().start(startInput([key]));
    h.update('decide', signed(key, approve({ decision: 'comment', comment: 'fine', actor: 'pat@agency.example', role: 'partner' })));
    const altered = h.update('decide', {
      ...signed(key, approve({ decision: 'comment', comment: 'fine too', actor: 'pat@agency.example', role: 'partner' })),
      comment: 'not fine',
    });
    const wrongDecision = h.update('decide', {
      ...signed(key, approve({ decision: 'comment', comment: 'x', actor: 'pat@agency.example', role: 'partner' })),
      decision: 'reject',
    });
    h.update('decide', signed(key, approve()));
    const report = verifyHistory(h.history());
    expect(report.decisions.filter((d) => d.verdict === 'not-verified').map((d) => [d.eventId, d.reason])).toEqual([
      [altered, expect.stringMatching(/comment does not match/)],
      [wrongDecision, expect.stringMatching(/decision does not match/)],
    ]);
    expect(report.summary).toMatchObject({ verified: 2, notVerified: 2 });
  });

  it("checks at the workflow's clock (its workflow task), not the acceptance time, and refuses what expired by then", () => {
    const key = generateSigningKey().key;
    const h = new HistoryBuilder().start(startInput([key]));
    // Started one second before expiry, accepted two seconds later: the workflow's clock read the start.
    h.at(T0 + 299_000).update('decide', signed(key, approve()), undefined, 2_000);
    h.at(T0 + 301_000).update('decide', signed(key, approve({ actor: 'chris@acme.example' })));
    const report = verifyHistory(h.history());
    expect(report.decisions.map((d) => d.verdict)).toEqual(['verified', 'not-verified']);
    expect(report.decisions[1]!.reason).toMatch(/expired at 2026-12-01T09:05:00/);
  });

  it('refuses an assertion used twice, and tells a duplicate answered again from a replay', () => {
    const key = generateSigningKey().key;
    const h = new HistoryBuilder().start(startInput([key]));
    const payload = signed(key, approve({ requestId: 'r-1' }));
    h.update('decide', payload, { auditId: 1, duplicate: false });
    h.update('decide', payload, { auditId: 1, duplicate: true });
    const replay = signed(key, approve({ decision: 'comment', comment: 'hello' }));
    h.update('decide', replay);
    h.update('decide', replay);
    expect(verdicts(h)).toEqual([
      ['decide', 'verified'],
      ['decide', 'duplicate'],
      ['decide', 'verified'],
      ['decide', 'not-verified'],
    ]);
    expect(verifyHistory(h.history()).decisions[3]!.reason).toMatch(/was used before in this project/);
  });

  it('reports signals the workflow refused, and one that does not verify yet was applied as NOT VERIFIED', () => {
    const key = generateSigningKey().key;
    const h = new HistoryBuilder().start(startInput([key]));
    const { decision: _d, ...good } = signed(key, approve({ decision: 'comment', comment: 'signal ok' }));
    h.signal('comment', good);
    h.signal('approve', { taskId: 'create-upgrade-plan', actor: 'carla@acme.example', role: 'customer' });
    const { decision: _e, ...forged } = signed(generateSigningKey().key, approve());
    h.signal('approve', forged);
    const { decision: _f, ...rulesRefused } = signed(key, approve({ decision: 'reject', comment: 'no' }));
    h.signal('reject', rulesRefused);
    const audit: Partial<AuditEntry>[] = [
      {
        id: 1,
        kind: 'decision',
        via: 'signal',
        gateId: 'create-upgrade-plan',
        actor: 'carla@acme.example',
        role: 'customer',
        decision: 'comment',
        comment: 'signal ok',
        assertion: good.assertion,
      },
      {
        id: 2,
        kind: 'decision',
        via: 'signal',
        gateId: 'create-upgrade-plan',
        actor: 'carla@acme.example',
        role: 'customer',
        decision: 'approve',
        assertion: forged.assertion,
      },
    ];
    h.complete({ version: 1, decisions: audit, gates: [] });
    const report = verifyHistory(h.history());
    expect(report.execution).toBe('completed');
    expect(report.decisions.map((d) => [d.decision, d.verdict])).toEqual([
      ['comment', 'verified'],
      ['approve', 'refused'],
      ['approve', 'not-verified'],
      ['reject', 'refused'],
    ]);
    expect(report.decisions[1]!.reason).toMatch(/refused by the workflow \(unsigned or invalid\): decisions need a signed assertion/);
    expect(report.decisions[2]!.reason).toMatch(/applied \(audit entry #2\), but the assertion is signed by key/);
    expect(report.decisions[3]!.reason).toMatch(/refused by the workflow's approval rules/);
    expect(report.summary).toMatchObject({ verified: 1, notVerified: 1, refusedSignals: 2 });
    expect(summaryLine(report)).toBe('1 verified, 1 not verified, 2 refused signals');
  });

  it("compares accepted decisions with the final result's audit: same assertion, same fields, the evidence approved", () => {
    const key = generateSigningKey().key;
    const h = new HistoryBuilder().start(startInput([key]));
    const plan = signed(key, approve());
    const checks = signed(key, approve({ taskId: 'post-upgrade-checks', actor: 'pat@agency.example', role: 'partner' }));
    const tests = signed(key, approve({ taskId: 'performance-and-security-tests', actor: 'pat@agency.example', role: 'partner' }));
    h.update('decide', plan, { auditId: 1, duplicate: false });
    h.update('decide', checks, { auditId: 2, duplicate: false });
    h.update('decide', tests, { auditId: 3, duplicate: false });
    const entry = (id: number, p: DecisionPayload, evidence: string[]): Partial<AuditEntry> => ({
      id,
      kind: 'decision',
      via: 'update',
      gateId: p.taskId,
      actor: p.actor,
      role: p.role,
      decision: p.decision,
      evidence,
      assertion: p.assertion,
    });
    h.complete({
      version: 1,
      gates: [
        { id: 'create-upgrade-plan', steps: [{ artifact: 'p/abab-plan.md', sha256: EVIDENCE[0] }] },
        { id: 'post-upgrade-checks', steps: [{ artifact: 'p/cdcd-checks.json', sha256: 'cd'.repeat(32) }] },
      ],
      decisions: [
        entry(1, plan, ['p/abab-plan.md']),
        entry(2, checks, ['p/cdcd-checks.json']),
        { ...entry(3, tests, []), assertion: plan.assertion },
      ],
    });
    const report = verifyHistory(h.history());
    expect(report.auditChecked).toBe(true);
    expect(report.decisions.map((d) => [d.task, d.verdict, d.reason])).toEqual([
      ['create-upgrade-plan', 'verified', undefined],
      ['post-upgrade-checks', 'not-verified', 'the evidence signed is not the evidence audit entry #2 records as approved'],
      ['performance-and-security-tests', 'not-verified', 'audit entry #3 of the final result carries another assertion'],
    ]);
  });

  it("matches a lean result's assertion digests (patch lean-result-and-upserts) to the events that carried the assertions", () => {
    const key = generateSigningKey().key;
    const h = new HistoryBuilder().start(startInput([key]));
    const plan = signed(key, approve());
    const checks = signed(key, approve({ taskId: 'post-upgrade-checks', actor: 'pat@agency.example', role: 'partner' }));
    const { decision: _d, ...note } = signed(key, approve({ decision: 'comment', comment: 'by signal' }));
    h.update('decide', plan, { auditId: 1, duplicate: false });
    h.update('decide', checks, { auditId: 2, duplicate: false });
    h.signal('comment', note);
    const digestOf = (assertion: string | undefined) => sha256Hex(assertion!);
    h.complete({
      version: 1,
      gates: [{ id: 'create-upgrade-plan', steps: [{ artifact: 'p/abab-plan.md', sha256: EVIDENCE[0] }] }],
      decisions: [
        {
          id: 1,
          kind: 'decision',
          via: 'update',
          gateId: plan.taskId,
          actor: plan.actor,
          role: plan.role,
          decision: 'approve',
          evidence: ['p/abab-plan.md'],
          assertionSha256: digestOf(plan.assertion),
        },
        // The digest of another decision's assertion: the entry does not record what this event carried.
        {
          id: 2,
          kind: 'decision',
          via: 'update',
          gateId: checks.taskId,
          actor: checks.actor,
          role: checks.role,
          decision: 'approve',
          evidence: [],
          assertionSha256: digestOf(plan.assertion),
        },
        {
          id: 3,
          kind: 'decision',
          via: 'signal',
          gateId: note.taskId,
          actor: note.actor,
          role: note.role,
          decision: 'comment',
          comment: 'by signal',
          assertionSha256: digestOf(note.assertion),
        },
      ],
    });
    const report = verifyHistory(h.history());
    expect(report.decisions.map((d) => [d.task, d.decision, d.verdict, d.reason])).toEqual([
      ['create-upgrade-plan', 'approve', 'verified', undefined],
      ['post-upgrade-checks', 'approve', 'not-verified', 'audit entry #2 of the final result carries another assertion'],
      ['create-upgrade-plan', 'comment', 'verified', undefined],
    ]);
  });

  it('does not trust a key from a rotation that does not verify', () => {
    const key = generateSigningKey().key;
    const intruder = generateSigningKey().key;
    const h = new HistoryBuilder().start(startInput([key]));
    h.update('trust', { assertion: signAssertion(intruder, trustClaims(WID, { add: [intruder.publicKey], remove: [] }, { nowSec: SEC })) });
    h.update('decide', signed(intruder, approve()));
    const report = verifyHistory(h.history());
    expect(report.decisions.map((d) => d.verdict)).toEqual(['not-verified', 'not-verified']);
    expect(report.decisions[0]!.reason).toMatch(/its keys are not trusted here/);
    expect(report.keys).toHaveLength(1);
  });

  it('says that a project started before signed decisions has nothing to verify, and lists what was declared', () => {
    const legacy = new HistoryBuilder().start({ version: 1, project: { projectId: 'old' } }, ['commands-from-main-coroutine']);
    legacy.update('decide', approve({ comment: 'declared' }));
    legacy.signal('reject', { taskId: 'create-upgrade-plan', actor: 'chris@acme.example', role: 'customer', comment: 'no' });
    const report = verifyHistory(legacy.history());
    expect(report.signed).toBe(false);
    expect(report.decisions.map((d) => [d.decision, d.actor, d.verdict])).toEqual([
      ['approve', 'carla@acme.example', 'declared'],
      ['reject', 'chris@acme.example', 'declared'],
    ]);
    expect(reportFails(report)).toBe(false);
    expect(renderVerify(report, plainStyle())).toContain('Started before signed decisions: identities were declared, nothing to verify.');
    // Keys sent to a worker that ran the old rule: nothing was verified then either.
    const unpatched = new HistoryBuilder().start(startInput([generateSigningKey().key]), []);
    unpatched.update('decide', approve());
    expect(verifyHistory(unpatched.history()).signed).toBe(false);
  });

  it('reads a recorded history of a project before signed decisions (test/histories): declared, a refused signal marked', () => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(__dirname, '../histories/blocked-skip-cancel-v4.json'), 'utf8')));
    const report = verifyHistory(history);
    expect(report).toMatchObject({ signed: false, execution: 'completed', problems: [] });
    expect(report.workflowId).toMatch(/^upgrade-recorded-blocked-skip-cancel-v4-/);
    expect(report.decisions.map((d) => [d.via, d.task, d.decision, d.actor, d.verdict, d.reason])).toEqual([
      ['update', 'create-upgrade-plan', 'skip', 'sam@adobe.example', 'declared', undefined],
      ['update', 'create-upgrade-plan', 'approve', 'carla@acme.example', 'declared', undefined],
      [
        'signal',
        'determine-infrastructure-changes',
        'approve',
        'mallory@evil.example',
        'declared',
        'refused by the workflow (`cuo history` shows why)',
      ],
      ['update', undefined, 'cancel', 'sam@adobe.example', 'declared', undefined],
    ]);
    expect(report.decisions[0]!.at).toBe('2026-11-28T12:51:28Z');
    expect(reportFails(report)).toBe(false);
  });

  it('prints one row per decision with its identity, key and verdict, escape sequences shown, not sent', () => {
    const key = generateSigningKey().key;
    const h = new HistoryBuilder().start(startInput([key]));
    h.update('decide', signed(key, approve({ taskId: 'evil\u001b[2Jtask', decision: 'comment', comment: 'x' })));
    h.update('decide', { ...signed(key, approve({ decision: 'comment', comment: 'y' })), comment: 'z' });
    const text = renderVerify(verifyHistory(h.history()), plainStyle());
    expect(text).not.toContain('\u001b');
    expect(text).toContain('evil\\x1b[2Jtask');
    const rows = text.split('\n').filter((line) => line.startsWith('2026-12-01 09:00:00Z'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(
      new RegExp(
        `comment\\s+carla@acme\\.example \\(customer\\)\\s+https://idp\\.acme\\.example carla-1 oidc\\s+${key.publicKey.kid.replace(/[-]/g, '\\-')}\\s+verified`,
      ),
    );
    expect(rows[1]).toMatch(/NOT VERIFIED\s+accepted, but the assertion's comment does not match/);
    expect(text.trimEnd().split('\n').pop()).toBe('1 verified, 1 not verified, 0 refused signals');
  });

  it("trusts a start key only if the gateway's published keys hold it, when they are given", () => {
    const gateway = generateSigningKey().key;
    const smuggled = generateSigningKey().key;
    const h = new HistoryBuilder().start(startInput([gateway, smuggled]));
    h.update('decide', signed(gateway, approve()));
    h.update('decide', signed(smuggled, approve({ actor: 'chris@acme.example' })));
    expect(verdicts(h)).toEqual([
      ['decide', 'verified'],
      ['decide', 'verified'],
    ]);
    const pinned = verifyHistory(h.history(), { pinnedKeys: [gateway.publicKey] });
    expect(pinned.keysPinned).toBe(true);
    expect(pinned.decisions.map((d) => d.verdict)).toEqual(['verified', 'not-verified']);
    expect(pinned.decisions[1]!.reason).toContain(`(the keys given with --keys do not hold ${smuggled.publicKey.kid})`);
    expect(pinned.problems).toEqual([
      expect.stringContaining(`the project started trusting ${smuggled.publicKey.kid}, which the keys given with --keys do not hold`),
    ]);
    expect(reportFails(pinned)).toBe(true);
    // A project that only started trusting published keys passes, also with unused published keys.
    const clean = new HistoryBuilder().start(startInput([gateway]));
    clean.update('decide', signed(gateway, approve()));
    expect(reportFails(verifyHistory(clean.history(), { pinnedKeys: [gateway.publicKey, smuggled.publicKey] }))).toBe(false);
  });

  it('says what is wrong with a history that is not a whole one', () => {
    const report = verifyHistory({ events: [{ eventId: 5, workflowTaskStartedEventAttributes: {} }] } as unknown as History);
    expect(report.problems[0]).toMatch(/does not begin with the workflow execution started event/);
    expect(reportFails(report)).toBe(true);
  });
});

describe('a project that continued as new', () => {
  const recorded = (name: string) =>
    historyFromJSON(JSON.parse(readFileSync(path.join(__dirname, '../histories', `${name}.json`), 'utf8')));

  it('verifies every run, each later run with the keys its previous run ended with', () => {
    const runs = ['continued-v6-run1', 'continued-v6-run2', 'continued-v6-run3', 'continued-v6'].map((name) =>
      verifyHistory(recorded(name)),
    );
    expect(runs.map((r) => r.continued)).toEqual([false, true, true, true]);
    for (const report of runs) {
      expect(report).toMatchObject({ signed: true, workflowId: 'continued-v6', problems: [] });
      expect(report.summary.notVerified).toBe(0);
    }
    expect(runs.reduce((n, r) => n + r.summary.verified, 0)).toBeGreaterThan(10);
    expect(runs[1]!.keys[0]!.kids).toEqual(runs[0]!.keys.at(-1)!.kids);
  });
});
