/**
 * Exit codes scripts can rely on (documented in client/README.md). One place, so a command never invents its own.
 */
export const EXIT = {
  ok: 0,
  /** Something unexpected: a bug or an error the CLI does not know how to explain. */
  failure: 1,
  /** Bad usage or an invalid project file: fix the command line or the file. */
  usage: 2,
  /** The workflow refused the request (validator reason printed), or the project takes no more decisions. */
  refused: 3,
  /** No such project (workflow `upgrade-<id>`), task or version. */
  notFound: 4,
  /** Temporal unreachable, or no worker answered in time. */
  unavailable: 5,
  /** `start` of a project whose workflow already exists. */
  alreadyStarted: 6,
  /** Not signed in, or the sign-in expired or was refused: run `cuo login`. */
  unauthenticated: 7,
  /** `verify`: a decision the workflow accepted does not verify from the history (altered payload or keys). */
  notVerified: 8,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error whose message is meant for the person at the terminal, with the exit code it ends the CLI with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** Extra lines printed after the message (e.g. every problem of a project file). */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}
