/**
 * Work against the running environments: data migration, the post-upgrade runbook, load and security tests,
 * the production deployment with its rollback, and post-launch monitoring. Each wrapper forwards progress to
 * heartbeats, honours cancellation, and stores its report as the step's evidence.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { durationToMs } from '../workflows/durations';
import type { ProjectInput } from '../workflows/project-input';
import { attempt, cancellationSignal, heartbeat, previousHeartbeat, remoteTargetOf, upgradeBranchOf } from './activity-runtime';
import type { ArtifactStore } from './artifact-store';
import type { AutomationResult, EnvironmentName, ProjectContext, WindowRef } from './contract';
import { deployToProduction } from './deployment/deploy';
import { renderPerformanceReport, runPerformanceTest, type PerformanceBaseline } from './load-test/performance-test';
import { monitorProduction, renderMonitoringReport } from './monitoring/production-monitor';
import { composeNotification } from './notify/message';
import type { Notifier } from './notify/channels';
import { taskRef } from './notify/activities';
import { MigrationStepError, migrateProductionToStaging } from './remote/data-migration';
import type { LookupFunction } from 'node:net';
import { guardedLookup, pinHost, type Resolve } from './policy/egress';
import { assertProjectAllowed } from './policy/project-guard';
import type { LoadTestCaps, WorkerPolicy } from './policy/worker-policy';
import type { RepositoryWorkspace } from './repository/workspace';
import { HttpProber, type TlsTrust } from './runbook/http-probe';
import { renderRunbookReport, runPostUpgradeRunbook } from './runbook/post-upgrade-runbook';
import { renderSecurityReport, runSecurityChecks } from './security/security-checks';

export interface EnvironmentDeps {
  artifacts: ArtifactStore;
  workspace: RepositoryWorkspace;
  notifier: Notifier;
  sshIdentities: Record<string, string>;
  /** What the worker's operator allows projects to do (worker/config.ts). */
  policy: WorkerPolicy;
  /** The worker's data folder: no local command runs inside it (project checkouts live there). */
  dataDir: string;
  /** Where per-project baselines are kept (first load-test result, used to compare later runs). */
  stateDir: string;
  /** Extra CA to trust for the environments' HTTPS (e.g. a staging CA); from the worker's configuration. */
  tls?: TlsTrust;
  cli?: string;
  /** The approvals gateway's public URL: messages link to its task pages. */
  gatewayUrl?: string;
  /** How long a deployment may take to become healthy after the push. */
  deployHealthTimeoutMs?: number;
  /** Pause between health probes (Adobe Commerce Cloud deploys take minutes; tests use less). */
  healthPollMs?: number;
  /** Name resolution of the policy checks (default: the system's); tests inject one to play DNS rebinding. */
  resolve?: Resolve;
}

const RUNBOOK_TIMEOUT_MS = 30_000;

