/** The CLI's project-file reading: the shipped example is valid, YAML and schema problems are listed precisely. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { stringify } from 'yaml';
import { CliError, EXIT } from '../../client/exit-codes';
import { catalogProblems, loadProjectFile, parseProjectText, validateProjectText } from '../../client/project-file';
import { makeProject } from '../support/project-fixture';

const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'acme-2-4-8.yaml');

describe('project files', () => {
  it('accepts examples/acme-2-4-8.yaml with the values its comments describe', () => {
    const result = validateProjectText(readFileSync(EXAMPLE, 'utf8'));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const p = result.project;
    expect(p).toMatchObject({
      projectId: 'acme-2-4-8',
      customer: 'Acme Retail',
      currentVersion: '2.4.6-p8',
      targetVersion: '2.4.8-p3',
      timing: { remindAfter: '2d', escalateAfter: '5d' },
      postLaunch: { monitorFor: '7d', checkEvery: '1h' },
      requiredApprovals: { 'create-upgrade-plan': 2, 'user-acceptance-testing': 2 },
    });
    expect(p.changeWindows).toEqual([
      { days: ['sat'], startUtc: '22:00', durationMinutes: 240 },
      { days: ['tue'], startUtc: '23:00', durationMinutes: 120 },
    ]);
    expect(p.participants.customer).toHaveLength(2);
    expect(p.participants['managed-services'][0]!.email).toBe('sam.rivera@adobe.example');
    expect(p.environments.production.url).toBe('https://www.acme-retail.example');
    expect(p.performance.maxP95Ms).toBe(1200);
  });

  it('names the line and column of YAML syntax errors', () => {
    const result = parseProjectText('version: 1\nprojectId: acme\nprojectId: again\n');
    expect(result).toEqual({ ok: false, problems: [{ field: '(yaml line 3, column 1)', message: 'Map keys must be unique' }] });
  });

  it('lists every schema problem by field, not only the first', () => {
    const project = makeProject({
      customer: '',
      targetVersion: '2.4',
      participants: {
        customer: [],
        partner: [{ name: 'P', email: 'not-mail' }],
        'managed-services': [{ name: 'S', email: 's@adobe.example' }],
      },
    });
    const result = validateProjectText(stringify({ ...project, colour: 'blue' }));
    expect(result.ok).toBe(false);
    const fields = !result.ok ? result.problems.map((p) => p.field) : [];
    expect(fields).toEqual(
      expect.arrayContaining(['customer', 'targetVersion', 'participants.customer', 'participants.partner.0.email', '(project file)']),
    );
    expect(!result.ok && result.problems.find((p) => p.field === '(project file)')?.message).toBe(
      'unknown field(s) "colour"; remove them or check their spelling',
    );
  });

  it('refuses a document that is not a mapping', () => {
    expect(validateProjectText('- just\n- a list\n')).toEqual({
      ok: false,
      problems: [{ field: '(project file)', message: 'must be a YAML mapping of fields (version, projectId, customer, ...)' }],
    });
  });

  it('flags versions the requirements catalog does not know, naming what the line has', () => {
    expect(catalogProblems({ currentVersion: '2.4.6-p8', targetVersion: '2.4.8-p3' })).toEqual([]);
    const [problem] = catalogProblems({ currentVersion: '2.4.6-p8', targetVersion: '2.4.8-p99' });
    expect(problem?.field).toBe('targetVersion');
    expect(problem?.message).toMatch(/^2\.4\.8-p99 is not in the Adobe Commerce requirements catalog; 2\.4\.8 has 2\.4\.8 … 2\.4\.8-p\d+/);
    expect(catalogProblems({ currentVersion: '2.4.3', targetVersion: '2.4.8' })[0]?.message).toMatch(
      /known versions are 2\.4\.4 … 2\.4\.9/,
    );
  });
});

// Issue #12, finding 18: size, nesting and alias limits, each with the documented exit code 2.
describe('project file limits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cuo-limits-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const exitOf = (text: string): { code: number; message: string } => {
    const file = join(dir, `f-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text);
    try {
      loadProjectFile(file);
      return { code: 0, message: '' };
    } catch (error) {
      const e = error as CliError;
      return { code: e.exitCode, message: [e.message, ...e.details].join('\n') };
    }
  };

  test('a file over 256 KiB is refused before it is read', () => {
    const result = exitOf(`customer: "${'x'.repeat(300 * 1024)}"\n`);
    expect(result.code).toBe(EXIT.usage);
    expect(result.message).toMatch(/is 300 KiB; a project file is at most 256 KiB/);
  });

  test('deep nesting is refused without exhausting the stack', () => {
    for (const text of [`a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, `a: ${'{b: '.repeat(30)}1${'}'.repeat(30)}\n`]) {
      const result = exitOf(text);
      expect(result.code).toBe(EXIT.usage);
      expect(result.message).toContain('nested more than 16 levels deep');
    }
  });

  test('an alias bomb is refused with exit 2', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i += 1) {
      const prev = String.fromCharCode(96 + i);
      lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const result = exitOf(lines.join('\n'));
    expect(result.code).toBe(EXIT.usage);
    expect(result.message).toContain('uses aliases (*name) too often');
  });
});
