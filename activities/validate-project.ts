/**
 * The project file check the workflow runs first, as a local activity: the zod schema of workflows/project-input.ts
 * lives here, in the worker's Node process, once, and not in each cached workflow (about 1.4 MB per open project
 * there; issue #6). Pure and quick; a file that does not pass is an answer, not a failure to retry.
 *
 * With `tunables` it checks them too, and a problem in either makes the answer a refusal listing all of them.
 * Timings below the production minimums pass only on a worker whose operator allows them (CUO_ALLOW_SHORT_TIMINGS).
 */
import { validateProjectInput, validateTunables, type ProjectValidation, type ProjectValidationOptions } from '../workflows/project-input';

export function createValidateProject(options: ProjectValidationOptions = {}) {
  return async function validateProject(projectFile: unknown, tunables?: unknown): Promise<ProjectValidation> {
    const project = validateProjectInput(projectFile, options);
    if (tunables === undefined) return project;
    const checked = validateTunables(tunables, options);
    if (checked.ok) return project;
    return { ok: false, problems: [...(project.ok ? [] : project.problems), ...checked.problems] };
  };
}

/** The production check (no short timings): what a worker without CUO_ALLOW_SHORT_TIMINGS runs. */
export const validateProject = createValidateProject();
