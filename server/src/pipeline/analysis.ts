// The one analysis pipeline shared by the language server and the CLI: analyse → look up the images → analyse
// again with the facts. Pure helpers plus the two drivers (whole text for the CLI, incremental for the editor).
import { analyze, type AnalysisResult, type AnalyzeOptions } from '../core/analyze';
import { NO_FACTS, factsKey, type Facts, type ImageFacts } from '../core/facts';
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
 * Verdicts made at one moment stay true for this long at most, unless an answer says when it stops being
 * true sooner (a tag answer's `tagFreshUntil`): what moves with the clock — relative times in messages, a
 * scan's age — is re-judged at least this often.
 */
export const FACTS_CLOCK_MS = 30_000;

interface HeldFacts {
  readonly lookup: ImageLookup;
  readonly facts: Facts;
  /** Every answer read through `facts`, by canonical name: the reference, and the answer as read (identity). */
  readonly read: Map<string, { readonly ref: ParsedReference; readonly answer: ImageFacts | undefined }>;
  /** Epoch ms at which a verdict made with `facts.now` may change with the clock alone. */
  until: number;
}

function holdFacts(lookup: ImageLookup, nowMs: number): HeldFacts {
  const h: HeldFacts = {
    lookup,
    read: new Map(),
    until: nowMs + FACTS_CLOCK_MS,
    facts: {
      now: new Date(nowMs),
      get(ref) {
        const answer = lookup.peek(ref);
        if (!h.read.has(ref.canonical)) h.read.set(ref.canonical, { ref, answer });
        const fresh = answer?.tagFreshUntil !== undefined ? Date.parse(answer.tagFreshUntil) : NaN;
        // Past this moment the tag answer may no longer vouch for the digest: judge again then.
        if (Number.isFinite(fresh) && fresh >= nowMs && fresh + 1 < h.until) h.until = fresh + 1;
        return answer;
      },
    },
  };
  return h;
}

function unchanged(h: HeldFacts, lookup: ImageLookup): boolean {
  for (const { ref, answer } of h.read.values()) if (lookup.peek(ref) !== answer) return false;
  return true;
}

/**
 * One open document in the editor: incremental analysis on every change with the facts known now (no waiting),
 * and the lookups that analysis still needs, run in the background; the caller re-analyses when they change
 * something. The language server only schedules and publishes.
 */
export class DocumentPipeline {
  private readonly doc: IncrementalDocument;
  private held: HeldFacts | null = null;
  private readonly clock: () => number;

  /** `clock`: epoch ms now (tests move it). */
  constructor(text: string, clock: () => number = Date.now) {
    this.doc = new IncrementalDocument(text);
    this.clock = clock;
  }

  update(text: string, changes?: readonly ContentChange[]): void {
    this.doc.update(text, changes);
  }

  /** Analyses now, synchronously, with whatever the lookup already knows. */
  analyze(settings: AnalysisSettings, lookup: ImageLookup | undefined): AnalysisResult {
    return this.doc.analyze(analysisOptions(settings, this.facts(lookup)));
  }

  /**
   * The facts for this analysis. The same object as last time while every answer the last analyses read is
   * still the stored answer (same object) and no verdict they made can have changed with the clock since: the
   * incremental engine then reuses the stage reports made with it, so a keystroke does not re-judge images whose
   * answers stand. Any other document's lookup, a refresh or an eviction that replaces an answer read here gives
   * a new object, checked before every analysis.
   */
  private facts(lookup: ImageLookup | undefined): Facts {
    const nowMs = this.clock();
    if (lookup === undefined) {
      this.held = null;
      return NO_FACTS;
    }
    const h = this.held;
    if (h !== null && h.lookup === lookup && nowMs < h.until && unchanged(h, lookup)) return h.facts;
    this.held = holdFacts(lookup, nowMs);
    return this.held.facts;
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
