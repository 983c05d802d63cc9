/** Workflow definitions registered by the worker (workflowsPath / the production bundle). */
export { upgradeProject } from './upgrade-project';
