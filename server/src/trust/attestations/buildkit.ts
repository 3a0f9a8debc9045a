// BuildKit's attestations, stored inside the image index (moby/buildkit docs/attestations/attestation-storage.md): a
// descriptor with platform unknown/unknown and annotations `vnd.docker.reference.type: attestation-manifest` and
// `vnd.docker.reference.digest: <platform manifest>`, pointing at a manifest whose layers (application/vnd.in-toto+json,
// annotated `in-toto.io/predicate-type`) are bare in-toto statements.
//
// Nothing here is signed. These are "provenance as the registry serves it": whoever can push to the repository can write
// them. The facts produced are always `unsigned` and must never count for policy or read as verified.
//
// Pure parsing over bytes the caller fetched; every blob is re-hashed against the digest it was fetched by.
import { createHash } from 'node:crypto';
import type { AttestationFact } from './facts';
import { LIMITS, SHA256_DIGEST, isObj, own, parseJson, str, utf8 } from './hostile';
import { readPredicate } from './predicates';
import { IN_TOTO_PAYLOAD_TYPE, namesDigest, parseStatement } from './statement';

export const REFERENCE_TYPE = 'vnd.docker.reference.type';
export const REFERENCE_DIGEST = 'vnd.docker.reference.digest';
export const ATTESTATION_MANIFEST = 'attestation-manifest';
export const PREDICATE_TYPE_ANNOTATION = 'in-toto.io/predicate-type';
/** Index and manifest documents are capped like every manifest (trust-facts §2). */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** One attestation manifest listed in an index, and the platform manifest it describes. */
export interface BuildkitAttestationRef {
  readonly manifestDigest: string;
  readonly subjectDigest: string;
  /** `os/architecture[/variant]` of the subject manifest, as the index lists it. */
  readonly subjectPlatform?: string;
}

