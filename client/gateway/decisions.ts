/**
 * The gateway's one job for decisions: from a verified person and what they asked, the signed `decide` or `cancel`
 * update. Who the person is comes from their token alone; which role they act in from the project's participants;
 * what they decide about (round, evidence) from the task's details right now, which the assertion binds.
 */
import { WorkflowUpdateFailedError, isGrpcServiceError, type Client } from '@temporalio/client';
import { evidenceDigests, type IdentityProof } from '../../workflows/decision-assertion';
import { checkAttachPayload, checkCancelPayload, checkDecisionPayload } from '../../workflows/message-checks';
import {
  attachUpdate,
  cancelUpdate,
  decideUpdate,
  evidenceOfGate,
  workflowIdFor,
  type AttachResult,
  type AttachmentInput,
  type Decision,
  type DecisionResult,
} from '../../workflows/contract';
import type { Role } from '../../workflows/roles';
import {
  attachClaims,
  cancelClaims,
  decisionClaims,
  signAssertion,
  signingViewOf,
  type SigningKey,
  type SigningView,
} from './assertion-signer';
import { messageChain } from '../session';
import { ProjectNotFound, type ProjectDirectory } from './project-directory';
import type { VerifiedPerson } from './token-verifier';

/** A refusal with the HTTP status it is answered with and a reason a person can act on. */
export class GatewayRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface DecisionRequest {
  decision: Decision;
  role?: Role;
  comment?: string;
  evidence?: string;
  requestId?: string;
}

export interface Decided extends DecisionResult {
  requestId?: string;
  role: Role;
  /** sha256 of the evidence the decision was bound to. */
  evidence: string[];
}

/** What the person saw when they decided from a page or an e-mail link: the decision binds to it. */
export interface DecisionBinding {
  /** The sorted sha256 of the evidence shown; a decision on other evidence is refused (409, with the new evidence). */
  shownEvidence?: string[];
  /** The round shown; a decision on an earlier round is refused. */
  shownRound?: number;
  /** The assertion's id (an e-mail link's id, so the workflow's replay check makes the link single-use). */
  jti?: string;
}

export class DecisionSender {
  constructor(
    private readonly client: Client,
    private readonly directory: ProjectDirectory,
    private readonly key: SigningKey,
    private readonly assertionTtlSec: number,
    private readonly timeoutMs = 10_000,
  ) {}

  /** The role a person acts in: the one named, if they hold it, else their only role in the project. */
  async roleFor(person: VerifiedPerson, projectId: string, named?: string): Promise<Role> {
    const people = await this.people(projectId);
    const roles = this.directory.rolesOf(people, person.email);
    if (roles.length === 0) throw new GatewayRefusal(403, `${person.email} is not a participant of project ${projectId}`);
    if (named !== undefined) {
      if (!roles.includes(named as Role)) {
        throw new GatewayRefusal(
          403,
          `${person.email} is not a ${named} participant of ${projectId} (your roles there: ${roles.join(', ')})`,
        );
      }
      return named as Role;
    }
    if (roles.length > 1)
      throw new GatewayRefusal(400, `${person.email} holds several roles in ${projectId} (${roles.join(', ')}); say which with --role`);
    return roles[0]!;
  }

