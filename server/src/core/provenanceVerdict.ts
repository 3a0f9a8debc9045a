// The verdict about the provenance and vulnerability scans of the exact digest a build would use: the one place
// attestation facts become "verified provenance". Rules (DT405, DT406), hovers, the CLI, the inventory and the trust
// details read it, so they cannot disagree. Pure.
//
// Attestations never stand in for signatures: nothing here changes the signature verdict (verdict.ts), which does not
// read them. Unsigned BuildKit provenance is never "verified", whatever it says.
import type { AttestationFact, AttestationsFact, ImageFacts, ScanFacts, VerifiedAttestationFact } from './facts';
import type { ParsedReference } from './imageRef';
import { tagAnswerOf, type TagAnswer } from './verdict';

export type ProvenanceState =
  /** A signed provenance about exactly the judged digest, by a signer the policy trusts, matching what the policy requires. */
  | 'verified'
  /** A signed provenance by a trusted signer, but not built by the builder / from the source the policy requires. */
  | 'mismatch'
  /** A signed provenance, but by nobody the policy trusts for it (or the policy names nobody). */
  | 'untrusted'
  /** Only unsigned provenance (BuildKit, in the image index): as the registry serves it, it proves nothing. */
  | 'unsigned'
  /** Provenance that failed verification, and nothing better. */
  | 'invalid'
  /** No provenance at all. */
  | 'missing'
  /** Cannot be said: the lookup failed or was incomplete, it was about another digest, or the tag answer is too old. */
  | 'unavailable'
  /** Attestations were not looked up for this image (no policy entry asks for them). */
  | 'not-looked-up';

export interface ProvenanceVerdict {
  /** The digest judged: the pin, or what the registry says the tag points to now; null when unknown. */
  readonly digest: string | null;
  readonly basis: 'pinned' | 'tag';
  readonly tagAnswer?: TagAnswer;
  readonly state: ProvenanceState;
  /** The provenance to show: the one that satisfies the policy (verified), or the closest one (mismatch, untrusted). */
  readonly attestation?: VerifiedAttestationFact;
  /** The unsigned BuildKit provenance found for the digest (or its platform manifests), shown as such. */
  readonly unsigned: readonly Extract<AttestationFact, { state: 'unsigned' }>[];
  /** Why it is not verified, in words (empty for verified). */
  readonly reason: string;
  /** The policy requires provenance (and a finding is due when it is not verified). */
  readonly required: boolean;
  /** True only for state 'verified'. */
  readonly verified: boolean;
}

export type ScanState = 'fresh' | 'stale' | 'undated' | 'missing' | 'unavailable' | 'not-required';

