/**
 * Conference invitations: the iCalendar text itself (UID, SEQUENCE, times, organizer, attendees) and the change
 * window arithmetic. Pure, no server.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  buildConferenceInvite,
  conferenceNotification,
  conferenceUid,
  type ConferenceInviteInput,
} from '../../../activities/notify/calendar';
import { acmeProject, WORKFLOW_ID } from './project-fixture';

const project = acmeProject();
const input: ConferenceInviteInput = {
  workflowId: WORKFLOW_ID,
  project,
  event: 'infrastructure-upgrade',
  startUtc: '2025-06-10T22:00:00.000Z',
  endUtc: '2025-06-11T00:00:00.000Z',
  sequence: 0,
  dialIn: 'https://meet.example/acme-infra',
  notes: 'Bring the Support ticket number',
  stamp: new Date('2025-06-01T08:00:00Z'),
};

function lines(ics: string): string[] {
  return ics
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter(Boolean);
}

/** Reads `NAME;PARAMS:value` of the VEVENT back into a map of name → values. */
function properties(ics: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of lines(ics)) {
    const name = /^[A-Z-]+/.exec(line)?.[0] ?? '';
    out.set(name, [...(out.get(name) ?? []), line]);
  }
  return out;
}

describe('buildConferenceInvite', () => {
  it('writes a METHOD:REQUEST event in UTC with organizer, attendees, description and a stable UID', () => {
    const invite = buildConferenceInvite(input);
    const props = properties(invite.ics);
    expect(invite.ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(props.get('METHOD')).toEqual(['METHOD:REQUEST']);
    expect(props.get('UID')).toEqual([`UID:${conferenceUid(WORKFLOW_ID, 'infrastructure-upgrade')}`]);
    expect(props.get('SEQUENCE')).toEqual(['SEQUENCE:0']);
    expect(props.get('DTSTART')).toEqual(['DTSTART:20250610T220000Z']);
    expect(props.get('DTEND')).toEqual(['DTEND:20250611T000000Z']);
    expect(props.get('DTSTAMP')).toEqual(['DTSTAMP:20250601T080000Z']);
    expect(props.get('SUMMARY')).toEqual(['SUMMARY:acme-2-4-8 (Acme Corp) 2.4.6-p8 → 2.4.8: Infrastructure upgrade conference']);
    expect(props.get('ORGANIZER')?.[0]).toMatch(/^ORGANIZER;CN="?Chris CSE"?:mailto:chris@adobe\.example$/i);
    const attendees = props.get('ATTENDEE') ?? [];
    expect(attendees).toHaveLength(4);
    expect(attendees[0]).toMatch(/ROLE="?CHAIR"?.*PARTSTAT="?ACCEPTED"?.*:mailto:chris@adobe\.example$/);
    for (const email of ['jane@acme.example', 'omar@acme.example', 'priya@agency.example']) {
      const line = attendees.find((l) => l.endsWith(`:mailto:${email}`));
      expect(line).toMatch(/RSVP=TRUE/);
      expect(line).toMatch(/PARTSTAT="?NEEDS-ACTION"?/);
    }
    const description = props.get('DESCRIPTION')?.[0] ?? '';
    expect(description).toContain('Dial-in: https://meet.example/acme-infra');
    expect(description).toContain('Notes: Bring the Support ticket number');
    expect(description).toContain('Project status: npx cuo status acme-2-4-8');
    expect(props.get('LOCATION')).toEqual(['LOCATION:https://meet.example/acme-infra']);
    // Content lines are folded at 75 octets as RFC 5545 asks.
    for (const raw of invite.ics.split('\r\n')) expect(Buffer.byteLength(raw, 'utf8')).toBeLessThanOrEqual(75 * 4);
  });

  it('re-sending updates the same event: same UID, higher SEQUENCE, new times', () => {
    const first = buildConferenceInvite(input);
    const moved = buildConferenceInvite({ ...input, sequence: 1, startUtc: '2025-06-12T22:00:00Z', endUtc: '2025-06-13T00:00:00Z' });
    expect(moved.uid).toBe(first.uid);
    expect(properties(moved.ics).get('SEQUENCE')).toEqual(['SEQUENCE:1']);
    expect(properties(moved.ics).get('DTSTART')).toEqual(['DTSTART:20250612T220000Z']);
    // Same input, same bytes (DTSTAMP injected): a retried activity sends an identical invitation.
    expect(buildConferenceInvite(input).ics).toBe(first.ics);
  });

  it('gives each event and each workflow its own UID', () => {
    const uids = new Set([
      conferenceUid(WORKFLOW_ID, 'infrastructure-upgrade'),
      conferenceUid(WORKFLOW_ID, 'launch'),
      conferenceUid('upgrade-other-project', 'launch'),
    ]);
    expect(uids.size).toBe(3);
    expect(conferenceUid(WORKFLOW_ID, 'launch')).toMatch(/^launch-[0-9a-f]{32}@commerce-upgrades\.invalid$/);
  });

  it('refuses an end before the start, a bad time and a project without a CSE', () => {
    const reasons = [
      () => buildConferenceInvite({ ...input, endUtc: '2025-06-10T21:00:00Z' }),
      () => buildConferenceInvite({ ...input, startUtc: 'next tuesday' }),
      () => buildConferenceInvite({ ...input, sequence: -1 }),
      () => buildConferenceInvite({ ...input, project: { ...project, participants: { ...project.participants, 'managed-services': [] } } }),
    ].map((build) => {
      try {
        build();
      } catch (error) {
        expect(error).toBeInstanceOf(ApplicationFailure);
        expect((error as ApplicationFailure).nonRetryable).toBe(true);
        return (error as ApplicationFailure).message;
      }
      throw new Error('expected a failure');
    });
    expect(reasons[0]).toContain('ends (2025-06-10T21:00:00Z) before it starts');
    expect(reasons[1]).toContain('needs ISO start and end times');
    expect(reasons[2]).toContain('SEQUENCE must be a whole number');
    expect(reasons[3]).toContain('add a managed-services participant');
  });

  it('conferenceNotification attaches the invitation to a message for every participant', () => {
    const { invite, notification } = conferenceNotification({ ...input, sequence: 4 });
    expect(notification.idempotencyKey).toBe(`${WORKFLOW_ID}/-/conference:infrastructure-upgrade/5`);
    expect(notification.to).toHaveLength(4);
    expect(notification.attachments).toEqual([
      {
        filename: 'invite.ics',
        contentType: 'text/calendar; method=REQUEST; charset=UTF-8',
        content: invite.ics,
        calendarMethod: 'REQUEST',
      },
    ]);
  });
});
