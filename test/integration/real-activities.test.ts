/**
 * A whole project on the real dev server with the REAL activities against local counterparts (see
 * test/support/local-landscape.ts): git repository and bare origin, HTTPS storefronts, SMTP and webhook receivers,
 * environment folders with stand-in commands. Checks what happened in the world, not just workflow state.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { createActivities } from '../../activities';
import type { UpgradeProjectResult } from '../../workflows/final-report';
import { workflowIdFor, type UpgradeWorkflowInput } from '../../workflows/contract';
import { connectTestClient, runWorker, uniqueTaskQueue } from '../harness/temporal';
import { approveUntil, gateState, waitForStatus } from '../support/drive';
import { startLocalLandscape, type LocalLandscape } from '../support/local-landscape';

let client: Client;
let closeClient: () => Promise<void>;
let landscape: LocalLandscape;

beforeAll(async () => {
  ({ client, close: closeClient } = await connectTestClient());
  landscape = await startLocalLandscape();
});
afterAll(async () => {
  await closeClient();
  await landscape.close();
});

it('runs a whole upgrade with the real activities: plan, change requests, branch, checks, deployment, monitoring', async () => {
  const taskQueue = uniqueTaskQueue('real');
  const project = landscape.project();
  const deps = landscape.activityDeps();
  await runWorker({ taskQueue, workflowsPath: require.resolve('../../workflows'), activities: createActivities(deps) }, async () => {
    const input: UpgradeWorkflowInput = {
      version: 1,
      project,
      tunables: { productionNoticeHours: 0, activityMaximumAttempts: 2, activityInitialInterval: '200ms' },
    };
    const handle = await client.workflow.start('upgradeProject', {
      taskQueue,
      workflowId: workflowIdFor(project.projectId),
      args: [input],
    });

    // The plan is real: it names the service changes computed from the repository's services.yaml.
    const planned = await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval', 60_000);
    const planArtifact = planned.gates[0]!.steps[0]!.artifact!;
    const plan = readFileSync(deps.artifacts.pathOf(planArtifact.id), 'utf8');
    expect(plan).toMatch(/valkey/i);
    expect(plan).toMatch(/2\.4\.6-p8/);

    const status = await approveUntil(handle, () => false, 240_000);
    expect(status.state).toBe('completed');
    const result: UpgradeProjectResult = await handle.result();
    expect(result.outcome).toBe('completed');
    const steps = Object.fromEntries(result.gates.flatMap((g) => g.steps.map((s) => [s.step, s])));
    expect(Object.keys(steps).sort()).toEqual(
      [
        'assessUpgradeComplexity',
        'deployToProduction',
        'determineInfrastructureChanges',
        'draftUpgradePlan',
        'migrateProductionDataToStaging',
        'monitorProduction',
        'prepareUpgradeBranch',
        'requestProductionInfrastructureChange',
        'requestStagingInfrastructureChange',
        'runPerformanceTest',
        'runPostUpgradeRunbook',
        'runSecurityChecks',
        'scheduleInfrastructureConference',
        'scheduleLaunchConference',
        'validateStaging',
      ].sort(),
    );
    // Every step stored its evidence, content-addressed: the file's hash is the one in history.
    for (const step of Object.values(steps)) {
      expect(step.status).toBe('done');
      expect(existsSync(deps.artifacts.pathOf(step.artifact!))).toBe(true);
    }
    expect(steps.runPostUpgradeRunbook!.passed).toBe(true);
    expect(steps.runSecurityChecks!.passed).toBe(true);
    expect(steps.deployToProduction).toMatchObject({ passed: true, summary: expect.stringMatching(/^deployed [0-9a-f]{10} to master/) });
    expect(steps.monitorProduction!.passed).toBe(true);

    // The repository: the upgrade branch carries the target constraints; production got one merge of it.
    const { repo } = landscape;
    await repo.git(['fetch', '--quiet', 'origin']);
    const composer = JSON.parse(await repo.git(['show', 'origin/upgrade/2.4.8-p3:composer.json']));
    expect(composer.require['magento/magento-cloud-metapackage']).toBe('>=2.4.8 <2.4.9');
    expect(await repo.git(['show', 'origin/upgrade/2.4.8-p3:.magento.app.yaml'])).toMatch(/type: ['"]?php:8\.4/);
    const merges = await repo.git(['log', '--merges', '--format=%s', 'origin/master']);
    expect(merges.split('\n').filter(Boolean)).toHaveLength(1);

    // The world was told: change requests by webhook, invitations by e-mail with calendar files.
    const { webhook, smtp } = landscape;
    const changeRequests = webhook.messages.filter((m) => JSON.stringify(m.body).includes('change request'));
    expect(changeRequests.length).toBeGreaterThanOrEqual(2);
    const invites = smtp.messages.filter((m) => m.attachments.some((a) => a.contentType.startsWith('text/calendar')));
    expect(invites.map((m) => m.subject).join('\n')).toMatch(/launch/i);
    expect(smtp.messages.some((m) => /npx cuo approve/.test(m.text ?? ''))).toBe(true);
    // Staging received production's data through the stand-in mysql client.
    expect(readFileSync(join(landscape.environmentDirs.staging, 'var/imported.sql'), 'utf8')).toContain('core_config_data');
    // The report, rendered by the activity from the run's status (the history keeps no markdown): the same
    // report the workflow's result describes, every decision in it, with the digest of each signed assertion.
    const report = readFileSync(deps.artifacts.pathOf(result.report!.id), 'utf8');
    expect(report).toContain(`# Upgrade report — ${result.projectId}`);
    expect(report).toContain('- Outcome: **completed**');
    for (const decision of result.decisions) expect(report).toContain(`| ${decision.id} | ${decision.at} |`);
    expect(report).toMatch(/keeps the sha256 of the approvals gateway's assertion/);
    const scheduled = (await handle.fetchHistory()).events!.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'storeFinalReport',
    )!;
    const inputs = scheduled.activityTaskScheduledEventAttributes!.input!.payloads!.map((p) => Buffer.from(p.data!).toString('utf8'));
    expect(JSON.parse(inputs[1]!)).toEqual({ projectId: result.projectId, outcome: 'completed', render: { assertionDigests: true } });
  });
}, 300_000);
