// Differential check of the incremental analysis: seeded random edit sequences, compared with a full analysis after every edit.
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, runRules, type AnalyzeOptions } from '../../server/src/core/analyze';
import { RULES } from '../../server/src/core/rules';
import { IncrementalDocument, type ContentChange } from '../../server/src/core/incremental';
import type { Range } from '../../server/src/core/types';
import { syntheticFacts } from './syntheticFacts';

/** mulberry32: small, seeded, good enough to pick edits reproducibly. */
export function prng(seed: number): () => number {
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

export function randomChange(doc: TextDocument, rnd: () => number): ContentChange {
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

/**
 * Edits that change many lines at once, as with Enter/Backspace at a line end, pasting or cutting a block of
 * lines, or deleting or duplicating a whole stage (the stages after it change index).
 */
export function blockChange(doc: TextDocument, rnd: () => number): ContentChange {
  const n = doc.lineCount;
  const lineText = (l: number): string => doc.getText({ start: { line: l, character: 0 }, end: { line: l + 1, character: 0 } }).replace(/\r?\n$|\r$/, '');
  const at = (l: number): { line: number; character: number } => ({ line: l, character: 0 });
  const roll = rnd();
  const line = Math.floor(rnd() * n);
  if (roll < 0.25) {
    // Enter at the end of a line, or Backspace at the start of the next one.
    const end = { line, character: lineText(line).length };
    return rnd() < 0.5 || line + 1 >= n ? { range: { start: end, end }, text: '\n' } : { range: { start: end, end: at(line + 1) }, text: '' };
  }
  if (roll < 0.55) {
    // Paste a copy of 2–60 lines from elsewhere at the start of a line.
    const from = Math.floor(rnd() * n);
    const block = doc.getText({ start: at(from), end: at(Math.min(n, from + 2 + Math.floor(rnd() * 59))) });
    return { range: { start: at(line), end: at(line) }, text: block.endsWith('\n') ? block : block + '\n' };
  }
  if (roll < 0.7) {
    // Cut 2–60 whole lines.
    return { range: { start: at(line), end: at(Math.min(n, line + 2 + Math.floor(rnd() * 59))) }, text: '' };
  }
  // Delete or duplicate a whole stage (from its FROM to the next FROM).
  const froms: number[] = [];
  for (let l = 0; l < n; l++) if (/^\s*from\s/i.test(lineText(l))) froms.push(l);
  if (froms.length === 0) return { range: { start: at(line), end: at(line) }, text: 'FROM alpine:3.19 AS pasted\nRUN true\n' };
  const k = Math.floor(rnd() * froms.length);
  const range = { start: at(froms[k] as number), end: at(froms[k + 1] ?? n) };
  if (rnd() < 0.6) return { range, text: '' };
  const stage = doc.getText(range);
  return { range: { start: range.start, end: range.start }, text: stage.endsWith('\n') ? stage : stage + '\n' };
}

/** The same rules with the stage-local declaration removed: the engine then runs each on the whole model. */
const WHOLE_MODEL_RULES = RULES.map(({ locality: _locality, ...r }) => r);

// The last: facts for every image (one object for the whole sequence, as the editor holds one between keystrokes).
const OPTIONS: readonly AnalyzeOptions[] = [{}, { buildArgs: { TAG: '1.0', BASE: 'alpine:3.20' }, platform: 'linux/arm64' }, { severities: { 'base-image-unpinned': 'off' } }, { facts: syntheticFacts() }];

export function differential(files: readonly { name: string; text: string }[], EDITS_PER_FILE: number): { edits: number; findings: number; localityChecks: number } {
  const rnd = prng(0x5eed);
  let edits = 0;
  let findings = 0;
  let version = 1;
  let localityChecks = 0;
  for (const [fi, { name, text: original }] of files.entries()) {
    let text = original;
    // Some files as CRLF, to exercise the Windows line breaks.
    if (fi % 9 === 0) text = text.replace(/\r?\n/g, '\r\n');
    const options = OPTIONS[fi % OPTIONS.length] as AnalyzeOptions;
    let doc = TextDocument.create('file:///' + name, 'dockerfile', version, text);
    const inc = new IncrementalDocument(text);
    assert.deepEqual(inc.analyze(options), analyze(text, options), `${name}: after open`);
    for (let e = 0; e < EDITS_PER_FILE; e++) {
      // Sometimes several changes in one notification.
      const batch = [rnd() < 0.08 ? blockChange(doc, rnd) : randomChange(doc, rnd)];
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
        assert.deepEqual(mine.model.stages, full.model.stages, `${name}: instructions after edit ${e} ${JSON.stringify(batch)}`);
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
  return { edits, findings, localityChecks };
}

