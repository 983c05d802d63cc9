/**
 * Bad project files, as a CSE would mistype them in YAML: each required field missing, wrong types, unknown
 * versions, a target older than the current version, duplicate participants, unparsable YAML. The CLI's reader
 * (client/project-file.ts: YAML with the `yaml` package, schema, requirements catalog) must refuse each with a
 * message naming the field; a workflow started directly with a bad file must refuse it too (non-retryable
 * InvalidProject naming the field) instead of running on it.
 */
import type { Client } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { stringify } from 'yaml';
import { validateProjectText } from '../../client/project-file';
import { workflowIdFor } from '../../workflows/contract';
import { connectTestClient, runWorker, uniqueTaskQueue } from '../harness/temporal';
import { makeProject } from '../support/project-fixture';
import { StubActivities } from '../support/stub-activities';

type Loose = Record<string, unknown>;

const valid = (): Loose =>
  structuredClone(makeProject({ repository: { url: 'git@github.com:acme/shop.git', baseBranch: 'master' } })) as Loose;

interface BadFile {
  name: string;
  text: string;
  /** The field every problem must name (a prefix of the reported path). */
  field: RegExp;
}

function yamlOf(mutate: (p: Loose) => void): string {
  const project = valid();
  mutate(project);
  return stringify(project);
}

const REQUIRED = [
  'version',
  'projectId',
  'customer',
  'participants',
  'currentVersion',
  'targetVersion',
  'repository',
  'environments',
  'changeWindows',
];

const BAD_FILES: BadFile[] = [
  ...REQUIRED.map((field) => ({ name: `missing ${field}`, text: yamlOf((p) => delete p[field]), field: new RegExp(`^${field}$`) })),
  { name: 'version 2', text: yamlOf((p) => (p.version = 2)), field: /^version$/ },
  { name: 'projectId a number', text: yamlOf((p) => (p.projectId = 248)), field: /^projectId$/ },
  { name: 'customer a list', text: yamlOf((p) => (p.customer = ['Acme'])), field: /^customer$/ },
  { name: 'participants a string', text: yamlOf((p) => (p.participants = 'everyone')), field: /^participants$/ },
  { name: 'changeWindows a mapping', text: yamlOf((p) => (p.changeWindows = { days: ['mon'] })), field: /^changeWindows$/ },
  {
    name: 'durationMinutes a string',
    text: yamlOf((p) => ((p.changeWindows as Loose[])[0]!.durationMinutes = '90')),
    field: /^changeWindows\.0\.durationMinutes$/,
  },
  {
    name: 'performance.connections negative',
    text: yamlOf((p) => (p.performance = { connections: -1 })),
    field: /^performance\.connections$/,
  },
  { name: 'unknown version 2.4.3', text: yamlOf((p) => (p.currentVersion = '2.4.3')), field: /^currentVersion$/ },
  { name: 'unknown version 2.5.0', text: yamlOf((p) => (p.targetVersion = '2.5.0')), field: /^targetVersion$/ },
  { name: 'unknown patch 2.4.8-p99', text: yamlOf((p) => (p.targetVersion = '2.4.8-p99')), field: /^targetVersion$/ },
  { name: 'version as a YAML number', text: yamlOf((p) => (p.currentVersion = 2.4)), field: /^currentVersion$/ },
  {
    name: 'target older than current',
    text: yamlOf((p) => Object.assign(p, { currentVersion: '2.4.8-p3', targetVersion: '2.4.7-p3' })),
    field: /^targetVersion$/,
  },
  {
    name: 'target equal to current',
    text: yamlOf((p) => Object.assign(p, { currentVersion: '2.4.7-p3', targetVersion: '2.4.7-p3' })),
    field: /^targetVersion$/,
  },
  {
    name: 'a person twice in one role',
    text: yamlOf((p) => (p.participants as Record<string, Loose[]>).customer!.push({ name: 'Carla Again', email: 'CARLA@acme.example' })),
    field: /^participants\.customer\.\d+\.email$/,
  },
  {
    name: 'a person in two roles',
    text: yamlOf((p) =>
      (p.participants as Record<string, Loose[]>)['managed-services']!.push({ name: 'Pat', email: 'pat@agency.example' }),
    ),
    field: /^participants\.managed-services\.\d+\.email$/,
  },
  { name: 'a role without people', text: yamlOf((p) => ((p.participants as Loose).partner = [])), field: /^participants\.partner$/ },
  {
    name: 'participant without e-mail',
    text: yamlOf((p) => ((p.participants as Loose).partner = [{ name: 'Pat' }])),
    field: /^participants\.partner\.0\.email$/,
  },
  { name: 'unknown top-level field', text: yamlOf((p) => (p.smtpPassword = 'hunter2')), field: /^\(project file\)$/ },
  {
    name: 'unparsable YAML: bad indentation',
    text: 'version: 1\nprojectId: acme\n  customer: Acme\n',
    field: /^\(yaml line \d+, column \d+\)$/,
  },
  {
    name: 'unparsable YAML: unclosed quote',
    text: 'version: 1\nprojectId: "acme\ncustomer: Acme\n',
    field: /^\(yaml( line \d+, column \d+)?\)$/,
  },
  { name: 'unparsable YAML: duplicate key', text: 'version: 1\nversion: 1\n', field: /^\(yaml line \d+, column \d+\)$/ },
  { name: 'a YAML list, not a mapping', text: '- version: 1\n', field: /^\(project file\)$/ },
  { name: 'an empty file', text: '', field: /^\(project file\)$/ },
];

