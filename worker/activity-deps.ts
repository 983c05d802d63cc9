/**
 * Builds the adapters the activities need from the validated worker configuration (first version: the activities
 * take no dependencies yet; the activities engineer fills this in as adapters are wired into createActivities).
 */
import type { ActivityDeps } from '../activities';
import type { WorkerConfig } from './config';
import type { PinoLogger } from './logger';

export function buildActivityDeps(_config: WorkerConfig, _logger: PinoLogger): ActivityDeps {
  return {};
}
