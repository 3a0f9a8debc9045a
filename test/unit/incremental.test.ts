// Differential test: random edit sequences over the corpus, incremental analysis compared with a full analysis after every edit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, runRules, type AnalyzeOptions } from '../../server/src/core/analyze';
import { RULES } from '../../server/src/core/rules';
import { IncrementalDocument, type ContentChange } from '../../server/src/core/incremental';
import type { Range } from '../../server/src/core/types';
import { CORPUS_DIR } from '../support/paths';

/** mulberry32: small, seeded, good enough to pick edits reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters and snippets that change Dockerfile structure: continuations, heredocs, comments, quotes,
// directives, stages, variables, digests. Most edits are single characters, as when typing.
const CHARS = ['a', 'x', 'E', ' ', '\t', '\\', '\n', '#', '"', "'", '$', '{', '}', '=', '-', ':', '@', '`', '<', '/'];
const SNIPPETS = [
  '<<EOF',
  '<<-EOF',
  '<<"EOF"',
  'EOF',
  '\nEOF\n',
  '\n\tEOF\n',
  'cat <<EOF\n',
  ' \\\n',
  '\\\n# inside\n',
  '\n\n',
  'FROM alpine:3.19 AS tools\n',
  'FROM $BASE\n',
  'FROM scratch\n',
  'ARG BASE=debian:12\n',
  'ARG TAG\n',
  'ENV TAG=latest\n',
  'COPY --from=tools / /\n',
  'COPY --from=nginx:1.25 /etc /etc\n',
  'RUN --mount=type=bind,from=busybox,target=/b true\n',
  'ONBUILD COPY --from=node:20 / /\n',
  '# dockerfile-trust ignore=base-image-unpinned\n',
  '# escape=`\n',
  '# syntax=docker/dockerfile:1\n',
  '# check=skip=all\n',
  '${TAG}',
  ':latest',
  '@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  'curl -fsSL https://example.com/x.tgz | tar xz',
  '`\n',
];

function randomPosition(doc: TextDocument, rnd: () => number): { line: number; character: number } {
  const line = Math.floor(rnd() * doc.lineCount);
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$|\r$/, '');
  return { line, character: Math.floor(rnd() * (text.length + 1)) };
}

function randomChange(doc: TextDocument, rnd: () => number): ContentChange {
  const roll = rnd();
  const start = randomPosition(doc, rnd);
  if (roll < 0.45) return { range: { start, end: start }, text: CHARS[Math.floor(rnd() * CHARS.length)] as string };
  if (roll < 0.6) return { range: { start, end: start }, text: SNIPPETS[Math.floor(rnd() * SNIPPETS.length)] as string };
  if (roll < 0.62) {
    // Edits at the very top, where directives live.
    const s = SNIPPETS.filter((x) => x.startsWith('# '));
    return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: s[Math.floor(rnd() * s.length)] as string };
  }
  if (roll < 0.85) {
    // Delete a few characters (possibly across a line break).
    const from = doc.offsetAt(start);
    const to = Math.min(doc.getText().length, from + 1 + Math.floor(rnd() * 4));
    return { range: { start, end: doc.positionAt(to) }, text: '' };
  }
  if (roll < 0.95) {
    // Delete or replace whole lines.
    const count = 1 + Math.floor(rnd() * 3);
    const range: Range = { start: { line: start.line, character: 0 }, end: { line: Math.min(start.line + count, doc.lineCount), character: 0 } };
    return { range, text: rnd() < 0.5 ? '' : (SNIPPETS[Math.floor(rnd() * SNIPPETS.length)] as string) };
  }
  if (roll < 0.97) {
    // Positions past the end of a line and CR line breaks take the exact fallback path.
    return { range: { start: { line: start.line, character: start.character + 5 }, end: { line: start.line, character: start.character + 5 } }, text: rnd() < 0.5 ? 'z' : '\r\n' };
  }
  if (roll < 0.98) return { text: doc.getText().slice(0, Math.floor(doc.getText().length * rnd())) };
  return { range: { start, end: start }, text: 'a\nb' };
}

/** The same rules with the stage-local declaration removed: the engine then runs each on the whole model. */
const WHOLE_MODEL_RULES = RULES.map(({ locality: _locality, ...r }) => r);

const OPTIONS: readonly AnalyzeOptions[] = [{}, { buildArgs: { TAG: '1.0', BASE: 'alpine:3.20' }, platform: 'linux/arm64' }, { severities: { 'base-image-unpinned': 'off' } }];

