/**
 * A deliberately incompatible `upgradeProject` (it waits on a timer where the real one schedules its first
 * activity): replaying the recorded histories against it must fail, which proves the replay test can catch a
 * change that would break running projects.
 */
import { sleep } from '@temporalio/workflow';

export async function upgradeProject(): Promise<void> {
  await sleep('1 minute');
}
