// Engine checks over every corpus file: the incremental differential, facts-phase silence, shared parse trees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, activeRules, collectReports, type RawReport } from '../../server/src/core/analyze';
import { NO_FACTS } from '../../server/src/core/facts';
import { RULES } from '../../server/src/core/rules';
import { parseShell, sharedParses } from '../../server/src/core/shell/parse';
import { differential } from '../support/differential';
import { corpusDockerfiles, sharedData } from '../support/shared';

const corpus = sharedData('corpus', 'the engine checks over the real-world corpus');

test('incremental analysis equals full analysis after every random edit over the corpus', { skip: corpus.skip }, () => {
  const files = corpusDockerfiles(corpus.dir);
  assert.ok(files.length >= 100, `corpus too small at ${corpus.dir}`);
  const { edits } = differential(files, 20);
  assert.ok(edits >= 3000, `only ${edits} edits checked`);
});

test('facts-phase rules are silent without facts over every corpus file', { skip: corpus.skip }, () => {
  const factsRules = RULES.filter((r) => r.phase === 'facts');
  const files = corpusDockerfiles(corpus.dir);
  assert.ok(files.length >= 180);
  for (const f of files) {
    const { model } = analyze(f.text, { phase: 'syntax' });
    const out: RawReport[] = [];
    collectReports(model, factsRules, NO_FACTS, out);
    assert.deepEqual(out.map((r) => `${r.rule.id}: ${r.report?.message ?? r.error}`), [], f.name);
  }
  assert.equal(activeRules({ facts: { get: () => undefined } }).length, RULES.length);
});

test('shared parse trees: analysing every corpus file twice changes no tree, and the second pass gives the same findings', { skip: corpus.skip }, () => {
  const texts = corpusDockerfiles(corpus.dir).map((f) => f.text);
  const first = texts.map((t) => JSON.stringify(analyze(t).findings));
  const trees = sharedParses();
  assert.ok(trees.size > 500, `scripts shared: ${trees.size}`);
  for (const [text, tree] of trees) assert.deepEqual(tree, parseShell(text));
  const second = texts.map((t) => JSON.stringify(analyze(t).findings));
  assert.deepEqual(second, first);
});
