// ImageLookup: one place that asks the registry and every applicable trust source about an image, with a shared cache.
// The registry is resolved once (afresh for tags a trust verdict rests on), the policy matched once, each source
// plug-in asked once (plugin.ts); the result is one ImageFacts value the core reads.
import { isImageSpecific, type AttestationsFact, type ImageFacts, type PolicyFact, type RegistryFact, type TrustFact, type TrustSource } from '../core/facts';
import type { ParsedReference } from '../core/imageRef';
import { createAuthenticatedClient, registryBase, Semaphore, TokenCache, type CredentialSource, type HttpClient, type RegistryService } from '../registry';
import { attestationPlugin, requirementsOf } from './attestations/source';
import { cosignPlugin } from './cosign/plugin';
import type { TrustRootResult } from './cosign/trustRoot';
import { notaryPlugin } from './notary/plugin';
import type { TrustPinning } from './notary/root';
import type { TrustDetails } from './notary/source';
import type { TrustStore } from './notary/store';
import type { TrustSourcePlugin } from './plugin';
import { matchPolicy, type PolicyEntry, type TrustPolicy } from './policy';
import type { ImageLookup } from './service';

export interface ImageLookupOptions {
  readonly registry: RegistryService;
  /** The raw transport (redirect, TLS and cap rules); authentication is added per scope here. */
  readonly http: HttpClient;
  readonly credentials: CredentialSource;
  readonly insecureRegistries: readonly string[];
  /** The one trust policy (policy/build.ts). */
  readonly policy: TrustPolicy;
  readonly sources: readonly TrustSource[];
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
  /** Further trust sources (Notation), plugged in by the composition root. */
  readonly plugins?: readonly TrustSourcePlugin[];
  /** Whether a server (URL or host) is known to be down: its failures are the workspace's state, logged once by the transport. */
  readonly hostDown?: (server: string) => boolean;
}

export interface TrustServices extends ImageLookup {
  /** The full Notary chain for a "show trust details" view (undefined when Notary does not apply). */
  notaryDetails(ref: ParsedReference, signal?: AbortSignal): Promise<TrustDetails | undefined>;
  /** Which trust sources apply to an image, and the policy entry that governs it. */
  sourcesFor(ref: ParsedReference): { sources: readonly TrustSource[]; entry: PolicyEntry | undefined };
}

interface Entry {
  readonly facts: ImageFacts;
  readonly at: number;
}

const MAX_ENTRIES = 2000;

const SOURCE_WORDS: Readonly<Record<TrustSource, string>> = { notary: 'Notary', cosign: 'cosign', notation: 'Notation' };

/** The source a required entry asks for: cosign when it names keys or identities, Notation with a `notation` block, else Notary. */
function wantedSource(entry: PolicyEntry): TrustSource {
  if (entry.keys.length > 0 || entry.identities.length > 0) return 'cosign';
  if (entry.notation !== undefined) return 'notation';
  return 'notary';
}

/** The registry failed on the way there (not about the image): the transport reports it, once per host. */
function connectionFailed(r: RegistryFact | undefined): boolean {
  return r?.state === 'error' && !isImageSpecific(r.kind);
}

function unavailableFact(source: TrustSource, ref: ParsedReference, digest: string | null, reason: string, at: Date): TrustFact {
  // Notary answers for a tag; the digest-based sources for one digest.
  const subject = source === 'notary' ? { tag: ref.effectiveTag, digest: ref.tag === null ? ref.digest : null } : { tag: null, digest };
  return { source, state: 'unavailable', subject, reason, server: ref.registry, verifiedAt: at.toISOString() };
}
/** How long an unexpected lookup failure, or a registry that could not be reached, is kept before the image is asked about again. */
const NEGATIVE_MS = 60_000;
/** Distinct failure lines kept to log each one once (until a refresh). */
const MAX_LOGGED = 5000;

