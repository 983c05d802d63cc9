import type { InfrastructureChanges, ServiceChange } from './types';

/** The service changes that alter something (everything but `keep`): the one filter every document uses. */
export function effectiveChanges(changes: Pick<InfrastructureChanges, 'services'>): ServiceChange[] {
  return changes.services.filter((c) => c.kind !== 'keep');
}
