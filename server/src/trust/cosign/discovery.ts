// Finds cosign signatures for one digest in its repository: v3 bundles as OCI referrers (API, then referrers tag) and legacy `.sig` tags.
import { createHash } from 'node:crypto';
import type { HttpClient, HttpResult } from '../../registry/http';

export const BUNDLE_ARTIFACT_TYPES = new Set([
  'application/vnd.dev.sigstore.bundle.v0.3+json',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
]);
export const SIMPLE_SIGNING_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const ANN_SIGNATURE = 'dev.cosignproject.cosign/signature';
export const ANN_CERTIFICATE = 'dev.sigstore.cosign/certificate';
export const ANN_CHAIN = 'dev.sigstore.cosign/chain';
export const ANN_BUNDLE = 'dev.sigstore.cosign/bundle';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  OCI_INDEX,
].join(', ');
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_BUNDLE_BYTES = 2 * 1024 * 1024;
const MAX_PAYLOAD_BYTES = 256 * 1024;
const MAX_ERROR_BYTES = 16 * 1024;
/** Repositories can carry many attestations; a hostile one could list thousands. We look at the first few only. */
const MAX_REFERRERS = 32;
const MAX_SIG_LAYERS = 16;

export interface RegistryTarget {
  readonly http: HttpClient;
  /** e.g. `https://ghcr.io` or `http://127.0.0.1:5000`. */
  readonly baseUrl: string;
  readonly repository: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface FoundBundle {
  readonly json: unknown;
  /** Digest of the referrer manifest that carried it. */
  readonly manifestDigest: string;
}

export interface LegacySignature {
  /** The exact payload bytes the signature covers. */
  readonly payload: Uint8Array;
  readonly signature: string;
  readonly certificate?: string;
  readonly chain?: string;
  readonly rekorBundle?: string;
}

export type DiscoveryPath = 'referrers-api' | 'referrers-tag' | 'legacy-sig-tag';

export type Discovery =
  | {
      readonly ok: true;
      readonly bundles: readonly FoundBundle[];
      readonly legacy: readonly LegacySignature[];
      /** Which places answered with something (or were asked and were empty). */
      readonly paths: readonly DiscoveryPath[];
      /** Things skipped on the way (malformed referrers, oversized blobs): shown, never fatal. */
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly reason: string; readonly kind: 'unreachable' | 'unauthorized' | 'rate-limited' | 'invalid' | 'timeout' };

type Fetched = { ok: true; body: Uint8Array; contentType: string } | { ok: false; status?: number; reason: string; kind: 'not-found' | 'unreachable' | 'unauthorized' | 'rate-limited' | 'invalid' | 'timeout' };

async function get(t: RegistryTarget, path: string, accept: string, maxBytes: number): Promise<Fetched> {
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

function sha256(body: Uint8Array): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return undefined;
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly artifactType?: string;
  readonly annotations: Readonly<Record<string, string>>;
}

function descriptors(list: unknown): Descriptor[] {
  if (!Array.isArray(list)) return [];
  const out: Descriptor[] = [];
  for (const d of list) {
    if (!isObj(d) || typeof d['digest'] !== 'string' || !DIGEST.test(d['digest'])) continue;
    const ann: Record<string, string> = {};
    if (isObj(d['annotations'])) for (const [k, v] of Object.entries(d['annotations'])) if (typeof v === 'string') ann[k] = v;
    out.push({
      mediaType: typeof d['mediaType'] === 'string' ? d['mediaType'] : '',
      digest: d['digest'],
      size: typeof d['size'] === 'number' ? d['size'] : -1,
      ...(typeof d['artifactType'] === 'string' ? { artifactType: d['artifactType'] } : {}),
      annotations: ann,
    });
  }
  return out;
}

/** Fetches content by digest and checks the bytes hash to it: a registry cannot swap what a digest names. */
async function getByDigest(t: RegistryTarget, kind: 'manifests' | 'blobs', digest: string, accept: string, max: number): Promise<Fetched> {
  const r = await get(t, `${kind}/${digest}`, accept, max);
  if (r.ok && sha256(r.body) !== digest) return { ok: false, kind: 'invalid', reason: `${kind}/${digest}: content does not hash to its digest` };
  return r;
}

function fatal(r: Extract<Fetched, { ok: false }>): Discovery | undefined {
  if (r.kind === 'not-found') return undefined;
  if (r.kind === 'invalid') return undefined;
  return { ok: false, kind: r.kind, reason: r.reason };
}

/** Looks up every cosign signature stored for `digest` in the repository. Never throws. */
export async function discoverSignatures(t: RegistryTarget, digest: string): Promise<Discovery> {
  if (!DIGEST.test(digest)) return { ok: false, kind: 'invalid', reason: `"${digest}" is not a sha256 digest` };
  const hex = digest.slice('sha256:'.length);
  const notes: string[] = [];
  const paths: DiscoveryPath[] = [];
  const bundles: FoundBundle[] = [];
  const legacy: LegacySignature[] = [];

  // 1. Referrers API; a 404 means the registry does not implement it, so read the referrers tag schema instead.
  let index: unknown;
  const api = await get(t, `referrers/${digest}`, OCI_INDEX, MAX_MANIFEST_BYTES);
  if (api.ok) {
    paths.push('referrers-api');
    index = parseJson(api.body);
  } else if (api.kind === 'not-found' || (api.status !== undefined && api.status >= 400 && api.status < 500 && api.status !== 401 && api.status !== 403 && api.status !== 429)) {
    const tag = await get(t, `manifests/sha256-${hex}`, OCI_INDEX, MAX_MANIFEST_BYTES);
    if (tag.ok) {
      paths.push('referrers-tag');
      index = parseJson(tag.body);
    } else {
      const f = fatal(tag);
      if (f) return f;
      if (tag.kind === 'invalid') notes.push(`referrers tag sha256-${hex}: ${tag.reason}`);
    }
  } else {
    const f = fatal(api);
    if (f) return f;
    notes.push(`referrers API: ${api.reason}`);
  }
  if (index !== undefined) {
    const refs = isObj(index) ? descriptors(index['manifests']) : [];
    if (!isObj(index)) notes.push('referrers index is not a JSON object');
    const sigRefs = refs.filter((d) => d.artifactType !== undefined && BUNDLE_ARTIFACT_TYPES.has(d.artifactType));
    if (sigRefs.length > MAX_REFERRERS) notes.push(`only the first ${MAX_REFERRERS} of ${sigRefs.length} signature referrers were checked`);
    for (const d of sigRefs.slice(0, MAX_REFERRERS)) {
      const m = await getByDigest(t, 'manifests', d.digest, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES);
      if (!m.ok) {
        const f = fatal(m);
        if (f) return f;
        notes.push(`referrer ${d.digest}: ${m.reason}`);
        continue;
      }
      const man = parseJson(m.body);
      if (!isObj(man)) {
        notes.push(`referrer ${d.digest}: manifest is not JSON`);
        continue;
      }
      // The referrer must point back at our digest: a listing that names someone else's subject is not about this image.
      const subject = isObj(man['subject']) ? man['subject']['digest'] : undefined;
      if (subject !== digest) {
        notes.push(`referrer ${d.digest}: its subject is ${typeof subject === 'string' ? subject : 'missing'}, not ${digest}`);
        continue;
      }
      const layer = descriptors(man['layers']).find((l) => BUNDLE_ARTIFACT_TYPES.has(l.mediaType));
      if (!layer) {
        notes.push(`referrer ${d.digest}: no Sigstore bundle layer`);
        continue;
      }
      if (layer.size > MAX_BUNDLE_BYTES) {
        notes.push(`referrer ${d.digest}: bundle of ${layer.size} bytes is over the ${MAX_BUNDLE_BYTES}-byte cap`);
        continue;
      }
      const b = await getByDigest(t, 'blobs', layer.digest, '*/*', MAX_BUNDLE_BYTES);
      if (!b.ok) {
        const f = fatal(b);
        if (f) return f;
        notes.push(`bundle ${layer.digest}: ${b.reason}`);
        continue;
      }
      const json = parseJson(b.body);
      if (json === undefined) notes.push(`bundle ${layer.digest}: not JSON`);
      else bundles.push({ json, manifestDigest: d.digest });
    }
  }

  // 2. Legacy `.sig` tag (cosign ≤ v2, still most of what is published).
  const sig = await get(t, `manifests/sha256-${hex}.sig`, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES);
  if (sig.ok) {
    paths.push('legacy-sig-tag');
    const man = parseJson(sig.body);
    const layers = isObj(man) ? descriptors(man['layers']).filter((l) => l.mediaType === SIMPLE_SIGNING_TYPE) : [];
    if (layers.length > MAX_SIG_LAYERS) notes.push(`only the first ${MAX_SIG_LAYERS} of ${layers.length} legacy signatures were checked`);
    for (const l of layers.slice(0, MAX_SIG_LAYERS)) {
      const signature = l.annotations[ANN_SIGNATURE];
      if (!signature) {
        notes.push(`legacy layer ${l.digest}: no ${ANN_SIGNATURE} annotation`);
        continue;
      }
      if (l.size > MAX_PAYLOAD_BYTES) {
        notes.push(`legacy layer ${l.digest}: payload of ${l.size} bytes is over the cap`);
        continue;
      }
      const p = await getByDigest(t, 'blobs', l.digest, '*/*', MAX_PAYLOAD_BYTES);
      if (!p.ok) {
        const f = fatal(p);
        if (f) return f;
        notes.push(`legacy payload ${l.digest}: ${p.reason}`);
        continue;
      }
      legacy.push({
        payload: p.body,
        signature,
        ...(l.annotations[ANN_CERTIFICATE] ? { certificate: l.annotations[ANN_CERTIFICATE] } : {}),
        ...(l.annotations[ANN_CHAIN] ? { chain: l.annotations[ANN_CHAIN] } : {}),
        ...(l.annotations[ANN_BUNDLE] ? { rekorBundle: l.annotations[ANN_BUNDLE] } : {}),
      });
    }
  } else {
    const f = fatal(sig);
    if (f) return f;
    if (sig.kind === 'invalid') notes.push(`legacy tag sha256-${hex}.sig: ${sig.reason}`);
  }
  return { ok: true, bundles, legacy, paths, notes };
}
