/**
 * Webhook and e-mail channels against real receivers on loopback: an SMTP server (smtp-server) and an HTTP server
 * standing in for a Slack incoming webhook. Failure cases use a closed port, a 500 answer, a slow answer and a
 * wrong password; no error may contain the webhook URL or the SMTP credentials.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { EmailChannel, messageIdFor, Notifier, redact, WebhookChannel } from '../../../activities/notify/channels';
import { conferenceNotification } from '../../../activities/notify/calendar';
import { composeNotification, type Notification } from '../../../activities/notify/message';
import { startSmtpReceiver, type SmtpReceiver } from '../../support/smtp-receiver';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';
import { acmeProject, WORKFLOW_ID } from './project-fixture';

const project = acmeProject();
const FROM = '"Commerce Upgrades" <upgrades@orchestrator.example>';
const SMTP_USER = 'mailer-user';
const SMTP_PASS = 's3cr3t-P@ss/word';

function awaiting(attempt = 1): Notification {
  return composeNotification({
    workflowId: WORKFLOW_ID,
    project,
    kind: 'awaiting-decision',
    task: { id: 'user-acceptance-testing', title: 'User Acceptance Testing on Staging', ownerRole: 'customer' },
    attempt,
  });
}

/** A port nothing listens on: bind an ephemeral port, then release it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApplicationFailure);
    return error as ApplicationFailure;
  }
  throw new Error('expected a failure');
}

/** Unfolds iCalendar content lines (CRLF + space/tab continues the previous line). */
function icsLines(ics: string): string[] {
  return ics
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter(Boolean);
}

