/**
 * The patches a new project gets with one marker (workflows/upgrade-project.ts, issue #16). Tools that read a
 * history (`cuo verify`) treat this marker as every patch it names.
 */
export const PATCH_SET_ID = 'patch-set-v8';

export const PATCHES_IN_SET = [
  'commands-from-main-coroutine',
  'updates-after-workflow-code',
  'decisions-need-signed-assertions',
  'project-checked-by-local-activity',
  'board-search-attributes',
  'cab-rejection-notifies',
  'reminders-skip-missed-periods',
  'bounded-history',
  'lean-history',
  'continue-as-new-anywhere',
  'lean-result-and-upserts',
] as const;