  async decide(
    person: VerifiedPerson,
    projectId: string,
    taskId: string,
    request: DecisionRequest,
    method: IdentityProof['amr'] = 'oidc',
    timeoutMs = this.timeoutMs,
    binding: DecisionBinding = {},
  ): Promise<Decided> {
    const role = await this.roleFor(person, projectId, request.role);
    const checked = checkDecisionPayload({
      taskId,
      decision: request.decision,
      actor: person.email,
      role,
      ...(request.comment !== undefined ? { comment: request.comment } : {}),
      ...(request.evidence !== undefined ? { evidence: request.evidence } : {}),
      ...(request.requestId !== undefined ? { requestId: request.requestId } : {}),
    });
    if (!checked.success)
      throw new GatewayRefusal(400, `invalid decision: ${checked.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    const view = await this.signingView(projectId, taskId, 'decisions', timeoutMs);
    const gate = view.gates[0]!;
    const evidence = evidenceDigests(evidenceOfGate(view.gates, gate));
    if (binding.shownRound !== undefined && binding.shownRound !== gate.rounds) {
      throw new GatewayRefusal(
        409,
        `${taskId} has moved on to round ${gate.rounds} since you opened it (round ${binding.shownRound}); nothing was decided: review it again`,
        { evidence, round: gate.rounds },
      );
    }
    if (
      binding.shownEvidence &&
      (binding.shownEvidence.length !== evidence.length || binding.shownEvidence.some((d, i) => d !== evidence[i]))
    ) {
      throw new GatewayRefusal(409, `the evidence of ${taskId} changed since you opened it; nothing was decided: review the new evidence`, {
        evidence,
        round: gate.rounds,
      });
    }
    const assertion = signAssertion(
      this.key,
      decisionClaims(view, checked.data, proof(person, method), {
        ttlSec: this.assertionTtlSec,
        ...(binding.jti ? { jti: binding.jti } : {}),
      }),
    );
    const result = await this.call(
      projectId,
      () =>
        this.client.workflow.getHandle(workflowIdFor(projectId)).executeUpdate(decideUpdate, { args: [{ ...checked.data, assertion }] }),
      { timeoutMs, sent: { what: request.decision, requestId: checked.data.requestId }, extra: { evidence } },
    );
    return { ...result, role, evidence, ...(checked.data.requestId ? { requestId: checked.data.requestId } : {}) };
  }

  /** Evidence a person attaches to a task (issue #15), signed for the gate's current round like a decision. */
  async attach(
    person: VerifiedPerson,
    projectId: string,
    taskId: string,
    request: { attachment: AttachmentInput; role?: Role; requestId?: string },
    method: IdentityProof['amr'] = 'oidc',
    timeoutMs = this.timeoutMs,
  ): Promise<AttachResult & { role: Role; requestId?: string }> {
    const role = await this.roleFor(person, projectId, request.role);
    const checked = checkAttachPayload({
      taskId,
      actor: person.email,
      role,
      attachment: request.attachment,
      ...(request.requestId !== undefined ? { requestId: request.requestId } : {}),
    });
    if (!checked.success)
      throw new GatewayRefusal(400, `invalid attachment: ${checked.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    const view = await this.signingView(projectId, taskId, 'attachments', timeoutMs);
    const assertion = signAssertion(this.key, attachClaims(view, checked.data, proof(person, method), { ttlSec: this.assertionTtlSec }));
    const result = await this.call(
      projectId,
      () =>
        this.client.workflow.getHandle(workflowIdFor(projectId)).executeUpdate(attachUpdate, { args: [{ ...checked.data, assertion }] }),
      { timeoutMs, sent: { what: 'attachment', requestId: checked.data.requestId } },
    );
    return { ...result, role, ...(checked.data.requestId ? { requestId: checked.data.requestId } : {}) };
  }

  async cancel(
    person: VerifiedPerson,
    projectId: string,
    request: { reason: string; requestId?: string },
    timeoutMs = this.timeoutMs,
  ): Promise<DecisionResult> {
    const role = await this.roleFor(person, projectId, 'managed-services').catch((err: unknown) => {
      if (err instanceof GatewayRefusal && err.status === 403)
        throw new GatewayRefusal(
          403,
          `only the CSE (a managed-services participant) cancels a project; ${person.email} is not one in ${projectId}`,
        );
      throw err;
    });
    const checked = checkCancelPayload({
      actor: person.email,
      role,
      reason: request.reason,
      ...(request.requestId ? { requestId: request.requestId } : {}),
    });
    if (!checked.success)
      throw new GatewayRefusal(400, `invalid cancellation: ${checked.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    const workflowId = workflowIdFor(projectId);
    const assertion = signAssertion(
      this.key,
      cancelClaims(workflowId, checked.data, proof(person, 'oidc'), { ttlSec: this.assertionTtlSec }),
    );
    return this.call(
      projectId,
      () => this.client.workflow.getHandle(workflowId).executeUpdate(cancelUpdate, { args: [{ ...checked.data, assertion }] }),
      {
        timeoutMs,
        sent: { what: 'cancel', requestId: checked.data.requestId },
      },
    );
  }

  /**
   * What a signature binds to, from the task's details (`taskDetails`), not the whole status: the gate first, then
   * for a CAB gate its task. Refuses a project that takes no more decisions and a task it does not have.
   */
  private async signingView(projectId: string, taskId: string, what: string, timeoutMs: number): Promise<SigningView> {
    const details = await this.call(projectId, () => this.directory.taskDetails(projectId, taskId), { timeoutMs });
    if (details && details.state !== 'running')
      throw new GatewayRefusal(409, `project ${projectId} is ${details.state}; it takes no more ${what}`);
    if (!details) throw new GatewayRefusal(404, `project ${projectId} has no task ${taskId}`);
    return signingViewOf(details);
  }

  private async people(projectId: string) {
    try {
      return await this.directory.peopleOf(projectId);
    } catch (err) {
      if (err instanceof ProjectNotFound) throw new GatewayRefusal(404, err.message);
      throw unavailable(err);
    }
  }

  /**
   * Runs a call to the project's workflow with a deadline and turns its failures into refusals. `sent` names an
   * update: one that got no answer in time is held by Temporal and may still be applied, and the person is told so.
   */
  private async call<T>(
    projectId: string,
    fn: () => Promise<T>,
    options: { timeoutMs: number; sent?: { what: string; requestId?: string }; extra?: Record<string, unknown> },
  ): Promise<T> {
    try {
      return await this.client.connection.withDeadline(Date.now() + options.timeoutMs, fn);
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError)
        throw new GatewayRefusal(409, `refused: ${err.cause?.message ?? err.message}`, options.extra);
      const message = messageChain(err);
      if (/already completed|not found/i.test(message))
        throw new GatewayRefusal(409, `project ${projectId} is closed; it takes no more decisions`);
      if (/deadline|timed? ?out|cancelled/i.test(message)) {
        const seconds = options.timeoutMs / 1000;
        if (!options.sent)
          throw new GatewayRefusal(
            504,
            `no answer within ${seconds} s from the worker of project ${projectId}; nothing was sent: is a worker running on its task queue?`,
          );
        const { what, requestId } = options.sent;
        throw new GatewayRefusal(
          504,
          `no answer within ${seconds} s from the worker of project ${projectId}: the ${what}${requestId ? ` (request id ${requestId})` : ''} was sent and may still be applied when a worker picks it up; check with \`cuo status ${projectId}\` or \`cuo history ${projectId}\` before you send it again, and then only with the same --request-id`,
        );
      }
      throw unavailable(err);
    }
  }
}

function proof(person: VerifiedPerson, amr: IdentityProof['amr']): IdentityProof {
  return { iss: person.issuer, sub: person.subject, amr, at: person.authTime };
}

function unavailable(err: unknown): GatewayRefusal {
  const code = isGrpcServiceError(err) ? ` (gRPC ${err.code})` : '';
  return new GatewayRefusal(503, `Temporal is not answering the gateway${code}; try again shortly`);
}
