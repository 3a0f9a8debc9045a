// RegistryService: cached, shared, bounded registry lookups producing RegistryFact values and core Facts.
import type { Facts, ImageFacts, LookupErrorKind, RegistryFact } from '../core/facts';
import type { ParsedReference } from '../core/imageRef';
import { TokenCache, type RateLimitInfo } from './auth';
import { FactCache, type CacheEntry } from './cache';
import { NO_CREDENTIALS, type CredentialSource } from './credentials';
import { apiHost, DistributionClient } from './distribution';
import type { HttpClient } from './http';

export interface RegistryServiceOptions {
  readonly http: HttpClient;
  readonly credentials?: CredentialSource;
  /** Registries (host or host:port) reached over plain http; the transport must allow the same list. */
  readonly insecureRegistries?: readonly string[];
  /** Directory for the persisted cache (extension global storage, or $XDG_CACHE_HOME/dockerfile-trust). */
  readonly cacheDir?: string;
  /** Answer from the cache only (stale entries included); uncached → error kind 'offline'. */
  readonly offline?: boolean;
  /** Lifetime of a successful lookup (default 30 min). */
  readonly ttlMs?: number;
  /** Lifetime of a failed lookup (default 2 min). */
  readonly negativeTtlMs?: number;
  /** Lookups running at once (default 4). */
  readonly concurrency?: number;
  /** Per-request deadline (default 15 s). */
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  readonly maxRetryWaitMs?: number;
  /** GET indexes to list platforms (default true); false saves Docker Hub pulls, platforms stay empty. */
  readonly listPlatforms?: boolean;
  /** Credential-free notes for the output channel. */
  readonly log?: (message: string) => void;
  readonly now?: () => number;
}

export interface RegistryStats {
  /** HTTP requests sent (token fetches included). */
  requests: number;
  /** Lookups that went to the network. */
  networkLookups: number;
  cacheHits: number;
}

export interface RegistryService {
  /**
   * What the registry says about `ref`: from the cache while fresh, else looked up. `maxAgeMs` tightens
   * "fresh" for this call (0 = ask the registry now, e.g. a tag a trust verdict will rest on; offline mode
   * still answers from the cache, marked fromCache). Never throws.
   */
  resolve(ref: ParsedReference, opts?: { readonly signal?: AbortSignal; readonly maxAgeMs?: number }): Promise<RegistryFact>;
  /** Resolves several references (bounded concurrency) and returns the Facts view. */
  resolveAll(refs: readonly ParsedReference[], opts?: { readonly signal?: AbortSignal }): Promise<Facts>;
  /** The cached fact for `ref`, fresh or stale, without any I/O. */
  peek(ref: ParsedReference): RegistryFact | undefined;
  /** A live core Facts view over the cache (registry facts only). */
  facts(): Facts;
  setOffline(offline: boolean): void;
  /** Latest Docker Hub style rate-limit headers per registry host. */
  rateLimits(): ReadonlyMap<string, RateLimitInfo & { readonly at: string }>;
  readonly stats: RegistryStats;
  /** Forgets cached lookups and tokens. */
  clear(): void;
  /** Persists the cache now. */
  flush(): Promise<void>;
  /** Cancels running lookups and persists the cache. */
  dispose(): Promise<void>;
}

const WAY_THERE: ReadonlySet<LookupErrorKind> = new Set<LookupErrorKind>(['unreachable', 'timeout', 'tls', 'offline']);

/** Cache key: the normalized reference (tag and digest included). */
export function cacheKey(ref: ParsedReference): string {
  return ref.canonical;
}

