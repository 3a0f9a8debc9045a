// Every rule has metadata, a docs page and a table test; ids and codes are unique (the build fails otherwise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../server/src/core/rules';
import { REPO_ROOT } from '../support/paths';
import { projectDockerfiles } from '../support/shared';
import { analyze, collectReports, activeRules, type RawReport } from '../../server/src/core/analyze';
import { NO_FACTS } from '../../server/src/core/facts';

test('rules: unique ids and codes, kebab-case ids matching their files', () => {
  const ids = new Set<string>();
  const codes = new Set<string>();
  for (const r of RULES) {
    assert.match(r.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.match(r.code, /^DT\d{3}$/);
    assert.ok(!ids.has(r.id), `duplicate id ${r.id}`);
    assert.ok(!codes.has(r.code), `duplicate code ${r.code}`);
    ids.add(r.id);
    codes.add(r.code);
    assert.ok(r.description.length > 10, `${r.id} has a description`);
    assert.ok(fs.existsSync(path.join(REPO_ROOT, 'server', 'src', 'core', 'rules', `${r.id}.ts`)), `${r.id}: server/src/core/rules/${r.id}.ts`);
  }
});

for (const r of RULES) {
  test(`${r.id}: docs page with what/why/examples and a table test`, () => {
    const doc = path.join(REPO_ROOT, 'docs', 'rules', `${r.id}.md`);
    assert.ok(fs.existsSync(doc), `missing docs/rules/${r.id}.md`);
    const text = fs.readFileSync(doc, 'utf8');
    assert.ok(text.includes(r.code), `docs/rules/${r.id}.md names its code ${r.code}`);
    assert.match(text, /## What/);
    assert.match(text, /## Why/);
    const t = path.join(REPO_ROOT, 'test', 'unit', 'rules', `${r.id}.test.ts`);
    assert.ok(fs.existsSync(t), `missing test/unit/rules/${r.id}.test.ts`);
  });
}

test('README lists every rule with its code and default severity', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  for (const r of RULES) {
    assert.ok(readme.includes(`| ${r.code} | [${r.id}](docs/rules/${r.id}.md) | ${r.defaultSeverity} |`), `README row for ${r.code} ${r.id} (${r.defaultSeverity})`);
  }
});

test('facts-phase rules are silent without facts (so analysis may skip them when there is no facts source)', () => {
  const factsRules = RULES.filter((r) => r.phase === 'facts');
  assert.ok(factsRules.length >= 7);
  // The project's fixtures here; every corpus file in test/corpus/engine.test.ts.
  const files = projectDockerfiles();
  assert.ok(files.length >= 10);
  for (const f of files) {
    const { model } = analyze(f.text, { phase: 'syntax' });
    const out: RawReport[] = [];
    collectReports(model, factsRules, NO_FACTS, out);
    assert.deepEqual(out.map((r) => `${r.rule.id}: ${r.report?.message ?? r.error}`), [], f.name);
  }
  // And they do run when a facts source is given, even one that knows nothing yet.
  const some = { get: () => undefined };
  assert.equal(activeRules({ facts: some }).length, RULES.length);
  assert.equal(activeRules({}).length, RULES.length - factsRules.length);
});
