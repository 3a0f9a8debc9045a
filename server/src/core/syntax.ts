// Splits Dockerfile text into instruction segments and parses each one with dockerfile-ast into plain data.
//
// Why per segment: dockerfile-ast parses whole files superlinearly, and an edit changes one
// instruction. Segment boundaries follow the builder's rules exactly (continuations with comment and
// blank lines inside them, heredocs, the escape directive), so a segment parses the same alone as in
// the file, and an unchanged segment can reuse its earlier parse (see incremental.ts).
import { DockerfileParser, type Instruction as AstInstruction, ModifiableInstruction, Onbuild, From } from 'dockerfile-ast';
import { shiftRange, type Range } from './types';

export interface Directive {
  readonly name: 'syntax' | 'escape' | 'check';
  readonly value: string;
  readonly line: number;
  readonly valueRange: Range;
}

export interface Directives {
  readonly escape: '\\' | '`';
  readonly list: readonly Directive[];
  /** Number of leading lines that are parser directives. */
  readonly lineCount: number;
}

export type SegmentKind = 'instruction' | 'comment' | 'blank';

export interface Segment {
  readonly kind: SegmentKind;
  readonly startLine: number;
  /** Inclusive. */
  readonly endLine: number;
  /** The segment's lines joined with "\n" (line terminators normalized). */
  readonly text: string;
}

export interface FlagOption {
  readonly name: string;
  readonly value: string | null;
  readonly range: Range;
  readonly valueRange: Range | null;
}

export interface Flag {
  readonly name: string;
  readonly value: string | null;
  readonly range: Range;
  readonly nameRange: Range;
  readonly valueRange: Range | null;
  readonly options: readonly FlagOption[];
}

export interface Word {
  readonly value: string;
  readonly range: Range;
}

export interface Heredoc {
  readonly name: string;
  readonly contentRange: Range | null;
}

export interface FromParts {
  readonly image: Word | null;
  readonly stageName: Word | null;
  readonly platform: Flag | null;
}

export interface Instruction {
  /** Upper-case keyword as written (`FROM`, `RUN`, …; unknown words kept as they are). */
  readonly keyword: string;
  readonly range: Range;
  readonly keywordRange: Range;
  readonly startLine: number;
  readonly endLine: number;
  /** Flags (`--from=…`) for instructions that take them. */
  readonly flags: readonly Flag[];
  /** Arguments after the flags, with quotes kept as written. */
  readonly args: readonly Word[];
  /** The argument text with continuations joined (comment lines inside continuations removed). */
  readonly argsText: string;
  readonly heredocs: readonly Heredoc[];
  /** ONBUILD's trigger instruction. */
  readonly trigger: Instruction | null;
  readonly from: FromParts | null;
}

const DIRECTIVE = /^\s*#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$/;
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Reads the parser directives at the top of the file (stops at the first other line, as the builder does). */
export function readDirectives(lines: readonly string[]): Directives {
  const list: Directive[] = [];
  const seen = new Set<string>();
  let escape: '\\' | '`' = '\\';
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const m = DIRECTIVE.exec(line);
    if (m === null) break;
    const name = (m[1] ?? '').toLowerCase();
    if (!KNOWN_DIRECTIVES.has(name) || seen.has(name)) break;
    seen.add(name);
    const value = m[2] ?? '';
    const start = line.indexOf(value, line.indexOf('=') + 1);
    list.push({
      name: name as Directive['name'],
      value,
      line: i,
      valueRange: { start: { line: i, character: start }, end: { line: i, character: start + value.length } },
    });
    if (name === 'escape' && (value === '`' || value === '\\')) escape = value;
  }
  return { escape, list, lineCount: i };
}

function lastNonSpace(line: string): string {
  for (let i = line.length - 1; i >= 0; i--) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9) return line[i] ?? '';
  }
  return '';
}

function isBlank(line: string): boolean {
  return /^[ \t]*$/.test(line);
}

function isCommentLine(line: string): boolean {
  return /^[ \t]*#/.test(line);
}

const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