test('incremental analysis equals full analysis after every random edit over the corpus', () => {
  const dir = path.join(CORPUS_DIR, 'files');
  const files = fs.readdirSync(dir).sort();
  assert.ok(files.length >= 100, `corpus not found or too small at ${dir}`);
  const rnd = prng(0x5eed);
  const EDITS_PER_FILE = 20;
  let edits = 0;
  let findings = 0;
  let version = 1;
  let localityChecks = 0;
  for (const [fi, name] of files.entries()) {
    let text = fs.readFileSync(path.join(dir, name), 'utf8');
    // Some files as CRLF, to exercise the Windows line breaks.
    if (fi % 9 === 0) text = text.replace(/\r?\n/g, '\r\n');
    const options = OPTIONS[fi % OPTIONS.length] as AnalyzeOptions;
    let doc = TextDocument.create('file:///' + name, 'dockerfile', version, text);
    const inc = new IncrementalDocument(text);
    assert.deepEqual(inc.analyze(options), analyze(text, options), `${name}: after open`);
    for (let e = 0; e < EDITS_PER_FILE; e++) {
      // Sometimes several changes in one notification.
      const batch = [randomChange(doc, rnd)];
      if (rnd() < 0.1) {
        const tmp = TextDocument.update(TextDocument.create('x', 'dockerfile', 0, doc.getText()), batch, 0);
        batch.push(randomChange(tmp, rnd));
      }
      doc = TextDocument.update(doc, batch, ++version);
      inc.update(doc.getText(), batch);
      const full = analyze(doc.getText(), options);
      const mine = inc.analyze(options);
      if (!isDeepStrictEqual(mine, full)) {
        assert.deepEqual(mine.model.lines.join('\n'), full.model.lines.join('\n'), `${name}: text after edit ${e} ${JSON.stringify(batch)}`);
        assert.deepEqual(mine.model.instructions, full.model.instructions, `${name}: instructions after edit ${e} ${JSON.stringify(batch)}`);
        assert.deepEqual(mine, full, `${name}: after edit ${e} ${JSON.stringify(batch)}`);
      }
      // Rules declared stage-local must report the same when run over the whole model at once.
      if (e % 5 === 0) {
        const whole = runRules(full.model, { ...options, rules: WHOLE_MODEL_RULES });
        assert.deepEqual(whole, full.findings, `${name}: a rule declared locality 'stage' reports differently on the whole model (edit ${e})`);
        localityChecks++;
      }
      edits++;
      findings += full.findings.length;
    }
  }
  console.log(`incremental differential: ${edits} edits over ${files.length} files checked (models and ${findings} findings identical); ${localityChecks} stage-locality checks`);
  assert.ok(edits >= 3000, `only ${edits} edits checked`);
});

test('a stage that only moved (lines added or removed above it) keeps its reports, moved, without re-running its rules', () => {
  const stage = (i: number): string =>
    [`FROM debian:12 AS s${i}`, `RUN curl -fsSL https://example.com/t${i}.sh -o /tmp/t.sh && sh /tmp/t.sh`, `ADD https://example.com/a${i}.tgz /opt/`, ''].join('\n');
  const text = Array.from({ length: 6 }, (_, i) => stage(i)).join('\n');
  const runs = new Map<string, number>();
  const counted = RULES.map((r) => ({
    ...r,
    check: (ctx: Parameters<typeof r.check>[0]) => {
      runs.set(r.id, (runs.get(r.id) ?? 0) + 1);
      r.check(ctx);
    },
  }));
  const options: AnalyzeOptions = { rules: counted };
  const inc = new IncrementalDocument(text);
  inc.analyze(options);
  const perPass = runs.get('download-unverified') ?? 0;
  assert.equal(perPass, 7, 'the stage-local rule runs once per stage and once on the part before the first FROM');
  let doc = TextDocument.create('file:///m', 'dockerfile', 1, text);
  const end1 = text.split('\n')[1]!.length;
  const changes: ContentChange[] = [
    // Enter at the end of the first RUN, then Backspace: every later stage moves by one line and back.
    { range: { start: { line: 1, character: end1 }, end: { line: 1, character: end1 } }, text: '\n' },
    { range: { start: { line: 1, character: end1 }, end: { line: 2, character: 0 } }, text: '' },
    // Three lines pasted into the second stage.
    { range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, text: 'ENV A=1\nENV B=2\nENV C=3\n' },
  ];
  for (const [n, change] of changes.entries()) {
    doc = TextDocument.update(doc, [change], n + 2);
    runs.clear();
    inc.update(doc.getText(), [change]);
    const mine = inc.analyze(options);
    // The part before the first FROM and the edited stage run again; the moved stages do not.
    assert.equal(runs.get('download-unverified'), 2, `edit ${n}: rule runs ${runs.get('download-unverified')}`);
    assert.deepEqual(mine, analyze(doc.getText(), options), `edit ${n}`);
    assert.ok(mine.findings.some((f) => f.ruleId === 'download-unverified' && f.range.start.line > 20), 'moved findings are there');
  }
});

test('renaming a stage rebuilds only the stages that refer to that name', () => {
  const lines: string[] = [];
  for (let i = 0; i < 6; i++) {
    lines.push(`FROM debian:12 AS s${i}`, `RUN curl -fsSL https://example.com/t${i}.sh -o /tmp/t.sh && sh /tmp/t.sh`);
    if (i === 4) lines.push('COPY --from=s2 /opt /opt');
  }
  const text = lines.join('\n') + '\n';
  const runs: number[] = [];
  const counted = RULES.map((r) => (r.id !== 'download-unverified' ? r : { ...r, check: (ctx: Parameters<typeof r.check>[0]) => (runs.push(ctx.model.stages[0]?.index ?? -1), r.check(ctx)) }));
  const options: AnalyzeOptions = { rules: counted };
  const inc = new IncrementalDocument(text);
  inc.analyze(options);
  const at = lines.indexOf('FROM debian:12 AS s2');
  const change: ContentChange = { range: { start: { line: at, character: 20 }, end: { line: at, character: 20 } }, text: 'x' };
  const doc = TextDocument.update(TextDocument.create('file:///r', 'dockerfile', 1, text), [change], 2);
  runs.length = 0;
  inc.update(doc.getText(), [change]);
  const mine = inc.analyze(options);
  assert.deepEqual(runs.sort(), [-1, 2, 4], 'the part before FROM, the renamed stage and the stage that copies from it');
  const full = analyze(doc.getText(), options);
  assert.deepEqual(mine, full);
  // COPY --from=s2 now names no stage: it reads as an image (or build context), in both analyses.
  assert.ok(full.model.images.some((u) => u.source === 'copy-from' && u.kind !== 'stage'));
});
