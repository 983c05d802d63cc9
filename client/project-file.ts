/**
 * Reads a project file the way a CSE writes it: YAML (JSON is YAML too). Syntax errors name the line and column;
 * schema problems are listed by field, all at once; versions the requirements catalog does not know are problems
 * too, because the workflow's infrastructure step would block on them days later.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { knownVersions } from '../activities/requirements/catalog';
import { validateProjectInput, type FieldProblem, type ProjectInput } from '../workflows/project-input';
import { CliError, EXIT } from './exit-codes';

export type ProjectFileResult = { ok: true; project: ProjectInput } | { ok: false; problems: FieldProblem[] };

/**
 * Limits on what a project file may be (issue #12, finding 18: a 36 MB file took 3 GB in the dry run, deep nesting
 * ended in "Maximum call stack size exceeded", an alias bomb in an undocumented exit code). A real project file is
 * a few kilobytes and four levels deep; these leave a wide margin and refuse with exit code 2 (usage) like any
 * other problem of the file.
 */
export const PROJECT_FILE_LIMITS = { bytes: 256 * 1024, depth: 16, aliases: 50 } as const;

const tooDeep = (): FieldProblem => ({
  field: '(yaml)',
  message: `nested more than ${PROJECT_FILE_LIMITS.depth} levels deep; a project file needs about four (see examples/acme-2-4-8.yaml)`,
});

/** Depth of the deepest list or mapping (1 for a flat mapping); stops counting once over `limit`. */
function depthOf(value: unknown, limit: number, depth = 0): number {
  if (value === null || typeof value !== 'object' || depth > limit) return depth;
  let max = depth + 1;
  for (const child of Object.values(value as object)) max = Math.max(max, depthOf(child, limit, depth + 1));
  return max;
}

/**
 * The deepest bracket or indentation nesting of the text, without parsing it: the YAML parser recurses per level,
 * so an absurd depth must be refused before it runs. Over-counts brackets inside quoted strings, which only makes
 * a pathological file fail sooner.
 */
function textDepth(text: string): number {
  let flow = 0;
  let maxFlow = 0;
  let maxIndent = 0;
  for (const line of text.split('\n')) {
    const indent = /^[ -]*/.exec(line)![0].length;
    if (line.trim() && !line.trimStart().startsWith('#')) maxIndent = Math.max(maxIndent, indent);
    for (const ch of line) {
      if (ch === '[' || ch === '{') maxFlow = Math.max(maxFlow, ++flow);
      else if ((ch === ']' || ch === '}') && flow > 0) flow -= 1;
    }
  }
  // Two spaces per level is the usual YAML indentation; one is the tightest a person can write.
  return Math.max(maxFlow, Math.floor(maxIndent / 2));
}

/** Parses YAML text; syntax errors become problems on the field "(yaml line L, column C)". */
export function parseProjectText(text: string): { ok: true; raw: unknown } | { ok: false; problems: FieldProblem[] } {
  if (Buffer.byteLength(text, 'utf8') > PROJECT_FILE_LIMITS.bytes) {
    return {
      ok: false,
      problems: [
        { field: '(project file)', message: `is larger than ${PROJECT_FILE_LIMITS.bytes / 1024} KiB; a project file is a few kilobytes` },
      ],
    };
  }
  if (textDepth(text) > PROJECT_FILE_LIMITS.depth * 2) return { ok: false, problems: [tooDeep()] };
  // prettyErrors fills linePos; the message's own "at line …" suffix and code excerpt are dropped for one line.
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { prettyErrors: true });
  } catch (error) {
    if (error instanceof RangeError) return { ok: false, problems: [tooDeep()] };
    throw error;
  }
  if (doc.errors.length) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return {
          field: pos ? `(yaml line ${pos.line}, column ${pos.col})` : '(yaml)',
          message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
        };
      }),
    };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: PROJECT_FILE_LIMITS.aliases });
  } catch (error) {
    if (error instanceof RangeError) return { ok: false, problems: [tooDeep()] };
    // The yaml library refuses alias expansion beyond maxAliasCount ("resource exhaustion").
    return {
      ok: false,
      problems: [
        {
          field: '(yaml)',
          message: `uses aliases (*name) too often or too deeply (at most ${PROJECT_FILE_LIMITS.aliases} expansions); write the values out`,
        },
      ],
    };
  }
  if (depthOf(raw, PROJECT_FILE_LIMITS.depth) > PROJECT_FILE_LIMITS.depth) return { ok: false, problems: [tooDeep()] };
  return { ok: true, raw };
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
    return {
      ok: false,
      problems: [{ field: '(project file)', message: 'must be a YAML mapping of fields (version, projectId, customer, ...)' }],
    };
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
    // Refused before reading: the size alone says it is no project file.
    const size = statSync(path).size;
    if (size > PROJECT_FILE_LIMITS.bytes) {
      throw new CliError(
        `project file ${path} is ${Math.round(size / 1024)} KiB; a project file is at most ${PROJECT_FILE_LIMITS.bytes / 1024} KiB ` +
          `(a real one is a few kilobytes)`,
        EXIT.usage,
      );
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof CliError) throw err;
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
