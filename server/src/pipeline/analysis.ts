// The one analysis pipeline shared by the language server and the CLI: analyse → look up the images → analyse
// again with the facts. Pure helpers plus the two drivers (whole text for the CLI, incremental for the editor).
import { analyze, type AnalysisResult, type AnalyzeOptions } from '../core/analyze';
import { NO_FACTS, factsKey, type Facts } from '../core/facts';
import type { ParsedReference } from '../core/imageRef';
import { IncrementalDocument, type ContentChange } from '../core/incremental';
import type { DockerfileModel } from '../core/model';
import type { SegmentCache } from '../core/parse';
import { ruleConfigOf } from '../config/ruleConfig';
import type { AnalysisSettings } from '../protocol';
import type { ImageLookup } from '../trust/service';

/** The engine options for a document's analysis settings and the facts known now. */
export function analysisOptions(a: AnalysisSettings, facts: Facts = NO_FACTS): AnalyzeOptions {
  return { severities: a.rules, buildArgs: a.buildArgs, platform: a.platform, facts, ruleConfig: ruleConfigOf(a) };
}

/** The facts view of a lookup at one moment: the cache (no I/O) and the time verdicts are made at. */
export function factsOf(lookup: ImageLookup | undefined, now: Date = new Date()): Facts {
  if (lookup === undefined) return NO_FACTS;
  return { get: (ref) => lookup.peek(ref), now };
}

/**
 * The references a model asks the registry and trust sources about: external images, and bare names in
 * `COPY --from` / `RUN --mount from` that the builder pulls as images when no build context of that name is given.
 */
export function referencesToLookUp(model: DockerfileModel): ParsedReference[] {
  const refs = new Map<string, ParsedReference>();
  for (const u of model.images) if ((u.kind === 'image' || u.kind === 'context') && u.ref !== null && u.ref.ok) refs.set(u.ref.canonical, u.ref);
  return [...refs.values()];
}

/**
 * Whole text, as the CLI checks a file: syntax, then every image looked up (bounded by the lookup's own limits), then
 * with facts. `parses` shares instruction parses between the two passes and across files (identical segments, e.g.
 * the same `RUN` in many services of a monorepo, are parsed once).
 */
export async function checkText(
  text: string,
  settings: AnalysisSettings,
  lookup: ImageLookup | undefined,
  now: () => Date = () => new Date(),
  parses?: SegmentCache,
): Promise<AnalysisResult & { readonly references: readonly ParsedReference[] }> {
  const first = analyze(text, analysisOptions(settings), parses);
  if (lookup === undefined) return { ...first, references: [] };
  const references = referencesToLookUp(first.model);
  await Promise.all(references.map((r) => lookup.lookup(r)));
  return { ...analyze(text, analysisOptions(settings, factsOf(lookup, now())), parses), references };
}

/**
 * One open document in the editor: incremental analysis on every change with the facts known now (no waiting),
 * and the lookups that analysis still needs, run in the background; the caller re-analyses when they change
 * something. The language server only schedules and publishes.
 */
export class DocumentPipeline {
  private readonly doc: IncrementalDocument;

  constructor(text: string) {
    this.doc = new IncrementalDocument(text);
  }

  update(text: string, changes?: readonly ContentChange[]): void {
    this.doc.update(text, changes);
  }

  /** Analyses now, synchronously, with whatever the lookup already knows. */
  analyze(settings: AnalysisSettings, lookup: ImageLookup | undefined): AnalysisResult {
    return this.doc.analyze(analysisOptions(settings, factsOf(lookup)));
  }

  /** References of `result` whose answer is missing or older than the trust TTL. */
  needed(result: AnalysisResult, lookup: ImageLookup): ParsedReference[] {
    return referencesToLookUp(result.model).filter((r) => !lookup.fresh(r));
  }

  /**
   * Looks `refs` up; true when an answer says something new, or replaces one that had gone stale (so the
   * caller re-analyses and publishes only then).
   */
  async lookUp(refs: readonly ParsedReference[], lookup: ImageLookup, signal?: AbortSignal): Promise<boolean> {
    const at = Date.now();
    const before = new Map(
      refs.map((r) => {
        const f = lookup.peek(r);
        const stale = f?.tagFreshUntil !== undefined && Date.parse(f.tagFreshUntil) < at;
        return [r.canonical, stale ? '\u0000stale' : factsKey(f)];
      }),
    );
    await Promise.all(refs.map((r) => lookup.lookup(r, signal)));
    return refs.some((r) => lookup.peek(r) !== undefined && factsKey(lookup.peek(r)) !== before.get(r.canonical));
  }
}
