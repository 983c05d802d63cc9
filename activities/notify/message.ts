/**
 * Composition of notifications from structured project events: pure, no I/O, no clock. Every message names the
 * project (id, customer, current → target version), the task, who must act (names and e-mails of the role) and the
 * exact CLI command to act, so a person can act from the e-mail or the chat message alone.
 *
 * Channels (channels.ts) only deliver what is composed here; calendar.ts adds the .ics for conference events.
 */
import type { ProjectInput } from '../../workflows/project-input';
import { ROLE_LABELS, ROLES, type Role } from '../../workflows/roles';

export const NOTIFICATION_KINDS = [
  'awaiting-decision',
  'reminder',
  'escalation',
  'blocked',
  'rejected',
  'cancelled',
  'change-request',
  'completed',
  'alert',
  'conference',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** What a message needs from the project file; a whole `ProjectInput` fits. */
export type ProjectFacts = Pick<ProjectInput, 'projectId' | 'customer' | 'currentVersion' | 'targetVersion' | 'participants'>;

/** A playbook task as the caller knows it (workflows/playbook.ts): id, title and owner role. */
export interface TaskRef {
  id: string;
  /** Human title; derived from the id when absent. */
  title?: string;
  ownerRole: Role;
}

/** A person who did something (rejected, cancelled). */
export interface Actor {
  email: string;
  role: Role;
  name?: string;
}

/** A document an owner is asked to approve (an ArtifactRef or just its id). */
export interface EvidenceRef {
  id: string;
  name?: string;
  sha256?: string;
}

export const CONFERENCE_EVENTS = ['infrastructure-upgrade', 'launch'] as const;
export type ConferenceEvent = (typeof CONFERENCE_EVENTS)[number];

interface EventBase {
  workflowId: string;
  project: ProjectFacts;
  /**
   * Which occurrence of this kind for this task: the reminder number, the round after a rework, the invitation's
   * SEQUENCE. Part of the idempotency key, so it must stay the same across activity retries. Default 1.
   */
  attempt?: number;
  /** When the event happened (ISO 8601); used to say how long a task has waited. */
  at?: string;
  /** The caller's own key (the workflow builds one per gate, round and count); replaces the derived one. */
  idempotencyKey?: string;
  /**
   * Who receives it and who is expected to act, by role, when the caller decides (the workflow does); otherwise
   * each kind has its default (the task owner, the CSE for escalations, everybody for completion).
   */
  audience?: { to?: readonly Role[]; acting?: readonly Role[] };
}

/** What a waiting task needs: a decision (approve/reject) or, when blocked, a retry or a skip. */
export type Awaiting = 'decision' | 'retry-or-skip';

export type NotificationEvent =
  | (EventBase & { kind: 'awaiting-decision'; task: TaskRef; evidence?: EvidenceRef[]; summary?: string })
  | (EventBase & { kind: 'reminder'; task: TaskRef; since: string; evidence?: EvidenceRef[]; awaiting?: Awaiting })
  | (EventBase & { kind: 'escalation'; task: TaskRef; since: string; awaiting?: Awaiting })
  | (EventBase & { kind: 'blocked'; task: TaskRef; step?: string; error: string; attempts?: number })
  | (EventBase & { kind: 'rejected'; task: TaskRef; reason: string; backTo?: TaskRef; by?: Actor })
  | (EventBase & { kind: 'cancelled'; reason: string; by?: Actor; task?: TaskRef })
  | (EventBase & {
      kind: 'change-request';
      task: TaskRef;
      environment: 'staging' | 'production';
      /** The change request document (markdown): services diff, target versions, window, notice check. */
      document: string;
      summary: string;
      window?: { startUtc: string; endUtc: string };
    })
  | (EventBase & { kind: 'completed'; summary?: string })
  | (EventBase & { kind: 'alert'; summary: string; findings: string[]; environment?: string; task?: TaskRef })
  | (EventBase & {
      kind: 'conference';
      event: ConferenceEvent;
      startUtc: string;
      endUtc: string;
      dialIn?: string;
      notes?: string;
      task?: TaskRef;
    });

export interface Recipient {
  name: string;
  email: string;
  role: Role;
}

/** A command a person can paste into a shell, or (with `url`) the page to open, to act on the notification. */
export interface CliAction {
  label: string;
  command: string;
  /** Set when the action is a link (the task page on the approvals gateway); `command` then holds the same URL. */
  url?: string;
  /** The person the command is written for (its `--as`), when it is personal. */
  forEmail?: string;
}

export interface NotificationAttachment {
  filename: string;
  /** Full content type, e.g. `text/calendar; method=REQUEST; charset=UTF-8`. */
  contentType: string;
  content: string;
  /** Set for calendar invitations: e-mail clients show accept/decline for `text/calendar` with a method. */
  calendarMethod?: 'REQUEST' | 'CANCEL';
}

export interface SlackTextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
}
export type SlackBlock =
  | { type: 'header'; text: SlackTextObject }
  | { type: 'section'; text: SlackTextObject }
  | { type: 'context'; elements: SlackTextObject[] }
  | { type: 'divider' };
