/**
 * The project file by its hash, once per worker (issue #16). Projects started since the patch `lean-history`
 * call activities with a ProjectRefContext (ids and the file's sha256) instead of the whole file; this module turns
 * it back into the full ProjectContext the implementations take.
 *
 * Where a worker gets the file:
 * - the worker that ran the project's validateProject local activity (the start of every project) keeps the checked
 *   file in memory, keyed by the sha256 of its JSON: on one machine, every later activity finds it there;
 * - any other worker (a second machine, or this one after a restart) reads it once from history: the validateProject
 *   local activity's result is the marker of the activity's own run (the first workflow task, a few events in). It
 *   needs nothing but what a worker already has: its client and read access to its namespace. The file read is
 *   checked against the hash before it is used, so a reference can only ever resolve to the file it names.
 * - a run that continued as new carries the checked file in its start input: the same read finds it there.
 * Projects started before the patch still send the whole file: it passes through unchanged.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';
import { createHash } from 'node:crypto';
import type { ProjectInput, ProjectValidation } from '../workflows/project-input';
import { isProjectRef, type ActivityContext, type ProjectContext } from './contract';

/** sha256 of the file's JSON: the same text as the workflow hashes (workflows/automation.ts, projectSha256). */
export function projectFileSha256(project: ProjectInput): string {
  return createHash('sha256').update(JSON.stringify(project)).digest('hex');
}

/** Reads a run's history: the worker's client in production; tests pass their own. */
export type HistoryReader = (workflowId: string, runId: string | undefined) => AsyncIterable<temporal.api.history.v1.IHistoryEvent[]>;

export interface ProjectFilesOptions {
  /** Files kept (each ~2–4 KB); the least recently used goes first. */
  capacity?: number;
  /** Events read from history before giving up (the marker is in the first workflow task). */
  maxEvents?: number;
  readHistory?: HistoryReader;
}

const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

export class ProjectFiles {
  private readonly files = new Map<string, ProjectInput>();
  private readonly capacity: number;
  private readonly maxEvents: number;
  /** Reads from history, for figures and tests: a worker that ran the project's start should have none. */
  historyReads = 0;

  constructor(private readonly options: ProjectFilesOptions = {}) {
    this.capacity = options.capacity ?? 2000;
    this.maxEvents = options.maxEvents ?? 200;
  }

  /** Keeps a checked file (the validateProject answer) under its hash. */
  remember(project: ProjectInput): string {
    // A JSON round trip first: the workflow hashes what it received, i.e. the file after serialisation.
    const copy = JSON.parse(JSON.stringify(project)) as ProjectInput;
    const sha256 = projectFileSha256(copy);
    this.files.delete(sha256);
    this.files.set(sha256, copy);
    while (this.files.size > this.capacity) this.files.delete(this.files.keys().next().value!);
    return sha256;
  }

  /** The full context an implementation takes, from either shape. */
  async resolve(ctx: ActivityContext): Promise<ProjectContext> {
    if (!isProjectRef(ctx)) return ctx;
    const known = this.files.get(ctx.projectSha256);
    if (known) {
      this.files.delete(ctx.projectSha256);
      this.files.set(ctx.projectSha256, known);
      return { workflowId: ctx.workflowId, project: known };
    }
    const project = await this.fromHistory(ctx);
    this.remember(project);
    return { workflowId: ctx.workflowId, project };
  }

  private async fromHistory(ctx: { workflowId: string; projectId: string; projectSha256: string }): Promise<ProjectInput> {
    this.historyReads += 1;
    const read = this.options.readHistory ?? workerHistoryReader();
    const runId = currentRunId(ctx.workflowId);
    let seen = 0;
    for await (const events of read(ctx.workflowId, runId)) {
      for (const event of events) {
        const candidate = await validatedProjectOf(event);
        if (candidate && projectFileSha256(candidate) === ctx.projectSha256) return candidate;
        if (++seen >= this.maxEvents) break;
      }
      if (seen >= this.maxEvents) break;
    }
    // Retryable: a history read can fail for reasons a retry fixes; a real mismatch blocks the task with this text.
    throw ApplicationFailure.retryable(
      `project file ${ctx.projectSha256.slice(0, 12)}… of ${ctx.projectId} is neither on this worker nor in the first ${this.maxEvents} events of ${ctx.workflowId}`,
      'ProjectFileNotFound',
    );
  }
}

/**
 * The validated project of a validateProject local activity marker, if the event is one — or, for a run that
 * continued as new (patch bounded-history), the project its start input carries (`continued.project`): such a
 * run does not check the file again. Either way the caller compares the hash before using it.
 */
async function validatedProjectOf(event: temporal.api.history.v1.IHistoryEvent): Promise<ProjectInput | undefined> {
  const started = event.workflowExecutionStartedEventAttributes;
  if (started?.input?.payloads?.length) {
    const converter = workerDataConverter();
    const input = converter
      ? await decodeFromPayloadsAtIndex<{ continued?: { project?: ProjectInput } }>(converter, 0, started.input.payloads)
      : (JSON.parse(Buffer.from(started.input.payloads[0]!.data ?? new Uint8Array()).toString('utf8')) as {
          continued?: { project?: ProjectInput };
        });
    return input && typeof input === 'object' && input.continued?.project ? input.continued.project : undefined;
  }
  const marker = event.markerRecordedEventAttributes;
  if (!marker || marker.markerName !== LOCAL_ACTIVITY_MARKER) return undefined;
  const payloads = marker.details?.result?.payloads;
  if (!payloads?.length) return undefined;
  const converter = workerDataConverter();
  const value = converter
    ? await decodeFromPayloadsAtIndex<ProjectValidation>(converter, 0, payloads)
    : (JSON.parse(Buffer.from(payloads[0]!.data ?? new Uint8Array()).toString('utf8')) as ProjectValidation);
  return value && typeof value === 'object' && value.ok ? value.project : undefined;
}

function currentRunId(workflowId: string): string | undefined {
  try {
    const execution = Context.current().info.workflowExecution;
    return execution?.workflowId === workflowId ? execution.runId : undefined;
  } catch {
    return undefined;
  }
}

function workerDataConverter() {
  try {
    return Context.current().client.options.loadedDataConverter;
  } catch {
    return undefined;
  }
}

/** History pages of a run through the worker's own client (Context.client), newest SDKs give every activity one. */
function workerHistoryReader(): HistoryReader {
  return async function* (workflowId, runId) {
    const context = Context.current();
    const client = context.client;
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await client.workflowService.getWorkflowExecutionHistory({
        namespace: context.info.workflowNamespace ?? client.options.namespace,
        execution: { workflowId, ...(runId ? { runId } : {}) },
        maximumPageSize: 50,
        ...(nextPageToken ? { nextPageToken } : {}),
      });
      yield page.history?.events ?? [];
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
  };
}
