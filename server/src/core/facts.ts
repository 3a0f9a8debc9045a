// Facts from the outside world (registry digests, trust data) handed to the pure core as plain values.
// The registry and trust layers produce them; rules read them; nothing here does I/O.
import type { AttestationsFact } from './attestationFacts';
import type { ParsedReference } from './imageRef';

export type * from './attestationFacts';

export type LookupErrorKind =
  | 'unreachable'
  | 'unauthorized'
  | 'not-found'
  | 'rate-limited'
  | 'too-large'
  | 'tls'
  | 'timeout'
  | 'invalid'
  | 'offline'
  | 'insecure-refused';

/**
 * Failures that are about the image itself (the registry answered "no", or with something unusable), as opposed to
 * the way to the registry (offline, unreachable, certificates, rate limits), which is one state for the workspace.
 */
const IMAGE_SPECIFIC_ERRORS: ReadonlySet<LookupErrorKind> = new Set<LookupErrorKind>(['not-found', 'unauthorized', 'invalid', 'too-large']);

export function isImageSpecific(kind: LookupErrorKind): boolean {
  return IMAGE_SPECIFIC_ERRORS.has(kind);
}

export interface PlatformDigest {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly digest: string;
}

/** What the registry says a reference resolves to. */
export type RegistryFact =
  | {
      readonly state: 'ok';
      /** The registry host that answered (docker.io is served by registry-1.docker.io). */
      readonly registry: string;
      /** Digest the tag resolves to under the full Accept list (the index digest for multi-platform images). */
      readonly digest: string;
      readonly mediaType: string;
      readonly isIndex: boolean;
      readonly platforms: readonly PlatformDigest[];
      /** For a pinned reference: whether the registry knows the pinned digest (undefined = not checked). */
      readonly pinnedDigestKnown?: boolean;
      /** ISO time of the lookup. */
      readonly lookedUpAt: string;
      readonly fromCache: boolean;
    }
  | {
      readonly state: 'error';
      readonly registry: string;
      readonly kind: LookupErrorKind;
      /** Clear, credential-free text for people. */
      readonly message: string;
      readonly lookedUpAt: string;
    };

export type TrustSource = 'notary' | 'cosign' | 'notation';

/** Someone whose verified signature covers a digest. */
export interface Signer {
  /** As people know them: a Notary role as `docker trust inspect` names it ("releases", "Repo Admin"); a cosign identity or key. */
  readonly name: string;
  readonly keyIds: readonly string[];
  /** Notary role (`targets/releases`, `targets`), or `cosign key` / `cosign keyless`. */
  readonly role: string;
}

/** One digest a trust source verified signatures over, and exactly who signed it. */
export interface SignedDigest {
  readonly digest: string;
  /** Exactly the signers whose verified signatures list this digest (for the subject's tag, when it has one). Never empty. */
  readonly signers: readonly Signer[];
  /** Earliest expiry along the chain behind these signatures (ISO); null when the source has none. */
  readonly expires: string | null;
}

/**
 * The question a trust source answered. Notary answers for a tag (or, for a digest-only reference, for a
 * digest); cosign answers for exactly one digest. A fact about one digest says nothing about another.
 */
export interface TrustSubject {
  readonly tag: string | null;
  readonly digest: string | null;
}

/** How a cosign signature was found and what it proved. */
export interface CosignDetails {
  readonly discovery: 'referrers-api' | 'referrers-tag' | 'legacy-sig-tag';
  /** `sha256:<hex>` of the verifying key's SPKI (for keyless: the certificate's key). */
  readonly keyFingerprint: string;
  /** Keyless: certificate SAN and OIDC issuer. */
  readonly identity?: string;
  readonly issuer?: string;
  /** Transparency-log integrated time (ISO). */
  readonly tlogIntegratedTime?: string;
  readonly certValidFrom?: string;
  readonly certValidTo?: string;
}

interface FactBase {
  readonly source: TrustSource;
  readonly subject: TrustSubject;
  readonly server: string;
  readonly verifiedAt: string;
}

