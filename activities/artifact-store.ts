/**
 * Content-addressed artifacts per project: reports, plans, command output. The workflow keeps only an
 * `ArtifactRef` (id and hash) in its history; the document lives here. Writing the same content twice yields the
 * same id, which is what makes the activities that produce artifacts idempotent.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactRef } from './contract';

const SAFE_NAME = /^[a-z0-9][a-z0-9._-]{0,80}$/;

export class ArtifactStore {
  constructor(private readonly rootDir: string) {}

  /** Stores `content` as `<projectId>/<sha256 prefix>-<name>` and returns its reference. */
  async put(projectId: string, name: string, content: string | Buffer, mediaType = 'text/markdown'): Promise<ArtifactRef> {
    if (!SAFE_NAME.test(name)) throw new Error(`artifact name "${name}" must match ${SAFE_NAME}`);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const id = `${projectId}/${sha256.slice(0, 16)}-${name}`;
    const path = this.pathOf(id);
    await mkdir(join(this.rootDir, projectId), { recursive: true });
    // Write then rename, so a crash never leaves a half-written artifact under its final name.
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, path);
    return { id, sha256, name, mediaType, bytes: bytes.length };
  }

  async get(id: string): Promise<Buffer> {
    return readFile(this.pathOf(id));
  }

  async getText(id: string): Promise<string> {
    return (await this.get(id)).toString('utf8');
  }

  pathOf(id: string): string {
    const [projectId, file, ...rest] = id.split('/');
    if (!projectId || !file || rest.length || projectId.startsWith('.') || file.startsWith('.')) {
      throw new Error(`"${id}" is not an artifact id (expected <projectId>/<hash>-<name>)`);
    }
    return join(this.rootDir, projectId, file);
  }
}
