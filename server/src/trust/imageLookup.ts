// ImageLookup: one place that asks the registry and every applicable trust source about an image, with a shared cache.
import type { ImageFacts, RegistryFact, TrustFact, TrustSubject } from '../core/facts';
import type { ParsedReference } from '../core/imageRef';
import { createAuthenticatedClient, registryBase, Semaphore, TokenCache, type CredentialSource, type HttpClient, type RegistryService } from '../registry';
import type { TrustRootResult } from './cosign/trustRoot';
import { CosignTrustSource } from './cosign/source';
import { matchPolicy, toTrustPolicy, type Policy, type PolicyEntry } from './cosign/policy';
import { NotaryTrustSource, type TrustDetails } from './notary/source';
import type { TrustPinning } from './notary/root';
import type { TrustStore } from './notary/store';
import { notaryServerFor } from './policy';
import type { ImageLookup } from './service';

export interface ImageLookupOptions {
  readonly registry: RegistryService;
  /** The raw transport (redirect, TLS and cap rules); authentication is added per scope here. */
  readonly http: HttpClient;
  readonly credentials: CredentialSource;
  readonly insecureRegistries: readonly string[];
  /** The one signature policy (settings + policy file), also carrying notary servers per registry. */
  readonly policy: Policy;
  readonly sources: readonly ('notary' | 'cosign')[];
  /** Where Notary roots (TOFU) and last-seen versions (rollback) are kept. */
  readonly notaryStore: TrustStore;
  readonly notaryPinning?: TrustPinning;
  readonly trustedRoot: () => Promise<TrustRootResult>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** How long trust answers stay fresh. */
  readonly ttlMs: number;
  readonly offline: boolean;
  readonly timeoutMs?: number;
  readonly log?: (message: string) => void;
  readonly now?: () => Date;
}

export interface TrustServices extends ImageLookup {
  /** The full Notary chain for a "show trust details" view (undefined when Notary does not apply). */
  notaryDetails(ref: ParsedReference, signal?: AbortSignal): Promise<TrustDetails | undefined>;
  /** Which trust sources apply to an image, and why (for hovers and logs). */
  sourcesFor(ref: ParsedReference): { notary: boolean; cosign: boolean; entry: PolicyEntry | undefined };
}

interface Entry {
  readonly facts: ImageFacts;
  readonly at: number;
}

const MAX_ENTRIES = 2000;
/** How long an unexpected lookup failure is kept before the image is asked about again. */
const NEGATIVE_MS = 60_000;

