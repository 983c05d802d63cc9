/**
 * A realistic Adobe Commerce cloud (Pro) project repository in a temp folder, pushed to a bare "origin" remote, for
 * tests and the demo. Shapes follow the magento/magento-cloud template of the 2.4.6 line (commerce-upgrade-facts.md
 * §2–§3): the metapackage constraint, a lock that pins `magento/product-enterprise-edition` (the installed Commerce
 * version, which differs from the metapackage version on purpose), services with comments, custom modules under
 * app/code and, optionally, an Upgrade Compatibility Tool report.
 *
 *   const repo = await createCommerceRepo();
 *   // repo.remoteDir is the URL to clone; repo.dir is a working clone for the test to push from.
 *   await repo.cleanup();
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CommerceRepoOptions {
  /** Installed Commerce version, locked as magento/product-enterprise-edition. Default `2.4.6-p8`. */
  commerceVersion?: string;
  /** Locked version of magento/magento-cloud-metapackage; deliberately not the Commerce version. Default `2.4.6-p7`. */
  metapackageVersion?: string;
  /** PHP of `.magento.app.yaml`. Default `8.2`. */
  php?: string;
  /** Adds an Upgrade Compatibility Tool report at `var/uct/report.txt` (CLI text) or `var/uct/report.json`. */
  uctReport?: 'text' | 'json';
  /** Extra files (path relative to the repository root → content) committed on master. */
  extraFiles?: Record<string, string>;
  /** Also create a `staging` branch (default true). */
  staging?: boolean;
}

export interface CommerceRepo {
  /** A working clone with a committer configured; push from here to simulate the partner. */
  dir: string;
  /** The bare remote; pass it as the repository URL. */
  remoteDir: string;
  /** Run git in a directory (the clone by default) and return trimmed stdout. */
  git(args: string[], cwd?: string): Promise<string>;
  cleanup(): Promise<void>;
}

export const FIXTURE_UCT_PATHS = { text: 'var/uct/report.txt', json: 'var/uct/report.json' } as const;

/** Git without the developer's global or system configuration, so hooks, signing or templates never leak in. */
export async function git(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('git', args, {
    cwd,
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Partner Developer',
      GIT_AUTHOR_EMAIL: 'dev@partner.example',
      GIT_COMMITTER_NAME: 'Partner Developer',
      GIT_COMMITTER_EMAIL: 'dev@partner.example',
      GIT_TERMINAL_PROMPT: '0',
    },
  });
  return stdout.trim();
}

export async function createCommerceRepo(options: CommerceRepoOptions = {}): Promise<CommerceRepo> {
  const root = await mkdtemp(join(tmpdir(), 'cuo-repo-'));
  const remoteDir = join(root, 'origin.git');
  const dir = join(root, 'work');
  try {
    await git(['init', '--quiet', '--bare', '--initial-branch=master', remoteDir], root);
    await git(['init', '--quiet', '--initial-branch=master', dir], root);
    const files = { ...commerceProjectFiles(options), ...(options.extraFiles ?? {}) };
    for (const [rel, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, rel)), { recursive: true });
      await writeFile(join(dir, rel), content);
    }
    await git(['add', '-A'], dir);
    await git(['commit', '--quiet', '-m', 'Initial Adobe Commerce cloud project'], dir);
    await git(['remote', 'add', 'origin', remoteDir], dir);
    await git(['push', '--quiet', 'origin', 'master'], dir);
    if (options.staging !== false) await git(['push', '--quiet', 'origin', 'master:staging'], dir);
    await git(['fetch', '--quiet', 'origin'], dir);
    await git(['branch', '--quiet', '--set-upstream-to=origin/master', 'master'], dir);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    remoteDir,
    git: (args, cwd = dir) => git(args, cwd),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Installs a pre-receive hook in the bare remote that refuses every push with `message` (a real git rejection). */
export async function rejectPushes(remoteDir: string, message = 'pushes are frozen during the change freeze'): Promise<void> {
  const hook = join(remoteDir, 'hooks', 'pre-receive');
  await writeFile(hook, `#!/bin/sh\necho "${message}" >&2\nexit 1\n`, { mode: 0o755 });
}

export async function acceptPushes(remoteDir: string): Promise<void> {
  await rm(join(remoteDir, 'hooks', 'pre-receive'), { force: true });
}

