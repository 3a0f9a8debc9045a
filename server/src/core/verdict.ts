// The trust verdict about the exact digest a build would use: the one place facts become "verified" or not.
// Rules, hovers, the CLI, the inventory and the pin fixes all read this, so they can never disagree.
import type { ImageFacts, PolicyFact, Signer, SignedDigest, TrustFact, TrustSource } from './facts';
import type { ParsedReference } from './imageRef';

export type SourceState =
  /** A verified signature covers exactly the judged digest (or an index that lists it). */
  | 'signed'
  /** The source has signed data for the subject, or none at all, but nothing covers the judged digest. */
  | 'not-signed'
  /** The trust data failed verification. */
  | 'invalid'
  /** The source could not answer (unreachable, retired, offline, no policy key…). */
  | 'unavailable'
  /** The source answered about another digest than the judged one, or the judged digest is not known. */
  | 'not-this-digest';

export interface SourceVerdict {
  readonly source: TrustSource;
  readonly fact: TrustFact;
  readonly state: SourceState;
  /** Exactly who signed the judged digest (state 'signed'). */
  readonly signers: readonly Signer[];
  /** Set when the judged digest is a platform manifest covered through the signed index that lists it. */
  readonly viaIndex?: string;
  /** Earliest expiry behind the signatures on the judged digest. */
  readonly expires: string | null;
  /** The signers satisfy the policy's signer list (true when it names none, or the source only verifies trusted signers). */
  readonly acceptable: boolean;
  /** What the source itself picks for the tag, when that is not the judged digest (Notary: docker's rule). */
  readonly sourceChoice?: SignedDigest;
  /** Every digest the source verified for the subject (for messages: "releases signs A for v1"). */
  readonly signedForSubject: readonly SignedDigest[];
}

export interface TagAnswer {
  readonly digest: string;
  readonly at: string;
  /** The answer may be acted on: looked up afresh for this verdict, and not older than the trust TTL. */
  readonly fresh: boolean;
}

export interface TrustVerdict {
  /** The digest judged: the pin, or what the registry says the tag points to now; null when unknown. */
  readonly digest: string | null;
  readonly basis: 'pinned' | 'tag';
  /** For an unpinned tag: the registry answer the verdict rests on. */
  readonly tagAnswer?: TagAnswer;
  readonly sources: readonly SourceVerdict[];
  readonly policy?: PolicyFact;
  /**
   * True only when a trust source verified a signature, by a signer the policy accepts, over exactly
   * `digest` (or the signed index listing it), no source reported invalid trust data, and, for a tag,
   * the registry answer is fresh.
   */
  readonly verified: boolean;
  /** Some source verified a signature over `digest` (acceptable or not). */
  readonly signedAtAll: boolean;
}

