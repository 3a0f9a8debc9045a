// Public API of the registry layer: what the composition root (compose.ts) builds services from, and the pieces the trust layer reuses.
export { createAuthenticatedClient, TokenCache, type AuthenticatedClientOptions, type RateLimitInfo } from './auth';
export { parseChallenges, type Challenge } from './challenge';
export { dockerCredentials, NO_CREDENTIALS, serverKey, type Credential, type CredentialSource } from './credentials';
export { apiHost, DistributionClient, MANIFEST_ACCEPT, MEDIA_TYPES, registryBase } from './distribution';
export type { HttpClient, HttpFailureKind, HttpRequest, HttpResult } from './http';
export { cacheKey, createRegistryService, Semaphore, type RegistryService, type RegistryServiceOptions, type RegistryStats } from './service';
export { createTransport, type Transport, type TransportOptions } from './transport';
export { checksumOfUrl, type ChecksumResult } from './download';
export { resolveGitRef, type GitRefResult } from './gitRefs';
