/**
 * The notification activities as the worker runs them (inside MockActivityEnvironment, so `log` and the activity
 * info are real), delivering to real loopback receivers and a real artifact store in a temp folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure, type Logger, type LogLevel, type LogMetadata } from '@temporalio/common';
import { MockActivityEnvironment as BaseEnvironment } from '@temporalio/testing';
import { ArtifactStore } from '../../../activities/artifact-store';
import type { UpgradeActivities } from '../../../activities/contract';
import { createNotifyActivities } from '../../../activities/notify/activities';
import { conferenceUid } from '../../../activities/notify/calendar';
import { messageIdFor, Notifier } from '../../../activities/notify/channels';
import { startSmtpReceiver, type SmtpReceiver } from '../../support/smtp-receiver';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';
import { acmeProject, WORKFLOW_ID } from './project-fixture';

const FROM = 'upgrades@orchestrator.example';

/** What the activities logged, kept to check that no secret reaches the logs (and to keep test output quiet). */
const logged: string[] = [];
const collectingLogger: Logger = {
  log: (level: LogLevel, message: string, meta?: LogMetadata) => logged.push(`${level} ${message} ${JSON.stringify(meta ?? {})}`),
  trace: (message, meta) => collectingLogger.log('TRACE', message, meta),
  debug: (message, meta) => collectingLogger.log('DEBUG', message, meta),
  info: (message, meta) => collectingLogger.log('INFO', message, meta),
  warn: (message, meta) => collectingLogger.log('WARN', message, meta),
  error: (message, meta) => collectingLogger.log('ERROR', message, meta),
};

class MockActivityEnvironment extends BaseEnvironment {
  constructor(info?: ConstructorParameters<typeof BaseEnvironment>[0]) {
    super(info, { logger: collectingLogger });
  }

  /** `run` with the result type kept (the SDK's generic infers `unknown` for a closure). */
  call<R>(fn: () => Promise<R>): Promise<R> {
    return this.run(fn) as Promise<R>;
  }
}

