// The analysis engine: parse, build the model, run the rules, apply suppressions and severities. Never throws.
import { NO_FACTS, type Facts } from './facts';
import { buildModel, type DockerfileModel, type ModelOptions } from './model';
import { parseDocument, type ParsedDocument, type SegmentCache } from './parse';
import type { Report, Rule } from './rule';
import { RULES } from './rules';
import type { Finding, Severity } from './types';
import { comparePositions } from './types';

export type SeveritySetting = Severity | 'off';

export interface AnalyzeOptions extends ModelOptions {
  /** Per-rule severity overrides; 'off' disables a rule. */
  readonly severities?: Readonly<Record<string, SeveritySetting>>;
  /** Registry/trust facts for the facts phase. */
  readonly facts?: Facts;
  /** 'syntax' runs only the rules that need no outside facts. Default: all. */
  readonly phase?: 'syntax' | 'all';
  readonly rules?: readonly Rule[];
}

export interface AnalysisResult {
  readonly model: DockerfileModel;
  readonly findings: readonly Finding[];
}

const SUPPRESS = /^\s*#\s*dockerfile-trust\s+ignore\s*=\s*([a-z0-9,\s-]+)$/i;

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
  return buildModel(parsed.lines, parsed.directives, parsed.instructions, parsed.comments, options);
}

export function runRules(model: DockerfileModel, options: AnalyzeOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const facts = options.facts ?? NO_FACTS;
  const rules = options.rules ?? RULES;
  for (const rule of rules) {
    if (options.phase === 'syntax' && rule.phase !== 'syntax') continue;
    const setting = options.severities?.[rule.id];
    if (setting === 'off') continue;
    const report = (r: Report): void => {
      if (suppressedAt(model, r.anchorLine).has(rule.id)) return;
      findings.push({
        ruleId: rule.id,
        code: rule.code,
        severity: setting ?? r.severity ?? rule.defaultSeverity,
        message: r.message,
        range: r.range,
        ...(r.data !== undefined ? { data: r.data } : {}),
        ...(r.fixes !== undefined ? { fixes: r.fixes } : {}),
      });
    };
    try {
      rule.check({ model, facts, report });
    } catch (err) {
      // A rule bug must not take the others down or crash the server: say so instead.
      findings.push({
        ruleId: rule.id,
        code: rule.code,
        severity: 'information',
        message: `Rule ${rule.id} failed on this file (${err instanceof Error ? err.message : String(err)}); please report it.`,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      });
    }
  }
  findings.sort((a, b) => comparePositions(a.range.start, b.range.start) || a.code.localeCompare(b.code));
  return findings;
}

/** Analyzes Dockerfile text. Pure; never throws. */
export function analyze(text: string, options: AnalyzeOptions = {}, cache?: SegmentCache): AnalysisResult {
  const parsed = parseDocument(text, cache);
  const model = modelOf(parsed, options);
  return { model, findings: runRules(model, options) };
}