export function createEnvironmentActivities(deps: EnvironmentDeps) {
  const tlsOption = deps.tls ? { tls: deps.tls } : {};
  // Every connection to an environment resolves names through the policy, not only the check before it.
  const lookup = guardedLookup(deps.policy.network);
  const lookupOption = lookup ? { lookup } : {};

  const targetOf = (project: ProjectInput, environment: EnvironmentName) =>
    remoteTargetOf(environment, project.environments[environment], deps.sshIdentities, deps.policy.commands, deps.dataDir);
  const guard = (project: ProjectInput, ...reaches: Array<'environments' | 'repository'>) =>
    assertProjectAllowed(project, deps.policy, { reaches, ...(deps.resolve ? { resolve: deps.resolve } : {}) });

  const runbookOn = async (project: ProjectInput, environment: EnvironmentName) =>
    runPostUpgradeRunbook({
      baseUrl: project.environments[environment].url,
      adminPath: project.environments[environment].adminPath,
      commands: project.runbookCommands,
      ...lookupOption,
      target: await targetOf(project, environment),
      timeoutMs: RUNBOOK_TIMEOUT_MS,
      ...tlsOption,
      signal: cancellationSignal(),
      onProgress: heartbeat,
    });

  const alert = async (ctx: ProjectContext, summary: string, findings: string[], environment: EnvironmentName, key: string) => {
    const notification = composeNotification(
      {
        kind: 'alert',
        workflowId: ctx.workflowId,
        project: ctx.project,
        summary,
        findings,
        environment,
        task: taskRef(environment === 'production' ? 'post-launch-monitoring' : 'launch-to-production'),
        idempotencyKey: `${ctx.workflowId}/alert/${key}`,
      },
      { ...(deps.cli ? { cli: deps.cli } : {}), ...(deps.gatewayUrl ? { gatewayUrl: deps.gatewayUrl } : {}) },
    );
    // An alert that cannot be delivered must not hide the result it reports: log and carry on.
    const outcome = await deps.notifier.send(notification, { enabled: ctx.project.notifications });
    if (!outcome.delivered) log.warn('alert not delivered', { key, results: outcome.results });
  };

  return {
    async migrateProductionDataToStaging(ctx: ProjectContext): Promise<AutomationResult> {
      const { project, workflowId } = ctx;
      await guard(project, 'environments');
      const production = await targetOf(project, 'production');
      const staging = await targetOf(project, 'staging');
      if (!production || !staging) {
        throw ApplicationFailure.nonRetryable(
          'data migration needs environments.production.remote and environments.staging.remote (ssh host/user, or local ' +
            'for a test set-up); add them to the project file, or skip this step with a reason',
          'RemoteTargetMissing',
        );
      }
      try {
        const result = await migrateProductionToStaging({
          production,
          staging,
          stagingBaseUrl: project.environments.staging.url,
          runId: workflowId.replace(/[^a-z0-9-]/gi, '-'),
          ...(project.environments.staging.mysqlCommand ? { mysqlCommand: project.environments.staging.mysqlCommand } : {}),
          stepTimeoutMs: 3_600_000,
          signal: cancellationSignal(),
          onProgress: heartbeat,
        });
        const markdown = [
          `# Production → Staging data migration — ${project.projectId}`,
          '',
          `- Dump: ${result.dumpFile} (${result.bytesTransferred} bytes, sha256 ${result.sha256})`,
          `- Duration: ${Math.round(result.durationMs / 1000)} s`,
          '',
          '| step | where | exit | outcome |',
          '|---|---|---|---|',
          ...result.steps.map((s) => `| ${s.name} | ${s.target} | ${s.exitCode ?? '—'} | ${s.outcome.replace(/\|/g, '\\|')} |`),
        ].join('\n');
        const artifact = await deps.artifacts.put(project.projectId, 'data-migration.md', markdown + '\n');
        return {
          artifact,
          summary: `migrated ${result.bytesTransferred} bytes of production data to staging`,
          facts: { sha256: result.sha256 },
        };
      } catch (error) {
        if (error instanceof MigrationStepError) {
          // The command ran and failed: a retry would fail the same way until a person fixes the cause.
          throw ApplicationFailure.nonRetryable(error.message, 'MigrationStepFailed', error.steps);
        }
        throw error;
      }
    },

    async runPostUpgradeRunbook(
      ctx: ProjectContext,
      request: { environment: EnvironmentName; purpose: 'post-upgrade-checks' | 'uat-validation' | 'go-live' },
    ): Promise<AutomationResult> {
      await guard(ctx.project, 'environments');
      const result = await runbookOn(ctx.project, request.environment);
      const artifact = await deps.artifacts.put(ctx.project.projectId, `runbook-${request.purpose}.md`, renderRunbookReport(result));
      const failed = result.checks.filter((c) => !c.passed && !c.skipped);
      return {
        artifact,
        summary: result.passed
          ? `${request.environment} runbook passed (${result.checks.filter((c) => c.passed).length} checks)`
          : `${request.environment} runbook: ${failed.length} check(s) failed: ${failed.map((c) => c.name).join(', ')}`,
        passed: result.passed,
        facts: { failed: failed.length, dbStatus: result.dbStatus ?? 'not run' },
      };
    },

    /** A bounded load test of Staging, compared with the project's first run (its baseline). */
    async runPerformanceTest(ctx: ProjectContext): Promise<AutomationResult> {
      const { project } = ctx;
      await guard(project, 'environments');
      assertWithinLoadTestCaps(project.performance, deps.policy.loadTest);
      const baselineFile = join(deps.stateDir, 'baselines', `${project.projectId}-performance.json`);
      const baseline = await readBaseline(baselineFile);
      const settings = project.performance;
      // Resolved once and checked here; autocannon connects to this address, not to what the name answers later.
      const pinned = await pinHost(
        new URL(project.environments.staging.url).hostname,
        'environments.staging.url',
        deps.policy.network,
        deps.resolve,
      );
      const result = await runPerformanceTest({
        baseUrl: project.environments.staging.url,
        connectTo: pinned.address,
        paths: settings.paths,
        durationSeconds: settings.durationSeconds,
        connections: settings.connections,
        maxRequests: settings.maxRequests,
        maxP95Ms: settings.maxP95Ms,
        maxErrorRate: settings.maxErrorRate,
        ...(baseline ? { baseline } : {}),
        signal: cancellationSignal(),
        onProgress: heartbeat,
      });
      if (!baseline && result.verdict.passed) {
        await mkdir(join(deps.stateDir, 'baselines'), { recursive: true });
        const first: PerformanceBaseline = {
          p95Ms: result.latencyMs.p95,
          requestsPerSecond: result.requestsPerSecond,
          errorRate: result.errorRate,
        };
        await writeFile(baselineFile, JSON.stringify(first));
      }
      const artifact = await deps.artifacts.put(project.projectId, 'performance-test.md', renderPerformanceReport(result, settings));
      return {
        artifact,
        summary:
          `${result.requests} requests, p95 ${Math.round(result.latencyMs.p95)} ms, errors ` +
          `${(result.errorRate * 100).toFixed(2)}%${result.verdict.passed ? '' : `: ${result.verdict.reasons.join('; ')}`}`,
        passed: result.verdict.passed,
        facts: { p95Ms: result.latencyMs.p95, errorRate: result.errorRate, requestsPerSecond: result.requestsPerSecond },
      };
    },

    async runSecurityChecks(ctx: ProjectContext, request: { environment: EnvironmentName }): Promise<AutomationResult> {
      await guard(ctx.project, 'environments');
      const environment = ctx.project.environments[request.environment];
      const report = await runSecurityChecks({
        baseUrl: environment.url,
        adminPath: environment.adminPath,
        ...lookupOption,
        ...(deps.tls?.ca ? { ca: deps.tls.ca } : {}),
        signal: cancellationSignal(),
        onProgress: heartbeat,
      });
      const artifact = await deps.artifacts.put(ctx.project.projectId, `security-${request.environment}.md`, renderSecurityReport(report));
      const { counts } = report;
      return {
        artifact,
        summary: `security: ${counts.critical} critical, ${counts.high} high, ${counts.medium} medium finding(s)`,
        passed: report.passed,
        facts: { critical: counts.critical, high: counts.high, medium: counts.medium },
      };
    },

    /**
     * Merges the approved commit of the upgrade branch into the production branch and pushes (a push deploys on
     * Adobe Commerce Cloud), waits for Production to answer, runs the go-live runbook, and reverts on failure
     * (compensation). A retry resumes from what the remote holds before it looks at the window: a deploy already
     * pushed by this attempt is checked (and rolled back on failure), a rollback already pushed stays.
     */
    async deployToProduction(ctx: ProjectContext, request: { window: WindowRef; approvedCommit?: string }): Promise<AutomationResult> {
      const { project, workflowId } = ctx;
      // The window is checked by the deployment itself, after it has looked at what the remote already holds.
      await guard(project, 'environments', 'repository');
      const production = project.environments.production;
      let goLive = '';
      const result = await deployToProduction({
        workspace: deps.workspace,
        projectId: project.projectId,
        repositoryUrl: project.repository.url,
        upgradeBranch: upgradeBranchOf(project.targetVersion),
        productionBranch: production.branch,
        waitHealthy: () =>
          waitHealthy(production.url, deps.deployHealthTimeoutMs ?? 600_000, deps.healthPollMs ?? 10_000, deps.tls, lookup),
        goLiveChecks: async () => {
          const runbook = await runbookOn(project, 'production');
          goLive = renderRunbookReport(runbook);
          const failed = runbook.checks.filter((c) => !c.passed && !c.skipped).map((c) => c.name);
          return {
            passed: runbook.passed,
            summary: runbook.passed ? 'go-live checks passed' : `go-live checks failed: ${failed.join(', ')}`,
          };
        },
        onRollback: (reason) =>
          alert(ctx, `Production deployment rolled back: ${reason}`, [reason], 'production', `rollback/${workflowId}`),
        onProgress: heartbeat,
        ...(request.approvedCommit ? { approvedCommit: request.approvedCommit } : {}),
        ...(attemptKey() ? { attemptKey: attemptKey() } : {}),
        startRefusal: () =>
          Date.now() >= Date.parse(request.window.endIso)
            ? `the change window ${request.window.startIso} – ${request.window.endIso} has closed; the deployment waits for the next one`
            : undefined,
      });
      if (!request.approvedCommit) log.warn('deploying the upgrade branch head: the workflow passed no approved commit');
      const lines = [
        `# Production deployment — ${project.projectId}`,
        '',
        `- Status: **${result.status}**`,
        `- Merge commit: ${result.mergeCommit}`,
      ];
      if (result.status === 'deployed' && result.deployedCommit)
        lines.push(
          `- Deployed commit: ${result.deployedCommit}${request.approvedCommit ? ` (approved as ${request.approvedCommit})` : ''}`,
        );
      if (result.status === 'rolled-back' && result.resumed)
        lines.push('- Resumed: an earlier try of this attempt had already rolled back; it stays rolled back.');
      if (result.status === 'rolled-back') lines.push(`- Reverted in ${result.revertCommit}: ${result.reason}`);
      else lines.push(`- ${result.checks}${result.alreadyDeployed ? ' (already deployed by an earlier attempt)' : ''}`);
      lines.push(`- Window: ${request.window.startIso} – ${request.window.endIso}`, '', goLive);
      const artifact = await deps.artifacts.put(project.projectId, 'production-deployment.md', lines.join('\n') + '\n');
      return {
        artifact,
        summary:
          result.status === 'deployed'
            ? `deployed ${result.mergeCommit.slice(0, 10)} to ${production.branch}`
            : `rolled back: ${result.reason}`,
        passed: result.status === 'deployed',
        facts: {
          status: result.status,
          mergeCommit: result.mergeCommit,
          ...(result.status === 'deployed' && result.deployedCommit ? { deployedCommit: result.deployedCommit } : {}),
        },
      };
    },

    /** Watches Production for the post-launch period; resumes from its last heartbeat after a worker crash. */
    async monitorProduction(ctx: ProjectContext): Promise<AutomationResult> {
      const { project, workflowId } = ctx;
      await guard(project, 'environments');
      const result = await monitorProduction({
        baseUrl: project.environments.production.url,
        paths: project.performance.paths,
        periodMs: durationToMs(project.postLaunch.monitorFor),
        intervalMs: durationToMs(project.postLaunch.checkEvery),
        resumeFrom: previousHeartbeat(),
        ...tlsOption,
        ...lookupOption,
        onProgress: heartbeat,
        signal: cancellationSignal(),
      });
      if (result.alerts.length) {
        await alert(
          ctx,
          `Post-launch monitoring found ${result.alerts.length} regression(s)`,
          result.alerts.map((a) => a.message),
          'production',
          `monitor/${workflowId}/${attempt()}`,
        );
      }
      const artifact = await deps.artifacts.put(project.projectId, 'post-launch-monitoring.md', renderMonitoringReport(result));
      return {
        artifact,
        summary:
          `availability ${(result.availability * 100).toFixed(2)}%, p95 ${Math.round(result.p95Ms)} ms, ` +
          `${result.errorCount} error(s), ${result.alerts.length} alert(s)`,
        passed: result.passed,
        facts: { availability: result.availability, p95Ms: result.p95Ms, alerts: result.alerts.length, resumed: result.resumed },
      };
    },
  };
}

