// The Dockerfile model: directives, stages, ARG/ENV scopes and every image reference, built from parsed instructions.
import { expand, splitAssignments, splitWords, stripQuotes, type Expansion, type Lookup } from './expand';
import { parseReference, type ReferenceResult } from './imageRef';
import { shiftInstruction, type Directive, type Directives, type Instruction, type Word } from './syntax';
import { shiftRange, type Range } from './types';

export type ImageSource = 'from' | 'copy-from' | 'mount-from' | 'syntax';

/** Files another stage copies out of a stage. */
export interface CopyOut {
  /** The consuming stage, as people name it (its AS name, else its index). */
  readonly into: string;
  /** Source paths as written (quotes removed). */
  readonly sources: readonly string[];
}

export interface ArgDecl {
  readonly name: string;
  /** Default as written in the Dockerfile (quotes removed), null when none. */
  readonly default: string | null;
  readonly line: number;
}

export interface ImageUse {
  readonly source: ImageSource;
  /** The reference text as written. */
  readonly text: string;
  /** Where the reference text is. */
  readonly range: Range;
  /** The instruction (or directive line) that holds it. */
  readonly line: number;
  readonly instructionRange: Range;
  /** Index of the stage it appears in (-1 for `# syntax=`). */
  readonly stageIndex: number;
  /** True when inside an ONBUILD trigger (resolved in the downstream build). */
  readonly onbuild: boolean;
  /**
   * image: an external image; stage: an earlier stage or stage index; scratch: the empty image;
   * unresolved: contains variables without a value; context: a bare name in COPY --from / RUN --mount
   * from that is no stage here, which the builder takes from a named build context (--build-context) when
   * one is given and pulls as an image otherwise.
   */
  readonly kind: 'image' | 'stage' | 'scratch' | 'unresolved' | 'context';
  /** The reference after variable expansion (equal to `text` without variables). */
  readonly resolved: string | null;
  readonly hasVariables: boolean;
  readonly unresolvedVariables: readonly string[];
  /** Unresolved because a value would be longer than MAX_EXPANSION (a variable doubling itself), not because it is unset. */
  readonly tooLongVariables?: readonly string[];
  /** Parsed reference, for kind = image. */
  readonly ref: ReferenceResult | null;
  /** `--platform` value as written, for FROM. */
  readonly platform: string | null;
  /** `AS name`, for FROM. */
  readonly stageName: string | null;
}

/**
 * One stage, in its own line frame: every position in it (instructions, ARG lines) counts from the
 * stage's FROM line, which is line 0; where the stage is (and its index) is the model's business
 * (`DockerfileModel.stageLines`). So a stage that only moves, or changes index because another stage came
 * or went, is the same object (incremental.ts).
 */
export interface Stage {
  readonly name: string | null;
  readonly from: Instruction;
  readonly instructions: readonly Instruction[];
  readonly args: readonly ArgDecl[];
}

export interface ModelOptions {
  /** Build-arg overrides (like `--build-arg`), applied to declared ARGs. */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Target platform for the automatic platform ARGs (default linux/amd64). */
  readonly platform?: string;
}

/**
 * Line frames: `lines`, `comments`, `images` and `globalInstructions` are in the model's frame (absolute
 * line numbers for a whole document); stage k's own positions count from `stageLines[k]` (see Stage). A
 * stage's part of the model (analyze.ts stagePart) is a model whose frame starts at that stage's FROM.
 */
export interface DockerfileModel {
  /**
   * In one stage's part of the model (analyze.ts stagePart): what other stages copy out of it with COPY
   * --from, so stage-local rules can say so. Absent on the whole model (compute it with copiesByStage).
   */
  readonly copiesOut?: readonly CopyOut[];
  /** In one stage's part of the model: the stage's index in the whole model. */
  readonly partIndex?: number;
  readonly lines: readonly string[];
  readonly directives: Directives;
  /** The instructions before the first FROM (global ARGs and any strays), in the model's frame. */
  readonly globalInstructions: readonly Instruction[];
  /** Comment lines outside instructions: line number → text. */
  readonly comments: ReadonlyMap<number, string>;
  /** Global ARGs; their lines are in the global frame (absolute in a whole model). */
  readonly globalArgs: readonly ArgDecl[];
  readonly stages: readonly Stage[];
  /** Line (in the model's frame) of each stage's FROM: where stage k's line 0 is. */
  readonly stageLines: readonly number[];
  readonly images: readonly ImageUse[];
}