/** Slack incoming-webhook payload (also accepted by Mattermost and most chat webhooks that read `text`). */
export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

export interface Notification {
  kind: NotificationKind;
  /** `workflowId/task/kind/attempt`: receivers deduplicate on it (Idempotency-Key header, e-mail Message-ID). */
  idempotencyKey: string;
  workflowId: string;
  projectId: string;
  taskId?: string;
  subject: string;
  text: string;
  slack: SlackPayload;
  to: Recipient[];
  cc: Recipient[];
  actions: CliAction[];
  attachments: NotificationAttachment[];
}

export interface ComposeOptions {
  /** How people run the CLI; the default suits a checkout of this repository. */
  cli?: string;
  /**
   * The approvals gateway's public URL (the worker's GATEWAY_PUBLIC_URL). Set: every message links to the task's
   * page (`<gateway>/projects/<id>/tasks/<task>`) instead of printing CLI commands, in e-mail and chat alike.
   */
  gatewayUrl?: string;
}

const DEFAULT_CLI = 'npx cuo';
/** Slack limits: header 150 characters, section text 3000. */
const SLACK_HEADER_MAX = 150;
const SLACK_SECTION_MAX = 3000;
const ERROR_MAX = 1500;

export function composeNotification(event: NotificationEvent, options: ComposeOptions = {}): Notification {
  const cli = options.cli ?? DEFAULT_CLI;
  const { project } = event;
  const draft = draftFor(event, cli);
  const idempotencyKey = idempotencyKeyOf(event);
  if (event.audience?.to?.length) draft.toRoles = event.audience.to;
  const to = participantsOf(project, draft.toRoles);
  const cc = participantsOf(project, draft.ccRoles).filter((p) => !to.some((t) => t.email === p.email));
  const gateway = options.gatewayUrl?.replace(/\/+$/, '');
  let actions: CliAction[];
  if (gateway) {
    const link = (label: string, url: string): CliAction => ({ label, command: url, url });
    const projectUrl = `${gateway}/projects/${encodeURIComponent(project.projectId)}`;
    const taskUrl = draft.task ? `${projectUrl}/tasks/${encodeURIComponent(draft.task.id)}` : undefined;
    actions = [
      ...(taskUrl ? [link(draft.actions.length ? 'Review the evidence and decide on the task page' : 'Open the task page', taskUrl)] : []),
      link('See the project', projectUrl),
    ];
  } else {
    actions = [...draft.actions, { label: 'See the project status', command: `${cli} status ${shellArg(project.projectId)}` }];
  }
  const subject = `[${project.projectId}] ${draft.headline}`;

  const facts = factLines(event, draft);
  const text = [
    subject,
    '',
    ...facts,
    '',
    ...draft.body,
    '',
    'What to do:',
    ...actions.map((a) => `  ${a.label}:\n    ${a.command}`),
    '',
    `Reference: ${idempotencyKey}`,
    '',
  ].join('\n');

  return {
    kind: event.kind,
    idempotencyKey,
    workflowId: event.workflowId,
    projectId: project.projectId,
    ...(draft.task ? { taskId: draft.task.id } : {}),
    subject,
    text,
    slack: slackPayload(subject, facts, draft.slackBody ?? draft.body, actions, idempotencyKey),
    to,
    cc,
    actions,
    attachments: draft.attachments ?? [],
  };
}

