/** Valid project files for tests, with unique ids and timings short enough for a test run. */
import { randomUUID } from 'node:crypto';
import type { ProjectFile } from '../../workflows/project-input';

export function uniqueProjectId(prefix = 'test'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export const PEOPLE = {
  customer: [
    { name: 'Carla Customer', email: 'carla@acme.example' },
    { name: 'Chris Buyer', email: 'chris@acme.example' },
  ],
  partner: [{ name: 'Pat Partner', email: 'pat@agency.example' }],
  'managed-services': [{ name: 'Sam CSE', email: 'sam@adobe.example' }],
};

/** A window open every day around the clock: production steps never wait unless a test says so. */
export const ALWAYS_OPEN = [
  { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], startUtc: '00:00', durationMinutes: 1440 },
] as ProjectFile['changeWindows'];

export function makeProject(overrides: Partial<ProjectFile> = {}): ProjectFile {
  return {
    version: 1,
    projectId: uniqueProjectId(),
    customer: 'Acme Retail',
    participants: PEOPLE,
    currentVersion: '2.4.6-p8',
    targetVersion: '2.4.8-p3',
    repository: { url: '/nonexistent/stubbed-in-workflow-tests', baseBranch: 'master' },
    environments: {
      staging: { url: 'http://127.0.0.1:9/staging', branch: 'staging' },
      production: { url: 'http://127.0.0.1:9/production', branch: 'master' },
    },
    changeWindows: ALWAYS_OPEN,
    timing: { remindAfter: '1h', escalateAfter: '2h' },
    postLaunch: { monitorFor: '1m', checkEvery: '10s' },
    ...overrides,
  };
}

/**
 * The only change window, opening at the next whole minute at least `marginMs` from now (windows are whole minutes):
 * tests that need a project to wait for a window that opens while they run.
 */
export function windowAfter(marginMs: number): { opens: Date; changeWindows: ProjectFile['changeWindows'] } {
  const opens = new Date(Math.ceil((Date.now() + marginMs) / 60_000) * 60_000);
  const day = (['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const)[opens.getUTCDay()]!;
  const startUtc = `${String(opens.getUTCHours()).padStart(2, '0')}:${String(opens.getUTCMinutes()).padStart(2, '0')}`;
  return { opens, changeWindows: [{ days: [day], startUtc, durationMinutes: 60 }] };
}
