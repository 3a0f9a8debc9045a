// OCI distribution client: resolve a reference to its digest (HEAD, GET fallback with hashing), list index platforms.
import { createHash } from 'node:crypto';
import { canonicalRegistry, checkDigest, DOCKER_HUB, type ParsedReference } from '../core/imageRef';
import type { LookupErrorKind, PlatformDigest, RegistryFact } from '../core/facts';
import { createAuthenticatedClient, type RateLimitInfo, TokenCache } from './auth';
import type { CredentialSource } from './credentials';
import type { HttpClient, HttpFailureKind, HttpResult } from './http';

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

/** All four manifest types: the Accept list changes which digest a registry answers with. */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.dockerManifest, MEDIA_TYPES.dockerList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.ociIndex].join(', ');
export const MANIFEST_MAX_BYTES = 4 * 1024 * 1024;
export const ERROR_BODY_MAX_BYTES = 64 * 1024;

const INDEX_TYPES = new Set<string>([MEDIA_TYPES.dockerList, MEDIA_TYPES.ociIndex]);

export interface DistributionOptions {
  readonly http: HttpClient;
  readonly credentials: CredentialSource;
  /** Hosts reached over plain http (must also be allowed by the transport). */
  readonly insecureHosts?: readonly string[];
  /** Per-request deadline (default 15 s). */
  readonly timeoutMs?: number;
  readonly tokens?: TokenCache;
  readonly maxRetries?: number;
  readonly maxRetryWaitMs?: number;
  readonly onRateLimit?: (registry: string, info: RateLimitInfo) => void;
  readonly now?: () => Date;
  /**
   * GET an index to list its platforms (default true). Docker Hub counts a manifest GET as a pull (a HEAD
   * is free), so a setting may turn this off: the digest is still exact, `platforms` is then empty.
   */
  readonly listPlatforms?: boolean;
}

/** The API host for a registry: Docker Hub is served by registry-1.docker.io. */
export function apiHost(registry: string): string {
  const r = canonicalRegistry(registry);
  return r === DOCKER_HUB ? 'registry-1.docker.io' : r;
}

/** Base URL of the registry API (scheme by the insecure list, compared in canonical form). */
export function registryBase(registry: string, insecureHosts: readonly string[] = []): string {
  const canonical = canonicalRegistry(registry);
  const insecure = insecureHosts.some((h) => canonicalRegistry(h) === canonical);
  return `${insecure ? 'http' : 'https'}://${apiHost(canonical)}`;
}

function httpKindToLookup(kind: HttpFailureKind): LookupErrorKind {
  switch (kind) {
    case 'unreachable':
    case 'timeout':
    case 'too-large':
    case 'tls':
    case 'invalid':
    case 'insecure-refused':
      return kind;
    case 'aborted':
      return 'timeout';
    case 'redirect-refused':
      return 'invalid';
  }
}

/** A short, printable excerpt of a registry error body (code and message), never the raw bytes. */
function registryError(body: Uint8Array): string {
  try {
    const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = Array.isArray(parsed.errors) ? parsed.errors[0] : undefined;
    if (first !== undefined) {
      const code = typeof first.code === 'string' ? first.code : '';
      const msg = typeof first.message === 'string' ? first.message : '';
      return ` (${`${code}${code && msg ? ': ' : ''}${msg}`.replace(/[^\x20-\x7e]/g, '').slice(0, 160)})`;
    }
  } catch {
    // Not JSON: say nothing about it.
  }
  return '';
}

export class LookupError {
  constructor(
    readonly kind: LookupErrorKind,
    readonly message: string,
    /** True when the failure says nothing about the image (cancelled): do not cache it. */
    readonly transient = false,
  ) {}
}