/** `workflowId/task/kind/attempt`, stable across activity retries of the same notification. */
export function idempotencyKeyOf(event: NotificationEvent): string {
  if (event.idempotencyKey) return event.idempotencyKey;
  const task = 'task' in event && event.task ? event.task.id : '-';
  let kind: string = event.kind;
  if (event.kind === 'change-request') kind = `${event.kind}:${event.environment}`;
  if (event.kind === 'conference') kind = `${event.kind}:${event.event}`;
  return `${event.workflowId}/${task}/${kind}/${event.attempt ?? 1}`;
}

interface Draft {
  headline: string;
  task?: TaskRef;
  /** Roles that must act (or are addressed); their participants are the `to` recipients. */
  toRoles: readonly Role[];
  ccRoles: readonly Role[];
  /** What "Who must act" says; defaults to the `to` roles. */
  actingRoles: readonly Role[];
  body: string[];
  slackBody?: string[];
  actions: CliAction[];
  attachments?: NotificationAttachment[];
}

function draftFor(event: NotificationEvent, cli: string): Draft {
  const { project } = event;
  const otherRoles = (role: Role) => ROLES.filter((r) => r !== role);
  const acting = (fallback: readonly Role[]): readonly Role[] => (event.audience?.acting?.length ? event.audience.acting : fallback);
  switch (event.kind) {
    case 'awaiting-decision': {
      const { task } = event;
      const roles = acting([task.ownerRole]);
      return {
        headline: `Decision needed: ${taskTitle(task)} (${ROLE_LABELS[task.ownerRole]})`,
        task,
        toRoles: roles,
        ccRoles: [],
        actingRoles: roles,
        body: [
          `"${taskTitle(task)}" is ready for your decision. Approve it, or reject it with the reason and it goes back for rework.`,
          ...(event.summary ? [`Summary: ${event.summary}`] : []),
          ...evidenceLines(event.evidence),
        ],
        actions: decisionActions(cli, project, task, roles),
      };
    }
    case 'reminder': {
      const { task } = event;
      const roles = acting([task.ownerRole]);
      return {
        headline: `Reminder: ${taskTitle(task)} waits on ${roleList(roles)}`,
        task,
        toRoles: roles,
        ccRoles: [],
        actingRoles: roles,
        body: [
          event.awaiting === 'retry-or-skip'
            ? `"${taskTitle(task)}" has been blocked since ${formatUtc(event.since)}${waitedFor(event.since, event.at)}: retry it or skip it with a reason.`
            : `"${taskTitle(task)}" has waited for your decision since ${formatUtc(event.since)}${waitedFor(event.since, event.at)}.`,
          'No step is ever approved by a timer: the project stays here until a person decides.',
          ...evidenceLines(event.evidence),
        ],
        actions: waitingActions(cli, project, task, roles, event.awaiting),
      };
    }
    case 'escalation': {
      const { task } = event;
      const roles = acting([task.ownerRole]);
      return {
        headline: `Overdue: ${taskTitle(task)} waits on ${roleList(roles)}`,
        task,
        toRoles: ['managed-services'],
        ccRoles: roles.filter((r) => r !== 'managed-services'),
        actingRoles: roles,
        body: [
          `"${taskTitle(task)}" is overdue: it has waited for ${roleList(roles)} since ${formatUtc(event.since)}${waitedFor(event.since, event.at)}.`,
          ...(event.awaiting === 'retry-or-skip' ? ['The task is blocked: an automated step failed and waits for a retry or a skip.'] : []),
          `Escalated to ${ROLE_LABELS['managed-services']}: please follow up with ${roles.map((r) => peopleList(project, r)).join(', ')}.`,
        ],
        actions: waitingActions(cli, project, task, roles, event.awaiting),
      };
    }
    case 'blocked': {
      const { task } = event;
      const attempts = event.attempts ? ` after ${event.attempts} attempt${event.attempts === 1 ? '' : 's'}` : '';
      const error = truncate(event.error, ERROR_MAX);
      const roles = acting([task.ownerRole]);
      return {
        headline: `Blocked: ${taskTitle(task)}, an automated step failed`,
        task,
        toRoles: roles,
        ccRoles: roles.includes('managed-services') ? [] : ['managed-services'],
        actingRoles: roles,
        body: [
          `The automated step ${event.step ? `"${event.step}" ` : ''}of "${taskTitle(task)}" failed${attempts}. The ` +
            `project is not failed: the task is blocked until ${roleList(roles)} decides to retry it (after fixing the cause) or to skip it with a reason.`,
          `Error: ${error}`,
        ],
        actions: resolutionActions(cli, project, task, roles),
      };
    }
    case 'rejected': {
      const { task, by } = event;
      const backTo = event.backTo ?? task;
      const sameTask = task.id === backTo.id;
      const roles = acting([backTo.ownerRole]);
      return {
        headline: `Rework: ${taskTitle(task)} rejected${sameTask ? '' : `, back to ${taskTitle(backTo)}`}`,
        task,
        toRoles: roles,
        ccRoles: otherRoles(backTo.ownerRole).filter((r) => r === 'managed-services' || r === task.ownerRole),
        actingRoles: roles,
        body: [
          by
            ? `${actorName(project, by)} (${ROLE_LABELS[by.role]}) rejected "${taskTitle(task)}".`
            : `${ROLE_LABELS[task.ownerRole]} rejected "${taskTitle(task)}".`,
          `Reason: ${truncate(event.reason, ERROR_MAX)}`,
          `The project goes back to "${taskTitle(backTo)}" (${backTo.id}); approvals of the work redone from there are ` +
            `void. ${roleList(roles)} redoes it; the owners will be asked to decide again.`,
        ],
        actions: [],
      };
    }
    case 'cancelled': {
      const { by } = event;
      return {
        headline: by ? `Cancelled by ${actorName(project, by)}` : 'Upgrade project cancelled',
        ...(event.task ? { task: event.task } : {}),
        toRoles: ROLES,
        ccRoles: [],
        actingRoles: [],
        body: [
          `The upgrade project was ` +
            `cancelled${by ? ` by ${actorName(project, by)} (${ROLE_LABELS[by.role]})` : ''}${event.task ? ` while at "${taskTitle(event.task)}"` : ''}.`,
          `Reason: ${truncate(event.reason, ERROR_MAX)}`,
          'No further steps run. The history stays available in the Temporal UI and with the status command.',
        ],
        actions: [],
      };
    }
    case 'change-request': {
      const { task } = event;
      const envLabel = event.environment === 'production' ? 'Production' : 'Staging';
      const window = event.window
        ? `Requested window: ${formatUtc(event.window.startUtc)} to ${formatUtc(event.window.endUtc)}`
        : undefined;
      return {
        headline: `Infrastructure change request (${envLabel})`,
        task,
        toRoles: ['managed-services'],
        ccRoles: ['partner'],
        actingRoles: [task.ownerRole],
        body: [
          `Infrastructure change request for Pro ${envLabel}: ${event.summary}`,
          ...(window ? [window] : []),
          `Send it to Adobe Commerce Support and approve "${taskTitle(task)}" once the change is applied.`,
          '',
          event.document.trimEnd(),
        ],
        slackBody: [
          `Infrastructure change request for Pro ${envLabel}: ${event.summary}`,
          ...(window ? [window] : []),
          `Send it to Adobe Commerce Support and approve "${taskTitle(task)}" once the change is applied.`,
          '',
          truncate(event.document.trimEnd(), 2000) + '\n(The full document is attached to the e-mail.)',
        ],
        actions: decisionActions(cli, project, task, [task.ownerRole]),
        attachments: [
          {
            filename: `change-request-${project.projectId}-${event.environment}.md`,
            contentType: 'text/markdown; charset=UTF-8',
            content: event.document,
          },
        ],
      };
    }
    case 'completed':
      return {
        headline: `Upgrade completed: ${project.currentVersion} → ${project.targetVersion}`,
        toRoles: ROLES,
        ccRoles: [],
        actingRoles: [],
        body: [
          `The upgrade of ${project.customer} to Adobe Commerce ${project.targetVersion} is complete.`,
          ...(event.summary ? [`Summary: ${event.summary}`] : []),
        ],
        actions: [],
      };
    case 'alert': {
      const findings = event.findings.slice(0, 20).map((f) => `  - ${truncate(f, 300)}`);
      return {
        headline: `Alert: ${event.environment ?? 'production'} regression`,
        ...(event.task ? { task: event.task } : {}),
        toRoles: ['managed-services', 'partner'],
        ccRoles: ['customer'],
        actingRoles: ['managed-services', 'partner'],
        body: [
          `Post-launch monitoring of ${event.environment ?? 'production'} found a regression: ${event.summary}`,
          ...(findings.length ? ['Findings:', ...findings] : []),
          ...(event.findings.length > 20 ? [`  … and ${event.findings.length - 20} more`] : []),
        ],
        actions: [],
      };
    }
    case 'conference': {
      const title = conferenceTitle(project, event.event);
      return {
        headline: `Invitation: ${CONFERENCE_LABELS[event.event]}, ${formatUtc(event.startUtc)}`,
        ...(event.task ? { task: event.task } : {}),
        toRoles: ROLES,
        ccRoles: [],
        actingRoles: [],
        body: [
          `${title}`,
          `When: ${formatUtc(event.startUtc)} to ${formatUtc(event.endUtc)}`,
          ...(event.dialIn ? [`Dial-in: ${event.dialIn}`] : []),
          ...(event.notes ? [`Notes: ${event.notes}`] : []),
          `Organizer: ${peopleList(project, 'managed-services')}. The invitation is attached (invite.ics); accept it in your calendar.`,
        ],
        actions: [],
      };
    }
  }
}

