// What attestations (provenance, SBOMs, vulnerability scans, VEX) say about an image, as plain data: part of the contract
// between the trust layer and the rules (facts.ts re-exports it). No imports, no I/O.
//
// Attestations are never signatures: a signed provenance says how a digest was built, not that its publisher vouches for
// it, so nothing here feeds the signature verdict (verdict.ts). provenanceVerdict.ts is the one place these facts become
// "verified provenance".
//
// `verified` (an item) means: the DSSE signature, certificate chain and transparency-log proof hold, and the in-toto
// statement is about `subjectDigest`. Whether the signer counts is the policy's question (`signerTrusted`). `unsigned` is
// BuildKit provenance read from the image index as the registry serves it: it never counts and is never shown as verified.

/** Where an attestation was found. */
export type AttestationOrigin = 'referrer' | 'legacy-att' | 'buildkit-index';

export type SeverityCounts = {
  readonly critical: number;
  readonly high: number;
  readonly medium: number;
  readonly low: number;
  /** Findings whose severity could not be read (or was "unknown"/"none"). */
  readonly unknown: number;
};

/** A resource named by a provenance (`resolvedDependencies` in SLSA v1, `materials` in v0.2). */
export interface ProvenanceDependency {
  readonly uri: string;
  /** One digest, the strongest present: `sha256:<hex>`, `sha1:<hex>` or `gitCommit:<hex>`. */
  readonly digest?: string;
}

/** Where the source repository / commit of a provenance was read from, most to least specific. */
export type SourceOrigin =
  | 'workflow' // GitHub Actions build type: externalParameters.workflow
  | 'config-source' // SLSA v0.2 invocation.configSource, BuildKit externalParameters.configSource
  | 'resolved-dependency' // the first git dependency
  | 'buildkit-vcs-hint'; // BuildKit `vcs` metadata: sent by the build client, not checked by BuildKit

export interface ProvenanceFacts {
  readonly kind: 'slsa-provenance';
  readonly slsaVersion: 'v1' | 'v0.2';
  readonly buildType?: string;
  readonly buildFamily: 'github-actions' | 'slsa-github-generator' | 'buildkit' | 'other';
  readonly builderId?: string;
  readonly source?: {
    /** Normalised repository URL (`https://github.com/org/app`), no `.git`, no ref. */
    readonly repository?: string;
    readonly ref?: string;
    readonly commit?: string;
    readonly from: SourceOrigin;
  };
  /** Path of the workflow / build file that ran (`.github/workflows/release.yml`, `Dockerfile`). */
  readonly entryPoint?: string;
  readonly invocationId?: string;
  readonly startedOn?: string;
  readonly finishedOn?: string;
  /** The first few dependencies; `dependencyCount` is how many the provenance listed. */
  readonly dependencies: readonly ProvenanceDependency[];
  readonly dependencyCount: number;
}

/** SBOMs are recorded as present, never parsed. */
export interface SbomFacts {
  readonly kind: 'sbom';
  readonly format: 'spdx' | 'cyclonedx';
}

export interface ScanFacts {
  readonly kind: 'vulnerability-scan';
  /** The predicate family. */
  readonly format: 'cosign-vuln' | 'in-toto-vulns' | 'scout-vulns' | 'sarif';
  /** How the result list was read: the scanner's own JSON, SARIF, the in-toto list, or not at all. */
  readonly resultFormat: 'trivy-json' | 'grype-json' | 'sarif' | 'in-toto' | 'scout' | 'none' | 'unrecognised';
  readonly scanner?: { readonly uri?: string; readonly name?: string; readonly version?: string; readonly dbVersion?: string };
  readonly scanStartedOn?: string;
  readonly scanFinishedOn?: string;
  /** Undefined when the result could not be read; `{0,…}` is a scan that found nothing. */
  readonly counts?: SeverityCounts;
  /** More findings than the cap: counts are a lower bound. */
  readonly truncated?: boolean;
}