function statusError(res: Extract<HttpResult, { ok: true }>, what: string, registry: string): LookupError {
  const detail = registryError(res.body);
  switch (res.status) {
    case 401:
    case 403:
      return new LookupError('unauthorized', `${registry} refused access to ${what}${detail}: log in with docker login or configure a credential helper`);
    case 404:
      return new LookupError('not-found', `${what} was not found on ${registry}${detail}`);
    case 429: {
      const after = res.headers['retry-after'];
      return new LookupError('rate-limited', `${registry} is rate-limiting requests${after !== undefined ? ` (retry after ${after.replace(/[^\x20-\x7e]/g, '').slice(0, 40)})` : ''}${detail}`);
    }
    default:
      if (res.status >= 500) return new LookupError('unreachable', `${registry} answered ${res.status} for ${what}${detail}`);
      return new LookupError('invalid', `${registry} answered ${res.status} for ${what}${detail}`);
  }
}

function digestOf(algorithm: string, body: Uint8Array): string {
  return `${algorithm}:${createHash(algorithm).update(body).digest('hex')}`;
}

function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

interface Manifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly platforms: readonly PlatformDigest[];
}

const PLATFORM_FIELD = /^[A-Za-z0-9._+-]{1,64}$/;

/** Platforms of an index, attestation manifests skipped. Throws LookupError on a malformed document. */
export function indexPlatforms(doc: unknown): PlatformDigest[] {
  const manifests = (doc as { manifests?: unknown }).manifests;
  if (!Array.isArray(manifests)) throw new LookupError('invalid', 'the index has no manifests list');
  const out: PlatformDigest[] = [];
  for (const m of manifests.slice(0, 1000)) {
    if (m === null || typeof m !== 'object') continue;
    const entry = m as { digest?: unknown; platform?: unknown; annotations?: unknown };
    const ann = (entry.annotations !== null && typeof entry.annotations === 'object' ? entry.annotations : {}) as Record<string, unknown>;
    if (ann['vnd.docker.reference.type'] === 'attestation-manifest') continue;
    if (typeof entry.digest !== 'string' || checkDigest(entry.digest) !== null) continue;
    const p = (entry.platform !== null && typeof entry.platform === 'object' ? entry.platform : {}) as { os?: unknown; architecture?: unknown; variant?: unknown };
    if (typeof p.os !== 'string' || typeof p.architecture !== 'string' || !PLATFORM_FIELD.test(p.os) || !PLATFORM_FIELD.test(p.architecture)) continue;
    const variant = typeof p.variant === 'string' && PLATFORM_FIELD.test(p.variant) ? p.variant : undefined;
    out.push({ os: p.os, architecture: p.architecture, ...(variant !== undefined ? { variant } : {}), digest: entry.digest });
  }
  return out;
}

/** Resolves references against registries. One instance per configuration; shares the token cache. */
export class DistributionClient {
  readonly tokens: TokenCache;
  private readonly timeoutMs: number;
  constructor(private readonly opts: DistributionOptions) {
    this.tokens = opts.tokens ?? new TokenCache();
    this.timeoutMs = opts.timeoutMs ?? 15_000;
  }

  /** The authenticated client for a repository scope (pull). */
  clientFor(registry: string, repository: string): HttpClient {
    return createAuthenticatedClient({
      http: this.opts.http,
      credentialHost: registry,
      credentialOrigin: registryBase(registry, this.opts.insecureHosts),
      credentials: this.opts.credentials,
      scope: `repository:${repository}:pull`,
      tokens: this.tokens,
      ...(this.opts.maxRetries !== undefined ? { maxRetries: this.opts.maxRetries } : {}),
      ...(this.opts.maxRetryWaitMs !== undefined ? { maxRetryWaitMs: this.opts.maxRetryWaitMs } : {}),
      onRateLimit: (info) => this.opts.onRateLimit?.(registry, info),
    });
  }

