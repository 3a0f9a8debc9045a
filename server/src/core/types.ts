// Plain data types shared by the analysis core and its callers (no LSP types, no I/O).

/** Zero-based line and UTF-16 character offset, as editors count them. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { hint: 0, information: 1, warning: 2, error: 3 };

export type RuleCategory = 'pinning' | 'download' | 'trust' | 'syntax';

/** A text edit in editor terms: replace `range` with `newText`. */
export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

/**
 * Data a fix needs, kept on the finding (the LSP layer finds it again by code and range). Positions in it
 * are Position objects ({ line, character }) or numbers in fields named `…Line`: that is how a finding is
 * moved when only the lines above it changed (move.ts).
 */
export interface FixData {
  readonly kind: string;
  readonly [key: string]: unknown;
}

export interface Finding {
  readonly ruleId: string;
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly range: Range;
  readonly data?: FixData;
  /** Exact edits that fix the finding without any outside knowledge (e.g. http → https). */
  readonly fixes?: readonly Fix[];
  /** First line of the instruction the finding is about: an ignore comment on the line above silences it. */
  readonly anchorLine?: number;
  /** Enforces the machine's signature policy: no comment in the Dockerfile can silence it. */
  readonly enforced?: true;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** True when applying it cannot change what gets built in an unintended way. */
  readonly safe: boolean;
}

export function range(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}

/** The same range `d` lines further down. */
export function shiftRange(r: Range, d: number): Range {
  return { start: { line: r.start.line + d, character: r.start.character }, end: { line: r.end.line + d, character: r.end.character } };
}

/** A range as text, for keys: `line:char-line:char`. */
export function rangeKey(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

export function comparePositions(a: Position, b: Position): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}
