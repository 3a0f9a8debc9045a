// Incremental analysis of one open document: re-segments and re-parses only around each edit
// (segmentedText.ts) and rebuilds only the stages whose inputs changed; the result always equals analyze()
// on the same text.
//
// Why this is exact: a stage's part of the model depends only on its instructions in its own frame, its
// index through the stage-name answers (NameCheck) and StageContext.key; a stage's stage-local reports, in
// its frame, depend on that part and on what other stages copy out of it. A stage is in its own line frame
// (model.ts Stage), so neither where it is nor its index is part of what is kept.
import { collectAll, collectReports, failedAnalysis, finalizeReports, globalPart, stagePart, type AnalysisResult, type AnalyzeOptions, type FindingMemo, type RawReport } from './analyze';
import { NO_FACTS, type Facts } from './facts';
import { buildGlobals, buildStage, placeImageUse, sameNameAnswers, type DockerfileModel, type ImageUse, type ModelGlobals, type NameCheck, type Stage } from './model';
import type { Rule, RuleConfig } from './rule';
import { SegmentedText, type ContentChange, type Seg } from './segmentedText';
import { copiesFrom, sameCopies, stageCopyUses, type CopyOut, type CopyUse } from './stageCopies';
import { shiftInstruction, type Directives, type Instruction } from './syntax';

export type { ContentChange };

interface ReportEntry {
  /** What other stages copy out of it (stage-local rules may mention it): reports stay valid while it is the same. */
  readonly copies: readonly CopyOut[] | undefined;
  readonly rulesKey: string;
  readonly rules: readonly Rule[] | null;
  readonly facts: Facts;
  readonly config: RuleConfig;
  /** In the stage's own frame: valid wherever the stage is. */
  readonly raws: readonly RawReport[];
}

interface StageEntry {
  readonly key: string;
  readonly stage: Stage;
  /** The parses behind `stage.instructions` (the same text parses to the same object while cached). */
  readonly rels: readonly Instruction[];
  /** The stage's image uses in its own frame, with the index the stage had when built. */
  readonly images: readonly ImageUse[];
  /** What the stage asked about stage names while it was built (valid while the answers stay the same). */
  readonly nameChecks: readonly NameCheck[];
  /** Its COPY --from=<stage> uses (what it takes out of other stages). */
  readonly copyUses: readonly CopyUse[];
  /** `images` placed at `line` as stage `index` (the model's images), kept while the stage stays there. */
  placed: { readonly line: number; readonly index: number; readonly images: readonly ImageUse[] } | undefined;
  /** The stage-local reports, in the stage's frame (valid wherever the stage is). */
  reports: ReportEntry | undefined;
  /** The last analysis that used this entry (entries unused for KEEP_STAGES analyses are dropped). */
  used: number;
}

/**
 * How many analyses a stage that left the document is kept: an edit that makes a heredoc or continuation
 * swallow the rest of the file (typing `<<EOF`) removes every later stage until it is closed again.
 */
const KEEP_STAGES = 16;

export class IncrementalDocument {
  private text: SegmentedText;
  /**
   * Stages by the parse of their FROM (a stage follows its text, not its index or line: one that moves,
   * changes index because another stage came or went, or comes back after an undo is found again), several
   * when the texts are equal.
   */
  private stageCache = new Map<Instruction, StageEntry[]>();
  private generation = 0;
  /** The entries of the current model's stages, by index. */
  private current: StageEntry[] = [];
  /**
   * The reports of the part before the first FROM, with what they depend on: its instructions (in the
   * document's frame), the directives (the `# syntax=` image) and the context key (platform, overrides).
   */
  private globalReports: { readonly instructions: readonly Instruction[]; readonly directives: Directives; readonly contextKey: string; readonly entry: ReportEntry } | undefined;
  /** The context key of the current model (StageContext.key). */
  private contextKey = '';
  /** The last buildGlobals result and what it was built from (see globals()). */
  private globalsMemo: { directives: Directives; heads: readonly Instruction[]; globalCount: number; buildArgs: AnalyzeOptions['buildArgs']; platform: string | undefined; g: ModelGlobals } | null = null;
  /** Weak: entries go with the reports of stages that were rebuilt. */
  private readonly findingMemo: FindingMemo = new WeakMap();

  constructor(text: string) {
    this.text = new SegmentedText(text);
  }

  /** Number of lines, for callers that want to size work. */
  get lineCount(): number {
    return this.text.lines.length;
  }

  /**
   * Brings the document to `text`. `changes` (in order, as in one or more LSP didChange notifications)
   * make it incremental; without them, or when they do not fit the text we hold, the text is re-split.
   */
  update(text: string, changes?: readonly ContentChange[]): void {
    this.text.update(text, changes);
  }

