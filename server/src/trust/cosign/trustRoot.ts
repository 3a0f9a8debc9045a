// Sigstore's trusted root through TUF (tuf-js): the copy embedded in @sigstore/tuf for offline start, a verified cache, refresh when online.
import { BaseFetcher, Updater } from 'tuf-js';
// tuf-js recognises the end of the root chain (404/403 on <N+1>.root.json) only through its own error class.
import { DownloadHTTPError } from 'tuf-js/dist/error';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import seeds from '@sigstore/tuf/seeds.json';
import type { HttpClient } from '../../registry/http';
import { parseTrustedRoot } from './bundleVerify';

export const SIGSTORE_TUF_MIRROR = 'https://tuf-repo-cdn.sigstore.dev';
const TRUSTED_ROOT_TARGET = 'trusted_root.json';
/** TUF metadata and the trusted root are small; anything bigger is hostile. */
const MAX_TUF_BYTES = 2 * 1024 * 1024;

/**
 * Where tuf-js keeps a mirror's verified metadata and targets (stores/tufCache.ts on disk). tuf-js reads and
 * writes inside the directories it is given; everything else goes through this interface.
 */
export interface TufCache {
  /** The mirror's metadata and target directories, with `seedRoot()` written as its first root.json when new. */
  prepare(mirror: string, seedRoot: () => Uint8Array | undefined): { ok: true; metadataDir: string; targetDir: string } | { ok: false; reason: string };
  /** A cached target's text (at most `maxBytes`), or undefined. */
  readTarget(path: string, maxBytes: number): string | undefined;
}

export interface TrustRootOptions {
  /** Where TUF metadata and targets are cached. Undefined = no cache: embedded root only. */
  readonly cache?: TufCache;
  /** Offline: never touch the network; use the verified cache if it is still fresh, else the embedded root. */
  readonly offline: boolean;
  /** Needed when online; every TUF request goes through it (caps, timeouts, TLS rules). */
  readonly http?: HttpClient;
  readonly mirrorUrl?: string;
  /** The first trusted TUF root.json for a mirror without an embedded seed (a private or staging Sigstore). */
  readonly initialRoot?: Uint8Array;
  readonly timeoutMs?: number;
}

export type TrustRootResult =
  | { readonly ok: true; readonly root: TrustedRoot; readonly origin: 'embedded' | 'tuf-cache' | 'tuf-refreshed'; readonly note?: string }
  | { readonly ok: false; readonly reason: string };

type SeedFile = Record<string, { 'root.json': string; targets: Record<string, string> }>;

/** The trusted root shipped inside @sigstore/tuf (authenticated by the package we ship, like the TUF seed root). */
export function embeddedTrustedRoot(): TrustRootResult {
  const seed = (seeds as SeedFile)[SIGSTORE_TUF_MIRROR];
  const b64 = seed?.targets[TRUSTED_ROOT_TARGET];
  if (!b64) return { ok: false, reason: 'the embedded Sigstore trusted root is missing from @sigstore/tuf' };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
  } catch {
    return { ok: false, reason: 'the embedded Sigstore trusted root is not JSON' };
  }
  const r = parseTrustedRoot(json);
  return r.ok ? { ok: true, root: r.root, origin: 'embedded' } : r;
}

class HttpFetcher extends BaseFetcher {
  constructor(
    private readonly http: HttpClient,
    private readonly timeoutMs: number,
  ) {
    super();
  }
  override async fetch(url: string): Promise<ReadableStream<Uint8Array<ArrayBuffer>>> {
    const res = await this.http({ url, maxBytes: MAX_TUF_BYTES, timeoutMs: this.timeoutMs });
    if (!res.ok) throw new Error(`TUF fetch ${url}: ${res.message}`);
    if (res.status !== 200) throw new DownloadHTTPError(`TUF fetch ${url}: HTTP ${res.status}`, res.status);
    return new Blob([res.body as Uint8Array<ArrayBuffer>]).stream();
  }
}

class OfflineFetcher extends BaseFetcher {
  override async fetch(url: string): Promise<ReadableStream<Uint8Array<ArrayBuffer>>> {
    throw new Error(`offline: refusing to fetch ${url}`);
  }
}

/** Loads the trusted root. Never throws; never touches the network when `offline`. */
export async function loadTrustedRoot(opts: TrustRootOptions): Promise<TrustRootResult> {
  const mirror = opts.mirrorUrl ?? SIGSTORE_TUF_MIRROR;
  if (!opts.cache) return embeddedTrustedRoot();
  const offline = opts.offline || !opts.http;
  try {
    const seed = (seeds as SeedFile)[mirror];
    const dirs = opts.cache.prepare(mirror, () => opts.initialRoot ?? (seed ? new Uint8Array(Buffer.from(seed['root.json'], 'base64')) : undefined));
    if (!dirs.ok) {
      if (mirror !== SIGSTORE_TUF_MIRROR) return dirs;
      throw new Error(dirs.reason);
    }
    const updater = new Updater({
      metadataBaseUrl: mirror,
      targetBaseUrl: `${mirror}/targets`,
      metadataDir: dirs.metadataDir,
      targetDir: dirs.targetDir,
      forceCache: offline,
      fetcher: offline ? new OfflineFetcher() : new HttpFetcher(opts.http as HttpClient, opts.timeoutMs ?? 10_000),
      config: { fetchTimeout: opts.timeoutMs ?? 10_000, fetchRetry: 0 },
    });
    const info = await updater.getTargetInfo(TRUSTED_ROOT_TARGET);
    if (!info) throw new Error('trusted_root.json is not a TUF target');
    let path = await updater.findCachedTarget(info);
    let origin: 'tuf-cache' | 'tuf-refreshed' = 'tuf-cache';
    if (!path) {
      path = await updater.downloadTarget(info);
      origin = 'tuf-refreshed';
    }
    const text = opts.cache.readTarget(path, MAX_TUF_BYTES);
    if (text === undefined) throw new Error('the cached trusted_root.json cannot be read');
    const r = parseTrustedRoot(JSON.parse(text));
    if (!r.ok) return r;
    return { ok: true, root: r.root, origin: offline ? 'tuf-cache' : origin };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    // The embedded root belongs to Sigstore's public instance: never a stand-in for another deployment's root.
    if (mirror !== SIGSTORE_TUF_MIRROR) return { ok: false, reason: `TUF ${offline ? 'cache unusable offline' : 'refresh failed'} for ${mirror}: ${why}` };
    // Offline with no fresh cache, or the mirror is unreachable: the embedded root still verifies everything signed before it was built.
    const fallback = embeddedTrustedRoot();
    return fallback.ok ? { ...fallback, note: `TUF ${offline ? 'cache unusable offline' : 'refresh failed'} (${why}); using the embedded trusted root` } : fallback;
  }
}
