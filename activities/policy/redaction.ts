/**
 * Keeps the worker's secrets out of everything that leaves an activity: failure messages and stacks, results,
 * heartbeat details (issue #12, finding 2: a failing command printed SMTP_URL and WEBHOOK_URL, and its last line
 * became the blocked reason in the workflow history). Every configured secret is replaced, in the forms it can be
 * printed in (as configured, URL-encoded and decoded); credentials of any URL are masked; long text is capped.
 */
export const REDACTED = '[redacted]';

/** Shorter values are not treated as secrets: replacing "a" everywhere would say nothing and destroy the text. */
const MIN_SECRET_LENGTH = 4;

export class Redactor {
  private readonly needles: string[];

  constructor(secrets: Iterable<string | undefined>) {
    const forms = new Set<string>();
    for (const secret of secrets) {
      if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
      forms.add(secret);
      forms.add(encodeURIComponent(secret));
      try {
        forms.add(decodeURIComponent(secret));
      } catch {
        // Not URL-encoded: the configured form is enough.
      }
    }
    // Longest first, so a URL is replaced whole before the password inside it.
    this.needles = [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  }

  static readonly none = new Redactor([]);

  redact(text: string): string {
    let out = text;
    for (const needle of this.needles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    // user:password@ of any URL (a repository URL, a URL a command printed).
    return out.replace(/([a-z][a-z0-9+.-]*:\/\/)[^@/\s]+@/gi, '$1***@');
  }

  /** Redacted and at most `max` characters (with a marker saying how much was cut). */
  redactCapped(text: string, max: number): string {
    return capText(this.redact(text), max);
  }

  /** A copy of `value` with every string redacted (and capped at `maxString`); other values unchanged. */
  redactDeep<T>(value: T, maxString = 4000, depth = 0): T {
    if (typeof value === 'string') return this.redactCapped(value, maxString) as T;
    if (depth > 20 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v, maxString, depth + 1)) as T;
    if (Object.getPrototypeOf(value) !== Object.prototype) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = this.redactDeep(v, maxString, depth + 1);
    return out as T;
  }
}

export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 40))}… [${text.length - max + 40} characters cut]`;
}

/**
 * The secrets of a worker configuration as they could be printed: each URL whole, its password, `user:password`,
 * and for a webhook its path and last segment (a token in the path is the usual way webhooks authenticate).
 */
export function secretsOfUrl(raw: string | undefined): string[] {
  if (!raw) return [];
  const out = [raw];
  try {
    const url = new URL(raw);
    if (url.password) out.push(url.password, decodeURIComponent(url.password), `${url.username}:${url.password}`);
    if (url.pathname.length > 1) {
      out.push(url.pathname);
      const last = url.pathname.split('/').filter(Boolean).at(-1);
      if (last && last.length >= 8) out.push(last);
    }
    if (url.search.length > 1) out.push(url.search.slice(1));
  } catch {
    // Not a URL: the whole value is the secret.
  }
  return out;
}
