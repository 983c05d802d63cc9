/**
 * The notification activities the workflow calls (`sendNotification`, `scheduleConference` of
 * activities/contract.ts), built from injected dependencies so `createActivities(deps)` only has to pass them on.
 *
 * The workflow sends roles, ids and reasons; the participants' names and e-mails come from the project in the
 * context, the secrets (webhook URL, SMTP credentials) from the Notifier the worker built from its configuration.
 */
import { createHash, createHmac } from 'node:crypto';
import { Context, log } from '@temporalio/activity';
import type { ArtifactStore } from '../artifact-store';
import type { AutomationResult, NotificationRequest, NotificationResult, ProjectContext, WindowRef } from '../contract';
import { CAB_GATES, isTaskId, taskById } from '../../workflows/playbook';
import { cabOwner } from '../../workflows/project-state';
import type { Role } from '../../workflows/roles';
import { conferenceNotification, INVITE_FILENAME } from './calendar';
import type { Notifier, NotifyResult } from './channels';
import { emailLinkUrl, evidenceHash, listedIn, mintEmailLink } from './email-link';
import {
  composeNotification,
  formatUtc,
  type Notification,
  type Awaiting,
  type ConferenceEvent,
  type NotificationEvent,
  type TaskRef,
} from './message';

export interface NotifyActivityDeps {
  notifier: Notifier;
  artifacts: ArtifactStore;
  /** How people run the CLI, as printed in messages; default `npx cuo`. */
  cli?: string;
  /** Dial-in link and notes for conference invitations (worker configuration, not project input). */
  conference?: { dialIn?: string; notes?: string };
  /** Clock for "waiting since" texts and DTSTAMP; injectable for tests. */
  now?: () => Date;
  /** The approvals gateway's public URL: messages link to the task pages (worker GATEWAY_PUBLIC_URL). */
  gatewayUrl?: string;
  /**
   * One-time e-mail links (email-link.ts) for the listed people (e-mails, @domains or *): each gets, besides the
   * shared message, a personal e-mail with a link that lets them decide without signing in.
   */
  emailLinks?: { secret: string; ttlSec: number; recipients: string[] };
}

/** The request as the workflow sends it, plus fields a newer workflow may add (used when present). */
export type NotificationRequestInput = NotificationRequest & {
  /** Task the project goes back to after a rejection. */
  backTo?: string;
  /** E-mail of the person who rejected or cancelled. */
  actor?: string;
  /** For reminders and escalations: whether the task waits for a decision or, blocked, for a retry or a skip. */
  awaiting?: Awaiting;
};

