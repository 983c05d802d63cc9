/**
 * Message composition: pure, so no server here. Every kind names the project, the task, who must act and the exact
 * CLI command; the Slack payload carries the same facts as mrkdwn sections.
 */
import {
  cliCommand,
  composeNotification,
  escapeMrkdwn,
  formatDuration,
  NOTIFICATION_KINDS,
  shellArg,
  type Notification,
  type NotificationEvent,
  type SlackBlock,
} from '../../../activities/notify/message';
import { eventFromRequest, taskRef } from '../../../activities/notify/activities';
import { acmeProject, WORKFLOW_ID } from './project-fixture';

const project = acmeProject();
const base = { workflowId: WORKFLOW_ID, project };
const uat = { id: 'user-acceptance-testing', title: 'User Acceptance Testing on Staging', ownerRole: 'customer' as const };
const codeUpdate = { id: 'update-code-base', title: 'Update Commerce code base and customizations', ownerRole: 'partner' as const };
const infra = { id: 'upgrade-infrastructure-services', ownerRole: 'managed-services' as const };

const PROJECT_LINE = 'Project: acme-2-4-8 (Acme Corp), Adobe Commerce 2.4.6-p8 → 2.4.8';

function emails(list: { email: string }[]): string[] {
  return list.map((r) => r.email);
}

function mrkdwnOf(n: Notification): string {
  return n.slack.blocks
    .flatMap((b: SlackBlock) => (b.type === 'section' ? [b.text.text] : b.type === 'context' ? b.elements.map((e) => e.text) : []))
    .join('\n');
}

/** Checks that hold for every kind. */
function expectCommonShape(n: Notification): void {
  expect(n.subject.startsWith('[acme-2-4-8] ')).toBe(true);
  expect(n.text).toContain(PROJECT_LINE);
  expect(n.text).toContain('Who must act:');
  expect(n.text).toContain('npx cuo status acme-2-4-8');
  expect(n.text).toContain(`Reference: ${n.idempotencyKey}`);
  expect(n.slack.text).toContain(n.subject);
  expect(n.slack.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: n.subject } });
  for (const block of n.slack.blocks) {
    if (block.type === 'section') {
      expect(block.text.type).toBe('mrkdwn');
      expect(block.text.text.length).toBeLessThanOrEqual(3000);
    }
  }
  expect(mrkdwnOf(n)).toContain('*Project:* acme-2-4-8 (Acme Corp), Adobe Commerce 2.4.6-p8 → 2.4.8');
  expect(mrkdwnOf(n)).toContain('```npx cuo status acme-2-4-8```');
  // No recipient twice, and never in both to and cc.
  const all = [...emails(n.to), ...emails(n.cc)];
  expect(new Set(all).size).toBe(all.length);
}

