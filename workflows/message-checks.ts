/**
 * The checks every decision, signal and cancellation passes before it can touch a project, written without zod.
 *
 * Why not zod here: the SDK gives every cached workflow its own instance of every module in the workflow bundle,
 * and zod with these schemas cost ~1.1 MB per open project (zod/mini: ~0.8 MB), against ~0.3 MB for everything
 * else (bench/results/experiments/memory-per-workflow.md, issue #6). These checks accept exactly what the former
 * zod schemas accepted, normalise the same way (actor trimmed and lower-cased) and word each problem the same:
 * test/unit/message-validators-property.test.ts holds them to an independent oracle and to those zod schemas.
 */
import type { FieldProblem } from './field-problems';
import {
  DECISIONS,
  MAX_ASSERTION_LENGTH,
  MAX_ATTACHMENT_NAME_LENGTH,
  MAX_ATTACHMENT_NOTE_LENGTH,
  MAX_ATTACHMENT_URL_LENGTH,
  MAX_COMMENT_LENGTH,
  type AttachPayload,
  type CancelPayload,
  type DecisionPayload,
  type SignalPayload,
  type TrustPayload,
} from './messages';
import { ROLES } from './roles';

export type Checked<T> = { success: true; data: T } | { success: false; problems: FieldProblem[] };

/** The field label of a problem with the payload as a whole (not an object, unknown fields). */
export const PAYLOAD_FIELD = '(payload)';

type FieldResult = { ok: true; value: unknown } | { ok: false; message: string };
type FieldCheck = (value: unknown) => FieldResult;

/** The name zod's messages give a value's type ("received null", "received array", "received NaN"). */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value;
}

const expected = (what: string, value: unknown): string => `Invalid input: expected ${what}, received ${typeName(value)}`;

interface StringRule {
  min?: number;
  minMessage?: string;
  max?: number;
  maxMessage?: string;
  /** Trim (and lower-case) before the length and pattern checks, as the e-mail and reason fields do. */
  trim?: boolean;
  lowerCase?: boolean;
  pattern?: { test: RegExp; message: string };
}

function text(rule: StringRule): FieldCheck {
  return (value) => {
    if (typeof value !== 'string') return { ok: false, message: expected('string', value) };
    let normalised = rule.trim ? value.trim() : value;
    if (rule.lowerCase) normalised = normalised.toLowerCase();
    if (rule.min !== undefined && normalised.length < rule.min) {
      return { ok: false, message: rule.minMessage ?? `Too small: expected string to have >=${rule.min} characters` };
    }
    if (rule.max !== undefined && normalised.length > rule.max) {
      return { ok: false, message: rule.maxMessage ?? `Too big: expected string to have <=${rule.max} characters` };
    }
    if (rule.pattern && !rule.pattern.test.test(normalised)) return { ok: false, message: rule.pattern.message };
    return { ok: true, value: normalised };
  };
}

function oneOf(values: readonly string[]): FieldCheck {
  const message = `must be one of ${values.join(', ')}`;
  return (value) => (typeof value === 'string' && values.includes(value) ? { ok: true, value } : { ok: false, message });
}

/** A field that may be left out (or sent as undefined); null is not "left out". */
function optional(check: FieldCheck): FieldCheck {
  return (value) => (value === undefined ? { ok: true, value } : check(value));
}

/** zod 4's "practical" e-mail pattern, so an address the CLI accepts is one the workflow accepts and vice versa. */
const EMAIL = /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

const taskId = text({ min: 1, minMessage: 'must name a task', max: 80 });
const actor = text({ trim: true, lowerCase: true, pattern: { test: EMAIL, message: 'must be the e-mail of a participant' } });
const role = oneOf(ROLES);
const comment = optional(text({ max: MAX_COMMENT_LENGTH, maxMessage: `must be at most ${MAX_COMMENT_LENGTH} characters` }));
const requestId = optional(text({ min: 1, max: 128 }));
const assertion = text({ min: 1, max: MAX_ASSERTION_LENGTH });

