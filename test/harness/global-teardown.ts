/** Stops the shared dev server started by global-setup.ts. */
import { takeSharedEnv } from './shared-env';

export default async function globalTeardown(): Promise<void> {
  await takeSharedEnv()?.teardown();
}
