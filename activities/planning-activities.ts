/**
 * The plan phase and the repository work: read the project's repository, compute what the target version needs,
 * write the plan, the infrastructure changes and the complexity assessment as artifacts, request the service
 * changes, and prepare the upgrade branch.
 */
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ArtifactStore } from './artifact-store';
import type { AutomationResult, EnvironmentName, ProjectContext, ReworkNote, WindowRef } from './contract';
import { assessRepositoryComplexity } from './complexity/assess-repository';
import { inventoryPackages } from './complexity/inventory';
import { buildInfrastructureChangeRequest } from './infrastructure/change-request';
import { renderStagedPlan } from './infrastructure/plan-markdown';
import { planProjectFiles, type PlannedFiles } from './infrastructure/project-files';
import { nonRetryableInputErrors } from './infrastructure/failures';
import { APP_YAML_PATH, SERVICES_YAML_PATH } from './infrastructure/services-yaml';
import { composeNotification } from './notify/message';
import type { Notifier } from './notify/channels';
import { taskRef } from './notify/activities';
import { renderUpgradePlan } from './plan/upgrade-plan';
import { setCommerceConstraints } from './repository/composer';
import type { ProjectRepository, RepositoryWorkspace } from './repository/workspace';
import { requirementsFor } from './requirements/catalog';
import { heartbeat, upgradeBranchOf } from './activity-runtime';
import { assertProjectAllowed } from './policy/project-guard';
import type { WorkerPolicy } from './policy/worker-policy';
import type { ProjectInput } from '../workflows/project-input';
import { effectiveChanges } from './infrastructure/effective-changes';

/** Problems of a change request's timing, reported with the request rather than stopping it. */
const TIMING_PROBLEM = /already started|notice|outside|change window/i;

export interface PlanningDeps {
  artifacts: ArtifactStore;
  workspace: RepositoryWorkspace;
  notifier: Notifier;
  cli?: string;
  /** The approvals gateway's public URL: messages link to its task pages. */
  gatewayUrl?: string;
  now: () => Date;
  /** What the worker's operator allows projects to reach (worker/config.ts). */
  policy: WorkerPolicy;
}

interface InfrastructureView extends PlannedFiles {
  repo: ProjectRepository;
  servicesYaml: string;
  appYaml: string;
}

