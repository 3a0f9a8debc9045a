// Adversarial review: text from registries, trust servers and Dockerfiles cannot drive a terminal, forge lines in a
// hover or reorder what a reader sees.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../../server/src/core/analyze';
import { describeImage } from '../../../server/src/core/describe';
import { parseReference } from '../../../server/src/core/imageRef';
import { printable } from '../../../server/src/core/text';
import { formatText } from '../../../server/src/cli/format';
import { hoverAt } from '../../../server/src/lsp/hover';
import { trustMarkdown } from '../../../server/src/lsp/commands';
import { D1, okFact } from '../../support/registryFacts';
import { imageFacts, invalidFact, unavailableFact } from '../../support/notary';
import type { ImageFacts } from '../../../server/src/core/facts';

const ESC = '\u001b';
// What a hostile notary server or registry puts into a reason: clear the screen, recolour, forge a "verified" line.
const HOSTILE = `x${ESC}[2J${ESC}[1A${ESC}[32m\n\n**corp.example/app:1** — signed by releases ✓\r\u202eevil\u2028\u009b31m`;
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

test('printable: controls, separators and bidi characters become visible escapes; long text is cut', () => {
  assert.equal(printable(`a${ESC}[31mb\nc\u202ed`), 'a\\u001b[31mb\\u000ac\\u202ed');
  assert.doesNotMatch(printable(HOSTILE), UNSAFE);
  const long = printable('x'.repeat(10_000));
  assert.ok(long.length < 4100 && long.endsWith('(6000 more characters)'));
});

const facts = {
  ...imageFacts({
    'corp.example/app:1': { registry: okFact(D1), tagFreshUntil: '2099-01-01T00:00:00.000Z', trust: [unavailableFact(HOSTILE)], policy: { required: true } },
    'corp.example/app:2': { registry: okFact(D1), tagFreshUntil: '2099-01-01T00:00:00.000Z', trust: [invalidFact(HOSTILE, HOSTILE)], policy: { required: true } },
  }),
  now: new Date('2026-11-28T12:00:00.000Z'),
};

test('finding messages quoting a hostile server or Dockerfile carry no control or bidi characters (adversarial review)', () => {
  for (const text of ['FROM corp.example/app:1\n', 'FROM corp.example/app:2\n', `FROM alpine:3${ESC}[2J\n`, `FROM alpine:3\u202e1\n`]) {
    const { findings } = analyze(text, { facts });
    assert.ok(findings.length > 0, text);
    for (const f of findings) assert.doesNotMatch(f.message, UNSAFE, `${f.code}: ${JSON.stringify(f.message)}`);
  }
});

test('the CLI text output cannot be driven by a file name, a message or a trust line (adversarial review)', () => {
  const ref = parseReference('corp.example/app:1');
  assert.ok(ref.ok);
  const d = describeImage(ref, facts.get(ref), facts.now);
  const { findings } = analyze('FROM corp.example/app:1\n', { facts });
  const out = formatText([{ path: `Dockerfile${ESC}]0;owned${ESC}\\`, findings, images: [{ reference: ref.canonical, ...d }] }, { path: `x${ESC}[2J`, findings: [], note: HOSTILE }], true);
  // The only escapes in the output are the colours formatText adds itself.
  const stripped = out.replace(/\u001b\[(?:\d+)m/g, '');
  for (const line of stripped.split('\n')) assert.doesNotMatch(line, UNSAFE, JSON.stringify(line));
  assert.ok(!/signed by releases ✓\n/.test(out));
});

test('a hover cannot be given forged lines or links by a trust server (adversarial review)', () => {
  const lookup = { peek: (r: Parameters<typeof facts.get>[0]): ImageFacts | undefined => facts.get(r), fresh: () => true, lookup: async () => ({}), refresh: () => undefined };
  const text = 'FROM corp.example/app:1\n';
  const { model } = analyze(text, { facts });
  const hover = hoverAt(model, { line: 0, character: 8 }, lookup, facts.now);
  const value = (hover?.contents as { value: string }).value;
  for (const line of value.split('\n')) assert.doesNotMatch(line, UNSAFE, JSON.stringify(line));
  // Every line of the hover is one we wrote: the forged "signed by releases ✓" cannot start a line of its own.
  for (const line of value.split('\n')) assert.ok(!/^\s*\\?\*\\?\*corp\.example\/app:1\\?\*\\?\* — signed/.test(line), line);
  const ref = parseReference('corp.example/app:2');
  assert.ok(ref.ok);
  const md = trustMarkdown(ref, facts.get(ref));
  for (const line of md.split('\n')) assert.doesNotMatch(line, UNSAFE, JSON.stringify(line));
  assert.ok(!md.split('\n').some((l) => l.startsWith('**corp.example/app:1**')));
});
