/**
 * A problem with one field of something a person or a program sent (a project file, a decision): what the CLI
 * prints and what the workflow refuses with. Free of zod, so the workflow bundle can use it (see message-checks.ts).
 */
export interface FieldProblem {
  /** Dotted path of the field, or a label in parentheses for the whole thing ("(project file)", "(payload)"). */
  field: string;
  message: string;
}

/** "field: message; field: message" — one line for an error or an audit entry. */
export function formatProblems(problems: readonly FieldProblem[]): string {
  return problems.map((p) => `${p.field}: ${p.message}`).join('; ');
}
