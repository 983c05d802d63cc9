/**
 * The worker policy of a test, bench or demo landscape on this machine: its stand-ins are on loopback and its
 * environment folders run local commands, which a production worker refuses. Each allowance is named here, so a
 * test shows what it opens and nothing else is open (issue #12).
 */
import type { WorkerPolicy } from '../../activities/policy/worker-policy';
import { DEFAULT_LOAD_TEST_CAPS } from '../../activities/policy/worker-policy';

export function localLandscapePolicy(options: { repositoryRoots: string[] }): WorkerPolicy {
  return {
    // The environment folders' stand-in scripts (bin/magento, vendor/bin/ece-tools, mysql) run in a local shell.
    commands: { allowLocal: true, sshHosts: ['127.0.0.1', 'localhost'] },
    // The storefronts, SMTP and webhook receivers listen on 127.0.0.1.
    network: { allowedHosts: ['127.0.0.1', 'localhost', '::1'], allowPrivateNetworks: true },
    // The project's bare origin lives in a temp folder.
    localRepositoryRoots: options.repositoryRoots,
    loadTest: DEFAULT_LOAD_TEST_CAPS,
    // Seconds instead of days, so a whole project runs within a test.
    allowShortTimings: true,
  };
}