export interface VexFacts {
  readonly kind: 'vex';
  readonly format: 'openvex';
  readonly author?: string;
  readonly timestamp?: string;
  readonly statements: number;
  readonly byStatus: { readonly notAffected: number; readonly affected: number; readonly fixed: number; readonly underInvestigation: number; readonly other: number };
  readonly truncated?: boolean;
}

export interface OtherFacts {
  readonly kind: 'other';
}

export type PredicateFacts = ProvenanceFacts | SbomFacts | ScanFacts | VexFacts | OtherFacts;

/**
 * What a Fulcio certificate says about the CI run that signed (OIDs 1.3.6.1.4.1.57264.1.9–.22, or the deprecated GitHub
 * ones .1.3/.1.5/.1.6). These come from the OIDC token Fulcio checked, not from the signer: for a keyless GitHub
 * attestation they are the authoritative source repository, commit and ref.
 */
export interface CertificateClaims {
  readonly buildSignerUri?: string;
  readonly buildSignerDigest?: string;
  readonly runnerEnvironment?: string;
  readonly sourceRepositoryUri?: string;
  readonly sourceRepositoryDigest?: string;
  readonly sourceRepositoryRef?: string;
  readonly sourceRepositoryOwnerUri?: string;
  readonly buildConfigUri?: string;
  readonly buildTrigger?: string;
  readonly runInvocationUri?: string;
  readonly sourceRepositoryVisibility?: string;
}

export type AttestationSignerFact =
  | { readonly kind: 'key'; readonly keyFingerprint: string }
  | {
      readonly kind: 'keyless';
      /** Certificate SAN and OIDC issuer. */
      readonly identity: string;
      readonly issuer: string;
      readonly keyFingerprint: string;
      readonly claims: CertificateClaims;
      readonly certValidFrom?: string;
      readonly certValidTo?: string;
    };

/** The source a provenance stands for: the signing certificate's word for keyless CI signatures, else the predicate's. */
export interface EffectiveSource {
  readonly repository?: string;
  readonly ref?: string;
  readonly commit?: string;
  readonly from: SourceOrigin | 'certificate';
}

export interface VerifiedAttestationFact {
  readonly state: 'verified';
  readonly origin: Exclude<AttestationOrigin, 'buildkit-index'>;
  /** The repository it was read from (`registry/repository`), which may be an attestation-repository override. */
  readonly repository: string;
  /** The digest the in-toto statement names and the signature covers. */
  readonly subjectDigest: string;
  readonly statementType: 'v1' | 'v0.1';
  readonly predicateType: string;
  readonly facts: PredicateFacts;
  readonly signer: AttestationSignerFact;
  /** Transparency-log integrated time (ISO), when logged. */
  readonly loggedAt?: string;
  /** The log entry's index and log ID (hex), when logged: for a link to the public log's search. */
  readonly logIndex?: string;
  readonly logId?: string;
  /** For provenance: the source it stands for (certificate over predicate), and a disagreement between the two. */
  readonly source?: EffectiveSource;
  readonly sourceConflict?: string;
  /** Whether the policy trusts the signer for this kind of attestation (set by the lookup; absent = not judged). */
  readonly signerTrusted?: boolean;
  /** Things worth knowing that did not fail verification (predicate-type annotation differs, fields dropped as hostile…). */
  readonly notes: readonly string[];
}

export interface UnsignedAttestationFact {
  readonly state: 'unsigned';
  readonly origin: 'buildkit-index';
  readonly repository: string;
  readonly subjectDigest: string;
  /** `os/architecture[/variant]` of the platform manifest the index attaches it to. */
  readonly subjectPlatform?: string;
  readonly statementType: 'v1' | 'v0.1';
  readonly predicateType: string;
  readonly facts: PredicateFacts;
  readonly notes: readonly string[];
}

