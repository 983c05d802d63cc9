/** The probe workflow's activity: built through a factory, as the real activities are (createActivities(deps)). */
import { log } from '@temporalio/activity';

export function createProbeActivities(deps: { phaseFor: (projectId: string) => string }) {
  return {
    async inspectProject(projectId: string): Promise<string> {
      log.info('inspecting project', { projectId });
      return deps.phaseFor(projectId);
    },
  };
}