/** Stage k's instructions with positions in the model's frame (a copy unless the stage is at line 0). */
export function stageInstructionsAt(model: DockerfileModel, k: number): readonly Instruction[] {
  const stage = model.stages[k];
  const line = model.stageLines[k] ?? 0;
  if (stage === undefined) return [];
  return line === 0 ? stage.instructions : stage.instructions.map((i) => shiftInstruction(i, line));
}

/** The instruction that starts at `line` (in the model's frame), placed in that frame; undefined when none. */
export function instructionAt(model: DockerfileModel, line: number): Instruction | undefined {
  const global = model.globalInstructions.find((i) => i.startLine === line);
  if (global !== undefined) return global;
  for (let k = 0; k < model.stages.length; k++) {
    const at = model.stageLines[k] ?? 0;
    const ins = (model.stages[k] as Stage).instructions.find((i) => i.startLine === line - at);
    if (ins !== undefined) return shiftInstruction(ins, at);
  }
  return undefined;
}

/** An image use `d` lines further down, in stage `stageIndex`: how a stage's own images reach the model's frame. */
export function placeImageUse(u: ImageUse, d: number, stageIndex: number): ImageUse {
  if (d === 0 && u.stageIndex === stageIndex) return u;
  return { ...u, range: shiftRange(u.range, d), line: u.line + d, instructionRange: shiftRange(u.instructionRange, d), stageIndex };
}

/** BuildKit's automatic platform ARGs, available to FROM without declaration. */
export function platformArgs(platform: string): Record<string, string> {
  const [os = 'linux', arch = 'amd64', variant = ''] = platform.split('/');
  const values = { PLATFORM: platform, OS: os, ARCH: arch, VARIANT: variant };
  const out: Record<string, string> = {};
  for (const prefix of ['TARGET', 'BUILD']) {
    for (const [k, v] of Object.entries(values)) out[prefix + k] = v;
  }
  return out;
}

export function parseArgDecls(ins: Instruction): ArgDecl[] {
  return splitAssignments(ins.argsText).map((a) => ({ name: a.name, default: a.value, line: ins.startLine }));
}

/** ENV pairs of one instruction (both `ENV K=V …` and the legacy `ENV K value`). */
export function envPairs(ins: Instruction): { name: string; value: string }[] {
  const words = splitWords(ins.argsText);
  if (words.length === 0) return [];
  if (!(words[0] ?? '').includes('=')) {
    // Legacy form: ENV NAME value with spaces
    const name = words[0] ?? '';
    const rest = ins.argsText.trim().slice(name.length).trim();
    return [{ name, value: stripQuotes(rest) }];
  }
  return splitAssignments(ins.argsText).map((a) => ({ name: a.name, value: a.value ?? '' }));
}

/** Variable values in scope; exported as a type only (for StageContext). */
export class Scope {
  private readonly values = new Map<string, string | undefined>();
  /** Variables set to a value too long to keep (MAX_EXPANSION): unknown, and said why. */
  private readonly overLong = new Set<string>();
  constructor(private readonly parent: Scope | null) {}
  set(name: string, value: string | undefined): void {
    this.values.set(name, value);
    this.overLong.delete(name);
  }
  /** Sets a variable from an expansion: a value that grew past the cap is unknown, not cut short. */
  setExpanded(name: string, e: Expansion): void {
    if (e.tooLong.length > 0) {
      this.values.set(name, undefined);
      this.overLong.add(name);
    } else this.set(name, e.value);
  }
  has(name: string): boolean {
    return this.values.has(name);
  }
  get(name: string): string | undefined {
    if (this.values.has(name)) return this.values.get(name);
    return this.parent?.get(name);
  }
  isTooLong = (name: string): boolean => (this.values.has(name) ? this.overLong.has(name) : (this.parent?.isTooLong(name) ?? false));
  lookup: Lookup = (name) => this.get(name);
  /** Expands `text` in this scope. */
  expand(text: string, escape: string): Expansion {
    return expand(text, this.lookup, escape, this.isTooLong);
  }
}

