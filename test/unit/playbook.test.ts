import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAB_GATES, PLAYBOOK_PHASES, PLAYBOOK_TASKS } from '../../workflows/playbook';

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
    expect(PLAYBOOK_PHASES.map((p) => p.id)).toEqual(['plan', 'infra-upgrade', 'code-update', 'post-upgrade-checks', 'uat', 'launch', 'post-launch']);
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
    const text = readFileSync(reference, 'utf8').replace(/<br \/>/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
    for (const task of PLAYBOOK_TASKS) {
      if (task.cseNote) expect(text).toContain(task.cseNote);
      expect(text).toContain(task.sourceTask.split(' — ')[0]!);
    }
  });
});