export const CONFERENCE_LABELS: Record<ConferenceEvent, string> = {
  'infrastructure-upgrade': 'Infrastructure upgrade conference',
  launch: 'Launch conference',
};

/** "acme: 2.4.6-p8 → 2.4.7-p3, Launch conference": what the calendar shows. */
export function conferenceTitle(project: ProjectFacts, event: ConferenceEvent): string {
  return `${project.projectId} (${project.customer}) ${project.currentVersion} → ${project.targetVersion}: ${CONFERENCE_LABELS[event]}`;
}

function factLines(event: NotificationEvent, draft: Draft): string[] {
  const { project } = event;
  const lines = [
    `Project: ${project.projectId} (${project.customer}), Adobe Commerce ${project.currentVersion} → ${project.targetVersion}`,
  ];
  if (draft.task) {
    lines.push(`Task: ${taskTitle(draft.task)} (${draft.task.id}), owner ${ROLE_LABELS[draft.task.ownerRole]}`);
  }
  if (draft.actingRoles.length) {
    lines.push(`Who must act: ${draft.actingRoles.map((role) => `${ROLE_LABELS[role]}: ${peopleList(project, role)}`).join('; ')}`);
  } else {
    lines.push('Who must act: nobody, for information');
  }
  return lines;
}

function roleList(roles: readonly Role[]): string {
  return roles.map((r) => ROLE_LABELS[r]).join(' or ');
}

