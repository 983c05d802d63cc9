/**
 * Worker configuration from the environment: defaults, every variable's accepted form, and a message naming the
 * variable and the expected form for each bad value (all bad values reported at once).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadWorkerConfig } from '../../worker/config';
import { devServerSearchAttributeArgs } from '../../scripts/search-attribute-flags';
import { UPGRADE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { loadConnectConfig } from '../../client/connection';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadWorkerConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

let dir: string;
let keyFile: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cuo-config-'));
  keyFile = path.join(dir, 'id_staging');
  writeFileSync(keyFile, 'not a real key, only its path is checked');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('defaults', () => {
  test('an empty environment gives the contract task queue and safe defaults', () => {
    expect(loadWorkerConfig({})).toEqual({
      temporalAddress: undefined,
      temporalNamespace: undefined,
      taskQueue: 'commerce-upgrades',
      logLevel: 'info',
      maxConcurrentActivityTaskExecutions: undefined,
      maxConcurrentWorkflowTaskExecutions: undefined,
      maxCachedWorkflows: 100,
      shutdownGraceTimeMs: 30_000,
      dataDir: '.data',
      notifications: { smtpUrl: undefined, smtpFrom: undefined, webhookUrl: undefined },
      // No gateway URL: messages name CLI commands; no one-time e-mail links.
      links: {},
      sshIdentities: {},
      // Nothing a project could ask of the host is allowed until the operator says so (issue #12).
      policy: {
        commands: { allowLocal: false, sshHosts: [] },
        network: { allowedHosts: [], allowPrivateNetworks: false },
        localRepositoryRoots: [],
        loadTest: { maxConnections: 50, maxDurationSeconds: 300, maxRequests: 100_000 },
        allowShortTimings: false,
      },
      secrets: [],
    });
  });

  test('WORKER_MAX_CACHED_WORKFLOWS bounds the projects kept in memory', () => {
    expect(loadWorkerConfig({ WORKER_MAX_CACHED_WORKFLOWS: '250' }).maxCachedWorkflows).toBe(250);
    expect(() => loadWorkerConfig({ WORKER_MAX_CACHED_WORKFLOWS: '0' })).toThrow(
      /WORKER_MAX_CACHED_WORKFLOWS="0": expected a whole number greater than 0/,
    );
  });

  test('empty optional variables count as unset', () => {
    expect(loadWorkerConfig({ LOG_LEVEL: '', TEMPORAL_ADDRESS: '', SMTP_URL: '' }).logLevel).toBe('info');
  });
});

describe('accepted values', () => {
  test('every variable in its documented form', () => {
    const config = loadWorkerConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'upgrades-prod',
      TASK_QUEUE: 'commerce-upgrades-canary',
      LOG_LEVEL: 'debug',
      WORKER_MAX_CONCURRENT_ACTIVITIES: '20',
      WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '40',
      WORKER_SHUTDOWN_GRACE: '2m',
      CUO_DATA_DIR: '/var/lib/cuo',
      SMTP_URL: 'smtp://bot:secret@mail.example.com:587',
      SMTP_FROM: 'Upgrades <upgrades@example.com>',
      WEBHOOK_URL: 'https://hooks.example.com/upgrades',
      SSH_IDENTITY_STAGING: keyFile,
    });
    expect(config).toMatchObject({
      temporalAddress: 'temporal.internal:7233',
      temporalNamespace: 'upgrades-prod',
      taskQueue: 'commerce-upgrades-canary',
      logLevel: 'debug',
      maxConcurrentActivityTaskExecutions: 20,
      maxConcurrentWorkflowTaskExecutions: 40,
      shutdownGraceTimeMs: 120_000,
      dataDir: '/var/lib/cuo',
      notifications: {
        smtpUrl: 'smtp://bot:secret@mail.example.com:587',
        smtpFrom: 'Upgrades <upgrades@example.com>',
        webhookUrl: 'https://hooks.example.com/upgrades',
      },
      sshIdentities: { staging: keyFile },
    });
  });

  test.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['1h', 3_600_000],
  ])('WORKER_SHUTDOWN_GRACE=%s is %d ms', (value, ms) => {
    expect(loadWorkerConfig({ WORKER_SHUTDOWN_GRACE: value }).shutdownGraceTimeMs).toBe(ms);
  });

  test.each(['localhost:7233', '127.0.0.1:1', '[::1]:65535', 'acme.tmprl.cloud:7233'])('TEMPORAL_ADDRESS=%s', (address) => {
    expect(loadWorkerConfig({ TEMPORAL_ADDRESS: address }).temporalAddress).toBe(address);
  });
});

describe('bad values stop the worker with the variable and the expected form', () => {
  test.each([
    ['TEMPORAL_ADDRESS', 'localhost', 'expected host:port'],
    ['TEMPORAL_ADDRESS', 'localhost:99999', 'port from 1 to 65535'],
    ['TEMPORAL_ADDRESS', 'localhost:0', 'port from 1 to 65535'],
    ['TEMPORAL_ADDRESS', 'http://localhost:7233', 'expected host:port'],
    ['TEMPORAL_NAMESPACE', '', 'non-empty namespace'],
    ['TASK_QUEUE', 'commerce upgrades', 'without spaces'],
    ['LOG_LEVEL', 'verbose', 'expected one of fatal, error, warn, info, debug, trace, silent'],
    ['WORKER_MAX_CONCURRENT_ACTIVITIES', '0', 'whole number greater than 0'],
    ['WORKER_MAX_CONCURRENT_ACTIVITIES', 'ten', 'whole number greater than 0'],
    ['WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', '1', 'at least 2'],
    ['WORKER_SHUTDOWN_GRACE', '10', 'duration such as 500ms, 30s, 2m or 1h'],
    ['WORKER_SHUTDOWN_GRACE', '1 minute', 'duration such as 500ms, 30s, 2m or 1h'],
    ['CUO_ALLOW_LOCAL_COMMANDS', 'yes', 'expected 1 (on) or 0 (off)'],
    ['CUO_ALLOW_PRIVATE_NETWORKS', '2', 'expected 1 (on) or 0 (off)'],
    ['CUO_ALLOW_SHORT_TIMINGS', 'on', 'expected 1 (on) or 0 (off)'],
    ['CUO_ALLOWED_HOSTS', 'https://shop.example.com', 'host patterns separated by commas'],
    ['CUO_SSH_ALLOWED_HOSTS', 'user@ssh.example.com', 'host patterns separated by commas'],
    ['CUO_LOCAL_REPOSITORY_ROOTS', 'relative/folder', 'existing absolute folders'],
    ['CUO_LOAD_TEST_MAX_CONNECTIONS', '500', 'from 1 to 100'],
    ['CUO_LOAD_TEST_MAX_DURATION', '1h', 'from 1s to 10m'],
    ['CUO_LOAD_TEST_MAX_REQUESTS', '0', 'whole number greater than 0'],
  ])('%s=%j', (name, value, expected) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${name}=${JSON.stringify(value)}`);
    expect(problems[0]).toContain(expected);
  });

  // Issue #12, finding 15: a mistyped SMTP_URL or WEBHOOK_URL was printed whole, password and token included.
  test.each([
    ['SMTP_URL', 'smtp//bot:Hunter2-s3cret@mail.example.com:587', 'Hunter2-s3cret', 'smtp://user:pass@'],
    ['SMTP_URL', 'https://bot:Hunter2-s3cret@mail.example.com', 'Hunter2-s3cret', 'smtp://user:pass@'],
    ['WEBHOOK_URL', 'ftp://hooks.example.com/T0k3n-abcdef123456', 'T0k3n-abcdef123456', 'https://hooks.example.com/upgrades'],
  ])('a malformed %s is named, never printed', (name, value, secret, expected) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${name} (value not shown: it holds a secret; ${value.length} characters)`);
    expect(problems[0]).toContain(expected);
    expect(problems[0]).not.toContain(secret);
    expect(problems[0]).not.toContain(value);
  });

  test('the secrets of the configuration are collected for redaction, in every printed form', () => {
    const config = loadWorkerConfig({
      SMTP_URL: 'smtp://bot:p%40ss-w0rd@mail.example.com:587',
      SMTP_FROM: 'upgrades@example.com',
      WEBHOOK_URL: 'https://hooks.example.com/services/T0k3n-abcdef123456',
      TEMPORAL_API_KEY: 'temporal-api-key-value',
    });
    expect(config.secrets).toEqual(
      expect.arrayContaining([
        'smtp://bot:p%40ss-w0rd@mail.example.com:587',
        'p%40ss-w0rd',
        'p@ss-w0rd',
        'T0k3n-abcdef123456',
        'temporal-api-key-value',
      ]),
    );
  });

  test('the CUO_* settings make the worker policy', () => {
    const config = loadWorkerConfig({
      CUO_ALLOW_LOCAL_COMMANDS: '1',
      CUO_SSH_ALLOWED_HOSTS: 'ssh.eu-3.magento.cloud, *.magento.cloud',
      CUO_ALLOWED_HOSTS: 'staging.acme.example,*.acme.example',
      CUO_ALLOW_PRIVATE_NETWORKS: '0',
      CUO_LOCAL_REPOSITORY_ROOTS: dir,
      CUO_ALLOW_SHORT_TIMINGS: 'true',
      CUO_LOAD_TEST_MAX_CONNECTIONS: '20',
      CUO_LOAD_TEST_MAX_DURATION: '2m',
      CUO_LOAD_TEST_MAX_REQUESTS: '5000',
    });
    expect(config.policy).toEqual({
      commands: { allowLocal: true, sshHosts: ['ssh.eu-3.magento.cloud', '*.magento.cloud'] },
      network: { allowedHosts: ['staging.acme.example', '*.acme.example'], allowPrivateNetworks: false },
      localRepositoryRoots: [dir],
      loadTest: { maxConnections: 20, maxDurationSeconds: 120, maxRequests: 5000 },
      allowShortTimings: true,
    });
  });

  test('SMTP_FROM must be an address, and is required with SMTP_URL', () => {
    expect(problemsOf({ SMTP_FROM: 'upgrades team' })[0]).toMatch(/^SMTP_FROM="upgrades team": expected an e-mail address/);
    expect(problemsOf({ SMTP_URL: 'smtp://mail.example.com:25' })).toEqual([
      'SMTP_FROM: required when SMTP_URL is set (expected an e-mail address, e.g. upgrades@example.com)',
    ]);
  });

  test('SSH_IDENTITY_<NAME> must name an existing key file', () => {
    const missing = path.join(dir, 'no-such-key');
    expect(problemsOf({ SSH_IDENTITY_PROD: missing })).toEqual([
      `SSH_IDENTITY_PROD=${JSON.stringify(missing)}: expected the path of an existing private key file`,
    ]);
    expect(problemsOf({ SSH_IDENTITY_prod: keyFile })[0]).toContain('NAME in capital letters');
  });

  test('every bad variable is reported at once, in one readable message', () => {
    try {
      loadWorkerConfig({ TEMPORAL_ADDRESS: 'nope', LOG_LEVEL: 'loud', TEMPORAL_NAMESPACE: '' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      const message = (err as Error).message;
      expect(message.split('\n')[0]).toBe('Invalid worker configuration:');
      expect(message).toContain('TEMPORAL_ADDRESS="nope"');
      expect(message).toContain('LOG_LEVEL="loud"');
      expect(message).toContain('TEMPORAL_NAMESPACE=""');
    }
  });
});

describe('dev server search attributes', () => {
  test('one --search-attribute flag per contract key, in the CLI spelling of its type', () => {
    const args = devServerSearchAttributeArgs(UPGRADE_SEARCH_ATTRIBUTES);
    expect(args).toHaveLength(UPGRADE_SEARCH_ATTRIBUTES.length * 2);
    expect(args).toEqual(expect.arrayContaining(['UpgradeProjectId=Keyword', 'UpgradeAwaitingRoles=KeywordList']));
    for (let i = 0; i < args.length; i += 2) expect(args[i]).toBe('--search-attribute');
  });
});

describe('client connection configuration (envconfig)', () => {
  const noFile = { TEMPORAL_CONFIG_FILE: path.join(tmpdir(), 'cuo-no-such-temporal.toml') };

  test('nothing set means the local dev server', () => {
    expect(loadConnectConfig({ env: noFile })).toMatchObject({ address: 'localhost:7233', namespace: 'default' });
  });

  test('TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and TEMPORAL_API_KEY reach the connection options (API key turns TLS on)', () => {
    const config = loadConnectConfig({
      env: { ...noFile, TEMPORAL_ADDRESS: 'acme.a1b2c.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'acme.a1b2c', TEMPORAL_API_KEY: 'k' },
    });
    expect(config.address).toBe('acme.a1b2c.tmprl.cloud:7233');
    expect(config.namespace).toBe('acme.a1b2c');
    expect(config.connectionOptions).toMatchObject({ address: 'acme.a1b2c.tmprl.cloud:7233', apiKey: 'k', tls: true });
  });

  test('a profile from a TOML config file, selected by TEMPORAL_PROFILE', () => {
    const file = path.join(dir, 'temporal.toml');
    writeFileSync(file, '[profile.staging]\naddress = "temporal.staging:7233"\nnamespace = "upgrades"\n');
    expect(loadConnectConfig({ env: { TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'staging' } })).toMatchObject({
      address: 'temporal.staging:7233',
      namespace: 'upgrades',
    });
    expect(() => loadConnectConfig({ env: { TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' } })).toThrow(
      /TEMPORAL_PROFILE.*Profile 'prod' not found/,
    );
  });
});

describe('links to the approvals gateway', () => {
  test('GATEWAY_PUBLIC_URL makes messages link to the task pages; e-mail links need the shared secret', () => {
    const secret = 'x'.repeat(40);
    expect(loadWorkerConfig({ GATEWAY_PUBLIC_URL: 'https://approvals.example.com/' }).links).toEqual({
      gatewayUrl: 'https://approvals.example.com',
    });
    expect(
      loadWorkerConfig({
        GATEWAY_PUBLIC_URL: 'https://approvals.example.com',
        EMAIL_LINK_SECRET: secret,
        EMAIL_LINK_RECIPIENTS: 'Chris@acme.example, @guests.example',
        EMAIL_LINK_TTL: '24h',
      }).links,
    ).toEqual({
      gatewayUrl: 'https://approvals.example.com',
      emailLinks: { secret, ttlSec: 86_400, recipients: ['chris@acme.example', '@guests.example'] },
    });
    expect(
      loadWorkerConfig({ GATEWAY_PUBLIC_URL: 'https://a.example', EMAIL_LINK_SECRET: secret, EMAIL_LINK_RECIPIENTS: '*' }).links.emailLinks
        ?.ttlSec,
    ).toBe(72 * 3600);
    expect(() => loadWorkerConfig({ EMAIL_LINK_RECIPIENTS: '*' })).toThrow(/EMAIL_LINK_RECIPIENTS: needs EMAIL_LINK_SECRET/);
    const short = (() => {
      try {
        loadWorkerConfig({ EMAIL_LINK_SECRET: 'too-short-secret' });
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(short).toMatch(/EMAIL_LINK_SECRET \(value not shown: it holds a secret; 16 characters\): expected at least 32 characters/);
    expect(short).not.toContain('too-short-secret');
    expect(() => loadWorkerConfig({ GATEWAY_PUBLIC_URL: 'ftp://x' })).toThrow(/GATEWAY_PUBLIC_URL/);
  });
});
