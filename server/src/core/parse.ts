// Text → instructions: directives, segmentation and per-segment parsing, with an optional segment cache.
import type { ParsedInstruction } from './model';
import { parseSegmentText, readDirectives, segment, splitLines, type Directives, type Instruction, type Segment } from './syntax';

export interface ParsedDocument {
  readonly lines: readonly string[];
  readonly directives: Directives;
  readonly segments: readonly Segment[];
  /** Each instruction parsed at line 0, with the line it starts at (the model places it in its frame). */
  readonly parses: readonly ParsedInstruction[];
  readonly comments: ReadonlyMap<number, string>;
}

/** Remembers parsed segments by (escape, text) so unchanged instructions are not parsed again. */
export class SegmentCache {
  private map = new Map<string, Instruction | null>();
  private previous = new Map<string, Instruction | null>();
  constructor(private readonly limit = 20000) {}
  get(key: string): Instruction | null | undefined {
    let v = this.map.get(key);
    if (v === undefined) {
      v = this.previous.get(key);
      if (v !== undefined) this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: Instruction | null): void {
    // Two generations: entries unused for a whole generation are dropped, so memory stays bounded.
    if (this.map.size >= this.limit) {
      this.previous = this.map;
      this.map = new Map();
    }
    this.map.set(key, value);
  }
  get size(): number {
    return this.map.size + this.previous.size;
  }
}

/** The segment's instruction parsed at line 0 (null when dockerfile-ast finds none). */
export function parseInstructionSegment(seg: Segment, escape: string, cache?: SegmentCache): Instruction | null {
  const key = escape + seg.text;
  let rel = cache?.get(key);
  if (rel === undefined) {
    rel = parseSegmentText(seg.text, escape);
    cache?.set(key, rel);
  }
  return rel;
}

export function parseDocument(text: string, cache?: SegmentCache): ParsedDocument {
  const lines = splitLines(text);
  const directives = readDirectives(lines);
  const segments = segment(lines, directives.escape);
  const parses: ParsedInstruction[] = [];
  const comments = new Map<number, string>();
  for (const seg of segments) {
    if (seg.kind === 'comment') comments.set(seg.startLine, seg.text);
    else if (seg.kind === 'instruction') {
      const rel = parseInstructionSegment(seg, directives.escape, cache);
      if (rel !== null) parses.push({ rel, line: seg.startLine });
    }
  }
  return { lines, directives, segments, parses, comments };
}
