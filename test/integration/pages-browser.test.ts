/// <reference lib="dom" />
/**
 * The approval pages in a real browser (issue #17), with real parts only: the approvals gateway as its own
 * process with its development OpenID provider (authorization code flow with PKCE), the shared dev server, a
 * workflow worker whose automation is stubbed as in gateway.test.ts but whose artifacts are real files in a real
 * artifact store and whose notifications are the real notify activity over SMTP to the loopback receiver, and
 * Debian's Chromium through puppeteer-core. One browser for the file, one project for the whole story, a second
 * one cancelled early for the "finished, no worker" page. Screenshots of every page go to test-output/pages/.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Page } from 'playwright-core';
import { ArtifactStore } from '../../activities/artifact-store';
import type { AutomationResult, ProjectContext, UpgradeActivities } from '../../activities/contract';
import { createNotifyActivities } from '../../activities/notify/activities';
import { Notifier } from '../../activities/notify/channels';
import { mintEmailLink } from '../../activities/notify/email-link';
import { statusQuery } from '../../workflows/messages';
import { workflowIdFor } from '../../workflows/contract';
import type { ProjectStatus } from '../../workflows/project-state';
import { runCli } from '../cli/run-cli';
import { connectTestClient, runWorker, uniqueTaskQueue } from '../harness/temporal';
import { openSignedIn, startBrowser, textOf, type TestBrowser } from '../support/browser';
import { approveUntil, gateState, waitForStatus } from '../support/drive';
import { startGateway, type GatewayProcess } from '../support/gateway-process';
import { makeProject } from '../support/project-fixture';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver';
import { StubActivities } from '../support/stub-activities';
import { TEST_GATEWAY_KEY } from '../support/test-gateway-signer';
import { resolvingProjectFiles } from '../../activities/index';
import { ProjectFiles } from '../../activities/project-files';

const WORKFLOWS = require.resolve('../../workflows');
const LINK_SECRET = randomBytes(33).toString('base64url');
const PLAN = (round: number) => `# Upgrade plan (round ${round})

Target **2.4.8-p3** from 2.4.6-p8. <script>alert("not run")</script>

| step | owner | when |
|---|---|---|
| Infrastructure changes | Managed Services | week 1 |
| Code update | Partner | weeks 2–3 |
| UAT | Customer | week 4 |

[a bad link](javascript:alert(1))
`;

let client: Client;
let closeClient: () => Promise<void>;
let gateway: GatewayProcess;
let smtp: SmtpReceiver;
let chrome: TestBrowser;
let store: ArtifactStore;
const cspViolations: string[] = [];

beforeAll(async () => {
  ({ client, close: closeClient } = await connectTestClient());
  smtp = await startSmtpReceiver();
  store = new ArtifactStore(mkdtempSync(path.join(tmpdir(), 'cuo-pages-artifacts-')));
  gateway = await startGateway({
    env: {
      EMAIL_LINK_SECRET: LINK_SECRET,
      GATEWAY_ARTIFACT_DIR: (store as unknown as { rootDir: string }).rootDir,
      GATEWAY_MANAGERS: 'sam@adobe.example',
      GATEWAY_TEMPORAL_UI_URL: 'http://127.0.0.1:8233/namespaces/default',
    },
  });
  chrome = await startBrowser();
}, 120_000);
afterAll(async () => {
  await chrome?.close();
  await gateway?.stop();
  await smtp?.close();
  await closeClient?.();
});

/** Stub automation (as in the other workflow tests), whose artifacts are real files in the real store. */
function activities(stubs: StubActivities): UpgradeActivities {
  const base = stubs.activities();
  const rounds = new Map<string, number>();
  const stored =
    (name: keyof UpgradeActivities) =>
    async (ctx: ProjectContext, detail?: unknown): Promise<AutomationResult> => {
      const result = await (base[name] as (c: ProjectContext, d?: unknown) => Promise<AutomationResult>)(ctx, detail);
      const round = (rounds.get(`${ctx.workflowId}/${name}`) ?? 0) + 1;
      rounds.set(`${ctx.workflowId}/${name}`, round);
      const content = name === 'draftUpgradePlan' ? PLAN(round) : `# ${name}\n\n${result.summary} (run ${round})\n`;
      return { ...result, artifact: await store.put(ctx.project.projectId, result.artifact!.name, content) };
    };
  const notify = createNotifyActivities({
    notifier: new Notifier({ email: { smtpUrl: smtp.url, from: 'upgrades@example.com' } }),
    artifacts: store,
    gatewayUrl: gateway.url,
    emailLinks: { secret: LINK_SECRET, ttlSec: 72 * 3600, recipients: ['chris@acme.example'] },
  });
  const automated = [
    'draftUpgradePlan',
    'determineInfrastructureChanges',
    'assessUpgradeComplexity',
    'prepareUpgradeBranch',
    'runPostUpgradeRunbook',
    'runPerformanceTest',
    'runSecurityChecks',
  ] as const;
  // Projects since lean-history send a reference to the project file: resolved the way the worker's activities are.
  const all = { ...base, ...Object.fromEntries(automated.map((n) => [n, stored(n)])), sendNotification: notify.sendNotification };
  return resolvingProjectFiles(all as unknown as Parameters<typeof resolvingProjectFiles>[0], new ProjectFiles());
}

