/**
 * The task pages, e-mail link confirmation, "My tasks" and the manager board, as server-rendered HTML (html.ts
 * escapes every value). Pure functions of their models: no I/O, so they render the same for a running project and
 * for a finished one read from its result. Forms are plain HTML posts with a CSRF token; nothing needs JavaScript.
 */
import type { ArtifactRef } from '../../activities/contract';
import { formatDuration } from '../../activities/notify/message';
import type { PlaybookTask } from '../../workflows/playbook';
import { type AuditEntry, type Gate, type ProjectStatus } from '../../workflows/contract';
import { ROLE_LABELS, ROLES, type Role } from '../../workflows/roles';
import { html, type SafeHtml } from './html';
import type { ProjectPeople } from './project-directory';
import type { BoardRow } from '../board-query';
import type { WholeAuditTrail } from '../audit-archives';

export interface Viewer {
  email: string;
  name?: string;
  csrf: string;
}

export interface Notice {
  kind: 'ok' | 'error';
  text: string;
}

const when = (iso: string | undefined) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '');
const ageOf = (iso: string | undefined, now: number) => (iso ? formatDuration(Math.max(0, now - Date.parse(iso))) : '');
const short = (sha: string) => sha.slice(0, 12);
export const taskPath = (projectId: string, taskId: string) =>
  `/projects/${encodeURIComponent(projectId)}/tasks/${encodeURIComponent(taskId)}`;

