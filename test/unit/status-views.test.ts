import { plainStyle } from '../../client/io';
import { renderStatus } from '../../client/format/status';
import { renderTaskDetails } from '../../client/format/task';
import type { DecisionPayload } from '../../workflows/messages';
import { validateProjectInput } from '../../workflows/project-input';
import { ProjectState } from '../../workflows/project-state';
import {
  auditPageOf,
  jsonBytes,
  MAX_AUDIT_PAGE,
  MAX_TASK_AUDIT,
  SUMMARY_MAX_BYTES,
  summaryOf,
  taskDetailsOf,
} from '../../workflows/status-views';
import { makeProject } from '../support/project-fixture';
import { artifactRef, awaitingDecision, blockedOn } from '../support/state-driver';

function newState(overrides = {}) {
  const parsed = validateProjectInput(makeProject(overrides));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  let tick = 0;
  return new ProjectState('upgrade-x', parsed.project, () => new Date(Date.UTC(2026, 10, 28, 9, 0, tick++)).toISOString());
}

const plan = (over: Partial<DecisionPayload> = {}): DecisionPayload => ({
  taskId: 'create-upgrade-plan',
  decision: 'approve',
  actor: 'carla@acme.example',
  role: 'customer',
  ...over,
});

const planSteps = (round: number) => [
  {
    step: 'draftUpgradePlan' as const,
    summary: `plan v${round}`,
    artifact: artifactRef(`p/${String(round).padStart(16, '0')}-plan.md`, `ab${round}`),
  },
];

/** A project that has run for a long time: many rounds of rejected plans with long comments, and a flood of refusals. */
function longRunningState(rounds: number, refusals: number) {
  const state = newState();
  for (let round = 1; round <= rounds; round++) {
    awaitingDecision(state, 'create-upgrade-plan', planSteps(round));
    state.apply(
      plan({ actor: 'pat@agency.example', role: 'partner', decision: 'comment', comment: `comment ${round} `.repeat(100) }),
      'update',
    );
    state.apply(plan({ decision: 'reject', comment: `not yet, round ${round}: `.repeat(50) }), 'update');
    state.sendBack('create-upgrade-plan', 'create-upgrade-plan');
  }
  for (let i = 0; i < refusals; i++) state.refuse(plan({ actor: `mallory${i}@evil.example` }), 'not a participant '.repeat(10), 'signal');
  awaitingDecision(state, 'create-upgrade-plan', planSteps(rounds + 1));
  return state;
}

describe('status summary', () => {
  it('stays under 4 KB however long the project has run, while `status` grows with it', () => {
    for (const [rounds, refusals] of [
      [1, 0],
      [20, 50],
      [200, 500],
    ] as const) {
      const state = longRunningState(rounds, refusals);
      const summary = summaryOf(state.status());
      expect(jsonBytes(summary)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
      expect(summary.counts).toMatchObject({
        rework: rounds,
        refused: Math.min(refusals, 200),
        refusedNotKept: Math.max(0, refusals - 200),
      });
      expect(summary.counts.decisions).toBe(rounds * 2);
      expect(summary.lastRework).toMatchObject({
        rejectedTask: 'create-upgrade-plan',
        backTo: 'create-upgrade-plan',
        actor: 'carla@acme.example',
      });
      expect(summary.awaiting).toEqual([
        expect.objectContaining({
          gateId: 'create-upgrade-plan',
          state: 'awaiting-approval',
          roles: ['customer'],
          actors: ['carla@acme.example', 'chris@acme.example'],
        }),
      ]);
      const planLine = summary.gates.find((g) => g.id === 'create-upgrade-plan');
      expect(planLine).toMatchObject({ state: 'awaiting-approval', rounds: rounds + 1, approvals: 0, requiredApprovals: 1 });
      if (rounds === 200) expect(jsonBytes(state.status())).toBeGreaterThan(200_000);
    }
  });

  it('fits the largest participant lists and error texts the project file allows by cutting them, and says how many it cut', () => {
    const people = (role: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        name: `${role} ${i}`,
        email: `${`${role}-${i}-`.padEnd(60, 'x')}@${'d'.repeat(11)}.example`,
      }));
    const state = newState({
      participants: { customer: people('customer', 8), partner: people('partner', 8), 'managed-services': people('cse', 8) },
    });
    blockedOn(state, 'create-upgrade-plan', 'draftUpgradePlan', `E${'rror '.repeat(2000)}`);
    const status = state.status();
    expect(status.awaiting[0]!.actors).toHaveLength(16);
    const summary = summaryOf(status);
    expect(jsonBytes(summary)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    const awaited = summary.awaiting[0]!;
    expect(awaited.actors.length + (awaited.moreActors ?? 0)).toBe(16);
    const line = summary.gates.find((g) => g.id === 'create-upgrade-plan')!;
    expect(line.blocked?.step).toBe('draftUpgradePlan');
    expect(line.blocked!.error.endsWith('…')).toBe(true);
  });

  it('answers a fresh project with one line per gate of its playbook', () => {
    const state = newState();
    const summary = summaryOf(state.status());
    expect(summary.gates.map((g) => g.id)).toEqual(state.gates.map((g) => g.id));
    expect(summary).toMatchObject({ view: 'summary', state: 'running', phase: 'plan', awaiting: [], counts: { audit: 0, decisions: 0 } });
    expect(summary.gates.every((g) => g.state === 'pending' && g.blocked === undefined)).toBe(true);
  });
});

