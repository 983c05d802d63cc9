/**
 * `infrastructure <repository path or URL> --to <target> [--from <v>]`: the staged plan a project would get, before
 * a project is started (no Temporal server needed). Reads `.magento/services.yaml`, `.magento.app.yaml` and, for the
 * current version, `composer.lock` (magento/product-enterprise-edition) from a folder or a clone of the repository.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { planProjectFiles } from '../../activities/infrastructure/project-files';
import { APP_YAML_PATH, ConfigFileError, SERVICES_YAML_PATH } from '../../activities/infrastructure/services-yaml';
import { ENTERPRISE_EDITION } from '../../activities/repository/composer';
import { RepositoryWorkspace, UPGRADE_BOT_AUTHOR } from '../../activities/repository/workspace';
import { UnknownCommerceVersionError } from '../../activities/requirements/catalog';
import { CliError, EXIT } from '../exit-codes';
import { renderInfrastructurePreview } from '../format/infrastructure';
import type { CommandContext } from './context';

interface Options {
  to: string;
  from?: string;
  branch?: string;
  windowMinutes?: string;
  json?: boolean;
}

interface ProjectFiles {
  servicesYaml?: string;
  appYaml?: string;
  composerLock?: string;
}

/** A project folder (a working copy, git or not): its files are read as they are on disk. */
async function isProjectFolder(path: string): Promise<boolean> {
  return Boolean(await stat(join(path, APP_YAML_PATH)).catch(() => undefined));
}

async function readFolder(dir: string): Promise<ProjectFiles> {
  const read = (rel: string) => readFile(join(dir, rel), 'utf8').catch(() => undefined);
  return { servicesYaml: await read(SERVICES_YAML_PATH), appYaml: await read(APP_YAML_PATH), composerLock: await read('composer.lock') };
}

async function readRepository(url: string, branch: string | undefined): Promise<ProjectFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'cuo-infrastructure-'));
  try {
    const workspace = new RepositoryWorkspace({ workspacesDir: dir, author: UPGRADE_BOT_AUTHOR });
    const repo = await workspace.ensureClone('preview', url).catch((error: unknown) => {
      throw new CliError(`cannot read the repository: ${(error as Error).message}`, EXIT.notFound);
    });
    const ref = branch === undefined ? undefined : `origin/${branch}`;
    const read = (rel: string) => repo.readFileIfExists(rel, ref);
    return { servicesYaml: await read(SERVICES_YAML_PATH), appYaml: await read(APP_YAML_PATH), composerLock: await read('composer.lock') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The Commerce version composer.lock has installed (the metapackage version is not the Commerce version). */
export function installedCommerceVersion(lockText: string): string | undefined {
  let lock: unknown;
  try {
    lock = JSON.parse(lockText);
  } catch (error) {
    throw new CliError(
      `composer.lock is not valid JSON (${(error as Error).message}); fix it, or name the current version with --from`,
      EXIT.usage,
    );
  }
  const packages = (lock as { packages?: unknown }).packages;
  if (!Array.isArray(packages))
    throw new CliError('composer.lock has no "packages" list; name the current version with --from', EXIT.usage);
  const edition = packages.find(
    (p): p is { version: string } =>
      (p as { name?: unknown })?.name === ENTERPRISE_EDITION && typeof (p as { version?: unknown }).version === 'string',
  );
  return edition?.version.replace(/^v/, '');
}

export function registerInfrastructure(program: Command, ctx: CommandContext): void {
  const { io } = ctx;
  program
    .command('infrastructure')
    .description('the staged infrastructure plan a project would get: bridge state, launch-window order, requirements (no server needed)')
    .argument('<repository>', 'a project folder (read as it is on disk), or a repository URL or bare repository (cloned)')
    .requiredOption('--to <version>', 'target Adobe Commerce version, e.g. 2.4.8-p5')
    .option('--from <version>', 'current version (default: magento/product-enterprise-edition in composer.lock)')
    .option('--branch <name>', 'branch to read from a repository (default: its default branch)')
    .option('--window-minutes <n>', 'length of the shortest production change window, to check the launch fits')
    .option('--json', 'print JSON')
    .action(async (repository: string, opts: Options) => {
      let windowMinutes: number | undefined;
      if (opts.windowMinutes !== undefined) {
        windowMinutes = Number(opts.windowMinutes);
        if (!Number.isInteger(windowMinutes) || windowMinutes < 15)
          throw new CliError(`--window-minutes must be a whole number of minutes (15 or more), got "${opts.windowMinutes}"`, EXIT.usage);
      }
      const files =
        opts.branch === undefined && (await isProjectFolder(repository))
          ? await readFolder(repository)
          : await readRepository(repository, opts.branch);
      for (const [file, text] of [
        [SERVICES_YAML_PATH, files.servicesYaml],
        [APP_YAML_PATH, files.appYaml],
      ] as const) {
        if (text === undefined)
          throw new CliError(
            `${file} is missing in ${repository}; an Adobe Commerce cloud project keeps it at the repository root`,
            EXIT.notFound,
          );
      }
      const currentVersion = opts.from ?? (files.composerLock === undefined ? undefined : installedCommerceVersion(files.composerLock));
      if (!currentVersion) {
        throw new CliError(
          `cannot tell the current version: composer.lock ${files.composerLock === undefined ? 'is missing' : `does not lock ${ENTERPRISE_EDITION}`}; ` +
            `name it with --from`,
          EXIT.usage,
        );
      }
      let planned;
      try {
        planned = planProjectFiles({
          servicesYaml: files.servicesYaml ?? '',
          appYaml: files.appYaml ?? '',
          currentVersion,
          targetVersion: opts.to,
          ...(windowMinutes === undefined ? {} : { windowMinutes }),
        });
      } catch (error) {
        if (error instanceof ConfigFileError) throw new CliError(error.message, EXIT.usage);
        if (error instanceof UnknownCommerceVersionError) throw new CliError(error.message, EXIT.notFound);
        throw error;
      }
      if (opts.json) {
        io.json({
          currentVersion,
          targetVersion: planned.changes.targetVersion,
          plan: planned.changes.plan,
          services: planned.changes.services,
          php: planned.changes.php,
          relationships: planned.changes.relationships,
          warnings: planned.changes.warnings,
          sequence: planned.changes.sequence,
          requirementsSource: planned.changes.requirementsSource,
          files: {
            bridgeServicesYaml: planned.bridgeServicesYaml,
            servicesYaml: planned.updatedServicesYaml,
            appYaml: planned.updatedAppYaml,
          },
        });
      } else {
        io.out(renderInfrastructurePreview(planned, io.style));
      }
    });
}
