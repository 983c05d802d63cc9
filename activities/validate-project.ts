/**
 * The project file check the workflow runs first, as a local activity: the zod schema of workflows/project-input.ts
 * lives here, in the worker's Node process, once, and not in each cached workflow (about 1.4 MB per open project
 * there; issue #6). Pure and quick; a file that does not pass is an answer, not a failure to retry.
 */
import { validateProjectInput, type ProjectValidation } from '../workflows/project-input';

export async function validateProject(projectFile: unknown): Promise<ProjectValidation> {
  return validateProjectInput(projectFile);
}
