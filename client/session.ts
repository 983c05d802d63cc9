/**
 * One CLI invocation's conversation with Temporal: connect (through the environment configuration of
 * client/connection.ts), find a project's workflow, query and update it with a deadline, and turn every failure
 * into one clear line with its exit code.
 */
import {
  Client,
  Connection,
  isGrpcDeadlineError,
  isGrpcServiceError,
  QueryNotRegisteredError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowHandle,
} from '@temporalio/client';
import { optionalTsToDate } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import {
  MAX_AUDIT_PAGE,
  UpgradePhase,
  auditPageQuery,
  statusQuery,
  statusSummaryQuery,
  summaryOf,
  taskDetailsOf,
  taskDetailsQuery,
  workflowIdFor,
  type AuditEntry,
  type ProjectStatus,
  type ProjectSummary,
  type TaskDetails,
} from '../workflows/contract';
import { readClosedStatus } from './closed-project';
import { loadConnectConfig } from './connection';
import { CliError, EXIT } from './exit-codes';
import type { ExecutionInfo, RunningActivity } from './format/status';
import type { Settings } from './settings';

const GRPC_UNAVAILABLE = 14;

export function unknownProject(projectId: string): CliError {
  return new CliError(`no upgrade project ${projectId} (workflow ${workflowIdFor(projectId)})`, EXIT.notFound);
}

export class Session {
  private constructor(
    readonly client: Client,
    readonly connection: Connection,
    readonly namespace: string,
    readonly address: string,
    readonly settings: Settings,
  ) {}

