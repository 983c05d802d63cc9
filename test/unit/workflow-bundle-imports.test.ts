/**
 * What every cached workflow loads. The SDK instantiates each module the workflow code imports once per cached
 * workflow, so a library imported at the top of a workflow module is paid for by every open project: zod was ~1.4 MB
 * of the ~1.7 MB each project cost the worker (issue #6). This walks the static imports the workflow bundle starts
 * from (type-only imports are erased, a lazy `require` inside a function runs only when called) and keeps zod, and
 * anything of Node, out of that set.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

const WORKFLOWS = resolve(__dirname, '../../workflows');

/** Module specifiers a file imports (or re-exports) for their values at load time. */
function eagerImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const typeOnly =
        clause?.isTypeOnly ||
        (clause &&
          !clause.name &&
          clause.namedBindings &&
          ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) found.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      found.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return found;
}

/** Every module loaded when the workflow bundle's entry is: our files by path, packages by name. */
function loadedAtStart(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of eagerImports(file)) {
      if (specifier.startsWith('.')) visit(`${join(dirname(file), specifier)}.ts`);
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files: [...files].map((f) => f.slice(WORKFLOWS.length + 1)).sort(), packages: [...packages].sort() };
}

it('loads no zod and nothing of Node in each workflow: only the SDK, the signature check and our own workflow modules', () => {
  const { files, packages } = loadedAtStart(join(WORKFLOWS, 'index.ts'));
  expect(packages).toContain('@temporalio/workflow');
  // Signed decisions are verified in the workflow with pure JavaScript Ed25519 and SHA-2 (one small file each;
  // no base-point table is built, see decision-assertion.ts); nothing else from outside the SDK.
  expect(packages.filter((name) => !/^@temporalio\/(workflow|common)(\/|$)/.test(name))).toEqual([
    '@noble/ed25519',
    '@noble/hashes/sha2.js',
  ]);
  // The walk must reach the workflow's modules, or it proves nothing.
  expect(files).toEqual(
    expect.arrayContaining([
      'index.ts',
      'upgrade-project.ts',
      'message-checks.ts',
      'project-state.ts',
      'update-ordering.ts',
      'decision-assertion.ts',
    ]),
  );
  // The project file schema is zod: checked by a local activity for new projects, loaded lazily for old histories.
  expect(files).not.toContain('project-input.ts');
});