/** This deployment across its retries: the run and the scheduled activity (a new round schedules a new one). */
function attemptKey(): string | undefined {
  try {
    const { info } = Context.current();
    return `${info.workflowExecution?.runId ?? info.workflowType}/${info.activityId}`;
  } catch {
    return undefined;
  }
}

/** The worker's caps on load tests (CUO_LOAD_TEST_MAX_*): a project asking for more is refused, never trimmed silently. */
function assertWithinLoadTestCaps(settings: ProjectInput['performance'], caps: LoadTestCaps): void {
  const over: string[] = [];
  if (settings.connections > caps.maxConnections)
    over.push(`performance.connections ${settings.connections} > ${caps.maxConnections} (CUO_LOAD_TEST_MAX_CONNECTIONS)`);
  if (settings.durationSeconds > caps.maxDurationSeconds)
    over.push(`performance.durationSeconds ${settings.durationSeconds} > ${caps.maxDurationSeconds} (CUO_LOAD_TEST_MAX_DURATION)`);
  if (settings.maxRequests > caps.maxRequests)
    over.push(`performance.maxRequests ${settings.maxRequests} > ${caps.maxRequests} (CUO_LOAD_TEST_MAX_REQUESTS)`);
  if (over.length) {
    throw ApplicationFailure.nonRetryable(
      `the load test asks for more than this worker allows: ${over.join('; ')}; lower it in the project file`,
      'LoadTestOverCap',
    );
  }
}

async function readBaseline(file: string): Promise<PerformanceBaseline | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PerformanceBaseline;
  } catch {
    return undefined;
  }
}

/** Polls the storefront until it answers below 500, heartbeating, for at most `timeoutMs`. */
async function waitHealthy(baseUrl: string, timeoutMs: number, pollMs: number, tls?: TlsTrust, lookup?: LookupFunction): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const signal = cancellationSignal();
  const prober = new HttpProber({
    timeoutMs: Math.min(10_000, timeoutMs),
    ...(tls ? { tls } : {}),
    ...(signal ? { signal } : {}),
    ...(lookup ? { lookup } : {}),
  });
  try {
    for (;;) {
      const answer = await prober.probe(baseUrl);
      heartbeat({ stage: 'waiting for production to answer', status: answer.status ?? answer.error });
      if (answer.status !== undefined && answer.status < 500) return true;
      if (Date.now() + pollMs > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  } finally {
    await prober.close();
  }
}
