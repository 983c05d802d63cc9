/**
 * The approvals gateway's HTTP API: the only way people who hold no Temporal credentials decide. Every request is
 * untrusted: bodies are small and checked, tokens verified (token-verifier.ts), the person mapped to the project's
 * participants, and decisions sent as signed updates (decisions.ts). Tokens, keys and cookies are never logged.
 *
 *   GET  /api/keys                                    the public keys projects trust (cuo start embeds them)
 *   GET  /api/login-config                            the identity providers `cuo login` may use
 *   GET  /api/whoami                                  who the token says you are, and your roles per project
 *   GET  /api/projects/:project/status                a project's status, for its participants
 *   POST /api/projects/:project/tasks/:task/decisions {decision, comment?, evidence?, requestId?, role?}
 *   POST /api/projects/:project/tasks/:task/attachments {attachment: {name, sha256, url?, bytes?, mediaType?, note?}, role?, requestId?}
 *   POST /api/projects/:project/cancel                {reason, requestId?}
 *
 * The web pages (pages.ts: task pages, e-mail links, My tasks, the manager board) build on the same DecisionSender.
 */
import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TrustedKey } from '../../workflows/decision-assertion';
import { DECISIONS } from '../../workflows/contract';
import { ROLES } from '../../workflows/roles';
import type { GatewayConfig, IssuerConfig } from './config';
import { DecisionSender, GatewayRefusal } from './decisions';
import type { ArtifactStore } from '../../activities/artifact-store';
import { errorPage } from './views';
import { pageErrorOf, registerPages } from './pages';
import { ProjectNotFound, type ProjectDirectory } from './project-directory';
import { TokenRejected, type TokenVerifier, type VerifiedPerson } from './token-verifier';

/** Node's own limit is 16 KiB; said here so an oversized header is answered 431 whatever Node's default becomes. */
const MAX_HEADER_BYTES = 16_384;
const MAX_BODY_BYTES = 16_384;

export interface GatewayDeps {
  config: GatewayConfig;
  verifier: TokenVerifier;
  directory: ProjectDirectory;
  sender: DecisionSender;
  /** Current key first, then earlier ones still published. */
  keys: TrustedKey[];
  issuers: () => IssuerConfig[];
  /** The gateway's public URL (links, the login's redirect URI), known once it listens. */
  publicUrl: () => string;
  artifacts?: ArtifactStore;
}

const decisionBody = z.strictObject({
  decision: z.enum(DECISIONS),
  role: z.enum(ROLES).optional(),
  comment: z.string().max(4000).optional(),
  evidence: z.string().max(200).optional(),
  requestId: z.string().max(128).optional(),
});
// The workflow's own check (message-checks.ts) words the field problems; here only the shape and sizes.
const attachBody = z.strictObject({
  attachment: z.record(z.string(), z.unknown()),
  role: z.enum(ROLES).optional(),
  requestId: z.string().max(128).optional(),
});
const cancelBody = z.strictObject({ reason: z.string().max(4000), requestId: z.string().max(128).optional() });
const projectParam = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'not a project id');
const taskParam = z.string().regex(/^[a-z0-9-]{1,80}$/, 'not a task id');

