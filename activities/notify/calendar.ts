/**
 * Calendar invitations (iCalendar, RFC 5545/5546) for the two conference events of an upgrade: the infrastructure
 * upgrade and the launch. The UID is derived from the workflow id and the event, so sending again (a new time, a new
 * attendee) updates the same calendar entry; SEQUENCE tells calendars which version is newer.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { createEvent, type Attendee, type EventAttributes } from 'ics';
import { ROLES } from '../../workflows/roles';
import {
  composeNotification,
  conferenceTitle,
  formatUtc,
  type ComposeOptions,
  type ConferenceEvent,
  type Notification,
  type ProjectFacts,
  type TaskRef,
} from './message';

export const CALENDAR_PRODUCT_ID = '-//Commerce Upgrade Orchestrator//Conference invitations//EN';
export const INVITE_FILENAME = 'invite.ics';

export interface ConferenceInviteInput {
  workflowId: string;
  project: ProjectFacts;
  event: ConferenceEvent;
  /** ISO 8601 instants; the invitation is written in UTC. */
  startUtc: string;
  endUtc: string;
  /** 0 for the first invitation, +1 for every update of the same event. */
  sequence: number;
  dialIn?: string;
  notes?: string;
  task?: TaskRef;
  cli?: string;
  /** DTSTAMP; defaults to now. Injected so tests and re-sends can be byte-identical. */
  stamp?: Date;
}

export interface ConferenceInvite {
  uid: string;
  sequence: number;
  title: string;
  startUtc: string;
  endUtc: string;
  ics: string;
}

/** Stable per workflow and event: `<sha256 prefix>@commerce-upgrades.invalid`. */
export function conferenceUid(workflowId: string, event: ConferenceEvent): string {
  const hash = createHash('sha256').update(`${workflowId}\u0000conference\u0000${event}`).digest('hex').slice(0, 32);
  return `${event}-${hash}@commerce-upgrades.invalid`;
}

export function buildConferenceInvite(input: ConferenceInviteInput): ConferenceInvite {
  const start = Date.parse(input.startUtc);
  const end = Date.parse(input.endUtc);
  if (Number.isNaN(start) || Number.isNaN(end)) {
    throw ApplicationFailure.nonRetryable(
      `Conference "${input.event}" needs ISO start and end times, got "${input.startUtc}" and "${input.endUtc}".`,
      'InvalidConferenceTime',
    );
  }
  if (end <= start) {
    throw ApplicationFailure.nonRetryable(
      `Conference "${input.event}" ends (${input.endUtc}) before it starts (${input.startUtc}); fix the change window.`,
      'InvalidConferenceTime',
    );
  }
  if (!Number.isInteger(input.sequence) || input.sequence < 0) {
    throw ApplicationFailure.nonRetryable(`SEQUENCE must be a whole number ≥ 0, got ${input.sequence}.`, 'InvalidConferenceTime');
  }
  const { project } = input;
  const organizer = project.participants['managed-services'][0];
  if (!organizer) {
    throw ApplicationFailure.nonRetryable(
      'A conference invitation needs a CSE as organizer: add a managed-services participant to the project file.',
      'InvalidProjectInput',
    );
  }
  const uid = conferenceUid(input.workflowId, input.event);
  const title = conferenceTitle(project, input.event);
  const cli = input.cli ?? 'npx cuo';
  const description = [
    title,
    `Project ${project.projectId} for ${project.customer}: Adobe Commerce ${project.currentVersion} → ${project.targetVersion}.`,
    `When: ${formatUtc(input.startUtc)} to ${formatUtc(input.endUtc)}.`,
    ...(input.dialIn ? [`Dial-in: ${input.dialIn}`] : []),
    ...(input.notes ? [`Notes: ${input.notes}`] : []),
    `Project status: ${cli} status ${project.projectId}`,
  ].join('\n');

  // The organizer attends as chair; everyone else is asked to reply.
  const attendees: Attendee[] = [
    { name: organizer.name, email: organizer.email, rsvp: false, partstat: 'ACCEPTED', role: 'CHAIR' },
    ...ROLES.flatMap((role) =>
      project.participants[role]
        .filter((p) => p.email !== organizer.email)
        .map((p): Attendee => ({ name: p.name, email: p.email, rsvp: true, partstat: 'NEEDS-ACTION', role: 'REQ-PARTICIPANT' })),
    ),
  ];

  const attributes: EventAttributes & { timestamp: number } = {
    productId: CALENDAR_PRODUCT_ID,
    method: 'REQUEST',
    uid,
    sequence: input.sequence,
    title,
    description,
    start,
    startInputType: 'utc',
    startOutputType: 'utc',
    end,
    endInputType: 'utc',
    endOutputType: 'utc',
    status: 'CONFIRMED',
    busyStatus: 'BUSY',
    organizer: { name: organizer.name, email: organizer.email },
    attendees,
    ...(input.dialIn && /^https?:\/\//.test(input.dialIn) ? { location: input.dialIn } : {}),
    // DTSTAMP: ics reads `timestamp` although its typings leave it out.
    timestamp: (input.stamp ?? new Date()).getTime(),
  };
  const { error, value } = createEvent(attributes);
  if (error || !value) {
    throw ApplicationFailure.nonRetryable(
      `Could not write the "${input.event}" invitation: ${error?.message ?? 'no output'}`,
      'InvalidConferenceInvite',
    );
  }
  return {
    uid,
    sequence: input.sequence,
    title,
    startUtc: new Date(start).toISOString(),
    endUtc: new Date(end).toISOString(),
    ics: value,
  };
}

/** The conference notification (to every participant) with the invitation attached. */
export function conferenceNotification(
  input: ConferenceInviteInput,
  options: ComposeOptions = {},
): { invite: ConferenceInvite; notification: Notification } {
  const invite = buildConferenceInvite({ ...input, ...(options.cli ? { cli: options.cli } : {}) });
  const notification = composeNotification(
    {
      kind: 'conference',
      workflowId: input.workflowId,
      project: input.project,
      event: input.event,
      startUtc: invite.startUtc,
      endUtc: invite.endUtc,
      // SEQUENCE 0 is the first sending: the idempotency attempt counts from 1.
      attempt: input.sequence + 1,
      ...(input.dialIn ? { dialIn: input.dialIn } : {}),
      ...(input.notes ? { notes: input.notes } : {}),
      ...(input.task ? { task: input.task } : {}),
    },
    options,
  );
  notification.attachments.push({
    filename: INVITE_FILENAME,
    contentType: 'text/calendar; method=REQUEST; charset=UTF-8',
    content: invite.ics,
    calendarMethod: 'REQUEST',
  });
  return { invite, notification };
}
