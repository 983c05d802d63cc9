/**
 * `npm run build` step 2: bundles workflows/ into dist/workflow-bundle.js, which the production worker loads
 * instead of running webpack at every start.
 */
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_PATH } from './workflow-source';

async function main(): Promise<void> {
  let workflowsPath: string;
  try {
    workflowsPath = require.resolve('../workflows');
  } catch {
    throw new Error('No workflows/index.ts found to bundle: it must export every workflow the worker runs.');
  }
  // WARN keeps webpack's module listing out of the build output; errors still show.
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  await writeFile(WORKFLOW_BUNDLE_PATH, code);
  process.stderr.write(`workflow bundle written to ${WORKFLOW_BUNDLE_PATH} (${Math.round(code.length / 1024)} KiB)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`build-bundle: ${(err as Error).message}\n`);
  process.exit(1);
});