export function createTrustServices(opts: ImageLookupOptions): TrustServices {
  const now = opts.now ?? (() => new Date());
  const trustPolicy = toTrustPolicy(opts.policy);
  const cache = new Map<string, Entry>();
  const inflight = new Map<string, Promise<ImageFacts>>();
  const gate = new Semaphore(4);
  const tokens = new TokenCache();
  const notaryByGun = new Map<string, NotaryTrustSource>();

  function repoClient(ref: ParsedReference): HttpClient {
    return createAuthenticatedClient({
      http: opts.http,
      credentialHost: ref.registry,
      credentialOrigin: registryBase(ref.registry, opts.insecureRegistries),
      credentials: opts.credentials,
      scope: `repository:${ref.repository}:pull`,
      tokens,
    });
  }

  const cosign = new CosignTrustSource({
    httpFor: repoClient,
    registryBase: (registry) => registryBase(registry, opts.insecureRegistries),
    policy: opts.policy,
    trustedRoot: opts.trustedRoot,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    now,
  });

  function notaryFor(ref: ParsedReference): NotaryTrustSource {
    let src = notaryByGun.get(ref.name);
    if (src === undefined) {
      const server = notaryServerFor(ref.registry, trustPolicy, opts.env, now());
      let origin = server.url;
      try {
        origin = new URL(server.url).origin;
      } catch {
        // an invalid URL fails inside the notary client with a clear message
      }
      src = new NotaryTrustSource({
        // Notary servers authenticate with the registry's credentials, scoped to the GUN, and only for their own challenges.
        http: createAuthenticatedClient({ http: opts.http, credentialHost: ref.registry, credentialOrigin: origin, credentials: opts.credentials, scope: `repository:${ref.name}:pull`, tokens }),
        store: opts.notaryStore,
        policy: trustPolicy,
        env: opts.env,
        ...(opts.notaryPinning ? { pinning: opts.notaryPinning } : {}),
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      });
      if (notaryByGun.size > MAX_ENTRIES) notaryByGun.clear();
      notaryByGun.set(ref.name, src);
    }
    return src;
  }

  function sourcesFor(ref: ParsedReference): { notary: boolean; cosign: boolean; entry: PolicyEntry | undefined } {
    const entry = matchPolicy(opts.policy, ref);
    const hasCosignExpectation = entry !== undefined && (entry.keys.length > 0 || entry.identities.length > 0);
    // Notary is asked where a server is configured for the registry (or DOCKER_CONTENT_TRUST_SERVER), or where
    // policy requires a signature that only Notary can give (named Notary signers, or no cosign key/identity).
    const configured = trustPolicy.servers?.[ref.registry] !== undefined || (opts.env['DOCKER_CONTENT_TRUST_SERVER'] ?? '') !== '';
    const policyWantsNotary = entry !== undefined && entry.required && (entry.notarySigners.length > 0 || !hasCosignExpectation);
    return {
      notary: opts.sources.includes('notary') && (configured || policyWantsNotary),
      cosign: opts.sources.includes('cosign') && hasCosignExpectation,
      entry,
    };
  }

  function unavailable(source: 'notary' | 'cosign', subject: TrustSubject, reason: string, server: string): TrustFact {
    return { state: 'unavailable', source, subject, reason, server, verifiedAt: now().toISOString() };
  }

  async function compute(ref: ParsedReference, signal?: AbortSignal): Promise<ImageFacts> {
    const { notary, cosign: useCosign, entry } = sourcesFor(ref);
    const trusted = notary || useCosign;
    // A trust verdict about a tag rests on where the tag points now: ask the registry (a HEAD, which Docker
    // Hub does not count as a pull) instead of trusting a cached answer that may predate a moved tag.
    const registry: RegistryFact = await opts.registry.resolve(ref, { ...(signal ? { signal } : {}), ...(trusted && ref.effectiveTag !== null ? { maxAgeMs: 0 } : {}) });
    const trust: TrustFact[] = [];
    const tagSubject: TrustSubject = { tag: ref.effectiveTag, digest: ref.tag === null ? ref.digest : null };
    if (notary) {
      trust.push(opts.offline ? unavailable('notary', tagSubject, 'offline: trust data is not fetched in offline mode', ref.registry) : await notaryFor(ref).lookup(ref, { ...(signal ? { signal } : {}), now: now() }));
    }
    if (useCosign) {
      const digest = ref.digest ?? (registry.state === 'ok' ? registry.digest : null);
      const subject: TrustSubject = { tag: null, digest };
      if (opts.offline) trust.push(unavailable('cosign', subject, 'offline: signatures are not fetched in offline mode', ref.registry));
      else if (digest === null) trust.push(unavailable('cosign', subject, `no digest to check signatures for: ${registry.state === 'error' ? registry.message : 'unknown'}`, ref.registry));
      else trust.push(await cosign.lookup(ref, digest, signal ? { signal } : {}));
    }
    if (entry?.required === true && !notary && !useCosign) {
      // Fail closed: a required entry that no enabled trust source can check is "cannot be checked", never "no policy".
      const cosignWanted = entry.keys.length > 0 || entry.identities.length > 0;
      const reason = `the policy entry "${entry.pattern}" requires a ${cosignWanted ? 'cosign' : 'Notary'} signature, but that trust source is turned off (dockerfileTrust.trust.sources: ${opts.sources.length > 0 ? opts.sources.join(', ') : 'none'})`;
      trust.push(unavailable(cosignWanted ? 'cosign' : 'notary', cosignWanted ? { tag: null, digest: ref.digest ?? (registry.state === 'ok' ? registry.digest : null) } : tagSubject, reason, ref.registry));
    }
    // Policy signers are Notary signer names; cosign signatures are already checked against the policy's keys and identities.
    // Failures reach the output channel with their cause (the diagnostics and hover carry the same state).
    if (registry.state === 'error' && registry.kind !== 'offline') opts.log?.(`registry lookup of ${ref.familiar} failed (${registry.kind}): ${registry.message}`);
    for (const t of trust) {
      if (t.state === 'invalid') opts.log?.(`${t.source} verification of ${ref.familiar} FAILED (${t.attack}): ${t.reason}`);
      else if (t.state === 'unavailable') opts.log?.(`${t.source} trust data for ${ref.familiar} unavailable: ${t.reason}`);
    }
    const signers = entry ? [...entry.notarySigners] : [];
    const rl = opts.registry.rateLimits().get(ref.registry);
    // The tag answer may be acted on while this combined answer is reused (the trust TTL), plus one more TTL in
    // which the editor asks again in the background (so a verdict does not flicker while the refresh runs);
    // past that, e.g. with the registry unreachable since, it is never "verified".
    const tagFreshUntil =
      ref.digest === null && registry.state === 'ok' && !registry.fromCache ? new Date(Date.parse(registry.lookedUpAt) + 2 * opts.ttlMs).toISOString() : undefined;
    return {
      registry,
      ...(tagFreshUntil !== undefined ? { tagFreshUntil } : {}),
      ...(rl !== undefined ? { rateLimit: { ...(rl.limit !== undefined ? { limit: rl.limit } : {}), ...(rl.remaining !== undefined ? { remaining: rl.remaining } : {}), at: rl.at } } : {}),
      ...(trust.length > 0 ? { trust } : {}),
      ...(entry !== undefined ? { policy: { required: entry.required, severity: entry.severity, pattern: entry.pattern, ...(signers.length > 0 ? { signers } : {}) } } : {}),
    };
  }

  return {
    sourcesFor,
    peek(ref) {
      return cache.get(ref.canonical)?.facts;
    },
    fresh(ref) {
      const hit = cache.get(ref.canonical);
      return hit !== undefined && now().getTime() - hit.at < opts.ttlMs;
    },
    lookup(ref, signal) {
      const key = ref.canonical;
      const hit = cache.get(key);
      if (hit !== undefined && now().getTime() - hit.at < opts.ttlMs) return Promise.resolve(hit.facts);
      const running = inflight.get(key);
      if (running !== undefined) return running;
      const p = gate
        .run(() => compute(ref, signal))
        .then(
          (facts) => {
            // An aborted round leaves no half answer behind.
            if (signal?.aborted !== true) {
              if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
              cache.set(key, { facts, at: now().getTime() });
            }
            return facts;
          },
          (err: unknown): ImageFacts => {
            const why = err instanceof Error ? err.message : String(err);
            opts.log?.(`lookup of ${ref.familiar} failed unexpectedly: ${why}`);
            // Never "no facts" for an image a required entry covers: the policy and an unavailable state stay visible
            // (an empty answer would leave the rules quiet, and the CLI gate would pass).
            const entry = matchPolicy(opts.policy, ref);
            const facts: ImageFacts = {
              ...(entry !== undefined ? { policy: { required: entry.required, severity: entry.severity, pattern: entry.pattern, ...(entry.notarySigners.length > 0 ? { signers: [...entry.notarySigners] } : {}) } } : {}),
              trust: [unavailable(entry !== undefined && entry.notarySigners.length === 0 && (entry.keys.length > 0 || entry.identities.length > 0) ? 'cosign' : 'notary', { tag: ref.effectiveTag, digest: ref.digest }, `internal error while looking up trust data: ${why}`, ref.registry)],
            };
            if (signal?.aborted !== true) {
              if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
              // Kept briefly: the next lookup after the negative interval tries again.
              cache.set(key, { facts, at: now().getTime() - Math.max(0, opts.ttlMs - NEGATIVE_MS) });
            }
            return facts;
          },
        )
        .finally(() => inflight.delete(key));
      inflight.set(key, p);
      return p;
    },
    refresh() {
      cache.clear();
      opts.registry.clear();
    },
    async notaryDetails(ref, signal) {
      if (!sourcesFor(ref).notary) return undefined;
      return notaryFor(ref).details(ref, { ...(signal ? { signal } : {}), now: now() });
    },
  };
}
