/**
 * `cuo verify`: re-checks every decision of a project from its workflow history alone (issue #13, item 6). Pure:
 * a history in, a report out; no server, no worker, no clock but the history's own.
 *
 * The keys come from the history too: the ones the project started with (`trust.keys` of its input), then every
 * accepted key rotation (`trust` update), itself verified with the keys trusted at that point. Every accepted
 * `decide` and `cancel` update and every `approve` / `reject` / `comment` signal is checked with ProjectTrust, the
 * very class the workflow checks with, at the workflow's own time of that check (the start time of the workflow task
 * that ran it, which is what the workflow's clock read). What the history does not carry cheaply, the gate's round
 * and evidence at that moment, is reported as signed; where the project finished, the audit entry of its result
 * must carry the same assertion, and an approval's signed evidence must be the artifacts that entry names.
 *
 * The keys at the start are the history's own claim: someone able to rewrite the history could swap them too. The
 * report names them (key id = sha256 of the key), and with the gateway's published keys given (`--keys`) a start
 * key the gateway never published is not trusted.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { base64UrlDecode, sha256Hex, type DecisionClaims, type TrustedKey } from '../workflows/decision-assertion';
import {
  type AttachResult,
  type AuditEntry,
  type DecisionPayload,
  type DecisionResult,
  type TrustResult,
  type UpgradeProjectResult,
} from '../workflows/contract';
import {
  checkAttachPayload,
  checkCancelPayload,
  checkDecisionPayload,
  checkSignalPayload,
  checkTrustPayload,
} from '../workflows/message-checks';
import { ProjectTrust, type ProjectTrustInput } from '../workflows/project-trust';
import { PATCH_SET_ID, PATCHES_IN_SET } from '../workflows/contract';

type HistoryEvent = NonNullable<History['events']>[number];

/** The patch under which the workflow verifies assertions (workflows/upgrade-project.ts). */
export const SIGNED_DECISIONS_PATCH = 'decisions-need-signed-assertions';

const DECISION_SIGNALS = ['approve', 'reject', 'comment'] as const;
type DecisionSignal = (typeof DECISION_SIGNALS)[number];

/**
 * - `verified`: the assertion verifies with the keys trusted then, every claim equals what was sent, its id was new.
 * - `not-verified`: the workflow accepted it (an accepted update, an applied signal), yet it does not verify now: the
 *   payload or the keys were changed after the fact.
 * - `refused`: a signal the workflow refused (unsigned, invalid, or against the approval rules), or an update its
 *   handler refused after acceptance; it changed nothing.
 * - `duplicate`: a request sent again, answered with the earlier result and not applied twice.
 * - `declared`: a project started before signed decisions; the actor is the one the payload names.
 */
export type Verdict = 'verified' | 'not-verified' | 'refused' | 'duplicate' | 'declared';

export interface CheckedDecision {
  eventId: number;
  /** When Temporal recorded it (ISO, to the second). */
  at: string;
  via: 'update' | 'signal';
  /** The update or signal: decide, cancel, trust, approve, reject, comment. */
  message: string;
  task?: string;
  decision?: string;
  actor?: string;
  role?: string;
  /** How the person proved who they are, as signed: issuer, subject, method, when (ISO). */
  identity?: { iss: string; sub: string; amr: string; at: string };
  /** The gateway key that signed it. */
  kid?: string;
  jti?: string;
  /** What was signed but is not re-checked from the history: the gate's round and evidence (sha256). */
  signed?: { round?: number; evidence?: string[] };
  verdict: Verdict;
  /** Why it does not verify, why it was refused, or what else is worth knowing. */
  reason?: string;
}

