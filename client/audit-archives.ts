/**
 * A project's whole audit trail across its runs (issue #12: the trail stays whole and verifiable). When a project
 * continues as new, its workflow keeps only the newest entries; the older ones were stored by the
 * `archiveAuditTrail` activity as a content-addressed artifact whose id and sha256 the next run carries
 * (`status.auditArchives`). This reads those artifacts back, checks each against the sha256 the run carries and
 * against the ids it says it holds, and puts the entries before the run's own. An archive that cannot be read or
 * does not match is not used: a note says which entries are missing and why, and the rest of the trail is shown.
 */
import { createHash } from 'node:crypto';
import type { AuditEntry, ProjectStatus } from '../workflows/contract';

/** Where artifacts are read (the worker's artifact store; activities/artifact-store.ts has this method). */
export interface ArtifactReader {
  get(id: string): Promise<Buffer>;
}

export interface WholeAuditTrail {
  /** Archived entries (the ones that could be checked), then the run's own, by id. */
  entries: AuditEntry[];
  /** One line per archive that could not be used, naming the entries it holds and why. */
  notes: string[];
}

type TrailSource = Pick<ProjectStatus, 'projectId' | 'audit' | 'auditArchives'>;

export async function wholeAuditTrail(status: TrailSource, artifacts: ArtifactReader | undefined): Promise<WholeAuditTrail> {
  const archived: AuditEntry[] = [];
  const notes: string[] = [];
  for (const archive of status.auditArchives ?? []) {
    const which = `Audit entries #${archive.firstId}–#${archive.lastId} (${archive.entries}, archived when the project continued as new)`;
    const read = await readArchive(status.projectId, archive, artifacts);
    if (typeof read === 'string') notes.push(`${which} are not shown: ${read}`);
    else archived.push(...read);
  }
  // The run's own entries come after every archive; an id already read is not shown twice.
  const lastArchived = archived.at(-1)?.id ?? Number.NEGATIVE_INFINITY;
  return { entries: [...archived, ...status.audit.filter((e) => e.id > lastArchived)], notes };
}

/** The archive's entries, or why they cannot be used. */
async function readArchive(
  projectId: string,
  archive: NonNullable<TrailSource['auditArchives']>[number],
  artifacts: ArtifactReader | undefined,
): Promise<AuditEntry[] | string> {
  const { id, sha256 } = archive.artifact;
  if (!artifacts) return `the artifact store is not reachable from here, so ${id} cannot be read.`;
  if (!id.startsWith(`${projectId}/`)) return `${id} is not an artifact of project ${projectId}.`;
  let bytes: Buffer;
  try {
    bytes = await artifacts.get(id);
  } catch {
    return `the artifact store has no ${id}.`;
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256)
    return `the stored ${id} does not match the sha256 the project carries (${sha256.slice(0, 16)}…); it may have been altered.`;
  let document: { projectId?: unknown; firstId?: unknown; lastId?: unknown; entries?: unknown };
  try {
    document = JSON.parse(bytes.toString('utf8')) as typeof document;
  } catch {
    return `${id} is not the JSON of an audit archive.`;
  }
  const entries = Array.isArray(document.entries) ? (document.entries as AuditEntry[]) : undefined;
  const idsMatch =
    entries !== undefined &&
    entries.length === archive.entries &&
    entries.every(
      (e, i) =>
        typeof e === 'object' && e !== null && e.id >= archive.firstId && e.id <= archive.lastId && (i === 0 || e.id > entries[i - 1]!.id),
    );
  if (document.projectId !== projectId || !idsMatch) return `${id} does not hold the entries the project says it archived there.`;
  return entries;
}