/**
 * Everything a stage's part of the model depends on besides its own instructions and index: global ARGs,
 * overrides, platform and escape, which `key` sums up, and the stage names, which a stage only asks
 * about (buildStage records the questions as NameChecks). A stage whose instructions and key are
 * unchanged, and whose questions get the same answers, can reuse its earlier result (incremental.ts):
 * renaming one stage rebuilds only the stages that refer to that name.
 */
export interface StageContext {
  readonly escape: string;
  readonly overrides: Readonly<Record<string, string>>;
  readonly auto: Readonly<Record<string, string>>;
  readonly globalScope: Scope;
  readonly allStageNames: ReadonlySet<string>;
  /** Lower-cased stage name → index of the first stage with that name. */
  readonly firstStageIndex: ReadonlyMap<string, number>;
  readonly key: string;
}

export interface ModelGlobals {
  readonly globalArgs: readonly ArgDecl[];
  /** The `# syntax=` image, if any. */
  readonly syntaxImages: readonly ImageUse[];
  readonly context: StageContext;
  /** Index in `instructions` of the first FROM (instructions.length when none). */
  readonly firstFrom: number;
}

/** The part of the model before the first FROM, plus the context the stages need. */
/** `fromIndices`: where the FROM instructions are, when the caller already knows (saves a pass over all instructions). */
export function buildGlobals(directives: Directives, instructions: readonly Instruction[], options: ModelOptions = {}, fromIndices?: readonly number[]): ModelGlobals {
  const overrides = options.buildArgs ?? {};
  const platform = options.platform ?? 'linux/amd64';
  const auto = platformArgs(platform);
  const globalArgs: ArgDecl[] = [];
  const globalScope = new Scope(null);
  for (const [k, v] of Object.entries(auto)) globalScope.set(k, v);
  // The frontend is resolved before any ARG, as the builder reads it first.
  const syntaxImages: ImageUse[] = [];
  const syntax = directives.list.find((d: Directive) => d.name === 'syntax');
  if (syntax !== undefined && syntax.value !== '') {
    syntaxImages.push(imageUse('syntax', { value: syntax.value, range: syntax.valueRange }, syntax.valueRange, syntax.line, -1, false, globalScope, directives.escape, () => false, null, null));
  }
  let firstFrom = fromIndices !== undefined ? (fromIndices[0] ?? instructions.length) : instructions.length;
  const keyParts: string[] = [directives.escape, platform, JSON.stringify(overrides)];
  for (let i = 0; i < (fromIndices !== undefined ? firstFrom : instructions.length); i++) {
    const ins = instructions[i] as Instruction;
    if (ins.keyword === 'FROM') {
      firstFrom = i;
      break;
    }
    if (ins.keyword !== 'ARG') continue;
    for (const a of parseArgDecls(ins)) {
      globalArgs.push(a);
      const override = overrides[a.name];
      if (override !== undefined || a.default === null) globalScope.set(a.name, override);
      else globalScope.setExpanded(a.name, globalScope.expand(a.default, directives.escape));
      const v = globalScope.get(a.name);
      keyParts.push(a.name, v === undefined ? (globalScope.isTooLong(a.name) ? '\u0001' : '\u0000') : `=${v}`);
      // The default as written too: the download analysis reads it (downloads/vars.ts globalVars), also where a
      // build-arg override sets the value, so a stage whose part depends on it must not outlive an edit of it.
      keyParts.push(a.default === null ? '\u0003' : `d=${a.default}`);
    }
  }
  const allStageNames = new Set<string>();
  const firstStageIndex = new Map<string, number>();
  let stageIndex = 0;
  const froms = fromIndices ?? fromPositions(instructions, firstFrom);
  for (const i of froms) {
    const ins = instructions[i] as Instruction;
    const n = ins.from?.stageName?.value;
    if (n) {
      const lower = n.toLowerCase();
      allStageNames.add(lower);
      if (!firstStageIndex.has(lower)) firstStageIndex.set(lower, stageIndex);
    }
    stageIndex++;
  }
  const context: StageContext = { escape: directives.escape, overrides, auto, globalScope, allStageNames, firstStageIndex, key: keyParts.join('\u0002') };
  return { globalArgs, syntaxImages, context, firstFrom };
}

