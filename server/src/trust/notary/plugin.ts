// Notary v1 as a trust-source plug-in: the server chosen once per lookup, one verifier per GUN (sequenced updates).
import type { TrustFact } from '../../core/facts';
import type { ParsedReference } from '../../core/imageRef';
import { createAuthenticatedClient, type CredentialSource, type HttpClient, type TokenCache } from '../../registry';
import type { TrustSourcePlugin } from '../plugin';
import { notaryServerFor, type NotaryServerChoice, type PolicyEntry } from '../policy';
import type { TrustPinning } from './root';
import { NotaryTrustSource, type TrustDetails } from './source';
import type { TrustStore } from './store';

export interface NotaryPluginOptions {
  readonly http: HttpClient;
  readonly credentials: CredentialSource;
  readonly tokens: TokenCache;
  readonly store: TrustStore;
  readonly pinning?: TrustPinning;
  /** Canonical registry → Notary server (policy.notaryServers). */
  readonly servers: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly offline: boolean;
  readonly timeoutMs?: number;
}

const MAX_GUNS = 2000;

export interface NotaryPlugin extends TrustSourcePlugin {
  /** The server for a registry now (for trust details and status). */
  serverFor(ref: ParsedReference, now: Date): NotaryServerChoice;
  details(ref: ParsedReference, now: Date, signal?: AbortSignal): Promise<TrustDetails>;
}

export function notaryPlugin(o: NotaryPluginOptions): NotaryPlugin {
  const byGun = new Map<string, NotaryTrustSource>();
  const sourceFor = (ref: ParsedReference, server: NotaryServerChoice): NotaryTrustSource => {
    const key = `${server.url}\u0000${ref.name}`;
    let src = byGun.get(key);
    if (src === undefined) {
      let origin = server.url;
      try {
        origin = new URL(server.url).origin;
      } catch {
        // an invalid URL fails inside the notary client with a clear message
      }
      src = new NotaryTrustSource({
        // Notary servers authenticate with the registry's credentials, scoped to the GUN, and only for their own challenges.
        http: createAuthenticatedClient({ http: o.http, credentialHost: ref.registry, credentialOrigin: origin, credentials: o.credentials, scope: `repository:${ref.name}:pull`, tokens: o.tokens }),
        store: o.store,
        ...(o.pinning ? { pinning: o.pinning } : {}),
        ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      });
      if (byGun.size > MAX_GUNS) byGun.clear();
      byGun.set(key, src);
    }
    return src;
  };
  const serverFor = (ref: ParsedReference, now: Date): NotaryServerChoice => notaryServerFor(ref.registry, o.servers, o.env, now);
  const configured = (ref: ParsedReference): boolean => o.servers[ref.registry] !== undefined || (o.env['DOCKER_CONTENT_TRUST_SERVER'] ?? '') !== '';
  return {
    name: 'notary',
    // Asked where a server is configured for the registry (or DOCKER_CONTENT_TRUST_SERVER), or where policy requires
    // a signature only Notary can give (named Notary signers, or no cosign key or identity and no Notation block).
    applies(ref, entry: PolicyEntry | undefined) {
      const other = entry !== undefined && (entry.keys.length > 0 || entry.identities.length > 0 || entry.notation !== undefined);
      return configured(ref) || (entry !== undefined && entry.required && (entry.notarySigners.length > 0 || !other));
    },
    async lookup(q): Promise<TrustFact> {
      const server = serverFor(q.ref, q.now);
      if (o.offline) {
        return { state: 'unavailable', source: 'notary', subject: { tag: q.ref.effectiveTag, digest: q.ref.tag === null ? q.ref.digest : null }, reason: 'offline: trust data is not fetched in offline mode', server: server.url, verifiedAt: q.now.toISOString() };
      }
      return sourceFor(q.ref, server).lookup(q.ref, { ...(q.signal ? { signal: q.signal } : {}), now: q.now, server });
    },
    serverFor,
    details(ref, now, signal) {
      const server = serverFor(ref, now);
      return sourceFor(ref, server).details(ref, { ...(signal ? { signal } : {}), now, server });
    },
  };
}