export function layout(title: string, viewer: Viewer | undefined, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Commerce Upgrade Orchestrator</title><link rel="stylesheet" href="/assets/pages.css"></head>
<body><header class="top"><a href="/my/tasks">Commerce upgrades</a>
${
  viewer
    ? html`<nav aria-label="Main"><a href="/my/tasks">My tasks</a><a href="/board">Board</a></nav>
<span class="who">${viewer.name ?? viewer.email}
<form class="inline" method="post" action="/auth/logout"><input type="hidden" name="_csrf" value="${viewer.csrf}"><button type="submit">Sign out</button></form></span>`
    : ''
}
</header><main id="main">${body}</main></body></html>`.value;
}

export function errorPage(status: number, title: string, message: string, viewer?: Viewer): string {
  return layout(
    title,
    viewer,
    html`<h1>${title}</h1><p class="notice error" role="alert">${message}</p><p class="muted">HTTP ${status}.</p>
<p><a href="/my/tasks">Back to my tasks</a></p>`,
  );
}

export function loginChoicePage(issuers: { name: string; issuer: string }[], returnTo: string): string {
  return layout(
    'Sign in',
    undefined,
    html`<h1>Sign in</h1><p>Sign in with your organisation's account to see and decide your upgrade tasks.</p>
<ul>${issuers.map((i) => html`<li><a href="/auth/login?issuer=${encodeURIComponent(i.issuer)}&amp;returnTo=${encodeURIComponent(returnTo)}">${i.name}</a></li>`)}</ul>`,
  );
}

export interface ArtifactView {
  ref: ArtifactRef;
  step: string;
  /** The document rendered (markdown) or as text; absent when the store does not have it. */
  body?: SafeHtml;
  missing?: string;
}

export interface TaskPageModel {
  status: ProjectStatus;
  live: boolean;
  gate: Gate;
  task: PlaybookTask;
  people: ProjectPeople;
  viewer: Viewer;
  roles: Role[];
  artifacts: ArtifactView[];
  /** The project's whole audit trail across its runs (client/audit-archives.ts); default: the current run's. */
  trail?: WholeAuditTrail;
  /** The sorted sha256 the decision binds to (what the page shows). */
  evidence: string[];
  canDecide: boolean;
  canComment: boolean;
  notice?: Notice;
  temporalUiUrl?: string;
  now: number;
}

function peopleOf(people: ProjectPeople, role: Role): string {
  return people.participants[role].map((p) => `${p.name} <${p.email}>`).join(', ') || 'nobody named';
}

function auditRows(entries: AuditEntry[], notes: string[] = []): SafeHtml {
  const warnings = html`${notes.map((n) => html`<p class="notice error" role="alert">${n}</p>`)}`;
  if (!entries.length) return html`${warnings}<p class="muted">Nothing recorded for this task yet.</p>`;
  return html`${warnings}${auditTable(entries)}`;
}

function auditTable(entries: AuditEntry[]): SafeHtml {
  return html`<div class="table"><table><caption class="muted">Audit trail of this task</caption>
<thead><tr><th scope="col">#</th><th scope="col">when</th><th scope="col">what</th><th scope="col">who</th><th scope="col">comment or reason</th><th scope="col">evidence</th><th scope="col">signed in by</th></tr></thead>
<tbody>${entries.map(
    (e) =>
      html`<tr><td>${e.id}</td><td>${when(e.at)}</td><td>${e.decision ?? e.kind}</td><td>${e.actor ? `${e.actor}${e.role ? ` (${e.role})` : ''}` : ''}</td><td>${e.comment ?? e.reason ?? ''}</td><td>${(e.evidence ?? []).map((d) => html`<code>${d.length === 64 ? short(d) : d}</code> `)}</td><td>${e.identity ? `${e.identity.amr} (${e.identity.iss})` : ''}</td></tr>`,
  )}</tbody></table></div>`;
}

function decisionForm(model: TaskPageModel): SafeHtml {
  const { gate, status, viewer } = model;
  const action = taskPath(status.projectId, gate.id);
  const hidden = html`<input type="hidden" name="_csrf" value="${viewer.csrf}"><input type="hidden" name="evidence" value="${model.evidence.join(',')}"><input type="hidden" name="round" value="${gate.rounds}">`;
  if (model.canDecide && gate.state === 'blocked') {
    return html`<form class="decide" method="post" action="${action}"><h2>Resolve the blocked step</h2>${hidden}
<p>${gate.blocked ? html`Step <code>${gate.blocked.step}</code> failed: ${gate.blocked.error}` : 'An automated step failed.'} Retry it after fixing the cause, or skip it with a reason (the owner or the CSE decides).</p>
<label for="comment">Reason (required to skip)</label><textarea id="comment" name="comment" maxlength="4000"></textarea>
<div class="buttons"><button class="primary" type="submit" name="decision" value="retry">Retry</button><button class="danger" type="submit" name="decision" value="skip">Skip</button></div></form>`;
  }
  if (model.canDecide && gate.state === 'awaiting-approval') {
    const branch = gate.steps.map((s) => s.facts?.branch).find((b) => typeof b === 'string');
    return html`<form class="decide" method="post" action="${action}"><h2>Your decision</h2>${hidden}
<p>You decide as ${ROLE_LABELS[gate.owner]} on the evidence above (${model.evidence.length ? model.evidence.map((d) => html`<code>${short(d)}</code> `) : 'no artifact'}). If it changes before you send, nothing is decided and this page shows the new evidence.</p>
${branch ? html`<label for="commit">Commit you sign off on <code>${String(branch)}</code> (optional)</label><input id="commit" name="commit" type="text" inputmode="latin" pattern="[0-9a-fA-F]{7,40}" autocomplete="off">` : ''}
<label for="comment">Comment (a reason is required to reject)</label><textarea id="comment" name="comment" maxlength="4000"></textarea>
<div class="buttons"><button class="primary" type="submit" name="decision" value="approve">Approve</button><button class="danger" type="submit" name="decision" value="reject">Reject</button><button type="submit" name="decision" value="comment">Comment only</button></div></form>`;
  }
  if (model.canComment && status.state === 'running') {
    return html`<form class="decide" method="post" action="${action}"><h2>Comment</h2>${hidden}
<p class="muted">${model.canDecide ? 'Nothing awaits your decision on this task now.' : `Only the ${ROLE_LABELS[gate.owner]} decides this task; as a contributor you can comment.`}</p>
<label for="comment">Comment</label><textarea id="comment" name="comment" maxlength="4000" required></textarea>
<div class="buttons"><button type="submit" name="decision" value="comment">Comment</button></div></form>`;
  }
  return html``;
}

export function taskPage(model: TaskPageModel): string {
  const { status, gate, task, people, now } = model;
  const trail = model.trail ?? { entries: [...status.audit], notes: [] };
  const audit = trail.entries.filter((e) => e.gateId === gate.id && e.kind !== 'refused');
  const rework = status.rework.filter((r) => r.rejectedTask === gate.id || r.backTo === gate.taskId);
  const awaited = status.awaiting.find((a) => a.gateId === gate.id);
  const body = html`<p class="muted"><a href="/projects/${encodeURIComponent(status.projectId)}">${status.projectId}</a> · ${status.customer} · ${status.currentVersion} → ${status.targetVersion} · phase ${status.phase}${model.live ? '' : ' · finished: read from the closed workflow'}</p>
<h1>${gate.title}</h1>
${model.notice ? html`<p class="notice ${model.notice.kind}" role="${model.notice.kind === 'error' ? 'alert' : 'status'}">${model.notice.text}</p>` : ''}
<dl class="facts">
<dt>Task</dt><dd><code>${gate.id}</code> — ${task.sourceTask}${task.cseNote ? html`<br><span class="muted">${task.cseNote}</span>` : ''}</dd>
<dt>Owner</dt><dd>${ROLE_LABELS[gate.owner]}: ${peopleOf(people, gate.owner)}</dd>
<dt>Contributors</dt><dd>${gate.contributors.length ? gate.contributors.map((r) => `${ROLE_LABELS[r]}: ${peopleOf(people, r)}`).join('; ') : 'none'}</dd>
<dt>State</dt><dd><span class="badge ${gate.state}">${gate.state}</span>${gate.overdue ? html` <span class="badge overdue">overdue</span>` : ''}${gate.since ? html` since ${when(gate.since)} (${ageOf(gate.since, now)})` : ''}${awaited ? html`, waiting on ${awaited.actors.join(', ')}` : ''}</dd>
<dt>Round</dt><dd>${gate.rounds}${rework.length ? html` · rework: ${rework.map((r) => html`<br>${when(r.at)} ${r.actor} rejected ${r.rejectedTask}: “${r.reason}” (back to ${r.backTo})`)}` : ''}</dd>
<dt>Approvals</dt><dd>${gate.approvals.length} of ${gate.requiredApprovals}${gate.approvals.map((a) => html`<br>${a.actor} at ${when(a.at)} on ${a.evidence.map((d) => html`<code>${short(d)}</code> `)}`)}</dd>
${model.temporalUiUrl ? html`<dt>Temporal</dt><dd><a href="${model.temporalUiUrl}">the workflow in the Temporal UI</a></dd>` : ''}
</dl>
<h2>Automation results</h2>
${
  gate.steps.length
    ? html`<ul>${gate.steps.map((s) => html`<li><code>${s.step}</code> ${s.status}${s.passed === false ? ' (check failed)' : ''}: ${s.summary}</li>`)}</ul>`
    : html`<p class="muted">No automated step has finished in this round.</p>`
}
${model.artifacts.map(
  (
    a,
  ) => html`<section class="artifact" aria-label="${a.ref.name}"><header><h3>${a.ref.name}</h3><span class="muted">from ${a.step}</span><span>sha256 <code title="${a.ref.sha256}">${a.ref.sha256}</code></span><a href="/projects/${encodeURIComponent(status.projectId)}/artifacts/${encodeURIComponent(a.ref.id.split('/')[1] ?? '')}">raw</a></header>
<div class="doc">${a.body ?? html`<p class="notice error">${a.missing ?? 'not available'}</p>`}</div></section>`,
)}
${decisionForm(model)}
<h2>Audit trail</h2>
${auditRows(audit, trail.notes)}`;
  return layout(gate.title, model.viewer, body);
}

export interface LinkPageModel {
  status: ProjectStatus;
  gate: Gate;
  email: string;
  role: Role;
  decision?: 'approve' | 'reject';
  expiresAt: string;
  csrf: string;
  token: string;
  artifacts: ArtifactView[];
  notice?: Notice;
  done?: boolean;
}

/** What a GET of an e-mail link shows: the task, its evidence, and a form; it never decides. */
export function linkPage(model: LinkPageModel): string {
  const { status, gate } = model;
  const body = html`<p class="muted">${status.projectId} · ${status.customer} · ${status.currentVersion} → ${status.targetVersion}</p>
<h1>${gate.title}</h1>
${model.notice ? html`<p class="notice ${model.notice.kind}" role="${model.notice.kind === 'error' ? 'alert' : 'status'}">${model.notice.text}</p>` : ''}
<p>This one-time link is for <strong>${model.email}</strong> (${ROLE_LABELS[model.role]}), round ${gate.rounds}, valid until ${when(model.expiresAt)}. Opening it decides nothing: review the evidence and confirm below.</p>
${model.artifacts.map(
  (a) =>
    html`<section class="artifact" aria-label="${a.ref.name}"><header><h3>${a.ref.name}</h3><span>sha256 <code>${a.ref.sha256}</code></span></header><div class="doc">${a.body ?? html`<p class="notice error">${a.missing ?? 'not available'}</p>`}</div></section>`,
)}
${
  model.done
    ? ''
    : html`<form class="decide" method="post" action="/links/${model.token}"><h2>Confirm your decision</h2>
<input type="hidden" name="_csrf" value="${model.csrf}">
<label for="comment">Comment (a reason is required to reject)</label><textarea id="comment" name="comment" maxlength="4000"></textarea>
<div class="buttons"><button class="primary" type="submit" name="decision" value="approve">Confirm approval</button><button class="danger" type="submit" name="decision" value="reject">Reject</button></div></form>`
}`;
  return layout(gate.title, undefined, body);
}

export interface MyTask {
  projectId: string;
  customer: string;
  gateId: string;
  title: string;
  state: string;
  role: Role;
  since: string;
  overdue: boolean;
}

export function myTasksPage(viewer: Viewer, tasks: MyTask[], now: number): string {
  const body = html`<h1>My tasks</h1>
<p class="muted">Everything awaiting ${viewer.email}, oldest first.</p>
${
  tasks.length
    ? html`<div class="table"><table><thead><tr><th scope="col">waiting</th><th scope="col">task</th><th scope="col">project</th><th scope="col">as</th><th scope="col">since</th></tr></thead><tbody>
${tasks.map(
  (t) =>
    html`<tr><td>${ageOf(t.since, now)}${t.overdue ? html` <span class="badge overdue">overdue</span>` : ''}</td><td><a href="${taskPath(t.projectId, t.gateId)}">${t.title}</a> <span class="badge ${t.state}">${t.state}</span></td><td>${t.projectId} (${t.customer})</td><td>${ROLE_LABELS[t.role]}</td><td>${when(t.since)}</td></tr>`,
)}</tbody></table></div>`
    : html`<p class="notice ok" role="status">Nothing awaits you now.</p>`
}`;
  return layout('My tasks', viewer, body);
}

export type { BoardRow };

export interface BoardFilters {
  customer?: string;
  phase?: string;
  role?: Role;
}

export function boardPage(
  viewer: Viewer,
  rows: BoardRow[],
  filters: BoardFilters,
  options: { phases: readonly string[]; customers: string[]; temporalUiUrl: (workflowId: string) => string; now: number },
): string {
  const select = (
    name: string,
    label: string,
    values: readonly string[],
    current: string | undefined,
    labels: (v: string) => string = (v) => v,
  ) =>
    html`<div><label for="${name}">${label}</label><select id="${name}" name="${name}"><option value="">all</option>${values.map((v) => html`<option value="${v}"${v === current ? html` selected` : ''}>${labels(v)}</option>`)}</select></div>`;
  const body = html`<h1>Manager board</h1>
<p class="muted">Running upgrade projects, the longest waiting first, from one visibility query (no project is asked for its status).</p>
<form class="filters" method="get" action="/board">
${select('customer', 'Customer', options.customers, filters.customer)}
${select('phase', 'Phase', options.phases, filters.phase)}
${select('role', 'Waiting on role', ROLES, filters.role, (r) => ROLE_LABELS[r as Role])}
<div><button type="submit">Filter</button></div></form>
<div class="table"><table><thead><tr><th scope="col">waiting</th><th scope="col">project</th><th scope="col">phase</th><th scope="col">awaited task</th><th scope="col">waits on</th><th scope="col">since</th><th scope="col">rework</th><th scope="col">links</th></tr></thead><tbody>
${rows.map(
  (r) =>
    html`<tr><td>${r.since ? ageOf(r.since, options.now) : '—'}${r.overdue ? html` <span class="badge overdue">overdue</span>` : ''}</td><td>${r.projectId}<br><span class="muted">${r.customer} → ${r.targetVersion}</span></td><td>${r.phase}</td><td>${r.tasks.length ? r.tasks.map((t, i) => html`${i ? ', ' : ''}<a href="${taskPath(r.projectId, t)}">${t}</a>`) : '—'}</td><td>${r.roles.map((role) => ROLE_LABELS[role]).join(', ') || '—'}${r.actors.length ? html`<br><span class="muted">${r.actors.join(', ')}</span>` : ''}</td><td>${when(r.since)}</td><td>${r.rework ?? '—'}</td><td><a href="/projects/${encodeURIComponent(r.projectId)}">task page</a> · <a href="${options.temporalUiUrl(r.workflowId)}">Temporal UI</a></td></tr>`,
)}</tbody></table></div>
${rows.length ? '' : html`<p class="muted">No running project matches.</p>`}`;
  return layout('Manager board', viewer, body);
}
