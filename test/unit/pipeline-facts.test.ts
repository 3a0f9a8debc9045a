// The editor pipeline keeps one facts object between keystrokes while the answers it read stand, so unchanged
// stages keep their reports; a changed answer, or the clock passing a moment a verdict depends on, re-judges.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageFacts } from '../../server/src/core/facts';
import type { ParsedReference } from '../../server/src/core/imageRef';
import { DocumentPipeline, FACTS_CLOCK_MS } from '../../server/src/pipeline/analysis';
import { DEFAULT_ANALYSIS } from '../../server/src/protocol';
import type { ImageLookup } from '../../server/src/trust/service';
import { D1, D2, D3, okFact } from '../support/registryFacts';

const TEXT = ['FROM alpine:3.19@' + D1 + ' AS base', 'RUN echo one', '', 'FROM base AS app', 'RUN echo two', ''].join('\n');
const NEWER = 'registry-newer-digest';

/** A lookup whose stored answers the test replaces, as another document's lookup or a refresh would. */
function lookupOf(answers: Map<string, ImageFacts>): ImageLookup & { peeks: number } {
  const l = {
    peeks: 0,
    peek(ref: ParsedReference) {
      l.peeks++;
      return answers.get(ref.name);
    },
    fresh: () => true,
    lookup: (ref: ParsedReference) => Promise.resolve(answers.get(ref.name) ?? {}),
    refresh: () => undefined,
  };
  return l;
}

function newer(p: DocumentPipeline, lookup: ImageLookup) {
  const r = p.analyze(DEFAULT_ANALYSIS, lookup);
  const f = r.findings.find((x) => x.ruleId === NEWER);
  assert.ok(f !== undefined, `expected a ${NEWER} finding, got ${r.findings.map((x) => x.ruleId).join(', ')}`);
  return f;
}

/** Types a character into the second stage (the first stage, with the image, is untouched). */
function typeInSecondStage(p: DocumentPipeline, text: string): string {
  const next = text.replace('echo two', 'echo twoo');
  p.update(next, [{ range: { start: { line: 4, character: 12 }, end: { line: 4, character: 12 } }, text: 'o' }]);
  return next;
}

test('a keystroke elsewhere keeps the findings judged from answers that did not change', () => {
  const answers = new Map<string, ImageFacts>([['docker.io/library/alpine', { registry: okFact(D2) }]]);
  const lookup = lookupOf(answers);
  let now = Date.parse('2026-12-03T10:00:00Z');
  const p = new DocumentPipeline(TEXT, () => now);
  const first = newer(p, lookup);
  assert.match(first.message, new RegExp(D2.slice(7, 19)));
  typeInSecondStage(p, TEXT);
  now += 1000;
  assert.equal(newer(p, lookup), first, 'same answer, same facts: the stage report is reused, not re-judged');
});

test('an answer replaced in the shared cache re-judges at the next keystroke', () => {
  const answers = new Map<string, ImageFacts>([['docker.io/library/alpine', { registry: okFact(D2) }]]);
  const lookup = lookupOf(answers);
  const p = new DocumentPipeline(TEXT, () => Date.parse('2026-12-03T10:00:00Z'));
  const first = newer(p, lookup);
  // Another document's lookup stored a new answer: the tag moved again.
  answers.set('docker.io/library/alpine', { registry: okFact(D3) });
  typeInSecondStage(p, TEXT);
  const second = newer(p, lookup);
  assert.notEqual(second, first);
  assert.match(second.message, new RegExp(D3.slice(7, 19)));
  // An answer that disappears (refresh, eviction) is re-judged too: the finding goes.
  answers.delete('docker.io/library/alpine');
  const r = p.analyze(DEFAULT_ANALYSIS, lookup);
  assert.equal(r.findings.some((x) => x.ruleId === NEWER), false);
});

test('the clock re-judges at the latest after FACTS_CLOCK_MS, and exactly when a tag answer stops being fresh', () => {
  const t0 = Date.parse('2026-12-03T10:00:00Z');
  let now = t0;
  const stable = new Map<string, ImageFacts>([['docker.io/library/alpine', { registry: okFact(D2) }]]);
  const p = new DocumentPipeline(TEXT, () => now);
  const lookup = lookupOf(stable);
  const a = newer(p, lookup);
  now = t0 + FACTS_CLOCK_MS - 1;
  assert.equal(newer(p, lookup), a);
  now = t0 + FACTS_CLOCK_MS;
  assert.notEqual(newer(p, lookup), a, 'verdicts made at one moment are made again after the clock period');

  const until = new Date(t0 + 5000).toISOString();
  const freshBound = new Map<string, ImageFacts>([['docker.io/library/alpine', { registry: okFact(D2), tagFreshUntil: until }]]);
  const lookup2 = lookupOf(freshBound);
  now = t0;
  const q = new DocumentPipeline(TEXT, () => now);
  const b = newer(q, lookup2);
  now = t0 + 5000;
  assert.equal(newer(q, lookup2), b, 'still fresh at tagFreshUntil itself');
  now = t0 + 5001;
  assert.notEqual(newer(q, lookup2), b, 'past tagFreshUntil the verdict is made again');
});

test('lookups switched off drop the held facts', () => {
  const answers = new Map<string, ImageFacts>([['docker.io/library/alpine', { registry: okFact(D2) }]]);
  const lookup = lookupOf(answers);
  const p = new DocumentPipeline(TEXT, () => Date.parse('2026-12-03T10:00:00Z'));
  newer(p, lookup);
  const off = p.analyze(DEFAULT_ANALYSIS, undefined);
  assert.equal(off.findings.some((x) => x.ruleId === NEWER), false);
  const again = newer(p, lookup);
  assert.match(again.message, new RegExp(D2.slice(7, 19)));
});