describe('notification activities', () => {
  let smtp: SmtpReceiver;
  let hook: WebhookReceiver;
  let dir: string;
  let notifier: Notifier;
  let artifacts: ArtifactStore;
  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    hook = await startWebhookReceiver();
    dir = await mkdtemp(join(tmpdir(), 'notify-activities-'));
    artifacts = new ArtifactStore(dir);
    notifier = new Notifier({ webhook: { url: hook.url, timeoutMs: 3000 }, email: { smtpUrl: smtp.url, from: FROM } });
  });
  afterAll(async () => {
    // Activities log what they sent, never where to (the webhook URL is the credential).
    expect(logged.some((line) => line.includes('notification sent'))).toBe(true);
    for (const line of logged) expect(line).not.toContain(hook.path);
    await notifier.close();
    await hook.close();
    await smtp.close();
    await rm(dir, { recursive: true, force: true });
  });

  const ctx = { workflowId: WORKFLOW_ID, project: acmeProject() };

  it('implements the contract the workflow calls', () => {
    const acts: Pick<UpgradeActivities, 'sendNotification' | 'scheduleConference'> = createNotifyActivities({ notifier, artifacts });
    expect(Object.keys(acts).sort()).toEqual(['scheduleConference', 'sendNotification']);
  });

  it('sendNotification: composes from the workflow request and delivers to both channels', async () => {
    const acts = createNotifyActivities({ notifier, artifacts, now: () => new Date('2025-06-06T00:00:00Z') });
    const key = `${WORKFLOW_ID}/user-acceptance-testing/r1/escalation/1`;
    const result = await new MockActivityEnvironment().call(() =>
      acts.sendNotification(ctx, {
        kind: 'escalation',
        taskId: 'user-acceptance-testing',
        taskTitle: 'User Acceptance Testing on Staging',
        to: ['managed-services'],
        actors: ['customer'],
        since: '2025-06-01T00:00:00.000Z',
        idempotencyKey: key,
      }),
    );
    expect(result).toEqual({ delivered: ['webhook', 'email'], skipped: [] });
    const mail = await smtp.waitFor((m) => m.messageId === messageIdFor(key));
    expect(mail.envelope.to.sort()).toEqual(['chris@adobe.example', 'jane@acme.example', 'omar@acme.example']);
    expect(mail.to.map((a) => a.address)).toEqual(['chris@adobe.example']);
    expect(mail.subject).toBe('[acme-2-4-8] Overdue: User Acceptance Testing on Staging waits on Customer');
    expect(mail.text).toContain('since 2025-06-01 00:00 UTC (5d)');
    expect(mail.text).toContain('npx cuo approve acme-2-4-8 user-acceptance-testing --as jane@acme.example --role customer');
    const post = await hook.waitFor((r) => r.idempotencyKey === key);
    expect(JSON.stringify(post.body)).toContain('Overdue: User Acceptance Testing on Staging');
  });

  it('sendNotification: honours the project switches and reports skipped channels', async () => {
    const acts = createNotifyActivities({ notifier, artifacts });
    const quiet = { ...ctx, project: { ...ctx.project, notifications: { email: true, webhook: false } } };
    const result = await new MockActivityEnvironment().call(() =>
      acts.sendNotification(quiet, {
        kind: 'completed',
        to: ['customer', 'partner', 'managed-services'],
        idempotencyKey: `${WORKFLOW_ID}/project/completed`,
      }),
    );
    expect(result).toEqual({ delivered: ['email'], skipped: ['webhook: turned off in the project file'] });
  });

  it('sendNotification: a failing receiver makes the activity fail retryably, without the URL', async () => {
    const acts = createNotifyActivities({ notifier, artifacts });
    hook.failNext(1, 500);
    const key = `${WORKFLOW_ID}/update-code-base/r1/blocked/prepareUpgradeBranch/3`;
    const run = new MockActivityEnvironment().call(() =>
      acts.sendNotification(ctx, {
        kind: 'blocked',
        taskId: 'update-code-base',
        to: ['partner', 'managed-services'],
        actors: ['partner', 'managed-services'],
        reason: 'prepareUpgradeBranch failed: push rejected',
        idempotencyKey: key,
      }),
    );
    await expect(run).rejects.toBeInstanceOf(ApplicationFailure);
    await run.catch((error: ApplicationFailure) => {
      expect(error.nonRetryable).toBe(false);
      expect(error.message).toContain('HTTP 500');
      expect(error.message).not.toContain(hook.path);
    });
    // The retry (same worker) delivers the webhook and does not send the e-mail a second time.
    const retry = await new MockActivityEnvironment({ attempt: 2 }).call(() =>
      acts.sendNotification(ctx, {
        kind: 'blocked',
        taskId: 'update-code-base',
        to: ['partner', 'managed-services'],
        actors: ['partner', 'managed-services'],
        reason: 'prepareUpgradeBranch failed: push rejected',
        idempotencyKey: key,
      }),
    );
    expect(retry.delivered).toEqual(['webhook']);
    expect(retry.skipped).toEqual([expect.stringMatching(/^email: already delivered/)]);
    expect(smtp.messages.filter((m) => m.messageId === messageIdFor(key))).toHaveLength(1);
  });

  it('scheduleConference: stores the .ics as evidence and e-mails it; SEQUENCE from the schedule time', async () => {
    const acts = createNotifyActivities({
      notifier,
      artifacts,
      conference: { dialIn: 'https://meet.example/acme' },
      now: () => new Date('2025-06-01T08:00:00Z'),
    });
    const scheduled = Date.UTC(2025, 5, 1, 7, 59, 0);
    const result = await new MockActivityEnvironment({ scheduledTimestampMs: scheduled }).call(() =>
      acts.scheduleConference(ctx, {
        event: 'launch',
        window: { startIso: '2025-06-12T22:00:00.000Z', endIso: '2025-06-13T00:00:00.000Z' },
      }),
    );
    const expectedSequence = Math.floor((scheduled - Date.UTC(2024, 0, 1)) / 1000);
    expect(result.passed).toBe(true);
    expect(result.facts).toMatchObject({
      uid: conferenceUid(WORKFLOW_ID, 'launch'),
      sequence: expectedSequence,
      attendees: 4,
      channels: 'webhook,email',
    });
    expect(result.summary).toContain('Invited 4 participants to the launch conference, 2025-06-12 22:00 UTC');
    expect(result.artifact.mediaType).toBe('text/calendar');
    const stored = await artifacts.getText(result.artifact.id);
    expect(stored).toContain(`UID:${conferenceUid(WORKFLOW_ID, 'launch')}`);
    expect(stored).toContain(`SEQUENCE:${expectedSequence}`);

    const mail = await smtp.waitFor((m) => m.calendar?.includes(`SEQUENCE:${expectedSequence}`) ?? false);
    expect(mail.calendar).toBe(stored);
    expect(mail.subject).toBe('[acme-2-4-8] Invitation: Launch conference, 2025-06-12 22:00 UTC');

    // Rescheduled later: same UID, higher SEQUENCE.
    const later = await new MockActivityEnvironment({ scheduledTimestampMs: scheduled + 3_600_000 }).call(() =>
      acts.scheduleConference(ctx, {
        event: 'launch',
        window: { startIso: '2025-06-17T22:00:00.000Z', endIso: '2025-06-18T00:00:00.000Z' },
      }),
    );
    expect(later.facts?.uid).toBe(result.facts?.uid);
    expect(Number(later.facts?.sequence)).toBeGreaterThan(expectedSequence);
  });
});
