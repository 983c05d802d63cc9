/**
 * The project's message handlers: the `decide`, `cancel` and `trust` updates, the `approve`/`reject`/`comment`
 * signals and the `status` query. Handlers only check and change state (ProjectState); the commands that follow
 * (search attribute upserts, cancelling the work) are issued by the main coroutine, through `hooks`. A command
 * issued inside an update handler can land in a different place of the workflow task on replay (TMPRL1100).
 */
import { ApplicationFailure, log, setHandler } from '@temporalio/workflow';
import { formatProblems } from './field-problems';
import {
  checkAttachPayload,
  checkCancelPayload,
  checkDecisionPayload,
  checkSignalPayload,
  checkTrustPayload,
  type Checked,
} from './message-checks';
import {
  approveSignal,
  attachUpdate,
  auditPageQuery,
  cancelUpdate,
  commentSignal,
  decideUpdate,
  rejectSignal,
  statusQuery,
  statusSummaryQuery,
  taskDetailsQuery,
  trustUpdate,
  type AttachResult,
  type DecisionPayload,
  type DecisionResult,
  type TrustResult,
} from './messages';
import type { ProjectState, ProjectStatus } from './project-state';
import { auditPageOf, summaryOf, taskDetailsOf } from './status-views';

export interface HandlerHooks {
  /** An update or signal reached its handler (it is in the run's history, whatever the outcome). */
  received(): void;
  /** A decision changed the state. */
  changed(): void;
  /** A cancellation was accepted. */
  cancelAccepted(): void;
}

export function registerHandlers(state: ProjectState, hooks: HandlerHooks): void {
  setHandler(statusQuery, () => state.status());
  registerStatusViews(() => state.status());

  setHandler(
    decideUpdate,
    (payload): DecisionResult => {
      hooks.received();
      const decision = checked(checkDecisionPayload(payload), 'decision');
      const verdict = state.validate(decision);
      if (!verdict.ok) throw ApplicationFailure.nonRetryable(verdict.reason, 'DecisionRefused');
      if (verdict.duplicateOf) return verdict.duplicateOf;
      const result = state.apply(decision, 'update', verdict.proof);
      hooks.changed();
      return result;
    },
    {
      validator: (payload) => {
        const decision = checkDecisionPayload(payload);
        if (!decision.success) throw new Error(`malformed decision: ${formatProblems(decision.problems)}`);
        const verdict = state.validate(decision.data);
        if (!verdict.ok) {
          log.warn('decision refused', { ...auditFields(decision.data), reason: verdict.reason });
          throw new Error(verdict.reason);
        }
      },
    },
  );

  setHandler(
    cancelUpdate,
    (payload): DecisionResult => {
      hooks.received();
      const request = checked(checkCancelPayload(payload), 'cancellation');
      const verdict = state.validateCancel(request);
      if (!verdict.ok) throw ApplicationFailure.nonRetryable(verdict.reason, 'CancelRefused');
      if (verdict.duplicateOf) return verdict.duplicateOf;
      const result = state.applyCancel(request, verdict.proof);
      hooks.cancelAccepted();
      return result;
    },
    {
      validator: (payload) => {
        const request = checkCancelPayload(payload);
        if (!request.success) throw new Error(`malformed cancellation: ${formatProblems(request.problems)}`);
        const verdict = state.validateCancel(request.data);
        if (!verdict.ok) throw new Error(verdict.reason);
      },
    },
  );

  // Signals cannot answer, so a refused one is recorded in the audit trail and changes nothing else.
  // The signal's name is its decision: a payload carrying fields of its own (a `decision`, an `evidence`) is refused,
  // never read as something else than what the sender wrote.
  const onSignal = (decision: 'approve' | 'reject' | 'comment') => (raw: unknown) => {
    hooks.received();
    const signal = checkSignalPayload(raw);
    if (!signal.success) {
      state.refuse(raw, `malformed ${decision} signal: ${formatProblems(signal.problems)}`, 'signal');
      return;
    }
    const payload: DecisionPayload = { ...signal.data, decision };
    const verdict = state.validate(payload);
    if (!verdict.ok) {
      state.refuse(payload, verdict.reason, 'signal');
      return;
    }
    if (verdict.duplicateOf) return;
    state.apply(payload, 'signal', verdict.proof);
    hooks.changed();
  };
  setHandler(approveSignal, onSignal('approve'));
  setHandler(rejectSignal, onSignal('reject'));
  setHandler(commentSignal, onSignal('comment'));

  // Evidence people bring (issue #15): a document's name, sha256 and where it is, signed by the gateway.
  setHandler(
    attachUpdate,
    (payload): AttachResult => {
      const request = checked(checkAttachPayload(payload), 'attachment');
      const verdict = state.validateAttach(request);
      if (!verdict.ok) throw ApplicationFailure.nonRetryable(verdict.reason, 'AttachmentRefused');
      if (verdict.duplicateOf) return verdict.duplicateOf;
      const result = state.applyAttach(request, verdict.proof);
      hooks.changed();
      return result;
    },
    {
      validator: (payload) => {
        const request = checkAttachPayload(payload);
        if (!request.success) throw new Error(`malformed attachment: ${formatProblems(request.problems)}`);
        const verdict = state.validateAttach(request.data);
        if (!verdict.ok) throw new Error(verdict.reason);
      },
    },
  );

  // Key rotation: the gateway's new key is added by an assertion signed with a key the project trusts now.
  setHandler(
    trustUpdate,
    (payload): TrustResult => {
      hooks.received();
      const rotation = checked(checkTrustPayload(payload), 'key rotation');
      const verdict = state.validateTrust(rotation);
      if (!verdict.ok) throw ApplicationFailure.nonRetryable(verdict.reason, 'TrustRefused');
      return state.applyTrust(rotation);
    },
    {
      validator: (payload) => {
        const rotation = checkTrustPayload(payload);
        if (!rotation.success) throw new Error(`malformed key rotation: ${formatProblems(rotation.problems)}`);
        const verdict = state.validateTrust(rotation.data);
        if (!verdict.ok) throw new Error(verdict.reason);
      },
    },
  );
}

/**
 * The small views of the status (workflows/status-views.ts). Queries issue no commands: registering them changes
 * nothing in history, so no patch guards them. Asked before the project file is checked, they answer from what
 * `status` answers then.
 */
export function registerStatusViews(status: () => ProjectStatus): void {
  setHandler(statusSummaryQuery, () => summaryOf(status()));
  setHandler(taskDetailsQuery, (request) => taskDetailsOf(status(), typeof request?.taskId === 'string' ? request.taskId : '') ?? null);
  setHandler(auditPageQuery, (request) => auditPageOf(status(), typeof request === 'object' && request !== null ? request : {}));
}

function auditFields(payload: DecisionPayload) {
  return { taskId: payload.taskId, actor: payload.actor, role: payload.role, decision: payload.decision, requestId: payload.requestId };
}

/** What a handler works with once its validator passed; the check runs again because validators can be skipped on replay. */
function checked<T>(result: Checked<T>, what: string): T {
  if (result.success) return result.data;
  throw ApplicationFailure.nonRetryable(`malformed ${what}: ${formatProblems(result.problems)}`, 'MalformedPayload');
}
