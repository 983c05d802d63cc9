import { validateProjectInput } from '../../workflows/project-input';
import { makeProject } from '../support/project-fixture';

function problemsOf(raw: unknown): string[] {
  const result = validateProjectInput(raw);
  return result.ok ? [] : result.problems.map((p) => `${p.field}: ${p.message}`);
}

describe('project input', () => {
  it('accepts a complete project and fills in defaults', () => {
    const result = validateProjectInput(makeProject());
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.project.performance.maxP95Ms).toBe(1500);
      expect(result.project.environments.staging.kind).toBe('pro');
      expect(result.project.requiredApprovals).toEqual({});
    }
  });

  it('names every problem by field', () => {
    const problems = problemsOf({
      ...makeProject(),
      projectId: 'Bad Id',
      targetVersion: '2.4.5',
      currentVersion: '2.4.6',
      participants: {
        customer: [],
        partner: [{ name: 'P', email: 'not-an-email' }],
        'managed-services': [{ name: 'S', email: 's@x.example' }],
      },
      surprise: true,
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^projectId: must be lowercase/),
        expect.stringMatching(/^participants\.customer: needs at least one participant/),
        expect.stringMatching(/^participants\.partner\.0\.email: must be an e-mail/),
        expect.stringMatching(/^\(project file\): unknown field\(s\) "surprise"/),
      ]),
    );
  });

  it('refuses a target that is not newer than the current version', () => {
    expect(problemsOf(makeProject({ currentVersion: '2.4.7-p3', targetVersion: '2.4.7-p2' }))).toEqual([
      'targetVersion: must be newer than currentVersion 2.4.7-p3',
    ]);
    expect(problemsOf(makeProject({ currentVersion: '2.4.7', targetVersion: '2.4.7-p1' }))).toEqual([]);
  });

  it('refuses a person listed twice, across roles', () => {
    const project = makeProject();
    project.participants.partner = [{ name: 'Carla again', email: 'CARLA@acme.example' }];
    expect(problemsOf(project)).toEqual([expect.stringMatching(/^participants\.partner\.0\.email: carla@acme\.example is listed twice/)]);
  });

  it('refuses malformed versions, durations and windows', () => {
    const problems = problemsOf({
      ...makeProject(),
      targetVersion: '2.4.8-beta1',
      timing: { remindAfter: 'two days', escalateAfter: '5d' },
      changeWindows: [{ days: ['someday'], startUtc: '25:00', durationMinutes: 5 }],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^targetVersion: must be an Adobe Commerce 2\.4 version/),
        expect.stringMatching(/^timing\.remindAfter: must be a duration/),
        expect.stringMatching(/^changeWindows\.0\.days\.0:/),
        expect.stringMatching(/^changeWindows\.0\.startUtc: must be a UTC time/),
        expect.stringMatching(/^changeWindows\.0\.durationMinutes:/),
      ]),
    );
  });
});
