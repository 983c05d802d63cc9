/**
 * Where the worker gets its workflow code: the prebuilt bundle in production (built by `npm run build`, no webpack
 * at start-up, the exact code that was tested), else the workflows folder bundled on the fly for development.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** dist/workflow-bundle.js, next to dist/worker/ when running the compiled worker. */
export const WORKFLOW_BUNDLE_PATH = path.resolve(__dirname, '..', 'workflow-bundle.js');

export type WorkflowSource = { workflowBundle: { codePath: string } } | { workflowsPath: string };

export function workflowSource(bundlePath: string = WORKFLOW_BUNDLE_PATH): WorkflowSource {
  if (existsSync(bundlePath)) return { workflowBundle: { codePath: bundlePath } };
  return { workflowsPath: require.resolve('../workflows') };
}
