// Finds cosign image-signature candidates for one digest: v3 bundles as OCI referrers (API, then referrers tag)
// and legacy `.sig` tags. Attestations (provenance, SBOM, scans) are told apart before any bundle is downloaded.
import {
  descriptors,
  fetchByDigest,
  fetchFromRegistry,
  fetchReferrerManifest,
  isObject,
  listReferrers,
  MANIFEST_ACCEPT,
  MAX_MANIFEST_BYTES,
  parseJson,
  SHA256_DIGEST,
  type Descriptor,
  type RegistryTarget,
} from '../../registry/referrers';

export type { RegistryTarget };

export const BUNDLE_ARTIFACT_TYPES = new Set([
  'application/vnd.dev.sigstore.bundle.v0.3+json',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
]);
export const SIMPLE_SIGNING_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const ANN_SIGNATURE = 'dev.cosignproject.cosign/signature';
export const ANN_CERTIFICATE = 'dev.sigstore.cosign/certificate';
export const ANN_CHAIN = 'dev.sigstore.cosign/chain';
export const ANN_BUNDLE = 'dev.sigstore.cosign/bundle';
/** Set by cosign on bundle referrers: what the bundle's in-toto statement is, readable before downloading it. */
export const ANN_PREDICATE_TYPE = 'dev.sigstore.bundle.predicateType';
/** cosign v3's image-signature predicate: every other predicate type is an attestation. */
export const SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

const MAX_BUNDLE_BYTES = 2 * 1024 * 1024;
const MAX_PAYLOAD_BYTES = 256 * 1024;
/** Signature bundles downloaded per image; attestations named as such are not downloaded at all. */
export const MAX_CANDIDATES = 32;
/** Referrer manifests read per image (announcing what they carry): bounds the work a crowded listing can cause. */
const MAX_MANIFESTS = 128;
const MAX_SIG_LAYERS = 16;
/** A legacy signature's certificate, chain and Rekor bundle are a few KiB each. */
const MAX_CERT_ANNOTATION = 16 * 1024;
const MAX_CHAIN_ANNOTATION = 64 * 1024;
const MAX_REKOR_ANNOTATION = 64 * 1024;

export interface FoundBundle {
  readonly json: unknown;
  /** Digest of the referrer manifest that carried it. */
  readonly manifestDigest: string;
  /** The predicate type the referrer announced (annotation), if any; the bundle's own statement is checked anyway. */
  readonly announcedPredicate?: string;
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
      /** Referrers that announce another predicate type (attestations): not signatures, not downloaded here. */
      readonly attestations: number;
      /** Bundles that sign the digest as a blob (`cosign sign-blob`), not as an image. */
      readonly blobSignatures: number;
      /** Signature candidates beyond MAX_CANDIDATES that were not checked. */
      readonly unchecked: number;
      /** Things skipped on the way (malformed referrers, oversized blobs): shown, never fatal. */
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly reason: string; readonly kind: 'unreachable' | 'unauthorized' | 'rate-limited' | 'invalid' | 'timeout' };

/**
 * What a Sigstore bundle carries, read from its JSON before any verification (to sort, never to trust):
 * an image signature is a DSSE envelope whose in-toto statement has the cosign signature predicate;
 * a DSSE envelope with another predicate is an attestation; a message signature is a blob signature.
 */
export function bundleKind(json: unknown): { kind: 'signature' } | { kind: 'attestation'; predicateType: string } | { kind: 'blob-signature' } | { kind: 'unknown' } {
  if (!isObject(json)) return { kind: 'unknown' };
  if (isObject(json['messageSignature'])) return { kind: 'blob-signature' };
  const env = json['dsseEnvelope'];
  if (!isObject(env) || typeof env['payload'] !== 'string' || env['payload'].length > 4 * 1024 * 1024) return { kind: 'unknown' };
  const statement = parseJson(Buffer.from(env['payload'], 'base64'));
  const pt = isObject(statement) ? statement['predicateType'] : undefined;
  if (typeof pt !== 'string') return { kind: 'unknown' };
  return pt === SIGN_PREDICATE ? { kind: 'signature' } : { kind: 'attestation', predicateType: pt.slice(0, 256) };
}

/** Announced image signatures first, then referrers that announce nothing; announced attestations are left out. */
function signatureCandidates(refs: readonly Descriptor[]): { candidates: Descriptor[]; attestations: number } {
  const bundles = refs.filter((d) => d.artifactType !== undefined && BUNDLE_ARTIFACT_TYPES.has(d.artifactType));
  const announced = bundles.filter((d) => d.annotations[ANN_PREDICATE_TYPE] === SIGN_PREDICATE);
  const silent = bundles.filter((d) => d.annotations[ANN_PREDICATE_TYPE] === undefined);
  return { candidates: [...announced, ...silent], attestations: bundles.length - announced.length - silent.length };
}

