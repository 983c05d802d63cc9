/**
 * Property-based tests (fast-check) of the project-file validator `validateProjectInput`: what the CLI and the
 * workflow accept a project from. Valid files are generated (random ids, people, versions, environments, windows,
 * optional sections); junk and single broken fields are then thrown at it.
 */
import fc from 'fast-check';
import { compareCommerceVersions, parseCommerceVersion } from '../../workflows/commerce-version';
import { durationToMs } from '../../workflows/durations';
import { validateProjectInput, WEEKDAYS, type ProjectFile } from '../../workflows/project-input';
import { ROLES } from '../../workflows/roles';

const VERSIONS = ['2.4.4-p13', '2.4.5-p12', '2.4.6', '2.4.6-p8', '2.4.7', '2.4.7-p3', '2.4.7-p6', '2.4.8', '2.4.8-p3'];

const versionPair = fc
  .tuple(fc.constantFrom(...VERSIONS), fc.constantFrom(...VERSIONS))
  .filter(([a, b]) => compareCommerceVersions(parseCommerceVersion(a)!, parseCommerceVersion(b)!) < 0);

const word = fc.stringMatching(/^[a-z]{2,10}$/);
/** Distinct addresses across all roles: each person appears once. */
const people = fc
  .uniqueArray(fc.tuple(word, word), { minLength: 3, maxLength: 9, selector: ([l, d]) => `${l}@${d}` })
  .chain((pairs) =>
    fc.tuple(fc.integer({ min: 1, max: pairs.length - 2 }), fc.integer({ min: 1, max: pairs.length - 1 })).map(([a, b]) => {
      const cutA = a;
      const cutB = Math.max(b, cutA + 1);
      const person = ([local, domain]: [string, string]) => ({
        name: `${local[0]!.toUpperCase()}${local.slice(1)} Person`,
        email: `${local}@${domain}.example`,
      });
      return {
        customer: pairs.slice(0, cutA).map(person),
        partner: pairs.slice(cutA, cutB).map(person),
        'managed-services': pairs.slice(cutB).map(person),
      };
    }),
  )
  .filter((p) => p['managed-services'].length > 0 && p.partner.length > 0);

const environment = (branch: string) =>
  fc.record(
    {
      url: fc.webUrl({ validSchemes: ['https'] }),
      branch: fc.constant(branch),
      kind: fc.constantFrom('pro' as const, 'integration' as const),
      adminPath: fc.stringMatching(/^\/[a-z0-9_]{1,12}$/),
    },
    { requiredKeys: ['url', 'branch'] },
  );

const changeWindow = fc.record({
  days: fc.uniqueArray(fc.constantFrom(...WEEKDAYS), { minLength: 1, maxLength: 7 }),
  startUtc: fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
  durationMinutes: fc.integer({ min: 15, max: 1440 }),
});

/** Periods of at least a minute and at most 300 days: the production minimums and maximum of the schema. */
const duration = fc.tuple(fc.integer({ min: 1, max: 300 }), fc.constantFrom('m', 'h', 'd')).map(([n, u]) => `${n}${u}`);
/** Reminders come before (or with) escalations. */
const timing = fc.tuple(duration, duration).map(([a, b]) => {
  const [remindAfter, escalateAfter] = durationToMs(a) <= durationToMs(b) ? [a, b] : [b, a];
  return { remindAfter, escalateAfter };
});
/** Owner role of each gate the generator names (the count is kept within the role's participants). */
const GATE_OWNER = {
  'create-upgrade-plan': 'customer',
  'user-acceptance-testing': 'customer',
  'cab-production-deployment': 'managed-services',
} as const;

export const validProject: fc.Arbitrary<ProjectFile> = fc
  .record(
    {
      projectId: fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,40}$/),
      customer: fc.stringMatching(/^[A-Z][a-z]{1,20}( [A-Z][a-z]{1,10})?$/),
      participants: people,
      versions: versionPair,
      repository: fc.record({
        url: fc.constantFrom('/srv/git/acme.git', 'git@github.com:acme/shop.git', 'https://git.example/acme.git'),
        baseBranch: fc.constantFrom('master', 'main'),
      }),
      staging: environment('staging'),
      production: environment('master'),
      changeWindows: fc.array(changeWindow, { minLength: 1, maxLength: 3 }),
      timing,
      requiredApprovals: fc.dictionary(
        fc.constantFrom('create-upgrade-plan', 'user-acceptance-testing', 'cab-production-deployment'),
        fc.integer({ min: 1, max: 8 }),
      ),
      runbookCommands: fc.array(fc.stringMatching(/^bin\/magento [a-z:]{3,30}$/), { maxLength: 5 }),
      notifications: fc.record({ email: fc.boolean(), webhook: fc.boolean() }),
    },
    { requiredKeys: ['projectId', 'customer', 'participants', 'versions', 'repository', 'staging', 'production', 'changeWindows'] },
  )
  .map(({ versions, staging, production, requiredApprovals, ...rest }) => ({
    version: 1 as const,
    ...rest,
    ...(requiredApprovals
      ? {
          requiredApprovals: Object.fromEntries(
            Object.entries(requiredApprovals).map(([gate, n]) => [
              gate,
              Math.min(n, rest.participants[GATE_OWNER[gate as keyof typeof GATE_OWNER]].length),
            ]),
          ),
        }
      : {}),
    currentVersion: versions[0],
    targetVersion: versions[1],
    environments: { staging, production },
  }));

/** A project file being broken on purpose: any shape goes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

/** One broken field: where it is, and what to do to the valid file. */
interface Breakage {
  field: string;
  apply(project: Loose): void;
}

