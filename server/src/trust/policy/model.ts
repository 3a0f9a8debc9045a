// The one trust policy model, built once from settings and the policy file (policy/build.ts) and read by every
// trust source: which images must be signed, by whom, how loud a violation is, and where trust data lives.
import type { ParsedReference } from '../../core/imageRef';
import type { AttestationRequirements } from '../attestations/policy';
import type { TrustPolicy as NotationStatement, TrustPolicyDocument } from '../notation/policy';
import { policyNames, type NameMatcher } from './pattern';
import type { PolicyIdentity, PolicyKey } from './signers';

export interface PolicyEntry {
  /** As written (settings or file); `matcher` is compiled from its canonical form. */
  readonly pattern: string;
  readonly matcher: NameMatcher;
  readonly required: boolean;
  /** How loud a violation is (default error). */
  readonly severity: 'error' | 'warning' | 'information';
  /** How loud "cannot be checked" is (trust source unreachable, retired, offline; a stale tag answer); absent = warning at most. */
  readonly unavailable?: 'error' | 'warning' | 'information';
  /** cosign public keys: any one of them may sign. */
  readonly keys: readonly PolicyKey[];
  /** cosign keyless signers. */
  readonly identities: readonly PolicyIdentity[];
  /** Notary v1 signer names (as `docker trust inspect` prints them, or role names); empty = any signer docker accepts. */
  readonly notarySigners: readonly string[];
  /** Provenance and scan requirements, and where attestations live (docs/policy.md "Provenance"). */
  readonly attestations?: AttestationRequirements;
  /** The entry's `notation` block as a Notation trust policy statement (level, trust stores, identities). */
  readonly notation?: NotationStatement;
  /** Where the entry came from: "settings", or the policy file path, and its index. */
  readonly origin: string;
}

export interface TrustPolicy {
  /** Ordered: the first entry whose pattern matches an image applies. */
  readonly entries: readonly PolicyEntry[];
  /** Canonical registry host → Notary server URL (settings win over the file). */
  readonly notaryServers: Readonly<Record<string, string>>;
  /**
   * notation's own trust policy (trustpolicy.oci.json / trustpolicy.json), used for images whose entry has no
   * `notation` block; null when the user has none.
   */
  readonly notation: TrustPolicyDocument | null;
  /** Problems found while building it. A policy with problems is never read as "no policy" (imageLookup.ts). */
  readonly problems: readonly string[];
  /** Where it was read from, for messages. */
  readonly sources: readonly string[];
}

export const EMPTY_POLICY: TrustPolicy = { entries: [], notaryServers: {}, notation: null, problems: [], sources: [] };

/** First entry whose pattern matches the image (canonical name, familiar name, or Docker Hub path). */
export function matchPolicy(policy: Pick<TrustPolicy, 'entries'>, ref: Pick<ParsedReference, 'registry' | 'repository' | 'name'>): PolicyEntry | undefined {
  const names = policyNames(ref);
  return policy.entries.find((e) => names.some((n) => e.matcher.test(n)));
}
