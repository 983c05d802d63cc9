/**
 * `createActivities(deps)`: every activity the workflow calls, built from injected adapters so the worker wires
 * real ones from its configuration and tests wire real local counterparts (temp git repositories, loopback
 * servers). The workflow imports only the `UpgradeActivities` type (activities/contract.ts).
 */
import { join } from 'node:path';
import type { ArtifactStore } from './artifact-store';
import type { ActivityContext, ProjectActivities, UpgradeActivities } from './contract';
import { createEnvironmentActivities } from './environment-activities';
import { finalReportMarkdown } from './final-report-markdown';
import type { Notifier } from './notify/channels';
import { createNotifyActivities } from './notify/activities';
import { createPlanningActivities } from './planning-activities';
import { ProjectFiles } from './project-files';
import type { RepositoryWorkspace } from './repository/workspace';
import type { TlsTrust } from './runbook/http-probe';
import type { WorkerPolicy } from './policy/worker-policy';
import type { Resolve } from './policy/egress';
import { createValidateProject } from './validate-project';

export interface ActivityDeps {
  artifacts: ArtifactStore;
  workspace: RepositoryWorkspace;
  notifier: Notifier;
  /** The worker's data folder (baselines and other per-project state). */
  dataDir: string;
  /**
   * What the worker's operator allows projects to do: command targets, hosts, local repositories, load-test caps,
   * short timings (worker/config.ts; tests and the demo allow their loopback stand-ins explicitly).
   */
  policy: WorkerPolicy;
  /** SSH private key paths by lower-case identity name (worker configuration, never project input). */
  sshIdentities?: Record<string, string>;
  /** Extra CA for the environments' HTTPS checks. */
  tls?: TlsTrust;
  /** How people run the CLI, as printed in messages (default `npx cuo`). */
  cli?: string;
  conference?: { dialIn?: string; notes?: string };
  /** The approvals gateway's public URL: messages link to its task pages. */
  gatewayUrl?: string;
  /** One-time e-mail links (activities/notify/email-link.ts). */
  emailLinks?: { secret: string; ttlSec: number; recipients: string[] };
  deployHealthTimeoutMs?: number;
  healthPollMs?: number;
  now?: () => Date;
  /**
   * Name resolution of the network policy's checks and of the load test's pinned address (default: the system's).
   * Tests only, to play a DNS server that answers differently the second time; the workspace has its own.
   */
  resolve?: Resolve;
  /** Where project files are kept by hash (activities/project-files.ts); one per worker process by default. */
  projectFiles?: ProjectFiles;
}

export function createActivities(deps: ActivityDeps): UpgradeActivities {
  const now = deps.now ?? (() => new Date());
  const notify = createNotifyActivities({
    notifier: deps.notifier,
    artifacts: deps.artifacts,
    now,
    ...(deps.cli ? { cli: deps.cli } : {}),
    ...(deps.conference ? { conference: deps.conference } : {}),
    ...(deps.gatewayUrl ? { gatewayUrl: deps.gatewayUrl } : {}),
    ...(deps.emailLinks ? { emailLinks: deps.emailLinks } : {}),
  });
  const planning = createPlanningActivities({
    artifacts: deps.artifacts,
    workspace: deps.workspace,
    notifier: deps.notifier,
    now,
    policy: deps.policy,
    ...(deps.cli ? { cli: deps.cli } : {}),
    ...(deps.gatewayUrl ? { gatewayUrl: deps.gatewayUrl } : {}),
  });
  const environment = createEnvironmentActivities({
    artifacts: deps.artifacts,
    workspace: deps.workspace,
    notifier: deps.notifier,
    sshIdentities: deps.sshIdentities ?? {},
    policy: deps.policy,
    dataDir: deps.dataDir,
    stateDir: join(deps.dataDir, 'state'),
    ...(deps.tls ? { tls: deps.tls } : {}),
    ...(deps.cli ? { cli: deps.cli } : {}),
    ...(deps.gatewayUrl ? { gatewayUrl: deps.gatewayUrl } : {}),
    ...(deps.deployHealthTimeoutMs !== undefined ? { deployHealthTimeoutMs: deps.deployHealthTimeoutMs } : {}),
    ...(deps.healthPollMs !== undefined ? { healthPollMs: deps.healthPollMs } : {}),
    ...(deps.resolve ? { resolve: deps.resolve } : {}),
  });
  const implementations: ProjectActivities = {
    validateProject: createValidateProject({ shortTimings: deps.policy.allowShortTimings }),
    ...planning,
    ...environment,
    sendNotification: notify.sendNotification,
    scheduleConference: notify.scheduleConference,
    async storeFinalReport(ctx, report) {
      return deps.artifacts.put(ctx.project.projectId, 'final-report.md', await finalReportMarkdown(report));
    },
    archiveAuditTrail: archiveAuditTrailTo(deps.artifacts),
  };
  return resolvingProjectFiles(implementations, deps.projectFiles ?? new ProjectFiles());
}

/**
 * The `archiveAuditTrail` activity: the entries a continued run does not carry, as one JSON artifact whose id and
 * sha256 the next run keeps (read back by client/audit-archives.ts).
 */
export function archiveAuditTrailTo(artifacts: ArtifactStore): ProjectActivities['archiveAuditTrail'] {
  return async (ctx, archive) => {
    const document = JSON.stringify(
      { projectId: archive.projectId, firstId: archive.firstId, lastId: archive.lastId, entries: archive.entries },
      null,
      1,
    );
    return artifacts.put(ctx.project.projectId, `audit-${archive.firstId}-${archive.lastId}.json`, document, 'application/json');
  };
}

/**
 * The activities as registered: validateProject keeps each file it checks (by hash), every other activity gets
 * its context resolved first, so implementations always see the whole project file, whichever shape the workflow
 * sent (activities/project-files.ts).
 */
export function resolvingProjectFiles(implementations: ProjectActivities, files: ProjectFiles): UpgradeActivities {
  const resolved: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(implementations) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    resolved[name] =
      name === 'validateProject'
        ? async (...args: unknown[]) => {
            const validation = (await fn(...args)) as Awaited<ReturnType<ProjectActivities['validateProject']>>;
            if (validation.ok) files.remember(validation.project);
            return validation;
          }
        : async (ctx: ActivityContext, ...rest: unknown[]) => fn(await files.resolve(ctx), ...rest);
  }
  return resolved as unknown as UpgradeActivities;
}