export interface ScanVerdict {
  readonly state: ScanState;
  /** The newest trusted scan of the judged digest. */
  readonly attestation?: VerifiedAttestationFact & { readonly facts: ScanFacts };
  readonly scannedAt?: string;
  readonly ageDays?: number;
  readonly maxAgeDays?: number;
  readonly reason: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Where a verdict must stop before reading the items: nothing, another digest, an old tag answer, a failed lookup. */
function precondition(ref: ParsedReference, facts: ImageFacts | undefined, now: Date | undefined): { digest: string | null; basis: 'pinned' | 'tag'; tagAnswer?: TagAnswer; fact?: AttestationsFact; stop?: { state: 'unavailable' | 'not-looked-up'; reason: string } } {
  const basis = ref.digest !== null ? 'pinned' : 'tag';
  const tagAnswer = ref.digest === null && facts !== undefined ? tagAnswerOf(facts, now) : undefined;
  const digest = ref.digest ?? tagAnswer?.digest ?? null;
  const base = { digest, basis, ...(tagAnswer !== undefined ? { tagAnswer } : {}) } as const;
  const fact = facts?.attestations;
  if (fact === undefined) return { ...base, stop: { state: 'not-looked-up', reason: 'attestations were not looked up (no policy entry asks for them)' } };
  const withFact = { ...base, fact };
  if (facts?.policy?.broken !== undefined) return { ...withFact, stop: { state: 'unavailable', reason: facts.policy.broken } };
  if (digest === null) return { ...withFact, stop: { state: 'unavailable', reason: fact.reason ?? 'the digest the build would use is not known' } };
  if (basis === 'tag' && tagAnswer?.fresh !== true) return { ...withFact, stop: { state: 'unavailable', reason: `the registry's answer for ${ref.effectiveTag ?? 'the tag'} is too old to say which digest the build gets now` } };
  if (fact.subjectDigest !== digest) return { ...withFact, stop: { state: 'unavailable', reason: `attestations were checked for ${fact.subjectDigest ?? 'an unknown digest'}, not for ${digest}` } };
  if (fact.state === 'unavailable') return { ...withFact, stop: { state: 'unavailable', reason: fact.reason ?? 'the attestation lookup did not finish' } };
  return withFact;
}

/**
 * An item that failed verification and announced itself as provenance (the registry's label: unverified, only for words).
 * One that could not be checked (unverifiable) proves nothing either way: it leaves the provenance missing, and never
 * turns a missing one into "cannot be checked" (anyone who can push could attach one to soften the finding).
 */
function failedProvenance(a: AttestationFact): a is Extract<AttestationFact, { state: 'invalid' }> {
  return a.state === 'invalid' && a.predicateTypeHint !== undefined && /^https:\/\/slsa\.dev\/provenance\//.test(a.predicateTypeHint);
}

/** The provenance verdict about the digest `ref` would build from. */
export function provenanceVerdict(ref: ParsedReference, facts: ImageFacts | undefined, now?: Date): ProvenanceVerdict {
  const p = precondition(ref, facts, now);
  const required = p.fact?.requirements.provenance?.required === true;
  const base = { digest: p.digest, basis: p.basis, ...(p.tagAnswer !== undefined ? { tagAnswer: p.tagAnswer } : {}), required };
  const items = p.fact?.items ?? [];
  const platforms = facts?.registry?.state === 'ok' && facts.registry.digest === p.digest ? new Set(facts.registry.platforms.map((x) => x.digest)) : new Set<string>();
  const unsigned = items.filter((a): a is Extract<AttestationFact, { state: 'unsigned' }> => a.state === 'unsigned' && a.facts.kind === 'slsa-provenance' && (a.subjectDigest === p.digest || platforms.has(a.subjectDigest)));
  const finish = (state: ProvenanceState, reason: string, attestation?: VerifiedAttestationFact): ProvenanceVerdict => ({ ...base, state, reason, unsigned, verified: state === 'verified', ...(attestation !== undefined ? { attestation } : {}) });
  if (p.stop !== undefined) return finish(p.stop.state, p.stop.reason);
  const fact = p.fact as AttestationsFact;
  const digest = p.digest as string;
  // Only a verified, signed statement about exactly this digest can stand for how it was built.
  const aboutThis = (a: VerifiedAttestationFact): boolean => a.state === 'verified' && (a.origin === 'referrer' || a.origin === 'legacy-att') && a.subjectDigest === digest && a.facts.kind === 'slsa-provenance';
  const signed = items.filter((a): a is VerifiedAttestationFact => a.state === 'verified' && aboutThis(a));
  const outcome = fact.provenance;
  if (outcome !== undefined) {
    if (outcome.status === 'satisfied' && aboutThis(outcome.attestation)) return finish('verified', '', outcome.attestation);
    if (outcome.status === 'mismatch' && aboutThis(outcome.attestation)) return finish(outcome.failed === 'signer' ? 'untrusted' : 'mismatch', outcome.reason, outcome.attestation);
    const reason = outcome.status === 'missing' ? outcome.reason : 'no signed provenance for this digest';
    if (fact.unchecked > 0) return finish('unavailable', `${reason}; ${fact.unchecked} attestation(s) were not read (over the per-image caps)`);
    const state = noneState(items, unsigned);
    return finish(state, state === 'invalid' ? failedReason(items) : reason);
  }
  // No provenance requirement: a provenance is verified when its signer is one the entry trusts.
  const trusted = signed.find((a) => a.signerTrusted === true);
  if (trusted !== undefined) return finish('verified', '', trusted);
  const other = signed[0];
  if (other !== undefined) return finish('untrusted', 'the provenance is signed by nobody the policy trusts for this image', other);
  const state = noneState(items, unsigned);
  return finish(state, state === 'unsigned' ? 'only unsigned BuildKit provenance, which anyone who can push can write' : state === 'invalid' ? failedReason(items) : 'no signed provenance for this digest');
}

/** The first failed provenance, in words: what failed and the attack that check stops. */
function failedReason(items: readonly AttestationFact[]): string {
  const f = items.find(failedProvenance);
  return f === undefined ? 'the provenance found failed verification' : `${f.reason} (this check stops: ${f.attack})`;
}

function noneState(items: readonly AttestationFact[], unsigned: readonly unknown[]): ProvenanceState {
  if (items.some(failedProvenance)) return 'invalid';
  if (unsigned.length > 0) return 'unsigned';
  return 'missing';
}

/** The scan verdict: is the newest trusted vulnerability scan of the judged digest within the policy's age at `now`? */
export function scanVerdict(ref: ParsedReference, facts: ImageFacts | undefined, now?: Date): ScanVerdict {
  const p = precondition(ref, facts, now);
  const maxAgeDays = p.fact?.requirements.scans?.maxAgeDays;
  const withMax = maxAgeDays !== undefined ? { maxAgeDays } : {};
  if (p.stop !== undefined) return { state: p.stop.state === 'not-looked-up' ? 'not-required' : 'unavailable', reason: p.stop.reason, ...withMax };
  const outcome = p.fact?.scans;
  if (maxAgeDays === undefined && outcome === undefined) return { state: 'not-required', reason: 'the policy asks for no scan' };
  if (outcome === undefined) return { state: 'missing', reason: 'no vulnerability scan signed by a trusted signer', ...withMax };
  if (outcome.status === 'missing') return { state: p.fact!.unchecked > 0 ? 'unavailable' : 'missing', reason: outcome.reason, ...withMax };
  const a = outcome.attestation as VerifiedAttestationFact & { facts: ScanFacts };
  if (a.subjectDigest !== p.digest) return { state: 'unavailable', reason: `the scan is about ${a.subjectDigest}, not ${p.digest ?? 'the digest the build uses'}`, ...withMax };
  if (outcome.status === 'undated') return { state: 'undated', attestation: a, reason: outcome.reason, ...withMax };
  const at = Date.parse(outcome.scannedAt);
  // Without a verdict time (the core reads no clock), the age is the age when the lookup answered.
  const nowMs = now !== undefined ? now.getTime() : Date.parse(p.fact!.verifiedAt);
  const ageDays = (nowMs - at) / DAY_MS;
  // A scan dated more than a day ahead of the clock is a scan nobody can place in time.
  if (!Number.isFinite(ageDays) || ageDays < -1) return { state: 'undated', attestation: a, scannedAt: outcome.scannedAt, reason: `the newest signed scan is dated in the future (${outcome.scannedAt})`, ...withMax };
  const age = Math.max(0, ageDays);
  if (maxAgeDays !== undefined && age > maxAgeDays) {
    return { state: 'stale', attestation: a, scannedAt: outcome.scannedAt, ageDays: age, reason: `the newest signed vulnerability scan is ${Math.floor(age)} days old (${outcome.scannedAt}); the policy allows ${maxAgeDays}`, ...withMax };
  }
  return { state: 'fresh', attestation: a, scannedAt: outcome.scannedAt, ageDays: age, reason: '', ...withMax };
}