export function createNotifyActivities(deps: NotifyActivityDeps) {
  const now = deps.now ?? (() => new Date());
  const composeOptions = { ...(deps.cli ? { cli: deps.cli } : {}), ...(deps.gatewayUrl ? { gatewayUrl: deps.gatewayUrl } : {}) };

  /**
   * The personal e-mails with a one-time link, for a decision the owner role is asked for: bound to the person,
   * the round (from the workflow's key `…/<task>/r<round>/…`) and the evidence (hashed from the artifact store).
   * The link id is derived from the notification's key and the person, so an activity retry sends the same link.
   */
  const personalLinks = async (ctx: ProjectContext, request: NotificationRequestInput, shared: Notification): Promise<Notification[]> => {
    const links = deps.emailLinks;
    const deciding = request.kind === 'awaiting-decision' || (request.kind === 'reminder' && request.awaiting !== 'retry-or-skip');
    if (!links || !deps.gatewayUrl || !deciding || !request.taskId || ctx.project.notifications?.email === false) return [];
    // The round the workflow names (projects since it sends it); older ones name it only in the key (`…/r<n>/…`).
    const round = request.round !== undefined ? String(request.round) : /\/r(\d+)\//.exec(request.idempotencyKey)?.[1];
    if (round === undefined) return [];
    const roles = request.actors?.length ? request.actors : [taskRef(request.taskId).ownerRole];
    const people = roles
      .flatMap((role) => ctx.project.participants[role].map((p) => ({ ...p, role })))
      .filter((p) => listedIn(p.email, links.recipients));
    if (!people.length) return [];
    const digests = await Promise.all(
      (request.evidence ?? []).map(async (id) =>
        createHash('sha256')
          .update(await deps.artifacts.get(id))
          .digest('hex'),
      ),
    );
    const evh = evidenceHash(digests);
    return people.map((person) => {
      const jti = uuidFrom(createHmac('sha256', links.secret).update(`jti:${request.idempotencyKey}:${person.email}`).digest());
      const { token, claims } = mintEmailLink(
        links.secret,
        { pid: ctx.project.projectId, tid: request.taskId!, rnd: Number(round), evh, sub: person.email, rol: person.role },
        { ttlSec: links.ttlSec, jti, nowSec: Math.floor(now().getTime() / 1000) },
      );
      const url = emailLinkUrl(deps.gatewayUrl!, token);
      const until = formatUtc(new Date(claims.exp * 1000).toISOString());
      const text = [
        shared.subject,
        '',
        `${person.name}, you can decide "${request.taskTitle ?? request.taskId}" without signing in, with this link made for you alone:`,
        '',
        `  ${url}`,
        '',
        `It opens a page with the evidence; nothing is decided until you confirm there. It works once, until ${until}, ` +
          `and only while the evidence stays as it is now. Do not forward this e-mail.`,
        '',
        `Reference: ${shared.idempotencyKey}`,
        '',
      ].join('\n');
      return {
        ...shared,
        idempotencyKey: `${shared.idempotencyKey}/link/${person.email}`,
        subject: `${shared.subject} (your one-time link)`,
        text,
        to: [{ name: person.name, email: person.email, role: person.role }],
        cc: [],
        actions: [{ label: 'Decide with your one-time link', command: url, url }],
        attachments: [],
      };
    });
  };

  return {
    /** Composes the message for the request and sends it to every configured channel the project allows. */
    async sendNotification(ctx: ProjectContext, request: NotificationRequestInput): Promise<NotificationResult> {
      const event = eventFromRequest(ctx, request, now().toISOString());
      const notification = composeNotification(event, composeOptions);
      const outcome = await deps.notifier.sendOrThrow(notification, { enabled: ctx.project.notifications });
      logOutcome(outcome);
      const result = resultOf(outcome);
      for (const personal of await personalLinks(ctx, request, notification)) {
        // E-mail only: a chat channel is shared, and a link is the person's own credential.
        const sent = await deps.notifier.sendOrThrow(personal, { enabled: { ...ctx.project.notifications, webhook: false } });
        logOutcome(sent);
        result.delivered.push(...resultOf(sent).delivered.map((d) => `${d} (one-time link)`));
      }
      return result;
    },

    /**
     * Sends the invitation to the infrastructure-upgrade or launch conference for the window the workflow chose;
     * the .ics is kept as the step's evidence. SEQUENCE comes from when the workflow scheduled this activity:
     * the same across retries (so receivers deduplicate), higher for every later re-send (so calendars update).
     */
    async scheduleConference(
      ctx: ProjectContext,
      request: { event: ConferenceEvent; window: WindowRef; sequence?: number },
    ): Promise<AutomationResult> {
      const { project, workflowId } = ctx;
      const task = taskRef(request.event === 'launch' ? 'launch-to-production' : 'upgrade-infrastructure-services');
      const { invite, notification } = conferenceNotification(
        {
          workflowId,
          project,
          event: request.event,
          startUtc: request.window.startIso,
          endUtc: request.window.endIso,
          sequence: request.sequence ?? sequenceNow(now()),
          task,
          stamp: now(),
          ...(deps.conference?.dialIn ? { dialIn: deps.conference.dialIn } : {}),
          ...(deps.conference?.notes ? { notes: deps.conference.notes } : {}),
        },
        composeOptions,
      );
      const artifact = await deps.artifacts.put(project.projectId, `conference-${request.event}.ics`, invite.ics, 'text/calendar');
      const outcome = await deps.notifier.sendOrThrow(notification, { enabled: ctx.project.notifications });
      logOutcome(outcome);
      const attendees = notification.to.length;
      const sentVia = outcome.results.filter((r) => r.status === 'sent').map((r) => r.channel);
      return {
        artifact,
        summary:
          `Invited ${attendees} participants to the ${request.event} conference, ${formatUtc(invite.startUtc)} to ` +
          (`${formatUtc(invite.endUtc)} (${INVITE_FILENAME}, sequence ` +
            `${invite.sequence}${sentVia.length ? `, via ${sentVia.join(' and ')}` : ', no channel configured'})`),
        passed: true,
        facts: {
          uid: invite.uid,
          sequence: invite.sequence,
          start: invite.startUtc,
          end: invite.endUtc,
          attendees,
          channels: sentVia.join(',') || 'none',
        },
      };
    },
  };
}

export type NotifyActivities = ReturnType<typeof createNotifyActivities>;