describe('EmailChannel with a real SMTP server', () => {
  let smtp: SmtpReceiver;
  let channel: EmailChannel;
  beforeAll(async () => {
    smtp = await startSmtpReceiver({ auth: { user: SMTP_USER, pass: SMTP_PASS } });
    channel = new EmailChannel({
      smtpUrl: `smtp://${SMTP_USER}:${encodeURIComponent(SMTP_PASS)}@127.0.0.1:${smtp.port}`,
      from: FROM,
      timeoutMs: 3000,
    });
  });
  afterAll(async () => {
    await channel.close();
    await smtp.close();
  });

  it('delivers the message to the owner role with subject, CLI command, Message-ID and Idempotency-Key', async () => {
    const notification = awaiting();
    const detail = await channel.send(notification);
    expect(detail).toContain('accepted 2');
    const mail = await smtp.waitFor((m) => m.headers['idempotency-key'] === notification.idempotencyKey);
    expect(mail.user).toBe(SMTP_USER);
    expect(mail.subject).toBe('[acme-2-4-8] Decision needed: User Acceptance Testing on Staging (Customer)');
    expect(mail.envelope.from).toBe('upgrades@orchestrator.example');
    expect(mail.envelope.to.sort()).toEqual(['jane@acme.example', 'omar@acme.example']);
    expect(mail.to).toEqual([
      { name: 'Jane Doe', address: 'jane@acme.example' },
      { name: 'Omar Haddad', address: 'omar@acme.example' },
    ]);
    expect(mail.from).toEqual([{ name: 'Commerce Upgrades', address: 'upgrades@orchestrator.example' }]);
    expect(mail.messageId).toBe(messageIdFor(notification.idempotencyKey));
    expect(mail.messageId).toMatch(/^<[0-9a-f]{40}@commerce-upgrades\.invalid>$/);
    expect(mail.headers['x-commerce-upgrade-project']).toBe('acme-2-4-8');
    expect(mail.text).toContain('npx cuo approve acme-2-4-8 user-acceptance-testing --as jane@acme.example --role customer -m "<comment>"');
    expect(mail.text).toContain('Project: acme-2-4-8 (Acme Corp), Adobe Commerce 2.4.6-p8 → 2.4.8');
    expect(mail.attachments).toEqual([]);
  });

  it('sends a conference invitation as text/calendar; method=REQUEST that parses back', async () => {
    const { invite, notification } = conferenceNotification({
      workflowId: WORKFLOW_ID,
      project,
      event: 'launch',
      startUtc: '2025-06-12T22:00:00Z',
      endUtc: '2025-06-13T00:00:00Z',
      sequence: 2,
      dialIn: 'https://meet.example/acme-launch',
      stamp: new Date('2025-06-01T08:00:00Z'),
    });
    await channel.send(notification);
    const mail = await smtp.waitFor((m) => m.messageId === messageIdFor(notification.idempotencyKey));
    expect(mail.to.map((a) => a.address).sort()).toEqual(
      ['chris@adobe.example', 'jane@acme.example', 'omar@acme.example', 'priya@agency.example'].sort(),
    );
    expect(mail.subject).toBe('[acme-2-4-8] Invitation: Launch conference, 2025-06-12 22:00 UTC');
    const attached = mail.attachments.find((a) => a.filename === 'invite.ics' && a.disposition === 'attachment');
    expect(attached).toBeDefined();
    expect(attached!.contentType).toMatch(/^text\/calendar; *method=REQUEST/i);
    // The alternative part (what Outlook and Gmail render as an invitation) carries the same calendar.
    const alternative = mail.attachments.find((a) => a.mimeType === 'text/calendar' && a !== attached);
    expect(alternative?.contentType).toMatch(/method=REQUEST/i);
    expect(alternative?.text).toBe(invite.ics);
    // Exactly these two calendar parts: no extra application/ics copy.
    expect(mail.attachments.map((a) => a.mimeType)).toEqual(['text/calendar', 'text/calendar']);

    const lines = icsLines(attached!.text);
    expect(attached!.text).toBe(invite.ics);
    expect(lines).toContain('METHOD:REQUEST');
    expect(lines).toContain(`UID:${invite.uid}`);
    expect(lines).toContain('SEQUENCE:2');
    expect(lines).toContain('DTSTART:20250612T220000Z');
    expect(lines).toContain('DTEND:20250613T000000Z');
    expect(lines.find((l) => l.startsWith('ORGANIZER'))).toMatch(/CN="?Chris CSE"?:mailto:chris@adobe\.example$/i);
    const attendees = lines.filter((l) => l.startsWith('ATTENDEE'));
    expect(attendees.map((l) => /mailto:(.+)$/i.exec(l)?.[1]).sort()).toEqual(
      ['chris@adobe.example', 'jane@acme.example', 'omar@acme.example', 'priya@agency.example'].sort(),
    );
    expect(attendees.find((l) => l.includes('jane@acme.example'))).toMatch(/RSVP=TRUE/);
    const description = lines.find((l) => l.startsWith('DESCRIPTION:'));
    expect(description).toContain('npx cuo status acme-2-4-8');
    expect(description).toContain('https://meet.example/acme-launch');
  });

  it('refuses a wrong password with a clear, non-retryable error that does not contain it', async () => {
    const wrongPass = 'not-the-Right-one#42';
    const wrong = new EmailChannel({
      smtpUrl: `smtp://${SMTP_USER}:${encodeURIComponent(wrongPass)}@127.0.0.1:${smtp.port}`,
      from: FROM,
      timeoutMs: 3000,
    });
    try {
      const failure = await failureOf(wrong.send(awaiting(9)));
      expect(failure.type).toBe('EmailAuthFailed');
      expect(failure.nonRetryable).toBe(true);
      expect(failure.message).toContain(`SMTP server 127.0.0.1:${smtp.port} refused the login`);
      expect(failure.message).not.toContain(wrongPass);
      expect(failure.message).not.toContain(encodeURIComponent(wrongPass));
      expect(failure.message).not.toContain(SMTP_USER);
    } finally {
      await wrong.close();
    }
  });
});