/** The files of the project, keyed by path. Exported so tests can compare against what was committed. */
export function commerceProjectFiles(options: CommerceRepoOptions = {}): Record<string, string> {
  const commerce = options.commerceVersion ?? '2.4.6-p8';
  const metapackage = options.metapackageVersion ?? '2.4.6-p7';
  const php = options.php ?? '8.2';
  const files: Record<string, string> = {
    'composer.json': composerJson(commerce),
    'composer.lock': composerLock(commerce, metapackage),
    '.magento/services.yaml': SERVICES_YAML,
    '.magento.app.yaml': appYaml(php),
    '.magento.env.yaml': ENV_YAML,
    'app/etc/config.php': "<?php\nreturn [\n    'modules' => [\n        'Acme_Checkout' => 1,\n        'Acme_Erp' => 1,\n    ],\n];\n",
    ...customModule('Acme', 'Checkout', ['Magento_Checkout', 'Magento_Quote']),
    ...customModule('Acme', 'Erp', ['Magento_Sales']),
    'app/code/Acme/Checkout/Plugin/QuotePlugin.php':
      '<?php\nnamespace Acme\\Checkout\\Plugin;\n\nclass QuotePlugin\n{\n    public function afterGetItems($subject, $result)\n    {\n        return $result;\n    }\n}\n',
    'app/code/Acme/Erp/Model/Export.php':
      '<?php\nnamespace Acme\\Erp\\Model;\n\nclass Export\n{\n    public function run(): void\n    {\n    }\n}\n',
    // A folder without registration.php is not a module (left-over files); the inventory must ignore it.
    'app/code/Acme/README.md': '# Acme custom code\n',
    'm2-hotfixes/.gitkeep': '',
    '.gitignore': '/vendor/\n/generated/\n/var/*\n!/var/uct/\n/pub/static/\n',
  };
  if (options.uctReport === 'text') files[FIXTURE_UCT_PATHS.text] = UCT_TEXT_REPORT;
  if (options.uctReport === 'json') files[FIXTURE_UCT_PATHS.json] = UCT_JSON_REPORT;
  return files;
}

function customModule(vendor: string, module: string, sequence: string[]): Record<string, string> {
  const base = `app/code/${vendor}/${module}`;
  const name = `${vendor}_${module}`;
  return {
    [`${base}/registration.php`]: `<?php\nuse Magento\\Framework\\Component\\ComponentRegistrar;\n\nComponentRegistrar::register(ComponentRegistrar::MODULE, '${name}', __DIR__);\n`,
    [`${base}/etc/module.xml`]:
      '<?xml version="1.0"?>\n' +
      '<config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="urn:magento:framework:Module/etc/module.xsd">\n' +
      `    <module name="${name}">\n        <sequence>\n` +
      sequence.map((dep) => `            <module name="${dep}"/>\n`).join('') +
      '        </sequence>\n    </module>\n</config>\n',
  };
}

function composerJson(commerce: string): string {
  const line = commerce.replace(/-p\d+$/, '');
  const [major, minor, patch] = line.split('.').map(Number);
  const next = `${major}.${minor}.${(patch ?? 0) + 1}`;
  const json = {
    name: 'acme/commerce-cloud',
    description: 'Acme storefront on Adobe Commerce cloud infrastructure',
    type: 'project',
    version: line,
    license: 'proprietary',
    config: {
      'use-include-path': true,
      'allow-plugins': { 'magento/*': true },
    },
    repositories: {
      repo: { type: 'composer', url: 'https://repo.magento.com' },
      amasty: { type: 'composer', url: 'https://composer.amasty.com/enterprise/' },
    },
    require: {
      'magento/magento-cloud-metapackage': `>=${line} <${next}`,
      'magento/product-enterprise-edition': commerce,
      'amasty/module-shop-by-brand': '^1.16',
      'mageplaza/module-smtp': '^4.7',
    },
    suggest: { 'ext-pcntl': 'Need for run processes in parallel mode' },
    conflict: { 'magento/magento2-base': '*' },
    autoload: {
      'psr-4': { 'Magento\\Setup\\': 'setup/src/Magento/Setup/' },
      files: ['app/etc/NonComposerComponentRegistration.php'],
    },
    'minimum-stability': 'alpha',
    'prefer-stable': true,
    extra: {
      component_paths: {
        'trentrichardson/jquery-timepicker-addon': 'lib/web/jquery/jquery-ui-timepicker-addon.js',
        'components/jquery': ['lib/web/jquery.js', 'lib/web/jquery/jquery.min.js'],
      },
      'magento-force': 'override',
    },
  };
  return `${JSON.stringify(json, null, 4)}\n`;
}

interface LockPackage {
  name: string;
  version: string;
  type: string;
  require?: Record<string, string>;
}

