// Predicate type URIs, each checked against its specification (sources in the comments). Exact, case-sensitive matches only.

/** cosign's image-signature predicate (sigstore/cosign pkg/types/predicate.go): a signature, never an attestation. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
/** SLSA provenance (slsa.dev/spec/v1.0/provenance, slsa.dev/spec/v0.2/provenance). */
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const SLSA_PROVENANCE_V02 = 'https://slsa.dev/provenance/v0.2';

export type PredicateClass =
  | { readonly kind: 'signature' }
  | { readonly kind: 'slsa-provenance'; readonly version: 'v1' | 'v0.2' }
  | { readonly kind: 'sbom'; readonly format: 'spdx' | 'cyclonedx' }
  | { readonly kind: 'vulnerability-scan'; readonly format: 'cosign-vuln' | 'in-toto-vulns' | 'scout-vulns' | 'sarif' }
  | { readonly kind: 'vex'; readonly format: 'openvex' }
  | { readonly kind: 'other' };

const RULES: ReadonlyArray<readonly [RegExp, PredicateClass]> = [
  [/^https:\/\/sigstore\.dev\/cosign\/sign\/v1$/, { kind: 'signature' }],
  [/^https:\/\/slsa\.dev\/provenance\/v1$/, { kind: 'slsa-provenance', version: 'v1' }],
  [/^https:\/\/slsa\.dev\/provenance\/v0\.2$/, { kind: 'slsa-provenance', version: 'v0.2' }],
  // in-toto attestation spec/predicates/spdx2.md (`…/Document`, `…/Document/v2.3`) and spdx3.md (`…/Document/v3`).
  [/^https:\/\/spdx\.dev\/Document(\/v\d+(\.\d+)*)?$/, { kind: 'sbom', format: 'spdx' }],
  // in-toto attestation spec/predicates/cyclonedx.md (`…/bom`, `…/bom/v1.4`); Docker Hardened Images use `…/bom/v1.5`/`v1.6`.
  [/^https:\/\/cyclonedx\.org\/bom(\/v\d+(\.\d+)*)?$/, { kind: 'sbom', format: 'cyclonedx' }],
  // sigstore/cosign pkg/cosign/attestation (CosignVulnProvenanceV01); the scheme-less form is the one its spec document shows
  // and older cosign emitted (policy-controller warns it is deprecated).
  [/^(https:\/\/)?cosign\.sigstore\.dev\/attestation\/vuln\/v1$/, { kind: 'vulnerability-scan', format: 'cosign-vuln' }],
  // in-toto attestation spec/predicates/vulns.md (v0.1) and vulns_02.md (v0.2); Docker Hardened Images ship v0.1.
  [/^https:\/\/in-toto\.io\/attestation\/vulns(\/v0\.\d+)?$/, { kind: 'vulnerability-scan', format: 'in-toto-vulns' }],
  // Docker Hardened Images' "CVEs (Scout format)" (docs.docker.com/dhi/core-concepts/attestations).
  [/^https:\/\/scout\.docker\.com\/vulnerabilities\/v0\.1$/, { kind: 'vulnerability-scan', format: 'scout-vulns' }],
  // OpenVEX: cosign's OpenVexNamespace `https://openvex.dev/ns`; versioned `…/ns/v0.2.0` (Docker Hardened Images).
  [/^https:\/\/openvex\.dev\/ns(\/v\d+\.\d+\.\d+)?$/, { kind: 'vex', format: 'openvex' }],
  // No registry of a SARIF predicate type exists; publishers that attach a bare SARIF log name it with a URI of their own.
  [/^https:\/\/[^\s]*sarif[^\s]*$/i, { kind: 'vulnerability-scan', format: 'sarif' }],
];

/** What a predicate type URI means. Anything not listed is `other`: recorded by type, never interpreted. */
export function classifyPredicateType(uri: string): PredicateClass {
  for (const [re, c] of RULES) if (re.test(uri)) return c;
  return { kind: 'other' };
}

/** For discovery: whether a referrer or layer labelled with this predicate type can be an image signature. */
export function isSignaturePredicate(uri: string | undefined): boolean {
  return uri === COSIGN_SIGN_PREDICATE;
}
