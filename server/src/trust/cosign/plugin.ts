// cosign as a trust-source plug-in: asked where the policy entry names keys or identities, for the judged digest.
import type { TrustFact } from '../../core/facts';
import type { HttpClient } from '../../registry';
import type { TrustSourcePlugin } from '../plugin';
import type { TrustPolicy } from '../policy';
import { CosignTrustSource } from './source';
import type { TrustRootResult } from './trustRoot';

export interface CosignPluginOptions {
  readonly httpFor: (where: { readonly registry: string; readonly repository: string }) => HttpClient;
  readonly registryBase: (registry: string) => string;
  readonly policy: TrustPolicy;
  readonly trustedRoot: () => Promise<TrustRootResult>;
  readonly offline: boolean;
  readonly timeoutMs?: number;
  readonly now: () => Date;
}

export function cosignPlugin(o: CosignPluginOptions): TrustSourcePlugin {
  const source = new CosignTrustSource({
    httpFor: o.httpFor,
    registryBase: o.registryBase,
    policy: o.policy,
    trustedRoot: o.trustedRoot,
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    now: o.now,
  });
  return {
    name: 'cosign',
    applies: (_ref, entry) => entry !== undefined && (entry.keys.length > 0 || entry.identities.length > 0),
    async lookup(q): Promise<TrustFact> {
      const subject = { tag: null, digest: q.digest };
      const base = { source: 'cosign' as const, subject, server: q.ref.registry, verifiedAt: q.now.toISOString() };
      if (o.offline) return { ...base, state: 'unavailable', reason: 'offline: signatures are not fetched in offline mode' };
      if (q.digest === null) return { ...base, state: 'unavailable', reason: `no digest to check signatures for: ${q.registry.state === 'error' ? q.registry.message : 'unknown'}` };
      return source.lookup(q.ref, q.digest, q.signal ? { signal: q.signal } : {});
    },
  };
}
