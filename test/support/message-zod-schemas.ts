/**
 * The zod schemas the workflow validated decisions with until issue #6 moved them out of the workflow bundle (zod
 * cost every cached project ~1.1 MB there). Kept as the reference workflows/message-checks.ts must agree with,
 * field for field and word for word (test/unit/message-validators-property.test.ts).
 */
import { z } from 'zod';
import { DECISIONS, MAX_ASSERTION_LENGTH, MAX_COMMENT_LENGTH } from '../../workflows/messages';
import { ROLES } from '../../workflows/roles';

const base = {
  taskId: z.string().min(1, 'must name a task').max(80),
  actor: z.string().trim().toLowerCase().email('must be the e-mail of a participant'),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
  comment: z.string().max(MAX_COMMENT_LENGTH, `must be at most ${MAX_COMMENT_LENGTH} characters`).optional(),
  requestId: z.string().min(1).max(128).optional(),
  assertion: z.string().min(1).max(MAX_ASSERTION_LENGTH).optional(),
};

export const signalPayloadSchema = z.strictObject(base);

export const decisionPayloadSchema = z.strictObject({
  ...base,
  decision: z.enum(DECISIONS, { error: `must be one of ${DECISIONS.join(', ')}` }),
  evidence: z.string().min(7).max(200).optional(),
});

export const cancelPayloadSchema = z.strictObject({
  actor: base.actor,
  role: base.role,
  reason: z.string().trim().min(3, 'must say why the project is cancelled').max(MAX_COMMENT_LENGTH),
  requestId: base.requestId,
  assertion: base.assertion,
});
