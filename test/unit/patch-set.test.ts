/**
 * The patch set (workflows/patch-set.ts) names exactly the patches upgradeProject asks behind it, so `cuo verify`
 * reads a history with the set's marker as one with each of those markers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PATCH_SET_ID, PATCHES_IN_SET } from '../../workflows/patch-set';

it('names every patch upgradeProject asks behind the patch set, in the order asked, and nothing else', () => {
  const source = readFileSync(join(__dirname, '../../workflows/upgrade-project.ts'), 'utf8');
  const behindTheSet = [...source.matchAll(/patchSet \|\| patched\('([a-z0-9-]+)'\)/g)].map((m) => m[1]);
  expect(behindTheSet).toEqual([...PATCHES_IN_SET]);
  expect(source).toContain('const patchSet = patched(PATCH_SET_ID);');
  expect([...source.matchAll(/patched\(['A-Z]/g)]).toHaveLength(PATCHES_IN_SET.length + 1);
  expect(PATCH_SET_ID).toBe('patch-set-v8');
});
