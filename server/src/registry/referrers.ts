// OCI referrers of a digest (signatures, attestations): the referrers API, the referrers tag schema on registries
// without it, and content fetched by digest — every body capped, hashed and parsed as hostile input.
import { createHash } from 'node:crypto';
import type { HttpClient, HttpResult } from './http';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const MANIFEST_ACCEPT = [OCI_MANIFEST, 'application/vnd.docker.distribution.manifest.v2+json', OCI_INDEX].join(', ');
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_ERROR_BYTES = 16 * 1024;
/** Descriptors read from one index or manifest list; a hostile index can list millions. */
const MAX_DESCRIPTORS = 1000;
const MAX_ANNOTATIONS = 64;
const MAX_ANNOTATION_KEY = 256;
/** Annotation values larger than this (a certificate chain is a few KiB) are dropped, not parsed. */
export const MAX_ANNOTATION_VALUE = 64 * 1024;

export interface RegistryTarget {
  readonly http: HttpClient;
  /** e.g. `https://ghcr.io` or `http://127.0.0.1:5000`. */
  readonly baseUrl: string;
  readonly repository: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export type FetchFailureKind = 'not-found' | 'unreachable' | 'unauthorized' | 'rate-limited' | 'invalid' | 'timeout';

export type Fetched =
  | { readonly ok: true; readonly body: Uint8Array; readonly contentType: string }
  | { readonly ok: false; readonly status?: number; readonly reason: string; readonly kind: FetchFailureKind };

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly artifactType?: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** Some annotation was over its cap and left out: the descriptor is incomplete, and must not be read as whole. */
  readonly truncated?: true;
}

export type ReferrersPath = 'referrers-api' | 'referrers-tag';

export type Referrers =
  | {
      readonly ok: true;
      /** Where the listing came from (null: neither the API nor the tag had one). */
      readonly path: ReferrersPath | null;
      readonly referrers: readonly Descriptor[];
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly reason: string; readonly kind: Exclude<FetchFailureKind, 'not-found'> };

export const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

/** GET `/v2/<repo>/<path>`; a result union, never a throw. */
export async function fetchFromRegistry(t: RegistryTarget, path: string, accept: string, maxBytes: number): Promise<Fetched> {
  const url = `${t.baseUrl.replace(/\/+$/, '')}/v2/${t.repository}/${path}`;
  const res: HttpResult = await t.http({
    url,
    headers: { accept },
    maxBytes,
    maxErrorBytes: MAX_ERROR_BYTES,
    timeoutMs: t.timeoutMs,
    ...(t.signal ? { signal: t.signal } : {}),
  });
  if (!res.ok) {
    const kind = res.kind === 'timeout' || res.kind === 'aborted' ? 'timeout' : res.kind === 'too-large' || res.kind === 'invalid' ? 'invalid' : 'unreachable';
    return { ok: false, kind, reason: res.message };
  }
  if (res.status === 200) return { ok: true, body: res.body, contentType: (res.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '' };
  if (res.status === 404) return { ok: false, status: 404, kind: 'not-found', reason: `${path}: not found` };
  if (res.status === 401 || res.status === 403) return { ok: false, status: res.status, kind: 'unauthorized', reason: `${path}: access denied (HTTP ${res.status})` };
  if (res.status === 429) return { ok: false, status: 429, kind: 'rate-limited', reason: 'the registry is rate-limiting requests (HTTP 429)' };
  // A server error says nothing about signatures: reporting "unsigned" on it would be a guess.
  if (res.status >= 500) return { ok: false, status: res.status, kind: 'unreachable', reason: `${path}: registry error HTTP ${res.status}` };
  return { ok: false, status: res.status, kind: 'invalid', reason: `${path}: unexpected HTTP ${res.status}` };
}

export function sha256Of(body: Uint8Array): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

/** Fetches content by digest and checks the bytes hash to it: a registry cannot swap what a digest names. */
export async function fetchByDigest(t: RegistryTarget, kind: 'manifests' | 'blobs', digest: string, accept: string, max: number): Promise<Fetched> {
  if (!SHA256_DIGEST.test(digest)) return { ok: false, kind: 'invalid', reason: `"${digest.slice(0, 80)}" is not a sha256 digest` };
  const r = await fetchFromRegistry(t, `${kind}/${digest}`, accept, max);
  if (r.ok && sha256Of(r.body) !== digest) return { ok: false, kind: 'invalid', reason: `${kind}/${digest}: content does not hash to its digest` };
  return r;
}

export function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return undefined;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Annotations as strings, capped in count and size; oversized values are dropped (and said, and flagged). */
export function annotationsOf(raw: unknown, notes?: string[]): { annotations: Record<string, string>; truncated: boolean } {
  const out: Record<string, string> = {};
  let truncated = false;
  if (!isObject(raw)) return { annotations: out, truncated };
  let n = 0;
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') continue;
    if (k.length > MAX_ANNOTATION_KEY || ++n > MAX_ANNOTATIONS || v.length > MAX_ANNOTATION_VALUE) {
      truncated = true;
      notes?.push(`annotation ${k.slice(0, 80)} (${v.length} characters) is over the caps and was left out`);
      if (n > MAX_ANNOTATIONS) break;
      continue;
    }
    out[k] = v;
  }
  return { annotations: out, truncated };
}

