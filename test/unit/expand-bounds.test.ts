// Issue 12 #6: variable expansion is bounded in size and work; an over-long value is "unresolved" with a
// clear finding, the core never throws, and one hostile file never hides another's findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../server/src/core/analyze';
import { expand, MAX_EXPANSION } from '../../server/src/core/expand';
import { IncrementalDocument } from '../../server/src/core/incremental';
import { main } from '../../server/src/cli/main';

/** ARG A0=x, ARG A1=$A0$A0, … : the value doubles per line (2^n characters unbounded). */
function doubling(lines: number, kind: 'ARG' | 'ENV' = 'ARG', use = 'FROM alpine:$A'): string {
  let s = kind === 'ENV' ? 'FROM busybox:1\n' : '';
  s += `${kind} A0=x\n`;
  for (let i = 1; i < lines; i++) s += `${kind} A${i}=$A${i - 1}$A${i - 1}\n`;
  return s + `${use}${lines - 1}\n`;
}

test('expansion: a value never grows past MAX_EXPANSION; the variable that pushed it over is unknown and named', () => {
  const big = 'x'.repeat(MAX_EXPANSION - 10);
  const vars: Record<string, string> = { BIG: big, S: 'short' };
  const lookup = (n: string): string | undefined => vars[n];
  const ok = expand('$BIG', lookup);
  assert.equal(ok.value.length, big.length);
  assert.deepEqual(ok.unresolved, []);
  const over = expand('$BIG$BIG', lookup);
  assert.ok(over.value.length <= MAX_EXPANSION);
  assert.deepEqual(over.unresolved, ['BIG']);
  assert.deepEqual(over.tooLong, ['BIG']);
  // Defaults are expanded through the same cap, also nested.
  assert.deepEqual(expand('${NOPE:-$BIG$BIG}', lookup).tooLong, ['BIG']);
  assert.deepEqual(expand('${S:+${S:+$BIG$BIG}}', lookup).tooLong, ['BIG']);
  // A variable another scope marked as too long is unknown whatever the operator (it is set, just not kept).
  const marked = (n: string): boolean => n === 'GONE';
  for (const text of ['$GONE', '${GONE}', '${GONE:-d}', '${GONE:+a}', '${GONE-d}']) {
    const e = expand(text, () => undefined, '\\', marked);
    assert.deepEqual(e.unresolved, ['GONE'], text);
    assert.deepEqual(e.tooLong, ['GONE'], text);
  }
});

test('expansion: deeply nested defaults stop at a fixed depth instead of recursing through the whole text', () => {
  const depth = 5000;
  const text = '${A:-'.repeat(depth) + 'x' + '}'.repeat(depth);
  const e = expand(text, () => undefined);
  assert.ok(e.unresolved.includes('A'));
  assert.ok(e.value.length < 100);
});

test('doubling ARGs (25, 27, 200 lines) end as one clear DT104 finding each, no exception, values capped', () => {
  for (const n of [25, 27, 200]) {
    const text = doubling(n);
    const r = analyze(text);
    const dt104 = r.findings.filter((f) => f.code === 'DT104');
    assert.equal(dt104.length, 1, `${n} lines: ${r.findings.map((f) => f.message).join(' | ')}`);
    assert.match(dt104[0]!.message, new RegExp(`value of \\$A${n - 1} would be longer than 32,768 characters`));
    assert.ok(!r.findings.some((f) => f.code === 'DT000'), 'no internal error');
    const use = r.model.images[0]!;
    assert.equal(use.kind, 'unresolved');
    assert.deepEqual(use.tooLongVariables, [`A${n - 1}`]);
  }
});

test('doubling ENVs inside a stage: the image and the download analysis see an unknown value, not a huge one', () => {
  const text = doubling(40, 'ENV', 'RUN curl -fsSL -o /tmp/i.sh https://example.com/$A') + 'RUN sh /tmp/i.sh\n';
  const r = analyze(text);
  assert.ok(!r.findings.some((f) => f.code === 'DT000'));
  for (const f of r.findings) assert.ok(f.message.length < 2000, `message of ${f.code} is ${f.message.length} characters`);
  const dl = r.findings.find((f) => f.code === 'DT201');
  assert.ok(dl, 'the download executed unchecked is still reported');
  const copyFrom = analyze(doubling(40, 'ENV', 'COPY --from=alpine:$A')).model.images.find((u) => u.source === 'copy-from');
  assert.equal(copyFrom?.kind, 'unresolved');
  assert.deepEqual(copyFrom?.tooLongVariables, ['A39']);
});

test('doubling shell variables inside a RUN (A=$A$A, 3 to 200 times): the download is still reported, its value capped, its message short', () => {
  for (const n of [3, 20, 40, 200]) {
    const text = `FROM alpine:3.20\nRUN A=https://example.com/x${' && A=$A$A'.repeat(n)} && curl -o /tmp/f "$A" && sh /tmp/f\n`;
    const found = analyze(text).findings.filter((f) => f.code === 'DT201');
    assert.equal(found.length, 1, `n=${n}: the unverified download is reported once`);
    assert.ok(found[0]!.message.length < 1000, `n=${n}: a ${found[0]!.message.length}-character message`);
    assert.match(found[0]!.message, /curl of \$A/);
  }
});

test('a URL longer than a message should quote is shown by its start and end', () => {
  const url = `https://example.com/${'a'.repeat(5000)}/tool.sh`;
  const f = analyze(`FROM alpine:3.20\nRUN curl -o /tmp/t.sh ${url} && sh /tmp/t.sh\n`).findings.find((x) => x.code === 'DT201');
  assert.ok(f !== undefined);
  assert.ok(f.message.length < 700, `${f.message.length} characters`);
  assert.match(f.message, /curl of https:\/\/example\.com\/a+…a+\/tool\.sh into/);
});

test('the incremental document (every keystroke) handles the doubling file and keeps working after edits', () => {
  const text = doubling(30);
  const doc = new IncrementalDocument(text);
  const first = doc.analyze();
  assert.equal(first.findings.filter((f) => f.code === 'DT104').length, 1);
  // Type a character on the last ARG line: the result equals a fresh analysis.
  const line = 29;
  const edited = text.split('\n');
  edited[line] = edited[line] + 'y';
  const next = edited.join('\n');
  doc.update(next, [{ range: { start: { line, character: edited[line]!.length - 1 }, end: { line, character: edited[line]!.length - 1 } }, text: 'y' }]);
  assert.deepEqual(doc.analyze().findings.map((f) => [f.code, f.message]), analyze(next).findings.map((f) => [f.code, f.message]));
});

test('CLI: a hostile file among good ones reports its own finding; the others keep theirs', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-expand-'));
  try {
    fs.writeFileSync(path.join(dir, 'a.Dockerfile'), 'FROM alpine:3.20\n');
    fs.writeFileSync(path.join(dir, 'b.Dockerfile'), doubling(27));
    fs.writeFileSync(path.join(dir, 'c.Dockerfile'), 'FROM node\n');
    let out = '';
    let err = '';
    const code = await main(['check', '--format', 'json', 'a.Dockerfile', 'b.Dockerfile', 'c.Dockerfile'], { cwd: dir, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false });
    assert.equal(code, 1, err);
    const json = JSON.parse(out) as { files: { path: string; findings: { code: string }[] }[] };
    const codes = Object.fromEntries(json.files.map((f) => [f.path, f.findings.map((x) => x.code).sort()]));
    assert.deepEqual(codes, { 'a.Dockerfile': ['DT101'], 'b.Dockerfile': ['DT104'], 'c.Dockerfile': ['DT102'] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