/** Bounds how many async jobs run at once (FIFO). */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export function createRegistryService(options: RegistryServiceOptions): RegistryService {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const ttl = options.ttlMs ?? 30 * 60_000;
  const negativeTtl = options.negativeTtlMs ?? 2 * 60_000;
  const stats: RegistryStats = { requests: 0, networkLookups: 0, cacheHits: 0 };
  const counted: HttpClient = (req) => {
    stats.requests++;
    return options.http(req);
  };
  const limits = new Map<string, RateLimitInfo & { at: string }>();
  const tokens = new TokenCache(now);
  const client = new DistributionClient({
    http: counted,
    credentials: options.credentials ?? NO_CREDENTIALS,
    insecureHosts: options.insecureRegistries ?? [],
    tokens,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
    ...(options.maxRetryWaitMs !== undefined ? { maxRetryWaitMs: options.maxRetryWaitMs } : {}),
    ...(options.listPlatforms !== undefined ? { listPlatforms: options.listPlatforms } : {}),
    onRateLimit: (registry, info) => limits.set(registry, { ...info, at: new Date(now()).toISOString() }),
    now: () => new Date(now()),
  });
  const cache = new FactCache(options.cacheDir, now, log);
  const loaded = cache.load();
  const inflight = new Map<string, Promise<RegistryFact>>();
  const gate = new Semaphore(Math.max(1, options.concurrency ?? 4));
  const disposed = new AbortController();
  let offline = options.offline ?? false;
  let flushTimer: ReturnType<typeof setTimeout> | null = null;

  const scheduleFlush = (): void => {
    if (options.cacheDir === undefined || flushTimer !== null) return;
    flushTimer = setTimeout(() => {
      flushTimer = null;
      void cache.flush();
    }, 500);
    flushTimer.unref?.();
  };

  const fromCache = (fact: RegistryFact): RegistryFact => (fact.state === 'ok' ? { ...fact, fromCache: true } : fact);

  const peek = (ref: ParsedReference): RegistryFact | undefined => {
    const e = cache.get(cacheKey(ref));
    return e === undefined ? undefined : fromCache(e.fact);
  };

  const aborted = (ref: ParsedReference): RegistryFact => ({
    state: 'error',
    registry: apiHost(ref.registry),
    kind: 'timeout',
    message: `the lookup of ${ref.familiar} was cancelled`,
    lookedUpAt: new Date(now()).toISOString(),
  });

  async function lookup(ref: ParsedReference, key: string): Promise<RegistryFact> {
    return gate.run(async () => {
      stats.networkLookups++;
      const fact = await client.resolve(ref, disposed.signal);
      const { transient, ...clean } = fact as RegistryFact & { transient?: boolean };
      const result = clean as RegistryFact;
      // A failure on the way to the registry says nothing about the image and is not kept (on disk it would outlive
      // the outage and the next start): the per-host state (reachability.ts) is what keeps an offline editor quiet.
      if (transient !== true && !(result.state === 'error' && WAY_THERE.has(result.kind))) {
        cache.set(key, result, result.state === 'ok' ? ttl : negativeTtl);
        scheduleFlush();
      }
      return result;
    });
  }

  async function resolve(ref: ParsedReference, opts: { readonly signal?: AbortSignal; readonly maxAgeMs?: number } = {}): Promise<RegistryFact> {
    await loaded;
    const key = cacheKey(ref);
    const entry = cache.get(key);
    const young = (e: CacheEntry): boolean => {
      if (opts.maxAgeMs === undefined) return true;
      const age = now() - Date.parse(e.fact.lookedUpAt);
      // An answer stamped in the future (clock skew, a cache from another machine) has no known age: never young.
      return age >= 0 && age <= opts.maxAgeMs;
    };
    // Offline (cache only), only earlier answers count: a failure from before says nothing about the image and would
    // keep an old network problem on screen after the person chose to work offline.
    if (entry !== undefined && ((offline && entry.fact.state === 'ok') || (entry.expiresAt > now() && young(entry)))) {
      stats.cacheHits++;
      return fromCache(entry.fact);
    }
    if (offline) {
      return { state: 'error', registry: apiHost(ref.registry), kind: 'offline', message: `working from the cache only, and ${ref.familiar} is not in it`, lookedUpAt: new Date(now()).toISOString() };
    }
    if (opts.signal?.aborted) return aborted(ref);
    let shared = inflight.get(key);
    if (shared === undefined) {
      // Callers share one lookup; a caller's cancellation only stops its own wait.
      shared = lookup(ref, key).finally(() => inflight.delete(key));
      inflight.set(key, shared);
    }
    const signal = opts.signal;
    if (signal === undefined) return shared;
    return new Promise<RegistryFact>((res) => {
      const onAbort = (): void => res(aborted(ref));
      signal.addEventListener('abort', onAbort, { once: true });
      void shared.then((f) => {
        signal.removeEventListener('abort', onAbort);
        res(f);
      });
    });
  }

  const facts = (): Facts => ({
    get(ref: ParsedReference): ImageFacts | undefined {
      const f = peek(ref);
      return f === undefined ? undefined : { registry: f };
    },
  });

  return {
    resolve,
    async resolveAll(refs, opts = {}) {
      const unique = new Map(refs.map((r) => [cacheKey(r), r]));
      await Promise.all([...unique.values()].map((r) => resolve(r, opts)));
      return facts();
    },
    peek,
    facts,
    setOffline(v) {
      offline = v;
    },
    rateLimits: () => limits,
    stats,
    clear() {
      cache.clear();
      tokens.clear();
      scheduleFlush();
    },
    flush: async () => {
      await loaded;
      await cache.flush();
    },
    async dispose() {
      disposed.abort();
      if (flushTimer !== null) clearTimeout(flushTimer);
      flushTimer = null;
      await loaded;
      await cache.flush();
    },
  };
}
