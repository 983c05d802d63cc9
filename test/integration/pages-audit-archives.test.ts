/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Issue #12, "the audit trail stays whole and verifiable across runs", on the approval pages: a project that
 * continued as new keeps only its newest audit entries; the older ones are in the archive artifact its run carries
 * (id and sha256). The task page shows the task's whole trail, the archived entries read back from the real
 * artifact store and checked against that sha256, and says so plainly when an archive was altered or is missing.
 * Real parts: the gateway as its own process with its development OpenID provider, the shared dev server, a worker
 * with stubbed automation but the real `archiveAuditTrail` writing into a real artifact store, Debian's Chromium.
 */
import { mkdtempSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { ArtifactStore } from '../../activities/artifact-store';
import { archiveAuditTrailTo } from '../../activities/index';
import { workflowIdFor, type DecisionPayload, type UpgradeTunables, type UpgradeWorkflowInput } from '../../workflows/contract';
import { AUDIT_ENTRIES_CARRIED, NOTES_PER_PERSON_PER_HOUR } from '../../workflows/project-state';
import { connectTestClient, runWorker, uniqueTaskQueue } from '../harness/temporal';
import { openSignedIn, startBrowser, textOf, type TestBrowser } from '../support/browser';
import { decide, FAST_STUB_TUNABLES, gateState, OWNER_EMAIL, waitForStatus } from '../support/drive';
import { startGateway, type GatewayProcess } from '../support/gateway-process';
import { makeProject } from '../support/project-fixture';
import { StubActivities } from '../support/stub-activities';

const WORKFLOWS = require.resolve('../../workflows');
const TUNABLES: UpgradeTunables = { ...FAST_STUB_TUNABLES, continueAsNewAfterMessages: 110 };
const TASK = 'create-upgrade-plan';

let client: Client;
let closeClient: () => Promise<void>;
let gateway: GatewayProcess;
let chrome: TestBrowser;
let storeDir: string;
let store: ArtifactStore;

beforeAll(async () => {
  ({ client, close: closeClient } = await connectTestClient());
  storeDir = mkdtempSync(path.join(tmpdir(), 'cuo-archive-artifacts-'));
  store = new ArtifactStore(storeDir);
  gateway = await startGateway({ env: { GATEWAY_ARTIFACT_DIR: storeDir } });
  chrome = await startBrowser();
}, 120_000);
afterAll(async () => {
  await chrome?.close();
  await gateway?.stop();
  await closeClient?.();
  await rm(storeDir, { recursive: true, force: true });
});

jest.setTimeout(180_000);

const comment = (actor: string, role: DecisionPayload['role'], n: number): DecisionPayload => ({
  taskId: TASK,
  decision: 'comment',
  actor,
  role,
  comment: `note ${n} from ${actor}`,
});

/** The audit table's rows on the page: [id, comment]. */
async function auditRowsOf(page: Awaited<ReturnType<TestBrowser['person']>>['page']): Promise<Array<[number, string]>> {
  return page.$$eval('table:has(caption) tbody tr', (rows) =>
    rows.map((r) => {
      const cells = [...r.querySelectorAll('td')].map((c) => (c as HTMLElement).innerText.trim());
      return [Number(cells[0]), cells[4] ?? ''] as [number, string];
    }),
  );
}

it("a continued project's task page shows the whole trail, archived entries checked against the sha256 the run carries", async () => {
  const stubs = new StubActivities();
  const activities = { ...stubs.activities(), archiveAuditTrail: archiveAuditTrailTo(store) };
  const taskQueue = uniqueTaskQueue('pages-archive');
  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities }, async () => {
    const project = makeProject({ projectId: 'archived-trail' });
    const input: UpgradeWorkflowInput = { version: 1, project, tunables: TUNABLES, playbookVersion: 1 };
    const handle = await client.workflow.start('upgradeProject', {
      taskQueue,
      workflowId: workflowIdFor(project.projectId),
      args: [input],
    });
    await waitForStatus(handle, (s) => gateState(s, TASK) === 'awaiting-approval');

    // 115 comments on the plan from four people (each under the hourly limit): more than one run takes here.
    const people: [string, DecisionPayload['role'], number][] = [
      [OWNER_EMAIL.customer, 'customer', NOTES_PER_PERSON_PER_HOUR],
      ['chris@acme.example', 'customer', 29],
      [OWNER_EMAIL.partner, 'partner', 28],
      [OWNER_EMAIL['managed-services'], 'managed-services', 28],
    ];
    const sent: string[] = [];
    for (const [actor, role, count] of people) {
      for (let n = 1; n <= count; n += 1) {
        await decide(handle, comment(actor, role, n));
        sent.push(`note ${n} from ${actor}`);
      }
    }
    const status = await waitForStatus(handle, (s) => (s.continuedRuns ?? 0) >= 1 && (s.auditArchives ?? []).length >= 1);
    const archives = status.auditArchives!;
    // The run no longer holds the first comments: only the archive does.
    expect(status.audit.length).toBeLessThanOrEqual(AUDIT_ENTRIES_CARRIED + 5);
    expect(status.audit.some((e) => e.comment === sent[0])).toBe(false);

    const carla = await chrome.person();
    const url = `${gateway.url}/projects/${project.projectId}/tasks/${TASK}`;
    try {
      await openSignedIn(carla.page, url, OWNER_EMAIL.customer);
      const rows = await auditRowsOf(carla.page);
      // Every comment of the task, in order, ids rising, the archived ones first; no warning.
      expect(rows.map(([, text]) => text).filter((t) => t.startsWith('note '))).toEqual(sent);
      expect(rows.map(([id]) => id)).toEqual([...rows.map(([id]) => id)].sort((a, b) => a - b));
      expect(rows[0]![0]).toBeLessThanOrEqual(archives[0]!.lastId);
      expect(await textOf(carla.page)).not.toContain('archived when the project continued as new) are not shown');
      await chrome.screenshot(carla.page, 'task-whole-audit-trail');

      // The archive altered in the store: its entries are not shown, the page says why, the rest still is.
      const archivePath = store.pathOf(archives[0]!.artifact.id);
      await writeFile(archivePath, (await store.getText(archives[0]!.artifact.id)).replace(sent[0]!, 'note 1 rewritten'));
      await carla.page.reload({ waitUntil: 'load' });
      const warned = await textOf(carla.page);
      expect(warned).toContain(
        `Audit entries #${archives[0]!.firstId}–#${archives[0]!.lastId} (${archives[0]!.entries}, archived when the project continued as new) are not shown: the stored ${archives[0]!.artifact.id} does not match the sha256 the project carries`,
      );
      expect(warned).not.toContain('note 1 rewritten');
      const carried = (await auditRowsOf(carla.page)).map(([, text]) => text).filter((t) => t.startsWith('note '));
      expect(carried.length).toBeGreaterThan(0);
      expect(carried.length).toBeLessThan(sent.length);
      expect(carried).toEqual(sent.slice(-carried.length));
      await chrome.screenshot(carla.page, 'task-audit-archive-altered');

      // Missing from the store: said so too.
      await rm(archivePath);
      await carla.page.reload({ waitUntil: 'load' });
      expect(await textOf(carla.page)).toContain(`are not shown: the artifact store has no ${archives[0]!.artifact.id}.`);
    } finally {
      await carla.context.close();
    }
    await handle.executeUpdate('cancel', {
      args: [{ actor: OWNER_EMAIL['managed-services'], role: 'managed-services', reason: 'end of the test' }],
    });
    await handle.result();
  });
});
