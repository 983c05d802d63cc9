/**
 * A whole Adobe Commerce landscape on this machine, for end-to-end runs, the chaos suite, the benchmark and the
 * demo: the project's git repository with a bare origin, Staging and Production storefronts on loopback (HTTPS
 * with self-signed certificates), an SMTP server and a webhook receiver, and an environment folder per
 * environment where `bin/magento`, `vendor/bin/ece-tools` and `mysql` are small stand-in scripts that do what the
 * real commands do to files (dump, import, report the schema state). Real processes, real sockets, real git.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ActivityDeps } from '../../activities';
import { ArtifactStore } from '../../activities/artifact-store';
import { Notifier } from '../../activities/notify/channels';
import { RepositoryWorkspace, UPGRADE_BOT_AUTHOR } from '../../activities/repository/workspace';
import type { ProjectFile } from '../../workflows/project-input';
import { localLandscapePolicy } from './local-policy';
import { createCommerceRepo, FIXTURE_UCT_PATHS, type CommerceRepo } from './git-fixtures';
import { ALWAYS_OPEN, PEOPLE, uniqueProjectId } from './project-fixture';
import { startSmtpReceiver, type SmtpReceiver } from './smtp-receiver';
import { startStorefront, type Storefront } from './storefront-server';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

export interface LocalLandscape {
  root: string;
  repo: CommerceRepo;
  staging: Storefront;
  production: Storefront;
  smtp: SmtpReceiver;
  webhook: WebhookReceiver;
  environmentDirs: { staging: string; production: string };
  dataDir: string;
  /** A project file pointing at all of the above. */
  project(overrides?: Partial<ProjectFile>): ProjectFile;
  /** Real adapters wired to the loopback receivers and trusting the storefronts' certificates. */
  activityDeps(): ActivityDeps;
  close(): Promise<void>;
}

async function script(path: string, body: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
}

/** Stand-ins for the commands the runbook and the data migration run on an environment. */
async function environmentFolder(dir: string): Promise<void> {
  await script(
    join(dir, 'bin/magento'),
    [
      'echo "$@" >> var/magento-calls.log',
      'case "$1" in',
      // Exit code as documented for setup:db:status (0 up to date); a test can write another into var/db-status.
      '  setup:db:status) code=$(cat var/db-status 2>/dev/null || echo 0); [ "$code" = 0 ] && echo "All modules are up to date." || echo "Declarative Schema is not up to date"; exit "$code";;',
      '  --version) echo "Magento CLI 2.4.8-p3";;',
      '  *) echo "ok: $1";;',
      'esac',
    ].join('\n'),
  );
  await script(
    join(dir, 'vendor/bin/ece-tools'),
    [
      '[ "$1" = db-dump ] || { echo "unknown command $1" >&2; exit 1; }',
      'out=.; while [ $# -gt 0 ]; do [ "$1" = --dump-directory ] && out=$2; shift; done',
      'mkdir -p "$out"',
      'echo "INSERT INTO core_config_data VALUES (\'web/unsecure/base_url\', \'https://www.example.com/\');" | gzip > "$out/dump-$(date +%s).sql.gz"',
      'echo "The dump file has been created"',
    ].join('\n'),
  );
  await mkdir(join(dir, 'var'), { recursive: true });
}

export async function startLocalLandscape(): Promise<LocalLandscape> {
  const root = await mkdtemp(join(tmpdir(), 'cuo-landscape-'));
  const environmentDirs = { staging: join(root, 'env-staging'), production: join(root, 'env-production') };
  await environmentFolder(environmentDirs.staging);
  await environmentFolder(environmentDirs.production);
  // The import on Staging pipes into the MySQL client; this stand-in keeps what it received.
  await script(join(environmentDirs.staging, 'bin/mysql'), 'cat > var/imported.sql');

  const repo = await createCommerceRepo({ uctReport: 'text' });
  const staging = await startStorefront({ https: true });
  const production = await startStorefront({ https: true });
  const smtp = await startSmtpReceiver();
  const webhook = await startWebhookReceiver();
  const dataDir = join(root, 'data');

  return {
    root,
    repo,
    staging,
    production,
    smtp,
    webhook,
    environmentDirs,
    dataDir,
    project: (overrides = {}) => ({
      version: 1,
      projectId: uniqueProjectId('e2e'),
      customer: 'Acme Retail',
      participants: PEOPLE,
      currentVersion: '2.4.6-p8',
      targetVersion: '2.4.8-p3',
      repository: { url: repo.remoteDir, baseBranch: 'master', uctReportPath: FIXTURE_UCT_PATHS.text },
      environments: {
        staging: {
          url: staging.url,
          branch: 'staging',
          mysqlCommand: 'bin/mysql',
          remote: { type: 'local', cwd: environmentDirs.staging },
        },
        production: { url: production.url, branch: 'master', remote: { type: 'local', cwd: environmentDirs.production } },
      },
      changeWindows: ALWAYS_OPEN,
      timing: { remindAfter: '1h', escalateAfter: '2h' },
      performance: { paths: ['/'], durationSeconds: 1, connections: 2, maxRequests: 200, maxP95Ms: 1500, maxErrorRate: 0.01 },
      postLaunch: { monitorFor: '2s', checkEvery: '500ms' },
      ...overrides,
    }),
    activityDeps: () => {
      // Tests create further repositories beside the landscape's (one per project): the temp folder holds them all.
      const policy = localLandscapePolicy({ repositoryRoots: [realpathSync(tmpdir()), dirname(repo.remoteDir)] });
      return {
        artifacts: new ArtifactStore(join(dataDir, 'artifacts')),
        workspace: new RepositoryWorkspace({
          workspacesDir: join(dataDir, 'workspaces'),
          author: UPGRADE_BOT_AUTHOR,
          network: { policy: policy.network },
        }),
        notifier: new Notifier({ webhook: { url: webhook.url }, email: { smtpUrl: smtp.url, from: 'upgrades@commerce-upgrades.invalid' } }),
        dataDir,
        tls: { ca: [staging.certificatePem, production.certificatePem].join('\n') },
        healthPollMs: 200,
        deployHealthTimeoutMs: 10_000,
        policy,
      };
    },
    async close() {
      await Promise.all([staging.close(), production.close(), smtp.close(), webhook.close()]);
      await repo.cleanup();
      await rm(root, { recursive: true, force: true });
    },
  };
}
