// Plain-text descriptions of what is known about an image (registry digest, signatures), shared by hover and CLI.
import type { ImageFacts, RegistryFact, TrustFact } from './facts';
import type { ParsedReference } from './imageRef';

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
}

export function describeRegistry(r: RegistryFact, now: Date): string[] {
  if (r.state === 'error') return [`Registry ${r.registry}: ${r.message} (checked ${relativeTime(r.lookedUpAt, now)})`];
  const out = [
    `Registry digest: ${r.digest} (${r.isIndex ? `multi-platform index, ${r.platforms.length} platform${r.platforms.length === 1 ? '' : 's'}` : 'single manifest'}; from ${r.registry}, looked up ${relativeTime(r.lookedUpAt, now)}${r.fromCache ? ', cached' : ''})`,
  ];
  for (const p of r.platforms) out.push(`  ${p.os}/${p.architecture}${p.variant ? '/' + p.variant : ''}: ${p.digest}`);
  if (r.pinnedDigestKnown === false) out.push('The pinned digest is not known to the registry.');
  return out;
}

export function describeTrust(t: TrustFact, now: Date): string[] {
  const src = t.source === 'notary' ? 'Docker Content Trust (Notary v1)' : 'Sigstore (cosign)';
  switch (t.state) {
    case 'signed': {
      const out: string[] = [];
      const signers = t.signers.map((s) => `${s.name}${s.keyIds.length > 0 ? ` (key ${s.keyIds.map((k) => k.slice(0, 12)).join(', ')})` : ''}`).join('; ');
      out.push(`Signed by ${signers || t.role} — ${src}, digest ${t.signedDigest}`);
      if (t.cosign?.identity) out.push(`Identity ${t.cosign.identity}${t.cosign.issuer ? ` (issuer ${t.cosign.issuer})` : ''}`);
      if (t.cosign?.tlogIntegratedTime) out.push(`Logged in the transparency log at ${t.cosign.tlogIntegratedTime}`);
      if (t.cosign?.certValidFrom && t.cosign.certValidTo) out.push(`Certificate valid ${t.cosign.certValidFrom} – ${t.cosign.certValidTo}`);
      if (t.expires) out.push(`Trust data ${expiryText(t.expires, now)}`);
      if (t.rootExpires) out.push(`Root key ${expiryText(t.rootExpires, now)}`);
      out.push(`Server ${t.server}; verified ${relativeTime(t.verifiedAt, now)}`);
      for (const d of t.details ?? []) out.push(d);
      return out;
    }
    case 'unsigned':
      return [`Not signed (${src}): ${t.reason}`, `Server ${t.server}; checked ${relativeTime(t.verifiedAt, now)}`];
    case 'invalid':
      return [`Signature verification FAILED (${src}): ${t.reason}`, `This check stops: ${t.attack}`, `Server ${t.server}; checked ${relativeTime(t.verifiedAt, now)}`];
    case 'unavailable':
      return [`Trust data unavailable (${src}): ${t.reason}`, `Server ${t.server}`];
  }
}

/** Everything known about one reference, as plain text. Never claims "verified" without a verified signature. */
export function describeImage(ref: ParsedReference, facts: ImageFacts | undefined, now: Date): Description {
  if (facts === undefined) return { headline: `${ref.familiar}: not looked up yet`, lines: [], verified: false };
  const lines: string[] = [];
  const signed = (facts.trust ?? []).filter((t): t is Extract<TrustFact, { state: 'signed' }> => t.state === 'signed');
  const invalid = (facts.trust ?? []).filter((t) => t.state === 'invalid');
  for (const t of facts.trust ?? []) lines.push(...describeTrust(t, now));
  if (facts.registry !== undefined) lines.push(...describeRegistry(facts.registry, now));
  if (facts.rateLimit !== undefined && (facts.rateLimit.limit !== undefined || facts.rateLimit.remaining !== undefined)) {
    // Docker Hub sends "100;w=21600": requests per window in seconds.
    const limit = (facts.rateLimit.limit ?? '?').split(';')[0];
    const remaining = (facts.rateLimit.remaining ?? '?').split(';')[0];
    lines.push(`Registry rate limit: ${remaining} of ${limit} pulls left (as of ${relativeTime(facts.rateLimit.at, now)})`);
  }
  if (facts.policy?.required) lines.push(`Policy: a signature is required${facts.policy.signers?.length ? ` from ${facts.policy.signers.join(', ')}` : ''}.`);
  let headline: string;
  let verified = false;
  if (invalid.length > 0) headline = 'signature verification FAILED';
  else if (signed.length > 0) {
    const pinned = ref.digest;
    const ok = pinned === null || signed.some((s) => s.signedDigests.includes(pinned) || s.signedDigest === pinned);
    verified = ok;
    headline = ok ? `signed by ${signed.flatMap((s) => s.signers.map((x) => x.name)).join(', ') || signed[0]!.role}` : 'pinned digest is not a signed digest';
  } else if (facts.registry?.state === 'ok') headline = 'registry digest (not signature-verified)';
  else if (facts.registry?.state === 'error') headline = `registry lookup failed: ${facts.registry.kind}`;
  else headline = 'no trust data';
  return { headline, lines, verified };
}
