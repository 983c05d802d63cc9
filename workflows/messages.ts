/**
 * The public contract of `upgradeProject` (DESIGN.md): signals, updates and the query, as typed module-level
 * definitions the client imports too. One object in, one object out.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import type { ProjectStatus } from './project-state';
import { ROLES } from './roles';

export const MAX_COMMENT_LENGTH = 2000;

const base = {
  taskId: z.string().min(1, 'must name a task').max(80),
  actor: z.string().trim().toLowerCase().email('must be the e-mail of a participant'),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
  comment: z.string().max(MAX_COMMENT_LENGTH, `must be at most ${MAX_COMMENT_LENGTH} characters`).optional(),
  requestId: z.string().min(1).max(128).optional(),
};

/** Payload of the `approve`, `reject` and `comment` signals. */
export const signalPayloadSchema = z.strictObject(base);
export type SignalPayload = z.infer<typeof signalPayloadSchema>;

/**
 * `approve`/`reject` decide a task awaiting its owner; `retry`/`skip` resolve a blocked task; `comment` and
 * `acknowledge` (beyond the contract's four) let contributors take part without deciding.
 */
export const DECISIONS = ['approve', 'reject', 'retry', 'skip', 'comment', 'acknowledge'] as const;
export type Decision = (typeof DECISIONS)[number];

export const decisionPayloadSchema = z.strictObject({
  ...base,
  decision: z.enum(DECISIONS, { error: `must be one of ${DECISIONS.join(', ')}` }),
  /** The evidence approved: an artifact id or sha256 (prefix of at least 8 hex digits) the automation returned. */
  evidence: z.string().min(8).max(200).optional(),
});
export type DecisionPayload = z.infer<typeof decisionPayloadSchema>;

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

export const cancelPayloadSchema = z.strictObject({
  actor: base.actor,
  role: base.role,
  reason: z.string().trim().min(3, 'must say why the project is cancelled').max(MAX_COMMENT_LENGTH),
  requestId: base.requestId,
});
export type CancelPayload = z.infer<typeof cancelPayloadSchema>;

export const approveSignal = defineSignal<[SignalPayload]>('approve');
export const rejectSignal = defineSignal<[SignalPayload]>('reject');
export const commentSignal = defineSignal<[SignalPayload]>('comment');
export const decideUpdate = defineUpdate<DecisionResult, [DecisionPayload]>('decide');
export const cancelUpdate = defineUpdate<DecisionResult, [CancelPayload]>('cancel');
export const statusQuery = defineQuery<ProjectStatus>('status');

/** Workflow type of the public contract. */
export const WORKFLOW_TYPE = 'upgradeProject';
