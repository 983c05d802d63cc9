/**
 * Shapes shared by activities and the workflow. Type-only for the workflow: it imports nothing else from
 * `activities/`, so no Node code reaches the workflow bundle.
 */
import type { ProjectInput } from '../workflows/project-input';

/** A document the workflow refers to by id and hash; an approval names the artifact it approves. */
export interface ArtifactRef {
  id: string;
  sha256: string;
  name: string;
  mediaType: string;
  bytes: number;
}

/** What every automation activity is called with: the project (no secrets in it) and whose workflow asks. */
export interface ProjectContext {
  workflowId: string;
  project: ProjectInput;
}

/** What an automation step returns to the workflow: small, with the document itself behind `artifact`. */
export interface AutomationResult {
  artifact: ArtifactRef;
  /** One line for the status table and the audit trail. */
  summary: string;
  /** Whether the automated check passed; an owner still decides, but sees a failing check at once. */
  passed?: boolean;
  /** A few figures worth showing without opening the artifact (counts, p95, commit sha). */
  facts?: Record<string, string | number | boolean>;
}