function waitingActions(
  cli: string,
  project: ProjectFacts,
  task: TaskRef,
  roles: readonly Role[],
  awaiting: Awaiting | undefined,
): CliAction[] {
  return awaiting === 'retry-or-skip' ? resolutionActions(cli, project, task, roles) : decisionActions(cli, project, task, roles);
}

/** Retry and skip commands for a blocked task, for every participant of the roles that may resolve it. */
function resolutionActions(cli: string, project: ProjectFacts, task: TaskRef, roles: readonly Role[]): CliAction[] {
  const people = roles.flatMap((role) => project.participants[role].map((person) => ({ person, role })));
  return people.flatMap(({ person, role }) => [
    {
      label: `Retry, as ${person.name}`,
      command: cliCommand(cli, 'retry', project.projectId, task.id, person.email, role),
      forEmail: person.email,
    },
    {
      label: `Skip with a reason, as ${person.name}`,
      command: cliCommand(cli, 'skip', project.projectId, task.id, person.email, role, '<reason>'),
      forEmail: person.email,
    },
  ]);
}

/** Approve and reject commands for every participant of the deciding roles (normally just the owner role). */
function decisionActions(cli: string, project: ProjectFacts, task: TaskRef, roles: readonly Role[]): CliAction[] {
  const people = roles.flatMap((role) => project.participants[role].map((person) => ({ person, role })));
  return people.flatMap(({ person, role }) => [
    {
      label: `Approve, as ${person.name}`,
      command: cliCommand(cli, 'approve', project.projectId, task.id, person.email, role, '<comment>'),
      forEmail: person.email,
    },
    {
      label: `Reject with the reason, as ${person.name}`,
      command: cliCommand(cli, 'reject', project.projectId, task.id, person.email, role, '<reason>'),
      forEmail: person.email,
    },
  ]);
}

