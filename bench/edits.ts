// The edit kinds of the as-you-type benchmark. Every kind is a pair, done then undone, so the document is the
// generated text again after every second edit, and each pair happens at one of a few positions spread over the file.
import { stageBlock, type GenOptions } from './gen';

export type EditKind = 'char' | 'newline' | 'paste50' | 'deleteStage';
export const EDIT_KINDS: readonly EditKind[] = ['char', 'newline', 'paste50', 'deleteStage'];

export const KIND_LABEL: Readonly<Record<EditKind, string>> = {
  char: 'type a character / delete it',
  newline: 'Enter / Backspace',
  paste50: 'paste a 50-line stage / remove it',
  deleteStage: 'delete a whole stage / restore it',
};

interface Position {
  readonly line: number;
  readonly character: number;
}
export interface Change {
  readonly range: { readonly start: Position; readonly end: Position };
  readonly text: string;
}

/** The fractions of the file where edits happen (besides the first FROM's tag for character edits). */
const SPREAD = [0.1, 0.3, 0.5, 0.7, 0.9];

/** Character positions: the first FROM's tag, and the middle of a non-blank line at 10/30/50/70/90 % of the file. */
function charPositions(lines: readonly string[]): Position[] {
  const picks: Position[] = [];
  const from = lines.findIndex((l) => l.startsWith('FROM '));
  if (from >= 0) picks.push({ line: from, character: (lines[from] as string).indexOf(':') + 2 });
  for (const f of SPREAD) {
    let l = Math.floor(lines.length * f);
    while (l < lines.length - 1 && (lines[l] as string).trim().length < 8) l++;
    picks.push({ line: l, character: Math.floor((lines[l] as string).length / 2) });
  }
  return picks;
}

/** Stages of the generated file as [first line, line after the last), from each `# ---- stage` header to the next. */
function stages(lines: readonly string[]): [number, number][] {
  const starts = lines.flatMap((l, i) => (l.startsWith('# ---- stage ') ? [i] : []));
  // The text ends with a line break: its last "line" is the empty one after it.
  return starts.map((s, k) => [s, starts[k + 1] ?? lines.length - 1]);
}

/** The stage that contains the line at fraction f of the file (never the first one: later stages copy from it). */
function stageAt(all: readonly [number, number][], at: number): [number, number] | undefined {
  const inside = all.filter(([s], k) => k > 0 && s <= at);
  return inside[inside.length - 1] ?? all[1];
}

/**
 * The k-th edit of `kind` on `text` (k even: the edit, k odd: its undo). Undos restore the text exactly, so edit k
 * always applies to the generated text or to that text with edit k-1 done.
 */
export function editSequence(text: string, kind: EditKind, gen: GenOptions = {}): (k: number) => Change {
  const lines = text.split('\n');
  if (kind === 'char' || kind === 'newline') {
    const positions = charPositions(lines);
    return (k) => {
      const pos = positions[Math.floor(k / 2) % positions.length] as Position;
      if (k % 2 === 0) return { range: { start: pos, end: pos }, text: kind === 'char' ? 'x' : '\n' };
      // 'newline' undone: delete the line break, every later line moves back.
      return { range: { start: pos, end: kind === 'char' ? { line: pos.line, character: pos.character + 1 } : { line: pos.line + 1, character: 0 } }, text: '' };
    };
  }
  const all = stages(lines);
  const picks = SPREAD.map((f) => stageAt(all, Math.floor(lines.length * f))).filter((s): s is [number, number] => s !== undefined);
  if (picks.length === 0) throw new Error(`no stage to edit in a ${lines.length}-line file`);
  if (kind === 'paste50') {
    // Pasted at a stage boundary, so the block is a stage of its own and the stage below it keeps its text.
    const block = stageBlock(50, 3, gen);
    return (k) => {
      const [start] = picks[Math.floor(k / 2) % picks.length] as [number, number];
      const at = { line: start, character: 0 };
      return k % 2 === 0 ? { range: { start: at, end: at }, text: block } : { range: { start: at, end: { line: start + 50, character: 0 } }, text: '' };
    };
  }
  return (k) => {
    const [start, end] = picks[Math.floor(k / 2) % picks.length] as [number, number];
    const at = { line: start, character: 0 };
    if (k % 2 === 0) return { range: { start: at, end: { line: end, character: 0 } }, text: '' };
    return { range: { start: at, end: at }, text: lines.slice(start, end).join('\n') + '\n' };
  };
}
