/**
 * The CLI's pure formatting: status, history, pending, plan, participants, tables and times. Statuses come from the
 * real ProjectState driven with a fixed clock, so the views are checked against what the workflow would answer.
 */
import { buildPlan, renderPlan } from '../../client/format/plan';
import { participantsMarkdown } from '../../client/format/participants';
import { renderHistory } from '../../client/format/history';
import { renderPending, sortPending, type PendingItem } from '../../client/format/pending';
import { renderStatus } from '../../client/format/status';
import { renderTable, visibleLength } from '../../client/format/table';
import { ago, duration, shortIso } from '../../client/format/time';
import { plainStyle } from '../../client/io';
import { createColors } from 'picocolors';
import { projectInputSchema } from '../../workflows/project-input';
import { ProjectState } from '../../workflows/project-state';
import { makeProject, PEOPLE } from '../support/project-fixture';
import { artifactRef, awaitingDecision, blockedOn } from '../support/state-driver';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');

function projectState() {
  let now = T0;
  const project = projectInputSchema.parse(makeProject({ projectId: 'acme-2-4-8', requiredApprovals: { 'create-upgrade-plan': 2 } }));
  const state = new ProjectState('upgrade-acme-2-4-8', project, () => new Date(now).toISOString());
  return { state, project, advance: (ms: number) => (now += ms) };
}

describe('time', () => {
  it('speaks in the largest useful units', () => {
    expect(duration(42_000)).toBe('42s');
    expect(duration(5 * 60_000)).toBe('5m');
    expect(duration(3 * 3_600_000 + 7 * 60_000)).toBe('3h 7m');
    expect(duration(2 * 86_400_000 + 4 * 3_600_000)).toBe('2d 4h');
    expect(ago('2026-03-02T09:00:00.000Z', T0 + 86_400_000)).toBe('1d ago');
    expect(shortIso('2026-03-02T09:05:59.123Z')).toBe('2026-03-02 09:05:59Z');
  });
});

describe('tables', () => {
  it('aligns plain columns for pipes, ignoring colour codes, and draws borders on a terminal', () => {
    const plain = renderTable(
      ['a', 'bb'],
      [
        ['xxx', 'y'],
        [undefined, 2],
      ],
      plainStyle(),
    );
    expect(plain).toBe('A    BB\nxxx  y\n     2');
    const colors = createColors(true);
    expect(visibleLength(colors.red('abc'))).toBe(3);
    const tty = renderTable(['a'], [['x']], { tty: true, colors: createColors(false) });
    expect(tty).toContain('┌');
  });
});

describe('status', () => {
  it('shows every gate, whom it waits on since when, rounds and overdue marks', () => {
    const { state, advance } = projectState();
    awaitingDecision(state, 'create-upgrade-plan');
    advance(3 * 3_600_000);
    state.apply({ taskId: 'create-upgrade-plan', decision: 'approve', actor: 'carla@acme.example', role: 'customer' }, 'update');
    state.escalate('create-upgrade-plan', new Date(T0).toISOString());
    const text = renderStatus(state.status(), T0 + 26 * 3_600_000, plainStyle());
    expect(text).toContain('acme-2-4-8 — Acme Retail: 2.4.6-p8 → 2.4.8-p3');
    expect(text).toContain('state running · phase plan · started 2026-03-02 09:00:00Z (1d 2h ago)');
    // carla approved already: only chris is still awaited.
    expect(text).toMatch(
      /^create-upgrade-plan +plan +customer +awaiting-approval ⚠ overdue +chris@acme\.example +2026-03-02 09:00:00Z \(1d 2h ago\) +1\/2$/m,
    );
    expect(text).toMatch(/^ {2}cab-infrastructure-change +infra-upgrade +managed-services +pending +0\/1$/m);
    expect(text).toContain(
      '  create-upgrade-plan to decide: customer (chris@acme.example) since 2026-03-02 09:00:00Z, 1d 2h ago ⚠ overdue',
    );
  });

  it('tells blocked steps, rework and cancellation', () => {
    const { state } = projectState();
    awaitingDecision(state, 'determine-infrastructure-changes');
    state.apply(
      {
        taskId: 'determine-infrastructure-changes',
        decision: 'reject',
        actor: 'sam@adobe.example',
        role: 'managed-services',
        comment: 'wrong sizing',
      },
      'update',
    );
    state.sendBack('determine-infrastructure-changes', 'create-upgrade-plan');
    blockedOn(state, 'create-upgrade-plan', 'draftUpgradePlan', 'repository not found');
    state.applyCancel({ actor: 'sam@adobe.example', role: 'managed-services', reason: 'postponed' });
    const text = renderStatus(state.status(), T0, plainStyle());
    expect(text).toContain('  blocked create-upgrade-plan at draftUpgradePlan: repository not found');
    expect(text).toContain('create-upgrade-plan blocked, to retry or skip: customer/managed-services');
    expect(text).toContain(
      'Rework: 1 (last: determine-infrastructure-changes rejected by sam@adobe.example, back to create-upgrade-plan: wrong sizing)',
    );
    expect(text).toContain('Cancelled by sam@adobe.example at 2026-03-02 09:00:00Z: postponed');
  });
});