/** `npx cuo approve acme-2-4-8 user-acceptance-testing --as jane@acme.example --role customer -m "<comment>"` */
export function cliCommand(
  cli: string,
  verb: 'approve' | 'reject' | 'retry' | 'skip',
  projectId: string,
  taskId: string,
  email: string,
  role: Role,
  messagePlaceholder?: string,
): string {
  const parts = [cli, verb, shellArg(projectId), shellArg(taskId), '--as', shellArg(email), '--role', role];
  if (messagePlaceholder) parts.push('-m', `"${messagePlaceholder}"`);
  return parts.join(' ');
}

/** Leaves plain words alone and single-quotes anything a shell would interpret. */
export function shellArg(value: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function evidenceLines(evidence: readonly EvidenceRef[] | undefined): string[] {
  if (!evidence?.length) return [];
  return [
    'Evidence to review (artifacts):',
    ...evidence.map((e) => `  - ${e.name ? `${e.name}: ` : ''}${e.id}${e.sha256 ? ` (sha256 ${e.sha256.slice(0, 12)})` : ''}`),
  ];
}

function participantsOf(project: ProjectFacts, roles: readonly Role[]): Recipient[] {
  const seen = new Set<string>();
  const out: Recipient[] = [];
  for (const role of roles) {
    for (const person of project.participants[role]) {
      if (seen.has(person.email)) continue;
      seen.add(person.email);
      out.push({ name: person.name, email: person.email, role });
    }
  }
  return out;
}

function peopleList(project: ProjectFacts, role: Role): string {
  return project.participants[role].map((p) => `${p.name} <${p.email}>`).join(', ');
}

function actorName(project: ProjectFacts, actor: Actor): string {
  const known = project.participants[actor.role].find((p) => p.email === actor.email.toLowerCase());
  const name = actor.name ?? known?.name;
  return name ? `${name} <${actor.email}>` : actor.email;
}

/** `user-acceptance-testing` → `User acceptance testing` when the caller gave no title. */
export function taskTitle(task: Pick<TaskRef, 'id' | 'title'>): string {
  if (task.title) return task.title;
  const words = task.id.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `2025-06-03T22:00:00.000Z` → `2025-06-03 22:00 UTC`; text that is not a date is shown as given. */
export function formatUtc(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function waitedFor(since: string, at: string | undefined): string {
  if (!at) return '';
  const ms = Date.parse(at) - Date.parse(since);
  if (!(ms > 0)) return '';
  return ` (${formatDuration(ms)})`;
}

/** `5d 3h`, `3h 20m`, `12m`: how long something has waited. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days) return hours ? `${days}d ${hours}h` : `${days}d`;
  if (hours) return mins ? `${hours}h ${mins}m` : `${hours}h`;
  return `${mins}m`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack needs only these three escaped in mrkdwn; everything else is literal. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function slackPayload(subject: string, facts: string[], body: string[], actions: CliAction[], key: string): SlackPayload {
  const section = (text: string): SlackBlock => ({
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(text, SLACK_SECTION_MAX) },
  });
  const factText = facts
    .map((line) => {
      const colon = line.indexOf(': ');
      return colon > 0 ? `*${escapeMrkdwn(line.slice(0, colon))}:* ${escapeMrkdwn(line.slice(colon + 2))}` : escapeMrkdwn(line);
    })
    .join('\n');
  const bodyText = escapeMrkdwn(body.join('\n').trim());
  // One section per chunk of commands, so a long list never cuts a command in half at Slack's section limit.
  const actionSections: string[] = [];
  let current = '*What to do*';
  for (const action of actions) {
    // A link is a link in chat too (`<url|label>`); a command stays copyable in a code block.
    const piece = action.url
      ? `<${action.url}|${escapeMrkdwn(action.label)}>`
      : `${escapeMrkdwn(action.label)}:\n\`\`\`${escapeMrkdwn(action.command)}\`\`\``;
    if (current.length + piece.length + 1 > SLACK_SECTION_MAX) {
      actionSections.push(current);
      current = piece;
    } else {
      current = `${current}\n${piece}`;
    }
  }
  actionSections.push(current);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(subject, SLACK_HEADER_MAX) } },
    section(factText),
    ...(bodyText ? [section(bodyText)] : []),
    ...actionSections.map(section),
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Reference: \`${escapeMrkdwn(key)}\`` }] },
  ];
  return { text: `${subject}\n${facts.join('\n')}`, blocks };
}