export async function buildGateway(deps: GatewayDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const tls = config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : undefined;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    },
    bodyLimit: MAX_BODY_BYTES,
    // An e-mail link's token is one path parameter of about 450 characters (the default allows 100).
    maxParamLength: 1300,
    trustProxy: config.trustProxy,
    serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
      tls
        ? createTlsServer({ ...tls, maxHeaderSize: MAX_HEADER_BYTES }, handler)
        : createServer({ maxHeaderSize: MAX_HEADER_BYTES }, handler),
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        scriptSrc: ["'self'"],
        // The pages' one stylesheet is served from here; no inline style, no remote image.
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        // Plain HTTP is for loopback development only; there an upgrade to HTTPS would break every form.
        upgradeInsecureRequests: config.tls || config.trustProxy ? [] : null,
      },
    },
    // Behind TLS (directly or through a proxy) browsers are told to stay on HTTPS.
    hsts: Boolean(config.tls) || config.trustProxy,
  });
  await app.register(rateLimit, { global: false });
  await app.register(cookie, { secret: config.sessionSecret ?? randomBytes(32).toString('base64url') });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (!req.url.startsWith('/api/')) {
      const page = pageErrorOf(err);
      if (page)
        return reply
          .code(page.status)
          .header('content-type', 'text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(errorPage(page.status, page.title, page.message));
      app.log.error({ err: { message: err.message, name: err.name } }, 'page failed');
      return reply
        .code(500)
        .header('content-type', 'text/html; charset=utf-8')
        .send(errorPage(500, 'Something failed', 'The gateway failed; the error is in its log.'));
    }
    if (err instanceof GatewayRefusal) return reply.code(err.status).send({ error: err.message, ...err.extra });
    if (err instanceof TokenRejected)
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: `not signed in: ${err.message}` });
    if (err instanceof ProjectNotFound) return reply.code(404).send({ error: err.message });
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: err.message });
    app.log.error({ err: { message: err.message, name: err.name } }, 'request failed');
    return reply.code(500).send({ error: 'the gateway failed; the error is in its log' });
  });

  const authenticate = async (request: FastifyRequest): Promise<VerifiedPerson> => {
    const header = request.headers.authorization;
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header ?? '');
    if (!match) throw new TokenRejected('send your ID token as "Authorization: Bearer <token>" (`cuo login` does)');
    return deps.verifier.verify(match[1]!);
  };
  const parse = <T>(schema: z.ZodType<T>, value: unknown, what: string): T => {
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      throw new GatewayRefusal(
        400,
        `invalid ${what}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
      );
    return parsed.data;
  };
  const decisionLimit = { rateLimit: { max: config.decisionRatePerMinute, timeWindow: '1 minute' } };
  const authLimit = { rateLimit: { max: config.loginRatePerMinute * 10, timeWindow: '1 minute' } };
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');
  // How long the person waits (the CLI's --timeout), within bounds: the gateway answers before the caller gives up.
  const waitOf = (request: FastifyRequest): number => {
    const asked = Number(request.headers['x-cuo-timeout-ms']);
    return Number.isFinite(asked) && asked > 0 ? Math.min(Math.max(asked, 1_000), 60_000) : 10_000;
  };

  app.get('/healthz', async () => ({ ok: true }));

  await registerPages(app, {
    publicUrl: deps.publicUrl,
    issuers: deps.issuers,
    verifier: deps.verifier,
    directory: deps.directory,
    sender: deps.sender,
    ...(deps.artifacts ? { artifacts: deps.artifacts } : {}),
    ...(config.emailLinkSecret ? { emailLinkSecret: config.emailLinkSecret } : {}),
    ...(config.temporalUiUrl ? { temporalUiUrl: config.temporalUiUrl } : {}),
    managers: config.managers,
    decisionRatePerMinute: config.decisionRatePerMinute,
    secureCookies: Boolean(config.tls) || config.trustProxy,
  });

  app.get('/api/keys', async () => ({ keys: deps.keys }));

  app.get('/api/login-config', { config: { rateLimit: { max: config.loginRatePerMinute, timeWindow: '1 minute' } } }, async () => ({
    issuers: deps.issuers().map((i) => ({ name: i.name, issuer: i.issuer, cliClientId: i.cliClientId, domains: i.domains })),
  }));

  app.get('/api/whoami', { config: authLimit }, async (request, reply) => {
    const person = await authenticate(request);
    noStore(reply);
    const projects = [];
    for (const projectId of await deps.directory.runningProjects()) {
      try {
        const people = await deps.directory.peopleOf(projectId);
        const roles = deps.directory.rolesOf(people, person.email);
        if (roles.length) projects.push({ projectId, customer: people.customer, roles });
      } catch {
        // A project that closed meanwhile is not listed.
      }
    }
    return { email: person.email, issuer: person.issuer, subject: person.subject, ...(person.name ? { name: person.name } : {}), projects };
  });

  app.get('/api/projects/:project/status', { config: authLimit }, async (request, reply) => {
    const person = await authenticate(request);
    const { project } = request.params as { project: string };
    const projectId = parse(projectParam, project, 'project');
    await deps.sender.roleFor(person, projectId, undefined).catch((err: unknown) => {
      // Several roles are fine for reading.
      if (!(err instanceof GatewayRefusal && err.status === 400)) throw err;
    });
    noStore(reply);
    return deps.directory.status(projectId);
  });

  app.post('/api/projects/:project/tasks/:task/decisions', { config: decisionLimit }, async (request, reply) => {
    const person = await authenticate(request);
    const { project, task } = request.params as { project: string; task: string };
    const body = parse(decisionBody, request.body, 'decision');
    const result = await deps.sender.decide(
      person,
      parse(projectParam, project, 'project'),
      parse(taskParam, task, 'task'),
      body,
      'oidc',
      waitOf(request),
    );
    request.log.info(
      { project, task, decision: body.decision, actor: person.email, role: result.role, auditId: result.auditId },
      'decision sent',
    );
    noStore(reply);
    return result;
  });

  app.post('/api/projects/:project/tasks/:task/attachments', { config: decisionLimit }, async (request, reply) => {
    const person = await authenticate(request);
    const { project, task } = request.params as { project: string; task: string };
    const body = parse(attachBody, request.body, 'attachment');
    const result = await deps.sender.attach(
      person,
      parse(projectParam, project, 'project'),
      parse(taskParam, task, 'task'),
      {
        attachment: body.attachment as never,
        ...(body.role ? { role: body.role } : {}),
        ...(body.requestId ? { requestId: body.requestId } : {}),
      },
      'oidc',
      waitOf(request),
    );
    request.log.info(
      { project, task, actor: person.email, role: result.role, auditId: result.auditId, sha256: result.sha256 },
      'attachment sent',
    );
    noStore(reply);
    return result;
  });

  app.post('/api/projects/:project/cancel', { config: decisionLimit }, async (request, reply) => {
    const person = await authenticate(request);
    const { project } = request.params as { project: string };
    const body = parse(cancelBody, request.body, 'cancellation');
    const result = await deps.sender.cancel(person, parse(projectParam, project, 'project'), body, waitOf(request));
    request.log.info({ project, actor: person.email }, 'cancellation sent');
    noStore(reply);
    return result;
  });

  return app;
}