describe('EmailChannel failures', () => {
  it('SMTP unreachable (closed port): a retryable error naming the server, without the credentials', async () => {
    const port = await closedPort();
    const channel = new EmailChannel({
      smtpUrl: `smtp://${SMTP_USER}:${encodeURIComponent(SMTP_PASS)}@127.0.0.1:${port}`,
      from: FROM,
      timeoutMs: 2000,
    });
    try {
      const failure = await failureOf(channel.send(awaiting()));
      expect(failure.type).toBe('EmailDeliveryFailed');
      expect(failure.nonRetryable).toBe(false);
      expect(failure.message).toContain(`E-mail delivery via SMTP server 127.0.0.1:${port} could not connect`);
      expect(failure.message).toContain('ECONNREFUSED');
      for (const secret of [SMTP_PASS, encodeURIComponent(SMTP_PASS), SMTP_USER]) expect(failure.message).not.toContain(secret);
    } finally {
      await channel.close();
    }
  });

  it('rejects a configuration that is not an SMTP URL without echoing it', () => {
    let error: unknown;
    try {
      new EmailChannel({ smtpUrl: `http://${SMTP_USER}:${SMTP_PASS}@mail.example`, from: FROM });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect((error as ApplicationFailure).message).toMatch(/must start with smtp:\/\/ or smtps:\/\//);
    expect((error as ApplicationFailure).message).not.toContain(SMTP_PASS);
  });
});

describe('WebhookChannel with a real HTTP receiver', () => {
  let hook: WebhookReceiver;
  beforeEach(async () => {
    hook = await startWebhookReceiver();
  });
  afterEach(async () => {
    await hook.close();
  });

  it('posts the Slack payload with the Idempotency-Key header', async () => {
    const channel = new WebhookChannel({ url: hook.url, timeoutMs: 3000 });
    try {
      const notification = awaiting();
      await expect(channel.send(notification)).resolves.toBe('HTTP 200');
      const received = await hook.waitFor((r) => r.idempotencyKey === notification.idempotencyKey);
      expect(received.path).toBe(hook.path);
      expect(received.headers['content-type']).toMatch(/^application\/json/);
      expect(received.body).toEqual(notification.slack);
      const body = received.body as { text: string; blocks: { type: string; text?: { type: string; text: string } }[] };
      expect(body.text).toContain('[acme-2-4-8] Decision needed');
      expect(
        body.blocks.some(
          (b) =>
            b.type === 'section' && b.text?.type === 'mrkdwn' && b.text.text.includes('npx cuo approve acme-2-4-8 user-acceptance-testing'),
        ),
      ).toBe(true);
    } finally {
      await channel.close();
    }
  });

  it('HTTP 500: a retryable error naming the status, with the URL redacted', async () => {
    hook.failNext(1, 500);
    const channel = new WebhookChannel({ url: hook.url, timeoutMs: 3000 });
    try {
      const failure = await failureOf(channel.send(awaiting()));
      expect(failure.type).toBe('WebhookDeliveryFailed');
      expect(failure.nonRetryable).toBe(false);
      expect(failure.message).toContain('HTTP 500');
      expect(failure.message).toContain('URL redacted');
      expect(failure.message).not.toContain(hook.url);
      expect(failure.message).not.toContain(hook.path);
      expect(hook.requests.map((r) => r.status)).toEqual([500]);
      expect(hook.messages).toHaveLength(0);
    } finally {
      await channel.close();
    }
  });

  it('receiver down: connection refused, URL redacted; back up: delivered', async () => {
    await hook.goDown();
    const channel = new WebhookChannel({ url: hook.url, timeoutMs: 3000 });
    try {
      const failure = await failureOf(channel.send(awaiting()));
      expect(failure.message).toContain('connection refused');
      expect(failure.message).not.toContain(hook.path);
      expect(failure.nonRetryable).toBe(false);
      await hook.goUp();
      await expect(channel.send(awaiting())).resolves.toBe('HTTP 200');
      expect(hook.uniqueKeys()).toEqual([awaiting().idempotencyKey]);
    } finally {
      await channel.close();
    }
  });

  it('slow receiver: gives up after the timeout', async () => {
    hook.setDelay(1500);
    const channel = new WebhookChannel({ url: hook.url, timeoutMs: 300 });
    try {
      const failure = await failureOf(channel.send(awaiting()));
      expect(failure.message).toContain('no answer within 300 ms');
      expect(failure.message).not.toContain(hook.path);
    } finally {
      await channel.close();
    }
  });
});

describe('Notifier', () => {
  let smtp: SmtpReceiver;
  let hook: WebhookReceiver;
  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    hook = await startWebhookReceiver();
  });
  afterAll(async () => {
    await hook.close();
    await smtp.close();
  });

  it('reports a channel that is not configured as skipped', async () => {
    const notifier = new Notifier({ webhook: { url: hook.url } });
    try {
      const notification = awaiting(11);
      const outcome = await notifier.send(notification);
      expect(outcome.delivered).toBe(true);
      expect(outcome.results).toEqual([
        { channel: 'webhook', status: 'sent', detail: 'HTTP 200' },
        { channel: 'email', status: 'skipped', detail: 'not configured in the worker' },
      ]);
      expect(notifier.configuredChannels()).toEqual(['webhook']);
    } finally {
      await notifier.close();
    }
  });

  it('skips channels the project turned off', async () => {
    const notifier = new Notifier({ webhook: { url: hook.url }, email: { smtpUrl: smtp.url, from: FROM } });
    try {
      const before = hook.requests.length;
      const outcome = await notifier.send(awaiting(12), { enabled: { webhook: false, email: true } });
      expect(outcome.results.find((r) => r.channel === 'webhook')).toEqual({
        channel: 'webhook',
        status: 'skipped',
        detail: 'turned off in the project file',
      });
      expect(outcome.results.find((r) => r.channel === 'email')?.status).toBe('sent');
      expect(hook.requests.length).toBe(before);
    } finally {
      await notifier.close();
    }
  });

  it('a failed channel is retried alone: the channel that succeeded is not sent twice', async () => {
    const notifier = new Notifier({ webhook: { url: hook.url, timeoutMs: 3000 }, email: { smtpUrl: smtp.url, from: FROM } });
    try {
      const notification = awaiting(13);
      hook.failNext(1, 503);
      const failure = await failureOf(notifier.sendOrThrow(notification));
      expect(failure.type).toBe('NotificationNotDelivered');
      expect(failure.nonRetryable).toBe(false);
      expect(failure.message).toContain('webhook: Webhook delivery failed (URL redacted): the receiver answered HTTP 503');
      expect(failure.message).not.toContain(hook.path);

      const second = await notifier.sendOrThrow(notification);
      expect(second.results).toEqual([
        { channel: 'webhook', status: 'sent', detail: 'HTTP 200' },
        { channel: 'email', status: 'skipped', detail: expect.stringMatching(/^already delivered/) },
      ]);
      const mails = smtp.messages.filter((m) => m.headers['idempotency-key'] === notification.idempotencyKey);
      expect(mails).toHaveLength(1);
      const hooks = hook.messages.filter((m) => m.idempotencyKey === notification.idempotencyKey);
      expect(hooks).toHaveLength(1);
    } finally {
      await notifier.close();
    }
  });

  it('a second worker (no memory) sends again with the same keys, so receivers can deduplicate', async () => {
    const notification = awaiting(14);
    for (let i = 0; i < 2; i += 1) {
      const notifier = new Notifier({ webhook: { url: hook.url }, email: { smtpUrl: smtp.url, from: FROM } });
      try {
        expect((await notifier.send(notification)).delivered).toBe(true);
      } finally {
        await notifier.close();
      }
    }
    const mails = smtp.messages.filter((m) => m.headers['idempotency-key'] === notification.idempotencyKey);
    expect(mails).toHaveLength(2);
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(1);
    const posts = hook.messages.filter((m) => m.idempotencyKey === notification.idempotencyKey);
    expect(posts).toHaveLength(2);
  });

  it('all failures permanent: non-retryable', async () => {
    const failing = new Notifier({
      email: { smtpUrl: smtp.url, from: FROM },
    });
    try {
      const empty = { ...awaiting(15), to: [], cc: [] };
      const failure = await failureOf(failing.sendOrThrow(empty));
      expect(failure.nonRetryable).toBe(true);
      expect(failure.message).toContain('has no e-mail recipients');
    } finally {
      await failing.close();
    }
  });
});

describe('redact', () => {
  it('removes secrets in plain and URL-encoded form, longest first', () => {
    const url = 'https://hooks.slack.com/services/T0/B0/XyZ';
    expect(redact(`POST ${url} failed; path /services/T0/B0/XyZ`, [url, '/services/T0/B0/XyZ'])).toBe(
      'POST [redacted] failed; path [redacted]',
    );
    expect(redact('login p%40ss failed', ['p@ss'])).toBe('login [redacted] failed');
  });
});
