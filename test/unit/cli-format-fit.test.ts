/**
 * What a person sees on a real terminal: tables that fit 80 and 120 columns (wrapped on a terminal, cut with `…`
 * when piped with COLUMNS set), `--wide` for whole cells, times to the second, escape sequences from a project's
 * text shown instead of obeyed, a retrying step's attempt and last error, a cancelled and a terminated project.
 * Statuses come from the real ProjectState with a fixed clock.
 */
import { createColors } from 'picocolors';
import { renderHistory } from '../../client/format/history';
import { projectStatusWord, renderList, type ListItem } from '../../client/format/list';
import { renderPending, type PendingItem } from '../../client/format/pending';
import { renderStatus, type ExecutionInfo } from '../../client/format/status';
import { fitWidths, renderTable, visibleLength, wrapText } from '../../client/format/table';
import { clean, cleanBlock } from '../../client/format/text';
import { plainStyle, terminalWidth, wide, type Style } from '../../client/io';
import { projectInputSchema } from '../../workflows/project-input';
import { ProjectState } from '../../workflows/project-state';
import { makeProject } from '../support/project-fixture';
import { awaitingDecision, startWith } from '../support/state-driver';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const LONG =
  'The checkout fails on Staging with the new payment module when a gift card and a coupon are combined; see the attached HAR file and the screenshots in the ticket.';

const piped = (width?: number): Style => ({ ...plainStyle(), width });
const terminal = (width?: number): Style => ({ tty: true, colors: createColors(false), width });
const widest = (text: string) => Math.max(...text.split('\n').map(visibleLength));

function projectState() {
  let now = T0;
  const project = projectInputSchema.parse(makeProject({ projectId: 'acme-2-4-8', requiredApprovals: { 'create-upgrade-plan': 2 } }));
  const state = new ProjectState('upgrade-acme-2-4-8', project, () => new Date(now).toISOString());
  return { state, advance: (ms: number) => (now += ms) };
}

/** A project with a long history: decisions with long comments, evidence ids, a refused attempt. */
function busyHistory() {
  const { state, advance } = projectState();
  awaitingDecision(state, 'create-upgrade-plan');
  advance(7_000);
  state.apply(
    {
      taskId: 'create-upgrade-plan',
      decision: 'approve',
      actor: 'carla@acme.example',
      role: 'customer',
      comment: LONG,
      evidence: 'acme-2-4-8/5f1c0e2a9b7d-upgrade-plan.md',
    },
    'update',
  );
  advance(2_000);
  state.apply(
    { taskId: 'create-upgrade-plan', decision: 'comment', actor: 'chris@acme.example', role: 'customer', comment: LONG },
    'update',
  );
  state.refuse(
    { taskId: 'create-upgrade-plan', actor: 'mallory@evil.example', role: 'customer', decision: 'approve' },
    'not a participant of the project',
    'signal',
  );
  return state.status();
}