async function startProject(taskQueue: string, overrides: Parameters<typeof makeProject>[0] = {}) {
  const project = makeProject(overrides);
  // Trusts the real gateway's key (pages, e-mail links) and the test signer's (the other owners, driven by the test).
  const handle = await client.workflow.start('upgradeProject', {
    taskQueue,
    workflowId: workflowIdFor(project.projectId),
    args: [
      { version: 1, project, trust: { keys: [gateway.key.publicKey, TEST_GATEWAY_KEY.publicKey] }, tunables: { productionNoticeHours: 0 } },
    ],
  });
  return { project, handle };
}

function watchCsp(page: Page): void {
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
  });
}

/** Every form field has a label; nothing is wider than the screen (a phone). */
async function checkAccessible(page: Page): Promise<void> {
  const unlabelled = await page.$$eval('textarea, select, input:not([type=hidden])', (els) =>
    els.filter((e) => !(e as HTMLInputElement).labels?.length).map((e) => e.outerHTML),
  );
  expect(unlabelled).toEqual([]);
  expect(await page.$$eval('form[method=post]', (forms) => forms.filter((f) => !f.querySelector('input[name=_csrf]')).length)).toBe(0);
}

async function submit(page: Page, decision: string): Promise<void> {
  await page.click(`form.decide button[value="${decision}"]`);
  await page.waitForLoadState('load');
}

const status = (handle: WorkflowHandle): Promise<ProjectStatus> => handle.query(statusQuery);