  /** Analyzes the current text: equal to analyze(text, options) with no cache. Never throws. */
  analyze(options: AnalyzeOptions = {}): AnalysisResult {
    try {
      return this.analyzeInner(options);
    } catch (err) {
      // Start from scratch next time: half-updated caches must not outlive a failure.
      const text = this.text.lines.join('\n');
      this.stageCache = new Map();
      this.current = [];
      this.globalReports = undefined;
      this.globalsMemo = null;
      try {
        this.text = new SegmentedText(text);
      } catch {
        this.text = new SegmentedText('');
      }
      return failedAnalysis(text, err);
    }
  }

  private analyzeInner(options: AnalyzeOptions): AnalysisResult {
    const model = this.model(options);
    const facts = options.facts ?? NO_FACTS;
    const rulesOpt = options.rules ?? null;
    // A stage object is reused only when its instructions and context are unchanged (see model()),
    // so its reports can be too, as long as the same rules run with the same facts: they are in the
    // stage's own frame, so where the stage now is does not matter (finalizeReports places them).
    let keyOf: readonly Rule[] | null = null;
    let rulesKey = '';
    // What other stages copy out of each stage, from the stages' own summaries (no pass over the model).
    const current = this.current;
    const copies = copiesFrom(model.stages, (k) => (current[k] as StageEntry).copyUses);
    const parts = collectAll(model, options, (index, local, f, config) => {
      if (keyOf !== local) {
        keyOf = local;
        rulesKey = local.map((r) => r.id).join(',');
      }
      if (index < 0) return this.globalPartReports(model, local, f, config, rulesKey, rulesOpt);
      const own = current[index] as StageEntry;
      const stageCopies = copies.get(index);
      let entry = own.reports;
      if (entry === undefined || entry.rulesKey !== rulesKey || entry.rules !== rulesOpt || entry.facts !== facts || entry.config !== config || !sameCopies(entry.copies, stageCopies)) {
        const raws: RawReport[] = [];
        const images = own.images.every((u) => u.stageIndex === index) ? own.images : own.images.map((u) => placeImageUse(u, 0, index));
        collectReports(stagePart(model, index, copies, images), local, f, raws, config);
        entry = { copies: stageCopies, rulesKey, rules: rulesOpt, facts, config, raws };
        own.reports = entry;
      }
      return entry.raws;
    });
    return { model, findings: finalizeReports(model, parts, options, this.findingMemo) };
  }

  private globalPartReports(model: DockerfileModel, local: readonly Rule[], facts: Facts, config: RuleConfig, rulesKey: string, rules: readonly Rule[] | null): readonly RawReport[] {
    const g = this.globalReports;
    const e = g?.entry;
    if (g !== undefined && e !== undefined && g.directives === model.directives && g.contextKey === this.contextKey && e.rulesKey === rulesKey && e.rules === rules && e.facts === facts && e.config === config) {
      if (g.instructions.length === model.globalInstructions.length && g.instructions.every((ins, k) => ins === model.globalInstructions[k])) return e.raws;
    }
    const raws: RawReport[] = [];
    collectReports(globalPart(model), local, facts, raws, config);
    this.globalReports = { instructions: model.globalInstructions, directives: model.directives, contextKey: this.contextKey, entry: { copies: undefined, rulesKey, rules, facts, config, raws } };
    return raws;
  }

  /** The segment's instruction at `at` lines in its frame (kept while that stays the same). */
  private place(s: Seg, at: number): Instruction {
    if (s.placed === undefined || s.placedAt !== at) {
      s.placed = shiftInstruction(s.rel as Instruction, at);
      s.placedAt = at;
    }
    return s.placed;
  }

  /**
   * True when segments from..to (a stage whose FROM is at `line`) are the entry's instructions: the same
   * parses at the same lines in the stage's frame. The segments then take the entry's placed instructions,
   * so the stage is the same object again.
   */
  private sameStage(entry: StageEntry, from: number, to: number, line: number): boolean {
    const { rels } = entry;
    const instructions = entry.stage.instructions;
    let k = 0;
    for (let j = from; j < to; j++) {
      const s = this.text.segs[j] as Seg;
      if (s.rel === null) continue;
      if (k >= rels.length || s.rel !== rels[k] || s.start - line !== (instructions[k] as Instruction).startLine - (s.rel as Instruction).startLine) return false;
      k++;
    }
    if (k !== rels.length) return false;
    k = 0;
    for (let j = from; j < to; j++) {
      const s = this.text.segs[j] as Seg;
      if (s.rel === null) continue;
      s.placed = instructions[k++];
      s.placedAt = s.start - line;
    }
    return true;
  }

