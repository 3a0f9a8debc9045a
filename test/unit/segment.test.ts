// Segmentation follows the builder: continuations (with comment/blank lines inside), heredocs, escape directive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDirectives, segment, shiftInstruction, splitLines } from '../../server/src/core/syntax';
import { parseDocument } from '../../server/src/core/parse';

function spans(text: string): [string, number, number][] {
  const lines = splitLines(text);
  const d = readDirectives(lines);
  return segment(lines, d.escape).map((s) => [s.kind, s.startLine, s.endLine]);
}

test('continuation lines with comments and blanks inside belong to the instruction', () => {
  assert.deepEqual(spans('RUN a \\\n  # comment\n\n  b\nFROM x\n'), [
    ['instruction', 0, 3],
    ['instruction', 4, 4],
    ['blank', 5, 5],
  ]);
});

test('heredocs run to their terminator, <<- strips tabs, several heredocs in order', () => {
  assert.deepEqual(spans('RUN <<EOF\nFROM a\nEOF\nCOPY <<-"A" <<B /x/\n\thello\n\tA\nworld\nB\nCMD x'), [
    ['instruction', 0, 2],
    ['instruction', 3, 7],
    ['instruction', 8, 8],
  ]);
});

test('an unterminated heredoc runs to the end of the file', () => {
  assert.deepEqual(spans('RUN <<EOF\necho\nFROM x'), [['instruction', 0, 2]]);
});

test('escape directive makes backtick the continuation and backslash literal', () => {
  const text = '# escape=`\nRUN dir c:\\\nRUN a `\n  b\n';
  const lines = splitLines(text);
  const d = readDirectives(lines);
  assert.equal(d.escape, '`');
  assert.deepEqual(segment(lines, d.escape).map((s) => [s.kind, s.startLine, s.endLine]), [
    ['comment', 0, 0],
    ['instruction', 1, 1],
    ['instruction', 2, 3],
    ['blank', 4, 4],
  ]);
});

test('directives stop at the first non-directive line', () => {
  const d = readDirectives(splitLines('# syntax=docker/dockerfile:1\n# check=skip=all\n\n# escape=`\nFROM x'));
  assert.deepEqual(d.list.map((x) => x.name), ['syntax', 'check']);
  assert.equal(d.escape, '\\');
});

test('per-segment parse gives absolute positions, flags, AS name and heredoc content', () => {
  const p = parseDocument('FROM a AS b\n\nRUN --mount=type=cache,target=/c <<EOF\n  echo hi\nEOF\nONBUILD COPY --from=x:1 /a /b\n');
  assert.equal(p.parses.length, 3);
  const [from, run, onbuild] = p.parses.map((x) => shiftInstruction(x.rel, x.line));
  assert.equal(from?.from?.stageName?.value, 'b');
  assert.equal(run?.startLine, 2);
  assert.equal(run?.endLine, 4);
  assert.equal(run?.flags[0]?.name, 'mount');
  assert.equal(run?.heredocs[0]?.name, 'EOF');
  assert.equal(run?.heredocs[0]?.contentRange?.start.line, 3);
  assert.equal(onbuild?.trigger?.keyword, 'COPY');
  assert.equal(onbuild?.trigger?.flags[0]?.value, 'x:1');
  assert.equal(onbuild?.trigger?.startLine, 5);
});

test('garbage never throws', () => {
  for (const text of ['\u0000\u0001', 'FROM', '\\\n\\\n', '<<EOF', 'RUN <<', 'FROM --platform= AS', '#'.repeat(1000), 'RUN ' + '$('.repeat(500)]) {
    assert.doesNotThrow(() => parseDocument(text));
  }
});
