import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CAB_GATES,
  CURRENT_PLAYBOOK_VERSION,
  PLAYBOOK_PHASES,
  PLAYBOOK_TASKS,
  PLAYBOOKS,
  checkPlaybook,
  playbookOf,
  type Playbook,
} from '../../workflows/playbook';
import { validateProjectInput } from '../../workflows/project-input';
import { ProjectState } from '../../workflows/project-state';
import { PLAYBOOK_V2 } from '../replay/playbook-with-v2';
import { makeProject } from '../support/project-fixture';

/** The seed's upgrade table, row by row: step, task, Customer, Development Partner, Managed Services. */
const SEED_UPGRADE_TABLE = [
  ['Plan upgrade', 'create-upgrade-plan', 'owner', 'contributor', 'contributor'],
  ['Plan upgrade', 'determine-infrastructure-changes', '', 'contributor', 'owner'],
  ['Plan upgrade', 'assess-upgrade-complexity', 'contributor', 'owner', 'contributor'],
  ['Execute upgrade', 'upgrade-infrastructure-services', '', '', 'owner'],
  ['Execute upgrade', 'update-code-base', 'contributor', 'owner', ''],
  ['Execute upgrade', 'post-upgrade-checks', '', 'owner', 'contributor'],
  ['UAT and Launch', 'performance-and-security-tests', 'contributor', 'owner', 'contributor'],
  ['UAT and Launch', 'user-acceptance-testing', 'owner', 'contributor', 'contributor'],
  ['UAT and Launch', 'launch-to-production', 'contributor', 'owner', 'contributor'],
  ['Post-Launch', 'post-launch-monitoring', 'contributor', 'contributor', 'owner'],
] as const;

const reference = join(__dirname, '../../../shared/reference/adobe-managed-services.md');

describe('playbook', () => {
  it.each(SEED_UPGRADE_TABLE)('%s / %s has the seed table owner and contributors', (step, id, customer, partner, ms) => {
    const task = PLAYBOOK_TASKS.find((t) => t.id === id)!;
    const phase = PLAYBOOK_PHASES.find((p) => p.id === task.phase)!;
    expect(phase.sourceStep).toBe(step);
    const cell = (role: 'customer' | 'partner' | 'managed-services') =>
      task.owner === role ? 'owner' : task.contributors.includes(role) ? 'contributor' : '';
    expect([cell('customer'), cell('partner'), cell('managed-services')]).toEqual([customer, partner, ms]);
  });

  it('has the 7 phases and 10 tasks of the design, in order', () => {
    expect(PLAYBOOK_PHASES.map((p) => p.id)).toEqual([
      'plan',
      'infra-upgrade',
      'code-update',
      'post-upgrade-checks',
      'uat',
      'launch',
      'post-launch',
    ]);
    expect(PLAYBOOK_TASKS.map((t) => t.id)).toEqual(SEED_UPGRADE_TABLE.map((row) => row[1]));
  });

  it('sends rejected UAT, checks, tests and launch back to the code update', () => {
    const back = Object.fromEntries(PLAYBOOK_TASKS.map((t) => [t.id, t.reworkFrom]));
    expect(back).toMatchObject({
      'user-acceptance-testing': 'update-code-base',
      'post-upgrade-checks': 'update-code-base',
      'performance-and-security-tests': 'update-code-base',
      'launch-to-production': 'update-code-base',
      'create-upgrade-plan': 'create-upgrade-plan',
    });
    for (const task of PLAYBOOK_TASKS) {
      expect(PLAYBOOK_TASKS.findIndex((t) => t.id === task.reworkFrom)).toBeLessThanOrEqual(PLAYBOOK_TASKS.indexOf(task));
    }
  });

  it('puts every production change behind a CAB gate', () => {
    for (const task of PLAYBOOK_TASKS.filter((t) => t.production)) {
      expect(CAB_GATES.some((g) => g.taskId === task.id && task.steps.some((s) => 'cab' in s && s.cab === g.id))).toBe(true);
    }
  });

  (existsSync(reference) ? it : it.skip)('quotes the seed document verbatim', () => {
    const text = readFileSync(reference, 'utf8')
      .replace(/<br \/>/g, ' ')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ');
    for (const task of PLAYBOOK_TASKS) {
      if (task.cseNote) expect(text).toContain(task.cseNote);
      expect(text).toContain(task.sourceTask.split(' — ')[0]!);
    }
  });

  it('has versions that each pass checkPlaybook, the current one among them; an unknown version is absent', () => {
    for (const playbook of PLAYBOOKS)
      expect({ version: playbook.version, problems: checkPlaybook(playbook) }).toEqual({ version: playbook.version, problems: [] });
    expect(playbookOf(CURRENT_PLAYBOOK_VERSION)?.tasks).toBe(PLAYBOOK_TASKS);
    expect(playbookOf(undefined)?.version).toBe(1);
    expect(playbookOf(99)).toBeUndefined();
  });

  it('holds production to what it says, rework to going back, CAB gates to their task', () => {
    const v1 = playbookOf(1)!;
    const edit = (fn: (tasks: Playbook['tasks'][number][]) => void): Playbook => {
      const tasks = v1.tasks.map((t) => ({ ...t, steps: [...t.steps] }));
      fn(tasks);
      return { ...v1, tasks };
    };
    const launch = (tasks: Playbook['tasks'][number][]) => tasks.find((t) => t.id === 'launch-to-production')!;
    // The deployment before its CAB gate: a production change nobody approved.
    expect(
      checkPlaybook(
        edit(
          (tasks) =>
            void (launch(tasks).steps = [
              { run: 'scheduleLaunchConference' },
              { run: 'deployToProduction', changeWindow: 'wait-before' },
              { cab: 'cab-production-deployment' },
            ]),
        ),
      ),
    ).toEqual(['v1 launch-to-production: a production task waits for a CAB gate before its first step with a change window']);
    expect(checkPlaybook(edit((tasks) => void (launch(tasks).production = false)))).toEqual([
      'v1 launch-to-production: only production tasks have CAB gates or change windows',
    ]);
    expect(checkPlaybook(edit((tasks) => void (tasks[0]!.reworkFrom = 'update-code-base')))).toEqual([
      'v1 create-upgrade-plan: reworkFrom update-code-base is not this task or an earlier one',
    ]);
    expect(checkPlaybook(edit((tasks) => void (launch(tasks).steps = launch(tasks).steps.filter((s) => !('cab' in s)))))).toEqual([
      'v1 launch-to-production: a production task waits for a CAB gate before its first step with a change window',
      'v1 cab-production-deployment: used by no task, belongs to launch-to-production',
    ]);
  });

  it('gives a project the gates of the version it runs, not of the module', () => {
    const parsed = validateProjectInput(makeProject());
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(checkPlaybook(PLAYBOOK_V2)).toEqual([]);
    const v2 = new ProjectState('upgrade-v2', parsed.project, () => '2026-12-02T00:00:00.000Z', {}, PLAYBOOK_V2);
    expect(v2.gates.map((g) => g.id).slice(0, 4)).toEqual([
      'create-upgrade-plan',
      'security-review',
      'assess-upgrade-complexity',
      'determine-infrastructure-changes',
    ]);
    const v1 = new ProjectState('upgrade-v1', parsed.project, () => '2026-12-02T00:00:00.000Z');
    expect(v1.gates.map((g) => g.id).slice(0, 4)).toEqual([
      'create-upgrade-plan',
      'determine-infrastructure-changes',
      'assess-upgrade-complexity',
      'upgrade-infrastructure-services',
    ]);
  });
});
