// Moving a report by whole lines: how a stage-local report, made in its stage's frame, is placed at the stage's line.
import type { Report } from './rule';
import { shiftRange, type Fix, type Position } from './types';

function isPosition(x: object): x is Position {
  const keys = Object.keys(x);
  return keys.length === 2 && typeof (x as Position).line === 'number' && typeof (x as Position).character === 'number';
}

/**
 * Moves what fix data holds about positions, by the convention FixData documents: a Position
 * ({ line, character }) anywhere in it, and a number in a field whose name ends in `Line`.
 */
export function moveData(x: unknown, d: number): unknown {
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) return x.map((v) => moveData(v, d));
  if (isPosition(x)) return { line: x.line + d, character: x.character };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) out[k] = typeof v === 'number' && k.endsWith('Line') ? v + d : moveData(v, d);
  return out;
}

function moveFix(f: Fix, d: number): Fix {
  return { ...f, edits: f.edits.map((e) => ({ ...e, range: shiftRange(e.range, d) })) };
}

/** The report a rule gives for the same instructions `d` lines further down. */
export function moveReport(r: Report, d: number): Report {
  return {
    ...r,
    range: shiftRange(r.range, d),
    anchorLine: r.anchorLine + d,
    ...(r.data !== undefined ? { data: moveData(r.data, d) as Report['data'] } : {}),
    ...(r.fixes !== undefined ? { fixes: r.fixes.map((f) => moveFix(f, d)) } : {}),
  };
}