/** Heredoc names in an instruction's logical line, the way dockerfile-ast and the builder find them. */
export function heredocNames(logical: string): { names: string[]; tabbed: boolean } {
  const words = logical.trim().split(/[ \t]+/);
  let keyword = (words[0] ?? '').toUpperCase();
  let start = 1;
  if (keyword === 'ONBUILD') {
    keyword = (words[1] ?? '').toUpperCase();
    start = 2;
  }
  const names: string[] = [];
  let tabbed = false;
  if (!HEREDOC_KEYWORDS.has(keyword)) return { names, tabbed };
  for (let w = start; w < words.length; w++) {
    let value = words[w] ?? '';
    if (!value.startsWith('<<') || value.length <= 2) continue;
    value = value.slice(2);
    if (value.startsWith('-')) {
      tabbed = true;
      value = value.slice(1);
    }
    for (const q of ['"', "'"]) {
      if (value.startsWith(q)) {
        if (!value.endsWith(q) || value.length < 2) {
          value = '<';
          break;
        }
        value = value.slice(1, -1);
      }
    }
    if (value.startsWith('<') || value === '') continue;
    names.push(value);
  }
  return { names, tabbed };
}

/**
 * Splits the document into segments: each instruction with its continuation lines and heredoc bodies,
 * and each comment or blank line between instructions. Linear in the text length.
 */
export function segment(lines: readonly string[], escape: string, from = 0, to = lines.length): Segment[] {
  const out: Segment[] = [];
  let i = from;
  while (i < to) {
    const seg = segmentAt(lines, escape, i);
    out.push(seg);
    i = seg.endLine + 1;
  }
  return out;
}

/**
 * The segment starting at line `i` (a line that begins a segment). It depends only on lines
 * `i..endLine`, and on the end of the file when it reaches it: incremental.ts relies on that.
 */
export function segmentAt(lines: readonly string[], escape: string, i: number): Segment {
  const line = lines[i] ?? '';
  if (isBlank(line)) return { kind: 'blank', startLine: i, endLine: i, text: line };
  if (isCommentLine(line)) return { kind: 'comment', startLine: i, endLine: i, text: line };
  const end = instructionEnd(lines, escape, i);
  return { kind: 'instruction', startLine: i, endLine: end, text: end === i ? line : lines.slice(i, end + 1).join('\n') };
}

/** Last line (inclusive) of the instruction that starts at `start`. */
export function instructionEnd(lines: readonly string[], escape: string, start: number): number {
  let j = start;
  let logical = '';
  for (;;) {
    const cur = lines[j] ?? '';
    const continues = lastNonSpace(cur) === escape;
    logical += continues ? cur.slice(0, cur.lastIndexOf(escape)) + ' ' : cur;
    if (!continues) break;
    // Comment and blank lines inside a continuation belong to the instruction.
    let k = j + 1;
    while (k < lines.length && (isCommentLine(lines[k] ?? '') || isBlank(lines[k] ?? ''))) k++;
    if (k >= lines.length) return lines.length - 1;
    j = k;
  }
  const { names, tabbed } = heredocNames(logical);
  for (const name of names) {
    let k = j + 1;
    for (; k < lines.length; k++) {
      const l = lines[k] ?? '';
      if ((tabbed ? l.replace(/^\t+/, '') : l) === name) break;
    }
    if (k >= lines.length) return lines.length - 1;
    j = k;
  }
  return j;
}

type AstRange = { start: { line: number; character: number }; end: { line: number; character: number } };


