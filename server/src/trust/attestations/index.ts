// Attestations (provenance, SBOMs, vulnerability scans, VEX): the public surface. One call per discovered item:
//   referrer bundle            → verifyAttestationBundle(json, ctx)
//   `.att` layer               → verifyLegacyAttestation({ envelope, annotations }, ctx)
//   BuildKit index/manifest/layer → findBuildkitAttestations → readBuildkitAttestationManifest → readBuildkitAttestationLayer
// then evaluateProvenance / evaluateScans with the requirements parsed by parseAttestationRequirements.
export type * from './facts';
export { verifyAttestationBundle, type AttestationContext, type AttestationKey } from './verify';
export { verifyLegacyAttestation, legacyAttestationToBundle, DSSE_LAYER_MEDIA_TYPE, type LegacyAttestationLayer } from './legacyAtt';
export { findBuildkitAttestations, readBuildkitAttestationManifest, readBuildkitAttestationLayer, type BuildkitAttestationRef, type BuildkitLayerRef } from './buildkit';
export { classifyPredicateType, isSignaturePredicate, COSIGN_SIGN_PREDICATE, SLSA_PROVENANCE_V1, SLSA_PROVENANCE_V02, type PredicateClass } from './predicateTypes';
export { parseAttestationRequirements, ATTESTATION_ENTRY_FIELDS, type AttestationRequirements, type ProvenanceRequirement, type ScanRequirement, type SignerSet } from './policy';
export { parseAttestationRepository, resolveAttestationRepository, type AttestationRepositoryTemplate } from './repository';
export { evaluateProvenance, newestTrustedScan, signerTrusted, type ProvenanceOutcome } from './evaluate';
