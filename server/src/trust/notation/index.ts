// Notation (Notary Project) signature verification: the public surface of trust/notation.
export { verifyNotationSignatures, MAX_SIGNATURES, type NotationVerifyInput } from './verify';
export { describeNotationResult, ATTACKS, type NotationResult, type SignatureReport, type SignatureDetails, type CheckReport, type CheckName, type PolicyRef } from './result';
export { loadNotationTrustPolicy, parseNotationTrustPolicy, selectPolicy, type TrustPolicy, type TrustPolicyDocument, type Level, type Action, type Check } from './policy';
export { parseProductNotationPolicy, type ProductNotationEntry } from './productPolicy';
export { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS, MAX_ENVELOPE_BYTES, type Descriptor } from './envelope';
export { revocationChecker, type RevocationChecker } from './revocation';
export { trustStores, type TrustStores } from './trustStore';
export { memoryStore, type NotationConfigStore, type StoreRead, type StoreList } from './store';