/** The well-formed sha256 descriptors of a `manifests` or `layers` list, at most MAX_DESCRIPTORS. */
export function descriptors(list: unknown, notes?: string[]): Descriptor[] {
  if (!Array.isArray(list)) return [];
  const out: Descriptor[] = [];
  for (const d of list.slice(0, MAX_DESCRIPTORS)) {
    if (!isObject(d) || typeof d['digest'] !== 'string' || !SHA256_DIGEST.test(d['digest'])) continue;
    const a = annotationsOf(d['annotations'], notes);
    out.push({
      mediaType: typeof d['mediaType'] === 'string' ? d['mediaType'].slice(0, 256) : '',
      digest: d['digest'],
      size: typeof d['size'] === 'number' && Number.isSafeInteger(d['size']) ? d['size'] : -1,
      ...(typeof d['artifactType'] === 'string' ? { artifactType: d['artifactType'].slice(0, 256) } : {}),
      annotations: a.annotations,
      ...(a.truncated ? { truncated: true as const } : {}),
    });
  }
  if (list.length > MAX_DESCRIPTORS) notes?.push(`only the first ${MAX_DESCRIPTORS} of ${list.length} descriptors were read`);
  return out;
}

function hard(r: Extract<Fetched, { ok: false }>): Extract<Referrers, { ok: false }> | undefined {
  if (r.kind === 'not-found' || r.kind === 'invalid') return undefined;
  return { ok: false, kind: r.kind, reason: r.reason };
}

/**
 * The referrers of `digest`: `GET /v2/<repo>/referrers/<digest>`, and on a 404 (or another 4xx that says the
 * API is missing) the referrers tag `sha256-<hex>` that clients maintain on distribution 2.x. Unreachable,
 * unauthorized, rate-limited and timeouts are failures (never "no referrers"); malformed listings are notes.
 */
export async function listReferrers(t: RegistryTarget, digest: string): Promise<Referrers> {
  if (!SHA256_DIGEST.test(digest)) return { ok: false, kind: 'invalid', reason: `"${digest.slice(0, 80)}" is not a sha256 digest` };
  const notes: string[] = [];
  const hex = digest.slice('sha256:'.length);
  let index: unknown;
  let path: ReferrersPath | null = null;
  const api = await fetchFromRegistry(t, `referrers/${digest}`, OCI_INDEX, MAX_MANIFEST_BYTES);
  if (api.ok) {
    path = 'referrers-api';
    index = parseJson(api.body);
  } else if (api.kind === 'not-found' || (api.status !== undefined && api.status >= 400 && api.status < 500 && api.status !== 401 && api.status !== 403 && api.status !== 429)) {
    const tag = await fetchFromRegistry(t, `manifests/sha256-${hex}`, OCI_INDEX, MAX_MANIFEST_BYTES);
    if (tag.ok) {
      path = 'referrers-tag';
      index = parseJson(tag.body);
    } else {
      const f = hard(tag);
      if (f) return f;
      if (tag.kind === 'invalid') notes.push(`referrers tag sha256-${hex}: ${tag.reason}`);
    }
  } else {
    const f = hard(api);
    if (f) return f;
    notes.push(`referrers API: ${api.reason}`);
  }
  if (index === undefined) return { ok: true, path, referrers: [], notes };
  if (!isObject(index)) return { ok: true, path, referrers: [], notes: [...notes, 'referrers index is not a JSON object'] };
  return { ok: true, path, referrers: descriptors(index['manifests'], notes), notes };
}

/**
 * A referrer's manifest, fetched by digest, whose `subject` must be `digest`: a listing that names
 * someone else's subject is not about this image. Returns the manifest's layers and annotations.
 */
export async function fetchReferrerManifest(
  t: RegistryTarget,
  referrer: string,
  subject: string,
): Promise<{ ok: true; layers: Descriptor[]; annotations: Record<string, string>; artifactType?: string; notes: string[] } | { ok: false; fatal?: Extract<Referrers, { ok: false }>; reason: string }> {
  const m = await fetchByDigest(t, 'manifests', referrer, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES);
  if (!m.ok) {
    const f = hard(m);
    return f ? { ok: false, fatal: f, reason: m.reason } : { ok: false, reason: `referrer ${referrer}: ${m.reason}` };
  }
  const man = parseJson(m.body);
  if (!isObject(man)) return { ok: false, reason: `referrer ${referrer}: manifest is not JSON` };
  const subj = isObject(man['subject']) ? man['subject']['digest'] : undefined;
  if (subj !== subject) return { ok: false, reason: `referrer ${referrer}: its subject is ${typeof subj === 'string' ? subj.slice(0, 80) : 'missing'}, not ${subject}` };
  const notes: string[] = [];
  return {
    ok: true,
    layers: descriptors(man['layers'], notes),
    annotations: annotationsOf(man['annotations'], notes).annotations,
    ...(typeof man['artifactType'] === 'string' ? { artifactType: man['artifactType'].slice(0, 256) } : {}),
    notes,
  };
}
