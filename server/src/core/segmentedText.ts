// The text of one open document as lines and instruction segments, kept up to date line-wise from the LSP's
// ranged changes (incremental.ts builds the model from it).
//
// Why this is exact: a segment starting at line s depends only on lines s..end (and on the end of the file
// when it reaches it), see syntax.segmentAt. After an edit of lines a..b we re-segment from the segment that
// holds line a until a new segment boundary lands on a boundary of the old segmentation past the edit;
// everything after that is the old segmentation shifted. The escape directive changes how every line is
// read, so a changed escape re-segments the whole text (still cheap: segmenting is linear and parses are
// cached by text).
import { SegmentCache } from './parse';
import { parseSegmentText, readDirectives, segmentAt, splitLines, type Directives, type Instruction, type SegmentKind } from './syntax';
import type { Range } from './types';

/** One edit as LSP sends it (structurally TextDocumentContentChangeEvent): no range = whole text. */
export interface ContentChange {
  readonly range?: Range;
  readonly text: string;
}

export interface Seg {
  readonly kind: SegmentKind;
  start: number;
  end: number;
  readonly text: string;
  /** Parse at line 0 (null: dockerfile-ast found no instruction). */
  readonly rel: Instruction | null;
  /** rel is a FROM (kept here so a pass over the segments does not have to read every parse). */
  readonly isFrom: boolean;
  /**
   * `rel` moved to `placedAt` lines: the segment's line in its frame (its stage's, or the document's before
   * the first FROM). A stage that moves keeps its segments' frame lines, so their instructions stay.
   */
  placed: Instruction | undefined;
  placedAt: number;
}

/** Spreading a huge array into splice/push overflows the stack; past this size we concatenate instead. */
const SPREAD_LIMIT = 10000;

/** Lines, segments, directives and comments of the current text; read by incremental.ts, changed only here. */
export class SegmentedText {
  lines: string[] = [];
  segs: Seg[] = [];
  directives: Directives = { escape: '\\', list: [], lineCount: 0 };
  comments = new Map<number, string>();
  /** A lone CR line break: line-wise edits could then differ from how the text splits, so we re-split. */
  private loneCR = false;
  /** True while `lines` / `comments` belong to a returned model: copied before the next in-place change. */
  private linesShared = false;
  private commentsShared = false;
  private readonly parses = new SegmentCache(4096);

  constructor(text: string) {
    this.reset(text);
  }

  /** `lines` and `comments` now belong to a model handed out: the next change copies them first. */
  share(): void {
    this.linesShared = true;
    this.commentsShared = true;
  }

  /**
   * Brings the text to `text`. `changes` (in order, as in one or more LSP didChange notifications)
   * make it incremental; without them, or when they do not fit the text we hold, the text is re-split.
   */
  update(text: string, changes?: readonly ContentChange[]): void {
    if (changes === undefined || this.loneCR) {
      this.reset(text);
      return;
    }
    for (const c of changes) {
      if (!this.apply(c)) {
        this.reset(text);
        return;
      }
    }
  }

  reset(text: string): void {
    this.lines = splitLines(text);
    this.linesShared = false;
    this.loneCR = /\r(?!\n)/.test(text);
    this.directives = readDirectives(this.lines);
    this.resegmentAll();
  }

  private resegmentAll(): void {
    const segs: Seg[] = [];
    for (let i = 0; i < this.lines.length; ) {
      const s = this.makeSeg(i);
      segs.push(s);
      i = s.end + 1;
    }
    this.segs = segs;
    this.rebuildComments();
  }

  private rebuildComments(): void {
    const comments = new Map<number, string>();
    for (const s of this.segs) if (s.kind === 'comment') comments.set(s.start, s.text);
    this.comments = comments;
    this.commentsShared = false;
  }

  private makeSeg(line: number): Seg {
    const escape = this.directives.escape;
    const s = segmentAt(this.lines, escape, line);
    let rel: Instruction | null = null;
    if (s.kind === 'instruction') {
      const key = escape + s.text;
      const hit = this.parses.get(key);
      if (hit === undefined) {
        rel = parseSegmentText(s.text, escape);
        this.parses.set(key, rel);
      } else rel = hit;
    }
    return { kind: s.kind, start: s.startLine, end: s.endLine, text: s.text, rel, isFrom: rel !== null && rel.keyword === 'FROM', placed: undefined, placedAt: 0 };
  }

