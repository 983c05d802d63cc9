/**
 * The production deployment resumes from what the remote holds (issue #12 item 13, issue #14): through the real
 * activity functions inside MockActivityEnvironment (the SDK's own activity context: heartbeats, cancellation,
 * attempt and activity id are real), against the local landscape's repository, Production storefront and
 * receivers. Both crash points: after the deploy was pushed but before the checks ran, and after the rollback was
 * pushed. The retry comes after the change window has closed; before this change the activity refused it
 * (ChangeWindowClosed) and left Production deployed but unchecked, and re-applied a rollback.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../activities';
import type { AutomationResult, UpgradeActivities } from '../../../activities/contract';
import { validateProjectInput, type ProjectInput } from '../../../workflows/project-input';
import { git } from '../../support/git-fixtures';
import { startLocalLandscape, type LocalLandscape } from '../../support/local-landscape';

const BRANCH = 'upgrade/2.4.8-p3';
let landscape: LocalLandscape;
let project: ProjectInput;
let activities: UpgradeActivities;
let approved: string;

beforeEach(async () => {
  landscape = await startLocalLandscape();
  const parsed = validateProjectInput(landscape.project(), { shortTimings: true }); // the landscape's seconds-long timings, as its worker allows
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  project = parsed.project;
  activities = createActivities(landscape.activityDeps());
  const { repo } = landscape;
  await repo.git(['checkout', '-q', '-b', BRANCH]);
  await writeFile(join(repo.dir, 'UPGRADED.md'), '2.4.8-p3\n');
  await repo.git(['add', 'UPGRADED.md']);
  await repo.git(['commit', '-q', '-m', 'Recompiled for 2.4.8-p3']);
  await repo.git(['push', '-q', 'origin', BRANCH]);
  approved = await repo.git(['rev-parse', 'HEAD']);
});
afterEach(async () => landscape.close());

/** A window that is open now and closes in `ms`. */
const closingWindow = (ms: number) => ({
  startIso: new Date(Date.now() - 60_000).toISOString(),
  endIso: new Date(Date.now() + ms).toISOString(),
});
const until = (iso: string) => new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(iso) - Date.now() + 50)));
const ctx = () => ({ workflowId: `upgrade-${project.projectId}`, project });
const masterLog = () => git(['log', '--first-parent', '--format=%s', '-3', 'master'], landscape.repo.remoteDir);

it('resumes a deploy pushed before a crash: runs the checks after the window closed instead of refusing', async () => {
  landscape.production.setMode('error');
  const window = closingWindow(2500);
  const first = new MockActivityEnvironment({ activityId: 'deploy-1' });
  first.on('heartbeat', (details: unknown) => {
    if ((details as { stage?: string } | undefined)?.stage === 'waiting for production to answer') first.cancel();
  });
  await expect(first.run(activities.deployToProduction, ctx(), { window, approvedCommit: approved.slice(0, 8) })).rejects.toThrow();
  // The merge is on Production (a push deploys), the checks never ran: the crash point.
  expect(await masterLog()).toMatch(/^Deploy upgrade\/2\.4\.8-p3 to master/);

  landscape.production.setMode('healthy');
  await until(window.endIso);
  const retry = new MockActivityEnvironment({ activityId: 'deploy-1', attempt: 2 });
  const result: AutomationResult = await retry.run(activities.deployToProduction, ctx(), { window, approvedCommit: approved.slice(0, 8) });
  expect(result).toMatchObject({ passed: true, facts: { status: 'deployed', deployedCommit: approved } });
  expect((await masterLog()).split('\n')[0]).toBe('Deploy upgrade/2.4.8-p3 to master');

  // A new deployment (another activity) still waits for an open window.
  const other = new MockActivityEnvironment({ activityId: 'deploy-2' });
  await expect(other.run(activities.deployToProduction, ctx(), { window, approvedCommit: approved })).rejects.toMatchObject({
    type: 'ChangeWindowClosed',
  });
});

it('a deploy already rolled back by this attempt stays rolled back and alerts again, whatever the window says', async () => {
  // The go-live runbook's `setup:db:status` reports "setup:upgrade required": the checks fail and it rolls back.
  await writeFile(join(landscape.environmentDirs.production, 'var/db-status'), '2');
  const window = closingWindow(4000);
  // The alert of the first try never arrives (as if the worker died right after pushing the rollback).
  await landscape.webhook.goDown();
  const first = new MockActivityEnvironment({ activityId: 'deploy-1' });
  const rolledBack: AutomationResult = await first.run(activities.deployToProduction, ctx(), { window, approvedCommit: approved });
  expect(rolledBack).toMatchObject({ passed: false, facts: { status: 'rolled-back' } });
  const afterRollback = await git(['rev-parse', 'master'], landscape.repo.remoteDir);
  const alerts = () => landscape.webhook.messages.filter((m) => /rolled back/i.test(JSON.stringify(m.body))).length;
  expect(alerts()).toBe(0);
  await landscape.webhook.goUp();

  // The worker died before the result reached the server: the same attempt runs again, after the window closed.
  await until(window.endIso);
  await writeFile(join(landscape.environmentDirs.production, 'var/db-status'), '0');
  const retry = new MockActivityEnvironment({ activityId: 'deploy-1', attempt: 2 });
  const again: AutomationResult = await retry.run(activities.deployToProduction, ctx(), { window, approvedCommit: approved });
  expect(again).toMatchObject({
    passed: false,
    facts: { status: 'rolled-back' },
    summary: expect.stringMatching(/^rolled back: go-live checks failed/),
  });
  expect(await git(['rev-parse', 'master'], landscape.repo.remoteDir)).toBe(afterRollback);
  expect(alerts()).toBe(1);
});
