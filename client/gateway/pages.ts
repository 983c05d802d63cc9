/**
 * The gateway's web pages (issue #17): sign-in, task pages, one-time e-mail links, "My tasks" and the manager
 * board. Every decision goes through the same DecisionSender as the JSON API, so the workflow verifies the same
 * signed assertion; the pages add only what a person in a browser needs: a session, CSRF tokens on every form,
 * and the binding of a decision to the evidence the page showed.
 *
 *   GET  /auth/login?issuer&returnTo   GET /auth/callback   POST /auth/logout
 *   GET  /projects/:project                     → the task that awaits (or the latest one)
 *   GET  /projects/:project/tasks/:task         the task page;  POST: approve | reject | comment | retry | skip
 *   GET  /projects/:project/artifacts/:file     an artifact of that project, as text, through the artifact store
 *   GET  /links/:token                          an e-mail link's confirmation page (never decides); POST decides
 *   GET  /my/tasks                              what awaits the signed-in person
 *   GET  /board?customer&phase&role             running projects by who they wait on, from one visibility query
 */
import { createHash } from 'node:crypto';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ArtifactRef } from '../../activities/contract';
import type { ArtifactStore } from '../../activities/artifact-store';
import { evidenceHash, listedIn, verifyEmailLink, type EmailLinkClaims } from '../../activities/notify/email-link';
import { evidenceDigests } from '../../workflows/decision-assertion';
import { PHASE_IDS, PLAYBOOK_TASKS } from '../../workflows/playbook';
import { evidenceOfGate, type Gate, type ProjectStatus } from '../../workflows/contract';
import { ROLES, type Role } from '../../workflows/roles';
import { wholeAuditTrail } from '../audit-archives';
import { boardQuery, boardRow, myTasksQuery, sortBoard } from '../board-query';
import { html } from './html';
import { renderMarkdown } from './markdown';
import { PAGES_CSS } from './page-style';
import { DecisionSender, GatewayRefusal } from './decisions';
import { ProjectNotFound, type ProjectDirectory, type ProjectPeople, type ProjectView } from './project-directory';
import type { TokenVerifier, VerifiedPerson } from './token-verifier';
import {
  boardPage,
  errorPage,
  linkPage,
  loginChoicePage,
  myTasksPage,
  taskPage,
  taskPath,
  type ArtifactView,
  type MyTask,
  type Viewer,
} from './views';
import { safeReturnTo, WebLogin, WebLoginError } from './web-login';
import type { IssuerConfig } from './config';

export interface PagesDeps {
  publicUrl: () => string;
  issuers: () => IssuerConfig[];
  verifier: TokenVerifier;
  directory: ProjectDirectory;
  sender: DecisionSender;
  /** The artifact store the worker writes (today the local folder); absent: artifacts are listed, not shown. */
  artifacts?: ArtifactStore;
  emailLinkSecret?: string;
  /** e.g. http://localhost:8233/namespaces/default — the board links each project there. */
  temporalUiUrl?: string;
  /** Decisions per address per minute (GATEWAY_DECISION_RATE), as on the API. */
  decisionRatePerMinute: number;
  /** Who may open the board: e-mails, @domains or *. */
  managers: string[];
  secureCookies: boolean;
}

const projectParam = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/);
const taskParam = z.string().regex(/^[a-z0-9-]{1,80}$/);
const fileParam = z.string().regex(/^[0-9a-f]{16}-[a-z0-9][a-z0-9._-]{0,80}$/);
const decisionForm = z.object({
  decision: z.enum(['approve', 'reject', 'comment', 'retry', 'skip']),
  comment: z.string().max(4000).optional(),
  evidence: z.string().max(2000).optional(),
  round: z.coerce.number().int().min(0).optional(),
  commit: z.string().max(40).optional(),
});
const linkForm = z.object({ decision: z.enum(['approve', 'reject']), comment: z.string().max(4000).optional() });
const boardFilters = z.object({
  customer: z.string().max(200).optional(),
  phase: z.enum(PHASE_IDS).optional(),
  role: z.enum(ROLES).optional(),
});

