// Plain-text descriptions of what is known about an image (registry digest, signatures), shared by hover and CLI.
import { describeAttestations, provenanceSummary, type ProvenanceSummary, type Segment } from './describeAttestations';
import type { ImageFacts, RegistryFact, Signer, TrustFact } from './facts';
import type { ParsedReference } from './imageRef';
import { connectionProblem, hostsOnly, isImageSpecific } from './lookupFailure';
import { printable } from './text';
import { trustVerdict, type SourceVerdict, type TrustVerdict } from './verdict';

/** "in 2 years", "3 days ago", "in 5 hours". */
export function relativeTime(iso: string, now: Date): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'at an unknown time';
  const diff = t - now.getTime();
  const abs = Math.abs(diff);
  const units: [number, string][] = [
    [365 * 86_400_000, 'year'],
    [30 * 86_400_000, 'month'],
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  let text = 'less than a minute';
  for (const [ms, name] of units) {
    if (abs >= ms) {
      const n = Math.floor(abs / ms);
      text = `${n} ${name}${n === 1 ? '' : 's'}`;
      break;
    }
  }
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

function day(iso: string): string {
  return iso.length >= 10 ? iso.slice(0, 10) : iso;
}

export function expiryText(iso: string, now: Date): string {
  const expired = Date.parse(iso) <= now.getTime();
  return expired ? `expired ${day(iso)} (${relativeTime(iso, now)})` : `expires ${day(iso)} (${relativeTime(iso, now)})`;
}

export function short(digest: string): string {
  const [algo, hex = ''] = digest.split(':');
  return `${algo}:${hex.slice(0, 12)}…`;
}

export interface Description {
  /** One-line headline: "signed by releases", "not signed", "registry digest (not signature-verified)". */
  readonly headline: string;
  /** Detail lines, each a complete statement. */
  readonly lines: readonly string[];
  /** True only when a trust source verified a signature over the digest that would be used. */
  readonly verified: boolean;
  /** Lines that come with links (by index into `lines`): the verified provenance line links builder, commit, workflow, log entry. */
  readonly lineSegments?: Readonly<Record<number, readonly Segment[]>>;
  /** Provenance and scans of the digest that would be used, when attestations were looked up. Never part of `verified`. */
  readonly provenance?: ProvenanceSummary;
}

export function describeRegistry(r: RegistryFact, now: Date): string[] {
  if (r.state === 'error') {
    // A failure on the way to the registry is one short line: the workspace's status has the cause, once.
    if (!isImageSpecific(r.kind)) return [`Registry not checked: ${connectionProblem(r)}${r.kind === 'offline' ? '' : ` (tried ${relativeTime(r.lookedUpAt, now)})`}`];
    return [`Registry ${r.registry}: ${r.message} (checked ${relativeTime(r.lookedUpAt, now)})`];
  }
  const out = [
    `Registry digest: ${r.digest} (${r.isIndex ? `multi-platform index, ${r.platforms.length} platform${r.platforms.length === 1 ? '' : 's'}` : 'single manifest'}; from ${r.registry}, looked up ${relativeTime(r.lookedUpAt, now)}${r.fromCache ? ', cached' : ''})`,
  ];
  for (const p of r.platforms) out.push(`  ${p.os}/${p.architecture}${p.variant ? '/' + p.variant : ''}: ${p.digest}`);
  if (r.pinnedDigestKnown === false) out.push('The pinned digest is not known to the registry.');
  return out;
}

const SOURCE_NAMES: Readonly<Record<TrustFact['source'], string>> = { notary: 'Docker Content Trust (Notary v1)', cosign: 'Sigstore (cosign)', notation: 'Notary Project (Notation)' };
/** What `rootExpires` is the expiry of, in each source's words. */
export const ROOT_NAMES: Readonly<Record<TrustFact['source'], string>> = { notary: 'Root key', cosign: 'Trust root', notation: 'Certificate chain' };

function signerText(signers: readonly Signer[]): string {
  return signers.map((x) => `${x.name}${x.keyIds.length > 0 ? ` (key ${x.keyIds.map((k) => k.replace(/^sha256:/, '').slice(0, 12)).join(', ')})` : ''}`).join('; ');
}

/** What one source says, about exactly the judged digest first, then the rest of what it knows. */
export function describeTrustSource(sv: SourceVerdict, digest: string | null, now: Date): string[] {
  const t = sv.fact;
  const src = SOURCE_NAMES[t.source];
  const out: string[] = [];
  switch (t.state) {
    case 'signed': {
      if (sv.state === 'signed') {
        out.push(`Signed by ${signerText(sv.signers)} — ${src}, digest ${digest}${sv.viaIndex !== undefined ? ` (a platform of the signed index ${sv.viaIndex})` : ''}`);
        if (!sv.acceptable) out.push(`These signers are not among the ones the policy accepts`);
      } else if (digest !== null) {
        out.push(`Not signed (${src}): no trusted signer lists ${digest}${t.subject.tag !== null ? ` for ${t.subject.tag}` : ''}`);
      } else out.push(`${src}: signed digests are known${t.subject.tag !== null ? ` for ${t.subject.tag}` : ''}, but not which digest the tag points to now`);
      for (const d of t.signed) {
        if (d.digest === digest || (sv.viaIndex !== undefined && d.digest === sv.viaIndex)) continue;
        out.push(`${t.subject.tag !== null ? `${t.subject.tag} → ` : ''}${d.digest} is signed by ${d.signers.map((x) => x.name).join(', ')}${d.digest === t.tagDigest ? " (docker's choice for the tag)" : ''}`);
      }
      if (t.cosign?.identity) out.push(`Identity ${t.cosign.identity}${t.cosign.issuer ? ` (issuer ${t.cosign.issuer})` : ''}`);
      if (t.cosign?.tlogIntegratedTime) out.push(`Logged in the transparency log at ${t.cosign.tlogIntegratedTime}`);
      if (t.cosign?.certValidFrom && t.cosign.certValidTo) out.push(`Certificate valid ${t.cosign.certValidFrom} – ${t.cosign.certValidTo}`);
      const expires = sv.state === 'signed' ? sv.expires : null;
      if (expires) out.push(`Trust data ${expiryText(expires, now)}`);
      if (t.rootExpires) out.push(`${ROOT_NAMES[t.source]} ${expiryText(t.rootExpires, now)}`);
      out.push(`Server ${t.server}; verified ${relativeTime(t.verifiedAt, now)}`);
      for (const d of t.details ?? []) out.push(d);
      return out;
    }
    case 'unsigned':
      return [`Not signed (${src}): ${t.reason}`, `Server ${t.server}; checked ${relativeTime(t.verifiedAt, now)}`];
    case 'invalid':
      return [`Signature verification FAILED (${src}): ${t.reason}`, `This check stops: ${t.attack}`, `Server ${t.server}; checked ${relativeTime(t.verifiedAt, now)}`];
    case 'unavailable':
      return [`Trust data unavailable (${src}): ${hostsOnly(t.reason)}`, `Server ${t.server}`];
  }
}

/** The headline of a verdict, in a few words: never "signed" unless the judged digest verified. Printable (signer names come from certificates). */
export function verdictHeadline(v: TrustVerdict, facts: ImageFacts, now: Date): string {
  return printable(headlineOf(v, facts, now));
}

function headlineOf(v: TrustVerdict, facts: ImageFacts, now: Date): string {
  if (v.sources.some((s) => s.state === 'invalid')) return 'signature verification FAILED';
  const signed = v.sources.filter((s) => s.state === 'signed');
  const acceptable = signed.filter((s) => s.acceptable);
  const names = (list: readonly SourceVerdict[]): string => [...new Set(list.flatMap((s) => s.signers.map((x) => x.name)))].join(', ');
  const choice = v.sources.find((s) => s.sourceChoice !== undefined)?.sourceChoice;
  const choiceText = choice !== undefined ? `${choice.signers.map((x) => x.name).join(', ')} signs ${short(choice.digest)}` : '';
  if (v.basis === 'tag' && v.sources.length > 0) {
    if (v.tagAnswer === undefined) {
      return signed.length > 0 || choice !== undefined ? `cannot confirm which digest the tag points to (${facts.registry?.state === 'error' ? registryFailure(facts.registry) : 'not looked up'})` : verdictNotSigned(v, facts);
    }
    if (!v.tagAnswer.fresh && (acceptable.length > 0 || choice !== undefined)) {
      return `signed digest known, but the tag's current digest was checked ${relativeTime(v.tagAnswer.at, now)}${facts.registry?.state === 'ok' && facts.registry.fromCache ? ' (cached)' : ''}`;
    }
  }
  if (acceptable.length > 0) return `signed by ${names(acceptable)}${choice !== undefined && v.basis === 'pinned' ? ` (for the tag, ${choiceText})` : ''}`;
  if (signed.length > 0) {
    const wanted = v.policy?.signers?.join(' or ') ?? '';
    return `${v.basis === 'pinned' ? 'pinned digest' : 'current digest'} is signed only by ${names(signed)}${wanted !== '' ? `; policy requires ${wanted}` : ''}${choice !== undefined ? ` (${choiceText})` : ''}`;
  }
  return verdictNotSigned(v, facts);
}

function verdictNotSigned(v: TrustVerdict, facts: ImageFacts): string {
  // Only a source that answered for this tag or digest can say the digest is not among its signed ones.
  const elsewhere = v.sources.find((s) => s.state === 'not-signed' && s.signedForSubject.length > 0);
  if (elsewhere !== undefined && v.digest !== null) {
    const best = elsewhere.sourceChoice ?? elsewhere.signedForSubject[0]!;
    const who = `${best.signers.map((x) => x.name).join(', ')} signs ${short(best.digest)}`;
    return v.basis === 'pinned' ? `pinned digest is not a signed digest (${who})` : `the tag now points to unsigned content ${short(v.digest)} (${who})`;
  }
  if (v.sources.some((s) => s.state === 'not-signed')) return 'not signed';
  if (v.sources.some((s) => s.state === 'unavailable' || s.state === 'not-this-digest')) return 'signatures could not be checked';
  if (facts.registry?.state === 'ok') return 'registry digest (not signature-verified)';
  if (facts.registry?.state === 'error') return isImageSpecific(facts.registry.kind) ? registryFailure(facts.registry) : `not checked: ${connectionProblem(facts.registry)}`;
  return 'no trust data';
}

function registryFailure(r: Extract<RegistryFact, { state: 'error' }>): string {
  return isImageSpecific(r.kind) ? `registry lookup failed: ${r.kind}` : connectionProblem(r);
}

/** Everything known about one reference, as plain text. Never claims "verified" without a verified signature over the digest that would be used. */
export function describeImage(ref: ParsedReference, facts: ImageFacts | undefined, now: Date): Description {
  if (facts === undefined) return { headline: `${ref.familiar}: not looked up yet`, lines: [], verified: false };
  const v = trustVerdict(ref, facts, now);
  const lines: string[] = [];
  // What matters most first: a failed verification, then the sources that signed this digest, then the rest.
  const rank: Readonly<Record<SourceVerdict['state'], number>> = { invalid: 0, signed: 1, 'not-signed': 2, 'not-this-digest': 3, unavailable: 4 };
  for (const sv of [...v.sources].sort((a, b) => rank[a.state] - rank[b.state])) lines.push(...describeTrustSource(sv, v.digest, now));
  // Provenance right after the signatures (who built it, next to who vouches for it), before the registry's details. What
  // attestations say never changes the signature headline or `verified`.
  let lineSegments: Record<number, readonly Segment[]> | undefined;
  let provenance: ProvenanceSummary | undefined;
  if (facts.attestations !== undefined) {
    const a = describeAttestations(ref, facts, now);
    if (a.provenanceLine !== undefined) lineSegments = { [lines.length]: [...a.provenanceLine, { text: ' ✓' }] };
    lines.push(...a.lines);
    provenance = provenanceSummary(a);
  }
  // Unless the headline already says it: a registry that could not be reached, and nothing else known.
  const saidInHeadline = v.sources.length === 0 && facts.registry?.state === 'error' && !isImageSpecific(facts.registry.kind);
  if (facts.registry !== undefined && !saidInHeadline) lines.push(...describeRegistry(facts.registry, now));
  if (v.basis === 'tag' && v.tagAnswer !== undefined && !v.tagAnswer.fresh && v.sources.length > 0) {
    lines.push(`The tag's digest was last checked ${relativeTime(v.tagAnswer.at, now)}: too old to vouch for what the tag points to now (refresh to check again)`);
  }
  if (facts.rateLimit !== undefined && (facts.rateLimit.limit !== undefined || facts.rateLimit.remaining !== undefined)) {
    // Docker Hub sends "100;w=21600": requests per window in seconds.
    const limit = (facts.rateLimit.limit ?? '?').split(';')[0];
    const remaining = (facts.rateLimit.remaining ?? '?').split(';')[0];
    lines.push(`Registry rate limit: ${remaining} of ${limit} pulls left (as of ${relativeTime(facts.rateLimit.at, now)})`);
  }
  if (facts.policy?.required) lines.push(`Policy: a signature is required${facts.policy.signers?.length ? ` from ${facts.policy.signers.join(', ')}` : ''}.`);
  // Lines quote trust servers, registries and certificates: printable, one line each, bounded.
  return {
    headline: verdictHeadline(v, facts, now),
    lines: lines.map((l) => printable(l)),
    verified: v.verified,
    ...(lineSegments !== undefined ? { lineSegments } : {}),
    ...(provenance !== undefined ? { provenance } : {}),
  };
}
