// Scores the download rules against the labelled corpus (../shared/corpus): precision and recall per kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { analyze, modelOf } from '../../server/src/core/analyze';
import { runAnalysis } from '../../server/src/core/downloads/analyze';
import { parseDocument } from '../../server/src/core/parse';
import type { Finding } from '../../server/src/core/types';
import { sharedData } from '../support/shared';

const data = sharedData('corpus', 'the download scores');
const corpus = data.dir;

type Kind = 'unverified-download' | 'curl-pipe-shell' | 'unverified-key' | 'insecure-http';
const RULE_KIND: Record<string, Kind> = {
  'download-unverified': 'unverified-download',
  'add-url-unverified': 'unverified-download',
  'git-ref-unpinned': 'unverified-download',
  'download-piped-to-shell': 'curl-pipe-shell',
  'key-unverified': 'unverified-key',
  'apt-source-unsigned': 'unverified-key',
  'download-insecure-transport': 'insecure-http',
};
const UNVERIFIED: readonly string[] = ['unverified-download', 'curl-pipe-shell', 'unverified-key'];

interface Label {
  file: string;
  line: number;
  kind: string;
  subkind?: string;
  target: string;
  note?: string;
}

interface Item {
  file: string;
  line: number;
  kind: Kind;
  target: string;
  finding: Finding;
}

function tokens(s: string): Set<string> {
  return new Set(
    s
      .toLowerCase()
      .replace(/\$\{([a-z0-9_]+)[^}]*\}/g, '$1')
      .split(/[^a-z0-9_.]+/)
      .flatMap((t) => t.split('.'))
      .filter((t) => t.length > 1),
  );
}