  /** Applies one ranged change line-wise; false when it cannot be applied exactly (caller re-splits). */
  private apply(c: ContentChange): boolean {
    const r = c.range;
    if (r === undefined || c.text.includes('\r')) return false;
    const sl = r.start.line;
    const sc = r.start.character;
    const el = r.end.line;
    const ec = r.end.character;
    const lines = this.lines;
    if (sl < 0 || sc < 0 || el >= lines.length || sl > el || (sl === el && sc > ec)) return false;
    const first = lines[sl] as string;
    const last = lines[el] as string;
    // A position past the end of a line points into its line break: only the full text says what that does.
    if (sc > first.length || ec > last.length) return false;
    const inserted = c.text.split('\n');
    inserted[0] = first.slice(0, sc) + (inserted[0] as string);
    inserted[inserted.length - 1] = (inserted[inserted.length - 1] as string) + last.slice(ec);
    if (this.linesShared) {
      this.lines = lines.slice();
      this.linesShared = false;
    }
    const target = this.lines;
    if (inserted.length === el - sl + 1) {
      for (let k = 0; k < inserted.length; k++) target[sl + k] = inserted[k] as string;
    } else if (inserted.length < SPREAD_LIMIT) {
      target.splice(sl, el - sl + 1, ...inserted);
    } else {
      this.lines = target.slice(0, sl).concat(inserted, target.slice(el + 1));
    }
    this.resegment(sl, el, sl + inserted.length - 1);
    return true;
  }

  /** Old lines a..oldEnd were replaced by the lines now at a..newEnd. */
  private resegment(a: number, oldEnd: number, newEnd: number): void {
    if (a <= this.directives.lineCount) {
      const d = readDirectives(this.lines);
      const escapeChanged = d.escape !== this.directives.escape;
      this.directives = d;
      if (escapeChanged) {
        this.resegmentAll();
        return;
      }
    }
    const delta = newEnd - oldEnd;
    const segs = this.segs;
    // First segment that reaches line a (segment ends increase strictly).
    let lo = 0;
    let hi = segs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((segs[mid] as Seg).end < a) lo = mid + 1;
      else hi = mid;
    }
    const i = lo;
    let q = i < segs.length ? (segs[i] as Seg).start : i > 0 ? (segs[i - 1] as Seg).end + 1 : 0;
    let j = i;
    const fresh: Seg[] = [];
    const n = this.lines.length;
    let resynced = false;
    while (q < n) {
      if (q > newEnd) {
        const oldStart = q - delta;
        while (j < segs.length && (segs[j] as Seg).start < oldStart) j++;
        if (j < segs.length && (segs[j] as Seg).start === oldStart) {
          resynced = true;
          break;
        }
      }
      const s = this.makeSeg(q);
      fresh.push(s);
      q = s.end + 1;
    }
    if (!resynced) j = segs.length;
    const removed = segs.slice(i, j);
    if (fresh.length < SPREAD_LIMIT && removed.length < SPREAD_LIMIT) segs.splice(i, j - i, ...fresh);
    else this.segs = segs.slice(0, i).concat(fresh, segs.slice(j));
    const all = this.segs;
    if (delta !== 0) {
      for (let k = i + fresh.length; k < all.length; k++) {
        const s = all[k] as Seg;
        // Only the frame line of segments before the first FROM changes (place() notices).
        s.start += delta;
        s.end += delta;
      }
      this.rebuildComments();
      return;
    }
    if (!removed.some((s) => s.kind === 'comment') && !fresh.some((s) => s.kind === 'comment')) return;
    if (this.commentsShared) {
      this.comments = new Map(this.comments);
      this.commentsShared = false;
    }
    for (const s of removed) if (s.kind === 'comment') this.comments.delete(s.start);
    for (const s of fresh) if (s.kind === 'comment') this.comments.set(s.start, s.text);
  }
}
