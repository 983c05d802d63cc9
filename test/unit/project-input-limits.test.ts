/**
 * Issue #12, findings 8, 9, 10, 11 and 3 (the schema side): the limits workflows/project-input.ts holds a project
 * file and the workflow's tunables to, each refused by field with a message that says the limit and why.
 */
import { requestTarget } from '../../activities/load-test/performance-test';
import { createValidateProject } from '../../activities/validate-project';
import { MAX_PARTICIPANTS_PER_ROLE, validateProjectInput, validateTunables, type ProjectFile } from '../../workflows/project-input';
import { makeProject, PEOPLE } from '../support/project-fixture';

function problemsOf(overrides: Partial<ProjectFile>, shortTimings = false): Array<{ field: string; message: string }> {
  const result = validateProjectInput(makeProject(overrides), { shortTimings });
  return result.ok ? [] : result.problems;
}

describe('timings (finding 8)', () => {
  test.each([
    [{ remindAfter: '0s', escalateAfter: '5d' }, 'timing.remindAfter', 'must be at least 1m'],
    [{ remindAfter: '2d', escalateAfter: '0ms' }, 'timing.escalateAfter', 'must be at least 1m'],
    [{ remindAfter: '59s', escalateAfter: '5d' }, 'timing.remindAfter', 'the owner is reminded again every such period'],
    [{ remindAfter: '2d', escalateAfter: '1d' }, 'timing.escalateAfter', 'must not be shorter than timing.remindAfter (2d)'],
    [{ remindAfter: '400d', escalateAfter: '400d' }, 'timing.remindAfter', 'must be at most 366d'],
  ])('%j is refused at %s', (timing, field, message) => {
    const problems = problemsOf({ timing });
    expect(problems.find((p) => p.field === field)?.message).toContain(message);
  });

  test('post-launch monitoring checks at most once a second and lasts at least one check', () => {
    expect(problemsOf({ postLaunch: { monitorFor: '7d', checkEvery: '0s' } })).toEqual([
      { field: 'postLaunch.checkEvery', message: 'must be at least 1s (every path of Production is requested each time); got "0s"' },
    ]);
    expect(problemsOf({ postLaunch: { monitorFor: '1m', checkEvery: '1h' } })[0]).toMatchObject({ field: 'postLaunch.monitorFor' });
  });

  test('a worker that allows short timings (tests, demos) still refuses zero', () => {
    expect(
      problemsOf({ timing: { remindAfter: '1s', escalateAfter: '2500ms' }, postLaunch: { monitorFor: '2s', checkEvery: '250ms' } }, true),
    ).toEqual([]);
    expect(problemsOf({ timing: { remindAfter: '0s', escalateAfter: '1s' } }, true)[0]).toMatchObject({ field: 'timing.remindAfter' });
  });
});

describe('participants (finding 9) and requiredApprovals (finding 10)', () => {
  const person = (i: number) => ({ name: `Person ${i}`, email: `person${i}@acme.example` });

  test(`more than ${MAX_PARTICIPANTS_PER_ROLE} people of a role, or a long address, are refused`, () => {
    const crowd = Array.from({ length: MAX_PARTICIPANTS_PER_ROLE + 1 }, (_, i) => person(i));
    expect(problemsOf({ participants: { ...PEOPLE, customer: crowd } })[0]).toMatchObject({ field: 'participants.customer' });
    const long = { name: 'Long', email: `${'x'.repeat(80)}@acme.example` };
    expect(problemsOf({ participants: { ...PEOPLE, partner: [long] } })[0]).toMatchObject({ field: 'participants.partner.0.email' });
  });

  test('the awaited people always fit the 2 KB UpgradeAwaitingActors search attribute', () => {
    const longest = (role: string) =>
      Array.from({ length: MAX_PARTICIPANTS_PER_ROLE }, (_, i) => ({
        name: 'N',
        email: `${role.slice(0, 3)}${i}${'x'.repeat(80 - 14)}@a.example`.slice(-80),
      }));
    const participants = { customer: longest('cus'), partner: longest('par'), 'managed-services': longest('mse') };
    const result = validateProjectInput(makeProject({ participants }));
    expect(result.ok).toBe(true);
    const everyone = Object.values(participants)
      .flat()
      .map((p) => p.email);
    expect(Buffer.byteLength(JSON.stringify(everyone))).toBeLessThanOrEqual(2048);
  });

  test('a key that is no task or CAB gate, or more approvals than people, is refused', () => {
    expect(problemsOf({ requiredApprovals: { 'create-upgrade-plann': 2 } })).toEqual([
      {
        field: 'requiredApprovals.create-upgrade-plann',
        message: expect.stringMatching(/^"create-upgrade-plann" is not a task or CAB gate id; use one of create-upgrade-plan, /),
      },
    ]);
    expect(problemsOf({ requiredApprovals: { 'launch-to-production': 2 } })).toEqual([
      {
        field: 'requiredApprovals.launch-to-production',
        message:
          'asks for 2 approvals but participants.partner lists 1 (the owner role of launch-to-production); the gate could never pass',
      },
    ]);
    expect(problemsOf({ requiredApprovals: { 'cab-production-deployment': 2 } })[0]?.message).toContain(
      'participants.managed-services lists 1',
    );
    expect(problemsOf({ requiredApprovals: { 'create-upgrade-plan': 2 } })).toEqual([]);
  });
});

