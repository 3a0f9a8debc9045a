// Scores the base-image pinning rules against the labelled real-world corpus (../shared/corpus).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../server/src/core/analyze';
import type { Finding } from '../../server/src/core/types';
import { sharedData } from '../support/shared';

const corpus = sharedData('corpus', 'the pinning scores');
const CORPUS_DIR = corpus.dir;

interface Label {
  file: string;
  line: number;
  kind: string;
  target: string;
  instruction: string;
  resolved_kind?: string;
}

const PINNING_RULES = new Set(['base-image-unpinned', 'base-image-latest']);

function loadManifest(): Map<string, string> {
  const rows = fs.readFileSync(path.join(CORPUS_DIR, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1);
  return new Map(rows.map((r) => {
    const cols = r.split('\t');
    return [cols[0] as string, cols[5] as string];
  }));
}

function expectedKind(l: Label): 'unpinned' | 'latest' | null {
  const k = l.kind === 'arg-base-image' ? l.resolved_kind : l.kind;
  if (k === 'unpinned-base-image') return 'unpinned';
  if (k === 'latest-or-missing-tag') return 'latest';
  return null;
}

test('pinning rules on the corpus: no crash, precision and recall >= 0.98 on dev labels', { skip: corpus.skip }, () => {
  const split = loadManifest();
  const files = fs.readdirSync(path.join(CORPUS_DIR, 'files')).sort();
  assert.equal(files.length, 180, 'the corpus has 180 files');
  const labels = fs
    .readFileSync(path.join(CORPUS_DIR, 'labels.dev.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Label);

  const findingsByFile = new Map<string, Finding[]>();
  for (const f of files) {
    const text = fs.readFileSync(path.join(CORPUS_DIR, 'files', f), 'utf8');
    const { findings } = analyze(text);
    findingsByFile.set(f, findings.filter((x) => PINNING_RULES.has(x.ruleId)));
  }

  const stats = { unpinned: { tp: 0, fp: 0, fn: 0 }, latest: { tp: 0, fp: 0, fn: 0 } };
  const problems: string[] = [];
  for (const [file, findings] of findingsByFile) {
    if (split.get(file) !== 'dev') continue;
    const expected = labels.filter((l) => l.file === file && expectedKind(l) !== null);
    const remaining = [...expected];
    for (const f of findings) {
      const kind = f.ruleId === 'base-image-latest' ? 'latest' : 'unpinned';
      const idx = remaining.findIndex((l) => l.line === f.range.start.line + 1 && expectedKind(l) === kind);
      if (idx >= 0) {
        remaining.splice(idx, 1);
        stats[kind].tp++;
      } else {
        stats[kind].fp++;
        problems.push(`FP ${kind} ${file}:${f.range.start.line + 1} ${f.message.slice(0, 80)}`);
      }
    }
    for (const l of remaining) {
      const kind = expectedKind(l) as 'unpinned' | 'latest';
      stats[kind].fn++;
      problems.push(`FN ${kind} ${file}:${l.line} ${l.target}`);
    }
  }
  const all = { tp: stats.unpinned.tp + stats.latest.tp, fp: stats.unpinned.fp + stats.latest.fp, fn: stats.unpinned.fn + stats.latest.fn };
  const p = (s: { tp: number; fp: number }): number => (s.tp + s.fp === 0 ? 1 : s.tp / (s.tp + s.fp));
  const r = (s: { tp: number; fn: number }): number => (s.tp + s.fn === 0 ? 1 : s.tp / (s.tp + s.fn));
  console.log('pinning rules on dev labels');
  console.log('kind       TP   FP   FN   precision  recall');
  for (const [k, s] of [...Object.entries(stats), ['all', all] as const]) {
    console.log(`${k.padEnd(9)} ${String(s.tp).padStart(3)}  ${String(s.fp).padStart(3)}  ${String(s.fn).padStart(3)}   ${p(s).toFixed(3)}      ${r(s).toFixed(3)}`);
  }
  for (const x of problems) console.log('  ' + x);
  const heldout = [...findingsByFile].filter(([f]) => split.get(f) !== 'dev').reduce((n, [, fs]) => n + fs.length, 0);
  console.log(`heldout files: ${heldout} pinning findings (not scored here)`);
  assert.ok(p(all) >= 0.98, `precision ${p(all).toFixed(3)} < 0.98`);
  assert.ok(r(all) >= 0.98, `recall ${r(all).toFixed(3)} < 0.98`);
});

test('every corpus file analyses without throwing, and the engine reports no internal rule failure', { skip: corpus.skip }, () => {
  const files = fs.readdirSync(path.join(CORPUS_DIR, 'files'));
  for (const f of files) {
    const text = fs.readFileSync(path.join(CORPUS_DIR, 'files', f), 'utf8');
    const { findings, model } = analyze(text);
    assert.ok(model.globalInstructions.length + model.stages.reduce((n, s) => n + s.instructions.length, 0) > 0, `${f}: instructions parsed`);
    const failures = findings.filter((x) => x.message.includes('failed on this file'));
    assert.deepEqual(failures, [], `${f}: rule failures`);
  }
});