it('the customer approves the plan on its page, a partner cannot, an e-mail link decides once, UAT is rejected back to the code update; the board shows who is awaited', async () => {
  const stubs = new StubActivities();
  const taskQueue = uniqueTaskQueue('pages');
  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: activities(stubs) }, async () => {
    // Two customer approvals on the plan: Carla on the page, Chris (no SSO) through his one-time e-mail link.
    const { project, handle } = await startProject(taskQueue, { requiredApprovals: { 'create-upgrade-plan': 2 } });
    const id = project.projectId;
    const planUrl = `${gateway.url}/projects/${id}/tasks/create-upgrade-plan`;
    await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'awaiting-approval');

    // The shared e-mail links to the task page, not to a CLI command; Chris gets his own link by e-mail only.
    const shared = await smtp.waitFor((m) => m.subject.includes(`[${id}] Decision needed`) && !m.subject.includes('one-time'));
    expect(shared.text).toContain(planUrl);
    expect(shared.text).not.toMatch(/cuo approve/);
    const personal = await smtp.waitFor((m) => m.subject.includes(`[${id}]`) && m.subject.includes('one-time link'));
    expect(personal.to.map((t) => t.address)).toEqual(['chris@acme.example']);
    expect(personal.cc).toEqual([]);
    const link = /(http:\/\/\S+\/links\/[A-Za-z0-9_.-]+)/.exec(personal.text)![1]!;

    // ---- the board: a manager sees the project waiting on the customer ----
    const sam = await chrome.person();
    watchCsp(sam.page);
    await openSignedIn(sam.page, `${gateway.url}/board?role=customer`, 'sam@adobe.example');
    const board = await textOf(sam.page);
    expect(board).toContain(id);
    expect(board).toMatch(/Customer/);
    expect(board).toContain('carla@acme.example');
    // Age, awaited task, since and rework come from the search attributes alone (UpgradeAwaitingSince,
    // UpgradeAwaitingTasks, UpgradeReworkCount): cells age, project, phase, task, waits on, since, rework, links.
    const row = await sam.page.$$eval(
      'main tbody tr',
      (rows, pid) =>
        rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.innerText)).find((cells) => cells[1]!.includes(pid)),
      id,
    );
    expect(row![0]).toMatch(/^\d+m/);
    expect(row![3]).toBe('create-upgrade-plan');
    expect(row![5]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(row![6]).toBe('0');
    const boardLinks = await sam.page.$$eval('main a', (as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(boardLinks).toContain(`${gateway.url}/projects/${id}`);
    expect(boardLinks).toContain(`${gateway.url}/projects/${id}/tasks/create-upgrade-plan`);
    expect(boardLinks).toContain(`http://127.0.0.1:8233/namespaces/default/workflows/upgrade-${id}`);
    await chrome.screenshot(sam.page, '01-board');
    // A person who is not a manager gets a clear 403 page.
    const carla = await chrome.person();
    watchCsp(carla.page);
    await openSignedIn(carla.page, `${gateway.url}/board`, 'carla@acme.example');
    expect(await textOf(carla.page)).toMatch(/the manager board is for managers/);

    // ---- the e-mail link: GET twice decides nothing ----
    const chris = await chrome.person();
    watchCsp(chris.page);
    for (let i = 0; i < 2; i++) {
      const res = await chris.page.goto(link, { waitUntil: 'load' });
      expect(res!.status()).toBe(200);
      expect(await textOf(chris.page)).toMatch(/Opening it decides nothing/);
    }
    await chrome.screenshot(chris.page, '02-email-link-confirmation');
    expect((await status(handle)).audit.filter((e) => e.kind === 'decision')).toEqual([]);

    // ---- Carla signs in, sees the plan (a table as a table, no script, no javascript: link), approves ----
    await openSignedIn(carla.page, planUrl, 'carla@acme.example');
    const page = carla.page;
    expect(await page.$eval('.artifact h3', (h) => h.textContent)).toBe('draftupgradeplan.md');
    expect(await page.$$eval('.artifact table th', (ths) => ths.map((t) => t.textContent))).toEqual(['step', 'owner', 'when']);
    expect(await page.$('.artifact script')).toBeNull();
    expect(await textOf(page, '.artifact')).toContain('<script>alert("not run")</script>');
    expect(await page.$$eval('.artifact .doc a', (as) => as.map((a) => a.getAttribute('href')))).toEqual([]);
    const planRef = (await status(handle)).gates.find((g) => g.id === 'create-upgrade-plan')!.steps[0]!.artifact!;
    const planSha = planRef.sha256;
    expect(await textOf(page)).toContain(planSha);
    expect(await textOf(page)).toMatch(/Approvals\s+0 of 2/);
    await checkAccessible(page);
    await chrome.screenshot(page, '03-task-page-plan');
    await page.setViewportSize({ width: 390, height: 844 });
    const overflowing = await page.evaluate(() =>
      Array.from(document.querySelectorAll('main *'))
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.table, pre'))
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(overflowing).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await chrome.screenshot(page, '04-task-page-plan-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // The evidence shown is what the approval binds to: a form naming other evidence is refused and shows the current.
    await page.$eval('input[name=evidence]', (el) => ((el as HTMLInputElement).value = 'f'.repeat(64)));
    await submit(page, 'approve');
    expect(await textOf(page, '.notice')).toMatch(/Nothing was decided: the evidence of create-upgrade-plan changed since you opened it/);
    expect(await page.$eval('input[name=evidence]', (el) => (el as HTMLInputElement).value)).toBe(planSha);
    await chrome.screenshot(page, '05-task-page-evidence-changed');

    await page.fill('#comment', 'The plan is fine with us.');
    await submit(page, 'approve');
    expect(await textOf(page, '.notice')).toMatch(/Your approval is recorded/);
    expect(await textOf(page)).toMatch(/Approvals\s+1 of 2/);
    const afterCarla = await status(handle);
    const carlaDecision = afterCarla.audit.find((e) => e.kind === 'decision' && e.actor === 'carla@acme.example')!;
    expect(carlaDecision).toMatchObject({
      decision: 'approve',
      comment: 'The plan is fine with us.',
      evidence: [planRef.id],
      identity: { amr: 'oidc', iss: gateway.devIssuer },
    });

    // ---- a partner opening the same page cannot approve: no decision form, and a forged POST is refused ----
    const pat = await chrome.person();
    watchCsp(pat.page);
    await openSignedIn(pat.page, planUrl, 'pat@agency.example');
    expect(await pat.page.$('button[value=approve]')).toBeNull();
    expect(await textOf(pat.page)).toMatch(/Only the Customer decides this task; as a contributor you can comment/);
    await chrome.screenshot(pat.page, '06-task-page-partner');
    const forged = await pat.page.evaluate(async () => {
      const form = document.querySelector('form.decide') as HTMLFormElement;
      const data = new URLSearchParams(new FormData(form) as unknown as Record<string, string>);
      data.set('decision', 'approve');
      const res = await fetch(form.action, {
        method: 'POST',
        body: data,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      return { status: res.status, text: await res.text() };
    });
    expect(forged.status).toBe(403);
    expect(forged.text).toMatch(/pat@agency\.example is not a customer participant/);
    // Without the CSRF token, nothing is even considered.
    const noToken = await pat.page.evaluate(
      async (url) =>
        (
          await fetch(url, {
            method: 'POST',
            body: 'decision=comment&comment=x',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          })
        ).status,
      planUrl,
    );
    expect(noToken).toBe(403);

    // ---- Chris confirms with the link's POST: the second approval, method email-link; a second POST is refused ----
    await chris.page.goto(link, { waitUntil: 'load' });
    // Kept to send the same form again afterwards, as a back button and a second click would.
    const linkCsrf = await chris.page.$eval('input[name=_csrf]', (el) => (el as HTMLInputElement).value);
    await chris.page.fill('#comment', 'Approved from my phone');
    await chris.page.click('button[value=approve]');
    await chris.page.waitForLoadState('load');
    expect(await textOf(chris.page, '.notice')).toMatch(/Your approval is recorded\. This link cannot be used again/);
    await chrome.screenshot(chris.page, '07-email-link-confirmed');
    const afterChris = await waitForStatus(handle, (s) => gateState(s, 'create-upgrade-plan') === 'approved');
    const chrisDecision = afterChris.audit.find((e) => e.kind === 'decision' && e.actor === 'chris@acme.example')!;
    expect(chrisDecision.identity).toMatchObject({ amr: 'email-link', sub: 'chris@acme.example', iss: `${gateway.url}/links` });
    const again = await chris.page.evaluate(
      async ([url, csrf]) => {
        const res = await fetch(url!, {
          method: 'POST',
          body: new URLSearchParams({ decision: 'approve', _csrf: csrf! }),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        return { status: res.status, text: await res.text() };
      },
      [link, linkCsrf],
    );
    expect(again.status).toBe(410);
    expect(again.text).toMatch(/already been used/);
    expect((await status(handle)).audit.filter((e) => e.kind === 'decision' && e.actor === 'chris@acme.example')).toHaveLength(1);

    // An expired link (made with the same secret, as the worker makes them) is refused on GET and on POST.
    const { token: expired } = mintEmailLink(
      LINK_SECRET,
      { pid: id, tid: 'create-upgrade-plan', rnd: 1, evh: '0'.repeat(64), sub: 'chris@acme.example', rol: 'customer' },
      { nowSec: Math.floor(Date.now() / 1000) - 73 * 3600, ttlSec: 72 * 3600 },
    );
    const expiredRes = await chris.page.goto(`${gateway.url}/links/${expired}`, { waitUntil: 'load' });
    expect(expiredRes!.status()).toBe(410);
    expect(await textOf(chris.page)).toMatch(/this link expired on/);
    await chrome.screenshot(chris.page, '08-email-link-expired');
    const tampered = await fetch(`${gateway.url}/links/${link.split('/links/')[1]!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}`);
    expect(tampered.status).toBe(400);

    // ---- the other owners (driven by the test) up to UAT; Carla rejects UAT with a reason on its page ----
    await approveUntil(handle, (s) => gateState(s, 'user-acceptance-testing') === 'awaiting-approval', 90_000).catch(async (err: Error) => {
      const s = await status(handle);
      throw new Error(
        `${err.message}: ${JSON.stringify(s.gates.map((g) => [g.id, g.state, g.blocked?.error]))} ${JSON.stringify(s.audit.filter((e) => e.kind === 'refused').slice(-3))}`,
      );
    });
    const uatUrl = `${gateway.url}/projects/${id}/tasks/user-acceptance-testing`;
    await page.goto(uatUrl, { waitUntil: 'load' });
    await submit(page, 'reject');
    expect(await textOf(page, '.notice')).toMatch(/To reject you must give a reason\. Nothing was decided/);
    await page.fill('#comment', 'Checkout fails with the new payment module.');
    await submit(page, 'reject');
    expect(await textOf(page, '.notice')).toMatch(/Your rejection is recorded/);
    const back = await waitForStatus(handle, (s) => ['running', 'awaiting-approval'].includes(gateState(s, 'update-code-base') ?? ''));
    expect(back.rework.at(-1)).toMatchObject({
      rejectedTask: 'user-acceptance-testing',
      backTo: 'update-code-base',
      reason: 'Checkout fails with the new payment module.',
      actor: 'carla@acme.example',
    });
    expect(back.gates.find((g) => g.id === 'update-code-base')!.rounds).toBe(2);
    await page.goto(`${gateway.url}/projects/${id}/tasks/update-code-base`, { waitUntil: 'load' });
    expect(await textOf(page)).toMatch(/Checkout fails with the new payment module/);
    await chrome.screenshot(page, '09-task-page-after-uat-rejection');

    // My tasks for Pat: the code update awaits the partner again.
    await waitForStatus(handle, (s) => gateState(s, 'update-code-base') === 'awaiting-approval');
    await pat.page.goto(`${gateway.url}/my/tasks`, { waitUntil: 'load' });
    expect(await textOf(pat.page)).toMatch(new RegExp(`Update Commerce code base and customizations awaiting-approval\\s+${id}`));
    expect(await pat.page.$eval('main table a', (a) => a.getAttribute('href'))).toBe(`/projects/${id}/tasks/update-code-base`);
    await chrome.screenshot(pat.page, '10-my-tasks');

    await handle.terminate('test finished');
    for (const person of [sam, carla, chris, pat]) await person.context.close();
  });
  expect(cspViolations).toEqual([]);
}, 240_000);

it('a finished project opens with no worker running, and the pages carry the security headers', async () => {
  const taskQueue = uniqueTaskQueue('pages-closed');
  const stubs = new StubActivities();
  let id = '';
  await runWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: activities(stubs) }, async () => {
    const started = await startProject(taskQueue);
    id = started.project.projectId;
    await approveUntil(started.handle, (s) => gateState(s, 'determine-infrastructure-changes') === 'awaiting-approval');
    await started.handle.executeUpdate('cancel', {
      args: [{ actor: 'sam@adobe.example', role: 'managed-services', reason: 'customer postponed' }],
    });
    expect((await started.handle.result()).outcome).toBe('cancelled');
  });
  // The worker is gone: a query could not be answered, the result still can.
  const carla = await chrome.person();
  await openSignedIn(carla.page, `${gateway.url}/projects/${id}/tasks/create-upgrade-plan`, 'carla@acme.example');
  const text = await textOf(carla.page);
  expect(text).toMatch(/finished: read from the closed workflow/);
  expect(text).toMatch(/approved/);
  expect(text).toMatch(/Approvals\s+1 of 1/);
  expect(await carla.page.$('form.decide')).toBeNull();
  expect(await carla.page.$eval('.artifact table th', (th) => th.textContent)).toBe('step');
  await chrome.screenshot(carla.page, '11-finished-project-no-worker');
  // The CLI reads it the same way: status, history and report with no worker polling the project's queue.
  const [cliStatus, cliHistory, cliReport] = await Promise.all([runCli(['status', id]), runCli(['history', id]), runCli(['report', id])]);
  expect([cliStatus.code, cliHistory.code, cliReport.code, cliStatus.stderr]).toEqual([0, 0, 0, '']);
  expect(cliStatus.stdout).toMatch(/cancelled/);
  expect(cliHistory.stdout).toMatch(/carla@acme\.example/);
  expect(cliHistory.stdout).toMatch(/customer postponed/);
  expect(cliReport.stdout).toMatch(/Outcome: \*\*cancelled\*\*/);

  // Security headers of a page, and the raw artifact served as text only, never outside the project's artifacts.
  const cookies = (await carla.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const res = await fetch(`${gateway.url}/projects/${id}/tasks/create-upgrade-plan`, { headers: { cookie: cookies } });
  expect(res.status).toBe(200);
  const csp = res.headers.get('content-security-policy') ?? '';
  for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'"])
    expect(csp).toContain(directive);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  const body = await res.text();
  expect(body).not.toMatch(/<script|style="/);
  const artifactHref = await carla.page.$eval('.artifact header a', (a) => (a as HTMLAnchorElement).href);
  const raw = await fetch(artifactHref, { headers: { cookie: cookies } });
  expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  expect(await raw.text()).toContain('| step | owner | when |');
  for (const probe of ['..%2F..%2Fetc%2Fpasswd', '0123456789abcdef-other.md', `..%2F${id}%2Fx`]) {
    expect(
      (await fetch(`${gateway.url}/projects/${id}/artifacts/${probe}`, { headers: { cookie: cookies } })).status,
    ).toBeGreaterThanOrEqual(400);
  }
  // Not a participant: a clear 403 page.
  const mallory = await chrome.person();
  await openSignedIn(mallory.page, `${gateway.url}/projects/${id}/tasks/create-upgrade-plan`, 'mallory@evil.example');
  expect(await textOf(mallory.page)).toMatch(/mallory@evil\.example is not a participant of project/);
  await chrome.screenshot(mallory.page, '12-not-a-participant');
  await carla.context.close();
  await mallory.context.close();
}, 120_000);
