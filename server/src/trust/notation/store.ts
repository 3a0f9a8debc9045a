// The only way notation's configuration reaches the trust layer: an injected, read-only view of the notation
// directory ($XDG_CONFIG_HOME/notation). The Node implementation lives outside trust/ (server/src/stores/).

export type StoreEntryKind = 'file' | 'directory' | 'symlink' | 'other';

export type StoreFailure = 'not-found' | 'too-large' | 'symlink' | 'not-a-file' | 'not-a-directory' | 'invalid-path' | 'error';

export type StoreRead = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly kind: StoreFailure; readonly message: string };

export type StoreList =
  | { readonly ok: true; readonly entries: readonly { readonly name: string; readonly kind: StoreEntryKind }[] }
  | { readonly ok: false; readonly kind: StoreFailure; readonly message: string };

export interface NotationConfigStore {
  /** Reads a regular file at a `/`-separated path relative to the notation directory; symlinks are refused. */
  read(relPath: string, maxBytes: number): Promise<StoreRead>;
  /** Lists a directory (not recursively); the directory itself must not be a symlink. */
  list(relDir: string): Promise<StoreList>;
}

/** Relative paths the trust layer asks for: no absolute paths, no `..`, no empty segments. */
export function isSafeRelativePath(p: string): boolean {
  if (p === '' || p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** An in-memory store (tests, and the product policy's inline trust stores). */
export function memoryStore(files: Readonly<Record<string, Uint8Array | string>>): NotationConfigStore {
  const enc = (v: Uint8Array | string): Uint8Array => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);
  return {
    async read(relPath, maxBytes) {
      if (!isSafeRelativePath(relPath)) return { ok: false, kind: 'invalid-path', message: `invalid path ${relPath}` };
      const v = files[relPath];
      if (v === undefined) return { ok: false, kind: 'not-found', message: `${relPath} does not exist` };
      const b = enc(v);
      if (b.length > maxBytes) return { ok: false, kind: 'too-large', message: `${relPath} is larger than ${maxBytes} bytes` };
      return { ok: true, bytes: b };
    },
    async list(relDir) {
      if (!isSafeRelativePath(relDir)) return { ok: false, kind: 'invalid-path', message: `invalid path ${relDir}` };
      const prefix = `${relDir}/`;
      const names = new Map<string, 'file' | 'directory'>();
      for (const k of Object.keys(files)) {
        if (!k.startsWith(prefix)) continue;
        const rest = k.slice(prefix.length);
        const slash = rest.indexOf('/');
        names.set(slash < 0 ? rest : rest.slice(0, slash), slash < 0 ? 'file' : 'directory');
      }
      if (names.size === 0) return { ok: false, kind: 'not-found', message: `${relDir} does not exist` };
      return { ok: true, entries: [...names].map(([name, kind]) => ({ name, kind })) };
    },
  };
}
