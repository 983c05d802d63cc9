/**
 * Delivery of composed notifications: a Slack-compatible webhook (undici) and SMTP e-mail (nodemailer).
 *
 * Secrets (the webhook URL, SMTP credentials) come from the worker's configuration through the constructors, never
 * from the project file or the environment, and never appear in errors: a Slack webhook URL *is* the credential, so
 * errors say "webhook (URL redacted)" and SMTP errors have the user name and password cut out.
 *
 * Idempotency: every notification carries a key (`workflowId/task/kind/attempt`); the webhook gets it as the
 * `Idempotency-Key` header, the e-mail as its Message-ID, so receivers can drop duplicates that activity retries
 * produce. The Notifier also remembers what it delivered, so a retry in the same worker skips channels that already
 * succeeded.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { Agent, request } from 'undici';
import type { Notification } from './message';

export const MESSAGE_ID_DOMAIN = 'commerce-upgrades.invalid';

/** `<sha256(key)[0..40]@commerce-upgrades.invalid>`: the same notification always gets the same Message-ID. */
export function messageIdFor(idempotencyKey: string): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}@${MESSAGE_ID_DOMAIN}>`;
}

/** Replaces every occurrence of each secret (and its URL-encoded form) with `[redacted]`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 3) continue;
    variants.add(secret);
    variants.add(encodeURIComponent(secret));
    try {
      variants.add(decodeURIComponent(secret));
    } catch {
      // not URL-encoded; the plain form is already in the set
    }
  }
  // Longest first, so a URL is replaced whole before its path is.
  for (const variant of [...variants].sort((a, b) => b.length - a.length)) {
    out = out.split(variant).join('[redacted]');
  }
  return out;
}

export type ChannelName = 'webhook' | 'email';

export interface Channel {
  readonly name: ChannelName;
  /** Delivers or throws an ApplicationFailure whose message holds no secret. Returns a one-line detail. */
  send(notification: Notification): Promise<string>;
  close(): Promise<void>;
}

export interface WebhookChannelConfig {
  url: string;
  /** Whole request (connect, send, response) must finish within this; default 10 s. */
  timeoutMs?: number;
}

export class WebhookChannel implements Channel {
  readonly name = 'webhook' as const;
  private readonly url: URL;
  private readonly timeoutMs: number;
  private readonly agent: Agent;
  private readonly secrets: string[];

  constructor(config: WebhookChannelConfig) {
    let url: URL;
    try {
      url = new URL(config.url);
    } catch {
      throw ApplicationFailure.nonRetryable(
        'The webhook URL in the worker configuration is not a valid URL (value redacted); set an https:// incoming-webhook URL.',
        'NotificationConfigError',
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw ApplicationFailure.nonRetryable(
        `The webhook URL in the worker configuration must be http(s), not ${url.protocol} (value redacted).`,
        'NotificationConfigError',
      );
    }
    this.url = url;
    this.timeoutMs = config.timeoutMs ?? 10_000;
    // Own connection pool, so the worker can close it on shutdown and tests leave no open sockets.
    this.agent = new Agent({ keepAliveTimeout: 4_000, connect: { timeout: this.timeoutMs } });
    this.secrets = [config.url, url.href, `${url.pathname}${url.search}`, url.password, url.username].filter((s) => s && s !== '/');
  }

  async send(notification: Notification): Promise<string> {
    const body = JSON.stringify(notification.slack);
    let statusCode: number;
    try {
      const response = await request(this.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'idempotency-key': notification.idempotencyKey,
          'user-agent': 'commerce-upgrade-orchestrator',
        },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      statusCode = response.statusCode;
      // The body is not needed, but must be consumed so the connection goes back to the pool.
      await response.body.dump();
    } catch (error) {
      throw ApplicationFailure.retryable(`Webhook delivery failed (URL redacted): ${this.describe(error)}`, 'WebhookDeliveryFailed');
    }
    if (statusCode < 200 || statusCode > 299) {
      throw ApplicationFailure.retryable(
        `Webhook delivery failed (URL redacted): the receiver answered HTTP ${statusCode}`,
        'WebhookDeliveryFailed',
      );
    }
    return `HTTP ${statusCode}`;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private describe(error: unknown): string {
    const err = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
    if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `no answer within ${this.timeoutMs} ms`;
    const code = err?.code ?? err?.cause?.code;
    const reason =
      code === 'ECONNREFUSED'
        ? 'connection refused'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'host name not found'
          : code === 'UND_ERR_CONNECT_TIMEOUT'
            ? `could not connect within ${this.timeoutMs} ms`
            : (err?.message ?? String(error));
    return redact(`${reason}${code && !reason.includes(code) ? ` (${code})` : ''}`, this.secrets);
  }
}

export interface EmailChannelConfig {
  /** `smtp://user:pass@host:587` or `smtps://user:pass@host:465`; credentials are secret. */
  smtpUrl: string;
  /** Sender, e.g. `"Commerce Upgrades" <upgrades@example.com>`. */
  from: string;
  /** Connection, greeting and socket timeouts; default 10 s. */
  timeoutMs?: number;
  /** For SMTP servers with a private CA or a self-signed certificate (tests). */
  tls?: { rejectUnauthorized?: boolean };
}