export function createPlanningActivities(deps: PlanningDeps) {
  /** The project's clone, once the worker's policy allows its repository (CUO_ALLOWED_HOSTS, CUO_LOCAL_REPOSITORY_ROOTS). */
  async function cloneOf(project: ProjectInput): Promise<ProjectRepository> {
    await assertProjectAllowed(project, deps.policy, { reaches: ['repository'] });
    return deps.workspace.ensureClone(project.projectId, project.repository.url);
  }

  /** Clones or fetches the repository and reads the cloud configuration as committed on the base branch. */
  async function infrastructure(ctx: ProjectContext): Promise<InfrastructureView> {
    const { project } = ctx;
    heartbeat('fetching the repository');
    const repo = await cloneOf(project);
    const ref = `origin/${project.repository.baseBranch}`;
    const servicesYaml = await repo.readFileIfExists(SERVICES_YAML_PATH, ref);
    const appYaml = await repo.readFileIfExists(APP_YAML_PATH, ref);
    if (servicesYaml === undefined || appYaml === undefined) {
      throw ApplicationFailure.nonRetryable(
        `${servicesYaml === undefined ? SERVICES_YAML_PATH : APP_YAML_PATH} is missing on ${ref}; an Adobe Commerce ` +
          `cloud project keeps it at the repository root. Check repository.url and repository.baseBranch.`,
        'RepositoryFileMissing',
      );
    }
    const windowMinutes = Math.min(...project.changeWindows.map((w) => w.durationMinutes));
    return nonRetryableInputErrors(() => ({
      repo,
      servicesYaml,
      appYaml,
      ...planProjectFiles({
        servicesYaml,
        appYaml,
        currentVersion: project.currentVersion,
        targetVersion: project.targetVersion,
        windowMinutes,
      }),
    }));
  }

  return {
    async draftUpgradePlan(ctx: ProjectContext, request: { rework?: ReworkNote } = {}): Promise<AutomationResult> {
      const { rework } = request;
      const { project } = ctx;
      const view = await infrastructure(ctx);
      const requirements = nonRetryableInputErrors(() => requirementsFor(project.targetVersion));
      const composer = await view.repo.readComposer(`origin/${project.repository.baseBranch}`);
      const modules = await view.repo.listCustomModules();
      const inventory = composer.lockText ? inventoryPackages(composer.lockText, modules) : undefined;
      const markdown = renderUpgradePlan({
        project,
        requirements,
        changes: view.changes,
        ...(inventory
          ? {
              inventory: {
                adobe: inventory.adobe.map(nameOf),
                thirdParty: inventory.thirdParty.map(nameOf),
                custom: inventory.custom.map(nameOf),
              },
            }
          : {}),
        nowIso: deps.now().toISOString(),
        ...(rework ? { rework } : {}),
      });
      const artifact = await deps.artifacts.put(project.projectId, 'upgrade-plan.md', markdown);
      const services = effectiveChanges(view.changes);
      const redrafted = rework
        ? ` — round ${rework.round}, redrafted after: ` +
          `${rework.reason.split('\n')[0]!.slice(0, 120)}${rework.revision ? ` (revision ${rework.revision.sha256.slice(0, 12)} attached)` : ''}`
        : '';
      return {
        artifact,
        summary:
          `plan ${project.currentVersion} → ${project.targetVersion}: ${services.length} service change(s), PHP ` +
          `${view.changes.php.fromVersion} → ${view.changes.php.toVersion}${redrafted}`,
        facts: {
          serviceChanges: services.length,
          php: view.changes.php.toVersion,
          installed: composer.installedVersion ?? 'unknown',
          ...(rework ? { round: rework.round, ...(rework.revision ? { revision: rework.revision.sha256 } : {}) } : {}),
        },
      };
    },

    async determineInfrastructureChanges(ctx: ProjectContext): Promise<AutomationResult> {
      const view = await infrastructure(ctx);
      const markdown = renderInfrastructureChanges(ctx, view);
      const artifact = await deps.artifacts.put(ctx.project.projectId, 'infrastructure-changes.md', markdown);
      const services = effectiveChanges(view.changes);
      const plan = view.changes.plan;
      const staged = plan
        ? `; bridge ${plan.bridge.length}, launch window ${plan.launch.length} step(s) ` +
          `~${plan.launchMinutes} min${plan.needsDecision ? '; NEEDS A DECISION' : ''}`
        : '';
      return {
        artifact,
        summary:
          (services.length
            ? `${services.map((c) => `${c.serviceId} ${c.fromVersion ?? '—'}→${c.toVersion ?? 'removed'}`).join(', ')}; PHP ${view.changes.php.toVersion}`
            : `no service changes; PHP ${view.changes.php.toVersion}`) + staged,
        // A plan with no known safe order is no pass, whatever else it says.
        passed: view.changes.warnings.length === 0 && !plan?.needsDecision,
        facts: {
          serviceChanges: services.length,
          warnings: view.changes.warnings.length,
          deploys: view.changes.sequence.length,
          bridgeChanges: plan?.bridge.length ?? 0,
          launchSteps: plan?.launch.length ?? 0,
          launchMinutes: plan?.launchMinutes ?? 0,
          needsDecision: plan?.needsDecision ?? false,
        },
      };
    },

    async assessUpgradeComplexity(ctx: ProjectContext): Promise<AutomationResult> {
      const { project } = ctx;
      heartbeat('fetching the repository');
      const repo = await cloneOf(project);
      const result = await assessRepositoryComplexity(repo, {
        projectId: project.projectId,
        customer: project.customer,
        currentVersion: project.currentVersion,
        targetVersion: project.targetVersion,
        ...(project.repository.uctReportPath ? { uctReportPath: project.repository.uctReportPath } : {}),
        ref: `origin/${project.repository.baseBranch}`,
      });
      const artifact = await deps.artifacts.put(project.projectId, 'complexity-assessment.md', result.markdown);
      const { assessment } = result;
      return {
        artifact,
        summary: `complexity ${assessment.rating}: ${assessment.reasons.slice(0, 2).join('; ')}`,
        facts: {
          rating: assessment.rating,
          customModules: result.inventory.custom.length,
          thirdParty: result.inventory.thirdParty.length,
          uctCritical: result.uct?.counts.critical ?? 0,
        },
      };
    },

    /**
     * Pro Staging/Production change their services through Adobe Support: the change request goes out through the
     * notifier (and is the evidence). An Integration environment takes the services change as a commit on its branch.
     */
    async requestInfrastructureChange(
      ctx: ProjectContext,
      request: { environment: EnvironmentName; window: WindowRef },
    ): Promise<AutomationResult> {
      const { project, workflowId } = ctx;
      const environment = project.environments[request.environment];
      const view = await infrastructure(ctx);
      if (environment.kind === 'integration') {
        await view.repo.checkoutBranch(environment.branch, environment.branch);
        // The environment keeps running the current code until the code update: the bridge state only.
        await view.repo.writeFiles({ [SERVICES_YAML_PATH]: view.bridgeServicesYaml });
        const commit = await view.repo.commitAndPush(environment.branch, `Upgrade services for Adobe Commerce ${project.targetVersion}`, {
          stepKey: `${workflowId}/services-${request.environment}`,
        });
        const markdown = renderInfrastructureChanges(ctx, view) + `\n\nCommitted on \`${environment.branch}\` as ${commit.commit}.\n`;
        const artifact = await deps.artifacts.put(project.projectId, `services-commit-${request.environment}.md`, markdown);
        return {
          artifact,
          summary: `services change committed on ${environment.branch} (${commit.commit.slice(0, 10)})`,
          facts: { commit: commit.commit },
        };
      }
      // Only the bridge state: Staging and Production run the current version until the code update, which
      // carries the PHP type, the relationships and the services with no common version.
      const changeRequest = buildInfrastructureChangeRequest({
        project,
        environment: request.environment,
        changes: view.bridge,
        updatedServicesYaml: view.bridgeServicesYaml,
        updatedAppYaml: view.appYaml,
        ...(view.changes.plan ? { plan: view.changes.plan } : {}),
        requestedWindow: request.window,
        nowIso: deps.now().toISOString(),
      });
      // Timing problems (short notice, a window already open or outside the customer's windows) go out with the
      // request, flagged, for the CSE to judge; a request with nothing to change or for the wrong kind of
      // environment cannot go out at all.
      if (changeRequest.problems.some((p) => /nothing to request/.test(p))) {
        const artifact = await deps.artifacts.put(project.projectId, `change-request-${request.environment}.md`, changeRequest.markdown);
        return { artifact, summary: `${request.environment}: no service change needed, nothing requested`, passed: true };
      }
      const fatal = changeRequest.problems.filter((p) => !TIMING_PROBLEM.test(p));
      if (fatal.length) {
        throw ApplicationFailure.nonRetryable(
          `the ${request.environment} change request cannot go out: ${fatal.join('; ')}`,
          'ChangeRequestInvalid',
        );
      }
      const artifact = await deps.artifacts.put(project.projectId, `change-request-${request.environment}.md`, changeRequest.markdown);
      const notification = composeNotification(
        {
          kind: 'change-request',
          workflowId,
          project,
          task: taskRef('upgrade-infrastructure-services'),
          environment: request.environment,
          document: changeRequest.markdown,
          summary: changeRequest.subject,
          window: { startUtc: request.window.startIso, endUtc: request.window.endIso },
          // What identifies the request, not its text: the text says when it was written, so a retry would
          // otherwise send a second ticket under a new key.
          idempotencyKey: `${workflowId}/change-request/${request.environment}/${request.window.startIso}`,
        },
        { ...(deps.cli ? { cli: deps.cli } : {}), ...(deps.gatewayUrl ? { gatewayUrl: deps.gatewayUrl } : {}) },
      );
      const outcome = await deps.notifier.sendOrThrow(notification, { enabled: project.notifications });
      log.info('infrastructure change request sent', {
        environment: request.environment,
        channels: outcome.results.map((r) => `${r.channel}:${r.status}`),
      });
      return {
        artifact,
        summary: `${request.environment} change request for ${request.window.startIso} (${changeRequest.noticeHours} weekday hours of notice)`,
        passed: changeRequest.problems.length === 0,
        facts: {
          noticeHours: changeRequest.noticeHours,
          delivered: outcome.delivered,
          problems: changeRequest.problems.join('; '),
          bridgeChanges: view.changes.plan?.bridge.length ?? 0,
          needsDecision: view.changes.plan?.needsDecision ?? false,
        },
      };
    },

    /**
     * The code update's automated part: the upgrade branch with the composer constraints, the PHP type and the
     * services for the target. The partner then pushes the recompiled, refactored code and approves with a commit.
     */
    async prepareUpgradeBranch(ctx: ProjectContext): Promise<AutomationResult> {
      const { project, workflowId } = ctx;
      const view = await infrastructure(ctx);
      const branch = upgradeBranchOf(project.targetVersion);
      await view.repo.checkoutBranch(branch, project.repository.baseBranch);
      const composerJson = await view.repo.readFile('composer.json');
      const composer = setCommerceConstraints(composerJson, project.targetVersion);
      await view.repo.writeFiles({
        'composer.json': composer.text,
        [SERVICES_YAML_PATH]: view.updatedServicesYaml,
        [APP_YAML_PATH]: view.updatedAppYaml,
      });
      heartbeat('committing the upgrade branch');
      const commit = await view.repo.commitAndPush(
        branch,
        `Prepare the upgrade to Adobe Commerce ${project.targetVersion}\n\n${composer.changes.map((c) => `- ${c}`).join('\n')}\n- ` +
          `PHP ${view.changes.php.toVersion}` +
          (view.changes.plan?.composer.raiseTo ? `\n- composer/composer ${view.changes.plan.composer.raiseTo}` : ''),
        { stepKey: `${workflowId}/prepare-upgrade-branch` },
      );
      const head = (await view.repo.headOf(branch)) ?? commit.commit;
      const markdown = [
        `# Upgrade branch — ${project.projectId}`,
        '',
        `- Branch: \`${branch}\` from \`${project.repository.baseBranch}\``,
        `- Prepared in commit ${commit.commit}${commit.created ? '' : ' (already there)'}; branch head ${head}`,
        '',
        '## Changes',
        '',
        ...composer.changes.map((c) => `- composer.json: ${c}`),
        `- ${APP_YAML_PATH}: PHP ${view.changes.php.fromVersion} → ${view.changes.php.toVersion}`,
        ...(view.changes.plan?.composer.raiseTo
          ? [`- ${APP_YAML_PATH}: composer/composer ${view.changes.plan.composer.installed ?? '—'} → ${view.changes.plan.composer.raiseTo}`]
          : []),
        ...view.changes.relationships.map((r) => `- ${APP_YAML_PATH}: relationship ${r.action} ${r.name}`),
        ...effectiveChanges(view.changes).map(
          (c) => `- ${SERVICES_YAML_PATH}: ${c.serviceId} ${c.fromVersion ?? '—'} → ${c.toVersion ?? 'removed'}`,
        ),
        '',
        'Next: run `composer update` on this branch, recompile and refactor the customizations, push, and approve',
        'the task naming the commit you sign off (`--evidence <commit>`, short or full sha). The launch deploys',
        'exactly that commit, and refuses if the branch has moved past it since the approval.',
      ].join('\n');
      const artifact = await deps.artifacts.put(project.projectId, 'upgrade-branch.md', markdown);
      return {
        artifact,
        summary: `branch ${branch} at ${head.slice(0, 10)} (${composer.changes.length} composer change(s))`,
        facts: { branch, commit: commit.commit, head, created: commit.created },
      };
    },
  };
}

