// The small interface a per-tool handler sees of the walk: values, files, downloads and findings. Types only.
//
// Handlers (handlers/*.ts, powershell/*.ts) depend on this file, never on the walker, so adding a tool
// is adding one handler file and one line in the table (handlers/index.ts).
import type { DockerfileModel } from '../model';
import type { ShCommand, ShNode, ShRedirect, ShScript, ShWord } from '../shell/parse';
import type { Instruction } from '../syntax';
import type { Position, Range } from '../types';
import type { Env, FileState, StageState } from './state';
import type { Download, Sink } from './types';
import type { Val } from './values';

/**
 * What happens to the build on one outcome of a command: `fails` (an exit/false/throw follows), `continues`
 * (only a message is printed, or the failure is swallowed), `none` (nothing explicit: the shell's own rules
 * decide, which for a check at the end of a chain means the RUN fails).
 */
export type Fate = 'fails' | 'continues' | 'none';

export interface Outcome {
  readonly fate: Fate;
  /** The branch as written, for the message (`|| true`, `echo "mismatch"`). */
  readonly text: string;
}

export const NO_BRANCH: Outcome = { fate: 'none', text: '' };

/** Explicit branches that run when a command fails / succeeds (from `||`, `&&`, `if … then … else`, `!`). */
export interface Flow {
  readonly onFalse: Outcome;
  readonly onTrue: Outcome;
}

export const PLAIN_FLOW: Flow = { onFalse: NO_BRANCH, onTrue: NO_BRANCH };

/** A flow whose branches are read only when a check asks (most commands are not checks). */
export function lazyFlow(onFalse: () => Outcome, onTrue: () => Outcome): Flow {
  let f: Outcome | undefined;
  let t: Outcome | undefined;
  return {
    get onFalse(): Outcome {
      return (f ??= onFalse());
    },
    get onTrue(): Outcome {
      return (t ??= onTrue());
    },
  };
}

/**
 * What follows the command's pipeline at the top level of the RUN script: `&&`, `||`, the end of the
 * script, another statement (`;`/newline); `nested` inside a loop, conditional, group, function or
 * substitution. Fixes that insert text after a command use it.
 */
export type Follow = 'and' | 'or' | 'end' | 'statement' | 'nested';

/** One simple command as a handler sees it (wrappers like sudo/env already stripped). */
export interface Call {
  readonly cmd: ShCommand;
  /** Basename of the command word. */
  readonly name: string;
  /** The command's words from the command name on. */
  readonly words: readonly ShWord[];
  /** Their values. */
  readonly texts: readonly Val[];
  /** Their texts. */
  readonly t: readonly string[];
  readonly env: Env;
  /** The pipeline the command is in, and its index there. */
  readonly pipe: readonly ShNode[];
  readonly index: number;
  readonly flow: Flow;
  readonly follow: Follow;
  /** `set -e` is in effect here. */
  readonly errexit: boolean;
}

export type Handler = (ctx: WalkContext, call: Call) => void;

/** Where a command's stdout goes. */
export interface StdoutSink {
  readonly sink: Sink;
  readonly file: string | null;
  readonly interpreter: string | null;
  readonly keyTool: string | null;
  /** The pipeline element that consumes it (for the pipe-to-shell rewrite). */
  readonly consumer?: ShCommand;
}

/** What a command reads on stdin. */
export interface Stdin {
  readonly echo: Val | null;
  readonly file: string | null;
  readonly grep: string | null;
}

export interface WalkContext {
  readonly model: DockerfileModel;
  /** The instruction being walked (an ONBUILD trigger is walked as the instruction it becomes). */
  readonly source: Instruction;
  /** The instruction findings are anchored at (the ONBUILD instruction for a trigger). */
  readonly ins: Instruction;
  readonly st: StageState;
  /** Downloads created by this instruction so far. */
  readonly local: readonly Download[];

  // ---- positions
  rangeOf(w: { start: number; end: number }): Range;
  /** Document position of a script offset (null when the text is not the document's, e.g. an inline `sh -c`). */
  positionAt(offset: number): Position | null;
  /** True while walking a helper function called from the script (findings go to the call site). */
  readonly inCall: boolean;

  // ---- values
  expandWord(w: ShWord, env: Env): Val;
  expandText(text: string, env: Env | null, subVals: Val[]): Val;
  /** Dockerfile ARG/ENV only (ADD arguments, PowerShell `$env:`). */
  expandDocker(text: string): Val;
  evalSubst(s: ShScript, env: Env): Val;

  // ---- files
  fileState(path: string): FileState | undefined;
  setFile(path: string, state: FileState): void;
  addFile(path: string, d: Download): void;
  /** Marks downloads at `path` used (`runs`: executed/extracted/installed, which makes a later check too late). */
  use(path: string, what: string, runs: boolean): void;
  /** Marks downloads at `path` as verification material (a detached signature or checksum list). */
  material(path: string): void;

  // ---- downloads
  newDownload(tool: string, url: string, resolvedUrl: string | null, range: Range, kind: Download['kind'], addInsertAt?: Range | null): Download;
  /** Records a fetch of the URL in word `w` (value `v`), with http and build-time-version notes; null when it cannot run. */
  fetch(tool: string, w: ShWord, v: Val): Download | null;
  finishFetch(d: Download, out: StdoutSink): void;
  stdoutSink(call: Call): StdoutSink;
  stdinOf(call: Call): Stdin;
  verify(d: Download, how: string): void;
  /** A check that does not protect it (shown as "looks checked but is not"). */
  weak(d: Download, note: string): void;
  /** Context that is not a check (the version is resolved at build time, …). */
  note(d: Download, note: string): void;
  importKey(d: Download): void;
  /** Why the keyring does not make a signature check trustworthy, or null when it does. */
  keyNote(): string | null;

  // ---- findings without a download
  insecureHttp(url: string, raw: string, range: Range, wordStart?: number, wordRaw?: string): void;
  insecureFlag(flag: string, what: string, range: Range, why: string, how: string): void;
  keyProblem(range: Range, what: string, target: string): void;
  /** Text written into a file by echo/printf/cat: checksum lists, apt source lines. */
  writeText(cmd: ShCommand, env: Env, target: string, via: ShCommand | null): void;

  // ---- nested scripts
  /** Part of this instruction's script was not followed (`nesting too deep`, `internal: …`): run-not-analyzed says so. */
  unread(reason: string): void;
  walkInlineScript(w: ShWord, env: Env): void;
  walkHeredocScript(r: ShRedirect, env: Env): void;
  /** A PowerShell script (SHELL powershell, `powershell -Command …`); `exact`: offsets are document offsets. */
  powershell(text: string, rangeAt: (start: number, end: number) => Range, exact?: boolean): void;
}
