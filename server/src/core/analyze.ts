// The analysis engine: parse, build the model, run the rules, apply suppressions and severities. Never throws.
import { printable } from './text';
import { NO_FACTS, type Facts } from './facts';
import { buildModel, type DockerfileModel, type ImageUse, type ModelOptions, type Stage } from './model';
import { moveReport } from './move';
import { parseDocument, type ParsedDocument, type SegmentCache } from './parse';
import { DEFAULT_RULE_CONFIG, type Report, type Rule, type RuleConfig } from './rule';
import { RULES } from './rules';
import { copiesByStage, type CopyOut } from './stageCopies';
import type { Finding, Severity } from './types';
import { comparePositions, shiftRange } from './types';

export type SeveritySetting = Severity | 'off';

export interface AnalyzeOptions extends ModelOptions {
  /** Per-rule severity overrides; 'off' disables a rule. */
  readonly severities?: Readonly<Record<string, SeveritySetting>>;
  /** Registry/trust facts for the facts phase. */
  readonly facts?: Facts;
  /** 'syntax' runs only the rules that need no outside facts. Default: all. */
  readonly phase?: 'syntax' | 'all';
  readonly rules?: readonly Rule[];
  /** Project settings rules read (allowed registries). The same object between analyses keeps incremental reuse. */
  readonly ruleConfig?: RuleConfig;
}

export interface AnalysisResult {
  readonly model: DockerfileModel;
  readonly findings: readonly Finding[];
}

/** `# dockerfile-trust ignore=<rule-id>[,<rule-id>…]` on the line above an instruction. */
export const SUPPRESS = /^\s*#\s*dockerfile-trust\s+ignore\s*=\s*([a-z0-9,\s-]+)$/i;

/** Rule ids suppressed for the instruction starting at `line` (from the comment on the line above). */
export function suppressedAt(model: DockerfileModel, line: number): ReadonlySet<string> {
  const text = model.comments.get(line - 1);
  if (text === undefined) return EMPTY;
  const m = SUPPRESS.exec(text);
  if (m === null) return EMPTY;
  return new Set((m[1] ?? '').split(/[\s,]+/).filter((s) => s !== ''));
}
const EMPTY: ReadonlySet<string> = new Set();

export function modelOf(parsed: ParsedDocument, options: AnalyzeOptions = {}): DockerfileModel {
  return buildModel(parsed.lines, parsed.directives, parsed.parses, parsed.comments, options);
}

/** What one rule produced on one model part: a report, or the error it threw. Suppression and severity come later. */
export interface RawReport {
  readonly rule: Rule;
  /** In the frame of the model part the rule ran on (a stage's own frame for a stage part). */
  readonly report: Report | null;
  readonly error?: string;
}

/** Raw reports of one model part and the line where that part's frame starts (0: the whole model's frame). */
export interface FramedReports {
  readonly line: number;
  readonly raws: readonly RawReport[];
}

/** The rules to run under `options` (phase filter, rules switched off). */
export function activeRules(options: AnalyzeOptions = {}): Rule[] {
  const out: Rule[] = [];
  // A facts-phase rule reports only on facts (test/unit/rules-meta.test.ts checks that every one is
  // silent without them), so with no facts source it is not run: typing then costs nothing per image.
  const noFacts = options.facts === undefined || options.facts === NO_FACTS;
  for (const rule of options.rules ?? RULES) {
    if ((options.phase === 'syntax' || noFacts) && rule.phase !== 'syntax') continue;
    // A rule that enforces the signature policy runs even when "off": its enforced reports are the policy's.
    if (options.severities?.[rule.id] === 'off' && rule.enforcesPolicy !== true) continue;
    out.push(rule);
  }
  return out;
}

/** Runs `rules` over `model`, appending what they report to `out`. */
export function collectReports(model: DockerfileModel, rules: readonly Rule[], facts: Facts, out: RawReport[], config: RuleConfig = DEFAULT_RULE_CONFIG): void {
  for (const rule of rules) {
    const report = (r: Report): void => {
      out.push({ rule, report: r });
    };
    try {
      rule.check({ model, facts, config, report });
    } catch (err) {
      // A rule bug must not take the others down or crash the server: say so instead.
      out.push({ rule, report: null, error: err instanceof Error ? err.message : String(err) });
    }
  }
}

