/** Answers that need no server: `raci [activity]` and `requirements <version>`. */
import type { Command } from 'commander';
import { knownVersions, requirementsFor, UnknownCommerceVersionError, type Platform } from '../../activities/requirements/catalog';
import { lifecycleFor } from '../../activities/requirements/lifecycle';
import { findRaci } from '../../workflows/raci';
import { CliError, EXIT } from '../exit-codes';
import { renderRaci } from '../format/raci';
import { renderRequirements } from '../format/requirements';
import type { CommandContext } from './context';

export function registerReference(program: Command, ctx: CommandContext): void {
  const { io } = ctx;
  program
    .command('raci')
    .description('who owns, contributes to and advises on an activity of the engagement (no server needed)')
    .argument('[activity...]', 'words of the activity, e.g. "ssl", "cab", "go-live"; none lists every row')
    .option('--json', 'print JSON')
    .action((words: string[], opts: { json?: boolean }) => {
      const query = words.join(' ');
      const rows = findRaci(query);
      if (rows.length === 0)
        throw new CliError(`no engagement RACI activity matches "${query}"; \`cuo raci\` lists them all`, EXIT.notFound);
      if (opts.json) io.json(rows);
      else io.out(renderRaci(rows, io.style));
    });

  program
    .command('requirements')
    .description('the services and PHP an Adobe Commerce version needs (no server needed)')
    .argument('<version>', 'e.g. 2.4.8-p3')
    .option('--platform <platform>', 'cloud (default) or on-premises', 'cloud')
    .option('--json', 'print JSON')
    .action((version: string, opts: { platform: string; json?: boolean }) => {
      if (opts.platform !== 'cloud' && opts.platform !== 'on-premises') {
        throw new CliError(`--platform must be cloud or on-premises, got "${opts.platform}"`, EXIT.usage);
      }
      let requirements;
      try {
        requirements = requirementsFor(version, { platform: opts.platform as Platform });
      } catch (err) {
        if (err instanceof UnknownCommerceVersionError) {
          throw new CliError(
            `Adobe Commerce ${version} is not in the requirements catalog; known versions: ${knownVersions().join(', ')}`,
            EXIT.notFound,
          );
        }
        throw err;
      }
      if (opts.json) io.json({ ...requirements, lifecycle: lifecycleFor(requirements.version) });
      else io.out(renderRequirements(requirements, lifecycleFor(requirements.version), io.style));
    });
}