/** Checks a strict object: every listed field, in order, then any field not listed. */
function checkObject<T>(shape: Record<string, FieldCheck>, raw: unknown): Checked<T> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { success: false, problems: [{ field: PAYLOAD_FIELD, message: expected('object', raw) }] };
  }
  const input = raw as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const data: Record<string, unknown> = {};
  for (const [field, check] of Object.entries(shape)) {
    const result = check(input[field]);
    if (!result.ok) problems.push({ field, message: result.message });
    else if (result.value !== undefined) data[field] = result.value;
  }
  const unknown = Object.keys(input).filter((key) => !Object.hasOwn(shape, key));
  if (unknown.length) {
    problems.push({
      field: PAYLOAD_FIELD,
      message: `unknown field(s) ${unknown.map((k) => `"${k}"`).join(', ')}; remove them or check their spelling`,
    });
  }
  return problems.length ? { success: false, problems } : { success: true, data: data as T };
}

const SIGNAL_SHAPE = { taskId, actor, role, comment, requestId, assertion: optional(assertion) };
const DECISION_SHAPE = {
  ...SIGNAL_SHAPE,
  decision: oneOf(DECISIONS),
  // 7 characters: git's short commit id, which approving the code update may name.
  evidence: optional(text({ min: 7, max: 200 })),
};
const CANCEL_SHAPE = {
  actor,
  role,
  reason: text({ min: 3, minMessage: 'must say why the project is cancelled', max: MAX_COMMENT_LENGTH, trim: true }),
  requestId,
  assertion: optional(assertion),
};
const TRUST_SHAPE = { assertion };

/** An http(s) URL without credentials, spaces or control characters (checked by pattern: no URL class in the sandbox). */
const HTTP_URL = /^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:[/?#][!-~]*)?$/;
// No path separators or control characters: a name, not a path; printable otherwise (people name files freely).
// eslint-disable-next-line no-control-regex -- control characters are exactly what a name must not hold
const FILE_NAME = /^[^/\\\u0000-\u001f\u007f]+$/;
const wholeNumber =
  (max: number): FieldCheck =>
  (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max
      ? { ok: true, value }
      : { ok: false, message: `must be a whole number from 0 to ${max}` };
const ATTACHMENT_SHAPE = {
  name: text({
    trim: true,
    min: 1,
    minMessage: 'must name the document',
    max: MAX_ATTACHMENT_NAME_LENGTH,
    pattern: { test: FILE_NAME, message: 'must be a file name without "/", "\\" or control characters' },
  }),
  sha256: text({
    trim: true,
    lowerCase: true,
    pattern: { test: /^[0-9a-f]{64}$/, message: 'must be the sha256 of the document, 64 hex digits' },
  }),
  url: optional(
    text({
      trim: true,
      max: MAX_ATTACHMENT_URL_LENGTH,
      pattern: { test: HTTP_URL, message: 'must be an http(s) URL without spaces or credentials' },
    }),
  ),
  bytes: optional(wholeNumber(Number.MAX_SAFE_INTEGER)),
  mediaType: optional(
    text({
      max: 100,
      pattern: { test: /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i, message: 'must be a media type such as text/markdown' },
    }),
  ),
  note: optional(text({ max: MAX_ATTACHMENT_NOTE_LENGTH, pattern: { test: /^[^\r\n]*$/, message: 'must be one line' } })),
};
const attachment: FieldCheck = (value) => {
  const checked = checkObject<Record<string, unknown>>(ATTACHMENT_SHAPE, value);
  if (checked.success) {
    const url = checked.data.url;
    if (typeof url === 'string' && /^https?:\/\/[^/]*@/.test(url))
      return { ok: false, message: 'url: must not carry credentials (user:password@)' };
    return { ok: true, value: checked.data };
  }
  return {
    ok: false,
    message: checked.problems.map((p) => (p.field === PAYLOAD_FIELD ? p.message : `${p.field}: ${p.message}`)).join('; '),
  };
};
const ATTACH_SHAPE = { taskId, actor, role, attachment, requestId, assertion: optional(assertion) };

/** The `decide` update's payload. */
export const checkDecisionPayload = (raw: unknown): Checked<DecisionPayload> => checkObject(DECISION_SHAPE, raw);
/** The payload of the `approve`, `reject` and `comment` signals. */
export const checkSignalPayload = (raw: unknown): Checked<SignalPayload> => checkObject(SIGNAL_SHAPE, raw);
/** The `cancel` update's payload. */
export const checkCancelPayload = (raw: unknown): Checked<CancelPayload> => checkObject(CANCEL_SHAPE, raw);
/** The `attach` update's payload. */
export const checkAttachPayload = (raw: unknown): Checked<AttachPayload> => checkObject(ATTACH_SHAPE, raw);
/** The `trust` update's payload. */
export const checkTrustPayload = (raw: unknown): Checked<TrustPayload> => checkObject(TRUST_SHAPE, raw);