function sameSigners(a: readonly Signer[]): Signer[] {
  const seen = new Set<string>();
  const out: Signer[] = [];
  for (const s of a) {
    const k = `${s.role}\u0000${s.name}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(s);
    }
  }
  return out;
}

/** Whether `signers` satisfy a Notary signer list (names as `docker trust inspect` prints them, or role names). */
export function acceptedBy(wanted: readonly string[] | undefined, signers: readonly Signer[]): boolean {
  if (wanted === undefined || wanted.length === 0) return true;
  return signers.some((s) => wanted.includes(s.name) || wanted.includes(s.role));
}

export function tagAnswerOf(facts: ImageFacts, now: Date | undefined): TagAnswer | undefined {
  const r = facts.registry;
  if (r?.state !== 'ok') return undefined;
  let fresh = r.fromCache !== true;
  if (fresh && now !== undefined && facts.tagFreshUntil !== undefined) fresh = now.getTime() <= Date.parse(facts.tagFreshUntil);
  return { digest: r.digest, at: r.lookedUpAt, fresh };
}

function judge(t: TrustFact, digest: string | null, facts: ImageFacts, policy: PolicyFact | undefined): SourceVerdict {
  const base = { source: t.source, fact: t, signers: [] as readonly Signer[], expires: null, acceptable: false, signedForSubject: t.state === 'signed' ? t.signed : [] };
  if (t.state === 'invalid') return { ...base, state: 'invalid' };
  if (t.state === 'unavailable') return { ...base, state: 'unavailable' };
  // A statement about one digest says nothing about another.
  if (t.subject.digest !== null && digest !== null && t.subject.digest !== digest) return { ...base, state: 'not-this-digest' };
  if (t.state === 'unsigned') return { ...base, state: 'not-signed' };
  const choiceOf = (covering: string | null): SignedDigest | undefined => (t.tagDigest !== null && t.tagDigest !== digest && t.tagDigest !== covering ? t.signed.find((d) => d.digest === t.tagDigest) : undefined);
  if (digest === null) {
    const choice = choiceOf(null);
    return { ...base, ...(choice !== undefined ? { sourceChoice: choice } : {}), state: 'not-this-digest' };
  }
  let hit = t.signed.find((d) => d.digest === digest);
  let viaIndex: string | undefined;
  if (hit === undefined) {
    // A platform manifest is covered by a signed index that lists it: the registry read those platforms from
    // bytes that hash to the index digest, and the signature covers that digest.
    const r = facts.registry;
    if (r?.state === 'ok' && r.isIndex && r.platforms.some((p) => p.digest === digest)) {
      hit = t.signed.find((d) => d.digest === r.digest);
      if (hit !== undefined) viaIndex = r.digest;
    }
  }
  const choice = choiceOf(viaIndex ?? null);
  const withChoice = choice !== undefined ? { sourceChoice: choice } : {};
  if (hit === undefined) return { ...base, ...withChoice, state: 'not-signed' };
  const signers = sameSigners(hit.signers);
  // cosign verifies only with the keys and identities the policy names; the signer list names Notary signers.
  const acceptable = t.source === 'cosign' || acceptedBy(policy?.signers, signers);
  return { ...base, ...withChoice, state: 'signed', signers, expires: hit.expires, acceptable, ...(viaIndex !== undefined ? { viaIndex } : {}) };
}

/** The verdict about the digest `ref` would build from, given what is known. Pure. */
export function trustVerdict(ref: ParsedReference, facts: ImageFacts | undefined, now?: Date): TrustVerdict {
  if (ref.digest !== null) {
    const sources = (facts?.trust ?? []).map((t) => judge(t, ref.digest, facts!, facts?.policy));
    return finish({ digest: ref.digest, basis: 'pinned', sources, ...(facts?.policy !== undefined ? { policy: facts.policy } : {}) }, true);
  }
  const tagAnswer = facts === undefined ? undefined : tagAnswerOf(facts, now);
  const digest = tagAnswer?.digest ?? null;
  const sources = (facts?.trust ?? []).map((t) => judge(t, digest, facts!, facts?.policy));
  return finish({ digest, basis: 'tag', sources, ...(tagAnswer !== undefined ? { tagAnswer } : {}), ...(facts?.policy !== undefined ? { policy: facts.policy } : {}) }, tagAnswer?.fresh === true);
}

function finish(v: Omit<TrustVerdict, 'verified' | 'signedAtAll'>, digestTrusted: boolean): TrustVerdict {
  const invalid = v.sources.some((s) => s.state === 'invalid');
  const signedAtAll = v.sources.some((s) => s.state === 'signed');
  // A policy that could not be read vouches for nothing: no verdict is "verified" against it.
  const verified = digestTrusted && !invalid && v.policy?.broken === undefined && v.sources.some((s) => s.state === 'signed' && s.acceptable);
  return { ...v, verified, signedAtAll };
}

/** The signed digest a pin fix should use: the sources' own choice by an acceptable signer first, then any acceptable signed digest. */
export function signedPinTargets(v: TrustVerdict): { digest: string; signers: readonly Signer[]; source: TrustSource }[] {
  const out: { digest: string; signers: readonly Signer[]; source: TrustSource }[] = [];
  if (v.sources.some((s) => s.state === 'invalid')) return out;
  const add = (source: TrustSource, d: SignedDigest): void => {
    if (out.some((o) => o.digest === d.digest)) return;
    const acceptable = source === 'cosign' || acceptedBy(v.policy?.signers, d.signers);
    if (acceptable) out.push({ digest: d.digest, signers: sameSigners(d.signers), source });
  };
  for (const s of v.sources) {
    if (s.fact.state !== 'signed') continue;
    const tagDigest = s.fact.tagDigest;
    const own = tagDigest !== null ? s.fact.signed.find((d) => d.digest === tagDigest) : undefined;
    if (own !== undefined) add(s.source, own);
  }
  for (const s of v.sources) {
    if (s.fact.state !== 'signed') continue;
    // A cosign fact is about one digest only; for a tag it is the registry's current digest.
    for (const d of s.fact.signed) add(s.source, d);
  }
  return out;
}

export function signerNames(signers: readonly Signer[]): string {
  return [...new Set(signers.map((s) => s.name))].join(', ');
}
