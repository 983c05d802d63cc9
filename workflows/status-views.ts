/**
 * Small answers about a project, for the queries `statusSummary`, `taskDetails` and `auditPage` (issue #16). The
 * `status` query answers everything at once (every gate with its steps and approvals, the whole audit trail): 21 KB
 * after one happy path, and more with every decision, comment and refusal. What people look at most — the state,
 * who is awaited, one line per gate — is the summary, held under SUMMARY_MAX_BYTES however long the project runs;
 * one task's details and the audit trail come on request, the trail in pages.
 *
 * Pure functions of ProjectStatus (what ProjectState.status() returns), so they are unit-tested without a server
 * and the CLI builds the same views from a `status` answer when it talks to a worker older than these queries.
 */
import type { ArtifactRef } from '../activities/contract';
import type { AuditEntry, AwaitedStep, Gate, GateState, ProjectStatus, ReworkRecord, StepRecord } from './project-state';

export const STATUS_VIEWS_VERSION = 1 as const;
/** Largest summary answer, UTF-8 bytes of its JSON (issue #16: ≤ 4 KB). */
export const SUMMARY_MAX_BYTES = 4096;
/** Audit entries per page unless the caller asks for fewer; more than MAX_AUDIT_PAGE are never sent at once. */
export const DEFAULT_AUDIT_PAGE = 100;
export const MAX_AUDIT_PAGE = 200;
/** A task's own audit entries in `taskDetails`: the newest ones; older ones are in `auditPage`. */
export const MAX_TASK_AUDIT = 50;

/** One gate in one line: enough for the status table, nothing that grows with the project's age. */
export interface GateLine {
  id: Gate['id'];
  kind: Gate['kind'];
  phase: Gate['phase'];
  owner: Gate['owner'];
  state: GateState;
  since?: string;
  overdue: boolean;
  rounds: number;
  /** Approvals in this round / approvals needed. */
  approvals: number;
  requiredApprovals: number;
  /** Set while the gate waits for a change window. */
  windowStart?: string;
  /** Set while the gate is blocked: the step and its error, shortened. */
  blocked?: { step: string; error: string };
  /** Evidence people attached this round (issue #15), each by name and sha256 prefix; details by task. */
  attachments?: { id: string; sha256: string; actor: string; at: string; note?: string }[];
}

export interface AwaitedLine extends AwaitedStep {
  /** Awaited people beyond the ones listed (only when the list had to be cut to fit). */
  moreActors?: number;
}

export interface ProjectSummary {
  view: 'summary';
  version: typeof STATUS_VIEWS_VERSION;
  workflowId: string;
  projectId: string;
  customer: string;
  currentVersion: string;
  targetVersion: string;
  state: ProjectStatus['state'];
  phase: ProjectStatus['phase'];
  startedAt: string;
  completedAt?: string;
  awaiting: AwaitedLine[];
  gates: GateLine[];
  counts: {
    audit: number;
    decisions: number;
    refused: number;
    refusedNotKept: number;
    rework: number;
    reminders: number;
    escalations: number;
  };
  lastRework?: ReworkRecord;
  cancelled?: ProjectStatus['cancelled'];
  report?: ArtifactRef;
  /** How many approvals-gateway keys the project trusts (absent before signed decisions). */
  trustedKeys?: number;
}

export interface TaskDetails {
  view: 'task';
  version: typeof STATUS_VIEWS_VERSION;
  workflowId: string;
  projectId: string;
  /** The project's state: a signer refuses at once to sign for a project that takes no more decisions. */
  state: ProjectStatus['state'];
  gate: Gate;
  /**
   * For a CAB gate: the task it belongs to, whose artifacts are what the CAB approves (evidenceOfGate). With `gate`,
   * all a signer needs to bind a decision to its round and evidence, without the whole status.
   */
  task?: Gate;
  /** The gate's CAB gates when it is a task (their own details are one `taskDetails` away). */
  cabGates: GateLine[];
  awaiting?: AwaitedStep;
  steps: readonly StepRecord[];
  /** The newest MAX_TASK_AUDIT audit entries of this gate; `auditTotal` counts them all. */
  audit: AuditEntry[];
  auditTotal: number;
}

export interface AuditPageRequest {
  /** Entries with an id greater than this (default: from the first). */
  after?: number;
  /** At most this many (default DEFAULT_AUDIT_PAGE, at most MAX_AUDIT_PAGE). */
  limit?: number;
}

