// Shared by the trust rules: the verdict per image use, severities from policy, and the "who signs what" phrases.
import type { ImageFacts, PolicyFact, SignedDigest } from '../facts';
import type { ParsedReference } from '../imageRef';
import type { ImageUse } from '../model';
import type { RuleContext } from '../rule';
import type { Severity } from '../types';
import { SEVERITY_ORDER } from '../types';
import { trustVerdict, type SourceVerdict, type TrustVerdict } from '../verdict';
import { externalImages } from './imageRules';

export interface JudgedUse {
  readonly use: ImageUse;
  readonly ref: ParsedReference;
  readonly facts: ImageFacts;
  readonly verdict: TrustVerdict;
}

/** Every external image with trust facts, and its verdict at the facts' time. */
export function judgedImages(ctx: RuleContext): JudgedUse[] {
  const out: JudgedUse[] = [];
  for (const { use, ref } of externalImages(ctx.model.images)) {
    const facts = ctx.facts.get(ref);
    if (facts === undefined || ((facts.trust ?? []).length === 0 && facts.policy?.broken === undefined)) continue;
    out.push({ use, ref, facts, verdict: trustVerdict(ref, facts, ctx.facts.now) });
  }
  return out;
}

/** How loud a policy violation is: the entry's severity (default error). */
export function policySeverity(policy: PolicyFact | undefined): Severity {
  return policy?.severity ?? 'error';
}

/**
 * "Cannot check": the entry's `unavailable` severity when it sets one (a CI gate that fails closed); otherwise never
 * louder than a warning, and never louder than the policy itself.
 */
export function uncertainSeverity(policy: PolicyFact | undefined): Severity {
  if (policy?.unavailable !== undefined) return policy.unavailable;
  const p = policySeverity(policy);
  return SEVERITY_ORDER[p] < SEVERITY_ORDER.warning ? p : 'warning';
}

export function whoSigns(d: SignedDigest, tag: string | null): string {
  return `${[...new Set(d.signers.map((s) => s.name))].join(', ')} sign${d.signers.length === 1 ? 's' : ''} ${d.digest}${tag !== null ? ` for ${tag}` : ''}`;
}

/** The signed digest to point people (and the pin fix) to: the source's own choice for the tag, else its first signed digest. */
export function bestSigned(sources: readonly SourceVerdict[], accept: (d: SignedDigest) => boolean = () => true): { sv: SourceVerdict; d: SignedDigest } | undefined {
  for (const sv of sources) if (sv.sourceChoice !== undefined && accept(sv.sourceChoice)) return { sv, d: sv.sourceChoice };
  for (const sv of sources) for (const d of sv.signedForSubject) if (accept(d)) return { sv, d };
  return undefined;
}