function convert(ast: AstInstruction, delta: number): Instruction {
  const range = shiftRange(ast.getRange(), delta);
  const keyword = ast.getKeyword();
  let flags: Flag[] = [];
  if (ast instanceof ModifiableInstruction) {
    flags = ast.getFlags().map((f) => {
      const vr = f.getValueRange();
      return {
        name: f.getName(),
        value: f.getValue(),
        range: shiftRange(f.getRange(), delta),
        nameRange: shiftRange(f.getNameRange(), delta),
        valueRange: vr === null ? null : shiftRange(vr, delta),
        options: f.getOptions().map((o) => {
          const ovr = o.getValueRange();
          return {
            name: o.getName(),
            value: o.getValue(),
            range: shiftRange(o.getRange(), delta),
            valueRange: ovr === null ? null : shiftRange(ovr, delta),
          };
        }),
      };
    });
  }
  const args = ast.getArguments().map((a) => ({ value: a.getValue(), range: shiftRange(a.getRange(), delta) }));
  let trigger: Instruction | null = null;
  if (ast instanceof Onbuild) {
    const t = ast.getTriggerInstruction();
    if (t !== null) trigger = convert(t, delta);
  }
  let from: FromParts | null = null;
  if (ast instanceof From) {
    const image = ast.getImage();
    const imageRange = ast.getImageRange();
    const stage = ast.getBuildStage();
    const stageRange = ast.getBuildStageRange();
    from = {
      image: image !== null && imageRange !== null ? { value: image, range: shiftRange(imageRange, delta) } : null,
      stageName: stage !== null && stageRange !== null ? { value: stage, range: shiftRange(stageRange, delta) } : null,
      platform: flags.find((f) => f.name.toLowerCase() === 'platform') ?? null,
    };
  }
  const heredocs: Heredoc[] = [];
  const getHeredocs = (ast as unknown as { getHeredocs?: () => { getName(): string; getContentRange(): AstRange | null }[] }).getHeredocs;
  if (typeof getHeredocs === 'function') {
    for (const h of getHeredocs.call(ast)) {
      const cr = h.getContentRange();
      heredocs.push({ name: h.getName(), contentRange: cr === null ? null : shiftRange(cr, delta) });
    }
  }
  return {
    keyword: keyword.toUpperCase(),
    range,
    keywordRange: shiftRange(ast.getInstructionRange(), delta),
    startLine: range.start.line,
    endLine: range.end.line,
    flags,
    args,
    argsText: ast.getArgumentsContent() ?? '',
    heredocs,
    trigger,
    from,
  };
}

/**
 * Parses one instruction segment on its own. Positions in the result are relative to `baseLine` = 0;
 * shift them with `shiftInstruction`. Returns null if dockerfile-ast finds no instruction.
 */
export function parseSegmentText(text: string, escape: string): Instruction | null {
  try {
    const prefix = escape === '\\' ? '' : `# escape=${escape}\n`;
    const first = DockerfileParser.parse(prefix + text).getInstructions()[0];
    if (first === undefined) return null;
    return convert(first, prefix === '' ? 0 : -1);
  } catch {
    return null;
  }
}

/** Moves an instruction parsed at line 0 to `delta` lines further down. */
export function shiftInstruction(ins: Instruction, delta: number): Instruction {
  if (delta === 0) return ins;
  const w = (x: Word): Word => ({ value: x.value, range: shiftRange(x.range, delta) });
  const f = (x: Flag): Flag => ({
    ...x,
    range: shiftRange(x.range, delta),
    nameRange: shiftRange(x.nameRange, delta),
    valueRange: x.valueRange === null ? null : shiftRange(x.valueRange, delta),
    options: x.options.map((o) => ({ ...o, range: shiftRange(o.range, delta), valueRange: o.valueRange === null ? null : shiftRange(o.valueRange, delta) })),
  });
  const flags = ins.flags.map(f);
  return {
    ...ins,
    range: shiftRange(ins.range, delta),
    keywordRange: shiftRange(ins.keywordRange, delta),
    startLine: ins.startLine + delta,
    endLine: ins.endLine + delta,
    flags,
    args: ins.args.map(w),
    heredocs: ins.heredocs.map((h) => ({ name: h.name, contentRange: h.contentRange === null ? null : shiftRange(h.contentRange, delta) })),
    trigger: ins.trigger === null ? null : shiftInstruction(ins.trigger, delta),
    from:
      ins.from === null
        ? null
        : {
            image: ins.from.image === null ? null : w(ins.from.image),
            stageName: ins.from.stageName === null ? null : w(ins.from.stageName),
            platform: ins.from.platform === null ? null : f(ins.from.platform),
          },
  };
}
