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
