// Text → instructions: directives, segmentation and per-segment parsing, with an optional segment cache.
import { parseSegmentText, readDirectives, segment, shiftInstruction, splitLines, type Directives, type Instruction, type Segment } from './syntax';

export interface ParsedDocument {
  readonly lines: readonly string[];
  readonly directives: Directives;
  readonly segments: readonly Segment[];
  readonly instructions: readonly Instruction[];
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

export function parseInstructionSegment(seg: Segment, escape: string, cache?: SegmentCache): Instruction | null {
  const key = escape + seg.text;
  let rel = cache?.get(key);
  if (rel === undefined) {
    rel = parseSegmentText(seg.text, escape);
    cache?.set(key, rel);
  }
  return rel === null ? null : shiftInstruction(rel, seg.startLine);
}

export function parseDocument(text: string, cache?: SegmentCache): ParsedDocument {
  const lines = splitLines(text);
  const directives = readDirectives(lines);
  const segments = segment(lines, directives.escape);
  const instructions: Instruction[] = [];
  const comments = new Map<number, string>();
  for (const seg of segments) {
    if (seg.kind === 'comment') comments.set(seg.startLine, seg.text);
    else if (seg.kind === 'instruction') {
      const ins = parseInstructionSegment(seg, directives.escape, cache);
      if (ins !== null) instructions.push(ins);
    }
  }
  return { lines, directives, segments, instructions, comments };
}