/**
 * The model cut into parts for stage-local rules (Rule.locality = 'stage'): first what comes before
 * the first FROM (global ARGs, the `# syntax=` image), then one part per stage with only its
 * instructions and images, in the stage's own frame (its FROM at line 0, `lines` cut to the stage). Running
 * a stage-local rule on every part and placing the reports at the stage's line equals running it on the
 * model, and an unchanged stage's reports can be reused wherever the stage moves (incremental.ts).
 */
export function globalPart(model: DockerfileModel): DockerfileModel {
  return { ...model, stages: [], stageLines: [], images: model.images.filter((u) => u.stageIndex < 0) };
}

const NO_COMMENTS: ReadonlyMap<number, string> = new Map();

/**
 * Stage `index`'s part of `model`, in the stage's frame. `images` are the stage's own image uses in its
 * frame (the incremental document keeps them; by default they are taken from the model and moved).
 * Comments are not part of it (suppressions are applied to the placed reports, finalizeReports).
 */
export function stagePart(model: DockerfileModel, index: number, copies: ReadonlyMap<number, readonly CopyOut[]> = copiesByStage(model), images?: readonly ImageUse[]): DockerfileModel {
  const stage = model.stages[index] as Stage;
  const line = model.stageLines[index] ?? 0;
  const next = model.stageLines[index + 1] ?? model.lines.length;
  const own = images ?? model.images.filter((u) => u.stageIndex === index).map((u) => ({ ...u, range: shiftRange(u.range, -line), line: u.line - line, instructionRange: shiftRange(u.instructionRange, -line) }));
  return {
    lines: model.lines.slice(line, next),
    directives: model.directives,
    globalInstructions: [],
    comments: NO_COMMENTS,
    globalArgs: model.globalArgs,
    stages: [stage],
    stageLines: [0],
    images: own,
    copiesOut: copies.get(index) ?? [],
    partIndex: index,
  };
}

/**
 * Places each part's reports at its line, applies suppressions and severities and sorts: the findings of
 * a set of raw reports, in the whole model's frame.
 */
