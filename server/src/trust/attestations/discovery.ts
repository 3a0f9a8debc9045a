// Finds the attestations stored for one digest, wherever publishers put them:
//   - Sigstore bundles attached as OCI referrers (cosign v3 `attest`, actions/attest-build-provenance with push-to-registry),
//     through the referrers API or the referrers tag (registry/referrers.ts);
//   - cosign's legacy `sha256-<hex>.att` tag, one DSSE envelope per layer;
//   - BuildKit's attestation manifests inside the image index (always unsigned).
// Image signatures and blob signatures are left to the cosign source: an attestation is never a signature, and the
// reverse. Everything is capped (counts, sizes, a byte budget per lookup); every byte is hostile.
import {
  descriptors,
  fetchByDigest,
  fetchFromRegistry,
  fetchReferrerManifest,
  isObject,
  listReferrers,
  MANIFEST_ACCEPT,
  MAX_MANIFEST_BYTES,
  OCI_INDEX,
  parseJson,
  SHA256_DIGEST,
  type Descriptor,
  type RegistryTarget,
} from '../../registry/referrers';
import { ANN_PREDICATE_TYPE, BUNDLE_ARTIFACT_TYPES, bundleKind, SIGN_PREDICATE } from '../cosign/discovery';
import { findBuildkitAttestations, readBuildkitAttestationLayer, readBuildkitAttestationManifest } from './buildkit';
import type { AttestationFact, AttestationPath } from './facts';
import { LIMITS } from './hostile';
import { DSSE_LAYER_MEDIA_TYPE, type LegacyAttestationLayer } from './legacyAtt';
import { classifyPredicateType } from './predicateTypes';

/** Attestation bundles downloaded per image (provenance and scans first, SBOMs last). */
export const MAX_BUNDLES = 24;
/** Referrer manifests read per image. */
const MAX_MANIFESTS = 64;
/** One bundle; SBOM attestations are the large ones. */
const MAX_BUNDLE_BYTES = 8 * 1024 * 1024;
/** Layers of a legacy `.att` manifest read (cosign appends one per `cosign attest`). */
const MAX_ATT_LAYERS = 16;
/** BuildKit: attestation manifests (one per platform) and in-toto layers read per image, and the size of one layer. */
const MAX_BUILDKIT_MANIFESTS = 8;
const MAX_BUILDKIT_LAYERS = 16;
const MAX_BUILDKIT_LAYER_BYTES = 1024 * 1024;
/** Bytes downloaded per lookup, all blobs together: a repository cannot make one image cost more. */
export const MAX_LOOKUP_BYTES = 32 * 1024 * 1024;

export interface FoundAttestationBundle {
  readonly json: unknown;
  readonly manifestDigest: string;
  /** What the referrer announced (`dev.sigstore.bundle.predicateType`): unverified, used to order and label. */
  readonly announced?: string;
}

/** Something found but not read (over a cap): recorded as unverifiable, never as absent. */
export interface SkippedAttestation {
  readonly origin: 'referrer' | 'legacy-att';
  readonly reason: string;
  readonly predicateTypeHint?: string;
}

export type SignedDiscovery =
  | {
      readonly ok: true;
      readonly bundles: readonly FoundAttestationBundle[];
      readonly legacy: readonly LegacyAttestationLayer[];
      readonly skipped: readonly SkippedAttestation[];
      readonly paths: readonly AttestationPath[];
      /** Attestation referrers past the count caps, never looked at. */
      readonly unchecked: number;
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly reason: string; readonly kind: 'unreachable' | 'unauthorized' | 'rate-limited' | 'invalid' | 'timeout' };

/** A shared byte budget for one lookup. */
export class ByteBudget {
  private used = 0;
  constructor(private readonly limit: number = MAX_LOOKUP_BYTES) {}
  /** How much one more blob may take (0 when the budget is spent). */
  remaining(): number {
    return Math.max(0, this.limit - this.used);
  }
  spend(n: number): void {
    this.used += n;
  }
}

/** Provenance first, then scans and VEX, then referrers that announce nothing, SBOMs, and everything else. */
function rank(announced: string | undefined): number {
  if (announced === undefined) return 2;
  const c = classifyPredicateType(announced);
  if (c.kind === 'slsa-provenance') return 0;
  if (c.kind === 'vulnerability-scan' || c.kind === 'vex') return 1;
  if (c.kind === 'sbom') return 3;
  return 4;
}

function hint(announced: string | undefined): { predicateTypeHint?: string } {
  return announced !== undefined ? { predicateTypeHint: announced.slice(0, 256) } : {};
}