/** Maps the workflow's small request onto the structured event the composer needs. */
export function eventFromRequest(ctx: ProjectContext, request: NotificationRequestInput, at: string): NotificationEvent {
  const { project, workflowId } = ctx;
  const audience = { to: request.to, ...(request.actors?.length ? { acting: request.actors } : {}) };
  const base = { workflowId, project, at, idempotencyKey: request.idempotencyKey, audience };
  const task = request.taskId ? taskRef(request.taskId, request.taskTitle, request.actors) : undefined;
  const evidence = request.evidence?.map((id) => ({ id }));
  const need = (what: string): TaskRef => {
    if (task) return task;
    // A programming error in the caller: retrying cannot add the missing task.
    throw new TypeError(`a "${request.kind}" notification needs a taskId (${what})`);
  };
  switch (request.kind) {
    case 'awaiting-decision':
      return { ...base, kind: 'awaiting-decision', task: need('the task to decide'), ...(evidence ? { evidence } : {}) };
    case 'reminder':
      return {
        ...base,
        kind: 'reminder',
        task: need('the task waiting'),
        since: request.since ?? at,
        ...(evidence ? { evidence } : {}),
        ...(request.awaiting ? { awaiting: request.awaiting } : {}),
      };
    case 'escalation':
      return {
        ...base,
        kind: 'escalation',
        task: need('the overdue task'),
        since: request.since ?? at,
        ...(request.awaiting ? { awaiting: request.awaiting } : {}),
      };
    case 'blocked':
      return { ...base, kind: 'blocked', task: need('the blocked task'), error: request.reason ?? 'unknown error' };
    case 'rejected': {
      // The workflow appends "(back to <task>)" to the reason; a structured `backTo` wins when present.
      const match = /\s*\(back to ([a-z0-9-]+)\)\s*$/.exec(request.reason ?? '');
      const backToId = request.backTo ?? match?.[1];
      const reason = (match ? (request.reason ?? '').slice(0, match.index) : request.reason) || 'no reason given';
      const by = request.actor ? actorOf(ctx, request.actor) : undefined;
      return {
        ...base,
        kind: 'rejected',
        task: need('the rejected task'),
        reason,
        ...(backToId ? { backTo: taskRef(backToId) } : {}),
        ...(by ? { by } : {}),
      };
    }
    case 'cancelled': {
      // The workflow appends "(by <actor>)" to the reason; a structured `actor` wins when present.
      const match = /\s*\(by ([^()\s]+)\)\s*$/.exec(request.reason ?? '');
      const actor = request.actor ?? match?.[1];
      const by = actor ? actorOf(ctx, actor) : undefined;
      const reason = (match && by ? (request.reason ?? '').slice(0, match.index) : request.reason) || 'no reason given';
      return { ...base, kind: 'cancelled', reason, ...(by ? { by } : {}), ...(task ? { task } : {}) };
    }
    case 'completed':
      return { ...base, kind: 'completed', ...(request.reason ? { summary: request.reason } : {}) };
  }
}

/** Title and owner of a playbook task or CAB gate; unknown ids fall back to the caller's title and first actor. */
export function taskRef(id: string, title?: string, actors?: readonly Role[]): TaskRef {
  if (isTaskId(id)) {
    const task = taskById(id);
    return { id, title: title ?? task.title, ownerRole: task.owner };
  }
  const cab = CAB_GATES.find((gate) => gate.id === id);
  if (cab) return { id, title: title ?? cab.title, ownerRole: cabOwner(cab) };
  return { id, ...(title ? { title } : {}), ownerRole: actors?.[0] ?? 'managed-services' };
}

function actorOf(ctx: ProjectContext, email: string): { email: string; role: Role; name?: string } | undefined {
  for (const role of ['customer', 'partner', 'managed-services'] as const) {
    const person = ctx.project.participants[role].find((p) => p.email === email.toLowerCase());
    if (person) return { email: person.email, role, name: person.name };
  }
  return undefined;
}

/** 2024-01-01T00:00:00Z: SEQUENCE counts seconds from here, which fits a 32-bit integer until 2092. */
const SEQUENCE_EPOCH_MS = Date.UTC(2024, 0, 1);

function sequenceNow(fallback: Date): number {
  let scheduledMs = fallback.getTime();
  try {
    scheduledMs = Context.current().info.scheduledTimestampMs || scheduledMs;
  } catch {
    // Called outside an activity (a script, a test): the clock stands in for the schedule time.
  }
  return Math.max(0, Math.floor((scheduledMs - SEQUENCE_EPOCH_MS) / 1000));
}

function resultOf(outcome: NotifyResult): NotificationResult {
  return {
    delivered: outcome.results.filter((r) => r.status === 'sent').map((r) => r.channel),
    skipped: outcome.results.filter((r) => r.status === 'skipped').map((r) => `${r.channel}: ${r.detail}`),
  };
}

function logOutcome(outcome: NotifyResult): void {
  try {
    // Details are already free of secrets (channels redact them).
    log.info('notification sent', {
      idempotencyKey: outcome.idempotencyKey,
      channels: Object.fromEntries(outcome.results.map((r) => [r.channel, `${r.status}: ${r.detail}`])),
    });
  } catch {
    // Not inside an activity: nothing to log to.
  }
}

/** An RFC 4122-shaped id (version 4 bits set) from 16 bytes of a digest. */
function uuidFrom(digest: Buffer): string {
  const b = Buffer.from(digest.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
