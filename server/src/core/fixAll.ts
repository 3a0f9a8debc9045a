// Fix-all: the safe, exact edits for a file's findings (pins from trust data first), without overlaps; used by the CLI's --fix and the editor's fix-all.
import type { ImageFacts } from './facts';
import { parseReference, type ParsedReference } from './imageRef';
import { pinEdit } from './pin';
import { pinChoices } from './pinChoice';
import type { Finding, TextEdit } from './types';
import { comparePositions } from './types';

export type Peek = (ref: ParsedReference) => ImageFacts | undefined;

/** Safe exact fixes, plus the preferred pin for each unpinned image when facts are known. Never invents a digest. */
export function fixEdits(findings: readonly Finding[], peek: Peek | undefined, checksums: ReadonlyMap<string, string> = new Map(), options: { pins?: boolean; exact?: boolean } = {}, extra: readonly TextEdit[] = []): TextEdit[] {
  // `extra`: edits the caller built with outside answers (the download and clone pins of the CLI).
  const edits: TextEdit[] = [...extra];
  for (const f of findings) {
    const add = addChecksumOf(f);
    const sum = add !== null ? checksums.get(add.url) : undefined;
    if (add !== null && sum !== undefined) {
      edits.push({ range: { start: add.at, end: add.at }, newText: ` --checksum=${sum}` });
      continue;
    }
    const safe = options.exact === false ? undefined : f.fixes?.find((x) => x.safe);
    if (safe !== undefined) {
      edits.push(...safe.edits);
      continue;
    }
    const d = f.data as { kind?: unknown; canonical?: unknown; text?: unknown; hasVariables?: unknown } | undefined;
    if (peek === undefined || options.pins === false || d?.kind !== 'pin' || typeof d.canonical !== 'string' || typeof d.text !== 'string') continue;
    const ref = parseReference(d.canonical);
    if (!ref.ok) continue;
    const choice = pinChoices(ref, peek(ref)).find((c) => c.preferred);
    if (choice === undefined) continue;
    const e = pinEdit({ text: d.text, range: f.range, hasVariables: d.hasVariables === true, kind: 'image' }, choice.digest);
    if (e.ok) edits.push(e.edit);
  }
  // Drop edits that overlap an earlier one: two fixes for one span would corrupt the text.
  edits.sort((a, b) => comparePositions(a.range.start, b.range.start));
  const out: TextEdit[] = [];
  for (const e of edits) {
    const last = out[out.length - 1];
    if (last !== undefined && comparePositions(e.range.start, last.range.end) < 0) continue;
    out.push(e);
  }
  return out;
}

/** The URL and insertion point of an `add-url-unverified` finding's fix, if it has one. */
export function addChecksumOf(f: Finding): { url: string; at: { line: number; character: number } } | null {
  const d = f.data as { kind?: unknown; url?: unknown; insertAt?: { start?: { line?: unknown; character?: unknown } } } | undefined;
  if (d?.kind !== 'add-checksum' || typeof d.url !== 'string') return null;
  const line = d.insertAt?.start?.line;
  const character = d.insertAt?.start?.character;
  if (typeof line !== 'number' || typeof character !== 'number') return null;
  return { url: d.url, at: { line, character } };
}

/** Applies non-overlapping edits (sorted by start) to text; line/character positions as editors count them. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) {
      lineStarts.push(i + 2);
      i++;
    } else if (c === 10 || c === 13) lineStarts.push(i + 1);
  }
  const offset = (p: { line: number; character: number }): number => Math.min(text.length, (lineStarts[p.line] ?? text.length) + p.character);
  let out = '';
  let pos = 0;
  for (const e of edits) {
    const s = offset(e.range.start);
    const en = offset(e.range.end);
    if (s < pos) continue;
    out += text.slice(pos, s) + e.newText;
    pos = en;
  }
  return out + text.slice(pos);
}