export interface AuditPage {
  view: 'audit';
  version: typeof STATUS_VIEWS_VERSION;
  projectId: string;
  entries: AuditEntry[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: number;
  total: number;
  refusedNotKept: number;
}

// ---- the summary ----

export function summaryOf(status: ProjectStatus): ProjectSummary {
  const full = buildSummary(status, { text: 300, actors: Infinity });
  if (jsonBytes(full) <= SUMMARY_MAX_BYTES) return full;
  // Only very long participant lists or texts get here: cut them until the answer fits.
  for (const caps of [
    { text: 120, actors: 10 },
    { text: 60, actors: 3 },
    { text: 30, actors: 1 },
    { text: 0, actors: 0 },
  ]) {
    const fitted = buildSummary(status, caps);
    if (jsonBytes(fitted) <= SUMMARY_MAX_BYTES) return fitted;
  }
  return buildSummary(status, { text: 0, actors: 0 });
}

function buildSummary(status: ProjectStatus, caps: { text: number; actors: number }): ProjectSummary {
  let decisions = 0;
  let refused = 0;
  for (const entry of status.audit) {
    if (entry.kind === 'decision') decisions += 1;
    else if (entry.kind === 'refused') refused += 1;
  }
  const lastRework = status.rework.at(-1);
  return {
    view: 'summary',
    version: STATUS_VIEWS_VERSION,
    workflowId: status.workflowId,
    projectId: status.projectId,
    customer: status.customer,
    currentVersion: status.currentVersion,
    targetVersion: status.targetVersion,
    state: status.state,
    phase: status.phase,
    startedAt: status.startedAt,
    ...(status.completedAt ? { completedAt: status.completedAt } : {}),
    awaiting: status.awaiting.map((a) => awaitedLine(a, caps)),
    gates: status.gates.map((g) => gateLine(g, caps.text)),
    counts: {
      audit: status.audit.length,
      decisions,
      refused,
      refusedNotKept: status.refusedNotKept,
      rework: status.rework.length,
      reminders: status.gates.reduce((n, g) => n + g.reminders, 0),
      escalations: status.gates.reduce((n, g) => n + g.escalations, 0),
    },
    ...(lastRework
      ? {
          lastRework: {
            ...lastRework,
            reason: shorten(lastRework.reason, caps.text),
            actor: shorten(lastRework.actor, Math.max(caps.text, 80)),
          },
        }
      : {}),
    ...(status.cancelled ? { cancelled: { ...status.cancelled, reason: shorten(status.cancelled.reason, caps.text) } } : {}),
    ...(status.report ? { report: status.report } : {}),
    ...(status.trust ? { trustedKeys: status.trust.keys.length } : {}),
  };
}

export function gateLine(gate: Gate, textCap = 300): GateLine {
  return {
    id: gate.id,
    kind: gate.kind,
    phase: gate.phase,
    owner: gate.owner,
    state: gate.state,
    ...(gate.since ? { since: gate.since } : {}),
    overdue: gate.overdue,
    rounds: gate.rounds,
    approvals: gate.approvals.length,
    requiredApprovals: gate.requiredApprovals,
    ...(gate.state === 'waiting-window' && gate.window ? { windowStart: gate.window.startIso } : {}),
    ...(gate.state === 'blocked' && gate.blocked
      ? { blocked: { step: gate.blocked.step, error: shorten(gate.blocked.error, textCap) } }
      : {}),
    // At most 10 per gate and round (ProjectState); names and prefixes only, so the summary stays small.
    ...(gate.attachments?.length
      ? {
          attachments: gate.attachments.map((a) => ({
            id: shorten(a.id, 60),
            sha256: a.sha256.slice(0, 12),
            actor: a.actor,
            at: a.at,
            ...(a.note ? { note: shorten(a.note, 60) } : {}),
          })),
        }
      : {}),
  };
}

function awaitedLine(step: AwaitedStep, caps: { actors: number }): AwaitedLine {
  if (step.actors.length <= caps.actors) return { ...step, actors: [...step.actors] };
  return { ...step, actors: step.actors.slice(0, caps.actors), moreActors: step.actors.length - caps.actors };
}

// ---- one task ----

/** Details of one task or CAB gate; undefined when the project has no gate of that id. */
export function taskDetailsOf(status: ProjectStatus, taskId: string): TaskDetails | undefined {
  const gate = status.gates.find((g) => g.id === taskId);
  if (!gate) return undefined;
  const own = status.audit.filter((e) => e.gateId === gate.id);
  const awaiting = status.awaiting.find((a) => a.gateId === gate.id);
  return {
    view: 'task',
    version: STATUS_VIEWS_VERSION,
    workflowId: status.workflowId,
    projectId: status.projectId,
    state: status.state,
    gate,
    ...(gate.kind === 'cab' ? { task: status.gates.find((g) => g.id === gate.taskId) } : {}),
    cabGates: gate.kind === 'task' ? status.gates.filter((g) => g.kind === 'cab' && g.taskId === gate.id).map((g) => gateLine(g)) : [],
    ...(awaiting ? { awaiting } : {}),
    steps: gate.steps,
    audit: own.slice(-MAX_TASK_AUDIT),
    auditTotal: own.length,
  };
}

// ---- the audit trail, in pages ----

export function auditPageOf(status: ProjectStatus, request: AuditPageRequest = {}): AuditPage {
  const after = Number.isFinite(request.after) ? Number(request.after) : Number.NEGATIVE_INFINITY;
  const limit = Math.max(
    1,
    Math.min(MAX_AUDIT_PAGE, Math.floor(Number.isFinite(request.limit) ? Number(request.limit) : DEFAULT_AUDIT_PAGE)),
  );
  // Kept entries are numbered 1, 2, … in the order they were recorded (refusals beyond the kept ones are counted only).
  const rest = status.audit.filter((e) => e.id > after);
  const entries = rest.slice(0, limit);
  const last = entries.at(-1);
  return {
    view: 'audit',
    version: STATUS_VIEWS_VERSION,
    projectId: status.projectId,
    entries,
    ...(rest.length > entries.length && last ? { next: last.id } : {}),
    total: status.audit.length,
    refusedNotKept: status.refusedNotKept,
  };
}

// ---- helpers ----

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  return max <= 1 ? '…' : `${text.slice(0, max - 1)}…`;
}

/** UTF-8 bytes of a value's JSON, counted without TextEncoder (the workflow sandbox need not have one). */
export function jsonBytes(value: unknown): number {
  const text = JSON.stringify(value);
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}