function fromPositions(instructions: readonly Instruction[], first: number): number[] {
  const out: number[] = [];
  for (let i = first; i < instructions.length; i++) if ((instructions[i] as Instruction).keyword === 'FROM') out.push(i);
  return out;
}

/** A question a stage asked about stage names while it was built, and the answer it got. */
export interface NameCheck {
  readonly name: string;
  /** 'earlier': a stage of that name comes before this one (FROM); 'stage': any stage has it (COPY --from, mounts). */
  readonly kind: 'earlier' | 'stage';
  readonly answer: boolean;
}

function answerNameCheck(ctx: StageContext, index: number, kind: NameCheck['kind'], name: string): boolean {
  const lower = name.toLowerCase();
  return kind === 'earlier' ? (ctx.firstStageIndex.get(lower) ?? Infinity) < index : ctx.allStageNames.has(lower) || /^[0-9]+$/.test(name);
}

/** True when every question a stage asked about stage names has the same answer under `ctx`. */
export function sameNameAnswers(ctx: StageContext, index: number, checks: readonly NameCheck[]): boolean {
  for (const c of checks) if (answerNameCheck(ctx, index, c.kind, c.name) !== c.answer) return false;
  return true;
}

/**
 * One stage's part of the model; `instructions` (in the stage's frame: the FROM at line 0) starts with its
 * FROM and runs up to the next FROM. The images come in the stage's frame too. It depends on
 * `instructions`, `index`, `ctx.key` and the answers recorded in `nameChecks`, nothing else; the index
 * only reaches the result through the answers and `ImageUse.stageIndex`.
 */
export function buildStage(ctx: StageContext, index: number, instructions: readonly Instruction[]): { stage: Stage; images: ImageUse[]; nameChecks: NameCheck[] } {
  const nameChecks: NameCheck[] = [];
  const ask =
    (kind: NameCheck['kind']) =>
    (name: string): boolean => {
      const answer = answerNameCheck(ctx, index, kind, name);
      nameChecks.push({ name, kind, answer });
      return answer;
    };
  const ins0 = instructions[0] as Instruction;
  const escape = ctx.escape;
  const images: ImageUse[] = [];
  const f = ins0.from;
  const stageName = f?.stageName?.value ?? null;
  const scope = new Scope(null);
  for (const [k, v] of Object.entries(ctx.auto)) scope.set(k, v);
  const args: ArgDecl[] = [];
  if (f?.image) {
    const earlier = ask('earlier');
    images.push(imageUse('from', f.image, f.image.range, ins0.startLine, index, false, ctx.globalScope, escape, earlier, f.platform?.value ?? null, stageName, ins0.range));
  }
  const isStageRef = ask('stage');
  const collect = (ins: Instruction, onbuild: boolean): void => {
    if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
      for (const flag of ins.flags) {
        if (flag.name.toLowerCase() === 'from' && flag.value !== null && flag.valueRange !== null) {
          images.push(imageUse('copy-from', { value: flag.value, range: flag.valueRange }, flag.valueRange, ins.startLine, index, onbuild, scope, escape, isStageRef, null, null, ins.range));
        }
      }
    } else if (ins.keyword === 'RUN') {
      for (const flag of ins.flags) {
        if (flag.name.toLowerCase() !== 'mount') continue;
        for (const opt of flag.options) {
          if (opt.name.toLowerCase() === 'from' && opt.value !== null && opt.valueRange !== null) {
            images.push(imageUse('mount-from', { value: opt.value, range: opt.valueRange }, opt.valueRange, ins.startLine, index, onbuild, scope, escape, isStageRef, null, null, ins.range));
          }
        }
      }
    }
  };
  for (let i = 1; i < instructions.length; i++) {
    const ins = instructions[i] as Instruction;
    collect(ins, false);
    if (ins.keyword === 'ARG') {
      for (const a of parseArgDecls(ins)) {
        args.push(a);
        if (ctx.overrides[a.name] !== undefined) scope.set(a.name, ctx.overrides[a.name]);
        else if (a.default !== null) scope.setExpanded(a.name, scope.expand(a.default, escape));
        else if (ctx.globalScope.isTooLong(a.name)) scope.setExpanded(a.name, { value: '', unresolved: [a.name], tooLong: [a.name], hasVariables: true });
        else scope.set(a.name, ctx.globalScope.has(a.name) ? ctx.globalScope.get(a.name) : undefined);
      }
    } else if (ins.keyword === 'ENV') {
      for (const e of envPairs(ins)) scope.setExpanded(e.name, scope.expand(e.value, escape));
    } else if (ins.keyword === 'ONBUILD' && ins.trigger !== null) {
      collect(ins.trigger, true);
    }
  }
  return { stage: { name: stageName, from: ins0, instructions, args }, images, nameChecks };
}