describe('task details', () => {
  it('gives one task its steps, approvals and its own audit entries only, newest last', () => {
    const state = newState();
    const gate = awaitingDecision(state, 'create-upgrade-plan', planSteps(1));
    state.apply(plan({ comment: 'fine' }), 'update');
    awaitingDecision(state, 'determine-infrastructure-changes', [
      { step: 'determineInfrastructureChanges', artifact: artifactRef('p/0000000000000001-infra.md', 'cd') },
    ]);
    const details = taskDetailsOf(state.status(), 'create-upgrade-plan')!;
    expect(details.gate.id).toBe(gate.id);
    expect(details.steps).toEqual([expect.objectContaining({ step: 'draftUpgradePlan', summary: 'plan v1' })]);
    expect(details.gate.approvals).toEqual([expect.objectContaining({ actor: 'carla@acme.example' })]);
    expect(details.audit.length).toBeGreaterThan(0);
    expect(details.audit.every((e) => e.gateId === 'create-upgrade-plan')).toBe(true);
    expect(details.audit.some((e) => e.kind === 'decision' && e.comment === 'fine')).toBe(true);
    expect(details.awaiting).toBeUndefined();
    expect(taskDetailsOf(state.status(), 'determine-infrastructure-changes')!.awaiting).toMatchObject({ roles: ['managed-services'] });
  });

  it('lists the CAB gates of a task, keeps only the newest entries of a long task, and knows no unknown task', () => {
    const state = longRunningState(60, 0);
    const details = taskDetailsOf(state.status(), 'create-upgrade-plan')!;
    expect(details.audit).toHaveLength(MAX_TASK_AUDIT);
    expect(details.auditTotal).toBeGreaterThan(MAX_TASK_AUDIT);
    expect(details.audit.at(-1)!.id).toBe(Math.max(...state.audit.filter((e) => e.gateId === 'create-upgrade-plan').map((e) => e.id)));
    const launch = taskDetailsOf(state.status(), 'launch-to-production')!;
    expect(launch.cabGates.map((g) => g.kind)).toEqual(launch.cabGates.map(() => 'cab'));
    expect(launch.cabGates.length).toBeGreaterThan(0);
    // A CAB gate's details carry its task: what a signer needs to bind a CAB decision to the task's evidence.
    const cab = taskDetailsOf(state.status(), launch.cabGates[0]!.id)!;
    expect(cab.task?.id).toBe('launch-to-production');
    expect(cab.workflowId).toBe('upgrade-x');
    expect(launch.task).toBeUndefined();
    expect(taskDetailsOf(state.status(), 'nope')).toBeUndefined();
  });
});

describe('audit pages', () => {
  it('pages through the whole trail in order, at most 200 entries at a time', () => {
    const state = longRunningState(40, 120);
    const all = state.audit;
    expect(all.length).toBeGreaterThan(MAX_AUDIT_PAGE);
    const seen: number[] = [];
    let after: number | undefined;
    let pages = 0;
    for (;;) {
      const page = auditPageOf(state.status(), { after, limit: 1000 });
      pages += 1;
      expect(page.entries.length).toBeLessThanOrEqual(MAX_AUDIT_PAGE);
      expect(page.total).toBe(all.length);
      seen.push(...page.entries.map((e) => e.id));
      if (page.next === undefined) break;
      after = page.next;
    }
    expect(seen).toEqual(all.map((e) => e.id));
    expect(pages).toBe(Math.ceil(all.length / MAX_AUDIT_PAGE));
    expect(auditPageOf(state.status()).entries).toHaveLength(100);
    const end = auditPageOf(state.status(), { after: all.at(-1)!.id });
    expect(end.entries).toEqual([]);
    expect(end.next).toBeUndefined();
    // Nonsense paging asks for the default page rather than failing the query.
    expect(auditPageOf(state.status(), { after: Number.NaN, limit: -5 }).entries).toHaveLength(1);
  });
});

describe('CLI views', () => {
  it('draws the same status table from the summary as from the whole status answer', () => {
    const state = longRunningState(3, 2);
    const now = Date.UTC(2026, 10, 29);
    expect(renderStatus(summaryOf(state.status()), now, plainStyle())).toBe(renderStatus(state.status(), now, plainStyle()));
    expect(renderStatus(summaryOf(state.status()), now, plainStyle())).toMatch(
      /Rework: 3 \(last: create-upgrade-plan rejected by carla@acme\.example/,
    );
  });

  it('shows one task with its steps, approvals and audit entries', () => {
    const state = newState();
    awaitingDecision(state, 'create-upgrade-plan', planSteps(1));
    state.apply(plan({ comment: 'looks right' }), 'update');
    const text = renderTaskDetails(taskDetailsOf(state.status(), 'create-upgrade-plan')!, plainStyle());
    expect(text).toMatch(/^create-upgrade-plan — /);
    expect(text).toMatch(/approvals 1\/1/);
    expect(text).toMatch(/^draftUpgradePlan +done +\S+ \S+ +plan v1 +p\/0000000000000001-plan\.md$/m);
    expect(text).toMatch(/^ {2}carla@acme\.example at .* on p\/0000000000000001-plan\.md$/m);
    expect(text).toMatch(/^ {2}#\d+ .* decision approve by carla@acme\.example: looks right$/m);
  });
});