let client: Client;
let closeClient: () => Promise<void>;

beforeAll(async () => {
  ({ client, close: closeClient } = await connectTestClient());
});
afterAll(() => closeClient());

it('the CLI reader refuses each bad project file with a message naming the field', () => {
  expect(validateProjectText(stringify(valid()))).toMatchObject({ ok: true });
  const outcomes = BAD_FILES.map((bad) => ({ bad, result: validateProjectText(bad.text) }));
  const accepted = outcomes.filter((o) => o.result.ok).map((o) => o.bad.name);
  expect(accepted).toEqual([]);
  for (const { bad, result } of outcomes) {
    if (result.ok) continue;
    expect({ file: bad.name, fields: result.problems.map((p) => p.field) }).toEqual({
      file: bad.name,
      fields: expect.arrayContaining([expect.stringMatching(bad.field)]),
    });
    for (const problem of result.problems) expect(problem.message.length).toBeGreaterThan(5);
  }
  process.stdout.write(`bad project files: ${BAD_FILES.length} tried, ${accepted.length} accepted\n`);
});

it('a workflow started with a bad project refuses it (non-retryable, naming the field) and runs nothing', async () => {
  const stubs = new StubActivities();
  const taskQueue = uniqueTaskQueue('bad-project');
  const cases: [string, (p: Loose) => void, RegExp][] = [
    ['missing customer', (p) => delete p.customer, /customer:/],
    ['target older', (p) => Object.assign(p, { currentVersion: '2.4.8-p3', targetVersion: '2.4.7-p3' }), /targetVersion: must be newer/],
    [
      'duplicate participant',
      (p) => (p.participants as Record<string, Loose[]>).partner!.push({ name: 'Sam', email: 'sam@adobe.example' }),
      /listed twice/,
    ],
    ['wrong type', (p) => (p.changeWindows = 'weekends'), /changeWindows:/],
  ];
  await runWorker({ taskQueue, workflowsPath: require.resolve('../../workflows'), activities: stubs.activities() }, async () => {
    for (const [name, mutate, message] of cases) {
      const project = valid();
      project.projectId = `bad-${name.replace(/\s/g, '-')}-${Date.now().toString(36)}`;
      mutate(project);
      const error = await client.workflow
        .execute('upgradeProject', { taskQueue, workflowId: workflowIdFor(String(project.projectId)), args: [{ version: 1, project }] })
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const cause = (error as WorkflowFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect(cause).toMatchObject({ type: 'InvalidProject', nonRetryable: true, message: expect.stringMatching(message) });
    }
    expect(stubs.calls).toEqual([]);
  });
}, 60_000);