describe('history', () => {
  it('lists decisions with evidence and marks refused attempts', () => {
    const { state } = projectState();
    // The step's automation entry is #1 of the trail; history shows decisions unless asked for everything.
    awaitingDecision(state, 'create-upgrade-plan', [
      { step: 'draftUpgradePlan', summary: 'plan', artifact: artifactRef('acme/plan-1.md', 'ab'.repeat(32)) },
    ]);
    state.apply(
      { taskId: 'create-upgrade-plan', decision: 'approve', actor: 'carla@acme.example', role: 'customer', comment: 'ok | fine' },
      'update',
    );
    state.refuse(
      { taskId: 'create-upgrade-plan', actor: 'mallory@evil.example', role: 'customer', decision: 'approve' },
      'not a participant',
      'signal',
    );
    const text = renderHistory(state.status(), plainStyle());
    expect(text).toMatch(
      /^2 +2026-03-02 09:00:00Z +create-upgrade-plan +carla@acme\.example \(customer\) +approve +ok \| fine +acme\/plan-1\.md +update$/m,
    );
    expect(text).toMatch(/^3 +.*mallory@evil\.example \(customer\) +REFUSED approve +not a participant +signal$/m);
    expect(text).not.toContain('draftUpgradePlan: plan');
    expect(renderHistory(state.status(), plainStyle(), { all: true })).toContain('draftUpgradePlan: plan');
    expect(text).toContain('Refused attempts: 1.');
  });
});

describe('pending', () => {
  const item = (projectId: string, since?: string): PendingItem => ({
    projectId,
    workflowId: `upgrade-${projectId}`,
    customer: 'Acme',
    gateId: 'create-upgrade-plan',
    title: '',
    state: 'awaiting-approval',
    roles: ['customer'],
    actors: ['c@acme.example'],
    since,
    overdue: false,
  });

  it('puts the oldest first and unknown starts last', () => {
    const sorted = sortPending([item('b', '2026-03-02T10:00:00Z'), item('z'), item('a', '2026-03-01T10:00:00Z')]);
    expect(sorted.map((i) => i.projectId)).toEqual(['a', 'b', 'z']);
    const text = renderPending(sorted, T0, plainStyle(), '');
    expect(text.split('\n')[1]).toMatch(
      /^23h ago +a +Acme +create-upgrade-plan +decision +customer +c@acme\.example +2026-03-01 10:00:00Z$/,
    );
    expect(text.split('\n')[3]).toMatch(/^\? +z .*\(status not available\)$/);
    expect(renderPending([], T0, plainStyle(), 'role partner')).toBe('Nothing is waiting (role partner).');
  });

  it('shows one row per project, with its phase, when only the search attributes are known', () => {
    const project = (projectId: string, since?: string): PendingItem => ({
      projectId,
      workflowId: `upgrade-${projectId}`,
      customer: 'Acme',
      phase: 'uat',
      roles: ['customer'],
      actors: ['c@acme.example'],
      ...(since ? { since } : {}),
      overdue: true,
    });
    const text = renderPending([project('b'), project('a', '2026-03-01T10:00:00Z')], T0, plainStyle(), '');
    expect(text.split('\n')[0]).toMatch(/^WAITING +PROJECT +CUSTOMER +PHASE +ROLES +WHO +SINCE$/);
    expect(text.split('\n')[1]).toMatch(/^23h ago ⚠ overdue +a +Acme +uat +customer +c@acme\.example +2026-03-01 10:00:00Z$/);
    expect(text.split('\n')[2]).toMatch(/^\? ⚠ overdue +b .*\(not recorded\)$/);
  });
});

