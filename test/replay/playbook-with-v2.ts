/**
 * Stands in for workflows/playbook.ts in a replay test (test/unit/replay-histories.test.ts swaps it in when
 * bundling): the real playbook plus a next version (one above the newest published) that adds a task and reorders
 * two, and makes it the current version. Every recorded history must still replay: a project runs the playbook
 * version it started with.
 */
import { PLAYBOOKS as PUBLISHED, type Playbook, type PlaybookTask, type TaskId } from '../../workflows/playbook';

export * from '../../workflows/playbook';

const v1 = PUBLISHED.find((p) => p.version === 1)!;
const NEXT_VERSION = Math.max(...PUBLISHED.map((p) => p.version)) + 1;
const securityReview: PlaybookTask = {
  id: 'security-review' as TaskId,
  phase: 'plan',
  title: 'Security review of the upgrade plan',
  sourceTask: 'Security review (test-only task)',
  owner: 'managed-services',
  contributors: ['partner'],
  steps: [{ run: 'runSecurityChecks' }],
  reworkFrom: 'security-review' as TaskId,
  production: false,
};
const [plan, infra, complexity, ...rest] = v1.tasks;

export const PLAYBOOK_V2: Playbook = { ...v1, version: NEXT_VERSION, tasks: [plan!, securityReview, complexity!, infra!, ...rest] };
export const PLAYBOOKS: readonly Playbook[] = [...PUBLISHED, PLAYBOOK_V2];
export const CURRENT_PLAYBOOK_VERSION = NEXT_VERSION;

export function playbookOf(version: number | undefined): Playbook | undefined {
  return PLAYBOOKS.find((p) => p.version === (version ?? 1));
}
