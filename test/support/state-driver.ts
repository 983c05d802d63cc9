/**
 * Drives a ProjectState through the named transitions the loop uses (startTask, stepDone, awaitDecision, block),
 * so unit tests set up a gate the way a running project does, with no server.
 */
import type { ArtifactRef } from '../../activities/contract';
import { taskById, type GateId, type StepName, type TaskId } from '../../workflows/playbook';
import type { Gate, ProjectState } from '../../workflows/project-state';

export function artifactRef(id: string, sha256: string): ArtifactRef {
  return { id, sha256: sha256.padEnd(64, '0'), name: id.split('/').at(-1) ?? 'artifact.md', mediaType: 'text/markdown', bytes: 1 };
}

export interface DoneStep {
  step: StepName;
  artifact?: ArtifactRef;
  summary?: string;
  facts?: Record<string, string | number | boolean>;
}

/** Starts a task's round (or a CAB gate's) and records its steps as done. */
export function startWith(state: ProjectState, id: GateId, steps: DoneStep[] = []): Gate {
  const gate = id.startsWith('cab-') ? state.startCab(id) : state.startTask(taskById(id as TaskId, state.playbook));
  for (const s of steps) {
    state.stepDone(id, s.step, {
      artifact: s.artifact ?? artifactRef(`p/${s.step}.md`, '00'),
      summary: s.summary ?? `${s.step} done`,
      passed: true,
      ...(s.facts ? { facts: s.facts } : {}),
    });
  }
  return gate;
}

/** A gate whose steps ran and whose owner is now asked to decide. */
export function awaitingDecision(state: ProjectState, id: GateId, steps: DoneStep[] = []): Gate {
  startWith(state, id, steps);
  return state.awaitDecision(id);
}

/** A gate blocked on `step`. */
export function blockedOn(state: ProjectState, id: GateId, step: StepName, error: string): Gate {
  startWith(state, id);
  return state.block(id, step, error);
}
