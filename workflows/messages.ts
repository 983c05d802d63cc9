/**
 * The public contract of `upgradeProject` (DESIGN.md): signals, updates and the query, as typed module-level
 * definitions the client imports too. One object in, one object out.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ProjectStatus } from './project-state';
import type { Role } from './roles';
import type { AuditPage, AuditPageRequest, ProjectSummary, TaskDetails } from './status-views';

export const MAX_COMMENT_LENGTH = 2000;
/** Longest decision assertion accepted; a real one is ~800 characters. Bounds what a hostile payload makes us parse. */
export const MAX_ASSERTION_LENGTH = 4096;

/**
 * Payload of the `approve`, `reject` and `comment` signals. The rules (message-checks.ts): taskId 1–80 characters,
 * actor an e-mail (trimmed, lower-cased), role one of ROLES, comment at most MAX_COMMENT_LENGTH characters,
 * requestId 1–128 characters; no other fields.
 */
export interface SignalPayload {
  taskId: string;
  actor: string;
  role: Role;
  comment?: string;
  requestId?: string;
  /**
   * The approvals gateway's signed decision assertion (workflows/decision-assertion.ts). Projects started since
   * signed decisions (patch `decisions-need-signed-assertions`) refuse any decision without a valid one.
   */
  assertion?: string;
}

/**
 * `approve`/`reject` decide a task awaiting its owner; `retry`/`skip` resolve a blocked task; `comment` and
 * `acknowledge` (beyond the contract's four) let contributors take part without deciding.
 */
export const DECISIONS = ['approve', 'reject', 'retry', 'skip', 'comment', 'acknowledge'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Payload of the `decide` update: a signal payload plus the decision and, optionally, the evidence approved. */
export interface DecisionPayload extends SignalPayload {
  decision: Decision;
  /**
   * The evidence approved: an artifact or attachment id, a sha256 prefix, or (update-code-base) the commit, short or
   * full. On a rejection (gates that take attachments): the attachment to redo from, the reviewer's revision.
   */
  evidence?: string;
}

/**
 * Evidence a person brings to a task (issue #15): a document of their own — UAT results, a load-test report from
 * their tool, the CAB's minutes — named by its sha256, which is what approvals bind to. The project keeps the
 * reference, never the document: `url` says where reviewers get it (the CLI's `--file` hashes a local file).
 */
export interface AttachmentInput {
  /** File name as people know it, 1–MAX_ATTACHMENT_NAME_LENGTH characters, no path, no control characters. */
  name: string;
  /** sha256 of the document, 64 hex digits (lower-cased). */
  sha256: string;
  /** Where the document is, an http(s) URL of at most MAX_ATTACHMENT_URL_LENGTH characters without credentials. */
  url?: string;
  bytes?: number;
  mediaType?: string;
  /** One line on what it is ("UAT sign-off sheet, 42 scenarios"). */
  note?: string;
}

/** Payload of the `attach` update: who attaches what to which task, signed by the gateway like a decision. */
export interface AttachPayload {
  taskId: string;
  actor: string;
  role: Role;
  attachment: AttachmentInput;
  requestId?: string;
  /** The gateway's signed assertion (typ `attach`), binding the attachment's fields. */
  assertion?: string;
}

export interface AttachResult {
  taskId: string;
  /** The id the attachment is shown and approved under (`attached:<sha256 prefix>-<name>`). */
  attachmentId: string;
  sha256: string;
  auditId: number;
  duplicate: boolean;
  message: string;
}

export const MAX_ATTACHMENT_NAME_LENGTH = 120;
export const MAX_ATTACHMENT_URL_LENGTH = 500;
export const MAX_ATTACHMENT_NOTE_LENGTH = 300;
/** Attachments a gate takes per round: history stays bounded whatever people send. */
export const MAX_ATTACHMENTS_PER_GATE = 10;

export interface DecisionResult {
  taskId: string;
  decision: Decision;
  /** Task state after the decision. */
  taskState: string;
  /** Audit entry number that recorded it. */
  auditId: number;
  /** True when this `requestId` was applied before: the earlier result is answered again. */
  duplicate: boolean;
  message: string;
}

/** Payload of the `cancel` update: the reason is trimmed and needs at least 3 characters. */
export interface CancelPayload {
  actor: string;
  role: Role;
  reason: string;
  requestId?: string;
  /** The gateway's signed assertion of the cancellation (typ `cancel`). */
  assertion?: string;
}

/** Payload of the `trust` update: a rotation of the project's trusted keys, signed by a key it trusts now. */
export interface TrustPayload {
  assertion: string;
}

export interface TrustResult {
  /** Key ids the project trusts after the rotation. */
  keys: string[];
  auditId: number;
  message: string;
}

export const approveSignal = defineSignal<[SignalPayload]>('approve');
export const rejectSignal = defineSignal<[SignalPayload]>('reject');
export const commentSignal = defineSignal<[SignalPayload]>('comment');
export const decideUpdate = defineUpdate<DecisionResult, [DecisionPayload]>('decide');
export const cancelUpdate = defineUpdate<DecisionResult, [CancelPayload]>('cancel');
export const trustUpdate = defineUpdate<TrustResult, [TrustPayload]>('trust');
export const attachUpdate = defineUpdate<AttachResult, [AttachPayload]>('attach');
/** Everything at once (every gate, the whole audit trail): kept for older clients; new ones ask for what they show. */
export const statusQuery = defineQuery<ProjectStatus>('status');
/** State, phase, awaited steps, one line per gate and counts, under 4 KB however long the project runs (status-views.ts). */
export const statusSummaryQuery = defineQuery<ProjectSummary>('statusSummary');
/** One task or CAB gate: its steps, approvals and audit entries; `null` when the project has no such gate. */
export const taskDetailsQuery = defineQuery<TaskDetails | null, [{ taskId: string }]>('taskDetails');
/** The audit trail, a page at a time: `{ after, limit }` (at most 200 entries). */
export const auditPageQuery = defineQuery<AuditPage, [AuditPageRequest?]>('auditPage');

/** Workflow type of the public contract. */
export const WORKFLOW_TYPE = 'upgradeProject';
