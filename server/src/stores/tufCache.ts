// The file-system cache of a TUF mirror for the Sigstore trusted root: tuf-js keeps verified metadata and targets
// there. The trust layer asks this store for the directories and the cached target; it opens no file itself.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TufCache } from '../trust/cosign/trustRoot';

export function fsTufCache(root: string): TufCache {
  return {
    prepare(mirror, seedRoot) {
      try {
        const u = new URL(mirror);
        const dir = join(root, encodeURIComponent(u.host + u.pathname.replace(/\/$/, '')));
        const targetDir = join(dir, 'targets');
        mkdirSync(targetDir, { recursive: true });
        const rootPath = join(dir, 'root.json');
        if (!existsSync(rootPath)) {
          const seed = seedRoot();
          if (seed === undefined) return { ok: false, reason: `no embedded TUF root for mirror ${mirror}: give its initial root.json` };
          writeFileSync(rootPath, seed);
        }
        return { ok: true, metadataDir: dir, targetDir };
      } catch (e) {
        return { ok: false, reason: `TUF cache for ${mirror} unusable: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
      }
    },
    readTarget(path, maxBytes) {
      try {
        if (statSync(path).size > maxBytes) return undefined;
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}