describe('table widths', () => {
  it('narrows the widest columns first and keeps short ones whole', () => {
    expect(fitWidths([3, 50, 10], [3, 8, 8], 40)).toEqual([3, 27, 10]);
    // Free text gives way first (to 20), then all share.
    expect(fitWidths([30, 50], [6, 6], 60, [1])).toEqual([30, 30].map((w, i) => (i === 0 ? 30 : w)));
    expect(fitWidths([30, 50], [6, 6], 40, [1])).toEqual([20, 20]);
    expect(fitWidths([20, 20], [8, 8], 10)).toEqual([8, 8]); // at the floors: wider than asked, never lower
    expect(fitWidths([5, 5], [5, 5], 100)).toEqual([5, 5]);
  });

  it.each([80, 120])('history fits %i columns on a terminal (wrapped) and piped with COLUMNS (cut with …)', (width) => {
    const status = busyHistory();
    const full = renderHistory(status, piped());
    expect(widest(full)).toBeGreaterThan(200);
    const tty = renderHistory(status, terminal(width));
    expect(widest(tty)).toBeLessThanOrEqual(width);
    // Wrapped, times whole (between date and time at most), no cell cut with "…".
    expect(tty).toMatch(/│ 2026-03-02 09:00:07Z │|│ 2026-03-02 +│[^\n]*\n│ +│ 09:00:07Z +│/);
    expect(tty).not.toContain('…');
    const plain = renderHistory(status, piped(width));
    expect(widest(plain)).toBeLessThanOrEqual(width);
    // One row per line, cut where needed; short columns (id, time, via) whole.
    expect(plain).toMatch(/^1 +2026-03-02 09:00:07Z +create-.* +The che.*… +update$/m);
    if (width === 120)
      expect(plain).toMatch(/^1 +2026-03-02 09:00:07Z +create-upgrade-plan +carla@acme\.example… +approve +The checkout fail… +update$/m);
  });

  it('--wide shows every cell whole; piped without COLUMNS is whole too', () => {
    const status = busyHistory();
    expect(renderHistory(status, wide(piped(80), true))).toContain(LONG);
    expect(renderHistory(status, piped())).toContain(LONG);
    expect(renderHistory(status, wide(terminal(80), true)).replace(/[│\s]+/g, ' ')).toContain(LONG);
  });

  it('status, pending and list fit 80 and 120 columns', () => {
    const { state } = projectState();
    awaitingDecision(state, 'create-upgrade-plan');
    const pending: PendingItem[] = [
      {
        projectId: 'acme-2-4-8-spring-sale-replatforming',
        workflowId: 'upgrade-acme',
        customer: 'Acme Retail International Holdings',
        gateId: 'performance-and-security-tests',
        title: '',
        state: 'awaiting-approval',
        roles: ['partner'],
        actors: ['priya.natarajan@northwind-agency.example', 'tom.becker@northwind-agency.example'],
        since: new Date(T0).toISOString(),
        overdue: true,
      },
    ];
    const list: ListItem[] = [
      {
        projectId: 'acme-2-4-8-spring-sale-replatforming',
        workflowId: 'upgrade-acme',
        customer: 'Acme Retail International Holdings',
        targetVersion: '2.4.8-p3',
        phase: 'post-upgrade-checks',
        awaitingRoles: ['customer', 'partner', 'managed-services'],
        awaitingActors: [],
        overdue: true,
        executionStatus: 'RUNNING',
        status: 'running',
        startTime: new Date(T0).toISOString(),
      },
    ];
    for (const width of [80, 120]) {
      for (const style of [terminal(width), piped(width)]) {
        expect(widest(renderStatus(state.status(), T0, style))).toBeLessThanOrEqual(width);
        expect(widest(renderPending(pending, T0, style, ''))).toBeLessThanOrEqual(width);
        expect(widest(renderList(list, style))).toBeLessThanOrEqual(width);
      }
    }
    expect(renderPending(pending, T0, piped(), '')).toContain(
      'priya.natarajan@northwind-agency.example, tom.becker@northwind-agency.example',
    );
  });

  it('takes the width from COLUMNS, else the terminal, else none (piped)', () => {
    expect(terminalWidth(true, 97, {})).toBe(97);
    expect(terminalWidth(false, undefined, { COLUMNS: '120' })).toBe(120);
    expect(terminalWidth(false, undefined, {})).toBeUndefined();
    expect(terminalWidth(true, 200, { COLUMNS: 'wide' })).toBe(200);
  });

  it('wraps between words, breaks only a word longer than the column, and loses nothing', () => {
    expect(wrapText('a gift card and a coupon', 10)).toEqual(['a gift', 'card and a', 'coupon']);
    expect(wrapText('priya.natarajan@northwind-agency.example', 16)).toEqual(['priya.natarajan@', 'northwind-', 'agency.example']);
    expect(wrapText('determine-infrastructure-changes', 16)).toEqual(['determine-', 'infrastructure-', 'changes']);
    expect(wrapText(LONG, 13).join(' ').replace(/\s+/g, '')).toBe(LONG.replace(/\s+/g, ''));
  });

  it('keeps the old plain layout when nothing needs cutting', () => {
    expect(renderTable(['a', 'bb'], [['xxx', 'y']], piped(80))).toBe('A    BB\nxxx  y');
  });
});

describe('times to the second', () => {
  it('history, status and pending show seconds', () => {
    const status = busyHistory();
    expect(renderHistory(status, piped())).toMatch(/^2 +2026-03-02 09:00:09Z +create-upgrade-plan +chris@/m);
    expect(renderStatus(status, T0 + 65_000, piped())).toContain('started 2026-03-02 09:00:00Z (1m ago)');
  });
});