function nameOf(item: string | { name: string }): string {
  return typeof item === 'string' ? item : item.name;
}

function renderInfrastructureChanges(ctx: ProjectContext, view: InfrastructureView): string {
  const { changes } = view;
  const lines = [
    `# Infrastructure changes — ${ctx.project.projectId}`,
    '',
    `Target: Adobe Commerce ${changes.targetVersion}. Requirements: ${changes.requirementsSource}.`,
    '',
    '| service | from | to | path | kind | why |',
    '|---|---|---|---|---|---|',
    ...changes.services.map(
      (c) =>
        `| ${c.serviceId} (${c.serviceName}) | ${c.fromVersion ?? '—'} | ${c.toVersion ?? 'removed'} | ` +
        `${c.upgradePath.join(' → ') || '—'} | ${c.kind} | ${c.reason.replace(/\|/g, '\\|')} |`,
    ),
    `| php | ${changes.php.fromVersion} | ${changes.php.toVersion} | — | ${changes.php.kind} | ${changes.php.reason.replace(/\|/g, '\\|')} |`,
    '',
    '## Deploy sequence',
    '',
    ...changes.sequence.map((step, i) => `${i + 1}. ${step}`),
  ];
  if (changes.warnings.length) lines.push('', '## Warnings', '', ...changes.warnings.map((w) => `- ${w}`));
  if (changes.plan) lines.push('', ...renderStagedPlan(changes.plan));
  lines.push(
    '',
    '## Sizing review (CSE)',
    '',
    'Review Staging and Production sizing for the new service versions before approving.',
    '',
    `## ${SERVICES_YAML_PATH} after the change`,
    '',
    '```yaml',
    view.updatedServicesYaml.trimEnd(),
    '```',
  );
  return lines.join('\n') + '\n';
}
