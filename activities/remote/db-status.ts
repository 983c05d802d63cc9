/**
 * `bin/magento setup:db:status` by its documented exit codes (OPS `installation/tutorials/database-status.md`):
 * 0 all modules up to date, 1 code and database module versions differ, 2 `setup:upgrade` is required.
 * Anything else — another code, a timeout, an ssh failure — says nothing about the schema and is an error.
 */
import type { RemoteCommandResult } from './command-runner';

export const DB_STATUS_COMMAND = 'bin/magento setup:db:status';

export type DbStatus = 'up-to-date' | 'versions-differ' | 'setup-upgrade-required' | 'error';

export function interpretDbStatus(result: Pick<RemoteCommandResult, 'exitCode' | 'timedOut' | 'transportError'>): DbStatus {
  if (result.timedOut || result.transportError) return 'error';
  switch (result.exitCode) {
    case 0:
      return 'up-to-date';
    case 1:
      return 'versions-differ';
    case 2:
      return 'setup-upgrade-required';
    default:
      return 'error';
  }
}

export function describeDbStatus(status: DbStatus): string {
  switch (status) {
    case 'up-to-date':
      return 'database schema and data are up to date with the code (exit 0)';
    case 'versions-differ':
      return 'code and database module versions differ (exit 1): check for a downgraded or missing module';
    case 'setup-upgrade-required':
      return '`bin/magento setup:upgrade` is required (exit 2): the deploy did not finish the upgrade';
    case 'error':
      return 'setup:db:status did not run to a documented result (not exit 0, 1 or 2)';
  }
}
