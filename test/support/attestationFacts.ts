// Test support: hand-built attestation facts (core/attestationFacts.ts) for rule and verdict tests, shaped as the trust
// layer's attestation lookup answers them.
import type { AttestationFact, AttestationsFact, ProvenanceOutcomeFact, ScanOutcomeFact, UnsignedAttestationFact, VerifiedAttestationFact } from '../../server/src/core/facts';

export const AT = '2026-11-28T12:00:00.000Z';
export const GH_WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.3';

export interface ProvenanceOptions {
  readonly builder?: string;
  readonly repository?: string;
  readonly commit?: string;
  readonly ref?: string;
  readonly entryPoint?: string;
  readonly identity?: string;
  readonly signerTrusted?: boolean;
  readonly origin?: 'referrer' | 'legacy-att';
  readonly loggedAt?: string;
}

/** A verified GitHub-style provenance about `digest` (keyless, logged), as the lookup records it. */
export function provenance(digest: string, o: ProvenanceOptions = {}): VerifiedAttestationFact {
  const repository = o.repository ?? 'https://github.com/acme/app';
  const commit = o.commit ?? 'a'.repeat(40);
  return {
    state: 'verified',
    origin: o.origin ?? 'referrer',
    repository: 'corp.example/app',
    subjectDigest: digest,
    statementType: 'v1',
    predicateType: 'https://slsa.dev/provenance/v1',
    facts: {
      kind: 'slsa-provenance',
      slsaVersion: 'v1',
      buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      buildFamily: 'github-actions',
      builderId: o.builder ?? 'https://github.com/actions/runner/github-hosted',
      source: { repository, ref: o.ref ?? 'refs/tags/v1.2.3', commit, from: 'workflow' },
      entryPoint: o.entryPoint ?? '.github/workflows/release.yml',
      dependencies: [],
      dependencyCount: 0,
    },
    signer: { kind: 'keyless', identity: o.identity ?? GH_WORKFLOW, issuer: 'https://token.actions.githubusercontent.com', keyFingerprint: 'sha256:cd', claims: { sourceRepositoryUri: repository, sourceRepositoryDigest: commit } },
    loggedAt: o.loggedAt ?? '2026-11-20T10:00:00.000Z',
    logIndex: '123456',
    logId: 'c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d',
    source: { repository, ref: o.ref ?? 'refs/tags/v1.2.3', commit, from: 'certificate' },
    signerTrusted: o.signerTrusted ?? true,
    notes: [],
  };
}

/** A signed vulnerability scan about `digest`. */
export function scan(digest: string, scannedOn: string, o: { signerTrusted?: boolean } = {}): VerifiedAttestationFact {
  return {
    state: 'verified',
    origin: 'referrer',
    repository: 'corp.example/app',
    subjectDigest: digest,
    statementType: 'v1',
    predicateType: 'https://cosign.sigstore.dev/attestation/vuln/v1',
    facts: { kind: 'vulnerability-scan', format: 'cosign-vuln', resultFormat: 'trivy-json', scanner: { name: 'trivy', version: '0.58.0' }, scanFinishedOn: scannedOn, counts: { critical: 0, high: 2, medium: 5, low: 9, unknown: 0 } },
    signer: { kind: 'key', keyFingerprint: `sha256:${'ef'.repeat(32)}` },
    signerTrusted: o.signerTrusted ?? true,
    notes: [],
  };
}

/** Unsigned BuildKit provenance in the image index, about a platform manifest (or the digest itself). */
export function buildkitProvenance(subjectDigest: string): UnsignedAttestationFact {
  return {
    state: 'unsigned',
    origin: 'buildkit-index',
    repository: 'corp.example/app',
    subjectDigest,
    subjectPlatform: 'linux/amd64',
    statementType: 'v0.1',
    predicateType: 'https://slsa.dev/provenance/v0.2',
    facts: { kind: 'slsa-provenance', slsaVersion: 'v0.2', buildType: 'https://mobyproject.org/buildkit@v1', buildFamily: 'buildkit', builderId: 'https://github.com/acme/ci', source: { repository: 'https://github.com/acme/app', commit: 'b'.repeat(40), from: 'buildkit-vcs-hint' }, dependencies: [], dependencyCount: 0 },
    notes: ['unsigned'],
  };
}

export interface AttestationsOptions {
  readonly items?: readonly AttestationFact[];
  readonly provenance?: ProvenanceOutcomeFact;
  readonly scans?: ScanOutcomeFact;
  /** The requirement as the policy states it: provenance required (default true), a scan age. */
  readonly required?: boolean;
  readonly maxAgeDays?: number;
  readonly state?: 'checked' | 'unavailable';
  readonly reason?: string;
  readonly unchecked?: number;
  readonly repository?: string;
  readonly overridden?: boolean;
}

/** The attestation lookup's answer for `digest`. */
export function attestations(digest: string | null, o: AttestationsOptions = {}): AttestationsFact {
  const required = o.required ?? true;
  return {
    state: o.state ?? 'checked',
    subjectDigest: digest,
    repository: o.repository ?? 'corp.example/app',
    overridden: o.overridden ?? false,
    ...(o.reason !== undefined ? { reason: o.reason } : {}),
    items: o.items ?? [],
    paths: ['referrers-api'],
    unchecked: o.unchecked ?? 0,
    notes: [],
    requirements: {
      ...(o.provenance !== undefined || o.required !== undefined ? { provenance: { required, summary: 'signed by /https://github\\.com/acme/.*/ (issuer https://token.actions.githubusercontent.com); from https://github.com/acme/app' } } : {}),
      ...(o.maxAgeDays !== undefined ? { scans: { maxAgeDays: o.maxAgeDays, signers: 'key sha256:efefefefefef…' } } : {}),
    },
    ...(o.provenance !== undefined ? { provenance: o.provenance } : {}),
    ...(o.scans !== undefined ? { scans: o.scans } : {}),
    verifiedAt: AT,
  };
}
