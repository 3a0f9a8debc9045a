// The shell text of a RUN instruction as the builder hands it to the shell, with a map back to file positions.
//
// Shell form: the first logical line (continuations joined the way the Dockerfile parser joins them:
// escape + newline removed, comment and blank lines inside the continuation dropped), then the raw heredoc
// lines, exactly as BuildKit passes them to `sh -c`. Exec form: the JSON argv. Positions in the text map
// back to (line, character) through per-line chunks.
import type { Instruction } from '../syntax';
import type { Position, Range } from '../types';

export type ShellKind = 'posix' | 'powershell' | 'cmd';

export interface ScriptText {
  readonly text: string;
  /** Exec form: argv as written (no shell involved unless argv[0] is one). */
  readonly argv: readonly string[] | null;
  /** Comment lines that sat inside the continuation (the builder drops them; a check hidden there is a look-alike). */
  readonly droppedComments: readonly string[];
  positionAt(offset: number): Position;
  rangeOf(start: number, end: number): Range;
}

interface Chunk {
  readonly offset: number;
  readonly line: number;
  readonly character: number;
}

class ChunkMap {
  readonly chunks: Chunk[] = [];
  positionAt(offset: number): Position {
    const cs = this.chunks;
    if (cs.length === 0) return { line: 0, character: 0 };
    let lo = 0;
    let hi = cs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((cs[mid] as Chunk).offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    const c = cs[lo] as Chunk;
    return { line: c.line, character: c.character + Math.max(0, offset - c.offset) };
  }
}

function lastNonSpaceIndex(line: string): number {
  for (let i = line.length - 1; i >= 0; i--) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9) return i;
  }
  return -1;
}

const COMMENT_LINE = /^[ \t]*#/;
const BLANK_LINE = /^[ \t]*$/;

/** The script a RUN instruction runs (or null for an empty RUN). */
export function runScript(ins: Instruction, lines: readonly string[], escape: string): ScriptText | null {
  const first = ins.args[0];
  if (first === undefined) return null;
  const map = new ChunkMap();
  const trimmed = ins.argsText.trimStart();
  if (trimmed.startsWith('[')) {
    const argv = parseExecForm(trimmed);
    if (argv !== null) {
      const text = argv.join(' ');
      map.chunks.push({ offset: 0, line: first.range.start.line, character: first.range.start.character });
      return makeScript(text, argv, [], map);
    }
  }
  let text = '';
  const dropped: string[] = [];
  let lineNo = first.range.start.line;
  let col = first.range.start.character;
  let continuing = true;
  // The first logical line: join continuations.
  while (lineNo <= ins.endLine) {
    const raw = lines[lineNo] ?? '';
    const last = lastNonSpaceIndex(raw);
    const cont = last >= 0 && raw[last] === escape;
    const piece = cont ? raw.slice(col, last) : raw.slice(col);
    map.chunks.push({ offset: text.length, line: lineNo, character: col });
    text += piece;
    col = 0;
    lineNo++;
    if (!cont) {
      continuing = false;
      break;
    }
    while (lineNo <= ins.endLine && (COMMENT_LINE.test(lines[lineNo] ?? '') || BLANK_LINE.test(lines[lineNo] ?? ''))) {
      if (COMMENT_LINE.test(lines[lineNo] ?? '')) dropped.push((lines[lineNo] ?? '').trim());
      lineNo++;
    }
  }
  void continuing;
  // Heredoc bodies and terminators: raw lines.
  while (lineNo <= ins.endLine) {
    text += '\n';
    map.chunks.push({ offset: text.length, line: lineNo, character: 0 });
    text += lines[lineNo] ?? '';
    lineNo++;
  }
  return makeScript(text, null, dropped, map);
}

function makeScript(text: string, argv: readonly string[] | null, droppedComments: readonly string[], map: ChunkMap): ScriptText {
  return {
    text,
    argv,
    droppedComments,
    positionAt: (o) => map.positionAt(o),
    rangeOf: (s, e) => ({ start: map.positionAt(s), end: map.positionAt(Math.max(s, e)) }),
  };
}

/** Parses a JSON exec-form array of strings; null when it is not one (the builder then uses shell form). */
export function parseExecForm(text: string): string[] | null {
  try {
    const v: unknown = JSON.parse(text);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    // Not JSON: shell form.
  }
  return null;
}

const POSIX_SHELLS = /^(?:.*\/)?(?:sh|bash|ash|dash|zsh|ksh|mksh|busybox)$/;
const POWERSHELL = /^(?:.*[\\/])?(?:powershell|pwsh)(?:\.exe)?$/i;
const CMD = /^(?:.*[\\/])?cmd(?:\.exe)?$/i;

/** Which shell a SHELL instruction's argv selects. */
export function shellKindOf(argv: readonly string[]): ShellKind {
  const a0 = argv[0] ?? '';
  if (POWERSHELL.test(a0)) return 'powershell';
  if (CMD.test(a0)) return 'cmd';
  return 'posix';
}

export function isPosixShell(name: string): boolean {
  return POSIX_SHELLS.test(name);
}

export function isPowerShell(name: string): boolean {
  return POWERSHELL.test(name);
}

/** True when the image name looks like a Windows base image (its default shell is cmd). */
export function isWindowsImage(ref: string): boolean {
  return /(^|\/)(windows|windowsservercore|nanoserver|servercore)\b|mcr\.microsoft\.com\/windows|:ltsc20|servercore|nanoserver/i.test(ref);
}