  /**
   * Connects like connectClient() does, with the same configuration, but with a short connect timeout: the SDK's
   * default waits 10 s before saying the server is not there, too long for a command a person just typed.
   */
  static async open(settings: Settings): Promise<Session> {
    let config;
    try {
      config = loadConnectConfig({ profile: settings.profile });
    } catch (err) {
      throw new CliError((err as Error).message, EXIT.usage);
    }
    let connection: Connection;
    try {
      connection = await Connection.connect({ ...config.connectionOptions, connectTimeout: settings.connectTimeoutMs });
    } catch (err) {
      throw unreachable(config.address, err);
    }
    return new Session(new Client({ connection, namespace: config.namespace }), connection, config.namespace, config.address, settings);
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  handle(projectId: string): WorkflowHandle {
    return this.client.workflow.getHandle(workflowIdFor(projectId));
  }

  /** Runs a call that needs a worker (query, update) with the CLI's deadline. */
  withDeadline<T>(fn: () => Promise<T>): Promise<T> {
    return this.connection.withDeadline(Date.now() + this.settings.timeoutMs, fn);
  }

  /**
   * A running project's status from its query; a closed one's from its history and result, so `status`,
   * `history` and `report` work with no worker running (a query of a closed workflow needs one to replay it).
   */
  async status(projectId: string): Promise<ProjectStatus> {
    try {
      // Describing is answered by the server alone, in milliseconds; a query of a closed run would wait for a worker.
      const description = await this.withDeadline(() => this.handle(projectId).describe());
      const closedAs = description.status.name;
      const query = () => this.withDeadline(() => this.handle(projectId).query(statusQuery));
      if (closedAs === 'RUNNING') return await query();
      // Closed: its query (the whole audit trail) needs a worker to replay it; with none polling, the history and
      // the result answer at once (decisions, approvals, evidence; not the automation entries).
      const fromHistory = () => this.withDeadline(() => readClosedStatus(this.client, this.namespace, workflowIdFor(projectId), closedAs));
      const pollers = await this.withDeadline(() =>
        this.client.workflowService.describeTaskQueue({
          namespace: this.namespace,
          taskQueue: { name: description.taskQueue },
          taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        }),
      ).then(
        (r) => r.pollers?.length ?? 0,
        () => 0,
      );
      return pollers > 0 ? await query().catch(fromHistory) : await fromHistory();
    } catch (err) {
      throw this.explain(err, projectId);
    }
  }

  /**
   * The small answer (`statusSummary`, under 4 KB): what `status`, `pending` and `decide` show. A worker older than
   * that query answers only `status`; its summary is then made here, from the whole answer.
   */
  async summary(projectId: string): Promise<ProjectSummary> {
    // A closed project answers from its history and result (status), with no worker needed.
    if (await this.isClosed(projectId)) return summaryOf(await this.status(projectId));
    try {
      return await this.withDeadline(() => this.handle(projectId).query(statusSummaryQuery));
    } catch (err) {
      if (!isUnknownQuery(err)) throw this.explain(err, projectId);
    }
    return summaryOf(await this.status(projectId));
  }

  /** Whether the project's workflow has closed (answered by the server alone); a missing one is left to the query to tell. */
  private async isClosed(projectId: string): Promise<boolean> {
    try {
      return (await this.withDeadline(() => this.handle(projectId).describe())).status.name !== 'RUNNING';
    } catch {
      return false;
    }
  }

  /** One task's details (`taskDetails`), or undefined when the project has no such task or gate. */
  async task(projectId: string, taskId: string): Promise<TaskDetails | undefined> {
    if (await this.isClosed(projectId)) return taskDetailsOf(await this.status(projectId), taskId);
    try {
      return (await this.withDeadline(() => this.handle(projectId).query(taskDetailsQuery, { taskId }))) ?? undefined;
    } catch (err) {
      if (!isUnknownQuery(err)) throw this.explain(err, projectId);
    }
    return taskDetailsOf(await this.status(projectId), taskId);
  }

  /** The whole audit trail, page by page (`auditPage`), with the count of refusals that were only counted. */
  async auditTrail(projectId: string): Promise<{ audit: AuditEntry[]; refusedNotKept: number }> {
    const audit: AuditEntry[] = [];
    let after: number | undefined;
    if (await this.isClosed(projectId)) {
      const closed = await this.status(projectId);
      return { audit: [...closed.audit], refusedNotKept: closed.refusedNotKept };
    }
    try {
      for (;;) {
        const page = await this.withDeadline(() =>
          this.handle(projectId).query(auditPageQuery, { ...(after === undefined ? {} : { after }), limit: MAX_AUDIT_PAGE }),
        );
        audit.push(...page.entries);
        if (page.next === undefined) return { audit, refusedNotKept: page.refusedNotKept };
        after = page.next;
      }
    } catch (err) {
      if (!isUnknownQuery(err) || audit.length) throw this.explain(err, projectId);
    }
    const status = await this.status(projectId);
    return { audit: [...status.audit], refusedNotKept: status.refusedNotKept };
  }

  /**
   * What Temporal knows of the execution besides the workflow's own status: whether it still runs or how it
   * closed (a terminated project's query still answers "running": its state stopped where it was), and the
   * activities running now with their attempt and last error, which the workflow only learns once they end.
   */
  async execution(projectId: string): Promise<ExecutionInfo> {
    const handle = this.handle(projectId);
    let description;
    try {
      description = await handle.describe();
    } catch (err) {
      throw this.explain(err, projectId);
    }
    const activities: RunningActivity[] = (description.raw.pendingActivities ?? []).map((a) => ({
      activityId: a.activityId ?? '',
      activityType: a.activityType?.name ?? '',
      attempt: a.attempt ?? 1,
      maximumAttempts: a.maximumAttempts || undefined,
      lastError: a.lastFailure ? failureText(a.lastFailure) : undefined,
      lastFailureAt: optionalTsToDate(a.lastAttemptCompleteTime)?.toISOString(),
      nextAttemptAt: optionalTsToDate(a.nextAttemptScheduleTime)?.toISOString(),
      startedAt: optionalTsToDate(a.lastStartedTime)?.toISOString(),
    }));
    const info: ExecutionInfo = {
      status: description.status.name,
      closeTime: description.closeTime?.toISOString(),
      activities,
    };
    if (info.status === 'TERMINATED') info.terminatedReason = await this.terminationReason(projectId);
    return info;
  }

  /** The reason given to `terminate`, from the last event of the history (one event read, newest first). */
  private async terminationReason(projectId: string): Promise<string | undefined> {
    try {
      const answer = await this.client.workflowService.getWorkflowExecutionHistoryReverse({
        namespace: this.namespace,
        execution: { workflowId: workflowIdFor(projectId) },
        maximumPageSize: 1,
      });
      return answer.history?.events?.[0]?.workflowExecutionTerminatedEventAttributes?.reason ?? undefined;
    } catch {
      return undefined;
    }
  }

  /** How a closed project ended (completed / cancelled, or Temporal's status); undefined if running or missing. */
  async phaseOf(projectId: string): Promise<string | undefined> {
    try {
      const description = await this.handle(projectId).describe();
      if (description.status.name === 'RUNNING') return undefined;
      const phase = description.typedSearchAttributes.get(UpgradePhase);
      return phase === 'completed' || phase === 'cancelled' ? phase : description.status.name.toLowerCase();
    } catch {
      return undefined;
    }
  }

  /**
   * Like `explain`, but tells a finished project from a missing one: the server answers an update to a closed
   * workflow with "not found" (or "workflow execution already completed"), which would wrongly say "no project".
   */
  async explainWithLookup(err: unknown, projectId?: string, update?: string): Promise<CliError> {
    const explained = this.explain(err, projectId, update);
    if (projectId && (err instanceof WorkflowNotFoundError || /already completed/i.test(messageChain(err)))) {
      const phase = await this.phaseOf(projectId);
      if (phase)
        return new CliError(
          `project ${projectId} is ${phase === 'completed' || phase === 'cancelled' ? phase : `closed (${phase})`}; it takes no more decisions`,
          EXIT.refused,
        );
    }
    return explained;
  }

  /** Turns any failure of a call about `projectId` into a CliError; `update` names the update that was sent. */
  explain(err: unknown, projectId?: string, update?: string): CliError {
    if (err instanceof CliError) return err;
    if (err instanceof WorkflowNotFoundError && projectId) return unknownProject(projectId);
    if (err instanceof WorkflowUpdateFailedError) {
      return new CliError(`refused: ${err.cause?.message ?? err.message}`, EXIT.refused);
    }
    const message = messageChain(err);
    if (projectId && /workflow execution already completed/i.test(message)) {
      return new CliError(`project ${projectId} is completed/cancelled; it takes no more decisions`, EXIT.refused);
    }
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(err) || /deadline exceeded/i.test(message)) {
      if (update && projectId) {
        // The server keeps an update it accepted: a worker that comes back later still applies it.
        return new CliError(
          `no answer within ${this.settings.timeoutMs / 1000} s from the worker of ${workflowIdFor(projectId)}: the ${update} was sent and ` +
            'may still be applied when a worker picks it up. Check with `cuo status ' +
            projectId +
            '` or `cuo history ' +
            projectId +
            '` ' +
            'before sending it again, and repeat it only with the same --request-id, so it cannot apply twice. ' +
            'Is a worker running (`npm run dev` or `npm run worker`) on its task queue? (--timeout raises the wait)',
          EXIT.unavailable,
        );
      }
      return new CliError(
        `no answer within ${this.settings.timeoutMs / 1000} s from the worker of ${projectId ? workflowIdFor(projectId) : 'the project'}: ` +
          'is a worker running (`npm run dev` or `npm run worker`) on its task queue? (--timeout raises the wait)',
        EXIT.unavailable,
      );
    }
    if ((isGrpcServiceError(err) && err.code === GRPC_UNAVAILABLE) || /UNAVAILABLE|ECONNREFUSED/.test(message)) {
      return unreachable(this.address, err);
    }
    return new CliError(message, EXIT.failure);
  }
}

