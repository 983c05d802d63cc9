/**
 * A project's cloud files planned for an upgrade: the full target state the upgrade branch carries, and the bridge
 * state the Staging and Production change requests ask for. Pure: text in, text out (the activities and
 * `cuo infrastructure` share it).
 */
import { computeInfrastructureChanges } from './changes';
import { applyRelationshipChanges, applyServiceChanges, setComposerVersion, setPhpType } from './services-yaml';
import { bridgeChanges } from './staged-plan';
import type { InfrastructureChanges } from './types';

export interface PlanProjectFilesInput {
  servicesYaml: string;
  appYaml: string;
  currentVersion: string;
  targetVersion: string;
  /** The shortest production change window, in minutes. */
  windowMinutes?: number;
}

export interface PlannedFiles {
  /** Everything the target needs (with the staged plan): what the upgrade branch carries. */
  changes: InfrastructureChanges;
  updatedServicesYaml: string;
  updatedAppYaml: string;
  /** The bridge state only: what the infrastructure task requests while the current version still runs. */
  bridge: InfrastructureChanges;
  bridgeServicesYaml: string;
}

export function planProjectFiles(input: PlanProjectFilesInput): PlannedFiles {
  const { servicesYaml, appYaml } = input;
  const windowMinutes = input.windowMinutes !== undefined && Number.isFinite(input.windowMinutes) ? input.windowMinutes : undefined;
  const changes = computeInfrastructureChanges({
    servicesYaml,
    appYaml,
    targetVersion: input.targetVersion,
    currentVersion: input.currentVersion,
    ...(windowMinutes === undefined ? {} : { windowMinutes }),
  });
  const updatedServicesYaml = applyServiceChanges(servicesYaml, changes.services);
  let updatedAppYaml = applyRelationshipChanges(setPhpType(appYaml, changes.php.toVersion), changes.relationships);
  const composer = changes.plan?.composer;
  // Raised only where the file names a Composer version; the plan's warning covers a file that names none.
  if (composer?.raiseTo && composer.installed !== undefined) updatedAppYaml = setComposerVersion(updatedAppYaml, composer.raiseTo);
  const bridge = bridgeChanges(changes);
  return { changes, updatedServicesYaml, updatedAppYaml, bridge, bridgeServicesYaml: applyServiceChanges(servicesYaml, bridge.services) };
}