export class EmailChannel implements Channel {
  readonly name = 'email' as const;
  private readonly transport: nodemailer.Transporter<SMTPTransport.SentMessageInfo>;
  private readonly secrets: string[];

  constructor(private readonly config: EmailChannelConfig) {
    let url: URL;
    try {
      url = new URL(config.smtpUrl);
    } catch {
      throw ApplicationFailure.nonRetryable(
        'The SMTP URL in the worker configuration is not a valid URL (value redacted); use smtp://user:pass@host:587 or smtps://user:pass@host:465.',
        'NotificationConfigError',
      );
    }
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
      throw ApplicationFailure.nonRetryable(
        `The SMTP URL in the worker configuration must start with smtp:// or smtps://, not ${url.protocol} (value redacted).`,
        'NotificationConfigError',
      );
    }
    this.secrets = [config.smtpUrl, url.password, url.username];
    const timeout = config.timeoutMs ?? 10_000;
    this.transport = nodemailer.createTransport({
      url: config.smtpUrl,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      logger: false,
      debug: false,
      ...(config.tls ? { tls: config.tls } : {}),
    } as SMTPTransport.Options);
  }

  async send(notification: Notification): Promise<string> {
    const recipients = [...notification.to, ...notification.cc];
    if (!recipients.length) {
      throw ApplicationFailure.nonRetryable(
        `Notification ${notification.idempotencyKey} has no e-mail recipients; add participants to the project file.`,
        'NotificationConfigError',
      );
    }
    const address = (r: { name: string; email: string }) => ({ name: r.name, address: r.email });
    const calendar = notification.attachments.find((a) => a.calendarMethod);
    try {
      const info = await this.transport.sendMail({
        from: this.config.from,
        to: notification.to.map(address),
        cc: notification.cc.map(address),
        subject: notification.subject,
        text: notification.text,
        messageId: messageIdFor(notification.idempotencyKey),
        headers: {
          'Idempotency-Key': notification.idempotencyKey,
          'X-Commerce-Upgrade-Project': notification.projectId,
          'X-Commerce-Upgrade-Kind': notification.kind,
        },
        // A calendar invite goes both as a text/calendar alternative of the body (iMIP, RFC 6047: what Outlook
        // and Gmail turn into accept/decline buttons) and as the .ics attachment (what other clients import).
        // nodemailer's `icalEvent` would add a third, application/ics copy, so the alternative is set directly.
        ...(calendar ? { alternatives: [{ contentType: calendar.contentType, content: calendar.content }] } : {}),
        attachments: notification.attachments.map((a) => ({
          filename: a.filename,
          content: a.content,
          contentType: a.contentType,
        })),
      });
      const rejected = info.rejected?.length ?? 0;
      return `accepted ${info.accepted?.length ?? 0}, rejected ${rejected}: ${info.messageId}`;
    } catch (error) {
      throw this.failure(error);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }

  private failure(error: unknown): ApplicationFailure {
    const err = error as { code?: string; responseCode?: number; command?: string; message?: string };
    const code = err?.code ?? 'UNKNOWN';
    const message = redact(err?.message ?? String(error), this.secrets);
    const server = this.serverLabel();
    if (code === 'EAUTH') {
      return ApplicationFailure.nonRetryable(
        `SMTP server ${server} refused the login${err.responseCode ? ` (${err.responseCode})` : ''}; check the SMTP user ` +
          `and password in the worker configuration (credentials redacted).`,
        'EmailAuthFailed',
      );
    }
    if (code === 'EENVELOPE') {
      return ApplicationFailure.nonRetryable(`SMTP server ${server} refused the sender or recipients: ${message}`, 'EmailRejected');
    }
    const what =
      code === 'ECONNECTION' || /ECONNREFUSED/.test(message)
        ? 'could not connect (connection refused or closed)'
        : code === 'ETIMEDOUT'
          ? 'did not answer in time'
          : code === 'EDNS'
            ? 'host name not found'
            : 'failed';
    return ApplicationFailure.retryable(`E-mail delivery via SMTP server ${server} ${what}: ${message} [${code}]`, 'EmailDeliveryFailed');
  }

  /** `host:port` without credentials: enough to tell which server, nothing secret. */
  private serverLabel(): string {
    const url = new URL(this.config.smtpUrl);
    return `${url.hostname}:${url.port || (url.protocol === 'smtps:' ? '465' : '587')}`;
  }
}

