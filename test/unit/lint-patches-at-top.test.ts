/** The lint rule that keeps every `patched()` at the top of upgradeProject, before its first await. */
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rule = require('../../eslint-rules/patches-at-top.cjs');

RuleTester.describe = describe;
RuleTester.it = it;
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' } });

tester.run('patches-at-top', rule, {
  valid: [
    `export async function upgradeProject(input: unknown) {
       const a = patched('a');
       if (patched('b')) install();
       const c = await check(input);
       return [a, c];
     }`,
    // An await inside a callback defined before the patches runs later: it does not count.
    `export async function upgradeProject() {
       const later = async () => { await x(); };
       const a = patched('a');
       await later();
       return a;
     }`,
  ],
  invalid: [
    {
      code: `export async function upgradeProject() { await check(); const a = patched('a'); return a; }`,
      errors: [{ messageId: 'afterAwait' }],
    },
    { code: `async function helper() { return patched('a'); }`, errors: [{ messageId: 'outside' }] },
    {
      code: `export async function upgradeProject() { for (const t of ts) { if (patched('a')) go(t); } }`,
      errors: [{ messageId: 'outside' }],
    },
    { code: `export async function upgradeProject() { const f = () => patched('a'); return f(); }`, errors: [{ messageId: 'outside' }] },
  ],
});