/**
 * What a trust source (Notary v1, cosign, …) says about a reference. Statements about a particular digest
 * are made only through `signed` (per digest, with exactly its signers); core/verdict.ts is the one place
 * that turns facts into a verdict about the digest a build would use.
 */
export type TrustFact =
  | (FactBase & {
      readonly state: 'signed';
      /** Every digest verified as signed for the subject (for a tag: signed for that tag), each with exactly its signers. Never empty. */
      readonly signed: readonly SignedDigest[];
      /** For a tag: the digest the source's own resolution picks (Notary: docker's rule, targets/releases before targets); null otherwise. */
      readonly tagDigest: string | null;
      readonly rootExpires: string | null;
      readonly details?: readonly string[];
      /** Sigstore specifics for the hover (source 'cosign' only). */
      readonly cosign?: CosignDetails;
    })
  | (FactBase & {
      readonly state: 'unsigned';
      /** Why: no trust data for the repository, or the tag (digest) is not among the signed targets. */
      readonly reason: string;
    })
  | (FactBase & {
      readonly state: 'invalid';
      /** The check that failed, e.g. "rollback: snapshot version 3 is below the stored 5". */
      readonly reason: string;
      /** The attack the check stopped (TUF vocabulary: rollback, freeze, mix-and-match, …). */
      readonly attack: string;
    })
  | (FactBase & {
      readonly state: 'unavailable';
      readonly reason: string;
    });

/** What policy says about an image: whether a signature is required, by whom, and how loud a violation is. */
export interface PolicyFact {
  readonly required: boolean;
  /** Accepted Notary signers (`releases`, `Repo Admin`, or role names); absent = any signer the source trusts. */
  readonly signers?: readonly string[];
  /** Severity of a violation (default error). */
  readonly severity?: 'error' | 'warning' | 'information';
  /** Severity of "cannot be checked" under this policy (default: warning, or the violation severity if lower). */
  readonly unavailable?: 'error' | 'warning' | 'information';
  /** Where the entry came from (pattern and file), for messages. */
  readonly pattern?: string;
  /** Set when the requirement comes from a trust source's own policy file, not ours (e.g. notation's trust policy). */
  readonly requiredBy?: string;
  /** The policy could not be read as written: nothing can be "verified" against it, and the rules say why. */
  readonly broken?: string;
}

export interface ImageFacts {
  readonly registry?: RegistryFact;
  /**
   * For a tag: until when the registry's tag → digest answer may be acted on (ISO). A verdict about an
   * unpinned tag rests on this answer; past it (or from the cache) the verdict is never "verified".
   */
  readonly tagFreshUntil?: string;
  readonly trust?: readonly TrustFact[];
  /** The registry's last rate-limit headers (Docker Hub `ratelimit-*`), as sent. */
  readonly rateLimit?: { readonly limit?: string; readonly remaining?: string; readonly at: string };
  /** Whether policy requires a signature for this image (and from whom). */
  readonly policy?: PolicyFact;
  /**
   * Provenance, SBOM, scan and VEX attestations for the digest the build would use (attestationFacts.ts). Never a
   * signature: the signature verdict does not read them.
   */
  readonly attestations?: AttestationsFact;
}

/** Facts known so far, by normalized reference. */
export interface Facts {
  /** Undefined = not known yet (rules that need it stay quiet). */
  get(ref: ParsedReference): ImageFacts | undefined;
  /** The time the verdicts are made at (freshness of tag answers); absent = only cached-or-not decides. */
  readonly now?: Date;
}

export const NO_FACTS: Facts = { get: () => undefined };

/** Times that change with every lookup but do not change what the facts say. */
const TIMES = new Set(['lookedUpAt', 'verifiedAt', 'tagFreshUntil', 'at']);

/** A key that is equal for two answers that say the same thing (ignoring when they were obtained). */
export function factsKey(f: ImageFacts | undefined): string {
  return f === undefined ? '' : JSON.stringify(f, (k, v: unknown) => (TIMES.has(k) ? undefined : v));
}
