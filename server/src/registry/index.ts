// Public API of the registry layer: the service the LSP layer and CLI use, and the pieces trust helpers reuse.
import { dockerCredentials } from './credentials';
import { createRegistryService, type RegistryService, type RegistryServiceOptions } from './service';
import { createTransport, type Transport } from './transport';

export { createAuthenticatedClient, TokenCache, type AuthenticatedClientOptions, type RateLimitInfo } from './auth';
export { parseChallenges, type Challenge } from './challenge';
export { dockerCredentials, NO_CREDENTIALS, serverKey, type Credential, type CredentialSource } from './credentials';
export { apiHost, DistributionClient, MANIFEST_ACCEPT, MEDIA_TYPES, registryBase } from './distribution';
export type { HttpClient, HttpFailureKind, HttpRequest, HttpResult } from './http';
export { cacheKey, createRegistryService, Semaphore, type RegistryService, type RegistryServiceOptions, type RegistryStats } from './service';
export { createTransport, type Transport, type TransportOptions } from './transport';
export { checksumOfUrl, type ChecksumResult } from './download';
export { resolveGitRef, type GitRefResult } from './gitRefs';

export interface DefaultRegistryOptions extends Omit<RegistryServiceOptions, 'http' | 'credentials'> {
  /** Extra CA certificates (PEM) per registry host (machine-scoped setting). */
  readonly extraCaCerts?: Readonly<Record<string, string>>;
  /** Environment for docker credential lookup (DOCKER_CONFIG, HOME, PATH). Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The composition-root helper: real transport + docker credentials + service. Call `close()` on shutdown. */
export function createDefaultRegistryService(options: DefaultRegistryOptions = {}): { service: RegistryService; transport: Transport; close(): Promise<void> } {
  const transport = createTransport({
    ...(options.insecureRegistries !== undefined ? { insecureHosts: options.insecureRegistries } : {}),
    ...(options.extraCaCerts !== undefined ? { extraCaCerts: options.extraCaCerts } : {}),
  });
  const credentials = dockerCredentials({ ...(options.env !== undefined ? { env: options.env } : {}), ...(options.log !== undefined ? { log: options.log } : {}) });
  const service = createRegistryService({ ...options, http: transport.http, credentials });
  return {
    service,
    transport,
    async close() {
      await service.dispose();
      await transport.close();
    },
  };
}
