/**
 * Issue #12, findings 1, 2, 3, 5, 8, 9, 10 against the real worker process (worker/config.ts from its environment,
 * buildActivityDeps, the redacting interceptor: test/chaos/worker-process.ts) and the dev server. Hostile project
 * files, started raw as anyone with access to the namespace could: none is applied, and no secret of the worker's
 * configuration reaches a history, a worker log or an artifact — also not from a command that prints the worker's
 * environment (it reads /proc/<worker>/environ, the one place a local command can still find it) and fails.
 *
 * Two workers, as two operators would configure them: "strict" (local commands off, only 127.0.0.1 reachable)
 * and "lab" (local commands on for its stand-in environment folders). Prints how many hostile inputs it tried.
 */
import { existsSync, realpathSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import type { ProjectStatus } from '../../workflows/project-state';
import { type ProjectFile } from '../../workflows/project-input';
import { workflowIdFor, type UpgradeWorkflowInput } from '../../workflows/contract';
import {
  findSecrets,
  historyText,
  OwnerDriver,
  readTree,
  secretNeedles,
  startChaosReceivers,
  tempDir,
  WorkerProcess,
  writeWorkflowBundle,
  type ChaosReceivers,
} from '../chaos/chaos-support';
import { connectTestClient, testServer, uniqueTaskQueue } from '../harness/temporal';
import { waitForStatus } from '../support/drive';
import { startLocalLandscape, type LocalLandscape } from '../support/local-landscape';
import { PEOPLE, uniqueProjectId } from '../support/project-fixture';

const TUNABLES = { productionNoticeHours: 0, activityMaximumAttempts: 1, activityInitialInterval: '100ms' };
const ROOT = resolve(__dirname, '..', '..');

let client: Client;
let closeClient: () => Promise<void>;
let landscape: LocalLandscape;
let receivers: ChaosReceivers;
let work: Awaited<ReturnType<typeof tempDir>>;
const workers: WorkerProcess[] = [];
const drivers: OwnerDriver[] = [];

beforeAll(async () => {
  ({ client, close: closeClient } = await connectTestClient());
  landscape = await startLocalLandscape();
  receivers = await startChaosReceivers();
  work = await tempDir('cuo-hostile-');
}, 60_000);

afterAll(async () => {
  for (const d of drivers) d.stop();
  for (const w of workers) await w.kill9();
  await closeClient();
  await receivers.close();
  await landscape.close();
  await work.remove();
});

interface Hostile {
  name: string;
  queue: 'strict' | 'lab';
  project: ProjectFile;
  /** How the refusal shows: the workflow refusing the file, or the named task blocked with this reason. */
  expect: { invalid: RegExp } | { blockedTask: string; reason: RegExp };
}

it('refuses every hostile project file, and no secret reaches history, logs or artifacts', async () => {
  const bundlePath = await writeWorkflowBundle(work.path);
  const caFile = join(work.path, 'storefronts-ca.pem');
  await writeFile(caFile, [landscape.staging.certificatePem, landscape.production.certificatePem].join('\n'));
  const queues = { strict: uniqueTaskQueue('hostile-strict'), lab: uniqueTaskQueue('hostile-lab') };
  const dataDirs = { strict: join(work.path, 'strict'), lab: join(work.path, 'lab') };
  const start = async (queue: 'strict' | 'lab', env: Record<string, string>) => {
    // Only the landscape's own repository folder is allowed, so the orchestrator's checkout (the hostile "repository"
    // below) is outside it wherever the checkout lives (CI clones it under the temp folder).
    const worker = new WorkerProcess({
      address: testServer().address,
      taskQueue: queues[queue],
      dataDir: dataDirs[queue],
      bundlePath,
      caFile,
      secrets: receivers.secrets,
      env,
      repositoryRoots: [realpathSync(dirname(landscape.repo.remoteDir))],
    });
    workers.push(worker);
    await worker.waitStarted();
    return worker;
  };
  const [strict, lab] = await Promise.all([
    start('strict', { CUO_ALLOW_LOCAL_COMMANDS: '0', CUO_ALLOWED_HOSTS: '127.0.0.1' }),
    start('lab', { CUO_ALLOW_LOCAL_COMMANDS: '1' }),
  ]);

  const base = landscape.project();
  const marker = join(landscape.environmentDirs.staging, 'var', 'hostile-ran');
  const env = base.environments;
  const person = (i: number) => ({ name: `Person ${i}`, email: `person${i}@acme.example` });
  const hostile: Hostile[] = [
    {
      name: 'local remote on a worker without local commands (finding 1)',
      queue: 'strict',
      project: { ...landscape.project(), runbookCommands: [`touch ${marker}`] },
      expect: {
        blockedTask: 'upgrade-infrastructure-services',
        reason: /environments\.production\.remote is "local".*CUO_ALLOW_LOCAL_COMMANDS/,
      },
    },
    {
      name: "a failing import that prints the worker's environment (finding 2)",
      queue: 'lab',
      project: {
        ...landscape.project(),
        environments: {
          ...env,
          staging: {
            ...env.staging,
            mysqlCommand:
              'env >&2; echo "SMTP=$SMTP_URL HOOK=$WEBHOOK_URL" >&2; tr "\\0" "\\n" < /proc/$PPID/environ | grep -E "SMTP_URL|WEBHOOK_URL" >&2; exit 1',
          },
        },
      },
      expect: { blockedTask: 'upgrade-infrastructure-services', reason: /import dump on staging.*\[redacted\]/ },
    },
    {
      name: "a storefront the worker does not reach: localhost, the Temporal UI's own host name (finding 3)",
      queue: 'strict',
      project: { ...landscape.project(), environments: { ...env, staging: { ...env.staging, url: 'http://localhost:8233' } } },
      expect: {
        blockedTask: 'upgrade-infrastructure-services',
        reason: /environments\.staging\.url: the worker does not reach host "localhost"/,
      },
    },
    {
      name: "the orchestrator's own checkout as repository (finding 5)",
      queue: 'lab',
      project: { ...landscape.project(), repository: { url: ROOT, baseBranch: 'master' } },
      expect: { blockedTask: 'create-upgrade-plan', reason: /outside the worker's CUO_LOCAL_REPOSITORY_ROOTS/ },
    },
    {
      name: 'CRLF in a load-test path (finding 3)',
      queue: 'lab',
      project: {
        ...landscape.project(),
        performance: { ...base.performance!, paths: ['/ HTTP/1.1\r\nHost: 127.0.0.1:8233\r\n\r\nPOST /x'] },
      },
      expect: { invalid: /performance\.paths\.0: must be a path/ },
    },
    {
      name: 'a zero reminder period (finding 8)',
      queue: 'lab',
      project: { ...landscape.project(), timing: { remindAfter: '0s', escalateAfter: '0ms' } },
      expect: { invalid: /timing\.remindAfter: must be at least 1s/ },
    },
    {
      name: 'more people in a role than the search attribute holds (finding 9)',
      queue: 'lab',
      project: { ...landscape.project(), participants: { ...PEOPLE, customer: Array.from({ length: 60 }, (_, i) => person(i)) } },
      expect: { invalid: /participants\.customer: lists at most 8 people/ },
    },
    {
      name: 'a misspelt requiredApprovals key (finding 10)',
      queue: 'lab',
      project: { ...landscape.project(), requiredApprovals: { 'launch-to-prod': 2 } },
      expect: { invalid: /requiredApprovals\.launch-to-prod: "launch-to-prod" is not a task or CAB gate id/ },
    },
  ];

  const handles: Array<{ h: Hostile; handle: WorkflowHandle }> = [];
  for (const h of hostile) {
    const project = { ...h.project, projectId: uniqueProjectId('hostile') };
    const input: UpgradeWorkflowInput = { version: 1, project, tunables: TUNABLES };
    handles.push({
      h,
      handle: await client.workflow.start('upgradeProject', {
        taskQueue: queues[h.queue],
        workflowId: workflowIdFor(project.projectId),
        args: [input],
      }),
    });
  }
  const running = handles.filter(({ h }) => 'blockedTask' in h.expect);
  const driver = new OwnerDriver(running.map((r) => r.handle));
  drivers.push(driver);

  const outcomes: string[] = [];
  for (const { h, handle } of handles) {
    if ('invalid' in h.expect) {
      const error = await handle.result().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const cause = (error as WorkflowFailedError).cause as Error;
      expect(cause.message).toMatch(h.expect.invalid);
      outcomes.push(`${h.name}: refused as invalid`);
    } else {
      const { blockedTask, reason } = h.expect;
      const status: ProjectStatus = await waitForStatus(
        handle,
        (s) => s.gates.some((g) => g.id === blockedTask && g.state === 'blocked'),
        90_000,
      );
      const gate = status.gates.find((g) => g.id === blockedTask)!;
      expect(gate.blocked?.error).toMatch(reason);
      outcomes.push(`${h.name}: ${blockedTask} blocked`);
      await handle.terminate('hostile input refused; test done');
    }
  }
  driver.stop();
  await driver.finished();

  // Not run: no marker, no dump made by the stand-in ece-tools on the strict worker's project, nothing cloned.
  expect(existsSync(marker)).toBe(false);
  const strictWorkspaces = await readdir(join(dataDirs.strict, 'workspaces')).catch(() => []);
  expect(strictWorkspaces.length).toBeGreaterThan(0); // its projects did reach the repository steps
  const labWorkspaces = await readdir(join(dataDirs.lab, 'workspaces')).catch(() => [] as string[]);
  const orchestratorProject = handles
    .find(({ h }) => h.name.includes("orchestrator's own checkout"))!
    .handle.workflowId.replace(/^upgrade-/, '');
  expect(labWorkspaces).not.toContain(orchestratorProject);

  // Nothing secret anywhere: every history, both workers' logs, every file they wrote.
  const needles = secretNeedles(receivers.secrets);
  const leaks: string[] = [];
  for (const { handle } of handles) {
    for (const found of findSecrets(await historyText(client, handle.workflowId), needles))
      leaks.push(`history of ${handle.workflowId}: ${found}`);
  }
  for (const [name, worker] of Object.entries({ strict, lab })) {
    for (const found of findSecrets(worker.text(), needles)) leaks.push(`${name} worker log: ${found}`);
  }
  for (const dir of Object.values(dataDirs)) {
    for (const file of await readTree(dir)) for (const found of findSecrets(file.text, needles)) leaks.push(`${file.path}: ${found}`);
  }
  expect(leaks).toEqual([]);

  process.stdout.write(
    `hostile project files: ${hostile.length} tried, 0 applied, 0 secrets leaked\n${outcomes.map((o) => `  - ${o}`).join('\n')}\n`,
  );
}, 180_000);

it('a mistyped SMTP_URL stops the real worker with the variable named and the secret not printed (finding 15)', async () => {
  const mistyped = receivers.secrets.smtpUrl.replace('smtp://', 'smtp//');
  const worker = new WorkerProcess({
    address: testServer().address,
    taskQueue: uniqueTaskQueue('hostile-config'),
    dataDir: join(work.path, 'config'),
    bundlePath: join(work.path, 'workflow-bundle.js'),
    caFile: join(work.path, 'storefronts-ca.pem'),
    secrets: { ...receivers.secrets, smtpUrl: mistyped, webhookUrl: receivers.secrets.webhookUrl.replace('http://', 'htp://') },
  });
  workers.push(worker);
  const exit = await worker.exited;
  expect(exit.code).not.toBe(0);
  const output = worker.text();
  expect(output).toContain('SMTP_URL (value not shown: it holds a secret');
  expect(output).toContain('WEBHOOK_URL (value not shown: it holds a secret');
  expect(findSecrets(output, [...secretNeedles(receivers.secrets), mistyped])).toEqual([]);
});