describe('URLs, paths and commands (finding 3)', () => {
  test('a performance path with CR/LF or spaces is refused by the schema and by the request builder', () => {
    const hostile = '/ HTTP/1.1\r\nHost: 127.0.0.1:8233\r\n\r\nPOST /api/v1/namespaces/default/workflows/x/terminate';
    const problems = problemsOf({
      performance: { paths: [hostile], durationSeconds: 1, connections: 1, maxRequests: 1, maxP95Ms: 1000, maxErrorRate: 0.01 },
    });
    expect(problems[0]).toMatchObject({
      field: 'performance.paths.0',
      message: expect.stringContaining('no spaces, quotes or line breaks'),
    });
    expect(() => requestTarget(new URL('https://shop.example/base/'), hostile)).toThrow(/URL characters only/);
    expect(requestTarget(new URL('https://shop.example/base/'), '/checkout/cart?x=1')).toBe('/base/checkout/cart?x=1');
  });

  test('load-test bounds are capped', () => {
    const problems = problemsOf({
      performance: { paths: ['/'], durationSeconds: 3600, connections: 500, maxRequests: 10_000_000, maxP95Ms: 1000, maxErrorRate: 0.01 },
    });
    expect(problems.map((p) => p.field)).toEqual(['performance.durationSeconds', 'performance.connections', 'performance.maxRequests']);
  });

  test('environment URLs are http(s) without credentials; commands are one line', () => {
    const base = makeProject().environments;
    const withUrl = (url: string) => problemsOf({ environments: { ...base, staging: { ...base.staging, url } } });
    expect(withUrl('file:///etc/passwd')[0]?.message).toContain('http(s) URL');
    expect(withUrl('https://user:pw@staging.example')[0]?.message).toContain('must not carry credentials');
    expect(withUrl('https://staging.example/?a=b')[0]?.message).toContain('without ?query');
    expect(problemsOf({ runbookCommands: ['bin/magento cache:flush\nrm -rf /'] })[0]).toMatchObject({
      field: 'runbookCommands.0',
      message: 'must be one line',
    });
    expect(problemsOf({ repository: { url: '--upload-pack=touch /tmp/x', baseBranch: 'master' } })[0]?.field).toBe('repository.url');
  });
});

describe('tunables (finding 11)', () => {
  test.each([
    [{ productionNoticeHours: 0 }, 'tunables.productionNoticeHours', 'must be at least 48'],
    [{ activityStartToClose: 'forever' }, 'tunables.activityStartToClose', 'must be a duration'],
    [{ activityStartToClose: '1s' }, 'tunables.activityStartToClose', 'must be between 10s and'],
    [{ activityMaximumAttempts: 0 }, 'tunables.activityMaximumAttempts', ''],
    [
      { activityInitialInterval: '10s', activityMaximumInterval: '1s' },
      'tunables.activityMaximumInterval',
      'must not be shorter than activityInitialInterval',
    ],
    [{ productionNoticeHourz: 48 }, 'tunables', 'unknown field(s) "productionNoticeHourz"'],
  ])('%j is refused', (tunables, field, message) => {
    const result = validateTunables(tunables);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.find((p) => p.field === field)?.message).toContain(message);
  });

  test('no tunables, production tunables and (on a test worker) demo tunables pass', () => {
    expect(validateTunables(undefined)).toEqual({ ok: true, tunables: {} });
    expect(validateTunables({ productionNoticeHours: 72, activityStartToClose: '10m' }).ok).toBe(true);
    expect(validateTunables({ productionNoticeHours: 0, activityInitialInterval: '100ms' }, { shortTimings: true }).ok).toBe(true);
  });

  test('validateProject checks both, and keeps its one-argument call', async () => {
    const validate = createValidateProject();
    expect((await validate(makeProject())).ok).toBe(true);
    const both = await validate(makeProject({ timing: { remindAfter: '0s', escalateAfter: '5d' } }), { productionNoticeHours: 0 });
    expect(both.ok ? [] : both.problems.map((p) => p.field)).toEqual(['timing.remindAfter', 'tunables.productionNoticeHours']);
  });
});
