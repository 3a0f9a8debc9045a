// Differential test: random edit sequences over the project's fixtures (the corpus run is in test/corpus), incremental
// analysis compared with a full analysis after every edit; moved and renamed stages reuse their work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type AnalyzeOptions } from '../../server/src/core/analyze';
import { RULES } from '../../server/src/core/rules';
import { IncrementalDocument, type ContentChange } from '../../server/src/core/incremental';
import { differential } from '../support/differential';
import { projectDockerfiles } from '../support/shared';

test('incremental analysis equals full analysis after every random edit over the project\'s fixtures', () => {
  const files = projectDockerfiles();
  assert.ok(files.length >= 10);
  const { edits } = differential(files, 150);
  assert.ok(edits >= 1500, `only ${edits} edits checked`);
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