/** A worker that does not know the query (a project started before it existed, on an older worker). */
function isUnknownQuery(err: unknown): boolean {
  return err instanceof QueryNotRegisteredError && /did not register a handler/i.test(err.message);
}

/** An activity failure's message with its causes, e.g. "fatal: repository not found: exit code 128". */
function failureText(failure: { message?: string | null; cause?: unknown }): string {
  const parts: string[] = [];
  let current: { message?: string | null; cause?: unknown } | null | undefined = failure;
  while (current && parts.length < 3) {
    if (current.message && !parts.includes(current.message)) parts.push(current.message);
    current = current.cause as typeof current;
  }
  return parts.join(': ');
}

/** The messages of an error and its causes, joined: what the CLI and the gateway match and show. */
export function messageChain(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  while (current instanceof Error && parts.length < 5) {
    if (current.message && !parts.includes(current.message)) parts.push(current.message);
    current = current.cause;
  }
  return parts.join(': ') || String(err);
}

function unreachable(address: string, err: unknown): CliError {
  return new CliError(
    `cannot reach Temporal at ${address} (${messageChain(err)}). Start the local server with \`npm run dev\`, ` +
      'or point TEMPORAL_ADDRESS / TEMPORAL_PROFILE at your cluster.',
    EXIT.unavailable,
  );
}
