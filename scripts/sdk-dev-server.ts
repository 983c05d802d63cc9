/**
 * Fallback for `npm run dev` where no Temporal CLI binary could be found or built: the Temporal SDK downloads the
 * CLI itself and runs the same dev server (SQLite file, UI port, search attributes, 30-day retention). Prints
 * "ready" on stdout once the server answers; stops the server on SIGINT/SIGTERM.
 *
 *   node dist/scripts/sdk-dev-server.js <db-file> <grpc-port> <ui-port> <download-dir>
 */
import { msToTs } from '@temporalio/common/lib/time';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { UPGRADE_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

const RETENTION_DAYS = 30;

async function main(): Promise<void> {
  const [dbFilename, port, uiPort, downloadDir] = process.argv.slice(2);
  if (!dbFilename || !port || !uiPort || !downloadDir)
    throw new Error('usage: sdk-dev-server <db-file> <grpc-port> <ui-port> <download-dir>');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download', downloadDir },
      dbFilename,
      port: Number(port),
      ui: true,
      uiPort: Number(uiPort),
      searchAttributes: [...UPGRADE_SEARCH_ATTRIBUTES],
    },
  });
  // The dev server keeps closed workflows for one day; managers need finished projects for at least 30.
  await env.connection.workflowService.updateNamespace({
    namespace: 'default',
    config: { workflowExecutionRetentionTtl: msToTs(`${RETENTION_DAYS} days`) },
  });
  process.stdout.write('ready\n');
  // Signal listeners alone do not keep Node alive; the interval does, until a signal arrives.
  const keepAlive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  await env.teardown();
}

main().catch((err: unknown) => {
  process.stderr.write(`sdk-dev-server: ${(err as Error).message}\n`);
  process.exit(1);
});