describe('text from a project is shown, not obeyed', () => {
  const ESC = '\u001b';
  const hostile = `ok${ESC}[2J${ESC}]0;pwned${'\u0007'}${ESC}[31mred\u009b1m\u202eevil\nnext\tline\u0000`;

  it('turns CSI, OSC, C0 and C1 controls and bidi overrides into visible escapes', () => {
    expect(clean(hostile)).toBe('ok\\x1b[2J\\x1b]0;pwned\\x07\\x1b[31mred\\x9b1m\\u202eevil next line\\x00');
    expect(clean('Grüße, café — ✓')).toBe('Grüße, café — ✓');
    // A report keeps its lines and tabs, not its escapes.
    expect(cleanBlock(`# Report\r\n- ok\t${ESC}[2Jx\n`)).toBe('# Report\n- ok\t\\x1b[2Jx\n');
  });

  it('history, status and pending print no raw control character from comments, reasons, names or errors', () => {
    const { state } = projectState();
    awaitingDecision(state, 'create-upgrade-plan');
    state.apply(
      { taskId: 'create-upgrade-plan', decision: 'comment', actor: 'carla@acme.example', role: 'customer', comment: hostile },
      'update',
    );
    state.refuse({ taskId: 'create-upgrade-plan', actor: 'carla@acme.example', role: 'customer', decision: 'approve' }, hostile, 'signal');
    state.block('create-upgrade-plan', 'draftUpgradePlan', hostile);
    state.applyCancel({ actor: 'sam@adobe.example', role: 'managed-services', reason: hostile });
    const execution: ExecutionInfo = { status: 'RUNNING', activities: [] };
    const pending: PendingItem = {
      projectId: 'p',
      workflowId: 'upgrade-p',
      customer: `Acme${ESC}[8m`,
      gateId: 'create-upgrade-plan',
      title: '',
      state: 'awaiting-approval',
      roles: ['customer'],
      actors: ['c@acme.example'],
      overdue: false,
    };
    // eslint-disable-next-line no-control-regex
    const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;
    for (const text of [
      renderHistory(state.status(), piped()),
      renderHistory(state.status(), piped(80)),
      renderStatus(state.status(), T0, piped(), execution),
      renderPending([pending], T0, piped(), ''),
    ]) {
      expect(text).not.toMatch(raw);
      expect(text).toContain('\\x1b');
    }
  });
});

describe('status of a retrying step, a cancelled and a terminated project', () => {
  function running() {
    const { state } = projectState();
    startWith(state, 'create-upgrade-plan');
    return state;
  }

  it('shows the attempt and the last error of the running step', () => {
    const execution: ExecutionInfo = {
      status: 'RUNNING',
      activities: [
        {
          activityId: '3',
          activityType: 'draftUpgradePlan',
          attempt: 3,
          maximumAttempts: 5,
          lastError: `fatal: repository 'git@git.example.com:acme/commerce-cloud.git' not found${'\u001b'}[2J`,
          lastFailureAt: '2026-03-02T09:00:41.000Z',
          nextAttemptAt: '2026-03-02T09:01:21.000Z',
        },
      ],
    };
    const text = renderStatus(running().status(), T0 + 60_000, piped(), execution);
    expect(text).toMatch(/^create-upgrade-plan +plan +customer +running \(attempt 3\/5\)/m);
    expect(text).toContain('Running now:\n  create-upgrade-plan: draftUpgradePlan attempt 3/5; next attempt 2026-03-02 09:01:21Z');
    expect(text).toContain(
      "    last error (2026-03-02 09:00:41Z): fatal: repository 'git@git.example.com:acme/commerce-cloud.git' not found\\x1b[2J",
    );
    // At 80 columns the free lines wrap between words (a time stays whole), continuing indented.
    const narrow = renderStatus(running().status(), T0 + 60_000, piped(80), execution);
    expect(widest(narrow)).toBeLessThanOrEqual(80);
    expect(narrow).toMatch(/next attempt( |\n +)2026-03-02( |\n +)09:01:21Z/);
    expect(narrow).toMatch(/\n {4}last error \(2026-03-02 09:00:41Z\): fatal: repository\n {10}'git@git/);
    // A first attempt is no news: no attempt mark in the table, but it shows as running now.
    const first = renderStatus(running().status(), T0, piped(), {
      status: 'RUNNING',
      activities: [
        { activityId: '1', activityType: 'draftUpgradePlan', attempt: 1, maximumAttempts: 5, startedAt: new Date(T0).toISOString() },
      ],
    });
    expect(first).toMatch(/^create-upgrade-plan +plan +customer +running +/m);
    expect(first).not.toContain('attempt 1/5)');
    expect(first).toContain('draftUpgradePlan attempt 1/5; started 2026-03-02 09:00:00Z');
  });

  it('says terminated, not running, and waits on no one', () => {
    const { state } = projectState();
    awaitingDecision(state, 'create-upgrade-plan');
    const execution: ExecutionInfo = {
      status: 'TERMINATED',
      closeTime: '2026-03-02T10:00:05.000Z',
      terminatedReason: 'stand-ins gone',
      activities: [],
    };
    const text = renderStatus(state.status(), T0, piped(), execution);
    expect(text).toContain('state terminated · phase plan');
    expect(text).toContain('Temporal terminated this workflow at 2026-03-02 10:00:05Z: stand-ins gone.');
    expect(text).not.toContain('state running');
    expect(text).not.toContain('Waiting on:');
  });

  it('list says cancelled for a project cancelled through cuo cancel', () => {
    expect(projectStatusWord('COMPLETED', 'cancelled')).toBe('cancelled');
    expect(projectStatusWord('COMPLETED', 'completed')).toBe('completed');
    expect(projectStatusWord('TERMINATED', 'plan')).toBe('terminated');
    expect(projectStatusWord('TIMED_OUT', 'plan')).toBe('timed out');
  });
});
