// Facts from the outside world (registry digests, trust data) handed to the pure core as plain values.
// The registry and trust layers produce them; rules read them; nothing here does I/O.
import type { ParsedReference } from './imageRef';

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

export interface Signer {
  /** As `docker trust inspect` names them: delegation name without `targets/`, or "Repo Admin"; or a cosign identity. */
  readonly name: string;
  readonly keyIds: readonly string[];
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

/** What a trust source (Notary v1, cosign, …) says about a reference. */
export type TrustFact =
  | {
      readonly state: 'signed';
      readonly source: 'notary' | 'cosign';
      /** The digest the signers vouch for (for a tag), or the digest whose signature verified (for a pin). */
      readonly signedDigest: string;
      /** All digests signed for this tag (a pin must be one of them). */
      readonly signedDigests: readonly string[];
      readonly signers: readonly Signer[];
      /** The role/identity that matched (e.g. `targets/releases`). */
      readonly role: string;
      /** Earliest expiry along the chain (ISO). */
      readonly expires: string | null;
      readonly rootExpires: string | null;
      readonly server: string;
      readonly verifiedAt: string;
      readonly details?: readonly string[];
      /** Sigstore specifics for the hover (source 'cosign' only). */
      readonly cosign?: CosignDetails;
    }
  | {
      readonly state: 'unsigned';
      readonly source: 'notary' | 'cosign';
      /** Why: no trust data for the repository, or the tag is not among the signed targets. */
      readonly reason: string;
      readonly server: string;
      readonly verifiedAt: string;
    }
  | {
      readonly state: 'invalid';
      readonly source: 'notary' | 'cosign';
      /** The check that failed, e.g. "rollback: snapshot version 3 is below the stored 5". */
      readonly reason: string;
      /** The attack the check stopped (TUF vocabulary: rollback, freeze, mix-and-match, …). */
      readonly attack: string;
      readonly server: string;
      readonly verifiedAt: string;
    }
  | {
      readonly state: 'unavailable';
      readonly source: 'notary' | 'cosign';
      readonly reason: string;
      readonly server: string;
      readonly verifiedAt: string;
    };

export interface ImageFacts {
  readonly registry?: RegistryFact;
  readonly trust?: readonly TrustFact[];
  /** The registry's last rate-limit headers (Docker Hub `ratelimit-*`), as sent. */
  readonly rateLimit?: { readonly limit?: string; readonly remaining?: string; readonly at: string };
  /** Whether policy requires a signature for this image (and from whom). */
  readonly policy?: { readonly required: boolean; readonly signers?: readonly string[] };
}

/** Facts known so far, by normalized reference. */
export interface Facts {
  /** Undefined = not known yet (rules that need it stay quiet). */
  get(ref: ParsedReference): ImageFacts | undefined;
}

export const NO_FACTS: Facts = { get: () => undefined };