/** Raised inside page handlers: answered as an HTML page with this status. */
export class PageError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the error handler answers for a page URL (the JSON API keeps its JSON errors). */
export function pageErrorOf(
  err: Error & { statusCode?: number; code?: string },
): { status: number; title: string; message: string } | undefined {
  if (err instanceof PageError) return { status: err.status, title: err.title, message: err.message };
  if (err instanceof GatewayRefusal)
    return { status: err.status, title: err.status === 403 ? 'Not allowed' : 'Refused', message: err.message };
  if (err instanceof ProjectNotFound) return { status: 404, title: 'No such project', message: err.message };
  if (err instanceof WebLoginError) return { status: 400, title: 'Sign-in failed', message: err.message };
  if (err.code?.startsWith('FST_CSRF'))
    return {
      status: 403,
      title: 'Form expired',
      message: 'This form is no longer valid (its security token is missing or old). Go back, reload the page and send it again.',
    };
  if (err.statusCode && err.statusCode < 500) return { status: err.statusCode, title: 'Bad request', message: err.message };
  return undefined;
}

const sendHtml = (reply: FastifyReply, status: number, page: string) =>
  reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(page);

export async function registerPages(app: FastifyInstance, deps: PagesDeps): Promise<void> {
  const login = new WebLogin(deps.publicUrl, deps.issuers, deps.verifier, deps.secureCookies);
  await app.register(formbody, { bodyLimit: 16_384 });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'cuo_csrf',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/', secure: deps.secureCookies },
  });
  const guarded = { preHandler: app.csrfProtection };

  const viewerOf = async (reply: FastifyReply, person: VerifiedPerson): Promise<Viewer> => ({
    email: person.email,
    ...(person.name ? { name: person.name } : {}),
    csrf: reply.generateCsrf(),
  });
  /** The signed-in person, or a redirect to sign in and come back here. */
  const signedIn = (request: FastifyRequest, reply: FastifyReply): VerifiedPerson | undefined => {
    const person = login.person(request);
    if (!person) void reply.redirect(`/auth/login?returnTo=${encodeURIComponent(safeReturnTo(request.url))}`, 303);
    return person;
  };
  const parse = <T>(schema: z.ZodType<T>, value: unknown, what: string): T => {
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      throw new PageError(
        400,
        'Bad request',
        `invalid ${what}: ${parsed.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ')}`,
      );
    return parsed.data;
  };
  const uiLink = (workflowId: string) =>
    deps.temporalUiUrl ? `${deps.temporalUiUrl.replace(/\/+$/, '')}/workflows/${encodeURIComponent(workflowId)}` : undefined;

  app.get('/assets/pages.css', async (_request, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(PAGES_CSS),
  );
  app.get('/', async (_request, reply) => reply.redirect('/my/tasks', 303));

  // ---- sign-in ----
  app.get('/auth/login', async (request, reply) => {
    const query = request.query as { issuer?: string; returnTo?: string };
    const returnTo = safeReturnTo(query.returnTo);
    const issuer = login.issuerNamed(typeof query.issuer === 'string' ? query.issuer : undefined);
    if (!issuer) return sendHtml(reply, 200, loginChoicePage(deps.issuers(), returnTo));
    return login.start(reply, issuer, returnTo);
  });
  app.get('/auth/callback', async (request, reply) => {
    const back = await login.finish(request, reply);
    return reply.redirect(back, 303);
  });
  app.post('/auth/logout', guarded, async (_request, reply) => {
    login.logout(reply);
    return sendHtml(reply, 200, errorPage(200, 'Signed out', 'You are signed out.').replace('notice error', 'notice ok'));
  });

  // ---- projects and tasks ----
  const rolesIn = async (projectId: string, email: string): Promise<{ people: ProjectPeople; roles: Role[] }> => {
    const people = await deps.directory.peopleOf(projectId);
    return { people, roles: deps.directory.rolesOf(people, email) };
  };
  const forbidden = (email: string, projectId: string) =>
    new PageError(
      403,
      'Not allowed',
      `${email} is not a participant of project ${projectId}. Ask the project's CSE to add you to the project file, or sign in with the account the project names.`,
    );

  const artifactViews = async (projectId: string, gate: Gate, status: ProjectStatus): Promise<ArtifactView[]> => {
    const refs = evidenceOfGate(status.gates, gate);
    const stepOf = (ref: ArtifactRef) => gate.steps.find((s) => s.artifact?.id === ref.id)?.step ?? gate.taskId;
    return Promise.all(refs.map(async (ref) => ({ ref, step: stepOf(ref), ...(await readArtifact(projectId, ref)) })));
  };
  const readArtifact = async (projectId: string, ref: ArtifactRef): Promise<Pick<ArtifactView, 'body' | 'missing'>> => {
    if (!deps.artifacts) return { missing: 'The gateway has no access to the artifact store (GATEWAY_ARTIFACT_DIR is not set).' };
    if (!ref.id.startsWith(`${projectId}/`)) return { missing: 'This artifact is not one of the project.' };
    let bytes: Buffer;
    try {
      bytes = await deps.artifacts.get(ref.id);
    } catch {
      return { missing: `The artifact store has no ${ref.id}.` };
    }
    if (createHash('sha256').update(bytes).digest('hex') !== ref.sha256)
      return { missing: 'The stored document does not match its sha256: it is not shown.' };
    const text = bytes.toString('utf8');
    const markdown = ref.mediaType === 'text/markdown' || ref.name.endsWith('.md');
    return { body: markdown ? renderMarkdown(text) : html`<pre>${text}</pre>` };
  };

  const renderTask = async (
    reply: FastifyReply,
    person: VerifiedPerson,
    projectId: string,
    taskId: string,
    options: { notice?: { kind: 'ok' | 'error'; text: string }; code?: number; view?: ProjectView } = {},
  ) => {
    const { people, roles } = await rolesIn(projectId, person.email);
    if (!roles.length) throw forbidden(person.email, projectId);
    const { status, live } = options.view ?? (await deps.directory.view(projectId));
    const gate = status.gates.find((g) => g.id === taskId);
    if (!gate) throw new PageError(404, 'No such task', `project ${projectId} has no task ${taskId}`);
    const task = PLAYBOOK_TASKS.find((t) => t.id === gate.taskId)!;
    const owner = roles.includes(gate.owner);
    // A blocked task is resolved by its owner or by the CSE (the workflow's rule).
    const resolver = owner || roles.includes('managed-services');
    const page = taskPage({
      status,
      live,
      gate,
      task,
      people,
      viewer: await viewerOf(reply, person),
      roles,
      artifacts: await artifactViews(projectId, gate, status),
      // The whole trail across runs: entries archived when the project continued as new, checked against their sha256.
      trail: await wholeAuditTrail(status, deps.artifacts),
      evidence: evidenceDigests(evidenceOfGate(status.gates, gate)),
      canDecide: live && ((owner && gate.state === 'awaiting-approval') || (resolver && gate.state === 'blocked')),
      canComment: live && (owner || roles.includes('managed-services') || gate.contributors.some((r) => roles.includes(r))),
      ...(options.notice ? { notice: options.notice } : {}),
      ...(uiLink(status.workflowId) ? { temporalUiUrl: uiLink(status.workflowId)! } : {}),
      now: Date.now(),
    });
    return sendHtml(reply, options.code ?? 200, page);
  };

  app.get('/projects/:project', async (request, reply) => {
    const person = signedIn(request, reply);
    if (!person) return reply;
    const projectId = parse(projectParam, (request.params as { project: string }).project, 'project');
    const { roles } = await rolesIn(projectId, person.email);
    if (!roles.length) throw forbidden(person.email, projectId);
    const { status } = await deps.directory.view(projectId);
    const mine = status.awaiting.find((a) => a.actors.includes(person.email)) ?? status.awaiting[0];
    const latest = [...status.gates].reverse().find((g) => g.state !== 'pending') ?? status.gates[0]!;
    return reply.redirect(taskPath(projectId, mine?.gateId ?? latest.id), 303);
  });

  const DONE: Record<string, string> = {
    approve: 'Your approval is recorded.',
    reject: 'Your rejection is recorded; the project goes back for rework.',
    comment: 'Your comment is recorded.',
    retry: 'The step is retried.',
    skip: 'The step is skipped; the reason is recorded.',
  };

  app.get('/projects/:project/tasks/:task', async (request, reply) => {
    const person = signedIn(request, reply);
    if (!person) return reply;
    const params = request.params as { project: string; task: string };
    const done = (request.query as { done?: string }).done;
    return renderTask(reply, person, parse(projectParam, params.project, 'project'), parse(taskParam, params.task, 'task'), {
      ...(done && DONE[done] ? { notice: { kind: 'ok' as const, text: DONE[done]! } } : {}),
    });
  });

  app.post(
    '/projects/:project/tasks/:task',
    { ...guarded, config: { rateLimit: { max: deps.decisionRatePerMinute, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const person = login.person(request);
      if (!person) throw new PageError(401, 'Not signed in', 'Your session ended. Sign in again and send the form again.');
      const params = request.params as { project: string; task: string };
      const projectId = parse(projectParam, params.project, 'project');
      const taskId = parse(taskParam, params.task, 'task');
      const form = parse(decisionForm, request.body, 'form');
      const comment = form.comment?.trim() || undefined;
      if ((form.decision === 'reject' || form.decision === 'skip') && !comment) {
        return renderTask(reply, person, projectId, taskId, {
          code: 400,
          notice: { kind: 'error', text: `To ${form.decision} you must give a reason. Nothing was decided.` },
        });
      }
      if (form.decision === 'comment' && !comment) {
        return renderTask(reply, person, projectId, taskId, {
          code: 400,
          notice: { kind: 'error', text: 'The comment is empty. Nothing was sent.' },
        });
      }
      const { roles } = await rolesIn(projectId, person.email);
      if (!roles.length) throw forbidden(person.email, projectId);
      const { status } = await deps.directory.view(projectId);
      const gate = status.gates.find((g) => g.id === taskId);
      if (!gate) throw new PageError(404, 'No such task', `project ${projectId} has no task ${taskId}`);
      // Decisions in the owner role (retry and skip also as the CSE); a comment in the owner role if held, else a
      // contributor role. The workflow checks the role again.
      const resolving = form.decision === 'retry' || form.decision === 'skip';
      const role =
        form.decision === 'comment'
          ? roles.includes(gate.owner)
            ? gate.owner
            : (gate.contributors.find((r) => roles.includes(r)) ?? roles[0]!)
          : resolving && !roles.includes(gate.owner) && roles.includes('managed-services')
            ? 'managed-services'
            : gate.owner;
      const shown = (form.evidence ?? '').split(',').filter(Boolean).sort();
      try {
        await deps.sender.decide(
          person,
          projectId,
          taskId,
          {
            decision: form.decision,
            role,
            ...(comment ? { comment } : {}),
            ...(form.commit?.trim() ? { evidence: form.commit.trim() } : {}),
          },
          'oidc',
          10_000,
          form.decision === 'comment' ? {} : { shownEvidence: shown, ...(form.round !== undefined ? { shownRound: form.round } : {}) },
        );
      } catch (err) {
        if (!(err instanceof GatewayRefusal) || err.status >= 500) throw err;
        request.log.info(
          { project: projectId, task: taskId, decision: form.decision, actor: person.email, status: err.status },
          'page decision refused',
        );
        return renderTask(reply, person, projectId, taskId, {
          code: err.status,
          notice: { kind: 'error', text: `Nothing was decided: ${err.message}` },
        });
      }
      request.log.info({ project: projectId, task: taskId, decision: form.decision, actor: person.email, role }, 'page decision sent');
      return reply.redirect(`${taskPath(projectId, taskId)}?done=${form.decision}`, 303);
    },
  );

  app.get('/projects/:project/artifacts/:file', async (request, reply) => {
    const person = signedIn(request, reply);
    if (!person) return reply;
    const params = request.params as { project: string; file: string };
    const projectId = parse(projectParam, params.project, 'project');
    const file = parse(fileParam, params.file, 'artifact');
    const { roles } = await rolesIn(projectId, person.email);
    if (!roles.length) throw forbidden(person.email, projectId);
    const { status } = await deps.directory.view(projectId);
    // Only what the project's own status names: never a path of another project, never a guess.
    const id = `${projectId}/${file}`;
    const ref = [
      ...status.gates.flatMap((g) => g.steps.flatMap((s) => (s.artifact ? [s.artifact] : []))),
      ...(status.report ? [status.report] : []),
    ].find((a) => a.id === id);
    if (!ref || !deps.artifacts) throw new PageError(404, 'No such artifact', `project ${projectId} has no artifact ${file}`);
    const bytes = await deps.artifacts.get(id).catch(() => undefined);
    if (!bytes || createHash('sha256').update(bytes).digest('hex') !== ref.sha256)
      throw new PageError(404, 'Artifact unavailable', `the stored ${file} is missing or does not match its sha256`);
    // Always as text, whatever it holds: a stored document can never run as a page of the gateway.
    return reply
      .header('content-type', 'text/plain; charset=utf-8')
      .header('content-disposition', `inline; filename="${ref.name.replace(/[^a-z0-9._-]/gi, '_')}"`)
      .header('content-security-policy', "sandbox; default-src 'none'")
      .header('cache-control', 'private, no-store')
      .send(bytes);
  });

  // ---- one-time e-mail links ----
  interface LinkContext {
    claims: EmailLinkClaims;
    status: ProjectStatus;
    gate: Gate;
  }
  const openLink = async (token: string): Promise<LinkContext> => {
    if (!deps.emailLinkSecret)
      throw new PageError(
        404,
        'Links are off',
        'This gateway does not accept e-mail links (EMAIL_LINK_SECRET is not set). Sign in to decide.',
      );
    const checked = verifyEmailLink(deps.emailLinkSecret, token);
    if (!checked.ok) throw new PageError(checked.status, checked.status === 410 ? 'Link expired' : 'Invalid link', checked.reason);
    const { claims } = checked;
    const people = await deps.directory.peopleOf(claims.pid);
    if (!people.participants[claims.rol].some((p) => p.email === claims.sub)) {
      throw new PageError(403, 'Not allowed', `${claims.sub} is no longer a ${claims.rol} participant of ${claims.pid}`);
    }
    const { status, live } = await deps.directory.view(claims.pid);
    const gate = status.gates.find((g) => g.id === claims.tid);
    if (!gate) throw new PageError(404, 'No such task', `project ${claims.pid} has no task ${claims.tid}`);
    if (status.audit.some((e) => e.identity?.jti === claims.jti))
      throw new PageError(410, 'Link already used', 'This one-time link has already been used to decide; it cannot decide again.');
    if (!live) throw new PageError(409, 'Project finished', `project ${claims.pid} is ${status.state}; it takes no more decisions`);
    if (gate.rounds !== claims.rnd)
      throw new PageError(
        409,
        'Link out of date',
        `this link was for round ${claims.rnd} of ${gate.title}; the task is now in round ${gate.rounds}. A new message brings a new link.`,
      );
    if (evidenceHash(evidenceDigests(evidenceOfGate(status.gates, gate))) !== claims.evh) {
      throw new PageError(
        409,
        'Evidence changed',
        `the evidence of ${gate.title} changed since this link was sent; nothing can be decided with it. A new message brings a new link.`,
      );
    }
    if (gate.state !== 'awaiting-approval')
      throw new PageError(409, 'Nothing to decide', `${gate.title} does not await a decision now (it is ${gate.state}).`);
    return { claims, status, gate };
  };
  const linkModel = async (reply: FastifyReply, token: string, ctx: LinkContext) => ({
    status: ctx.status,
    gate: ctx.gate,
    email: ctx.claims.sub,
    role: ctx.claims.rol,
    expiresAt: new Date(ctx.claims.exp * 1000).toISOString(),
    csrf: reply.generateCsrf(),
    token,
    artifacts: await artifactViews(ctx.claims.pid, ctx.gate, ctx.status),
  });
  const tokenParam = (request: FastifyRequest) => (request.params as { token: string }).token;

  // A GET only shows the page: mail scanners and link previews fetch links, and must never decide anything.
  app.get('/links/:token', async (request, reply) => {
    const token = tokenParam(request);
    const ctx = await openLink(token);
    reply.header('referrer-policy', 'no-referrer');
    return sendHtml(reply, 200, linkPage(await linkModel(reply, token, ctx)));
  });

  app.post(
    '/links/:token',
    { ...guarded, config: { rateLimit: { max: deps.decisionRatePerMinute, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const token = tokenParam(request);
      const form = parse(linkForm, request.body, 'form');
      const ctx = await openLink(token);
      const comment = form.comment?.trim() || undefined;
      reply.header('referrer-policy', 'no-referrer');
      if (form.decision === 'reject' && !comment) {
        return sendHtml(
          reply,
          400,
          linkPage({
            ...(await linkModel(reply, token, ctx)),
            notice: { kind: 'error', text: 'To reject you must give a reason. Nothing was decided.' },
          }),
        );
      }
      const { claims } = ctx;
      // The person proved by the link: the gateway's own link issuer, the e-mail as subject, when the link was made.
      const person: VerifiedPerson = { email: claims.sub, issuer: `${deps.publicUrl()}/links`, subject: claims.sub, authTime: claims.iat };
      try {
        await deps.sender.decide(
          person,
          claims.pid,
          claims.tid,
          { decision: form.decision, role: claims.rol, ...(comment ? { comment } : {}) },
          'email-link',
          10_000,
          {
            shownEvidence: evidenceDigests(evidenceOfGate(ctx.status.gates, ctx.gate)),
            shownRound: claims.rnd,
            jti: claims.jti,
          },
        );
      } catch (err) {
        if (!(err instanceof GatewayRefusal) || err.status >= 500) throw err;
        const used = /already used/.test(err.message);
        throw new PageError(
          used ? 410 : err.status,
          used ? 'Link already used' : 'Refused',
          used ? 'This one-time link has already been used to decide; it cannot decide again.' : `Nothing was decided: ${err.message}`,
        );
      }
      request.log.info(
        { project: claims.pid, task: claims.tid, decision: form.decision, actor: claims.sub, method: 'email-link' },
        'e-mail link decision sent',
      );
      return sendHtml(
        reply,
        200,
        linkPage({
          ...(await linkModel(reply, token, ctx)),
          done: true,
          notice: { kind: 'ok', text: `${DONE[form.decision]} This link cannot be used again.` },
        }),
      );
    },
  );

  // ---- across projects ----
  app.get('/my/tasks', async (request, reply) => {
    const person = signedIn(request, reply);
    if (!person) return reply;
    // One visibility query finds the projects awaiting this person; only those few are asked which task awaits.
    const projects = await deps.directory.listRunning(myTasksQuery(person.email), 200);
    const tasks: MyTask[] = [];
    for (const info of projects) {
      const projectId = info.workflowId.replace(/^upgrade-/, '');
      const view = await deps.directory.view(projectId).catch(() => undefined);
      const people = await deps.directory.peopleOf(projectId).catch(() => undefined);
      if (!view || !people) continue;
      const roles = deps.directory.rolesOf(people, person.email);
      for (const a of view.status.awaiting) {
        if (!a.actors.includes(person.email)) continue;
        tasks.push({
          projectId,
          customer: view.status.customer,
          gateId: a.gateId,
          title: a.title,
          state: a.state,
          role: a.roles.find((r) => roles.includes(r)) ?? roles[0]!,
          since: a.since,
          overdue: a.overdue,
        });
      }
    }
    tasks.sort((a, b) => a.since.localeCompare(b.since));
    return sendHtml(reply, 200, myTasksPage(await viewerOf(reply, person), tasks, Date.now()));
  });

  app.get('/board', async (request, reply) => {
    const person = signedIn(request, reply);
    if (!person) return reply;
    if (!listedIn(person.email, deps.managers)) {
      throw new PageError(
        403,
        'Not allowed',
        `the manager board is for managers; ${person.email} is not one of GATEWAY_MANAGERS. Your own tasks are under My tasks.`,
      );
    }
    const raw = Object.fromEntries(Object.entries(request.query as Record<string, string>).filter(([, v]) => v !== ''));
    const filters = parse(boardFilters, raw, 'filters');
    const rows = sortBoard((await deps.directory.listRunning(boardQuery(filters), 1000)).map(boardRow));
    const customers = [...new Set(rows.map((r) => r.customer))].sort();
    if (filters.customer && !customers.includes(filters.customer)) customers.push(filters.customer);
    return sendHtml(
      reply,
      200,
      boardPage(await viewerOf(reply, person), rows, filters, {
        phases: PHASE_IDS,
        customers,
        temporalUiUrl: (wid) => uiLink(wid) ?? '#',
        now: Date.now(),
      }),
    );
  });
}
