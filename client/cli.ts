/**
 * `cuo`: the Commerce Upgrade Orchestrator CLI for CSEs, owners and managers (command reference and exit codes in
 * client/README.md). `run` parses, dispatches and maps every failure to one clear message and an exit code.
 */
import { Command, CommanderError } from 'commander';
import { registerStart } from './commands/start';
import { registerInspect } from './commands/inspect';
import { registerOverview } from './commands/overview';
import { registerDecide } from './commands/decide';
import { registerAttach } from './commands/attach';
import { registerReference } from './commands/reference';
import { registerInfrastructure } from './commands/infrastructure';
import { registerAuth } from './commands/auth';
import { registerAdmin } from './commands/admin';
import { registerVerify } from './commands/verify';
import type { CommandContext } from './commands/context';
import { CliError, EXIT } from './exit-codes';
import { processIo, type Io } from './io';
import { resolveSettings, type GlobalOptions, type Settings } from './settings';

export function buildProgram(io: Io, env: NodeJS.ProcessEnv = process.env): Command {
  const program = new Command('cuo');
  let settings: Settings | undefined;
  const ctx: CommandContext = {
    io,
    settings: () => (settings ??= resolveSettings(program.opts<GlobalOptions>(), env)),
  };
  program
    .description('Adobe Commerce upgrade projects as durable Temporal workflows: start, inspect, decide.')
    .option('--task-queue <name>', 'task queue of the workers (env TASK_QUEUE; default commerce-upgrades)')
    .option('--profile <name>', 'Temporal environment-configuration profile (env TEMPORAL_PROFILE)')
    .option('--timeout <seconds>', 'how long to wait for a worker to answer a query or decision (env CUO_TIMEOUT; default 10)')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) })
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 unexpected failure, 2 bad usage or invalid project file, 3 refused, 4 not found, 5 Temporal, ' +
        'gateway or worker unavailable, 6 already started, 7 not signed in (`cuo login`), 8 a decision did not verify (`verify`).',
    );
  // Every subcommand throws instead of exiting, so `run` decides the exit code.
  const subcommandSetup = (cmd: Command) =>
    cmd.exitOverride().configureOutput(program.configureOutput()).showHelpAfterError('(add --help for usage)');
  registerStart(program, ctx);
  registerInspect(program, ctx);
  registerOverview(program, ctx);
  registerDecide(program, ctx);
  registerAttach(program, ctx);
  registerReference(program, ctx);
  registerInfrastructure(program, ctx);
  registerAuth(program, ctx);
  registerAdmin(program, ctx);
  registerVerify(program, ctx);
  const setupAll = (cmd: Command): void => {
    subcommandSetup(cmd);
    cmd.commands.forEach(setupAll);
  };
  program.commands.forEach(setupAll);
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function run(argv: string[], io: Io = processIo(), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = buildProgram(io, env);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed the message or the help already.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliError) {
      io.err(`cuo: ${err.message}`);
      for (const line of err.details) io.err(line);
      return err.exitCode;
    }
    io.err(`cuo: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return EXIT.failure;
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`cuo: ${String(err)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
