// The trust policy: one model (model.ts) built once (build.ts) from settings and the policy file, one entry parser
// (parse.ts), one pattern compiler (pattern.ts), signer parsing shared with the attestation blocks (signers.ts),
// and the Notary server choice (notaryServer.ts).
export { buildTrustPolicy, type PolicyInputs } from './build';
export { EMPTY_POLICY, matchPolicy, type PolicyEntry, type TrustPolicy } from './model';
export { notaryServerFor, DOCKER_HUB_NOTARY, DOCKER_HUB_NOTARY_RETIRES, type NotaryServerChoice } from './notaryServer';
export { parseEntries, parsePolicyDocument, POLICY_VERSION } from './parse';
export { compilePattern, familiarRepo, policyNames, type NameMatcher } from './pattern';
export { NO_KEY_FILES, publicKey, type KeyReader, type PolicyIdentity, type PolicyKey, type SignerSet } from './signers';