export type ChannelStatus = 'sent' | 'skipped' | 'failed';

export interface ChannelResult {
  channel: ChannelName;
  status: ChannelStatus;
  /** What happened, without secrets: `HTTP 200`, `not configured`, the redacted error. */
  detail: string;
  /** Whether a retry may help (failed only). */
  retryable?: boolean;
}

export interface NotifyResult {
  idempotencyKey: string;
  results: ChannelResult[];
  /** True when no configured and enabled channel failed. */
  delivered: boolean;
}

export interface NotifierConfig {
  webhook?: WebhookChannelConfig | Channel;
  email?: EmailChannelConfig | Channel;
  /** How many delivered (channel, key) pairs to remember to skip duplicates on retries; default 10 000. */
  rememberDeliveries?: number;
}

export interface SendOptions {
  /** Channels the project turned off (`notifications` in the project file) are skipped. */
  enabled?: Partial<Record<ChannelName, boolean>>;
}

const CHANNEL_ORDER: readonly ChannelName[] = ['webhook', 'email'];

export class Notifier {
  private readonly channels: Partial<Record<ChannelName, Channel>> = {};
  private readonly delivered = new Map<string, string>();
  private readonly remember: number;

  constructor(config: NotifierConfig) {
    if (config.webhook) this.channels.webhook = isChannel(config.webhook) ? config.webhook : new WebhookChannel(config.webhook);
    if (config.email) this.channels.email = isChannel(config.email) ? config.email : new EmailChannel(config.email);
    this.remember = config.rememberDeliveries ?? 10_000;
  }

  configuredChannels(): ChannelName[] {
    return CHANNEL_ORDER.filter((name) => this.channels[name]);
  }

  /** Sends to every configured channel in parallel; never throws: failures are in the results. */
  async send(notification: Notification, options: SendOptions = {}): Promise<NotifyResult> {
    const results = await Promise.all(
      CHANNEL_ORDER.map(async (name): Promise<ChannelResult> => {
        const channel = this.channels[name];
        if (!channel) return { channel: name, status: 'skipped', detail: 'not configured in the worker' };
        if (options.enabled && options.enabled[name] === false) {
          return { channel: name, status: 'skipped', detail: 'turned off in the project file' };
        }
        const memoKey = `${name}\u0000${notification.idempotencyKey}`;
        const earlier = this.delivered.get(memoKey);
        if (earlier) return { channel: name, status: 'skipped', detail: `already delivered (${earlier})` };
        try {
          const detail = await channel.send(notification);
          this.rememberDelivery(memoKey, detail);
          return { channel: name, status: 'sent', detail };
        } catch (error) {
          const failure = error instanceof ApplicationFailure ? error : undefined;
          return {
            channel: name,
            status: 'failed',
            detail: failure?.message ?? `unexpected error in the ${name} channel`,
            retryable: failure ? !failure.nonRetryable : true,
          };
        }
      }),
    );
    return {
      idempotencyKey: notification.idempotencyKey,
      results,
      delivered: results.every((r) => r.status !== 'failed'),
    };
  }

  /**
   * Sends and throws when a channel failed: retryable if any failure may pass (the retry skips channels that
   * already succeeded), non-retryable if all failures are permanent (bad credentials, rejected recipients).
   */
  async sendOrThrow(notification: Notification, options: SendOptions = {}): Promise<NotifyResult> {
    const outcome = await this.send(notification, options);
    const failed = outcome.results.filter((r) => r.status === 'failed');
    if (!failed.length) return outcome;
    const message = `Notification ${notification.idempotencyKey} not delivered: ${failed.map((r) => `${r.channel}: ${r.detail}`).join('; ')}`;
    if (failed.some((r) => r.retryable)) throw ApplicationFailure.retryable(message, 'NotificationNotDelivered', outcome);
    throw ApplicationFailure.nonRetryable(message, 'NotificationNotDelivered', outcome);
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.channels).map((c) => c?.close()));
  }

  private rememberDelivery(key: string, detail: string): void {
    this.delivered.set(key, detail);
    // Maps keep insertion order: drop the oldest beyond the limit.
    while (this.delivered.size > this.remember) {
      const oldest = this.delivered.keys().next().value;
      if (oldest === undefined) break;
      this.delivered.delete(oldest);
    }
  }
}

function isChannel(value: unknown): value is Channel {
  return typeof (value as Channel).send === 'function' && typeof (value as Channel).close === 'function';
}
