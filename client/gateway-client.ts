/**
 * The CLI's conversation with the approvals gateway: JSON over HTTP with the person's ID token from `cuo login`.
 * Every answer that is not a success becomes one clear line with its exit code (client/exit-codes.ts).
 */
import { loadCredentials, type Credentials } from './credentials';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import type { Settings } from './settings';

const STATUS_EXIT: Record<number, ExitCode> = {
  400: EXIT.usage,
  401: EXIT.unauthenticated,
  403: EXIT.refused,
  404: EXIT.notFound,
  409: EXIT.refused,
  429: EXIT.unavailable,
  503: EXIT.unavailable,
  504: EXIT.unavailable,
};

export class GatewayClient {
  constructor(private readonly settings: Settings) {}

  get url(): string {
    return this.settings.gatewayUrl;
  }

  /** The signed-in person's credentials; a clear error when there are none or they expired. */
  credentials(): Credentials {
    const credentials = loadCredentials(this.settings.configDir, this.url);
    if (!credentials) throw new CliError(`not signed in to ${this.url}: run \`cuo login\` first`, EXIT.unauthenticated);
    if (credentials.expiresAt <= Date.now() / 1000) {
      throw new CliError(`your sign-in as ${credentials.email} expired: run \`cuo login\` again`, EXIT.unauthenticated);
    }
    return credentials;
  }

  async get<T>(path: string, token?: string): Promise<T> {
    return this.request<T>('GET', path, undefined, token);
  }

  async post<T>(path: string, body: unknown, token?: string): Promise<T> {
    return this.request<T>('POST', path, body, token);
  }

  private async request<T>(method: string, path: string, body: unknown, token?: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          'x-cuo-timeout-ms': String(this.settings.timeoutMs),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.settings.timeoutMs + 5_000),
      });
    } catch (err) {
      const why =
        (err as Error).name === 'TimeoutError'
          ? 'no answer in time'
          : ((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
      throw new CliError(
        `cannot reach the approvals gateway at ${this.url} (${why}); start it with \`npm run dev\`, or set CUO_GATEWAY_URL`,
        EXIT.unavailable,
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (res.ok) return parsed as T;
    const message = typeof (parsed as { error?: unknown })?.error === 'string' ? (parsed as { error: string }).error : `HTTP ${res.status}`;
    throw new CliError(res.status === 401 ? `${message} (run \`cuo login\`)` : message, STATUS_EXIT[res.status] ?? EXIT.failure);
  }
}