function composerLock(commerce: string, metapackage: string): string {
  const line = commerce.replace(/-p\d+$/, '');
  const [major, minor, patch] = line.split('.').map(Number);
  const next = `${major}.${minor}.${(patch ?? 0) + 1}`;
  const packages: LockPackage[] = [
    {
      name: 'magento/magento-cloud-metapackage',
      version: metapackage,
      type: 'metapackage',
      require: {
        'fastly/magento2': '^1.2.34',
        'magento/ece-tools': '^2002.1.0',
        'magento/module-paypal-on-boarding': '~100.5.0',
        'magento/product-enterprise-edition': `>=${line} <${next}`,
      },
    },
    {
      name: 'magento/product-enterprise-edition',
      version: commerce,
      type: 'metapackage',
      require: {
        'magento/magento2-base': commerce,
        'magento/framework': '103.0.6-p8',
        'magento/module-catalog': '104.0.6-p8',
        'magento/module-checkout': '100.4.6-p8',
        'magento/module-staging': '101.2.6-p8',
        'paypal/module-braintree': '4.6.1-p3',
        'laminas/laminas-mvc': '^3.6',
        'symfony/console': '^5.4',
        'monolog/monolog': '^2.7',
      },
    },
    { name: 'magento/magento2-base', version: commerce, type: 'magento2-component', require: { 'magento/framework': '*' } },
    {
      name: 'magento/framework',
      version: '103.0.6-p8',
      type: 'magento2-library',
      require: { 'laminas/laminas-mvc': '^3.6', 'symfony/console': '^5.4', 'monolog/monolog': '^2.7' },
    },
    { name: 'magento/module-catalog', version: '104.0.6-p8', type: 'magento2-module', require: { 'magento/framework': '103.0.*' } },
    { name: 'magento/module-checkout', version: '100.4.6-p8', type: 'magento2-module', require: { 'magento/framework': '103.0.*' } },
    { name: 'magento/module-staging', version: '101.2.6-p8', type: 'magento2-module', require: { 'magento/framework': '103.0.*' } },
    { name: 'magento/module-paypal-on-boarding', version: '100.5.0', type: 'magento2-module', require: { 'magento/framework': '103.0.*' } },
    { name: 'magento/ece-tools', version: '2002.1.16', type: 'library', require: { 'symfony/console': '^5.4', 'monolog/monolog': '^2.7' } },
    {
      name: 'magento/composer-root-update-plugin',
      version: '2.0.4',
      type: 'composer-plugin',
      require: { 'composer-plugin-api': '^1.1 || ^2.0' },
    },
    { name: 'fastly/magento2', version: '1.2.222', type: 'magento2-module', require: { 'magento/framework': '*' } },
    {
      name: 'paypal/module-braintree',
      version: '4.6.1-p3',
      type: 'magento2-module',
      require: { 'paypal/module-braintree-core': '4.6.1-p3' },
    },
    { name: 'paypal/module-braintree-core', version: '4.6.1-p3', type: 'magento2-module', require: { 'braintree/braintree_php': '^6.13' } },
    { name: 'braintree/braintree_php', version: '6.13.0', type: 'library', require: { php: '>=7.3' } },
    { name: 'laminas/laminas-mvc', version: '3.6.1', type: 'library', require: { php: '~8.0.0 || ~8.1.0 || ~8.2.0' } },
    { name: 'symfony/console', version: 'v5.4.36', type: 'library', require: { php: '>=7.2.5' } },
    { name: 'monolog/monolog', version: '2.9.2', type: 'library', require: { php: '>=7.2' } },
    { name: 'amasty/base', version: '1.17.3', type: 'magento2-module', require: { 'magento/framework': '103.0.*' } },
    { name: 'amasty/module-shop-by-brand', version: '1.16.9', type: 'metapackage', require: { 'amasty/shopby-brand': '2.16.9' } },
    {
      name: 'amasty/shopby-brand',
      version: '2.16.9',
      type: 'magento2-module',
      require: { 'amasty/base': '>=1.15', 'magento/framework': '103.0.*' },
    },
    { name: 'mageplaza/module-core', version: '1.5.6', type: 'magento2-module', require: { 'magento/framework': '*' } },
    {
      name: 'mageplaza/module-smtp',
      version: '4.7.6',
      type: 'magento2-module',
      require: { 'mageplaza/module-core': '^1.5.0', 'phpmailer/phpmailer': '^6.5' },
    },
    { name: 'phpmailer/phpmailer', version: 'v6.9.1', type: 'library', require: { php: '>=5.5.0' } },
  ];
  const lock = {
    _readme: [
      'This file locks the dependencies of your project to a known state',
      'Read more about it at https://getcomposer.org/doc/01-basic-usage.md#installing-dependencies',
      'This file is @generated automatically',
    ],
    'content-hash': 'c4a1f0b7e8d2a9f3b6e5d4c3b2a19080',
    packages: packages.map((p) => ({ name: p.name, version: p.version, type: p.type, require: p.require ?? {} })),
    'packages-dev': [],
    aliases: [],
    'minimum-stability': 'alpha',
    'stability-flags': [],
    'prefer-stable': true,
    'prefer-lowest': false,
    platform: [],
    'platform-dev': [],
    'plugin-api-version': '2.6.0',
  };
  return `${JSON.stringify(lock, null, 4)}\n`;
}