export type AttestationFact =
  | VerifiedAttestationFact
  | UnsignedAttestationFact
  | {
      /** A check failed: tampered, another image's attestation, a signer the keys do not verify. */
      readonly state: 'invalid';
      readonly origin: AttestationOrigin;
      readonly repository: string;
      readonly reason: string;
      readonly attack: string;
      /** The predicate type as the registry labelled it (unverified), to say what failed. */
      readonly predicateTypeHint?: string;
    }
  | {
      /** Could not be checked: no key configured for a key-signed attestation, an unsupported log entry kind, over a cap. */
      readonly state: 'unverifiable';
      readonly origin: AttestationOrigin;
      readonly repository: string;
      readonly reason: string;
      readonly predicateTypeHint?: string;
    }
  | {
      /** Not an attestation at all (an image signature, a blob signature): route it elsewhere, never count it here. */
      readonly state: 'not-an-attestation';
      readonly origin: AttestationOrigin;
      readonly repository: string;
      readonly reason: string;
    };

/** Where attestations were looked for. */
export type AttestationPath = 'referrers-api' | 'referrers-tag' | 'legacy-att-tag' | 'image-index';

/** What the policy entry asks of attestations, in words for messages (the matching itself is the trust layer's). */
export interface AttestationRequirementsFact {
  readonly provenance?: {
    /** false: shown, never a finding. */
    readonly required: boolean;
    /** "signed by …; built by …; from …; ref …". */
    readonly summary: string;
  };
  readonly scans?: {
    readonly maxAgeDays: number;
    readonly signers: string;
  };
  /** Where the signed attestations are looked up instead of the image's repository (the policy's template, as written). */
  readonly repository?: string;
}

/** The policy's provenance requirement applied to the signed provenance of `subjectDigest` (evaluated by the trust layer). */
export type ProvenanceOutcomeFact =
  | { readonly status: 'satisfied'; readonly attestation: VerifiedAttestationFact }
  /** What failed on the closest candidate: the signer, the certificate/predicate agreement, builder, source or ref. */
  | { readonly status: 'mismatch'; readonly failed: 'signer' | 'conflict' | 'builder' | 'source' | 'ref'; readonly reason: string; readonly attestation: VerifiedAttestationFact }
  | { readonly status: 'missing'; readonly reason: string };

/** The newest vulnerability scan signed by a trusted signer (its age is judged by the core at the verdict's time). */
export type ScanOutcomeFact =
  | {
      readonly status: 'found';
      readonly attestation: VerifiedAttestationFact;
      /** When it was scanned: its own date, never later than its transparency-log time (ISO). */
      readonly scannedAt: string;
      readonly dateFrom: 'scan' | 'log';
    }
  | { readonly status: 'undated'; readonly attestation: VerifiedAttestationFact; readonly reason: string }
  | { readonly status: 'missing'; readonly reason: string };

/** Everything the attestation lookup learnt about one image: for exactly one digest. */
export interface AttestationsFact {
  /** `checked`: every place was asked (items may still be invalid); `unavailable`: the answer is incomplete or absent. */
  readonly state: 'checked' | 'unavailable';
  /** The digest the attestations were looked up for: the pin, or the tag's digest at lookup time; null when unknown. */
  readonly subjectDigest: string | null;
  /** Where the signed attestations were looked up (`registry/repository`). */
  readonly repository: string;
  /** True when that is the policy's attestation repository, not the image's own. */
  readonly overridden: boolean;
  /** Why the answer is incomplete (state `unavailable`). */
  readonly reason?: string;
  readonly items: readonly AttestationFact[];
  readonly paths: readonly AttestationPath[];
  /** Attestations found but not read (over the per-image caps): a "missing" answer is then not sure. */
  readonly unchecked: number;
  readonly notes: readonly string[];
  readonly requirements: AttestationRequirementsFact;
  /** Present when the policy asks for provenance. */
  readonly provenance?: ProvenanceOutcomeFact;
  /** Present when the policy asks for scans, or when trusted scans exist. */
  readonly scans?: ScanOutcomeFact;
  readonly verifiedAt: string;
}
