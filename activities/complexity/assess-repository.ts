/**
 * The complexity assessment of a cloned project: the lock and app/code modules from the repository, the UCT report
 * from `repository.uctReportPath` when the project file names one. The caller stores `markdown` as the artifact.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ProjectRepository } from '../repository/workspace';
import { assessComplexity, type ComplexityAssessment } from './assess';
import { inventoryPackages, type PackageInventory } from './inventory';
import { renderComplexityReport } from './report';
import { parseUctReport, type UctReport } from './uct-report';

export interface RepositoryComplexityInput {
  projectId: string;
  customer?: string;
  currentVersion: string;
  targetVersion: string;
  /** Repository-relative path of the UCT report (text or cuo-uct-report/1 JSON). */
  uctReportPath?: string;
  /** Read files as committed on this ref (e.g. `origin/master`) instead of the working tree. */
  ref?: string;
}

export interface RepositoryComplexity {
  inventory: PackageInventory;
  uct?: UctReport;
  assessment: ComplexityAssessment;
  markdown: string;
  /** The Commerce version the lock says is installed (magento/product-enterprise-edition). */
  installedVersion?: string;
}

export async function assessRepositoryComplexity(repo: ProjectRepository, input: RepositoryComplexityInput): Promise<RepositoryComplexity> {
  const composer = await repo.readComposer(input.ref);
  if (composer.lockText === undefined) {
    throw ApplicationFailure.nonRetryable(
      'composer.lock is missing from the repository; cloud projects deploy from a committed lock. Commit it and retry.',
      'RepositoryFileMissing',
    );
  }
  const inventory = inventoryPackages(composer.lockedPackages, await repo.listCustomModules());
  let uct: UctReport | undefined;
  if (input.uctReportPath) {
    try {
      uct = parseUctReport(await repo.readFile(input.uctReportPath, input.ref));
    } catch (error) {
      if (error instanceof ApplicationFailure) {
        throw ApplicationFailure.nonRetryable(`${input.uctReportPath}: ${error.message}`, error.type ?? 'UnsupportedUctReport');
      }
      throw error;
    }
  }
  const assessment = assessComplexity({ inventory, uct, currentVersion: input.currentVersion, targetVersion: input.targetVersion });
  const markdown = renderComplexityReport({
    projectId: input.projectId,
    customer: input.customer,
    currentVersion: input.currentVersion,
    targetVersion: input.targetVersion,
    inventory,
    uct,
    uctSource: input.uctReportPath,
    assessment,
  });
  return { inventory, uct, assessment, markdown, installedVersion: composer.installedVersion };
}