  /**
   * buildGlobals, again only when what it reads changed: the directives, the instructions before the first FROM and
   * the FROMs (the same objects while their text and place are the same), the build-arg overrides and the platform.
   */
  private globals(directives: Directives, heads: readonly Instruction[], globalCount: number, options: AnalyzeOptions): ModelGlobals {
    const m = this.globalsMemo;
    if (m !== null && m.directives === directives && m.buildArgs === options.buildArgs && m.platform === options.platform && m.globalCount === globalCount && sameObjects(m.heads, heads)) return m.g;
    const g = buildGlobals(directives, heads, options, heads.slice(globalCount).map((_, k) => globalCount + k));
    this.globalsMemo = { directives, heads, globalCount, buildArgs: options.buildArgs, platform: options.platform, g };
    return g;
  }

  private model(options: AnalyzeOptions): DockerfileModel {
    const globalInstructions: Instruction[] = [];
    const { segs, directives } = this.text;
    let i = 0;
    for (; i < segs.length; i++) {
      const s = segs[i] as Seg;
      if (s.rel === null) continue;
      if (s.isFrom) break;
      globalInstructions.push(this.place(s, s.start));
    }
    // Stage k: its FROM segment and where its segments end (exclusive).
    const froms: Seg[] = [];
    const ends: number[] = [];
    const firstStageSeg = i;
    for (; i < segs.length; i++) {
      const s = segs[i] as Seg;
      if (!s.isFrom) continue;
      if (froms.length > 0) ends.push(i);
      froms.push(s);
    }
    if (froms.length > 0) ends.push(segs.length);
    // buildGlobals reads the instructions before the first FROM and the stage names of the FROMs.
    const heads = globalInstructions.concat(froms.map((f) => f.rel as Instruction));
    const g = this.globals(directives, heads, globalInstructions.length, options);
    this.contextKey = g.context.key;
    const cache = this.stageCache;
    const gen = ++this.generation;
    const current: StageEntry[] = [];
    const stages: Stage[] = [];
    const stageLines: number[] = [];
    const images: ImageUse[] = [...g.syntaxImages];
    let segStart = firstStageSeg;
    for (let index = 0; index < froms.length; index++) {
      const from = froms[index] as Seg;
      const segEnd = ends[index] as number;
      const line = from.start;
      const candidates = cache.get(from.rel as Instruction);
      // The same stage: same instructions in its frame (compared without building a new list), same
      // context; not claimed by an earlier stage with the same text in this analysis.
      let entry = candidates?.find((e) => e.used !== gen && e.key === g.context.key && sameNameAnswers(g.context, index, e.nameChecks) && this.sameStage(e, segStart, segEnd, line));
      if (entry === undefined) {
        const run: Instruction[] = [];
        const rels: Instruction[] = [];
        for (let j = segStart; j < segEnd; j++) {
          const s = segs[j] as Seg;
          if (s.rel === null) continue;
          run.push(this.place(s, s.start - line));
          rels.push(s.rel);
        }
        const part = buildStage(g.context, index, run);
        entry = { key: g.context.key, stage: part.stage, rels, images: part.images, nameChecks: part.nameChecks, copyUses: stageCopyUses(part.images, part.stage.instructions, 0), placed: undefined, reports: undefined, used: gen };
        if (candidates === undefined) cache.set(from.rel as Instruction, [entry]);
        else candidates.push(entry);
      }
      entry.used = gen;
      segStart = segEnd;
      current.push(entry);
      let placed = entry.placed;
      if (placed === undefined || placed.line !== line || placed.index !== index) {
        placed = { line, index, images: entry.images.map((u) => placeImageUse(u, line, index)) };
        entry.placed = placed;
      }
      stages.push(entry.stage);
      stageLines.push(line);
      for (const img of placed.images) images.push(img);
    }
    if (gen % KEEP_STAGES === 0 || cache.size > 2 * froms.length + 64) this.prune(gen);
    this.current = current;
    this.text.share();
    return { lines: this.text.lines, directives, globalInstructions, comments: this.text.comments, globalArgs: g.globalArgs, stages, stageLines, images };
  }

  /** Drops the stages that have not been in the document for KEEP_STAGES analyses. */
  private prune(gen: number): void {
    for (const [rel, list] of this.stageCache) {
      const kept = list.filter((e) => gen - e.used < KEEP_STAGES);
      if (kept.length === 0) this.stageCache.delete(rel);
      else if (kept.length !== list.length) this.stageCache.set(rel, kept);
    }
  }


}

function sameObjects<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}
