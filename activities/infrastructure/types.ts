/**
 * Shapes of the infrastructure step: what a project runs (from `.magento/services.yaml` and `.magento.app.yaml`)
 * and what must change for a target Commerce version. Plain data, safe to return from activities.
 */

/** One service of `.magento/services.yaml`: `<id>: { type: <name>:<version>, disk: <MB> }`. */
export interface ServiceDefinition {
  id: string;
  /** `mysql` (whose version is MariaDB's), `redis`, `valkey`, `opensearch`, `elasticsearch`, `rabbitmq`, … */
  name: string;
  version: string;
  /** The `type` value as written, e.g. "mysql:10.11". */
  type: string;
  diskMb?: number;
  /** 1-based line of the service id. */
  line: number;
}

/** One entry of `relationships` in `.magento.app.yaml`: `<name>: "<service id>:<endpoint>"`. */
export interface Relationship {
  name: string;
  serviceId: string;
  endpoint: string;
  line: number;
}

export interface AppConfig {
  /** The `type` value as written, e.g. "php:8.2". */
  type: string;
  phpVersion: string;
  relationships: Relationship[];
}

export type ServiceChangeKind = 'upgrade' | 'replace' | 'add' | 'keep';

export interface ServiceChange {
  serviceId: string;
  serviceName: string;
  /** Installed version; null for a service to add. */
  fromVersion: string | null;
  /** Version to run; null for a service that is replaced (removed once its successor is wired). */
  toVersion: string | null;
  /** Versions to pass through, in order, each one a deploy; the last is `toVersion`. Empty when nothing moves. */
  upgradePath: string[];
  kind: ServiceChangeKind;
  reason: string;
  notes: string[];
  /** For `replace`: the id of the new service that takes over. */
  replacedBy?: string;
  /** For `add`: the id of the service this one replaces. */
  replaces?: string;
  /** For `add`: the disk of the new service in MB (persistent services need one). */
  diskMb?: number;
  /** The first magento/ece-tools release that supports `toVersion`, where the release notes name one. */
  eceToolsMinimum?: string;
  /**
   * When the change happens (staged plan only): `infrastructure` = in the infrastructure task, weeks before the code
   * (the version is supported by both the current and the target Commerce version); `launch` = in the launch
   * window with the code; `after-launch` = once nothing uses it (removing a replaced service); `none` = nothing moves.
   */
  stage?: ServiceStage;
}

export type ServiceStage = 'infrastructure' | 'launch' | 'after-launch' | 'none';

export type RelationshipChange =
  /** Rename a relationship and point it at another service, in place (keeps its comments and position). */
  | { action: 'switch'; name: string; newName: string; serviceId: string; endpoint: string; reason: string }
  | { action: 'add'; name: string; serviceId: string; endpoint: string; reason: string }
  | { action: 'remove'; name: string; reason: string };

export interface PhpChange {
  fromVersion: string;
  toVersion: string;
  /** PHP is no stored service: moving it down is a plain deploy, unlike a database. */
  kind: 'upgrade' | 'downgrade' | 'keep';
  /** PHP versions the target supports, as the matrix lists them. */
  supported: string[];
  reason: string;
  notes: string[];
  eceToolsMinimum?: string;
}

/** One step of the launch window, in order. */
export interface LaunchStep {
  /** What is done, for people. */
  action: string;
  /** The service (or `php`, `code`) it concerns. */
  subject: string;
  /** Planning estimate in minutes (not an Adobe figure): what the window's length is checked against. */
  minutes: number;
}

/**
 * The upgrade in stages: what the infrastructure task applies weeks before the code (the bridge state every service
 * can run at with both versions), what the launch window does with the code, and what follows.
 */
export interface StagedPlan {
  currentVersion: string;
  targetVersion: string;
  /** Services changed in the infrastructure task (Staging, then Production), each to a version both versions support. */
  bridge: ServiceChange[];
  /** The launch window's work in the stated order. */
  launch: LaunchStep[];
  /** After the launch (a later deploy): services that were replaced. */
  afterLaunch: string[];
  /** Services whose current and target versions have no common version (they move with the code). */
  noCommonVersion: string[];
  launchMinutes: number;
  /** The shortest change window of the project, when known. */
  windowMinutes?: number;
  /**
   * True where no safe order is known (a service newer than the target supports, a service the target no longer
   * supports, a launch that does not fit the window…): the workflow should block for a person's decision.
   */
  needsDecision: boolean;
  decisionReasons: string[];
  /** The highest ece-tools minimum of the target state, with what needs it. */
  eceTools?: { minimum: string; for: string[] };
  /** Composer: the target's matrix minimum and what `.magento.app.yaml` installs. */
  composer: { required: string; installed?: string; raiseTo?: string };
  /** An intermediate Commerce version that turns launch-window changes into bridge changes, when one exists. */
  intermediate?: { version: string; reason: string };
}

export interface InfrastructureChanges {
  targetVersion: string;
  services: ServiceChange[];
  php: PhpChange;
  relationships: RelationshipChange[];
  /** Ordered deploys to carry the changes out (Pro Staging/Production: each through Support). */
  sequence: string[];
  warnings: string[];
  /** Where the target requirements come from: repository, file and commit of the matrix. */
  requirementsSource: string;
  /** With a current version: the staged plan. */
  plan?: StagedPlan;
}
