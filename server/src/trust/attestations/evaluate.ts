// Policy over attestation facts: does a verified provenance by a trusted signer say this image was built by the required
// builder from the required source; is the newest trusted vulnerability scan recent enough. Pure, never throws.
//
// Only `verified` facts count. Unsigned BuildKit provenance, invalid and unverifiable attestations are named in the
// reason for a missing requirement, never used to satisfy one. For keyless GitHub attestations the source repository,
// ref and commit come from the Fulcio certificate (what GitHub's OIDC token said, like `gh attestation verify --repo`),
// and a predicate that claims another source is a mismatch.
import { matchIdentity } from '../cosign/bundleVerify';
import type { AttestationFact, AttestationSignerFact, EffectiveSource, ProvenanceFacts, ProvenanceOutcomeFact, ScanFacts, ScanOutcomeFact, VerifiedAttestationFact } from './facts';
import type { Matcher, ProvenanceRequirement, SignerSet } from './policy';
import { normaliseRepository } from './provenance';

export type ProvenanceOutcome =
  | {
      readonly status: 'satisfied';
      readonly attestation: VerifiedAttestationFact;
      /** Undefined when neither the certificate nor the provenance states a source (no source requirement then applied). */
      readonly source?: EffectiveSource;
    }
  | Exclude<ProvenanceOutcomeFact, { status: 'satisfied' }>;

export type { EffectiveSource };

function describeSigner(s: AttestationSignerFact): string {
  return s.kind === 'key' ? `key ${s.keyFingerprint.slice(0, 19)}…` : `${s.identity} (issuer ${s.issuer})`;
}

function describeMatcher(m: Matcher): string {
  return 'exact' in m ? `"${m.exact}"` : `/${m.regexp}/`;
}

/** Whether a verified signer is one the set trusts. A key that requires a log entry counts only for a logged attestation. */
export function signerTrusted(signers: SignerSet, a: VerifiedAttestationFact): boolean {
  const s = a.signer;
  if (s.kind === 'key') return signers.keys.some((k) => k.fingerprint === s.keyFingerprint && (!k.tlog || a.loggedAt !== undefined));
  return signers.identities.some((i) => i.issuer === s.issuer && matchIdentity(i.identity, s.identity));
}

/** The source a provenance stands for: the certificate's word for keyless CI signatures, else the (trusted) predicate's. */
export function effectiveSource(a: VerifiedAttestationFact & { facts: ProvenanceFacts }): { source?: EffectiveSource; conflict?: string } {
  const p = a.facts.source;
  const claims = a.signer.kind === 'keyless' ? a.signer.claims : undefined;
  const certRepo = claims?.sourceRepositoryUri !== undefined ? normaliseRepository(claims.sourceRepositoryUri) : undefined;
  if (claims && certRepo !== undefined) {
    const conflicts: string[] = [];
    if (p?.repository !== undefined && p.repository !== certRepo) conflicts.push(`the provenance says it was built from ${p.repository}, but the signing certificate says the workflow ran in ${certRepo}`);
    if (p?.commit !== undefined && claims.sourceRepositoryDigest !== undefined && p.commit !== claims.sourceRepositoryDigest.toLowerCase()) {
      conflicts.push(`the provenance names commit ${p.commit.slice(0, 12)}, the signing certificate ${claims.sourceRepositoryDigest.slice(0, 12)}`);
    }
    if (p?.ref !== undefined && claims.sourceRepositoryRef !== undefined && p.ref !== claims.sourceRepositoryRef) {
      conflicts.push(`the provenance names ref ${p.ref}, the signing certificate ${claims.sourceRepositoryRef}`);
    }
    const source: EffectiveSource = {
      repository: certRepo,
      ...(claims.sourceRepositoryRef !== undefined ? { ref: claims.sourceRepositoryRef } : {}),
      ...(claims.sourceRepositoryDigest !== undefined ? { commit: claims.sourceRepositoryDigest.toLowerCase() } : {}),
      from: 'certificate',
    };
    return conflicts.length > 0 ? { source, conflict: conflicts.join('; ') } : { source };
  }
  return p ? { source: { ...p } } : {};
}

function isProvenance(a: AttestationFact): a is VerifiedAttestationFact & { facts: ProvenanceFacts } {
  return a.state === 'verified' && a.facts.kind === 'slsa-provenance';
}

/** Evaluates a provenance requirement against the attestations found for one image (`forDigests`: the pinned digest and, if the caller looked there, its platform manifests). */
export function evaluateProvenance(req: ProvenanceRequirement, attestations: readonly AttestationFact[], forDigests: readonly string[]): ProvenanceOutcome {
  const digests = new Set(forDigests);
  const candidates = attestations.filter((a): a is VerifiedAttestationFact & { facts: ProvenanceFacts } => isProvenance(a) && digests.has(a.subjectDigest) && req.predicateTypes.includes(a.predicateType));
  if (candidates.length === 0) return { status: 'missing', reason: missingReason(req, attestations, digests) };

  let best: { score: number; reason: string; attestation: VerifiedAttestationFact } | undefined;
  for (const a of candidates) {
    const r = check(req, a);
    if (r.ok) return { status: 'satisfied', attestation: a, ...(r.source ? { source: r.source } : {}) };
    if (!best || r.score > best.score) best = { score: r.score, reason: r.reason, attestation: a };
  }
  const b = best as { score: number; reason: string; attestation: VerifiedAttestationFact };
  return { status: 'mismatch', failed: FAILED[b.score] ?? 'signer', reason: b.reason, attestation: b.attestation };
}

