// In-process micro-benchmark of the incremental engine (not part of the tests): edits of several kinds on
// bench/gen.ts's 5,000-line file, each followed by IncrementalDocument.analyze(), as the server does per
// keystroke (no facts, default options). Prints p50/p95/p99 per edit kind. Run: node --import tsx bench/engine.ts
import { performance } from 'node:perf_hooks';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { IncrementalDocument, type ContentChange } from '../server/src/core/incremental';
import { generateDockerfile } from './gen';

const LINES = Number(process.env['ENGINE_LINES'] ?? 5000);
const ROUNDS = Number(process.env['ENGINE_ROUNDS'] ?? 200);

interface Kind {
  readonly name: string;
  /** A pair of edits that leave the text as it was (do, undo), given the current document. */
  readonly pair: (doc: TextDocument, round: number) => [ContentChange, (doc: TextDocument) => ContentChange];
}

const text0 = generateDockerfile(LINES);
const lines0 = text0.split('\n');
/** Lines inside the file's stages (past the header), spread over the whole file. */
const spot = (round: number): number => 4 + ((round * 7919) % (lines0.length - 200));
const fromLines = lines0.flatMap((l, i) => (l.startsWith('FROM ') ? [i] : []));
const lineEnd = (doc: TextDocument, line: number): number => doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '').length;
const pos = (line: number, character: number): { line: number; character: number } => ({ line, character });

const BLOCK = Array.from({ length: 50 }, (_, i) => (i % 5 === 0 ? `RUN curl -fsSL https://example.com/p${i}.sh | sh` : `ENV PASTED_${i}=value${i}`)).join('\n') + '\n';

const kinds: Kind[] = [
  {
    name: 'char (type + delete)',
    pair: (doc, round) => {
      const line = spot(round);
      const c = lineEnd(doc, line);
      return [{ range: { start: pos(line, c), end: pos(line, c) }, text: 'x' }, () => ({ range: { start: pos(line, c), end: pos(line, c + 1) }, text: '' })];
    },
  },
  {
    name: 'Enter / Backspace',
    pair: (doc, round) => {
      const line = spot(round);
      const c = lineEnd(doc, line);
      return [{ range: { start: pos(line, c), end: pos(line, c) }, text: '\n' }, () => ({ range: { start: pos(line, c), end: pos(line + 1, 0) }, text: '' })];
    },
  },
  {
    name: 'paste 50 lines / remove',
    pair: (_doc, round) => {
      // Before a stage's FROM: a block of whole instructions.
      const line = fromLines[(round * 31) % fromLines.length] as number;
      return [{ range: { start: pos(line, 0), end: pos(line, 0) }, text: BLOCK }, () => ({ range: { start: pos(line, 0), end: pos(line + 50, 0) }, text: '' })];
    },
  },
  {
    name: 'delete stage / restore',
    pair: (doc, round) => {
      const k = 1 + ((round * 31) % (fromLines.length - 2));
      const a = fromLines[k] as number;
      const b = fromLines[k + 1] as number;
      const removed = doc.getText({ start: pos(a, 0), end: pos(b, 0) });
      return [{ range: { start: pos(a, 0), end: pos(b, 0) }, text: '' }, () => ({ range: { start: pos(a, 0), end: pos(a, 0) }, text: removed })];
    },
  },
];

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

let doc = TextDocument.create('file:///bench/Dockerfile', 'dockerfile', 1, text0);
const inc = new IncrementalDocument(text0);
inc.analyze();
const step = (change: ContentChange): number => {
  doc = TextDocument.update(doc, [change], doc.version + 1);
  const t0 = performance.now();
  inc.update(doc.getText(), [change]);
  inc.analyze();
  return performance.now() - t0;
};
// Warm-up: a few rounds of every kind (JIT, parse caches).
for (let r = 0; r < 20; r++) {
  for (const k of kinds) {
    const [a, undo] = k.pair(doc, r);
    step(a);
    step(undo(doc));
  }
}
console.log(`engine: ${LINES} lines, ${fromLines.length} stages, ${ROUNDS} rounds per kind (times per edit incl. analyze, ms)`);
// Both edits of each pair count; the last columns show the first edit alone (the undo can find earlier work).
console.log('kind'.padEnd(26) + ['p50', 'p95', 'p99'].map((h) => h.padStart(8)).join('') + '   |' + ['do p50', 'do p95', 'do p99'].map((h) => h.padStart(8)).join(''));
for (const k of kinds) {
  const times: number[] = [];
  const first: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const [a, undo] = k.pair(doc, r);
    const t = step(a);
    times.push(t);
    first.push(t);
    times.push(step(undo(doc)));
  }
  if (doc.getText() !== text0) throw new Error(`${k.name}: the edits did not restore the text`);
  const cols = (xs: number[]): string => [50, 95, 99].map((p) => pct(xs, p).toFixed(2).padStart(8)).join('');
  console.log(k.name.padEnd(26) + cols(times) + '   |' + cols(first));
}