describe('plan and participants', () => {
  it('names the owner people of every task and the CAB gates', () => {
    // Two approvals need two people of the owner role (issue #12, finding 10).
    const participants = {
      ...PEOPLE,
      'managed-services': [...PEOPLE['managed-services'], { name: 'Mia CSE', email: 'mia@adobe.example' }],
    };
    const project = projectInputSchema.parse(makeProject({ participants, requiredApprovals: { 'cab-production-deployment': 2 } }));
    const plan = buildPlan(project);
    expect(plan.phases.map((p) => p.id)).toEqual([
      'plan',
      'infra-upgrade',
      'code-update',
      'post-upgrade-checks',
      'uat',
      'launch',
      'post-launch',
    ]);
    const launch = plan.phases.find((p) => p.id === 'launch')!.tasks[0]!;
    expect(launch.cabGates).toEqual([
      expect.objectContaining({ id: 'cab-production-deployment', owner: 'managed-services', requiredApprovals: 2 }),
    ]);
    const text = renderPlan(plan, plainStyle());
    expect(text).toContain(
      '  1. create-upgrade-plan: Create upgrade project plan\n     owner customer: Carla Customer <carla@acme.example>, Chris Buyer <chris@acme.example>',
    );
    expect(text).toContain('contributors partner: Pat Partner <pat@agency.example>; managed-services: Sam CSE <sam@adobe.example>');
    expect(text).toContain('decided by managed-services (2 approvals): Sam CSE <sam@adobe.example>');
    expect(text).toContain('Change windows: Mon/Tue/Wed/Thu/Fri/Sat/Sun 00:00 UTC for 1440 min');
    const details = participantsMarkdown(project);
    expect(details).toContain('| Customer (`customer`) | Chris Buyer | chris@acme.example |');
    expect(details).toContain('| Managed Services (CSE) (`managed-services`) | Sam CSE | sam@adobe.example |');
  });
});

// Issue #12, finding 1: the CSE's review (`cuo start --dry-run`) shows every command and where it runs.
describe('the dry run lists commands, targets and hosts', () => {
  it('names the local shell of the worker loudly, the ssh target, every runbook command and the migration', () => {
    const base = makeProject();
    const project = projectInputSchema.parse(
      makeProject({
        runbookCommands: ['bin/magento indexer:status'],
        environments: {
          staging: {
            ...base.environments.staging,
            mysqlCommand: 'mysql --defaults-file=/app/.my.cnf',
            remote: { type: 'local', cwd: '/srv/staging' },
          },
          production: {
            ...base.environments.production,
            remote: { type: 'ssh', host: 'ssh.eu-3.magento.cloud', user: 'abc123-master', identity: 'production' },
          },
        },
      }),
    );
    const plan = buildPlan(project);
    const text = renderPlan(plan, plainStyle());
    expect(text).toContain(
      '[upgrade-infrastructure-services] production → ssh abc123-master@ssh.eu-3.magento.cloud:22 (identity production)',
    );
    expect(text).toMatch(/vendor\/bin\/ece-tools db-dump --remove-definers/);
    expect(text).toContain(
      'staging → LOCAL SHELL ON THE WORKER (cwd /srv/staging; refused unless the worker sets CUO_ALLOW_LOCAL_COMMANDS=1)',
    );
    expect(text).toContain("gunzip -c '<the dump file>' | mysql --defaults-file=/app/.my.cnf");
    expect(plan.commands.filter((c) => c.command === 'bin/magento indexer:status').map((c) => `${c.task}@${c.environment}`)).toEqual([
      'post-upgrade-checks@staging',
      'user-acceptance-testing@staging',
      'launch-to-production@production',
    ]);
    expect(plan.reaches.map((r) => r.what)).toEqual(['repository', 'staging storefront', 'production storefront']);
  });
});