export function finalizeReports(model: DockerfileModel, parts: readonly FramedReports[], options: AnalyzeOptions = {}, memo?: FindingMemo): Finding[] {
  const findings: Finding[] = [];
  for (const part of parts) finalizePart(model, part, options, findings, memo);
  findings.sort((a, b) => comparePositions(a.range.start, b.range.start) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return findings;
}

/**
 * The findings last made of a report: the latest placement first, then the one before (so a stage that moves
 * down and back, Enter then Backspace above it, gets its earlier Finding objects back).
 */
export type FindingMemo = WeakMap<Report, readonly Finding[]>;

function finalizePart(model: DockerfileModel, part: FramedReports, options: AnalyzeOptions, findings: Finding[], memo: FindingMemo | undefined): void {
  const line = part.line;
  for (const { rule, report: raw, error } of part.raws) {
    if (raw === null) {
      findings.push({
        ruleId: rule.id,
        code: rule.code,
        severity: 'information',
        message: printable(`Rule ${rule.id} failed on this file (${error ?? 'unknown error'}); please report it.`),
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      });
      continue;
    }
    // Neither a comment in the Dockerfile nor a rule setting can waive the machine's signature policy (Report.enforced).
    const enforced = raw.enforced === true && rule.enforcesPolicy === true;
    const anchorLine = raw.anchorLine + line;
    if (!enforced && (options.severities?.[rule.id] === 'off' || suppressedAt(model, anchorLine).has(rule.id))) continue;
    const severity = (enforced ? undefined : severitySetting(options, rule)) ?? raw.severity ?? rule.defaultSeverity;
    // A report reused from an unchanged stage that is still at the same line gives back the same Finding
    // object (the LSP layer can then reuse its diagnostic too); one that moved is placed anew.
    const made = memo?.get(raw);
    const known = made?.find((f) => f.severity === severity && f.anchorLine === anchorLine);
    if (known !== undefined) {
      findings.push(known);
      continue;
    }
    const r = line === 0 ? raw : moveReport(raw, line);
    const finding: Finding = {
      ruleId: rule.id,
      code: rule.code,
      severity,
      // Messages quote registries, trust servers and the Dockerfile: no control or bidi character reaches a reader.
      message: made !== undefined && made.length > 0 ? (made[0] as Finding).message : printable(r.message),
      range: r.range,
      ...(r.data !== undefined ? { data: r.data } : {}),
      ...(r.fixes !== undefined ? { fixes: r.fixes } : {}),
      anchorLine: r.anchorLine,
      ...(enforced ? { enforced: true as const } : {}),
    };
    memo?.set(raw, made !== undefined && made.length > 0 ? [finding, made[0] as Finding] : [finding]);
    findings.push(finding);
  }
}

function severitySetting(options: AnalyzeOptions, rule: Rule): Severity | undefined {
  const s = options.severities?.[rule.id];
  return s === 'off' ? undefined : s;
}

/**
 * Reports of the stage-local rules for stage `index`, in the stage's frame, or for the part before the first
 * FROM when `index` is -1 (the incremental document answers from its cache).
 */
export type StageReports = (index: number, local: readonly Rule[], facts: Facts, config: RuleConfig) => readonly RawReport[];

const freshStageReports = (model: DockerfileModel): StageReports => {
  let copies: ReadonlyMap<number, readonly CopyOut[]> | undefined;
  let own: Map<number, ImageUse[]> | undefined;
  return (index, local, facts, config) => {
    const out: RawReport[] = [];
    if (index < 0) collectReports(globalPart(model), local, facts, out, config);
    else {
      // Each stage's image uses in its own frame, grouped in one pass over the model's.
      own ??= ownImages(model);
      collectReports(stagePart(model, index, (copies ??= copiesByStage(model)), own.get(index) ?? []), local, facts, out, config);
    }
    return out;
  };
};

function ownImages(model: DockerfileModel): Map<number, ImageUse[]> {
  const out = new Map<number, ImageUse[]>();
  for (const u of model.images) {
    if (u.stageIndex < 0) continue;
    const line = model.stageLines[u.stageIndex] ?? 0;
    const placed = line === 0 ? u : { ...u, range: shiftRange(u.range, -line), line: u.line - line, instructionRange: shiftRange(u.instructionRange, -line) };
    const list = out.get(u.stageIndex);
    if (list === undefined) out.set(u.stageIndex, [placed]);
    else list.push(placed);
  }
  return out;
}

/** The raw reports of every active rule: whole-model rules on the model, then stage-local rules part by part. */
export function collectAll(model: DockerfileModel, options: AnalyzeOptions, stageReports: StageReports = freshStageReports(model)): FramedReports[] {
  const facts = options.facts ?? NO_FACTS;
  const config = options.ruleConfig ?? DEFAULT_RULE_CONFIG;
  const rules = activeRules(options);
  const raws: RawReport[] = [];
  const parts: FramedReports[] = [{ line: 0, raws }];
  collectReports(model, rules.filter((r) => r.locality !== 'stage'), facts, raws, config);
  const local = rules.filter((r) => r.locality === 'stage');
  if (local.length > 0) {
    parts.push({ line: 0, raws: stageReports(-1, local, facts, config) });
    for (let k = 0; k < model.stages.length; k++) parts.push({ line: model.stageLines[k] ?? 0, raws: stageReports(k, local, facts, config) });
  }
  return parts;
}

export function runRules(model: DockerfileModel, options: AnalyzeOptions = {}): Finding[] {
  return finalizeReports(model, collectAll(model, options), options);
}

/** Analyzes Dockerfile text. Pure; never throws. */
export function analyze(text: string, options: AnalyzeOptions = {}, cache?: SegmentCache): AnalysisResult {
  try {
    const parsed = parseDocument(text, cache);
    const model = modelOf(parsed, options);
    return { model, findings: runRules(model, options) };
  } catch (err) {
    return failedAnalysis(text, err);
  }
}

/**
 * The result when the engine itself fails on an input (a bug, or a limit we did not foresee): an empty
 * model and one finding that says so, instead of an exception that would take other files' findings with it.
 */
export function failedAnalysis(text: string, err: unknown): AnalysisResult {
  const lines = text.split(/\r?\n/);
  const model: DockerfileModel = { lines, directives: { escape: '\\', list: [], lineCount: 0 }, globalInstructions: [], comments: new Map(), globalArgs: [], stages: [], stageLines: [], images: [] };
  const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return {
    model,
    findings: [
      {
        ruleId: 'internal-error',
        code: 'DT000',
        severity: 'error',
        message: `Dockerfile Trust could not analyse this file (${why.slice(0, 300)}); nothing in it was checked. Please report it with the file.`,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      },
    ],
  };
}
