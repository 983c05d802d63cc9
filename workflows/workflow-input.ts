/** What `upgradeProject` is started with (part of the public contract: workflows/contract.ts). */
import type { ProjectFile } from './project-input';
import type { ProjectTrustInput } from './project-trust';

export const WORKFLOW_INPUT_VERSION = 1 as const;

/** Knobs that tests and operators turn; production defaults suit a weeks-long project. */
export interface UpgradeTunables {
  /** Attempts before a failing automation step blocks its task. */
  activityMaximumAttempts?: number;
  activityInitialInterval?: string;
  activityMaximumInterval?: string;
  activityStartToClose?: string;
  /** Weekday hours of notice a production infrastructure change needs (Adobe: 48). */
  productionNoticeHours?: number;
}

export interface UpgradeWorkflowInput {
  version: typeof WORKFLOW_INPUT_VERSION;
  project: ProjectFile;
  tunables?: UpgradeTunables;
  /**
   * The approvals-gateway keys whose signed assertions the project accepts (`cuo start` asks the gateway for them).
   * Every decision of a project started since signed decisions needs one; without keys it takes no decision.
   */
  trust?: ProjectTrustInput;
  /**
   * The playbook version the project runs (workflows/playbook.ts, `PLAYBOOKS`); absent means 1, the version every
   * project started before playbook versions ran. `cuo start` sends CURRENT_PLAYBOOK_VERSION.
   */
  playbookVersion?: number;
}
