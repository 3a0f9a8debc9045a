// The interface through which the LSP layer and the CLI ask for registry and trust facts.
import type { ImageFacts } from '../core/facts';
import type { ParsedReference } from '../core/imageRef';

export interface ImageLookup {
  /** What is known now for a reference, without any I/O; undefined when nothing is known yet. */
  peek(ref: ParsedReference): ImageFacts | undefined;
  /** True while the known answer may be reused (younger than the trust TTL); false when it should be looked up again. */
  fresh(ref: ParsedReference): boolean;
  /** Looks a reference up (cached, in-flight lookups shared, bounded concurrency). Never rejects. */
  lookup(ref: ParsedReference, signal?: AbortSignal): Promise<ImageFacts>;
  /** Forgets cached answers so the next lookup asks again. */
  refresh(): void;
}

/** A host that could not be reached lately (the transport's per-host state): the workspace's "offline" state. */
export interface UnreachableHost {
  /** host[:port]. */
  readonly host: string;
  readonly kind: 'unreachable' | 'timeout' | 'tls';
  /** The first failure in one line, without paths. */
  readonly cause: string;
  /** ISO times: since when, and when background lookups ask it again. */
  readonly since: string;
  readonly retryAt: string;
}

/** Reachability of registries and trust servers, for the status item and its Retry. */
export interface Connectivity {
  unreachable(): readonly UnreachableHost[];
  /** Forgets every failure, so the next lookups ask again at once. */
  retry(): void;
  /** Hosts went down or answer again ('reachability'), or the services were rebuilt from new machine settings ('services'). */
  onDidChange(listener: (what: 'reachability' | 'services') => void): void;
}