describe('composeNotification', () => {
  it('awaiting-decision: asks the owner role, with approve and reject commands per person', () => {
    const n = composeNotification({
      ...base,
      kind: 'awaiting-decision',
      task: uat,
      evidence: [{ id: 'acme-2-4-8/0123456789abcdef-uat-report.md', name: 'uat-report.md', sha256: 'ab'.repeat(32) }],
      summary: '12 of 12 checks passed',
    });
    expectCommonShape(n);
    expect(n.kind).toBe('awaiting-decision');
    expect(n.idempotencyKey).toBe('upgrade-acme-2-4-8/user-acceptance-testing/awaiting-decision/1');
    expect(n.subject).toBe('[acme-2-4-8] Decision needed: User Acceptance Testing on Staging (Customer)');
    expect(emails(n.to)).toEqual(['jane@acme.example', 'omar@acme.example']);
    expect(n.cc).toEqual([]);
    expect(n.text).toContain('Task: User Acceptance Testing on Staging (user-acceptance-testing), owner Customer');
    expect(n.text).toContain('Who must act: Customer: Jane Doe <jane@acme.example>, Omar Haddad <omar@acme.example>');
    expect(n.text).toContain('npx cuo approve acme-2-4-8 user-acceptance-testing --as jane@acme.example --role customer -m "<comment>"');
    expect(n.text).toContain('npx cuo reject acme-2-4-8 user-acceptance-testing --as omar@acme.example --role customer -m "<reason>"');
    expect(n.text).toContain('acme-2-4-8/0123456789abcdef-uat-report.md');
    expect(n.text).toContain('12 of 12 checks passed');
    expect(n.actions.filter((a) => a.forEmail === 'jane@acme.example').map((a) => a.command.split(' ')[2])).toEqual(['approve', 'reject']);
    // Slack escapes the angle brackets of "Name <email>" (they would be read as links).
    expect(mrkdwnOf(n)).toContain('Jane Doe &lt;jane@acme.example&gt;');
    expect(mrkdwnOf(n)).toContain(
      '```npx cuo approve acme-2-4-8 user-acceptance-testing --as jane@acme.example --role customer -m "&lt;comment&gt;"```',
    );
  });

  it('reminder: says since when and how long the task has waited', () => {
    const n = composeNotification({
      ...base,
      kind: 'reminder',
      task: uat,
      since: '2025-06-02T09:00:00.000Z',
      at: '2025-06-04T12:30:00.000Z',
      attempt: 2,
    });
    expectCommonShape(n);
    expect(n.idempotencyKey).toBe('upgrade-acme-2-4-8/user-acceptance-testing/reminder/2');
    expect(n.subject).toBe('[acme-2-4-8] Reminder: User Acceptance Testing on Staging waits on Customer');
    expect(n.text).toContain('since 2025-06-02 09:00 UTC (2d 3h)');
    expect(emails(n.to)).toEqual(['jane@acme.example', 'omar@acme.example']);
    expect(n.text).toContain('npx cuo approve acme-2-4-8 user-acceptance-testing --as jane@acme.example --role customer');
  });

  it('escalation: goes to the CSE, copies the owners and names whom to chase', () => {
    const n = composeNotification({ ...base, kind: 'escalation', task: uat, since: '2025-06-01T00:00:00Z', at: '2025-06-06T00:00:00Z' });
    expectCommonShape(n);
    expect(n.subject).toBe('[acme-2-4-8] Overdue: User Acceptance Testing on Staging waits on Customer');
    expect(emails(n.to)).toEqual(['chris@adobe.example']);
    expect(emails(n.cc)).toEqual(['jane@acme.example', 'omar@acme.example']);
    expect(n.text).toContain('(5d)');
    expect(n.text).toContain('please follow up with Jane Doe <jane@acme.example>, Omar Haddad <omar@acme.example>');
    expect(n.text).toContain('Who must act: Customer: Jane Doe');
  });

  it('reminder and escalation of a blocked task offer retry / skip, not approve / reject', () => {
    for (const kind of ['reminder', 'escalation'] as const) {
      const n = composeNotification({ ...base, kind, task: codeUpdate, since: '2025-06-01T00:00:00Z', awaiting: 'retry-or-skip' });
      expect(n.text).toContain('npx cuo retry acme-2-4-8 update-code-base --as priya@agency.example --role partner');
      expect(n.text).toContain('npx cuo skip acme-2-4-8 update-code-base --as priya@agency.example --role partner -m "<reason>"');
      expect(n.text).not.toContain('npx cuo approve');
    }
  });

  it('blocked: the error, and retry / skip commands for who may resolve it', () => {
    const n = composeNotification({
      ...base,
      kind: 'blocked',
      task: codeUpdate,
      step: 'prepareUpgradeBranch',
      error: 'push rejected: non-fast-forward',
      attempts: 5,
    });
    expectCommonShape(n);
    expect(n.subject).toBe('[acme-2-4-8] Blocked: Update Commerce code base and customizations, an automated step failed');
    expect(emails(n.to)).toEqual(['priya@agency.example']);
    expect(emails(n.cc)).toEqual(['chris@adobe.example']);
    expect(n.text).toContain('"prepareUpgradeBranch" of "Update Commerce code base and customizations" failed after 5 attempts');
    expect(n.text).toContain('Error: push rejected: non-fast-forward');
    expect(n.text).toContain('npx cuo retry acme-2-4-8 update-code-base --as priya@agency.example --role partner');
    expect(n.text).toContain('npx cuo skip acme-2-4-8 update-code-base --as priya@agency.example --role partner -m "<reason>"');
  });

  it('blocked with the workflow audience: owner and CSE may both retry or skip', () => {
    const n = composeNotification({
      ...base,
      kind: 'blocked',
      task: codeUpdate,
      error: 'boom',
      audience: { to: ['partner', 'managed-services'], acting: ['partner', 'managed-services'] },
      idempotencyKey: 'upgrade-acme-2-4-8/update-code-base/r1/blocked/prepareUpgradeBranch/7',
    });
    expect(n.idempotencyKey).toBe('upgrade-acme-2-4-8/update-code-base/r1/blocked/prepareUpgradeBranch/7');
    expect(emails(n.to)).toEqual(['priya@agency.example', 'chris@adobe.example']);
    expect(n.cc).toEqual([]);
    expect(n.text).toContain('npx cuo retry acme-2-4-8 update-code-base --as chris@adobe.example --role managed-services');
  });

  it('rejected: who rejected, why, and the task the project goes back to', () => {
    const n = composeNotification({
      ...base,
      kind: 'rejected',
      task: uat,
      backTo: codeUpdate,
      reason: 'Checkout fails with PayPal Express',
      by: { email: 'jane@acme.example', role: 'customer' },
    });
    expectCommonShape(n);
    expect(n.subject).toBe(
      '[acme-2-4-8] Rework: User Acceptance Testing on Staging rejected, back to Update Commerce code base and customizations',
    );
    expect(emails(n.to)).toEqual(['priya@agency.example']);
    expect(emails(n.cc)).toEqual(['jane@acme.example', 'omar@acme.example', 'chris@adobe.example']);
    expect(n.text).toContain('Jane Doe <jane@acme.example> (Customer) rejected "User Acceptance Testing on Staging"');
    expect(n.text).toContain('Reason: Checkout fails with PayPal Express');
    expect(n.text).toContain('goes back to "Update Commerce code base and customizations" (update-code-base)');
  });

  it('cancelled: everybody is told who cancelled and why', () => {
    const n = composeNotification({
      ...base,
      kind: 'cancelled',
      reason: 'Budget moved to next quarter',
      by: { email: 'chris@adobe.example', role: 'managed-services' },
      task: uat,
    });
    expectCommonShape(n);
    expect(n.subject).toBe('[acme-2-4-8] Cancelled by Chris CSE <chris@adobe.example>');
    expect(emails(n.to).sort()).toEqual(['chris@adobe.example', 'jane@acme.example', 'omar@acme.example', 'priya@agency.example'].sort());
    expect(n.text).toContain('Reason: Budget moved to next quarter');
    expect(n.text).toContain('Who must act: nobody, for information');
  });

  it('change-request: the document goes to the CSE as text and as an attachment', () => {
    const document = '# Change request\n\n| service | current | target |\n|---|---|---|\n| mysql | 10.6 | 11.4 |\n';
    const n = composeNotification({
      ...base,
      kind: 'change-request',
      task: infra,
      environment: 'production',
      document,
      summary: 'MariaDB 10.6 → 11.4, Redis → Valkey 8.0',
      window: { startUtc: '2025-06-10T22:00:00Z', endUtc: '2025-06-11T00:00:00Z' },
    });
    expectCommonShape(n);
    expect(n.idempotencyKey).toBe('upgrade-acme-2-4-8/upgrade-infrastructure-services/change-request:production/1');
    expect(n.subject).toBe('[acme-2-4-8] Infrastructure change request (Production)');
    expect(emails(n.to)).toEqual(['chris@adobe.example']);
    expect(emails(n.cc)).toEqual(['priya@agency.example']);
    expect(n.text).toContain('| mysql | 10.6 | 11.4 |');
    expect(n.text).toContain('Requested window: 2025-06-10 22:00 UTC to 2025-06-11 00:00 UTC');
    expect(n.text).toContain('npx cuo approve acme-2-4-8 upgrade-infrastructure-services --as chris@adobe.example --role managed-services');
    expect(n.attachments).toEqual([
      { filename: 'change-request-acme-2-4-8-production.md', contentType: 'text/markdown; charset=UTF-8', content: document },
    ]);
  });

  it('completed: everybody, the versions, nobody must act', () => {
    const n = composeNotification({ ...base, kind: 'completed', summary: 'Launched 2025-06-12; 7 days monitored' });
    expectCommonShape(n);
    expect(n.idempotencyKey).toBe('upgrade-acme-2-4-8/-/completed/1');
    expect(n.subject).toBe('[acme-2-4-8] Upgrade completed: 2.4.6-p8 → 2.4.8');
    expect(n.to).toHaveLength(4);
    expect(n.actions.map((a) => a.command)).toEqual(['npx cuo status acme-2-4-8']);
  });

  it('alert: the regression with its findings to CSE and partner, customer copied', () => {
    const n = composeNotification({
      ...base,
      kind: 'alert',
      summary: 'p95 latency 2400 ms (baseline 800 ms)',
      findings: ['p95 2400 ms > 1500 ms', 'error rate 3.2% > 1%'],
      task: { id: 'post-launch-monitoring', ownerRole: 'managed-services' },
    });
    expectCommonShape(n);
    expect(n.subject).toBe('[acme-2-4-8] Alert: production regression');
    expect(emails(n.to)).toEqual(['chris@adobe.example', 'priya@agency.example']);
    expect(emails(n.cc)).toEqual(['jane@acme.example', 'omar@acme.example']);
    expect(n.text).toContain('  - error rate 3.2% > 1%');
    expect(n.text).toContain('Task: Post launch monitoring (post-launch-monitoring)');
  });

  it('conference: everybody, when, dial-in', () => {
    const n = composeNotification({
      ...base,
      kind: 'conference',
      event: 'launch',
      startUtc: '2025-06-12T22:00:00Z',
      endUtc: '2025-06-13T00:00:00Z',
      dialIn: 'https://meet.example/acme',
      attempt: 3,
    });
    expectCommonShape(n);
    expect(n.idempotencyKey).toBe('upgrade-acme-2-4-8/-/conference:launch/3');
    expect(n.subject).toBe('[acme-2-4-8] Invitation: Launch conference, 2025-06-12 22:00 UTC');
    expect(n.text).toContain('When: 2025-06-12 22:00 UTC to 2025-06-13 00:00 UTC');
    expect(n.text).toContain('Dial-in: https://meet.example/acme');
    expect(n.to).toHaveLength(4);
  });

  it('covers every kind', () => {
    const events: Record<(typeof NOTIFICATION_KINDS)[number], NotificationEvent> = {
      'awaiting-decision': { ...base, kind: 'awaiting-decision', task: uat },
      reminder: { ...base, kind: 'reminder', task: uat, since: '2025-06-01T00:00:00Z' },
      escalation: { ...base, kind: 'escalation', task: uat, since: '2025-06-01T00:00:00Z' },
      blocked: { ...base, kind: 'blocked', task: uat, error: 'x' },
      rejected: { ...base, kind: 'rejected', task: uat, reason: 'x' },
      cancelled: { ...base, kind: 'cancelled', reason: 'x' },
      'change-request': { ...base, kind: 'change-request', task: infra, environment: 'staging', document: 'd', summary: 's' },
      completed: { ...base, kind: 'completed' },
      alert: { ...base, kind: 'alert', summary: 's', findings: [] },
      conference: {
        ...base,
        kind: 'conference',
        event: 'infrastructure-upgrade',
        startUtc: '2025-06-01T00:00:00Z',
        endUtc: '2025-06-01T01:00:00Z',
      },
    };
    const keys = new Set<string>();
    for (const kind of NOTIFICATION_KINDS) {
      const n = composeNotification(events[kind]);
      expect(n.kind).toBe(kind);
      expectCommonShape(n);
      keys.add(n.idempotencyKey);
    }
    expect(keys.size).toBe(NOTIFICATION_KINDS.length);
  });

  it('uses the configured CLI and quotes what a shell would interpret', () => {
    const n = composeNotification({ ...base, kind: 'awaiting-decision', task: uat }, { cli: 'cuo' });
    expect(n.text).toContain('cuo approve acme-2-4-8 user-acceptance-testing --as jane@acme.example --role customer');
    expect(n.text).not.toContain('npx cuo');
    expect(shellArg("it's $HOME")).toBe(`'it'\\''s $HOME'`);
    expect(cliCommand('npx cuo', 'retry', 'acme-2-4-8', 'a b', 'x@y.example', 'partner')).toBe(
      "npx cuo retry acme-2-4-8 'a b' --as x@y.example --role partner",
    );
  });

  it('keeps Slack sections under the limit and escapes mrkdwn control characters', () => {
    const many = {
      ...project,
      participants: {
        ...project.participants,
        customer: Array.from({ length: 30 }, (_, i) => ({ name: `Approver ${i}`, email: `approver${i}@acme.example` })),
      },
    };
    const n = composeNotification({
      workflowId: WORKFLOW_ID,
      project: many,
      kind: 'awaiting-decision',
      task: uat,
      summary: 'a < b & c > d',
    });
    const sections = n.slack.blocks.filter((b) => b.type === 'section');
    for (const s of sections) expect(s.type === 'section' && s.text.text.length).toBeLessThanOrEqual(3000);
    // Every approve command is whole in some section.
    for (let i = 0; i < 30; i += 1)
      expect(mrkdwnOf(n)).toContain(`--as approver${i}@acme.example --role customer -m "&lt;comment&gt;"\`\`\``);
    expect(mrkdwnOf(n)).toContain('a &lt; b &amp; c &gt; d');
    expect(escapeMrkdwn('<@U123>')).toBe('&lt;@U123&gt;');
  });

  it('formats durations', () => {
    expect(formatDuration(12 * 60_000)).toBe('12m');
    expect(formatDuration(200 * 60_000)).toBe('3h 20m');
    expect(formatDuration(5 * 86_400_000)).toBe('5d');
  });
});

