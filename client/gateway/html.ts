/**
 * HTML for everything the gateway writes into a page. Every value from a project or a person is text: the `html`
 * tagged template escapes each interpolation unless it is already `SafeHtml` (made by `html` itself or by the
 * markdown renderer), so forgetting to escape is not possible by construction, and TypeScript checks every view's
 * data. Chosen over a template engine with files (eta, nunjucks via @fastify/view) because those check neither the
 * data nor the escaping at compile time and would add a second language for a dozen small pages.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A fragment that is already HTML. Only `html`, `joinHtml` and the markdown renderer make one. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/** Trusted markup the caller built itself (the markdown renderer's output). */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
