// Differential test: random edit sequences over the project's fixtures (the corpus run is in test/corpus), incremental
// analysis compared with a full analysis after every edit; moved, re-indexed and renamed stages reuse their work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type AnalyzeOptions } from '../../server/src/core/analyze';
import { RULES } from '../../server/src/core/rules';
import { IncrementalDocument, type ContentChange } from '../../server/src/core/incremental';
import { differential } from '../support/differential';
import { projectDockerfiles } from '../support/shared';
import { generateDockerfile } from '../../bench/gen';

test('incremental analysis equals full analysis after every random edit over the project\'s fixtures', () => {
  const files = projectDockerfiles();
  assert.ok(files.length >= 10);
  const { edits } = differential(files, 150);
  assert.ok(edits >= 1500, `only ${edits} edits checked`);
});

test('incremental analysis equals full analysis on a generated multi-stage file (COPY --from chains, heredocs, downloads in every stage)', () => {
  // bench/gen.ts: every stage copies out of the one before, so deleting, duplicating or moving stages changes
  // what the stage-local rules know about their consumers.
  const { edits } = differential([{ name: 'generated-600', text: generateDockerfile(600) }], 200);
  assert.equal(edits, 200);
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
    // Only the edited stage runs again (the part before the first FROM did not change); the moved stages do
    // not. The Backspace (edit 1) brings back the stage as it was before the Enter: that one is kept too.
    assert.equal(runs.get('download-unverified') ?? 0, n === 1 ? 0 : 1, `edit ${n}: rule runs ${runs.get('download-unverified')}`);
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
  const counted = RULES.map((r) => (r.id !== 'download-unverified' ? r : { ...r, check: (ctx: Parameters<typeof r.check>[0]) => (runs.push(ctx.model.partIndex ?? -1), r.check(ctx)) }));
  const options: AnalyzeOptions = { rules: counted };
  const inc = new IncrementalDocument(text);
  inc.analyze(options);
  const at = lines.indexOf('FROM debian:12 AS s2');
  const change: ContentChange = { range: { start: { line: at, character: 20 }, end: { line: at, character: 20 } }, text: 'x' };
  const doc = TextDocument.update(TextDocument.create('file:///r', 'dockerfile', 1, text), [change], 2);
  runs.length = 0;
  inc.update(doc.getText(), [change]);
  const mine = inc.analyze(options);
  assert.deepEqual(runs.sort(), [2, 4], 'the renamed stage and the stage that copies from it');
  const full = analyze(doc.getText(), options);
  assert.deepEqual(mine, full);
  // COPY --from=s2 now names no stage: it reads as an image (or build context), in both analyses.
  assert.ok(full.model.images.some((u) => u.source === 'copy-from' && u.kind !== 'stage'));
});

/** Six stages with downloads (so the stage-local download rules report), and a counter of their runs per stage part. */
function countedStages(): { text: string; runs: number[]; options: AnalyzeOptions } {
  const stage = (i: number): string =>
    [`FROM debian:12 AS s${i}`, `RUN curl -fsSL https://example.com/t${i}.sh -o /tmp/t.sh && sh /tmp/t.sh`, `ADD https://example.com/a${i}.tgz /opt/`, ''].join('\n');
  const text = Array.from({ length: 6 }, (_, i) => stage(i)).join('\n');
  const runs: number[] = [];
  const rules = RULES.map((r) => (r.id !== 'download-unverified' ? r : { ...r, check: (ctx: Parameters<typeof r.check>[0]) => (runs.push(ctx.model.partIndex ?? -1), r.check(ctx)) }));
  return { text, runs, options: { rules } };
}

/** Applies one change to both the TextDocument and the incremental document; returns the new analysis and the rule runs it took. */
function edit(inc: IncrementalDocument, doc: TextDocument, change: ContentChange, options: AnalyzeOptions, runs: number[]): { doc: TextDocument; result: ReturnType<IncrementalDocument['analyze']>; ran: number[] } {
  const next = TextDocument.update(doc, [change], doc.version + 1);
  runs.length = 0;
  inc.update(next.getText(), [change]);
  const result = inc.analyze(options);
  const ran = [...runs].sort((a, b) => a - b);
  assert.deepEqual(result, analyze(next.getText(), options), 'equal to a full analysis');
  return { doc: next, result, ran };
}