describe('eventFromRequest (the workflow request → event)', () => {
  const ctx = { workflowId: WORKFLOW_ID, project };

  it('takes owner and title from the playbook, and the CAB gate owner from the RACI', () => {
    expect(taskRef('user-acceptance-testing')).toEqual({
      id: 'user-acceptance-testing',
      title: 'User Acceptance Testing on Staging',
      ownerRole: 'customer',
    });
    expect(taskRef('cab-production-deployment').ownerRole).toBe('managed-services');
    expect(taskRef('something-new', undefined, ['partner'])).toEqual({ id: 'something-new', ownerRole: 'partner' });
  });

  it('keeps the workflow key, audience and evidence', () => {
    const event = eventFromRequest(
      ctx,
      {
        kind: 'awaiting-decision',
        taskId: 'create-upgrade-plan',
        taskTitle: 'Create upgrade project plan',
        to: ['customer', 'partner', 'managed-services'],
        actors: ['customer'],
        evidence: ['acme-2-4-8/aaaa-plan.md'],
        idempotencyKey: `${WORKFLOW_ID}/create-upgrade-plan/r1/awaiting`,
      },
      '2025-06-01T00:00:00Z',
    );
    const n = composeNotification(event);
    expect(n.idempotencyKey).toBe(`${WORKFLOW_ID}/create-upgrade-plan/r1/awaiting`);
    expect(n.to).toHaveLength(4);
    expect(n.text).toContain('Who must act: Customer: Jane Doe <jane@acme.example>, Omar Haddad <omar@acme.example>');
    expect(n.text).not.toContain('--role partner');
    expect(n.text).toContain('acme-2-4-8/aaaa-plan.md');
  });

  it('reads "(back to <task>)" of a rejection reason into the rework target', () => {
    const event = eventFromRequest(
      ctx,
      {
        kind: 'rejected',
        taskId: 'user-acceptance-testing',
        to: ['customer', 'partner', 'managed-services'],
        actors: ['partner'],
        reason: 'Checkout broken (back to update-code-base)',
        idempotencyKey: 'k',
        actor: 'jane@acme.example',
      },
      '2025-06-01T00:00:00Z',
    );
    expect(event).toMatchObject({
      kind: 'rejected',
      reason: 'Checkout broken',
      backTo: { id: 'update-code-base', ownerRole: 'partner' },
      by: { email: 'jane@acme.example', role: 'customer', name: 'Jane Doe' },
    });
  });

  it('reads "(by <e-mail>)" of a cancellation reason into who cancelled', () => {
    const event = eventFromRequest(
      ctx,
      {
        kind: 'cancelled',
        to: ['customer', 'partner', 'managed-services'],
        reason: 'Budget frozen (by chris@adobe.example)',
        idempotencyKey: 'k',
      },
      '2025-06-01T00:00:00Z',
    );
    expect(event).toMatchObject({
      kind: 'cancelled',
      reason: 'Budget frozen',
      by: { email: 'chris@adobe.example', role: 'managed-services' },
    });
    expect(composeNotification(event).subject).toBe('[acme-2-4-8] Cancelled by Chris CSE <chris@adobe.example>');
    // Someone who is not a participant: the reason is kept whole.
    const other = eventFromRequest(
      ctx,
      { kind: 'cancelled', to: ['customer'], reason: 'x (by ops@else.example)', idempotencyKey: 'k' },
      '2025-06-01T00:00:00Z',
    );
    expect(other).toMatchObject({ reason: 'x (by ops@else.example)' });
    expect(other).not.toHaveProperty('by');
  });

  it('refuses a task notification without a task id', () => {
    expect(() => eventFromRequest(ctx, { kind: 'blocked', to: ['partner'], idempotencyKey: 'k' }, '2025-06-01T00:00:00Z')).toThrow(
      /needs a taskId/,
    );
  });
});
