// The download dataflow through its public entry point, and its behaviour on pathological input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelOf } from '../../../server/src/core/analyze';
import { analyzeDownloads } from '../../../server/src/core/downloads';
import { runAnalysis } from '../../../server/src/core/downloads/analyze';
import { parseDocument } from '../../../server/src/core/parse';
import { stageInstructionsAt } from '../../../server/src/core/model';
import { runScript } from '../../../server/src/core/shell/source';
import { chainDockerfile as chain, heredocDockerfile as heredoc, nestedDockerfile as nested } from './pathological';

function downloads(text: string) {
  return analyzeDownloads(modelOf(parseDocument(text)));
}

test('each fetch is recorded with its tool, URL, outputs, status and uses', () => {
  const a = downloads(`FROM alpine:3.20\nENV V=1.2\nRUN curl -fsSL -o /tmp/t.tgz https://example.com/t-$V.tgz && tar -xzf /tmp/t.tgz && wget -q https://example.com/x.sh && sh x.sh\n`);
  assert.deepEqual(
    a.downloads.map((d) => [d.tool, d.url, d.resolvedUrl, d.outputs, d.status, d.uses]),
    [
      ['curl', 'https://example.com/t-$V.tgz', 'https://example.com/t-1.2.tgz', ['/tmp/t.tgz'], 'unverified', ['extracted by tar']],
      ['wget', 'https://example.com/x.sh', 'https://example.com/x.sh', ['x.sh'], 'unverified', ['executed by sh']],
    ],
  );
});

test('a check in a later RUN of the same stage counts; one in another stage does not', () => {
  const sha = 'a'.repeat(64);
  const a = downloads(`FROM alpine:3.20 AS a\nRUN wget -O /x https://example.com/x\nRUN echo "${sha}  /x" | sha256sum -c -\nFROM alpine:3.20\nRUN wget -O /x https://example.com/x\nFROM alpine:3.20\nRUN echo "${sha}  /x" | sha256sum -c -\n`);
  assert.deepEqual(a.downloads.map((d) => d.status), ['verified', 'unverified']);
});

test('ranges point at the URL across continuation lines and escape=`', () => {
  const text = '# escape=`\nFROM alpine:3.20\nRUN curl -fsSL `\n    -o /a `\n    https://example.com/a\n';
  const [d] = downloads(text).downloads;
  assert.ok(d);
  const line = text.split('\n')[d.range.start.line] ?? '';
  assert.equal(line.slice(d.range.start.character, d.range.end.character), 'https://example.com/a');
});

test('comment lines inside a continuation are dropped from the script (and remembered)', () => {
  const m = modelOf(parseDocument('FROM alpine:3.20\nRUN a \\\n# sha256sum -c x\n  && b\n'));
  const run = stageInstructionsAt(m, 0).find((i) => i.keyword === 'RUN');
  assert.ok(run);
  const s = runScript(run, m.lines, '\\');
  assert.equal(s?.text, 'a   && b');
  assert.deepEqual(s?.droppedComments, ['# sha256sum -c x']);
});

test('the analysis is cached per model', () => {
  const m = modelOf(parseDocument('FROM alpine:3.20\nRUN curl -o a https://example.com/a\n'));
  assert.equal(analyzeDownloads(m), analyzeDownloads(m));
});

test('pathological input: 10,000-line heredoc, 5,000 chained &&, deep $( … ) nesting finish, do not throw, find every fetch', { timeout: 120_000 }, () => {
  // How the cost grows with the input is measured by `npm run bench` (pathological inputs: heredoc, chain, nested).
  for (const [name, gen, base, perUnit] of [
    ['heredoc lines', heredoc, 10000, 0.01],
    ['chained &&', chain, 5000, 0.01],
    ['nested $( )', nested, 5000, 0],
  ] as const) {
    for (const k of [1, 4]) {
      let count = -1;
      assert.doesNotThrow(() => {
        count = runAnalysis(modelOf(parseDocument(gen(base * k)))).downloads.length;
      }, `${name} x${k}`);
      if (perUnit > 0) assert.equal(count, Math.round(base * k * perUnit), `${name} x${k}: every fetch found`);
    }
  }
});
