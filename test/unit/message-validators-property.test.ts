/**
 * Property-based tests (fast-check) of the payload checks every decision passes through before it can touch a
 * project (workflows/message-checks.ts, used by the workflow and the CLI): `checkDecisionPayload` (the `decide`
 * update), `checkSignalPayload` (the `approve`/`reject`/`comment` signals) and `checkCancelPayload` (the `cancel`
 * update).
 *
 * Two oracles. The first is independent of any implementation: every field value is generated together with a label
 * saying whether the contract (DESIGN.md, workflows/messages.ts) allows it, so "accepted" can be compared with
 * "should be accepted" for arbitrary mixes of good and bad fields, extra fields and junk. The second is the zod
 * schemas these checks replaced in the workflow bundle (issue #6): same verdict, same data, same problems.
 */
import fc from 'fast-check';
import { checkCancelPayload, checkDecisionPayload, checkSignalPayload, PAYLOAD_FIELD, type Checked } from '../../workflows/message-checks';
import { DECISIONS, MAX_COMMENT_LENGTH } from '../../workflows/messages';
import { describeProblems } from '../../workflows/project-input';
import { cancelPayloadSchema, decisionPayloadSchema, signalPayloadSchema } from '../support/message-zod-schemas';
import { ROLES } from '../../workflows/roles';

/** A field value and whether the contract allows it. `undefined` value with `present: false` = field left out. */
interface Tagged {
  value: unknown;
  valid: boolean;
  present: boolean;
}

const good = (value: unknown): Tagged => ({ value, valid: true, present: true });
const bad = (value: unknown): Tagged => ({ value, valid: false, present: true });
const absent = (validWhenAbsent: boolean): Tagged => ({ value: undefined, valid: validWhenAbsent, present: false });

const lower = fc.stringMatching(/^[a-z0-9]{1,12}$/);
const validEmail = fc
  .tuple(lower, fc.stringMatching(/^[a-z]{1,10}$/), fc.constantFrom('example', 'com', 'de'))
  .map(([local, host, tld]) => `${local}@${host}.${tld}`);
const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);

const taskIdField: fc.Arbitrary<Tagged> = fc.oneof(
  { arbitrary: fc.string({ minLength: 1, maxLength: 80 }).map(good), weight: 20 },
  fc.constant(bad('')),
  fc.string({ minLength: 81, maxLength: 120 }).map(bad),
  notAString.map(bad),
  fc.constant(absent(false)),
);
const actorField: fc.Arbitrary<Tagged> = fc.oneof(
  { arbitrary: validEmail.map(good), weight: 20 },
  // Trimmed and lower-cased before the check: these are still valid.
  validEmail.map((e) => good(`  ${e.toUpperCase()} `)),
  fc.constantFrom('', 'not-an-email', 'a@', '@b.example', 'a b@c.example', 'a@b', 'a@@b.example').map(bad),
  notAString.map(bad),
  fc.constant(absent(false)),
);
const roleField: fc.Arbitrary<Tagged> = fc.oneof(
  { arbitrary: fc.constantFrom(...ROLES).map(good), weight: 20 },
  fc.constantFrom('Customer', 'admin', 'cse', '', 'managed services').map(bad),
  notAString.map(bad),
  fc.constant(absent(false)),
);
const commentField: fc.Arbitrary<Tagged> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 300 }).map(good), weight: 12 },
  fc.constant(good('x'.repeat(MAX_COMMENT_LENGTH))),
  fc.integer({ min: MAX_COMMENT_LENGTH + 1, max: MAX_COMMENT_LENGTH + 500 }).map((n) => bad('y'.repeat(n))),
  notAString.map(bad),
  { arbitrary: fc.constant(absent(true)), weight: 6 },
);
const requestIdField: fc.Arbitrary<Tagged> = fc.oneof(
  { arbitrary: fc.string({ minLength: 1, maxLength: 128 }).map(good), weight: 12 },
  fc.constant(bad('')),
  fc.string({ minLength: 129, maxLength: 200 }).map(bad),
  notAString.map(bad),
  { arbitrary: fc.constant(absent(true)), weight: 6 },
);
const decisionField: fc.Arbitrary<Tagged> = fc.oneof(
  { arbitrary: fc.constantFrom(...DECISIONS).map(good), weight: 20 },
  fc.constantFrom('approved', 'APPROVE', 'cancel', 'delete', '').map(bad),
  notAString.map(bad),
  fc.constant(absent(false)),
);
const evidenceField: fc.Arbitrary<Tagged> = fc.oneof(
  { arbitrary: fc.string({ minLength: 7, maxLength: 200 }).map(good), weight: 12 },
  fc.string({ maxLength: 6 }).map(bad),
  fc.string({ minLength: 201, maxLength: 260 }).map(bad),
  notAString.map(bad),
  { arbitrary: fc.constant(absent(true)), weight: 6 },
);
const reasonField: fc.Arbitrary<Tagged> = fc.oneof(
  { arbitrary: fc.stringMatching(/^[a-z]{3,40}( [a-z]{1,10}){0,3}$/).map(good), weight: 20 },
  fc.constantFrom('', 'no', '  ab  ', '    ').map(bad),
  fc.constant(bad('z'.repeat(MAX_COMMENT_LENGTH + 1))),
  notAString.map(bad),
  fc.constant(absent(false)),
);
/** Extra fields are never allowed (strict objects). */
const extraFields = fc.dictionary(
  fc.constantFrom('admin', 'force', 'approvedBy', '__proto__x', 'gateId', 'override'),
  fc.anything({ maxDepth: 1 }),
  { maxKeys: 2 },
);

