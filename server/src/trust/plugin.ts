// The seam every trust source plugs into: which images it applies to, and its answer for one image.
// ImageLookup (imageLookup.ts) resolves the registry once, matches the policy once, then asks each plug-in.
import type { AttestationsFact, RegistryFact, TrustFact, TrustSource } from '../core/facts';
import type { ParsedReference } from '../core/imageRef';
import type { HttpClient } from '../registry/http';
import type { PolicyEntry } from './policy';

export interface SourceQuery {
  readonly ref: ParsedReference;
  /** The registry's answer for the reference, looked up afresh for tags. */
  readonly registry: RegistryFact;
  /** The digest a build would use: the pin, or the registry's digest for the tag; null when unknown. */
  readonly digest: string | null;
  /** The policy entry that governs the image (matched once). */
  readonly entry: PolicyEntry | undefined;
  /** The client for the image's repository (pull-scoped credentials for its own registry only). */
  readonly http: HttpClient;
  /** The registry API base URL (scheme by the insecure-hosts setting). */
  readonly baseUrl: string;
  readonly signal?: AbortSignal;
  readonly now: Date;
}

export interface TrustSourcePlugin {
  readonly name: TrustSource;
  /** Whether this source is asked about an image (settings, policy entry). Pure. */
  applies(ref: ParsedReference, entry: PolicyEntry | undefined): boolean;
  /** The source's fact for the image. Never rejects; offline and failures are states. */
  lookup(q: SourceQuery): Promise<TrustFact>;
  /**
   * For an image no product policy entry governs: whether the source's own policy file requires a signature (and
   * names it), e.g. notation's trust policy at an enforcing level, so that an unsigned image is reported as
   * `notation verify` would refuse it. Pure. Absent or undefined = the source requires nothing by itself.
   */
  requirement?(ref: ParsedReference): string | undefined;
}

/**
 * The attestation lookup's seam (attestations/source.ts): asked with the same query after the signature sources, it
 * answers a fact of its own kind (ImageFacts.attestations), never a TrustFact: an attestation is not a signature.
 */
export interface AttestationPlugin {
  /** Whether attestations are looked up for an image: its entry asks for provenance or scans, or names cosign signers. Pure. */
  applies(ref: ParsedReference, entry: PolicyEntry | undefined): boolean;
  /** The attestations of the judged digest. Never rejects; offline and failures are states. */
  lookup(q: SourceQuery): Promise<AttestationsFact>;
}
