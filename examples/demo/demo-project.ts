/**
 * The demo's project file: examples/acme-2-4-8.yaml (customer, versions, two customer approvals of the plan and of
 * UAT, runbook commands, notifications) pointed at the local landscape, with the landscape's people and timings
 * short enough to watch: reminders after 2 minutes, one minute of post-launch monitoring, a change window open now.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { validateProjectInput, type ProjectFile } from '../../workflows/project-input';
import type { LocalLandscape } from '../../test/support/local-landscape';

export const EXAMPLE_PROJECT_FILE = resolve(__dirname, '..', 'acme-2-4-8.yaml');

/** `acme-demo-` and four lowercase letters or digits: a new project id on every run. */
export function demoProjectId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `acme-demo-${[...randomBytes(4)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

/** Sits on the demo's Change Approval Board: the CAB gates are theirs, not the CSE's who asked for the change. */
export const DEMO_CAB_MEMBER = { name: 'Casey CAB', email: 'casey.cab@adobe.example' };

export interface DemoTimings {
  remindAfter: string;
  escalateAfter: string;
  monitorFor: string;
  checkEvery: string;
}

export const DEFAULT_TIMINGS: DemoTimings = { remindAfter: '2m', escalateAfter: '5m', monitorFor: '1m', checkEvery: '10s' };

/** Every day, all day (UTC): the window is open whenever the demo runs, so Production steps never wait for it. */
const OPEN_NOW: ProjectFile['changeWindows'] = [
  { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], startUtc: '00:00', durationMinutes: 1440 },
];

export function demoProject(landscape: LocalLandscape, projectId: string, timings: DemoTimings = DEFAULT_TIMINGS): ProjectFile {
  const example = parse(readFileSync(EXAMPLE_PROJECT_FILE, 'utf8')) as ProjectFile;
  // The landscape's project: repository, storefronts and environment folders on this machine, and its people.
  const local = landscape.project();
  // The landscape's CSE asks for the changes; the Change Approval Board is someone else (separation of duties).
  const participants = { ...local.participants, 'managed-services': [...local.participants['managed-services'], DEMO_CAB_MEMBER] };
  const project: ProjectFile = {
    ...example,
    projectId,
    customer: `${example.customer} (demo)`,
    participants,
    cab: { members: [DEMO_CAB_MEMBER.email] },
    repository: local.repository,
    environments: local.environments,
    changeWindows: OPEN_NOW,
    timing: { remindAfter: timings.remindAfter, escalateAfter: timings.escalateAfter },
    // A few seconds of load on the loopback storefront instead of the example's minute against a real one.
    performance: local.performance,
    postLaunch: { monitorFor: timings.monitorFor, checkEvery: timings.checkEvery },
  };
  const checked = validateProjectInput(project);
  if (!checked.ok) {
    throw new Error(
      `the demo project is invalid (a bug in the demo): ${checked.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
    );
  }
  return project;
}

/** Writes the project file to `<dir>/<projectId>.yaml` with a header saying where it came from; returns the path. */
export function writeDemoProjectFile(dir: string, project: ProjectFile): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${project.projectId}.yaml`);
  const header = [
    '# Written by `npm run demo`: examples/acme-2-4-8.yaml pointed at the local stand-ins of this demo run',
    '# (git origin, HTTPS storefronts and environment folders in a temp folder; they are gone when the demo stops).',
    '',
  ].join('\n');
  writeFileSync(path, header + stringify(project, { lineWidth: 0 }));
  return path;
}
