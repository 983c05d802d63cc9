/**
 * Keeps the search attributes and the Temporal UI's current details in step with the project's state. Search
 * attributes are upserted only when one of them changed (each upsert is a command in history); the details, which
 * are not, follow every change.
 *
 * Projects started since the patch `lean-history` publish once per workflow task, with the state at its end: an
 * approval clears the awaited roles and, in the same task, the next task starts in a new phase; published at once,
 * that was two upserts where one tells the same (7 of a happy path's 32, issue #16). The publish then runs when the
 * SDK checks conditions, after the task's code has run; a project that is no longer running publishes at once,
 * so the last upsert always comes before the workflow completes.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { CancellationScope, condition, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { renderCurrentDetails } from './current-details';
import type { ProjectState } from './project-state';
import {
  UpgradeAwaitingActors,
  UpgradeAwaitingRoles,
  UpgradeAwaitingSince,
  UpgradeAwaitingTasks,
  UpgradeOverdue,
  UpgradePhase,
  UpgradeReworkCount,
} from './search-attributes';

export interface PublisherOptions {
  /**
   * Projects started since the patch `board-search-attributes` also keep UpgradeAwaitingSince, UpgradeAwaitingTasks
   * and UpgradeReworkCount current: the manager board and `cuo pending` are then one visibility query.
   */
  boardAttributes: boolean;
  /** Projects started since the patch `lean-history`: one publish per workflow task (see above). */
  oncePerTask?: boolean;
  /**
   * Projects started since the patch `lean-result-and-upserts`: an upsert names only the attributes that changed
   * (Temporal merges an upsert into the ones set before). Awaiting someone else changes the actors and tasks, not the
   * phase or the rework count; each upsert used to repeat all seven.
   */
  changedOnly?: boolean;
}

export function makePublisher(state: ProjectState, options: PublisherOptions): () => void {
  const publishNow = publisher(state, options);
  if (!options.oncePerTask) return publishNow;
  let pending = false;
  let watching = false;
  return () => {
    if (state.state !== 'running') {
      pending = false;
      publishNow();
      return;
    }
    pending = true;
    if (watching) return;
    watching = true;
    // Outside the work's scope, like watchCancel: cancelling the project must not reject this wait.
    void CancellationScope.nonCancellable(async () => {
      for (;;) {
        await condition(() => pending);
        pending = false;
        publishNow();
      }
    });
  };
}

function publisher(state: ProjectState, options: PublisherOptions): () => void {
  let last = '';
  const lastValues = new Map<string, string>();
  const names = new Map(Object.values(state.project.participants).flatMap((people) => people.map((p) => [p.email, p.name] as const)));
  return () => {
    const status = state.status();
    const roles = [...new Set(status.awaiting.flatMap((a) => a.roles))].sort();
    const actors = [...new Set(status.awaiting.flatMap((a) => a.actors))].sort();
    const overdue = status.awaiting.some((a) => a.overdue);
    const board = options.boardAttributes
      ? {
          since: status.awaiting.map((a) => a.since).sort()[0] ?? null,
          tasks: status.awaiting.map((a) => a.gateId),
          rework: status.rework.length,
        }
      : undefined;
    const pairs: SearchAttributeUpdatePair[] = [
      { key: UpgradePhase, value: status.phase },
      { key: UpgradeAwaitingRoles, value: roles },
      { key: UpgradeAwaitingActors, value: actors },
      { key: UpgradeOverdue, value: overdue },
      ...(board
        ? [
            { key: UpgradeAwaitingSince, value: board.since === null ? null : new Date(board.since) },
            { key: UpgradeAwaitingTasks, value: board.tasks },
            { key: UpgradeReworkCount, value: board.rework },
          ]
        : []),
    ];
    if (options.changedOnly) {
      const changed = pairs.filter((pair) => {
        const value = JSON.stringify(pair.value);
        if (lastValues.get(pair.key.name) === value) return false;
        lastValues.set(pair.key.name, value);
        return true;
      });
      if (changed.length) upsertSearchAttributes(changed);
    } else {
      const key = JSON.stringify(pairs.map((pair) => pair.value));
      if (key !== last) {
        last = key;
        upsertSearchAttributes(pairs);
      }
    }
    setCurrentDetails(renderCurrentDetails(status, names));
  };
}