  /** GET /v2/: whether the registry answers at all (401 counts as reachable). */
  async ping(registry: string, signal?: AbortSignal): Promise<{ ok: true; status: number; challenge: string | null } | { ok: false; kind: LookupErrorKind; message: string }> {
    const res = await this.opts.http({ url: `${registryBase(registry, this.opts.insecureHosts)}/v2/`, method: 'GET', maxBytes: ERROR_BODY_MAX_BYTES, maxErrorBytes: ERROR_BODY_MAX_BYTES, timeoutMs: this.timeoutMs, ...(signal !== undefined ? { signal } : {}) });
    if (!res.ok) return { ok: false, kind: httpKindToLookup(res.kind), message: res.message };
    return { ok: true, status: res.status, challenge: res.headers['www-authenticate'] ?? null };
  }

  /** Resolves a reference to a RegistryFact. Never throws. */
  async resolve(ref: ParsedReference, signal?: AbortSignal): Promise<RegistryFact & { transient?: boolean }> {
    const registry = apiHost(ref.registry);
    const lookedUpAt = (this.opts.now?.() ?? new Date()).toISOString();
    try {
      const client = this.clientFor(ref.registry, ref.repository);
      const base = `${registryBase(ref.registry, this.opts.insecureHosts)}/v2/${ref.repository}/manifests/`;
      if (ref.effectiveTag !== null) {
        const resolved = await this.manifest(client, base, ref.effectiveTag, null, `${ref.familiar}`, registry, signal);
        let pinnedDigestKnown: boolean | undefined;
        if (ref.digest !== null) {
          if (ref.digest === resolved.digest || resolved.platforms.some((p) => p.digest === ref.digest)) pinnedDigestKnown = true;
          else pinnedDigestKnown = await this.knows(client, base, ref.digest, signal);
        }
        return {
          state: 'ok',
          registry,
          digest: resolved.digest,
          mediaType: resolved.mediaType,
          isIndex: INDEX_TYPES.has(resolved.mediaType),
          platforms: resolved.platforms,
          ...(pinnedDigestKnown !== undefined ? { pinnedDigestKnown } : {}),
          lookedUpAt,
          fromCache: false,
        };
      }
      // Digest only: there is no tag to resolve; report what the pinned digest is, if the registry has it.
      const digest = ref.digest ?? '';
      try {
        const m = await this.manifest(client, base, digest, digest, ref.familiar, registry, signal);
        return { state: 'ok', registry, digest: m.digest, mediaType: m.mediaType, isIndex: INDEX_TYPES.has(m.mediaType), platforms: m.platforms, pinnedDigestKnown: true, lookedUpAt, fromCache: false };
      } catch (err) {
        if (err instanceof LookupError && err.kind === 'not-found') {
          return { state: 'ok', registry, digest, mediaType: '', isIndex: false, platforms: [], pinnedDigestKnown: false, lookedUpAt, fromCache: false };
        }
        throw err;
      }
    } catch (err) {
      const e = err instanceof LookupError ? err : new LookupError('invalid', `unexpected failure while looking up ${ref.familiar}`);
      return { state: 'error', registry, kind: e.kind, message: e.message, lookedUpAt, ...(e.transient ? { transient: true } : {}) };
    }
  }

  private fail(res: Extract<HttpResult, { ok: false }>): never {
    throw new LookupError(httpKindToLookup(res.kind), res.message, res.kind === 'aborted');
  }

  /** Whether the registry has a manifest with this digest (HEAD by digest); undefined when it could not say. */
  private async knows(client: HttpClient, base: string, digest: string, signal?: AbortSignal): Promise<boolean | undefined> {
    const res = await client({ url: base + digest, method: 'HEAD', headers: { accept: MANIFEST_ACCEPT }, maxBytes: 0, timeoutMs: this.timeoutMs, ...(signal !== undefined ? { signal } : {}) });
    if (!res.ok) return undefined;
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    return undefined;
  }

