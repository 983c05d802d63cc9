/** Workflow-only worker for test/integration/update-ordering.test.ts, run as its own process so it can be killed -9. */
import { NativeConnection, Worker } from '@temporalio/worker';

export const ORDERING_WORKER_READY = 'ordering worker polling';

async function main(): Promise<void> {
  const [address, taskQueue] = process.argv.slice(2);
  if (!address || !taskQueue) throw new Error('usage: worker.ts <address> <task queue>');
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, taskQueue, workflowsPath: require.resolve('./workflows') });
  process.stdout.write(`${ORDERING_WORKER_READY}\n`);
  await worker.run();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
}