export function createTrustServices(opts: ImageLookupOptions): TrustServices {
  const now = opts.now ?? (() => new Date());
  const cache = new Map<string, Entry>();
  const inflight = new Map<string, Promise<ImageFacts>>();
  const gate = new Semaphore(4);
  const tokens = new TokenCache();
  // One output line per distinct failure, not per use or per repeated lookup.
  const logged = new Set<string>();
  const log = (line: string): void => {
    if (logged.has(line)) return;
    if (logged.size >= MAX_LOGGED) logged.clear();
    logged.add(line);
    opts.log?.(line);
  };

  /** Pull access to one repository, with credentials for its own registry only. */
  const repoClient = (ref: { readonly registry: string; readonly repository: string }): HttpClient =>
    createAuthenticatedClient({
      http: opts.http,
      credentialHost: ref.registry,
      credentialOrigin: registryBase(ref.registry, opts.insecureRegistries),
      credentials: opts.credentials,
      scope: `repository:${ref.repository}:pull`,
      tokens,
    });
  const notary = notaryPlugin({
    http: opts.http,
    credentials: opts.credentials,
    tokens,
    store: opts.notaryStore,
    ...(opts.notaryPinning ? { pinning: opts.notaryPinning } : {}),
    servers: opts.policy.notaryServers,
    env: opts.env,
    offline: opts.offline,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  });
  const cosign = cosignPlugin({
    httpFor: repoClient,
    registryBase: (registry) => registryBase(registry, opts.insecureRegistries),
    policy: opts.policy,
    trustedRoot: opts.trustedRoot,
    offline: opts.offline,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    now,
  });
  const plugins: TrustSourcePlugin[] = [notary, cosign, ...(opts.plugins ?? [])].filter((p) => opts.sources.includes(p.name));
  // Attestations are a fact of their own, never a signature: asked after the signature sources, answered beside them.
  const attestations = attestationPlugin({
    httpFor: repoClient,
    registryBase: (registry) => registryBase(registry, opts.insecureRegistries),
    trustedRoot: opts.trustedRoot,
    offline: opts.offline,
    cosignEnabled: opts.sources.includes('cosign'),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  });

  function sourcesFor(ref: ParsedReference): { sources: TrustSource[]; entry: PolicyEntry | undefined } {
    const entry = matchPolicy(opts.policy, ref);
    return { sources: plugins.filter((p) => p.applies(ref, entry)).map((p) => p.name), entry };
  }

  /** What the rules see of the policy. A policy that could not be read is never "no policy": it says so. */
  function policyFact(ref: ParsedReference, entry: PolicyEntry | undefined, asked: readonly TrustSourcePlugin[]): PolicyFact | undefined {
    if (opts.policy.problems.length > 0) {
      return { required: true, severity: 'warning', broken: `the trust policy has problems (${opts.policy.problems.slice(0, 3).join('; ')}${opts.policy.problems.length > 3 ? '; …' : ''})` };
    }
    if (entry === undefined) {
      // No entry of ours: a source's own policy file may still require a signature (notation's trust policy).
      const by = asked.map((p) => p.requirement?.(ref)).find((x) => x !== undefined);
      return by !== undefined ? { required: true, severity: 'error', requiredBy: by } : undefined;
    }
    return { required: entry.required, severity: entry.severity, ...(entry.unavailable !== undefined ? { unavailable: entry.unavailable } : {}), pattern: entry.pattern, ...(entry.notarySigners.length > 0 ? { signers: [...entry.notarySigners] } : {}) };
  }

  async function compute(ref: ParsedReference, signal?: AbortSignal): Promise<ImageFacts> {
    const { entry } = sourcesFor(ref);
    const asked = plugins.filter((p) => p.applies(ref, entry));
    // A trust verdict about a tag rests on where the tag points now: ask the registry (a HEAD, which Docker
    // Hub does not count as a pull) instead of trusting a cached answer that may predate a moved tag.
    const attesting = attestations.applies(ref, entry);
    const registry: RegistryFact = await opts.registry.resolve(ref, { ...(signal ? { signal } : {}), ...((asked.length > 0 || attesting) && ref.effectiveTag !== null ? { maxAgeMs: 0 } : {}) });
    const digest = ref.digest ?? (registry.state === 'ok' ? registry.digest : null);
    const at = now();
    const trust: TrustFact[] = [];
    const q = { ref, registry, digest, entry, http: repoClient(ref), baseUrl: registryBase(ref.registry, opts.insecureRegistries), ...(signal ? { signal } : {}), now: at };
    for (const p of asked) trust.push(await p.lookup(q));
    const attested: AttestationsFact | undefined = attesting ? await attestations.lookup(q) : undefined;
    if (entry?.required === true && asked.length === 0) {
      // Fail closed: a required entry that no enabled trust source can check is "cannot be checked", never "no policy".
      const s = wantedSource(entry);
      const reason = `the policy entry "${entry.pattern}" requires a ${SOURCE_WORDS[s]} signature, but that trust source is turned off (dockerfileTrust.trust.sources: ${opts.sources.length > 0 ? opts.sources.join(', ') : 'none'})`;
      trust.push(unavailableFact(s, ref, digest, reason, at));
    }
    // Failures reach the output channel with their cause, once each (the diagnostics and hover carry the same state).
    // A registry or trust server that cannot be reached is one line from the transport, not one per image.
    if (registry.state === 'error' && isImageSpecific(registry.kind)) log(`registry lookup of ${ref.familiar} failed (${registry.kind}): ${registry.message}`);
    for (const t of trust) {
      if (t.state === 'invalid') log(`${t.source} verification of ${ref.familiar} FAILED (${t.attack}): ${t.reason}`);
      else if (t.state === 'unavailable' && !opts.offline && !(opts.hostDown?.(t.server) ?? false) && !connectionFailed(registry)) log(`${t.source} trust data for ${ref.familiar} unavailable: ${t.reason}`);
    }
    if (attested?.state === 'unavailable') opts.log?.(`attestations for ${ref.familiar} unavailable: ${attested.reason ?? ''}`);
    for (const a of attested?.items ?? []) if (a.state === 'invalid') opts.log?.(`attestation of ${ref.familiar} FAILED verification (${a.attack}): ${a.reason}`);
    const rl = opts.registry.rateLimits().get(ref.registry);
    // The tag answer may be acted on while this combined answer is reused (the trust TTL), plus one more TTL in
    // which the editor asks again in the background (so a verdict does not flicker while the refresh runs);
    // past that, e.g. with the registry unreachable since, it is never "verified".
    const tagFreshUntil =
      ref.digest === null && registry.state === 'ok' && !registry.fromCache ? new Date(Date.parse(registry.lookedUpAt) + 2 * opts.ttlMs).toISOString() : undefined;
    const policy = policyFact(ref, entry, asked);
    return {
      registry,
      ...(tagFreshUntil !== undefined ? { tagFreshUntil } : {}),
      ...(rl !== undefined ? { rateLimit: { ...(rl.limit !== undefined ? { limit: rl.limit } : {}), ...(rl.remaining !== undefined ? { remaining: rl.remaining } : {}), at: rl.at } } : {}),
      ...(trust.length > 0 ? { trust } : {}),
      ...(policy !== undefined ? { policy } : {}),
      ...(attested !== undefined ? { attestations: attested } : {}),
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
              // A registry that could not be reached says nothing lasting about the image: asked again sooner.
              const at = now().getTime() - (connectionFailed(facts.registry) ? Math.max(0, opts.ttlMs - NEGATIVE_MS) : 0);
              cache.set(key, { facts, at });
            }
            return facts;
          },
          (err: unknown): ImageFacts => {
            const why = err instanceof Error ? err.message : String(err);
            log(`lookup of ${ref.familiar} failed unexpectedly: ${why}`);
            // Never "no facts" for an image a policy covers: the policy and an unavailable state stay visible
            // (an empty answer would leave the rules quiet, and the CLI gate would pass).
            const { entry } = sourcesFor(ref);
            const asked = plugins.filter((p) => p.applies(ref, entry));
            const policy = policyFact(ref, entry, asked);
            const source = asked[0]?.name ?? (entry !== undefined ? wantedSource(entry) : 'notary');
            // Required provenance stays visible as "cannot be checked", never as nothing.
            const attested: AttestationsFact | undefined = entry !== undefined && attestations.applies(ref, entry)
              ? { state: 'unavailable', subjectDigest: ref.digest, repository: ref.name, overridden: false, reason: `internal error while looking up trust data: ${why}`, items: [], paths: [], unchecked: 0, notes: [], requirements: requirementsOf(entry), verifiedAt: now().toISOString() }
              : undefined;
            const facts: ImageFacts = {
              ...(policy !== undefined ? { policy } : {}),
              trust: [unavailableFact(source, ref, ref.digest, `internal error while looking up trust data: ${why}`, now())],
              ...(attested !== undefined ? { attestations: attested } : {}),
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
      logged.clear();
      opts.registry.clear();
    },
    async notaryDetails(ref, signal) {
      if (!sourcesFor(ref).sources.includes('notary')) return undefined;
      return notary.details(ref, now(), signal);
    },
  };
}
