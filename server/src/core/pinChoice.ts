// Which digest a pin should use, from what is known: the signers' digest first, the registry's only as a labelled fallback.
import type { ImageFacts } from './facts';
import type { ParsedReference } from './imageRef';
import { short } from './describe';
import { signedPinTargets, signerNames, trustVerdict } from './verdict';

export interface PinChoice {
  readonly digest: string;
  /** signed: a trust source verified a signature over this digest; registry: what the tag resolves to, unverified. */
  readonly basis: 'signed' | 'registry' | 'platform';
  /** Code-action title, saying exactly where the digest came from. */
  readonly title: string;
  /** Prefer this fix in the editor (only signed pins, or registry pins when no trust source applies). */
  readonly preferred: boolean;
}

/**
 * The pins that may be offered for a reference. Never invents a digest; a failed or invalid trust answer
 * removes the registry fallback's "preferred" mark, and an invalid one removes the signed pins entirely.
 */
export function pinChoices(ref: ParsedReference, facts: ImageFacts | undefined, options: { platform?: string } = {}): PinChoice[] {
  if (facts === undefined) return [];
  const out: PinChoice[] = [];
  const trust = facts.trust ?? [];
  // Signed digests whose signers the policy accepts, each named with exactly its own signers; none when trust data failed.
  for (const t of signedPinTargets(trustVerdict(ref, facts))) {
    out.push({ digest: t.digest, basis: 'signed', title: `Pin to signed digest ${short(t.digest)} (signed by ${signerNames(t.signers)}, ${t.source === 'notary' ? 'Notary' : 'cosign'})`, preferred: out.length === 0 });
  }
  const reg = facts.registry;
  if (reg?.state === 'ok' && !out.some((o) => o.digest === reg.digest)) {
    const verifiedElsewhere = out.length > 0;
    out.push({
      digest: reg.digest,
      basis: 'registry',
      title: `Pin to registry digest ${short(reg.digest)} (not signature-verified)${verifiedElsewhere ? ' — differs from the signed digest' : ''}`,
      preferred: out.length === 0 && trust.length === 0,
    });
    if (reg.isIndex && options.platform !== undefined) {
      const [os, arch, variant] = options.platform.split('/');
      const p = reg.platforms.find((x) => x.os === os && x.architecture === arch && (variant === undefined || x.variant === variant));
      if (p !== undefined) out.push({ digest: p.digest, basis: 'platform', title: `Pin to the ${options.platform} platform digest ${short(p.digest)} (single platform only, not signature-verified)`, preferred: false });
    }
  }
  // With a digest already pinned, offering the same digest again is noise.
  return out.filter((o) => o.digest !== ref.digest);
}