test('Enter above a stage keeps that stage and every later one (same Stage objects, no stage-local rule runs); findings above stay the same objects', () => {
  const { text, runs, options } = countedStages();
  const inc = new IncrementalDocument(text);
  const before = inc.analyze(options);
  const fromLine = (k: number): number => before.model.stageLines[k] as number;
  // Enter on the blank line right above stage 3's FROM (it belongs to stage 2, which has no instruction there).
  const at = { line: fromLine(3) - 1, character: 0 };
  const { doc, result, ran } = edit(inc, TextDocument.create('file:///e', 'dockerfile', 1, text), { range: { start: at, end: at }, text: '\n' }, options, runs);
  assert.deepEqual(ran, [], 'no stage-local rule runs');
  for (let k = 0; k < 6; k++) assert.equal(result.model.stages[k], before.model.stages[k], `stage ${k} is the same object`);
  assert.deepEqual(result.model.stageLines, before.model.stageLines.map((l, k) => (k >= 3 ? l + 1 : l)));
  // Findings of the stages that did not move are the same objects; those of the moved stages are one line down.
  const above = (f: { range: { start: { line: number } } }): boolean => f.range.start.line < fromLine(3);
  const keptBefore = before.findings.filter(above);
  assert.ok(keptBefore.length > 0);
  assert.deepEqual(result.findings.filter(above), keptBefore);
  for (const f of result.findings.filter(above)) assert.ok(keptBefore.includes(f), `${f.code} at ${f.range.start.line} is the same Finding object`);
  const moved = before.findings.filter((f) => !above(f)).map((f) => ({ ...f, range: { start: { ...f.range.start, line: f.range.start.line + 1 }, end: { ...f.range.end, line: f.range.end.line + 1 } }, anchorLine: (f.anchorLine as number) + 1 }));
  assert.deepEqual(
    result.findings.filter((f) => !above(f)).map(({ fixes: _f, data: _d, ...f }) => f),
    moved.map(({ fixes: _f, data: _d, ...f }) => f),
  );
  // Backspace: every stage back where it was, with its earlier Finding objects.
  const undo = edit(inc, doc, { range: { start: at, end: { line: at.line + 1, character: 0 } }, text: '' }, options, runs);
  assert.deepEqual(undo.ran, []);
  assert.equal(undo.result.findings.length, before.findings.length);
  for (const [n, f] of undo.result.findings.entries()) assert.equal(f, before.findings[n], `finding ${n} is the same object as before the Enter`);
  // Enter at the end of a RUN inside stage 1: stage 1 is rebuilt (its lines moved within it), no other stage.
  const end = { line: fromLine(1) + 1, character: text.split('\n')[fromLine(1) + 1]!.length };
  const second = edit(inc, undo.doc, { range: { start: end, end }, text: '\n' }, options, runs);
  assert.deepEqual(second.ran, [1]);
  for (let k = 0; k < 6; k++) if (k !== 1) assert.equal(second.result.model.stages[k], before.model.stages[k], `stage ${k} is the same object`);
  assert.notEqual(second.result.model.stages[1], before.model.stages[1]);
});

test('deleting a stage keeps the other stages (same objects, no rule runs), restoring it brings the same stage back; a pasted block rebuilds only the stage it lands in', () => {
  const { text, runs, options } = countedStages();
  const inc = new IncrementalDocument(text);
  const before = inc.analyze(options);
  const lines = before.model.stageLines;
  let doc = TextDocument.create('file:///d', 'dockerfile', 1, text);
  const range = { start: { line: lines[2] as number, character: 0 }, end: { line: lines[3] as number, character: 0 } };
  const removed = doc.getText(range);
  const del = edit(inc, doc, { range, text: '' }, options, runs);
  assert.deepEqual(del.ran, [], 'no stage-local rule runs for any stage');
  assert.equal(del.result.model.stages.length, 5);
  for (const [k, old] of [0, 1, 3, 4, 5].entries()) assert.equal(del.result.model.stages[k], before.model.stages[old], `old stage ${old} (now ${k}) is the same object`);
  // The later stages' images are now those of index k, placed at their new lines.
  assert.deepEqual(del.result.model.images.filter((u) => u.source === 'from').map((u) => u.stageIndex), [0, 1, 2, 3, 4]);
  doc = del.doc;
  const back = edit(inc, doc, { range: { start: range.start, end: range.start }, text: removed }, options, runs);
  assert.deepEqual(back.ran, [], 'the restored stage is the one deleted: nothing runs');
  for (const k of [0, 1, 2, 3, 4, 5]) assert.equal(back.result.model.stages[k], before.model.stages[k], `stage ${k} is the same object`);
  doc = back.doc;
  // 50 lines pasted into stage 1 (before stage 2's FROM).
  const block = Array.from({ length: 50 }, (_, i) => `ENV P${i}=${i}`).join('\n') + '\n';
  const at = { line: lines[2] as number, character: 0 };
  const paste = edit(inc, doc, { range: { start: at, end: at }, text: block }, options, runs);
  assert.deepEqual(paste.ran, [1]);
  for (const k of [0, 3, 4, 5]) assert.equal(paste.result.model.stages[k], before.model.stages[k], `stage ${k} is the same object`);
  assert.equal(paste.result.model.stages[2], back.result.model.stages[2], 'the restored stage is kept too');
  assert.equal(paste.result.model.stageLines[5], (lines[5] as number) + 50);
});