/** Referrers that may be attestations: Sigstore bundles not announced as image signatures. */
function attestationReferrers(refs: readonly Descriptor[]): Descriptor[] {
  return refs
    .filter((d) => d.artifactType !== undefined && BUNDLE_ARTIFACT_TYPES.has(d.artifactType) && d.annotations[ANN_PREDICATE_TYPE] !== SIGN_PREDICATE)
    .map((d, i) => ({ d, i, r: rank(d.annotations[ANN_PREDICATE_TYPE]) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.d);
}

/** The signed attestations of `digest` in the target repository: referrer bundles and legacy `.att` layers. Never throws. */
export async function discoverSignedAttestations(t: RegistryTarget, digest: string, budget: ByteBudget = new ByteBudget()): Promise<SignedDiscovery> {
  if (!SHA256_DIGEST.test(digest)) return { ok: false, kind: 'invalid', reason: `"${digest.slice(0, 80)}" is not a sha256 digest` };
  const notes: string[] = [];
  const paths: AttestationPath[] = [];
  const bundles: FoundAttestationBundle[] = [];
  const legacy: LegacyAttestationLayer[] = [];
  const skipped: SkippedAttestation[] = [];
  let unchecked = 0;

  const listed = await listReferrers(t, digest);
  if (!listed.ok) return listed;
  if (listed.path !== null) paths.push(listed.path);
  notes.push(...listed.notes.slice(0, 8));
  let manifests = 0;
  for (const d of attestationReferrers(listed.referrers)) {
    if (bundles.length >= MAX_BUNDLES || manifests >= MAX_MANIFESTS) {
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
    const announced = m.annotations[ANN_PREDICATE_TYPE] ?? d.annotations[ANN_PREDICATE_TYPE];
    if (announced === SIGN_PREDICATE) continue; // an image signature: the cosign source's, not ours
    const layer = m.layers.find((l) => BUNDLE_ARTIFACT_TYPES.has(l.mediaType));
    if (!layer) {
      notes.push(`referrer ${d.digest.slice(0, 19)}…: no Sigstore bundle layer`);
      continue;
    }
    const cap = Math.min(MAX_BUNDLE_BYTES, budget.remaining());
    if (layer.size < 0 || layer.size > cap) {
      skipped.push({ origin: 'referrer', reason: layer.size > MAX_BUNDLE_BYTES ? `a bundle of ${layer.size} bytes, over the ${MAX_BUNDLE_BYTES}-byte cap: not read` : `not read: the ${MAX_LOOKUP_BYTES}-byte budget of this lookup is spent`, ...hint(announced) });
      continue;
    }
    const b = await fetchByDigest(t, 'blobs', layer.digest, '*/*', cap);
    budget.spend(b.ok ? b.body.length : 0);
    if (!b.ok) {
      if (b.kind !== 'not-found' && b.kind !== 'invalid') return { ok: false, kind: b.kind, reason: b.reason };
      skipped.push({ origin: 'referrer', reason: `bundle ${layer.digest.slice(0, 19)}…: ${b.reason}`, ...hint(announced) });
      continue;
    }
    const json = parseJson(b.body);
    if (json === undefined) {
      skipped.push({ origin: 'referrer', reason: `bundle ${layer.digest.slice(0, 19)}… is not JSON`, ...hint(announced) });
      continue;
    }
    // A referrer that announced nothing may still be an image or blob signature: those are not attestations.
    const kind = bundleKind(json);
    if (kind.kind === 'signature' || kind.kind === 'blob-signature') continue;
    bundles.push({ json, manifestDigest: d.digest, ...(announced !== undefined ? { announced } : {}) });
  }
  if (unchecked > 0) notes.push(`${unchecked} more attestation referrer(s) were not read (at most ${MAX_BUNDLES} bundles and ${MAX_MANIFESTS} referrer manifests per image)`);

  // cosign's legacy layout: `sha256-<hex>.att`, one DSSE envelope per layer with the signing material in annotations.
  const hex = digest.slice('sha256:'.length);
  const att = await fetchFromRegistry(t, `manifests/sha256-${hex}.att`, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES);
  if (att.ok) {
    paths.push('legacy-att-tag');
    const man = parseJson(att.body);
    const layers = isObject(man) ? descriptors(man['layers'], notes).filter((l) => l.mediaType === DSSE_LAYER_MEDIA_TYPE) : [];
    if (layers.length > MAX_ATT_LAYERS) {
      unchecked += layers.length - MAX_ATT_LAYERS;
      notes.push(`only the first ${MAX_ATT_LAYERS} of ${layers.length} legacy attestations were read`);
    }
    for (const l of layers.slice(0, MAX_ATT_LAYERS)) {
      const announced = l.annotations['predicateType'];
      if (l.truncated) {
        // Read without its (oversized) certificate or log bundle, it would be checked as something it is not.
        skipped.push({ origin: 'legacy-att', reason: `layer ${l.digest.slice(0, 19)}…: annotations over the size caps`, ...hint(announced) });
        continue;
      }
      const cap = Math.min(LIMITS.envelopeBytes, budget.remaining());
      if (l.size < 0 || l.size > cap) {
        skipped.push({ origin: 'legacy-att', reason: l.size > LIMITS.envelopeBytes ? `an envelope of ${l.size} bytes, over the cap: not read` : `not read: the ${MAX_LOOKUP_BYTES}-byte budget of this lookup is spent`, ...hint(announced) });
        continue;
      }
      const p = await fetchByDigest(t, 'blobs', l.digest, '*/*', cap);
      budget.spend(p.ok ? p.body.length : 0);
      if (!p.ok) {
        if (p.kind !== 'not-found' && p.kind !== 'invalid') return { ok: false, kind: p.kind, reason: p.reason };
        skipped.push({ origin: 'legacy-att', reason: `layer ${l.digest.slice(0, 19)}…: ${p.reason}`, ...hint(announced) });
        continue;
      }
      legacy.push({ envelope: p.body, annotations: l.annotations });
    }
  } else {
    if (att.kind !== 'not-found' && att.kind !== 'invalid') return { ok: false, kind: att.kind, reason: att.reason };
    if (att.kind === 'invalid') notes.push(`legacy tag sha256-${hex.slice(0, 12)}….att: ${att.reason}`);
  }
  return { ok: true, bundles, legacy, skipped, paths, unchecked, notes };
}

/**
 * BuildKit's attestation manifests inside the image index `indexDigest` (in the image's own repository): unsigned facts,
 * one per in-toto layer read, about the platform manifests the index lists. Never throws; failures are notes.
 */
export async function discoverBuildkitAttestations(
  t: RegistryTarget,
  indexDigest: string,
  repository: string,
  budget: ByteBudget = new ByteBudget(),
): Promise<{ readonly items: readonly AttestationFact[]; readonly notes: readonly string[]; readonly failure?: string }> {
  const notes: string[] = [];
  const items: AttestationFact[] = [];
  const idx = await fetchByDigest(t, 'manifests', indexDigest, `${OCI_INDEX}, application/vnd.docker.distribution.manifest.list.v2+json`, MAX_MANIFEST_BYTES);
  if (!idx.ok) return { items, notes, ...(idx.kind !== 'not-found' && idx.kind !== 'invalid' ? { failure: idx.reason } : {}) };
  const found = findBuildkitAttestations(idx.body, indexDigest);
  if (!found.ok) return { items, notes: [found.reason] };
  notes.push(...found.notes.slice(0, 4));
  if (found.refs.length > MAX_BUILDKIT_MANIFESTS) notes.push(`only the first ${MAX_BUILDKIT_MANIFESTS} of ${found.refs.length} BuildKit attestation manifests were read`);
  let layersRead = 0;
  for (const ref of found.refs.slice(0, MAX_BUILDKIT_MANIFESTS)) {
    const m = await fetchByDigest(t, 'manifests', ref.manifestDigest, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES);
    if (!m.ok) {
      notes.push(`attestation manifest ${ref.manifestDigest.slice(0, 19)}…: ${m.reason}`);
      if (m.kind !== 'not-found' && m.kind !== 'invalid') return { items, notes, failure: m.reason };
      continue;
    }
    const man = readBuildkitAttestationManifest(m.body, ref.manifestDigest);
    if (!man.ok) {
      notes.push(man.reason);
      continue;
    }
    // Provenance first: SBOM layers are large and say nothing a hover needs beyond their presence.
    const ordered = [...man.layers].sort((a, b) => rank(a.predicateTypeHint) - rank(b.predicateTypeHint));
    for (const layer of ordered) {
      if (layersRead >= MAX_BUILDKIT_LAYERS) {
        notes.push(`only the first ${MAX_BUILDKIT_LAYERS} BuildKit attestation layers were read`);
        return { items, notes };
      }
      const cap = Math.min(MAX_BUILDKIT_LAYER_BYTES, budget.remaining());
      if (layer.size > cap) {
        notes.push(`BuildKit attestation layer ${layer.digest.slice(0, 19)}…${layer.predicateTypeHint !== undefined ? ` (${layer.predicateTypeHint.slice(0, 80)})` : ''} of ${layer.size} bytes: not read`);
        continue;
      }
      layersRead++;
      const b = await fetchByDigest(t, 'blobs', layer.digest, '*/*', cap);
      budget.spend(b.ok ? b.body.length : 0);
      if (!b.ok) {
        notes.push(`BuildKit attestation layer ${layer.digest.slice(0, 19)}…: ${b.reason}`);
        if (b.kind !== 'not-found' && b.kind !== 'invalid') return { items, notes, failure: b.reason };
        continue;
      }
      const fact = readBuildkitAttestationLayer(b.body, { layerDigest: layer.digest, subjectDigest: ref.subjectDigest, repository, ...(layer.predicateTypeHint !== undefined ? { predicateTypeHint: layer.predicateTypeHint } : {}) });
      items.push(fact.state === 'unsigned' && ref.subjectPlatform !== undefined ? { ...fact, subjectPlatform: ref.subjectPlatform } : fact);
    }
  }
  return { items, notes };
}