const SERVICES_YAML = `# This file describes an application's services. You can define multiple services
# with different versions. Changing the version of Staging/Production needs a Support ticket.
mysql:
    # The version is MariaDB.
    type: mysql:10.11
    disk: 5120

redis:
    type: redis:7.2

opensearch:
    type: opensearch:2
    disk: 1024

# Message queue for the ERP export consumers.
rabbitmq:
    type: rabbitmq:3.11
    disk: 1024
`;

function appYaml(php: string): string {
  return `# The name of this application, which must be unique within a project.
name: mymagento

# The toolstack used to build the application.
type: php:${php}
build:
    flavor: none

dependencies:
    php:
        composer/composer: '2.2.26'

# The relationships of the application with services or other applications.
relationships:
    database: "mysql:mysql"
    redis: "redis:redis"
    opensearch: "opensearch:opensearch"
    rabbitmq: "rabbitmq:rabbitmq"

web:
    locations:
        "/":
            root: "pub"
            passthru: "/index.php"

disk: 5120

hooks:
    build: |
        set -e
        php ./vendor/bin/ece-tools run scenario/build/generate.xml
        php ./vendor/bin/ece-tools run scenario/build/transfer.xml
    deploy: |
        php ./vendor/bin/ece-tools run scenario/deploy.xml
    post_deploy: |
        php ./vendor/bin/ece-tools run scenario/post-deploy.xml
`;
}

const ENV_YAML = `stage:
    global:
        SCD_ON_DEMAND: false
    deploy:
        REDIS_BACKEND: '\\Magento\\Framework\\Cache\\Backend\\RemoteSynchronizedCache'
        QUALITY_PATCHES:
            - ACSD-51036
`;

/** The CLI text output of `bin/uct upgrade:check` in the documented layout (facts §4, OPS reports.md). */
export const UCT_TEXT_REPORT = `File: /app/code/Acme/Checkout/Plugin/QuotePlugin.php
------------------------------------------------------------------
 * [WARNING][1131] Line 3: Extending from class 'Magento\\Framework\\App\\Action\\Action' that is @deprecated on version '2.4.7'
 * [ERROR][1328] Line 10: Implemented interface 'Magento\\Framework\\App\\Action\\HttpGetActionInterface' that is non API on version '2.4.7'

File: /app/code/Acme/Erp/Model/Export.php
------------------------------------------------------------------
 * [CRITICAL][1110] Line 42: Instantiating non-existent class 'Magento\\Sales\\Model\\Order\\LegacyExporter'
 * [ERROR][1429] Line 57: Call non-API method 'Magento\\Sales\\Model\\Order::getPayment' on version '2.4.7'

 ----------------------------- -----------------
  Current version               2.4.6-p8
  Target version                2.4.7-p3
  Execution time                0m:41s
  Modules that require update   100.00% (2/2)
  Files that require update     66.67% (2/3)
  Total critical issues         1
  Total errors                  2
  Total warnings                1
  Memory peak usage             402.00 MB
 ----------------------------- -----------------
`;

/** The same findings in the JSON form this project documents (see activities/complexity/uct-report.ts). */
export const UCT_JSON_REPORT = `${JSON.stringify(
  {
    format: 'cuo-uct-report/1',
    currentVersion: '2.4.6-p8',
    targetVersion: '2.4.7-p3',
    summary: {
      modulesRequiringUpdate: { percent: 100, count: 2, total: 2 },
      filesRequiringUpdate: { percent: 66.67, count: 2, total: 3 },
      totalCritical: 1,
      totalErrors: 2,
      totalWarnings: 1,
    },
    issues: [
      {
        file: '/app/code/Acme/Checkout/Plugin/QuotePlugin.php',
        severity: 'warning',
        code: 1131,
        line: 3,
        message: "Extending from class 'Magento\\Framework\\App\\Action\\Action' that is @deprecated on version '2.4.7'",
      },
      {
        file: '/app/code/Acme/Checkout/Plugin/QuotePlugin.php',
        severity: 'error',
        code: 1328,
        line: 10,
        message: "Implemented interface 'Magento\\Framework\\App\\Action\\HttpGetActionInterface' that is non API on version '2.4.7'",
      },
      {
        file: '/app/code/Acme/Erp/Model/Export.php',
        severity: 'critical',
        code: 1110,
        line: 42,
        message: "Instantiating non-existent class 'Magento\\Sales\\Model\\Order\\LegacyExporter'",
      },
      {
        file: '/app/code/Acme/Erp/Model/Export.php',
        severity: 'error',
        code: 1429,
        line: 57,
        message: "Call non-API method 'Magento\\Sales\\Model\\Order::getPayment' on version '2.4.7'",
      },
    ],
  },
  null,
  2,
)}\n`;
