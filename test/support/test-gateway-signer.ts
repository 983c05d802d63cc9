/**
 * The approvals gateway's signing, in tests that are about the workflow's rules rather than the gateway: a client
 * interceptor that starts projects trusting a key made at run time and signs every decision, cancellation and
 * decision signal the test sends, exactly as the gateway does (client/gateway/assertion-signer.ts, same claims,
 * the gateway's real signer). The workflow verifies these signatures for real. Payloads that the checks refuse
 * anyway (malformed ones) and payloads that carry an assertion already are sent as they are, so bad-input tests
 * still see the workflow's own refusal. The gateway itself, with OIDC, is tested in test/integration/gateway*.
 */
import { QueryNotRegisteredError, type Client, type WorkflowClientInterceptor } from '@temporalio/client';
import {
  attachClaims,
  cancelClaims,
  decisionClaims,
  generateSigningKey,
  signAssertion,
  signingViewOf,
  type SigningView,
} from '../../client/gateway/assertion-signer';
import type { IdentityProof } from '../../workflows/decision-assertion';
import { checkAttachPayload, checkCancelPayload, checkDecisionPayload, checkSignalPayload } from '../../workflows/message-checks';
import { WORKFLOW_TYPE, type DecisionPayload } from '../../workflows/messages';
import type { ProjectStatus } from '../../workflows/project-state';
import type { ProjectTrustInput } from '../../workflows/project-trust';
import type { TaskDetails } from '../../workflows/status-views';

export const TEST_GATEWAY_KEY = generateSigningKey().key;
export const TEST_TRUST: ProjectTrustInput = { keys: [TEST_GATEWAY_KEY.publicKey] };
export const TEST_ISSUER = 'https://idp.test.example';

export function testIdentity(actor: string): IdentityProof {
  return { iss: TEST_ISSUER, sub: `test|${actor}`, amr: 'oidc', at: Math.floor(Date.now() / 1000) };
}

/** Signs a decision payload against the project's status as it is now (what the gateway does before it sends). */
export function signDecisionFor(status: SigningView, payload: Omit<DecisionPayload, 'assertion'>): DecisionPayload {
  // While the project file is being checked there are no gates yet: the decision waits for round 0, no evidence.
  const known = status.gates.some((g) => g.id === payload.taskId);
  const view: SigningView = known
    ? status
    : { ...status, gates: [{ id: payload.taskId, kind: 'task', taskId: payload.taskId, rounds: 0, steps: [] } as never] };
  return { ...payload, assertion: signAssertion(TEST_GATEWAY_KEY, decisionClaims(view, payload, testIdentity(payload.actor))) };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What a decision is signed against: the task's details (`taskDetails`: the gate, and for a CAB gate its task), a
 * few KB, instead of the whole `status` (21 KB and growing) the signer used to ask for before every decision
 * (issue #16). Falls back to `status` for a task the project does not know (yet), and for workflows without the
 * query — older projects, or the benchmark's bare baseline, which is then remembered as nothing to sign.
 */
function signingView(client: () => Client) {
  const notUpgradeProjects = new Set<string>();
  const status = (workflowId: string) => client().workflow.getHandle(workflowId).query<ProjectStatus>('status');
  return async (workflowId: string, taskId: string): Promise<SigningView | undefined> => {
    if (notUpgradeProjects.has(workflowId)) return undefined;
    try {
      const details = await client()
        .workflow.getHandle(workflowId)
        .query<TaskDetails | null, [{ taskId: string }]>('taskDetails', { taskId });
      if (details && details.view === 'task') return signingViewOf(details);
    } catch (err) {
      if (!(err instanceof QueryNotRegisteredError)) throw err;
    }
    const current = await status(workflowId);
    if (!Array.isArray(current?.gates)) notUpgradeProjects.add(workflowId);
    return Array.isArray(current?.gates) ? current : undefined;
  };
}

/** The interceptor; `client` is asked lazily for what the signature binds to (signingView). */
export function signingInterceptor(client: () => Client): WorkflowClientInterceptor {
  const view = signingView(client);
  return {
    async start(input, next) {
      const [first, ...rest] = input.options.args;
      if (input.workflowType !== WORKFLOW_TYPE || !isObject(first) || 'trust' in first) return next(input);
      return next({ ...input, options: { ...input.options, args: [{ ...first, trust: TEST_TRUST }, ...rest] } });
    },
    async startUpdate(input, next) {
      const [payload] = input.args;
      if (!isObject(payload) || 'assertion' in payload) return next(input);
      const workflowId = input.workflowExecution.workflowId;
      if (input.updateName === 'decide') {
        const checked = checkDecisionPayload(payload);
        if (!checked.success) return next(input);
        const current = await view(workflowId, checked.data.taskId);
        // Not an upgrade project (the benchmark's bare baseline workflow): nothing to sign.
        if (!current) return next(input);
        return next({ ...input, args: [signDecisionFor(current, checked.data)] });
      }
      if (input.updateName === 'attach') {
        const checked = checkAttachPayload(payload);
        if (!checked.success) return next(input);
        const current = await view(workflowId, checked.data.taskId);
        if (!current || !current.gates.some((g) => g.id === checked.data.taskId)) return next(input);
        const assertion = signAssertion(TEST_GATEWAY_KEY, attachClaims(current, checked.data, testIdentity(checked.data.actor)));
        return next({ ...input, args: [{ ...checked.data, assertion }] });
      }
      if (input.updateName === 'cancel') {
        const checked = checkCancelPayload(payload);
        if (!checked.success) return next(input);
        const assertion = signAssertion(TEST_GATEWAY_KEY, cancelClaims(workflowId, checked.data, testIdentity(checked.data.actor)));
        return next({ ...input, args: [{ ...checked.data, assertion }] });
      }
      return next(input);
    },
    async signal(input, next) {
      const [payload] = input.args;
      const decision = input.signalName as 'approve' | 'reject' | 'comment';
      if (!['approve', 'reject', 'comment'].includes(decision) || !isObject(payload) || 'assertion' in payload) return next(input);
      const checked = checkSignalPayload(payload);
      if (!checked.success) return next(input);
      const current = await view(input.workflowExecution.workflowId, checked.data.taskId);
      if (!current) return next(input);
      const signed = signDecisionFor(current, { ...checked.data, decision });
      const { decision: _decision, ...signal } = signed;
      return next({ ...input, args: [signal] });
    },
  };
}