/** Looks up every cosign image-signature candidate stored for `digest` in the repository. Never throws. */
export async function discoverSignatures(t: RegistryTarget, digest: string): Promise<Discovery> {
  if (!SHA256_DIGEST.test(digest)) return { ok: false, kind: 'invalid', reason: `"${digest}" is not a sha256 digest` };
  const hex = digest.slice('sha256:'.length);
  const notes: string[] = [];
  const paths: DiscoveryPath[] = [];
  const bundles: FoundBundle[] = [];
  const legacy: LegacySignature[] = [];

  // 1. Bundles as referrers.
  const listed = await listReferrers(t, digest);
  if (!listed.ok) return listed;
  if (listed.path !== null) paths.push(listed.path);
  notes.push(...listed.notes);
  const { candidates, attestations: announcedAttestations } = signatureCandidates(listed.referrers);
  let attestations = announcedAttestations;
  let blobSignatures = 0;
  let unchecked = 0;
  let manifests = 0;
  for (const d of candidates) {
    if (bundles.length >= MAX_CANDIDATES || manifests >= MAX_MANIFESTS) {
      unchecked++;
      continue;
    }
    manifests++;
    const m = await fetchReferrerManifest(t, d.digest, digest);
    if (!m.ok) {
      if (m.fatal) return m.fatal;
      notes.push(m.reason);
      continue;
    }
    // The manifest may announce what the index did not: an attestation is not downloaded as a signature.
    const announced = m.annotations[ANN_PREDICATE_TYPE] ?? d.annotations[ANN_PREDICATE_TYPE];
    if (announced !== undefined && announced !== SIGN_PREDICATE) {
      attestations++;
      continue;
    }
    const layer = m.layers.find((l) => BUNDLE_ARTIFACT_TYPES.has(l.mediaType));
    if (!layer) {
      notes.push(`referrer ${d.digest}: no Sigstore bundle layer`);
      continue;
    }
    if (layer.size > MAX_BUNDLE_BYTES) {
      notes.push(`referrer ${d.digest}: bundle of ${layer.size} bytes is over the ${MAX_BUNDLE_BYTES}-byte cap`);
      continue;
    }
    const b = await fetchByDigest(t, 'blobs', layer.digest, '*/*', MAX_BUNDLE_BYTES);
    if (!b.ok) {
      if (b.kind !== 'not-found' && b.kind !== 'invalid') return { ok: false, kind: b.kind, reason: b.reason };
      notes.push(`bundle ${layer.digest}: ${b.reason}`);
      continue;
    }
    const json = parseJson(b.body);
    if (json === undefined) {
      notes.push(`bundle ${layer.digest}: not JSON`);
      continue;
    }
    const kind = bundleKind(json);
    if (kind.kind === 'attestation') {
      attestations++;
      continue;
    }
    if (kind.kind === 'blob-signature') {
      blobSignatures++;
      continue;
    }
    // 'unknown' stays a candidate: verification says what is wrong with it.
    bundles.push({ json, manifestDigest: d.digest, ...(announced !== undefined ? { announcedPredicate: announced } : {}) });
  }

  if (unchecked > 0) notes.push(`${unchecked} more signature referrer(s) were not checked (at most ${MAX_CANDIDATES} bundles and ${MAX_MANIFESTS} referrer manifests per image)`);

  // 2. Legacy `.sig` tag (cosign ≤ v2, still most of what is published).
  const sig = await fetchFromRegistry(t, `manifests/sha256-${hex}.sig`, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES);
  if (sig.ok) {
    paths.push('legacy-sig-tag');
    const man = parseJson(sig.body);
    const layers = isObject(man) ? descriptors(man['layers'], notes).filter((l) => l.mediaType === SIMPLE_SIGNING_TYPE) : [];
    if (layers.length > MAX_SIG_LAYERS) {
      // As for referrers: signatures past the cap were never looked at, so "none verified" would be a guess
      // (anyone who can push to the repository can append signatures in front of the real one).
      unchecked += layers.length - MAX_SIG_LAYERS;
      notes.push(`only the first ${MAX_SIG_LAYERS} of ${layers.length} legacy signatures were checked`);
    }
    for (const l of layers.slice(0, MAX_SIG_LAYERS)) {
      if (l.truncated) {
        // A signature read without its (oversized) certificate would be checked as something it is not.
        notes.push(`legacy layer ${l.digest}: annotations over the size caps; ignored`);
        continue;
      }
      const signature = l.annotations[ANN_SIGNATURE];
      if (!signature || signature.length > 4096) {
        notes.push(`legacy layer ${l.digest}: no usable ${ANN_SIGNATURE} annotation`);
        continue;
      }
      const cert = l.annotations[ANN_CERTIFICATE];
      const chain = l.annotations[ANN_CHAIN];
      const rekor = l.annotations[ANN_BUNDLE];
      if ((cert?.length ?? 0) > MAX_CERT_ANNOTATION || (chain?.length ?? 0) > MAX_CHAIN_ANNOTATION || (rekor?.length ?? 0) > MAX_REKOR_ANNOTATION) {
        notes.push(`legacy layer ${l.digest}: certificate, chain or Rekor annotation over its size cap; ignored`);
        continue;
      }
      if (l.size > MAX_PAYLOAD_BYTES) {
        notes.push(`legacy layer ${l.digest}: payload of ${l.size} bytes is over the cap`);
        continue;
      }
      const p = await fetchByDigest(t, 'blobs', l.digest, '*/*', MAX_PAYLOAD_BYTES);
      if (!p.ok) {
        if (p.kind !== 'not-found' && p.kind !== 'invalid') return { ok: false, kind: p.kind, reason: p.reason };
        notes.push(`legacy payload ${l.digest}: ${p.reason}`);
        continue;
      }
      legacy.push({
        payload: p.body,
        signature,
        ...(cert ? { certificate: cert } : {}),
        ...(chain ? { chain } : {}),
        ...(rekor ? { rekorBundle: rekor } : {}),
      });
    }
  } else {
    if (sig.kind !== 'not-found' && sig.kind !== 'invalid') return { ok: false, kind: sig.kind, reason: sig.reason };
    if (sig.kind === 'invalid') notes.push(`legacy tag sha256-${hex}.sig: ${sig.reason}`);
  }
  return { ok: true, bundles, legacy, paths, attestations, blobSignatures, unchecked, notes };
}
