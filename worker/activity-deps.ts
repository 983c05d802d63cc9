/**
 * Builds the adapters the activities need from the validated worker configuration. Secrets (SMTP credentials,
 * webhook URL, SSH keys) enter here and nowhere else: never through workflow input or history.
 */
import { join, resolve } from 'node:path';
import type { ActivityDeps } from '../activities';
import { ArtifactStore } from '../activities/artifact-store';
import { Notifier } from '../activities/notify/channels';
import { RepositoryWorkspace, UPGRADE_BOT_AUTHOR } from '../activities/repository/workspace';
import type { WorkerConfig } from './config';
import type { PinoLogger } from './logger';

export function buildActivityDeps(config: WorkerConfig, logger: PinoLogger): ActivityDeps {
  const dataDir = resolve(config.dataDir);
  const { smtpUrl, smtpFrom, webhookUrl } = config.notifications;
  const notifier = new Notifier({
    ...(webhookUrl ? { webhook: { url: webhookUrl } } : {}),
    ...(smtpUrl && smtpFrom ? { email: { smtpUrl, from: smtpFrom } } : {}),
  });
  const channels = notifier.configuredChannels();
  logger.info({ dataDir, policy: config.policy }, 'what projects may do on this worker (CUO_* settings)');
  logger.info(
    { dataDir, notificationChannels: channels },
    channels.length
      ? 'notifications configured'
      : 'no notification channel configured: messages are skipped (set WEBHOOK_URL or SMTP_URL/SMTP_FROM)',
  );
  return {
    artifacts: new ArtifactStore(join(dataDir, 'artifacts')),
    workspace: new RepositoryWorkspace({
      workspacesDir: join(dataDir, 'workspaces'),
      author: UPGRADE_BOT_AUTHOR,
      network: { policy: config.policy.network },
    }),
    notifier,
    dataDir,
    ...(config.links.gatewayUrl ? { gatewayUrl: config.links.gatewayUrl } : {}),
    ...(config.links.emailLinks ? { emailLinks: config.links.emailLinks } : {}),
    sshIdentities: config.sshIdentities,
    policy: config.policy,
  };
}
