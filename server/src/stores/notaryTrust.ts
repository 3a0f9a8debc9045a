// The file-system TrustStore for Notary: the trusted root and version floors per GUN, one file each, written atomically.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { StoredTrust, TrustStore } from '../trust/notary/store';

/** One JSON file per GUN under a caller-given directory; writes go to a temp file then rename, so a crash never leaves half a root. */
export class FileTrustStore implements TrustStore {
  constructor(private readonly dir: string) {}

  private file(gun: string): string {
    // Hashing the GUN keeps hostile names ("../", ":") out of the file system.
    return join(this.dir, `${createHash('sha256').update(gun).digest('hex')}.json`);
  }

  async load(gun: string): Promise<StoredTrust | null> {
    let text: string;
    try {
      text = await readFile(this.file(gun), 'utf8');
    } catch {
      return null;
    }
    try {
      const v = JSON.parse(text) as unknown;
      if (typeof v !== 'object' || v === null) return null;
      const o = v as Record<string, unknown>;
      if (o['gun'] !== gun || typeof o['root'] !== 'string' || typeof o['versions'] !== 'object' || o['versions'] === null) return null;
      const versions: Record<string, number> = {};
      for (const [k, n] of Object.entries(o['versions'] as Record<string, unknown>)) if (typeof n === 'number') versions[k] = n;
      return { gun, root: o['root'], versions, trustedSince: typeof o['trustedSince'] === 'string' ? o['trustedSince'] : '' };
    } catch {
      return null;
    }
  }

  async save(state: StoredTrust): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const target = this.file(state.gun);
    const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
    await rename(tmp, target);
  }
}

