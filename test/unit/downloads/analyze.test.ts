// The download dataflow through its public entry point, and its behaviour on pathological input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelOf } from '../../../server/src/core/analyze';
import { analyzeDownloads } from '../../../server/src/core/downloads';
import { runAnalysis } from '../../../server/src/core/downloads/analyze';
import { parseDocument } from '../../../server/src/core/parse';
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
  const run = m.instructions.find((i) => i.keyword === 'RUN');
  assert.ok(run);
  const s = runScript(run, m.lines, '\\');
  assert.equal(s?.text, 'a   && b');
  assert.deepEqual(s?.droppedComments, ['# sha256sum -c x']);
});

test('the analysis is cached per model', () => {
  const m = modelOf(parseDocument('FROM alpine:3.20\nRUN curl -o a https://example.com/a\n'));
  assert.equal(analyzeDownloads(m), analyzeDownloads(m));
});

/** Best of three runs of the analysis alone (uncached; the model is built once, outside the timing). */
function timeIt(text: string): { ms: number; count: number } {
  let best = Infinity;
  let count = 0;
  const m = modelOf(parseDocument(text));
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    const a = runAnalysis(m);
    best = Math.min(best, performance.now() - t);
    count = a.downloads.length;
  }
  return { ms: best, count };
}

test('pathological input: 10,000-line heredoc, 5,000 chained &&, deep $( … ) nesting finish, do not throw, scale linearly', () => {
  const report: string[] = [];
  for (const [name, gen, base, perUnit] of [
    ['heredoc lines', heredoc, 10000, 0.01],
    ['chained &&', chain, 5000, 0.01],
    ['nested $( )', nested, 5000, 0],
  ] as const) {
    const times: number[] = [];
    for (const k of [1, 2, 4]) {
      let r = { ms: 0, count: 0 };
      assert.doesNotThrow(() => {
        r = timeIt(gen(base * k));
      }, `${name} x${k}`);
      if (perUnit > 0) assert.equal(r.count, Math.round(base * k * perUnit), `${name} x${k}: every fetch found`);
      times.push(r.ms);
      report.push(`${name} ${base * k}: ${r.ms.toFixed(1)} ms (${r.count} downloads)`);
    }
    // Linear means 4x the input costs about 4x; quadratic would be 16x. Allow noise on a shared machine.
    // Sub-20 ms timings are mostly timer and GC noise: floor the base so noise cannot fake a superlinear ratio.
    const ratio = (times[2] as number) / Math.max(20, times[0] as number);
    report.push(`${name}: x4 input took ${ratio.toFixed(1)}x the time`);
    assert.ok(ratio < 10, `${name}: 4x input took ${ratio.toFixed(1)}x the time (not linear)`);
  }
  console.log(report.join('\n'));
});
