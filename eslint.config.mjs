// Lint rules that matter for Temporal: no floating promises anywhere; in workflows/, no Node built-ins, no I/O
// libraries and no process.env, because workflow code must replay deterministically.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import patchesAtTop from './eslint-rules/patches-at-top.cjs';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bin/**', '**/*.js', '*.mjs', 'eslint-rules/**', '.data/**', 'bench/.build/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // Prettier wraps code at 140 (.prettierrc.json) but leaves comments, strings and template literals alone; this
      // keeps comments readable too. Long messages stay whole so that they can be found with grep.
      'max-len': ['error', { code: 160, ignoreTemplateLiterals: true, ignoreStrings: true, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    plugins: { cuo: { rules: { 'patches-at-top': patchesAtTop } } },
    rules: {
      'cuo/patches-at-top': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins
              .flatMap((name) => [name, `node:${name}`])
              .map((name) => ({
                name,
                message: 'Workflow code is replayed: no Node built-ins in workflows/.',
              })),
            ...[
              'pino',
              'undici',
              'simple-git',
              'nodemailer',
              'autocannon',
              '@temporalio/client',
              '@temporalio/worker',
              '@temporalio/activity',
            ].map((name) => ({
              name,
              message: 'Workflow code does no I/O: call an activity instead.',
              allowTypeImports: true,
            })),
          ],
          patterns: [
            { group: ['../activities/*', '!../activities/contract'], message: 'Import activity types only.', allowTypeImports: true },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Workflows never read the environment.' }],
      'no-restricted-globals': ['error', { name: 'process', message: 'Workflows never touch the process.' }],
    },
  },
  {
    files: ['client/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Clients (CLI, gateway, bench, demo) reach the workflow through its one contract file, so that the contract is
    // what they can see; shared domain modules (roles, playbook, project-input, ...) stay importable.
    files: ['client/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '/workflows/(messages|project-state|final-report|search-attributes|status-views|workflow-input|upgrade-project)$',
              message: 'Clients import the workflow contract from workflows/contract.',
            },
          ],
        },
      ],
    },
  },
);
