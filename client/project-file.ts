/**
 * Reads a project file the way a CSE writes it: YAML (JSON is YAML too). Syntax errors name the line and column;
 * schema problems are listed by field, all at once; versions the requirements catalog does not know are problems
 * too, because the workflow's infrastructure step would block on them days later.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { knownVersions } from '../activities/requirements/catalog';
import { validateProjectInput, type FieldProblem, type ProjectInput } from '../workflows/project-input';
import { CliError, EXIT } from './exit-codes';

export type ProjectFileResult = { ok: true; project: ProjectInput } | { ok: false; problems: FieldProblem[] };

/** Parses YAML text; syntax errors become problems on the field "(yaml line L, column C)". */
export function parseProjectText(text: string): { ok: true; raw: unknown } | { ok: false; problems: FieldProblem[] } {
  // prettyErrors fills linePos; the message's own "at line …" suffix and code excerpt are dropped for one line.
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return { field: pos ? `(yaml line ${pos.line}, column ${pos.col})` : '(yaml)', message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') };
      }),
    };
  }
  return { ok: true, raw: doc.toJS() };
}

/** Problems with versions the catalog does not list (what `cuo requirements` knows). */
export function catalogProblems(project: Pick<ProjectInput, 'currentVersion' | 'targetVersion'>): FieldProblem[] {
  const known = knownVersions();
  const problems: FieldProblem[] = [];
  for (const field of ['currentVersion', 'targetVersion'] as const) {
    if (!known.includes(project[field])) {
      const line = project[field].replace(/-p\d+$/, '');
      const sameLine = known.filter((v) => v === line || v.startsWith(`${line}-p`));
      problems.push({
        field,
        message: `${project[field]} is not in the Adobe Commerce requirements catalog; ${
          sameLine.length ? `${line} has ${sameLine[0]} … ${sameLine.at(-1)}` : `known versions are ${known[0]} … ${known.at(-1)}`
        } (see \`cuo requirements <version>\`)`,
      });
    }
  }
  return problems;
}

export function validateProjectText(text: string): ProjectFileResult {
  const parsed = parseProjectText(text);
  if (!parsed.ok) return parsed;
  if (parsed.raw === null || typeof parsed.raw !== 'object' || Array.isArray(parsed.raw)) {
    return { ok: false, problems: [{ field: '(project file)', message: 'must be a YAML mapping of fields (version, projectId, customer, ...)' }] };
  }
  const validation = validateProjectInput(parsed.raw);
  if (!validation.ok) return validation;
  const problems = catalogProblems(validation.project);
  return problems.length ? { ok: false, problems } : validation;
}

/** Reads and validates a project file, or throws a CliError (exit 2) listing every problem. */
export function loadProjectFile(path: string): ProjectInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read project file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, EXIT.usage);
  }
  const result = validateProjectText(text);
  if (!result.ok) {
    const n = result.problems.length;
    throw new CliError(
      `project file ${path} has ${n} problem${n === 1 ? '' : 's'}:`,
      EXIT.usage,
      result.problems.map((p) => `  ${p.field}: ${p.message}`),
    );
  }
  return result.project;
}
