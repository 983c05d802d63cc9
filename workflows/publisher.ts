/**
 * Keeps the search attributes and the Temporal UI's current details in step with the project's state. Search
 * attributes are upserted only when one of them changed (each upsert is a command in history); the details, which
 * are not, follow every change.
 */
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { renderCurrentDetails } from './current-details';
import type { ProjectState } from './project-state';
import { UpgradeAwaitingActors, UpgradeAwaitingRoles, UpgradeAwaitingSince, UpgradeOverdue, UpgradePhase } from './search-attributes';

export interface PublisherOptions {
  /** Projects started since the patch `awaiting-since-attribute` also keep UpgradeAwaitingSince current. */
  awaitingSince: boolean;
}

export function makePublisher(state: ProjectState, options: PublisherOptions): () => void {
  let last = '';
  return () => {
    const status = state.status();
    const roles = [...new Set(status.awaiting.flatMap((a) => a.roles))].sort();
    const actors = [...new Set(status.awaiting.flatMap((a) => a.actors))].sort();
    const overdue = status.awaiting.some((a) => a.overdue);
    const since = options.awaitingSince ? (status.awaiting.map((a) => a.since).sort()[0] ?? null) : undefined;
    const key = JSON.stringify([status.phase, roles, actors, overdue, ...(since === undefined ? [] : [since])]);
    if (key !== last) {
      last = key;
      upsertSearchAttributes([
        { key: UpgradePhase, value: status.phase },
        { key: UpgradeAwaitingRoles, value: roles },
        { key: UpgradeAwaitingActors, value: actors },
        { key: UpgradeOverdue, value: overdue },
        ...(since === undefined ? [] : [{ key: UpgradeAwaitingSince, value: since === null ? null : new Date(since) }]),
      ]);
    }
    setCurrentDetails(renderCurrentDetails(status));
  };
}