/** What the closest candidate's score says failed (check() scores the requirements in this order). */
const FAILED: readonly Extract<ProvenanceOutcomeFact, { status: 'mismatch' }>['failed'][] = ['signer', 'conflict', 'builder', 'source', 'ref'];

function check(req: ProvenanceRequirement, a: VerifiedAttestationFact & { facts: ProvenanceFacts }): { ok: true; source?: EffectiveSource } | { ok: false; score: number; reason: string } {
  if (!signerTrusted(req.signers, a)) {
    const who = a.signer.kind === 'key' && req.signers.keys.some((k) => k.fingerprint === a.signer.keyFingerprint) ? `${describeSigner(a.signer)} without a transparency-log entry, which the policy requires for that key` : describeSigner(a.signer);
    return { ok: false, score: 0, reason: `the provenance is signed by ${who}, which the policy does not trust for this image` };
  }
  const eff = effectiveSource(a);
  if (eff.conflict) return { ok: false, score: 1, reason: eff.conflict };
  const f = a.facts;
  if (req.builder && !(f.builderId !== undefined && matchIdentity(req.builder, f.builderId))) {
    return { ok: false, score: 2, reason: `built by ${f.builderId ?? '(no builder id)'}, not ${describeMatcher(req.builder)}` };
  }
  const src = eff.source;
  if (req.sourceRepository && !(src?.repository !== undefined && matchIdentity(req.sourceRepository, src.repository))) {
    return { ok: false, score: 3, reason: `built from ${src?.repository ?? '(no source repository)'}, not ${describeMatcher(req.sourceRepository)}` };
  }
  if (req.sourceRef && !(src?.ref !== undefined && matchIdentity(req.sourceRef, src.ref))) {
    return { ok: false, score: 4, reason: `built from ref ${src?.ref ?? '(none stated)'}, not ${describeMatcher(req.sourceRef)}` };
  }
  return src ? { ok: true, source: src } : { ok: true };
}

function missingReason(req: ProvenanceRequirement, attestations: readonly AttestationFact[], digests: ReadonlySet<string>): string {
  const seen: string[] = [];
  const unsigned = attestations.filter((a) => a.state === 'unsigned' && a.facts.kind === 'slsa-provenance' && digests.has(a.subjectDigest)).length;
  if (unsigned > 0) seen.push(`${unsigned} unsigned BuildKit provenance statement(s) in the image index, which count for nothing: anyone who can push can write them`);
  const otherType = attestations.filter((a) => isProvenance(a) && digests.has(a.subjectDigest) && !req.predicateTypes.includes(a.predicateType)).length;
  if (otherType > 0) seen.push(`${otherType} signed provenance of another predicate type than ${req.predicateTypes.join(' / ')}`);
  const failed = attestations.filter((a): a is Extract<AttestationFact, { state: 'invalid' | 'unverifiable' }> => a.state === 'invalid' || a.state === 'unverifiable');
  if (failed.length > 0) seen.push(`${failed.length} attestation(s) that could not be verified (first: ${failed[0]?.reason ?? ''})`);
  return `no signed SLSA provenance for this image${seen.length > 0 ? `; found ${seen.join('; ')}` : ''}`;
}

/**
 * When a scan happened, as far as can be known: its own date, never later than the transparency-log time of its signature
 * (a scan cannot postdate being signed; the log time is verified, the predicate's date is only the signer's word).
 */
export function scanDate(a: VerifiedAttestationFact & { facts: ScanFacts }): { at: number; from: 'scan' | 'log' } | undefined {
  const own = a.facts.scanFinishedOn ?? a.facts.scanStartedOn;
  const ownAt = own !== undefined ? Date.parse(own) : NaN;
  const logAt = a.loggedAt !== undefined ? Date.parse(a.loggedAt) : NaN;
  if (Number.isFinite(ownAt)) return Number.isFinite(logAt) && logAt < ownAt ? { at: logAt, from: 'log' } : { at: ownAt, from: 'scan' };
  if (Number.isFinite(logAt)) return { at: logAt, from: 'log' };
  return undefined;
}

/**
 * The newest vulnerability scan of `forDigests` signed by a signer the set trusts. How old it may be is the policy's
 * `maxAgeDays`, judged by the core at the verdict's time (core/provenanceVerdict.ts), not here.
 */
export function newestTrustedScan(signers: SignerSet, attestations: readonly AttestationFact[], forDigests: readonly string[]): ScanOutcomeFact {
  const digests = new Set(forDigests);
  const scans = attestations.filter(
    (a): a is VerifiedAttestationFact & { facts: ScanFacts } => a.state === 'verified' && a.facts.kind === 'vulnerability-scan' && digests.has(a.subjectDigest) && signerTrusted(signers, a),
  );
  if (scans.length === 0) {
    const untrusted = attestations.filter((a) => a.state === 'verified' && a.facts.kind === 'vulnerability-scan' && digests.has(a.subjectDigest)).length;
    return { status: 'missing', reason: `no vulnerability scan signed by a trusted signer${untrusted > 0 ? ` (${untrusted} signed by others)` : ''}` };
  }
  let newest: { a: VerifiedAttestationFact & { facts: ScanFacts }; at: number; from: 'scan' | 'log' } | undefined;
  for (const a of scans) {
    const d = scanDate(a);
    if (d && (!newest || d.at > newest.at)) newest = { a, ...d };
  }
  if (!newest) return { status: 'undated', attestation: scans[0] as VerifiedAttestationFact, reason: 'the signed vulnerability scans carry no date and no transparency-log time' };
  return { status: 'found', attestation: newest.a, scannedAt: new Date(newest.at).toISOString(), dateFrom: newest.from };
}
