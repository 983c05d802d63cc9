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
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowHandle,
} from '@temporalio/client';
import { statusQuery } from '../workflows/messages';
import { workflowIdFor } from '../workflows/project-input';
import type { ProjectStatus } from '../workflows/project-state';
import { UpgradePhase } from '../workflows/search-attributes';
import { loadConnectConfig } from './connection';
import { CliError, EXIT } from './exit-codes';
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

  async status(projectId: string): Promise<ProjectStatus> {
    try {
      return await this.withDeadline(() => this.handle(projectId).query(statusQuery));
    } catch (err) {
      throw this.explain(err, projectId);
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
  async explainWithLookup(err: unknown, projectId?: string): Promise<CliError> {
    const explained = this.explain(err, projectId);
    if (projectId && (err instanceof WorkflowNotFoundError || /already completed/i.test(messageChain(err)))) {
      const phase = await this.phaseOf(projectId);
      if (phase) return new CliError(`project ${projectId} is ${phase === 'completed' || phase === 'cancelled' ? phase : `closed (${phase})`}; it takes no more decisions`, EXIT.refused);
    }
    return explained;
  }

  /** Turns any failure of a call about `projectId` into a CliError. */
  explain(err: unknown, projectId?: string): CliError {
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

function messageChain(err: unknown): string {
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