export interface BuildkitLayerRef {
  readonly digest: string;
  readonly size: number;
  /** From the `in-toto.io/predicate-type` annotation: unverified, only for choosing which layers to fetch. */
  readonly predicateTypeHint?: string;
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function readJson(bytes: Uint8Array, expectedDigest: string | undefined, what: string): { ok: true; doc: Record<string, unknown> } | { ok: false; reason: string } {
  if (bytes.length > MAX_MANIFEST_BYTES) return { ok: false, reason: `${what} of ${bytes.length} bytes is over the ${MAX_MANIFEST_BYTES}-byte cap` };
  if (expectedDigest !== undefined && sha256(bytes) !== expectedDigest) return { ok: false, reason: `${what} does not hash to ${expectedDigest}` };
  const text = utf8(bytes);
  const parsed = text !== undefined ? parseJson(text) : { ok: false as const };
  if (!parsed.ok || !isObj(parsed.value)) return { ok: false, reason: `${what} is not a JSON object` };
  return { ok: true, doc: parsed.value };
}

function annotations(d: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const a = own(d, 'annotations');
  if (isObj(a)) for (const [k, v] of Object.entries(a)) if (typeof v === 'string' && v.length <= 1024) out[k] = v;
  return out;
}

function platformOf(d: unknown): string | undefined {
  const p = own(d, 'platform');
  const os = str(own(p, 'os'), 64);
  const arch = str(own(p, 'architecture'), 64);
  const variant = str(own(p, 'variant'), 64);
  return os && arch ? `${os}/${arch}${variant ? `/${variant}` : ''}` : undefined;
}

/**
 * The attestation manifests listed in an image index (the exact bytes of the index; pass its digest to have them checked).
 * Only descriptors whose subject is another manifest of the same index are kept: BuildKit always attaches them so.
 */
export function findBuildkitAttestations(
  indexBytes: Uint8Array,
  indexDigest?: string,
): { ok: true; refs: readonly BuildkitAttestationRef[]; notes: readonly string[] } | { ok: false; reason: string } {
  const r = readJson(indexBytes, indexDigest, 'image index');
  if (!r.ok) return r;
  const manifests = own(r.doc, 'manifests');
  if (!Array.isArray(manifests)) return { ok: false, reason: 'image index has no manifests list' };
  const notes: string[] = [];
  const platforms = new Map<string, string | undefined>();
  const candidates: { digest: string; subject: string }[] = [];
  for (const d of manifests.slice(0, LIMITS.walk)) {
    const digest = own(d, 'digest');
    if (typeof digest !== 'string' || !SHA256_DIGEST.test(digest)) continue;
    const ann = annotations(d);
    if (ann[REFERENCE_TYPE] === ATTESTATION_MANIFEST) {
      const subject = ann[REFERENCE_DIGEST];
      if (subject === undefined || !SHA256_DIGEST.test(subject)) {
        notes.push(`attestation manifest ${digest.slice(0, 19)}… names no subject`);
        continue;
      }
      candidates.push({ digest, subject });
    } else if (ann[REFERENCE_TYPE] === undefined) {
      platforms.set(digest, platformOf(d));
    }
  }
  const refs: BuildkitAttestationRef[] = [];
  for (const c of candidates) {
    if (!platforms.has(c.subject)) {
      notes.push(`attestation manifest ${c.digest.slice(0, 19)}… is about ${c.subject.slice(0, 19)}…, which this index does not list`);
      continue;
    }
    if (refs.length >= LIMITS.indexAttestations) {
      notes.push(`only the first ${LIMITS.indexAttestations} attestation manifests are read`);
      break;
    }
    const platform = platforms.get(c.subject);
    refs.push({ manifestDigest: c.digest, subjectDigest: c.subject, ...(platform !== undefined ? { subjectPlatform: platform } : {}) });
  }
  return { ok: true, refs, notes };
}

/** The in-toto layers of an attestation manifest (its exact bytes, checked against the digest the index gave). */
export function readBuildkitAttestationManifest(
  manifestBytes: Uint8Array,
  manifestDigest: string,
): { ok: true; layers: readonly BuildkitLayerRef[] } | { ok: false; reason: string } {
  const r = readJson(manifestBytes, manifestDigest, 'attestation manifest');
  if (!r.ok) return r;
  const layers = own(r.doc, 'layers');
  if (!Array.isArray(layers)) return { ok: false, reason: 'attestation manifest has no layers' };
  const out: BuildkitLayerRef[] = [];
  for (const l of layers.slice(0, LIMITS.manifestLayers)) {
    if (own(l, 'mediaType') !== IN_TOTO_PAYLOAD_TYPE) continue; // "Any unknown mediaTypes should be ignored."
    const digest = own(l, 'digest');
    const size = own(l, 'size');
    if (typeof digest !== 'string' || !SHA256_DIGEST.test(digest) || typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) continue;
    const hint = str(annotations(l)[PREDICATE_TYPE_ANNOTATION], 512);
    out.push({ digest, size, ...(hint !== undefined ? { predicateTypeHint: hint } : {}) });
  }
  return { ok: true, layers: out };
}

/** One in-toto layer → an `unsigned` fact about `subjectDigest`. Never throws, never answers `verified`. */
export function readBuildkitAttestationLayer(
  layerBytes: Uint8Array,
  ref: { readonly layerDigest: string; readonly subjectDigest: string; readonly repository: string; readonly predicateTypeHint?: string },
): AttestationFact {
  const hint = ref.predicateTypeHint !== undefined ? str(ref.predicateTypeHint, 512) : undefined;
  const fail = (reason: string): AttestationFact => ({
    state: 'unverifiable',
    origin: 'buildkit-index',
    repository: ref.repository,
    reason,
    ...(hint !== undefined ? { predicateTypeHint: hint } : {}),
  });
  try {
    if (sha256(layerBytes) !== ref.layerDigest) return fail(`attestation layer does not hash to ${ref.layerDigest}`);
    const parsed = parseStatement(layerBytes);
    if (!parsed.ok) {
      const text = utf8(layerBytes.subarray(0, 4096)) ?? '';
      if (/"payloadType"\s*:/.test(text)) return fail('a DSSE envelope inside a BuildKit attestation manifest: its signature is not checked here');
      return fail(parsed.reason);
    }
    const st = parsed.statement;
    if (!namesDigest(st, ref.subjectDigest)) return fail(`the statement is not about ${ref.subjectDigest}, the manifest the index attaches it to`);
    const notes = ['unsigned: BuildKit provenance as the registry serves it; anyone who can push to the repository can write it'];
    if (hint !== undefined && hint !== st.predicateType) notes.push(`the manifest labels it ${JSON.stringify(hint)}; the statement says ${st.predicateType}`);
    return {
      state: 'unsigned',
      origin: 'buildkit-index',
      repository: ref.repository,
      subjectDigest: ref.subjectDigest,
      statementType: st.version,
      predicateType: st.predicateType,
      facts: readPredicate(st.predicateType, st.predicate),
      notes,
    };
  } catch (e) {
    return fail(`attestation layer could not be read: ${e instanceof Error ? e.message : String(e)}`);
  }
}