test('stages swallowed by an unclosed heredoc come back as the same objects, without rule runs, when it is closed again', () => {
  const { text: base, runs, options } = countedStages();
  const lines = base.split('\n');
  const at = lines.indexOf('FROM debian:12 AS s1') + 1;
  lines.splice(at, 0, 'RUN <<EOF', 'echo hi', 'EOF');
  const text = lines.join('\n');
  const inc = new IncrementalDocument(text);
  const before = inc.analyze(options);
  assert.equal(before.model.stages.length, 6);
  const end = { line: at, character: 'RUN <<EOF'.length };
  const open = edit(inc, TextDocument.create('file:///h', 'dockerfile', 1, text), { range: { start: end, end }, text: 'X' }, options, runs);
  assert.equal(open.result.model.stages.length, 2, 'the heredoc now runs to the end of the file');
  const closed = edit(inc, open.doc, { range: { start: end, end: { line: at, character: end.character + 1 } }, text: '' }, options, runs);
  assert.deepEqual(closed.ran, [], 'every stage is one seen before');
  for (let k = 0; k < 6; k++) assert.equal(closed.result.model.stages[k], before.model.stages[k], `stage ${k} is the same object`);
});

test('what other stages copy out of a stage is part of its reports: they are redone when it changes, kept when it does not', () => {
  const text = ['FROM debian:12 AS fetch', 'RUN curl -fsSL -o /opt/tool https://example.com/tool', 'FROM debian:12 AS final', 'COPY --from=fetch /opt/tool /usr/bin/tool', ''].join('\n');
  const runs: number[] = [];
  const rules = RULES.map((r) => (r.id !== 'download-unverified' ? r : { ...r, check: (ctx: Parameters<typeof r.check>[0]) => (runs.push(ctx.model.partIndex ?? -1), r.check(ctx)) }));
  const options: AnalyzeOptions = { rules };
  const inc = new IncrementalDocument(text);
  const message = (r: ReturnType<IncrementalDocument['analyze']>): string => r.findings.find((f) => f.ruleId === 'download-unverified')?.message ?? '';
  assert.match(message(inc.analyze(options)), /copied into stage final \(COPY --from\)/);
  let doc = TextDocument.create('file:///c', 'dockerfile', 1, text);
  // The consumer renamed: the producer's report says the new name.
  const rename = edit(inc, doc, { range: { start: { line: 2, character: 23 }, end: { line: 2, character: 23 } }, text: '2' }, options, runs);
  assert.deepEqual(rename.ran, [0, 1]);
  assert.match(message(rename.result), /copied into stage final2 \(COPY --from\)/);
  doc = rename.doc;
  // A line added above the consumer: it only moves and nothing it copies changed; nothing runs again.
  const enter = edit(inc, doc, { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: '\n' }, options, runs);
  assert.deepEqual(enter.ran, []);
  doc = enter.doc;
  // The consumer copies another path: the producer's file is no longer said to be copied.
  const other = edit(inc, doc, { range: { start: { line: 4, character: 23 }, end: { line: 4, character: 27 } }, text: 'other' }, options, runs);
  assert.deepEqual(other.ran, [0, 1]);
  assert.doesNotMatch(message(other.result), /copied into/);
});
