/**
 * Where `cuo login` keeps the person's ID token: one file in the user's config folder, readable by them alone
 * (folder 0700, file 0600), one entry per gateway. `cuo logout` removes the entry. The token is never printed.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const entrySchema = z.object({
  idToken: z.string().min(1),
  email: z.string(),
  issuer: z.string(),
  /** Seconds since the epoch. */
  expiresAt: z.number(),
});
export type Credentials = z.infer<typeof entrySchema>;
const fileSchema = z.record(z.string(), entrySchema);

export function credentialsPath(configDir: string): string {
  return join(configDir, 'credentials.json');
}

function readAll(configDir: string): Record<string, Credentials> {
  const path = credentialsPath(configDir);
  if (!existsSync(path)) return {};
  try {
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

function writeAll(configDir: string, all: Record<string, Credentials>): void {
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const path = credentialsPath(configDir);
  writeFileSync(path, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  // The mode of an existing file is not changed by writeFileSync.
  chmodSync(path, 0o600);
}

export function loadCredentials(configDir: string, gatewayUrl: string): Credentials | undefined {
  return readAll(configDir)[gatewayUrl];
}

export function saveCredentials(configDir: string, gatewayUrl: string, credentials: Credentials): void {
  writeAll(configDir, { ...readAll(configDir), [gatewayUrl]: credentials });
}

/** Returns whether there was anything to forget. */
export function forgetCredentials(configDir: string, gatewayUrl: string): boolean {
  const all = readAll(configDir);
  if (!(gatewayUrl in all)) return false;
  delete all[gatewayUrl];
  writeAll(configDir, all);
  return true;
}