function similarity(a: string, b: string): number {
  const na = a.toLowerCase().replace(/["']/g, '');
  const nb = b.toLowerCase().replace(/["']/g, '');
  if (na !== '' && (nb.includes(na) || na.includes(nb))) return 2;
  const ta = tokens(a);
  const tb = tokens(b);
  let common = 0;
  for (const t of ta) if (tb.has(t)) common++;
  return common / Math.max(1, Math.min(ta.size, tb.size));
}

function findingTarget(f: Finding): string {
  const d = f.data as Record<string, unknown> | undefined;
  const parts = [d?.['url'], d?.['resolvedUrl'], d?.['line'], d?.['target']].filter((x): x is string => typeof x === 'string');
  return parts.join(' ');
}

function instructionLine(f: Finding): number {
  const d = f.data as Record<string, unknown> | undefined;
  const l = d?.['instructionLine'];
  return typeof l === 'number' ? l + 1 : f.range.start.line + 1;
}

/** Greedy one-to-one matching inside one (file, line) group, best similarity first. */
function match(items: Item[], labels: Label[]): Map<Item, Label> {
  const pairs: { i: Item; l: Label; s: number }[] = [];
  for (const i of items) for (const l of labels) pairs.push({ i, l, s: similarity(i.target, l.target) + (UNVERIFIED.includes(l.kind) === UNVERIFIED.includes(i.kind) ? 0.01 : 0) + (l.kind === i.kind ? 0.01 : 0) });
  pairs.sort((a, b) => b.s - a.s);
  const out = new Map<Item, Label>();
  const used = new Set<Label>();
  for (const p of pairs) {
    if (out.has(p.i) || used.has(p.l)) continue;
    out.set(p.i, p.l);
    used.add(p.l);
  }
  return out;
}

test('download rules on the corpus: no crash, precision and recall >= 0.95 on dev labels', { skip: data.skip }, () => {
  assert.ok(existsSync(path.join(corpus, 'labels.dev.jsonl')), `corpus not found at ${corpus}`);
  const manifest = readFileSync(path.join(corpus, 'MANIFEST.tsv'), 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
  const split = new Map<string, string>();
  for (const row of manifest) {
    const cols = row.split('\t');
    split.set(cols[0] as string, cols[5] as string);
  }
  const labels: Label[] = readFileSync(path.join(corpus, 'labels.dev.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Label)
    .filter((l) => UNVERIFIED.includes(l.kind) || l.kind === 'verified-download' || l.kind === 'insecure-http');
  const files = readdirSync(path.join(corpus, 'files')).sort();
  assert.equal(files.length, 180, 'expected the 180 corpus files');

  const items: Item[] = [];
  let heldoutFindings = 0;
  const heldoutByRule = new Map<string, number>();
  const t0 = performance.now();
  for (const file of files) {
    const text = readFileSync(path.join(corpus, 'files', file), 'utf8');
    let findings: readonly Finding[] = [];
    assert.doesNotThrow(() => {
      findings = analyze(text).findings;
    }, `analyze threw on ${file}`);
    for (const f of findings) {
      const kind = RULE_KIND[f.ruleId];
      if (kind === undefined) continue;
      assert.ok(!/failed on this file/.test(f.message), `${f.ruleId} failed on ${file}: ${f.message}`);
      if (split.get(file) === 'dev') items.push({ file, line: instructionLine(f), kind, target: findingTarget(f), finding: f });
      else {
        heldoutFindings++;
        heldoutByRule.set(f.ruleId, (heldoutByRule.get(f.ruleId) ?? 0) + 1);
      }
    }
  }
  const elapsed = performance.now() - t0;

  // Two separate matchings: the unverified family (verified labels included as negatives) and insecure-http.
  const groups = new Map<string, { items: Item[]; labels: Label[] }>();
  const key = (file: string, line: number, family: string): string => `${file}|${line}|${family}`;
  const familyOf = (k: string): string => (k === 'insecure-http' ? 'insecure' : 'trust');
  for (const i of items) {
    const k = key(i.file, i.line, familyOf(i.kind));
    if (!groups.has(k)) groups.set(k, { items: [], labels: [] });
    groups.get(k)?.items.push(i);
  }
  for (const l of labels) {
    const k = key(l.file, l.line, familyOf(l.kind));
    if (!groups.has(k)) groups.set(k, { items: [], labels: [] });
    groups.get(k)?.labels.push(l);
  }
  const matched = new Map<Item, Label>();
  for (const g of groups.values()) for (const [i, l] of match(g.items, g.labels)) matched.set(i, l);
  const labelHit = new Map<Label, Item>();
  for (const [i, l] of matched) labelHit.set(l, i);

  const rows: { kind: string; findings: number; tp: number; labels: number; found: number; precision: number; recall: number }[] = [];
  const kinds: string[] = ['unverified-download', 'curl-pipe-shell', 'unverified-key', 'unverified (all three)', 'insecure-http'];
  for (const k of kinds) {
    const isAll = k.startsWith('unverified (');
    const inKind = (x: string): boolean => (isAll ? UNVERIFIED.includes(x) : x === k);
    const fs = items.filter((i) => inKind(i.kind));
    const tp = fs.filter((i) => {
      const l = matched.get(i);
      return l !== undefined && inKind(l.kind);
    }).length;
    const ls = labels.filter((l) => inKind(l.kind));
    const found = ls.filter((l) => {
      const i = labelHit.get(l);
      return i !== undefined && inKind(i.kind);
    }).length;
    rows.push({ kind: k, findings: fs.length, tp, labels: ls.length, found, precision: fs.length === 0 ? 1 : tp / fs.length, recall: ls.length === 0 ? 1 : found / ls.length });
  }
  const fpOnVerified = items.filter((i) => matched.get(i)?.kind === 'verified-download');
  const unlabeled = items.filter((i) => !matched.has(i));
  const missed = labels.filter((l) => l.kind !== 'verified-download' && labelHit.get(l) === undefined);
  const wrongKind = items.filter((i) => {
    const l = matched.get(i);
    return l !== undefined && l.kind !== i.kind && l.kind !== 'verified-download';
  });

  const pad = (s: string | number, n: number): string => String(s).padEnd(n);
  const lines = [
    `download rules on ${files.length} corpus files in ${elapsed.toFixed(0)} ms (dev labels: ${labels.length} download labels)`,
    `${pad('kind', 24)}${pad('findings', 10)}${pad('TP', 6)}${pad('labels', 8)}${pad('found', 7)}${pad('precision', 11)}recall`,
    ...rows.map((r) => `${pad(r.kind, 24)}${pad(r.findings, 10)}${pad(r.tp, 6)}${pad(r.labels, 8)}${pad(r.found, 7)}${pad(r.precision.toFixed(3), 11)}${r.recall.toFixed(3)}`),
    `findings on verified-download labels: ${fpOnVerified.length}; findings with no label: ${unlabeled.length}; matched with another unverified kind: ${wrongKind.length}`,
    `heldout files: ${heldoutFindings} download findings (${[...heldoutByRule].map(([r, n]) => `${r} ${n}`).join(', ')})`,
  ];
  for (const i of fpOnVerified) lines.push(`  FP on verified: ${i.file}:${i.line} ${i.finding.ruleId} ${i.target} -> ${matched.get(i)?.target}`);
  for (const i of unlabeled) lines.push(`  FP unlabeled: ${i.file}:${i.line} ${i.finding.ruleId} ${i.target}`);
  for (const l of missed) lines.push(`  missed: ${l.file}:${l.line} ${l.kind}/${l.subkind ?? ''} ${l.target}`);
  for (const [i, l] of matched) if (similarity(i.target, l.target) < 0.5) lines.push(`  weak match (${similarity(i.target, l.target).toFixed(2)}): ${i.file}:${i.line} ${i.finding.ruleId} ${i.target} ~ ${l.target}`);
  for (const i of wrongKind) lines.push(`  other kind: ${i.file}:${i.line} ${i.finding.ruleId} vs label ${matched.get(i)?.kind}/${matched.get(i)?.subkind ?? ''}`);
  console.log(lines.join('\n'));

  const dockerLibraryFp = fpOnVerified.filter((i) => i.file.startsWith('docker-library__'));
  assert.deepEqual(dockerLibraryFp.map((i) => `${i.file}:${i.line} ${i.finding.ruleId}`), [], 'no finding on a verified download in docker-library files');
  for (const r of rows) {
    if (r.kind === 'unverified (all three)' || r.kind === 'insecure-http') {
      assert.ok(r.precision >= 0.95, `${r.kind} precision ${r.precision.toFixed(3)} < 0.95`);
      assert.ok(r.recall >= 0.95, `${r.kind} recall ${r.recall.toFixed(3)} < 0.95`);
    }
  }
});

test('download analysis on mutated corpus files: never throws, never fails internally', { skip: data.skip }, () => {
  // Deterministic mutations (quotes, substitutions, heredoc markers, truncation) of every corpus file.
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const junk = ['"', "'", '$(', ')', '`', '\\', '\n', '<<EOF\n', '|', '&&', ';;', 'case ', 'esac', '{', '}', '${', '#', 'curl -o ', 'http://x/', '\t', 'EOF\n', 'for ', 'do ', 'done'];
  let runs = 0;
  for (const file of readdirSync(path.join(corpus, 'files')).sort()) {
    const text = readFileSync(path.join(corpus, 'files', file), 'utf8');
    for (let k = 0; k < 2; k++) {
      let s = text;
      for (let j = 0; j < 5; j++) {
        const p = rnd(s.length + 1);
        s = s.slice(0, p) + (junk[rnd(junk.length)] as string) + s.slice(p + rnd(3));
      }
      if (k === 1) s = s.slice(0, rnd(s.length + 1));
      runs++;
      const a = runAnalysis(modelOf(parseDocument(s)));
      for (const errs of a.parseErrors.values()) assert.ok(!errs.some((e) => e.startsWith('internal')), `${file} mutation ${k}: ${errs.join('; ')}`);
    }
  }
  assert.equal(runs, 360);
});
