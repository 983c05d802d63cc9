/** What every command gets: where to write, the settings from the global options, and a session when needed. */
import type { Io } from '../io';
import { Session } from '../session';
import type { Settings } from '../settings';

export interface CommandContext {
  io: Io;
  settings(): Settings;
}

/**
 * Opens a session for `fn` and always closes it; failures become CliErrors naming the project (and, for an update
 * that got no answer in time, saying that it may still be applied).
 */
export async function withSession<T>(
  ctx: CommandContext,
  projectId: string | undefined,
  fn: (session: Session) => Promise<T>,
  update?: string,
): Promise<T> {
  const session = await Session.open(ctx.settings());
  try {
    return await fn(session);
  } catch (err) {
    throw await session.explainWithLookup(err, projectId, update);
  } finally {
    await session.close();
  }
}
