/**
 * Placeholder created by the platform work so the worker compiles; the activities engineer replaces it with the
 * real `createActivities(deps)` that wires the adapters.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ActivityDeps {}

export function createActivities(_deps: ActivityDeps) {
  return {};
}