type Fields = Record<string, fc.Arbitrary<Tagged>>;

function payloadOf(fields: Fields) {
  return fc
    .record({ fields: fc.record(fields), extra: fc.option(extraFields, { nil: undefined, freq: 4 }) })
    .map(({ fields: tagged, extra }) => {
      const payload: Record<string, unknown> = {};
      for (const [key, t] of Object.entries(tagged)) if (t.present) payload[key] = t.value;
      const extras = extra ? Object.keys(extra).filter((k) => !(k in tagged)) : [];
      for (const key of extras) payload[key] = extra![key];
      const invalidFields = Object.entries(tagged)
        .filter(([, t]) => !t.valid)
        .map(([k]) => k);
      return { payload, invalidFields, extras, shouldAccept: invalidFields.length === 0 && extras.length === 0 };
    });
}

const SCHEMAS = {
  decide: {
    check: checkDecisionPayload as (raw: unknown) => Checked<unknown>,
    schema: decisionPayloadSchema,
    fields: {
      taskId: taskIdField,
      actor: actorField,
      role: roleField,
      comment: commentField,
      requestId: requestIdField,
      decision: decisionField,
      evidence: evidenceField,
    } as Fields,
  },
  signal: {
    check: checkSignalPayload as (raw: unknown) => Checked<unknown>,
    schema: signalPayloadSchema,
    fields: { taskId: taskIdField, actor: actorField, role: roleField, comment: commentField, requestId: requestIdField } as Fields,
  },
  cancel: {
    check: checkCancelPayload as (raw: unknown) => Checked<unknown>,
    schema: cancelPayloadSchema,
    fields: { actor: actorField, role: roleField, reason: reasonField, requestId: requestIdField } as Fields,
  },
};

const RUNS = { numRuns: 400 };

describe.each(Object.entries(SCHEMAS))('%s payload check', (_name, { check, schema, fields }) => {
  it('never throws on arbitrary junk and never accepts a non-object', () => {
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        const result = check(junk);
        if (typeof junk !== 'object' || junk === null || Array.isArray(junk)) expect(result.success).toBe(false);
      }),
      RUNS,
    );
  });

  it('accepts exactly the payloads the contract allows (mixes of good, bad, missing and extra fields)', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(payloadOf(fields), ({ payload, invalidFields, extras, shouldAccept }) => {
        const result = check(payload);
        expect({ accepted: result.success, invalidFields, extras }).toEqual({ accepted: shouldAccept, invalidFields, extras });
        if (result.success) {
          accepted += 1;
          // What the handlers then work with is normalised: the actor as the participants list spells e-mails.
          const data = result.data as { actor: string };
          expect(data.actor).toBe(data.actor.trim().toLowerCase());
        } else {
          refused += 1;
          // Every refusal names each bad field by its path (and extra fields as unknown).
          const { problems } = result;
          for (const field of invalidFields) expect(problems.map((p) => p.field)).toContain(field);
          for (const key of extras) expect(problems.some((p) => p.message.includes(`"${key}"`))).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
    // The generator must exercise both sides, or the property proves little.
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(200);
  });

  it('reports a single broken field by that field alone', () => {
    const allGood = fc.record(Object.fromEntries(Object.entries(fields).map(([k, arb]) => [k, arb.filter((t) => t.valid && t.present)])));
    const brokenKey = fc.constantFrom(...Object.keys(fields));
    fc.assert(
      fc.property(allGood, brokenKey, fc.nat(), (goodFields, key, seed) => {
        const badValues = fc.sample(
          fields[key]!.filter((t) => !t.valid),
          { numRuns: 1, seed },
        )[0]!;
        const payload: Record<string, unknown> = {};
        for (const [k, t] of Object.entries(goodFields)) payload[k] = t.value;
        if (badValues.present) payload[key] = badValues.value;
        else delete payload[key];
        const result = check(payload);
        expect(result.success).toBe(false);
        if (!result.success) expect([...new Set(result.problems.map((p) => p.field))]).toEqual([key]);
      }),
      RUNS,
    );
  });

  /**
   * What the zod schema this check replaced answers: its verdict, its normalised data or its problems — the first
   * per field. zod also measures the length of an array sent where a string belongs and adds a second complaint
   * ("must say why…" for `reason: []`); the checks stop at "expected string, received array", on purpose.
   */
  const reference = (raw: unknown) => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return { success: true, data: parsed.data };
    const problems = describeProblems(parsed.error, PAYLOAD_FIELD);
    return { success: false, problems: problems.filter((p, i) => problems.findIndex((q) => q.field === p.field) === i) };
  };

  it('answers as the zod schema it replaced: verdict, normalised data, each bad field and its wording', () => {
    let refused = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          payloadOf(fields).map((p) => p.payload),
          fc.anything(),
        ),
        (raw) => {
          const ours = check(raw);
          if (!ours.success) refused += 1;
          // Through JSON, as payloads travel: an optional field left undefined is the same as one left out.
          expect(JSON.parse(JSON.stringify(ours))).toEqual(JSON.parse(JSON.stringify(reference(raw))));
        },
      ),
      { numRuns: 2000 },
    );
    expect(refused).toBeGreaterThan(500);
  });
});
