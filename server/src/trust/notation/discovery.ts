// Notation signatures of one digest in its repository: OCI referrers with artifactType
// application/vnd.cncf.notary.signature (the referrers API, the referrers tag on distribution 2.x), each a manifest
// whose one layer is a JWS or COSE envelope. Counts, sizes and digests are checked; every byte is hostile.
import { fetchByDigest, fetchReferrerManifest, listReferrers, type RegistryTarget } from '../../registry/referrers';
import { MAX_ENVELOPE_BYTES, MEDIA_TYPE_COSE, MEDIA_TYPE_JWS } from './envelope';
import type { EnvelopeInput } from './signature';

export const NOTATION_ARTIFACT_TYPE = 'application/vnd.cncf.notary.signature';
const THUMBPRINTS = 'io.cncf.notary.x509chain.thumbprint#S256';
/** Signature manifests read per image: notation's own default verifies at most 100; we look at fewer. */
export const MAX_NOTATION_REFERRERS = 32;

export type NotationDiscovery =
  | { readonly ok: true; readonly envelopes: readonly EnvelopeInput[]; readonly path: 'referrers-api' | 'referrers-tag' | null; readonly unchecked: number; readonly notes: readonly string[] }
  | { readonly ok: false; readonly reason: string };

function thumbprints(annotation: string | undefined): string[] | undefined {
  if (annotation === undefined) return undefined;
  try {
    const v = JSON.parse(annotation) as unknown;
    return Array.isArray(v) && v.length <= 10 && v.every((x) => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x)) ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

export async function discoverNotationSignatures(t: RegistryTarget, digest: string): Promise<NotationDiscovery> {
  const listed = await listReferrers(t, digest);
  if (!listed.ok) return { ok: false, reason: listed.reason };
  const notes = [...listed.notes];
  const refs = listed.referrers.filter((d) => d.artifactType === NOTATION_ARTIFACT_TYPE);
  const envelopes: EnvelopeInput[] = [];
  for (const d of refs.slice(0, MAX_NOTATION_REFERRERS)) {
    const m = await fetchReferrerManifest(t, d.digest, digest);
    if (!m.ok) {
      if (m.fatal) return { ok: false, reason: m.fatal.reason };
      notes.push(m.reason);
      continue;
    }
    const layer = m.layers.find((l) => l.mediaType === MEDIA_TYPE_JWS || l.mediaType === MEDIA_TYPE_COSE);
    if (layer === undefined) {
      notes.push(`referrer ${d.digest}: no JWS or COSE envelope layer`);
      continue;
    }
    if (layer.size > MAX_ENVELOPE_BYTES) {
      notes.push(`referrer ${d.digest}: envelope of ${layer.size} bytes is over the ${MAX_ENVELOPE_BYTES}-byte cap`);
      continue;
    }
    const b = await fetchByDigest(t, 'blobs', layer.digest, layer.mediaType, MAX_ENVELOPE_BYTES);
    if (!b.ok) {
      if (b.kind !== 'not-found' && b.kind !== 'invalid') return { ok: false, reason: b.reason };
      notes.push(`envelope ${layer.digest}: ${b.reason}`);
      continue;
    }
    const tp = thumbprints(m.annotations[THUMBPRINTS] ?? d.annotations[THUMBPRINTS]);
    envelopes.push({ mediaType: layer.mediaType, bytes: b.body, ...(tp !== undefined ? { thumbprints: tp } : {}) });
  }
  const unchecked = Math.max(0, refs.length - MAX_NOTATION_REFERRERS);
  if (unchecked > 0) notes.push(`only the first ${MAX_NOTATION_REFERRERS} of ${refs.length} Notation signatures were read`);
  return { ok: true, envelopes, path: listed.path, unchecked, notes };
}