/** One parsed instruction: its parse at line 0 and the line its segment starts at (parse.ts). */
export interface ParsedInstruction {
  readonly rel: Instruction;
  readonly line: number;
}

/**
 * Builds the model from parsed instructions, each placed once in its frame (the document's before the first
 * FROM, its stage's after). Pure and linear in the number of instructions.
 */
export function buildModel(lines: readonly string[], directives: Directives, parses: readonly ParsedInstruction[], comments: ReadonlyMap<number, string>, options: ModelOptions = {}): DockerfileModel {
  const froms: number[] = [];
  for (let i = 0; i < parses.length; i++) if ((parses[i] as ParsedInstruction).rel.keyword === 'FROM') froms.push(i);
  const first = froms[0] ?? parses.length;
  const globalInstructions = parses.slice(0, first).map((p) => shiftInstruction(p.rel, p.line));
  // buildGlobals reads the instructions before the first FROM and the stage names of the FROMs.
  const heads = globalInstructions.concat(froms.map((i) => (parses[i] as ParsedInstruction).rel));
  const g = buildGlobals(directives, heads, options, froms.map((_, k) => globalInstructions.length + k));
  const stages: Stage[] = [];
  const stageLines: number[] = [];
  const images: ImageUse[] = [...g.syntaxImages];
  for (let k = 0; k < froms.length; k++) {
    const start = froms[k] as number;
    const end = froms[k + 1] ?? parses.length;
    const line = (parses[start] as ParsedInstruction).line;
    const own = parses.slice(start, end).map((p) => shiftInstruction(p.rel, p.line - line));
    const part = buildStage(g.context, k, own);
    for (const img of part.images) images.push(placeImageUse(img, line, k));
    stages.push(part.stage);
    stageLines.push(line);
  }
  return { lines, directives, globalInstructions, comments, globalArgs: g.globalArgs, stages, stageLines, images };
}

function imageUse(
  source: ImageSource,
  word: Word,
  range: Range,
  line: number,
  stageIndex: number,
  onbuild: boolean,
  scope: Scope,
  escape: string,
  isStage: (name: string) => boolean,
  platform: string | null,
  stageName: string | null,
  instructionRange: Range = range,
): ImageUse {
  const text = word.value;
  const ex = scope.expand(stripQuotes(text), escape);
  const base = { source, text, range, line, instructionRange, stageIndex, onbuild, platform, stageName, hasVariables: ex.hasVariables };
  if (ex.unresolved.length > 0) {
    return { ...base, kind: 'unresolved', resolved: null, unresolvedVariables: [...new Set(ex.unresolved)], ...(ex.tooLong.length > 0 ? { tooLongVariables: [...new Set(ex.tooLong)] } : {}), ref: null };
  }
  const resolved = ex.value;
  if (source !== 'syntax') {
    if (resolved.toLowerCase() === 'scratch') return { ...base, kind: 'scratch', resolved, unresolvedVariables: [], ref: null };
    if (isStage(resolved)) return { ...base, kind: 'stage', resolved, unresolvedVariables: [], ref: null };
  }
  if ((source === 'copy-from' || source === 'mount-from') && /^[a-z0-9][a-z0-9._-]*$/.test(resolved)) {
    return { ...base, kind: 'context', resolved, unresolvedVariables: [], ref: parseReference(resolved) };
  }
  return { ...base, kind: 'image', resolved, unresolvedVariables: [], ref: parseReference(resolved) };
}