export interface VerifyReport {
  workflowId: string;
  runId?: string;
  /** The run continued an earlier one (continue-as-new): its keys are the ones that run ended with. */
  continued?: boolean;
  /** The project checks signed assertions (started with trusted keys, by a workflow with signed decisions). */
  signed: boolean;
  /** How the execution stands: running, completed, failed, cancelled, terminated, timed-out, continued-as-new. */
  execution: string;
  /** The keys the project started with, and every rotation after. */
  keys: { at: string; eventId: number; kids: string[]; change?: string }[];
  decisions: CheckedDecision[];
  summary: { verified: number; notVerified: number; refusedSignals: number; refused: number; duplicates: number; declared: number };
  /** The final result's audit was compared with what was accepted (the project completed). */
  auditChecked: boolean;
  /** The start keys were compared with the gateway's published keys (`--keys`). */
  keysPinned: boolean;
  /** Problems with the history itself (no start event, undecodable input). */
  problems: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function decodeFirst(
  payloads: { payloads?: Payload[] | null } | null | undefined,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  const first = payloads?.payloads?.[0];
  if (!first) return { ok: true, value: undefined };
  try {
    return { ok: true, value: defaultPayloadConverter.fromPayload(first) };
  } catch (err) {
    return { ok: false, reason: `its payload cannot be decoded (${err instanceof Error ? err.message : String(err)})` };
  }
}

const isoSecond = (ms: number | undefined): string => (ms === undefined ? '' : `${new Date(ms).toISOString().slice(0, 19)}Z`);
/**
 * An event's time in ms. From the server it is a Timestamp with Long seconds; read back from JSON (historyFromJSON)
 * the seconds are plain numbers or strings, which the SDK's converter does not take.
 */
function eventMs(event: HistoryEvent): number | undefined {
  const time = event.eventTime as { seconds?: unknown; nanos?: unknown } | string | null | undefined;
  if (!time) return undefined;
  if (typeof time === 'string') {
    const ms = Date.parse(time);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (typeof time.seconds === 'object' && time.seconds !== null) return optionalTsToMs(event.eventTime);
  const seconds = Number(time.seconds ?? 0);
  const nanos = Number(time.nanos ?? 0);
  return Number.isFinite(seconds) && Number.isFinite(nanos) ? seconds * 1000 + Math.floor(nanos / 1e6) : undefined;
}
const eventIdOf = (event: HistoryEvent): number => Number(event.eventId ?? 0);

/** The claims of an assertion, read without trusting them: only to know which round and evidence it was signed for. */
function peekClaims(assertion: unknown): Partial<DecisionClaims> | undefined {
  if (typeof assertion !== 'string') return undefined;
  const body = assertion.split('.')[1];
  if (body === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(new TextDecoder().decode(base64UrlDecode(body)));
    return isObject(claims) ? (claims as Partial<DecisionClaims>) : undefined;
  } catch {
    return undefined;
  }
}

function executionState(last: HistoryEvent | undefined): string {
  if (!last) return 'running';
  if (last.workflowExecutionCompletedEventAttributes) return 'completed';
  if (last.workflowExecutionFailedEventAttributes) return 'failed';
  if (last.workflowExecutionCanceledEventAttributes) return 'cancelled';
  if (last.workflowExecutionTerminatedEventAttributes) return 'terminated';
  if (last.workflowExecutionTimedOutEventAttributes) return 'timed-out';
  if (last.workflowExecutionContinuedAsNewEventAttributes) return 'continued-as-new';
  return 'running';
}

/** The patches a history's markers name; the patch set's marker names each patch it holds. */
function patchesOf(events: readonly HistoryEvent[]): Set<string> {
  const ids = new Set<string>();
  for (const event of events) {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') continue;
    const data = decodeFirst(marker.details?.['patch-data']);
    if (data.ok && isObject(data.value) && typeof data.value.id === 'string') ids.add(data.value.id);
  }
  if (ids.has(PATCH_SET_ID)) for (const id of PATCHES_IN_SET) ids.add(id);
  return ids;
}

type Outcome = { ok: true; value: unknown } | { ok: false; message: string };

/** What the workflow answered an update with, when it completed without failing. */
function answerOf<T>(outcome: Outcome | undefined): Partial<T> | undefined {
  return outcome?.ok && isObject(outcome.value) ? (outcome.value as Partial<T>) : undefined;
}

/** Update outcomes by the id of their accepted event. */
function updateOutcomes(events: readonly HistoryEvent[]): Map<number, Outcome> {
  const outcomes = new Map<number, Outcome>();
  for (const event of events) {
    const done = event.workflowExecutionUpdateCompletedEventAttributes;
    if (!done) continue;
    const accepted = Number(done.acceptedEventId ?? 0);
    if (done.outcome?.failure) outcomes.set(accepted, { ok: false, message: done.outcome.failure.message ?? 'failed' });
    else {
      const value = decodeFirst(done.outcome?.success);
      outcomes.set(accepted, value.ok ? { ok: true, value: value.value } : { ok: false, message: value.reason });
    }
  }
  return outcomes;
}

/**
 * The workflow's clock when it checked the message at `index`: the start of the workflow task that ran the update's
 * validator (the last one started before its acceptance), or that delivered the signal (the next one started).
 */
function workflowClock(events: readonly HistoryEvent[], index: number, via: 'update' | 'signal'): number | undefined {
  if (via === 'update') {
    for (let i = index - 1; i >= 0; i--) if (events[i]!.workflowTaskStartedEventAttributes) return eventMs(events[i]!);
  } else {
    for (let i = index + 1; i < events.length; i++) {
      // A task that failed or timed out delivered nothing; the signal comes again with the next one.
      if (events[i]!.workflowTaskStartedEventAttributes && events[i + 1]?.workflowTaskCompletedEventAttributes) return eventMs(events[i]!);
    }
  }
  return eventMs(events[index]!);
}

function problemsText(problems: readonly { field: string; message: string }[]): string {
  return problems.map((p) => `${p.field}: ${p.message}`).join('; ');
}

/** Re-checks every decision of one project's history. */
export interface VerifyOptions {
  /**
   * The approvals gateway's published public keys (`cuo verify --keys`). When given, the keys the project started
   * with must be among them: otherwise the history's own claim about its keys is all there is.
   */
  pinnedKeys?: readonly { x: string }[];
}

export function verifyHistory(history: History, options: VerifyOptions = {}): VerifyReport {
  const events = history.events ?? [];
  const problems: string[] = [];
  const startEvent = events[0];
  const started = startEvent?.workflowExecutionStartedEventAttributes;
  const report: VerifyReport = {
    workflowId: started?.workflowId ?? '',
    runId: started?.originalExecutionRunId || undefined,
    signed: false,
    execution: executionState(events[events.length - 1]),
    keys: [],
    decisions: [],
    summary: { verified: 0, notVerified: 0, refusedSignals: 0, refused: 0, duplicates: 0, declared: 0 },
    auditChecked: false,
    keysPinned: false,
    problems,
  };
  if (!startEvent || !started) {
    problems.push('the history does not begin with the workflow execution started event: it is not a whole history');
    return report;
  }
  const input = decodeFirst(started.input);
  const startInput = input.ok && isObject(input.value) ? input.value : undefined;
  if (!startInput) problems.push(`the workflow input cannot be read${input.ok ? '' : `: ${input.reason}`}`);
  if (!report.workflowId) {
    // Servers before Temporal 1.21 do not record the workflow id in the start event; the project's id names it.
    const project = startInput?.project;
    if (isObject(project) && typeof project.projectId === 'string') report.workflowId = `upgrade-${project.projectId}`;
    problems.push(`the history does not name its workflow; checked as ${report.workflowId || '(unknown)'}`);
  }
  // A run that continued as new starts with the keys its previous run trusted at the end (carried in its state).
  const continued = isObject(startInput?.continued) && isObject(startInput.continued.state) ? startInput.continued.state : undefined;
  report.continued = continued !== undefined;
  const carriedTrust = continued && isObject(continued.trust) ? (continued.trust as unknown as ProjectTrustInput) : undefined;
  const trustInput = carriedTrust ?? (isObject(startInput?.trust) ? (startInput.trust as unknown as ProjectTrustInput) : undefined);
  // Without the patch the workflow ran the old rule even if the client sent keys: nothing was verified then either.
  report.signed = trustInput !== undefined && patchesOf(events).has(SIGNED_DECISIONS_PATCH);
  const keyList = Array.isArray(trustInput?.keys)
    ? trustInput.keys.filter((k): k is TrustedKey => isObject(k) && typeof k.kid === 'string' && typeof k.x === 'string')
    : [];
  const startTrust = new ProjectTrust({ keys: keyList });
  let startKeys = startTrust.keys;
  const unpinned = options.pinnedKeys ? startKeys.filter((k) => !options.pinnedKeys!.some((p) => p.x === k.x)) : [];
  if (report.signed && unpinned.length) {
    // A key the gateway never published is not trusted here, whatever the history says the project trusted.
    problems.push(
      `the project started trusting ${unpinned.map((k) => k.kid).join(', ')}, which the keys given with --keys do not hold; decisions signed with ${unpinned.length === 1 ? 'it' : 'them'} do not verify`,
    );
    startKeys = startKeys.filter((k) => !unpinned.includes(k));
  }
  report.keysPinned = report.signed && options.pinnedKeys !== undefined;
  const trust = new ProjectTrust({ keys: [...startKeys] });
  if (report.signed)
    report.keys.push({ at: isoSecond(eventMs(startEvent)), eventId: eventIdOf(startEvent), kids: startTrust.keys.map((k) => k.kid) });

  const outcomes = updateOutcomes(events);
  const result = resultOf(events);
  report.auditChecked = report.signed && result !== undefined;
  const auditById = new Map((result?.decisions ?? []).map((e) => [e.id, e]));
  const artifactSha = new Map([
    ...(result?.gates ?? []).flatMap((g) => g.steps.flatMap((s) => (s.artifact && s.sha256 ? [[s.artifact, s.sha256] as const] : []))),
    // Evidence people attached in the last round of each gate is evidence too (issue #15).
    ...(result?.gates ?? []).flatMap((g) => (g.attachments ?? []).map((a) => [a.id, a.sha256] as const)),
  ]);
  const attachmentEntries = new Map((result?.attachments ?? []).map((e) => [e.id, e]));
  /** Assertions applied so far, with the event that applied them: a duplicate names its original. */
  const applied = new Map<string, number>();
  /** Audit entries already matched to a declared signal (projects before signed decisions). */
  const declaredSignals = new Set<number>();

  events.forEach((event, index) => {
    const accepted = event.workflowExecutionUpdateAcceptedEventAttributes;
    const signal = event.workflowExecutionSignaledEventAttributes;
    let entry: CheckedDecision | undefined;
    if (accepted) {
      const name = accepted.acceptedRequest?.input?.name ?? '';
      if (name !== 'decide' && name !== 'cancel' && name !== 'trust' && name !== 'attach') return;
      const args = decodeFirst(accepted.acceptedRequest?.input?.args);
      const base: CheckedDecision = {
        eventId: eventIdOf(event),
        at: isoSecond(eventMs(event)),
        via: 'update',
        message: name,
        verdict: 'verified',
      };
      const nowSec = Math.floor((workflowClock(events, index, 'update') ?? 0) / 1000);
      const outcome = outcomes.get(eventIdOf(event));
      if (!args.ok) entry = { ...base, verdict: report.signed ? 'not-verified' : 'declared', reason: args.reason };
      else if (name === 'trust') entry = checkRotation(base, args.value, outcome, nowSec);
      else if (name === 'decide') entry = checkDecide(base, args.value, outcome, nowSec);
      else if (name === 'attach') entry = checkAttachUpdate(base, args.value, outcome, nowSec);
      else entry = checkCancelUpdate(base, args.value, outcome, nowSec);
    } else if (signal && (DECISION_SIGNALS as readonly string[]).includes(signal.signalName ?? '')) {
      const args = decodeFirst(signal.input);
      const base: CheckedDecision = {
        eventId: eventIdOf(event),
        at: isoSecond(eventMs(event)),
        via: 'signal',
        message: signal.signalName!,
        decision: signal.signalName!,
        verdict: 'verified',
      };
      const nowSec = Math.floor((workflowClock(events, index, 'signal') ?? 0) / 1000);
      entry = args.ok
        ? checkSignal(base, args.value, signal.signalName as DecisionSignal, nowSec)
        : { ...base, verdict: report.signed ? 'refused' : 'declared', reason: args.reason };
    }
    if (entry) report.decisions.push(entry);
  });

  for (const d of report.decisions) {
    const byUnpinned = unpinned.find((k) => d.reason?.includes(`signed by key "${k.kid}"`));
    if (byUnpinned) d.reason = `${d.reason} (the keys given with --keys do not hold ${byUnpinned.kid})`;
    if (d.verdict === 'verified') report.summary.verified += 1;
    else if (d.verdict === 'not-verified') report.summary.notVerified += 1;
    else if (d.verdict === 'duplicate') report.summary.duplicates += 1;
    else if (d.verdict === 'declared') report.summary.declared += 1;
    else if (d.via === 'signal') report.summary.refusedSignals += 1;
    else report.summary.refused += 1;
  }
  return report;

  // ---- one check per kind of message; they share the key timeline and the used assertion ids above ----

  function declared(base: CheckedDecision, payload: Record<string, unknown>): CheckedDecision {
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const entry: CheckedDecision = {
      ...base,
      task: text(payload.taskId),
      decision: base.via === 'signal' ? base.decision : (text(payload.decision) ?? (base.message === 'cancel' ? 'cancel' : undefined)),
      actor: text(payload.actor),
      role: text(payload.role),
      verdict: 'declared',
    };
    if (base.via !== 'signal' || !result) return entry;
    // A refused signal leaves only a "refused" audit entry, which the result does not keep: no decision entry, refused.
    const actor = entry.actor?.trim().toLowerCase();
    const taken = result.decisions.find(
      (e) =>
        e.via === 'signal' && !declaredSignals.has(e.id) && e.gateId === entry.task && e.actor === actor && e.decision === entry.decision,
    );
    if (!taken) return { ...entry, reason: 'refused by the workflow (`cuo history` shows why)' };
    declaredSignals.add(taken.id);
    return entry;
  }

  function checkDecide(base: CheckedDecision, raw: unknown, outcome: Outcome | undefined, nowSec: number): CheckedDecision {
    if (!report.signed) return declared(base, isObject(raw) ? raw : {});
    const checked = checkDecisionPayload(raw);
    if (!checked.success)
      return {
        ...base,
        verdict: 'not-verified',
        reason: `the payload is malformed (${problemsText(checked.problems)}), yet it was accepted`,
      };
    const payload = checked.data;
    const described = describe(base, payload);
    const duplicate = duplicateOf(payload.assertion, outcome);
    if (duplicate !== undefined)
      return {
        ...described,
        verdict: 'duplicate',
        reason: `the same request and assertion as event ${duplicate}; answered with its result`,
      };
    const claims = peekClaims(payload.assertion);
    const gate = { id: payload.taskId, rounds: typeof claims?.rnd === 'number' ? claims.rnd : -1 };
    const evidence = Array.isArray(claims?.evd) ? claims.evd.map((sha256) => ({ sha256: String(sha256) })) : [];
    const check = trust.checkDecision(payload, gate, evidence, report.workflowId, nowSec);
    if (!check.ok) return { ...described, verdict: 'not-verified', reason: `accepted, but ${check.reason}` };
    const proven = withIdentity(described, check.identity, claims);
    if (outcome && !outcome.ok)
      return { ...proven, verdict: 'refused', reason: `accepted, then refused by the workflow: ${outcome.message}` };
    if (answerOf<DecisionResult>(outcome)?.duplicate === true) {
      return { ...proven, verdict: 'duplicate', reason: 'signed again for a request already applied; answered with the earlier result' };
    }
    const reused = reuse(check.identity.jti);
    if (reused) return { ...proven, verdict: 'not-verified', reason: reused };
    const mismatch = auditMismatch(payload, outcome, 'decision');
    if (mismatch) return { ...proven, verdict: 'not-verified', reason: mismatch };
    markApplied(payload.assertion!, check.identity.jti, base.eventId);
    return proven;
  }

  /** Evidence a person attached (issue #15): signed like a decision over the attachment's fields, for one round. */
  function checkAttachUpdate(base: CheckedDecision, raw: unknown, outcome: Outcome | undefined, nowSec: number): CheckedDecision {
    const checked = checkAttachPayload(raw);
    if (!checked.success)
      return {
        ...base,
        decision: 'attach',
        verdict: 'not-verified',
        reason: `the payload is malformed (${problemsText(checked.problems)}), yet it was accepted`,
      };
    const payload = checked.data;
    const described: CheckedDecision = { ...base, task: payload.taskId, decision: 'attach', actor: payload.actor, role: payload.role };
    if (!report.signed) return { ...described, verdict: 'declared' };
    const answer = answerOf<AttachResult>(outcome);
    if (answer?.duplicate === true && payload.assertion && applied.has(payload.assertion)) {
      return {
        ...described,
        verdict: 'duplicate',
        reason: `the same request and assertion as event ${applied.get(payload.assertion)}; answered with its result`,
      };
    }
    const claims = peekClaims(payload.assertion) as { rnd?: unknown } | undefined;
    const check = trust.checkAttach(
      payload,
      { id: payload.taskId, rounds: typeof claims?.rnd === 'number' ? claims.rnd : -1 },
      report.workflowId,
      nowSec,
    );
    if (!check.ok) return { ...described, verdict: 'not-verified', reason: `accepted, but ${check.reason}` };
    const proven: CheckedDecision = {
      ...withIdentity(described, check.identity),
      signed: { ...(typeof claims?.rnd === 'number' ? { round: claims.rnd } : {}), evidence: [payload.attachment.sha256] },
    };
    if (outcome && !outcome.ok)
      return { ...proven, verdict: 'refused', reason: `accepted, then refused by the workflow: ${outcome.message}` };
    if (answer?.duplicate === true)
      return { ...proven, verdict: 'duplicate', reason: 'signed again for a request already applied; answered with the earlier result' };
    const reused = reuse(check.identity.jti);
    if (reused) return { ...proven, verdict: 'not-verified', reason: reused };
    if (result && answer) {
      const auditEntry = answer.auditId === undefined ? undefined : attachmentEntries.get(answer.auditId);
      if (!auditEntry)
        return {
          ...proven,
          verdict: 'not-verified',
          reason: `the workflow answered with audit entry #${answer.auditId}, which the final result does not hold`,
        };
      if (!carriesAssertion(auditEntry, payload.assertion))
        return {
          ...proven,
          verdict: 'not-verified',
          reason: `audit entry #${auditEntry.id} of the final result carries another assertion`,
        };
    }
    markApplied(payload.assertion!, check.identity.jti, base.eventId);
    return proven;
  }

  function checkCancelUpdate(base: CheckedDecision, raw: unknown, outcome: Outcome | undefined, nowSec: number): CheckedDecision {
    if (!report.signed) return declared(base, isObject(raw) ? raw : {});
    const checked = checkCancelPayload(raw);
    if (!checked.success)
      return {
        ...base,
        decision: 'cancel',
        verdict: 'not-verified',
        reason: `the payload is malformed (${problemsText(checked.problems)}), yet it was accepted`,
      };
    const payload = checked.data;
    const described: CheckedDecision = { ...base, task: '*', decision: 'cancel', actor: payload.actor, role: payload.role };
    const duplicate = duplicateOf(payload.assertion, outcome);
    if (duplicate !== undefined)
      return {
        ...described,
        verdict: 'duplicate',
        reason: `the same request and assertion as event ${duplicate}; answered with its result`,
      };
    const check = trust.checkCancel(payload, report.workflowId, nowSec);
    if (!check.ok) return { ...described, verdict: 'not-verified', reason: `accepted, but ${check.reason}` };
    const proven = withIdentity(described, check.identity);
    if (outcome && !outcome.ok)
      return { ...proven, verdict: 'refused', reason: `accepted, then refused by the workflow: ${outcome.message}` };
    if (answerOf<DecisionResult>(outcome)?.duplicate === true) {
      return {
        ...proven,
        verdict: 'duplicate',
        reason: 'signed again for a cancellation already applied; answered with the earlier result',
      };
    }
    const reused = reuse(check.identity.jti);
    if (reused) return { ...proven, verdict: 'not-verified', reason: reused };
    const mismatch = auditMismatch(
      { taskId: '*', decision: 'comment', actor: payload.actor, role: payload.role, comment: payload.reason, assertion: payload.assertion },
      outcome,
      'cancel',
    );
    if (mismatch) return { ...proven, verdict: 'not-verified', reason: mismatch };
    markApplied(payload.assertion!, check.identity.jti, base.eventId);
    return proven;
  }

  function checkRotation(base: CheckedDecision, raw: unknown, outcome: Outcome | undefined, nowSec: number): CheckedDecision {
    const described: CheckedDecision = { ...base, decision: 'rotate keys' };
    if (!report.signed) return { ...described, verdict: 'declared', reason: 'a key rotation in a project without signed decisions' };
    const checked = checkTrustPayload(raw);
    if (!checked.success)
      return {
        ...described,
        verdict: 'not-verified',
        reason: `the payload is malformed (${problemsText(checked.problems)}), yet it was accepted`,
      };
    const check = trust.checkRotation(checked.data.assertion, report.workflowId, nowSec);
    // An unverified rotation is not applied: a key it would add is not trusted for what follows.
    if (!check.ok) return { ...described, verdict: 'not-verified', reason: `accepted, but ${check.reason}; its keys are not trusted here` };
    if (outcome && !outcome.ok)
      return { ...described, kid: check.kid, verdict: 'refused', reason: `accepted, then refused by the workflow: ${outcome.message}` };
    trust.applyRotation(check.claims);
    const kids = trust.keys.map((k) => k.kid);
    const change = `added ${check.claims.add.map((k) => k.kid).join(', ') || 'none'}, removed ${check.claims.rem.join(', ') || 'none'}`;
    report.keys.push({ at: base.at, eventId: base.eventId, kids, change });
    const answered = answerOf<TrustResult>(outcome)?.keys;
    const entry: CheckedDecision = {
      ...described,
      kid: check.kid,
      jti: check.claims.jti,
      reason: `${change}; trusted keys now ${kids.join(', ')}`,
    };
    if (Array.isArray(answered) && answered.join(',') !== kids.join(',')) {
      return {
        ...entry,
        verdict: 'not-verified',
        reason: `the workflow answered that it trusts ${answered.join(', ')}, but the rotation gives ${kids.join(', ')}`,
      };
    }
    return entry;
  }

  function checkSignal(base: CheckedDecision, raw: unknown, decision: DecisionSignal, nowSec: number): CheckedDecision {
    if (!report.signed) return declared(base, isObject(raw) ? raw : {});
    const checked = checkSignalPayload(raw);
    if (!checked.success)
      return {
        ...base,
        verdict: 'refused',
        reason: `refused by the workflow: malformed ${decision} signal (${problemsText(checked.problems)})`,
      };
    const payload: DecisionPayload = { ...checked.data, decision };
    const described = describe(base, payload);
    const earlier = payload.assertion ? applied.get(payload.assertion) : undefined;
    if (earlier !== undefined) {
      // The workflow answers the same request again silently and refuses a replay; either way nothing changed.
      return {
        ...described,
        verdict: payload.requestId ? 'duplicate' : 'refused',
        reason: `the same assertion as event ${earlier}; ${payload.requestId ? 'a duplicate' : 'refused as a replay'}, it changed nothing`,
      };
    }
    const digest = payload.assertion ? sha256Hex(payload.assertion) : undefined;
    const auditEntry = digest
      ? result?.decisions.find((e) => e.via === 'signal' && carriesAssertion(e, payload.assertion, digest))
      : undefined;
    const claims = peekClaims(payload.assertion);
    const gate = { id: payload.taskId, rounds: typeof claims?.rnd === 'number' ? claims.rnd : -1 };
    const evidence = Array.isArray(claims?.evd) ? claims.evd.map((sha256) => ({ sha256: String(sha256) })) : [];
    const check = trust.checkDecision(payload, gate, evidence, report.workflowId, nowSec);
    const failed = !check.ok ? check.reason : reuse(check.identity.jti);
    const proven = check.ok ? withIdentity(described, check.identity, claims) : described;
    if (failed) {
      // The workflow verifies signals too: one that does not verify changed nothing, unless the audit says otherwise.
      if (auditEntry) return { ...proven, verdict: 'not-verified', reason: `applied (audit entry #${auditEntry.id}), but ${failed}` };
      return { ...proven, verdict: 'refused', reason: `refused by the workflow (unsigned or invalid): ${failed}` };
    }
    if (result && !auditEntry)
      return { ...proven, verdict: 'refused', reason: "signed, but refused by the workflow's approval rules (`cuo history` shows why)" };
    const mismatch = auditEntry ? entryDiffers(auditEntry, payload) : undefined;
    if (mismatch) return { ...proven, verdict: 'not-verified', reason: mismatch };
    const evidenceProblem = auditEntry ? evidenceMismatch(auditEntry, claims) : undefined;
    if (evidenceProblem) return { ...proven, verdict: 'not-verified', reason: evidenceProblem };
    markApplied(payload.assertion!, check.ok ? check.identity.jti : '', base.eventId);
    return result
      ? proven
      : { ...proven, reason: 'the project has no result yet: whether the approval rules took it shows in `cuo history`' };
  }

  function describe(base: CheckedDecision, payload: DecisionPayload): CheckedDecision {
    return { ...base, task: payload.taskId, decision: payload.decision, actor: payload.actor, role: payload.role };
  }

  function withIdentity(
    entry: CheckedDecision,
    identity: { iss: string; sub: string; amr: string; at: number; kid: string; jti: string },
    claims?: Partial<DecisionClaims>,
  ): CheckedDecision {
    return {
      ...entry,
      identity: { iss: identity.iss, sub: identity.sub, amr: identity.amr, at: isoSecond(identity.at * 1000) },
      kid: identity.kid,
      jti: identity.jti,
      ...(claims ? { signed: { round: claims.rnd, evidence: claims.evd } } : {}),
    };
  }

  /** The very same assertion applied before and the workflow answered a duplicate: a retry, not a replay. */
  function duplicateOf(assertion: string | undefined, outcome: Outcome | undefined): number | undefined {
    if (!assertion || answerOf<DecisionResult>(outcome)?.duplicate !== true) return undefined;
    return applied.get(assertion);
  }

  function reuse(jti: string): string | undefined {
    return trust.isUsed(jti) ? `assertion ${jti} was used before in this project (a replayed assertion is refused)` : undefined;
  }

  function markApplied(assertion: string, jti: string, eventId: number): void {
    applied.set(assertion, eventId);
    if (jti) trust.markUsed(jti);
  }

  /** Compares an accepted update with the audit entry its answer names, when the project's result is there. */
  function auditMismatch(payload: DecisionPayload, outcome: Outcome | undefined, kind: 'decision' | 'cancel'): string | undefined {
    const answer = answerOf<DecisionResult>(outcome);
    if (!result || !answer) return undefined;
    const auditId = answer.auditId;
    const auditEntry = auditId === undefined ? undefined : auditById.get(auditId);
    if (!auditEntry || auditEntry.kind !== kind)
      return `the workflow answered with audit entry #${String(auditId)}, which the final result does not hold`;
    return (
      entryDiffers(auditEntry, payload) ?? (kind === 'decision' ? evidenceMismatch(auditEntry, peekClaims(payload.assertion)) : undefined)
    );
  }

  function entryDiffers(auditEntry: AuditEntry, payload: DecisionPayload): string | undefined {
    if (!carriesAssertion(auditEntry, payload.assertion))
      return `audit entry #${auditEntry.id} of the final result carries another assertion`;
    const fields: [string, unknown, unknown][] = [
      ['actor', auditEntry.actor, payload.actor],
      ['role', auditEntry.role, payload.role],
      ['comment', auditEntry.comment, payload.comment],
      ...(auditEntry.kind === 'decision'
        ? ([
            ['task', auditEntry.gateId, payload.taskId],
            ['decision', auditEntry.decision, payload.decision],
          ] as [string, unknown, unknown][])
        : []),
    ];
    const differing = fields.find(([, recorded, sent]) => recorded !== sent);
    return differing
      ? `audit entry #${auditEntry.id} of the final result records another ${differing[0]} than the history's payload`
      : undefined;
  }

  /** An approval's audit entry names the artifacts approved; their sha256 must be the evidence that was signed. */
  function evidenceMismatch(auditEntry: AuditEntry, claims: Partial<DecisionClaims> | undefined): string | undefined {
    if (auditEntry.decision !== 'approve' || !Array.isArray(claims?.evd)) return undefined;
    const ids = (auditEntry.evidence ?? []).filter((id) => !id.startsWith('commit:'));
    const digests = ids.map((id) => artifactSha.get(id));
    if (digests.some((d) => d === undefined)) return undefined; // an artifact of an earlier round: not in the result
    const recorded = (digests as string[]).sort().join(',');
    return recorded === [...claims.evd].sort().join(',')
      ? undefined
      : `the evidence signed is not the evidence audit entry #${auditEntry.id} records as approved`;
  }
}

/**
 * Whether a result's audit entry records this assertion: the assertion itself, or (projects since the patch
 * `lean-result-and-upserts`) its sha256, the assertion being in the event checked here.
 */
function carriesAssertion(entry: AuditEntry, assertion: string | undefined, digest?: string): boolean {
  if (assertion === undefined) return entry.assertion === undefined && entry.assertionSha256 === undefined;
  if (entry.assertionSha256 !== undefined) return entry.assertionSha256 === (digest ?? sha256Hex(assertion));
  return entry.assertion === assertion;
}

function resultOf(events: readonly HistoryEvent[]): UpgradeProjectResult | undefined {
  const completed = events[events.length - 1]?.workflowExecutionCompletedEventAttributes;
  if (!completed) return undefined;
  const value = decodeFirst(completed.result);
  return value.ok && isObject(value.value) && Array.isArray(value.value.decisions)
    ? (value.value as unknown as UpgradeProjectResult)
    : undefined;
}

/** The exit status of a report: any decision that was accepted but does not verify fails it. */
export function reportFails(report: VerifyReport): boolean {
  return (
    report.summary.notVerified > 0 ||
    report.problems.some((p) => p.startsWith('the history does not begin') || p.includes('--keys do not hold'))
  );
}
