// The Node file-system implementation of NotationConfigStore: notation's directory, read-only, no symlinks (notation
// refuses symlinked policies, stores and certificates), every read capped. The trust layer never touches the disk.
import { lstat, open, readdir } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { isSafeRelativePath, type NotationConfigStore, type StoreEntryKind, type StoreList, type StoreRead } from '../trust/notation/store';

/** notation's configuration directory: $XDG_CONFIG_HOME/notation on Linux (default ~/.config/notation), as notation's dir package. */
export function defaultNotationDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return path.join(env['APPDATA'] ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'notation');
  if (platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'notation');
  const xdg = env['XDG_CONFIG_HOME'];
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.config'), 'notation');
}

function errno(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

/** Every path component below `root` must be a real directory (no symlinked store or trust store directory). */
async function checkParents(root: string, rel: string): Promise<StoreRead | undefined> {
  const parts = rel.split('/');
  let cur = root;
  for (const p of parts.slice(0, -1)) {
    cur = path.join(cur, p);
    try {
      const st = await lstat(cur);
      if (st.isSymbolicLink()) return { ok: false, kind: 'symlink', message: `${path.relative(root, cur)} is a symlink (not supported)` };
      if (!st.isDirectory()) return { ok: false, kind: 'not-a-directory', message: `${path.relative(root, cur)} is not a directory` };
    } catch (e) {
      return { ok: false, kind: errno(e) === 'ENOENT' ? 'not-found' : 'error', message: `${path.relative(root, cur)}: ${errno(e)}` };
    }
  }
  return undefined;
}

export function fsNotationConfigStore(root: string): NotationConfigStore {
  return {
    async read(relPath, maxBytes): Promise<StoreRead> {
      if (!isSafeRelativePath(relPath)) return { ok: false, kind: 'invalid-path', message: `invalid path ${relPath}` };
      const parent = await checkParents(root, relPath);
      if (parent) return parent;
      const full = path.join(root, ...relPath.split('/'));
      try {
        const st = await lstat(full);
        if (st.isSymbolicLink()) return { ok: false, kind: 'symlink', message: `${relPath} is a symlink (not supported)` };
        if (!st.isFile()) return { ok: false, kind: 'not-a-file', message: `${relPath} is not a regular file` };
        if (st.size > maxBytes) return { ok: false, kind: 'too-large', message: `${relPath} is larger than ${maxBytes} bytes` };
        const fh = await open(full, 'r');
        try {
          const buf = Buffer.alloc(maxBytes + 1);
          let n = 0;
          for (;;) {
            const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
            if (bytesRead === 0) break;
            n += bytesRead;
            if (n > maxBytes) return { ok: false, kind: 'too-large', message: `${relPath} is larger than ${maxBytes} bytes` };
          }
          return { ok: true, bytes: buf.subarray(0, n) };
        } finally {
          await fh.close();
        }
      } catch (e) {
        return { ok: false, kind: errno(e) === 'ENOENT' ? 'not-found' : 'error', message: `${relPath}: ${errno(e)}` };
      }
    },
    async list(relDir): Promise<StoreList> {
      if (!isSafeRelativePath(relDir)) return { ok: false, kind: 'invalid-path', message: `invalid path ${relDir}` };
      const parent = await checkParents(root, `${relDir}/x`);
      if (parent && !parent.ok) return parent;
      const full = path.join(root, ...relDir.split('/'));
      try {
        const entries = await readdir(full, { withFileTypes: true });
        return {
          ok: true,
          entries: entries.map((d) => ({
            name: d.name,
            kind: (d.isSymbolicLink() ? 'symlink' : d.isDirectory() ? 'directory' : d.isFile() ? 'file' : 'other') as StoreEntryKind,
          })),
        };
      } catch (e) {
        const code = errno(e);
        return { ok: false, kind: code === 'ENOENT' ? 'not-found' : code === 'ENOTDIR' ? 'not-a-directory' : 'error', message: `${relDir}: ${code}` };
      }
    },
  };
}