  /**
   * HEAD the manifest; GET it when the digest header is missing or the platforms of an index are needed.
   * `expected` is a digest the bytes must hash to (a by-digest reference).
   */
  private async manifest(client: HttpClient, base: string, reference: string, expected: string | null, what: string, registry: string, signal?: AbortSignal): Promise<Manifest> {
    const sig = signal !== undefined ? { signal } : {};
    const head = await client({ url: base + reference, method: 'HEAD', headers: { accept: MANIFEST_ACCEPT }, maxBytes: 0, timeoutMs: this.timeoutMs, ...sig });
    if (!head.ok) this.fail(head);
    let headerDigest: string | null = null;
    let mediaType = '';
    if (head.status === 200) {
      const d = head.headers['docker-content-digest'];
      if (d !== undefined && checkDigest(d) === null) headerDigest = d;
      mediaType = mediaTypeOf(head.headers['content-type']);
      if (expected !== null && headerDigest !== null && headerDigest !== expected) {
        throw new LookupError('invalid', `${registry} answered digest ${headerDigest} for a request by digest ${expected}`);
      }
      if (headerDigest !== null && mediaType !== '' && (!INDEX_TYPES.has(mediaType) || this.opts.listPlatforms === false)) {
        return { digest: headerDigest, mediaType, platforms: [] };
      }
    } else if (head.status !== 405) {
      // 405: a registry without HEAD support; everything else is the answer.
      throw statusError(head, what, registry);
    }

    // GET by the digest we learnt (immutable) or by the tag when the registry sent none.
    const by = headerDigest ?? reference;
    const get = await client({ url: base + by, method: 'GET', headers: { accept: MANIFEST_ACCEPT }, maxBytes: MANIFEST_MAX_BYTES, maxErrorBytes: ERROR_BODY_MAX_BYTES, timeoutMs: this.timeoutMs, ...sig });
    if (!get.ok) this.fail(get);
    if (get.status !== 200) throw statusError(get, what, registry);
    const bodyHeader = get.headers['docker-content-digest'];
    const want = expected ?? headerDigest ?? (bodyHeader !== undefined && checkDigest(bodyHeader) === null ? bodyHeader : null);
    const algorithm = want !== null ? want.slice(0, want.indexOf(':')) : 'sha256';
    const computed = digestOf(algorithm, get.body);
    if (want !== null && computed !== want) {
      throw new LookupError('invalid', `the manifest ${registry} sent for ${what} hashes to ${computed}, not the digest ${want} it announced: refusing it`);
    }
    if (bodyHeader !== undefined) {
      // The header and the bytes must agree, whatever algorithm the header names.
      const ok = checkDigest(bodyHeader) === null && digestOf(bodyHeader.slice(0, bodyHeader.indexOf(':')), get.body) === bodyHeader;
      if (!ok) throw new LookupError('invalid', `the Docker-Content-Digest header from ${registry} for ${what} does not match the manifest bytes: refusing it`);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(Buffer.from(get.body).toString('utf8'));
    } catch {
      throw new LookupError('invalid', `the manifest ${registry} sent for ${what} is not valid JSON`);
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new LookupError('invalid', `the manifest ${registry} sent for ${what} is not a JSON object`);
    const declared = (doc as { mediaType?: unknown }).mediaType;
    const bodyType = typeof declared === 'string' ? declared.toLowerCase() : '';
    const headerType = mediaTypeOf(get.headers['content-type']);
    if (bodyType !== '' && headerType !== '' && bodyType !== headerType && (INDEX_TYPES.has(bodyType) || INDEX_TYPES.has(headerType))) {
      throw new LookupError('invalid', `${registry} labelled the manifest for ${what} as ${headerType} but it declares ${bodyType}`);
    }
    const type = bodyType || headerType || mediaType || (Array.isArray((doc as { manifests?: unknown }).manifests) ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest);
    const platforms = INDEX_TYPES.has(type) ? indexPlatforms(doc) : [];
    return { digest: computed, mediaType: type, platforms };
  }
}
