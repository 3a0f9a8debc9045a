// What an attestation says about an image, as plain data: the shape proposed for core/facts.ts. No imports, no I/O.
//
// `verified` means: the DSSE signature, certificate chain and transparency-log proof hold, and the in-toto statement is about
// `subjectDigest`. It does NOT mean the signer is trusted: who signed is in `signer`, and whether that signer counts is the
// policy's question (evaluate.ts). `unsigned` is BuildKit provenance read from the image index as the registry serves it: it
// never counts for policy and must never be shown as verified.

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
  /** Things worth knowing that did not fail verification (predicate-type annotation differs, fields dropped as hostile…). */
  readonly notes: readonly string[];
}

export interface UnsignedAttestationFact {
  readonly state: 'unsigned';
  readonly origin: 'buildkit-index';
  readonly repository: string;
  readonly subjectDigest: string;
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
      /** Could not be checked: no key configured for a key-signed attestation, an unsupported log entry kind. */
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
