// Registry lookup cache: in memory, persisted as JSON (atomic writes), loaded with caps and validated as untrusted.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkDigest } from '../core/imageRef';
import type { LookupErrorKind, PlatformDigest, RegistryFact } from '../core/facts';

export const CACHE_FILE = 'registry-cache.json';
const MAX_FILE_BYTES = 8 * 1024 * 1024;
const MAX_ENTRIES = 5000;

export interface CacheEntry {
  readonly fact: RegistryFact;
  /** Epoch ms after which the entry is stale (still usable offline). */
  readonly expiresAt: number;
}

const ERROR_KINDS = new Set<LookupErrorKind>(['unreachable', 'unauthorized', 'not-found', 'rate-limited', 'too-large', 'tls', 'timeout', 'invalid', 'offline', 'insecure-refused']);
const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

function validPlatform(v: unknown): PlatformDigest | null {
  if (v === null || typeof v !== 'object') return null;
  const p = v as Record<string, unknown>;
  if (!isStr(p['os'], 64) || !isStr(p['architecture'], 64) || !isStr(p['digest'], 200) || checkDigest(p['digest']) !== null) return null;
  if (p['variant'] !== undefined && !isStr(p['variant'], 64)) return null;
  return { os: p['os'], architecture: p['architecture'], ...(typeof p['variant'] === 'string' ? { variant: p['variant'] } : {}), digest: p['digest'] };
}

/** Rebuilds a fact from untrusted JSON, field by field; null when anything is off. */
export function validFact(v: unknown): RegistryFact | null {
  if (v === null || typeof v !== 'object') return null;
  const f = v as Record<string, unknown>;
  if (!isStr(f['registry'], 255) || !isStr(f['lookedUpAt'], 40) || Number.isNaN(Date.parse(f['lookedUpAt']))) return null;
  if (f['state'] === 'ok') {
    if (!isStr(f['digest'], 200) || checkDigest(f['digest']) !== null || !isStr(f['mediaType'], 200) || typeof f['isIndex'] !== 'boolean') return null;
    if (!Array.isArray(f['platforms']) || f['platforms'].length > 1000) return null;
    const platforms: PlatformDigest[] = [];
    for (const p of f['platforms']) {
      const ok = validPlatform(p);
      if (ok === null) return null;
      platforms.push(ok);
    }
    const known = f['pinnedDigestKnown'];
    if (known !== undefined && typeof known !== 'boolean') return null;
    return { state: 'ok', registry: f['registry'], digest: f['digest'], mediaType: f['mediaType'], isIndex: f['isIndex'], platforms, ...(known !== undefined ? { pinnedDigestKnown: known } : {}), lookedUpAt: f['lookedUpAt'], fromCache: false };
  }
  if (f['state'] === 'error') {
    if (!ERROR_KINDS.has(f['kind'] as LookupErrorKind) || !isStr(f['message'], 2000)) return null;
    return { state: 'error', registry: f['registry'], kind: f['kind'] as LookupErrorKind, message: f['message'], lookedUpAt: f['lookedUpAt'] };
  }
  return null;
}

export class FactCache {
  private readonly entries = new Map<string, CacheEntry>();
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string | undefined,
    private readonly now: () => number = Date.now,
    private readonly log: (m: string) => void = () => undefined,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CacheEntry | undefined {
    return this.entries.get(key);
  }

  set(key: string, fact: RegistryFact, ttlMs: number): void {
    // Oldest insertion first out: a Map keeps insertion order.
    this.entries.delete(key);
    this.entries.set(key, { fact: { ...fact, ...(fact.state === 'ok' ? { fromCache: false } : {}) }, expiresAt: this.now() + ttlMs });
    while (this.entries.size > MAX_ENTRIES) {
      const first = this.entries.keys().next();
      if (first.done === true) break;
      this.entries.delete(first.value);
    }
    this.dirty = true;
  }

  clear(): void {
    this.entries.clear();
    this.dirty = true;
  }

  /** Loads the persisted file, if any. Bad files or entries are skipped, never trusted. */
  async load(): Promise<void> {
    if (this.dir === undefined) return;
    const file = join(this.dir, CACHE_FILE);
    try {
      const st = await stat(file);
      if (st.size > MAX_FILE_BYTES) {
        this.log(`ignoring ${file}: larger than ${MAX_FILE_BYTES} bytes`);
        return;
      }
      const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
      const entries = (parsed as { version?: unknown; entries?: unknown }).entries;
      if ((parsed as { version?: unknown }).version !== 1 || entries === null || typeof entries !== 'object' || Array.isArray(entries)) return;
      let skipped = 0;
      for (const [key, raw] of Object.entries(entries as Record<string, unknown>).slice(0, MAX_ENTRIES)) {
        const e = raw as { fact?: unknown; expiresAt?: unknown } | null;
        const fact = e !== null && typeof e === 'object' ? validFact(e.fact) : null;
        if (key.length > 600 || fact === null || typeof e?.expiresAt !== 'number' || !Number.isFinite(e.expiresAt)) {
          skipped++;
          continue;
        }
        // A file from the future must not keep an entry fresh forever.
        const expiresAt = Math.min(e.expiresAt, this.now() + 7 * 24 * 3600 * 1000);
        if (!this.entries.has(key)) this.entries.set(key, { fact, expiresAt });
      }
      if (skipped > 0) this.log(`skipped ${skipped} malformed entries in ${file}`);
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ENOENT') this.log(`ignoring unreadable cache file ${file}`);
    }
  }

  /** Writes the cache atomically (temp file + rename) when it changed. */
  flush(): Promise<void> {
    if (this.dir === undefined || !this.dirty) return this.writing;
    const dir = this.dir;
    this.dirty = false;
    const snapshot = JSON.stringify({ version: 1, entries: Object.fromEntries(this.entries) });
    this.writing = this.writing.then(async () => {
      const file = join(dir, CACHE_FILE);
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await mkdir(dir, { recursive: true });
        await writeFile(tmp, snapshot, { mode: 0o600 });
        await rename(tmp, file);
      } catch {
        this.log(`could not write the registry cache to ${file}`);
        await unlink(tmp).catch(() => undefined);
      }
    });
    return this.writing;
  }
}