const REQUIRED = [
  'version',
  'projectId',
  'customer',
  'participants',
  'currentVersion',
  'targetVersion',
  'repository',
  'environments',
  'changeWindows',
] as const;

const breakages: fc.Arbitrary<Breakage> = fc.oneof(
  // Each required field missing.
  fc.constantFrom(...REQUIRED).map((field) => ({ field, apply: (p: Loose) => delete p[field] })),
  // Wrong types at the top level.
  fc
    .tuple(fc.constantFrom(...REQUIRED), fc.constantFrom<unknown>(42, true, null, ['x'], 'text', { a: 1 }))
    .filter(([field, value]) => !(field === 'customer' && value === 'text') && !(field === 'projectId' && value === 'text'))
    .map(([field, value]) => ({ field, apply: (p: Loose) => void (p[field] = value) })),
  // Versions outside the 2.4 line or not versions at all.
  fc
    .tuple(
      fc.constantFrom('currentVersion', 'targetVersion'),
      fc.constantFrom('2.5.0', '3.0.0', '2.4', '2.4.8-p', 'latest', '2.3.7-p4', ' '),
    )
    .map(([field, value]) => ({
      field,
      apply: (p: Loose) => void (p[field] = value),
    })),
  // Target not newer than current (swap, or equal).
  fc.constant({
    field: 'targetVersion',
    apply: (p: Loose) => void ([p.currentVersion, p.targetVersion] = [p.targetVersion, p.currentVersion]),
  }),
  fc.constant({ field: 'targetVersion', apply: (p: Loose) => void (p.targetVersion = p.currentVersion) }),
  // The same person twice (in another role): reported on the later listing's e-mail (roles in contract order).
  fc.constantFrom(...ROLES).map((role) => ({
    field: 'participants',
    apply: (p: Loose) => {
      const other = ROLES.find((r) => r !== role)!;
      p.participants[role].push({ ...p.participants[other][0], name: 'Twice Listed' });
    },
  })),
  fc.constantFrom(...ROLES).map((role) => ({ field: `participants.${role}`, apply: (p: Loose) => void (p.participants[role] = []) })),
  fc
    .constantFrom(...ROLES)
    .map((role) => ({ field: `participants.${role}.0.email`, apply: (p: Loose) => void (p.participants[role][0].email = 'nobody') })),
  fc
    .constantFrom('staging', 'production')
    .map((env) => ({ field: `environments.${env}.url`, apply: (p: Loose) => void (p.environments[env].url = 'not a url') })),
  fc.constant({ field: 'changeWindows', apply: (p: Loose) => void (p.changeWindows = []) }),
  fc.constant({ field: 'changeWindows.0.startUtc', apply: (p: Loose) => void (p.changeWindows[0].startUtc = '25:00') }),
  fc.constant({ field: 'changeWindows.0.durationMinutes', apply: (p: Loose) => void (p.changeWindows[0].durationMinutes = 1.5) }),
  fc.constant({ field: 'timing.remindAfter', apply: (p: Loose) => void (p.timing = { remindAfter: 'soon', escalateAfter: '5d' }) }),
  fc.constant({
    field: 'requiredApprovals.create-upgrade-plan',
    apply: (p: Loose) => void (p.requiredApprovals = { 'create-upgrade-plan': 0 }),
  }),
  fc.constant({ field: 'projectId', apply: (p: Loose) => void (p.projectId = 'Acme 2.4.8') }),
  fc.constant({ field: 'customer', apply: (p: Loose) => void (p.customer = '   ') }),
  // An unknown field is named in the message (its path is the object holding it).
  fc.constant({ field: '(project file)', apply: (p: Loose) => void (p.smtpPassword = 'hunter2') }),
);

describe('validateProjectInput (property-based)', () => {
  it('accepts every generated valid project file', () => {
    fc.assert(
      fc.property(validProject, (project) => {
        const result = validateProjectInput(project);
        if (!result.ok) throw new Error(`refused a valid file: ${JSON.stringify(result.problems)}`);
        expect(result.project.projectId).toBe(project.projectId);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on junk, and answers problems with a field and a message', () => {
    const junk = fc.oneof(
      fc.anything(),
      // Valid files with one field replaced by anything: the validator must still answer, not crash.
      fc
        .tuple(validProject, fc.constantFrom(...REQUIRED, 'timing', 'performance', 'postLaunch', 'timeline'), fc.anything())
        .map(([p, k, v]) => ({ ...p, [k]: v })),
    );
    fc.assert(
      fc.property(junk, (raw) => {
        const result = validateProjectInput(raw);
        if (!result.ok) {
          expect(result.problems.length).toBeGreaterThan(0);
          for (const problem of result.problems) {
            expect(typeof problem.field).toBe('string');
            expect(problem.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reports a single broken field by that field', () => {
    fc.assert(
      fc.property(validProject, breakages, (project, breakage) => {
        const copy = structuredClone(project) as Loose;
        breakage.apply(copy);
        const result = validateProjectInput(copy);
        if (result.ok) throw new Error(`accepted a file with ${breakage.field} broken`);
        const fields = result.problems.map((p) => p.field);
        // Every problem is about the broken field (or inside it), and at least one names it.
        const stray = fields.filter((field) => !(field === breakage.field || field.startsWith(`${breakage.field}.`)));
        if (stray.length) throw new Error(`broke ${breakage.field}, got ${JSON.stringify(result.problems)}`);
      }),
      { numRuns: 600 },
    );
  });
});
