// Table test for the pure pin edit: only the reference text changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../server/src/core/analyze';
import { pinEdit, type PinOptions } from '../../server/src/core/pin';
import type { TextEdit } from '../../server/src/core/types';

const NEW = 'sha256:' + 'e'.repeat(64);
const OLD = 'sha256:' + '0'.repeat(64);

function apply(text: string, edit: TextEdit): string {
  const lines = text.split('\n');
  const l = lines[edit.range.start.line] ?? '';
  lines[edit.range.start.line] = l.slice(0, edit.range.start.character) + edit.newText + l.slice(edit.range.end.character);
  return lines.join('\n');
}

interface Case {
  name: string;
  dockerfile: string;
  /** Which image use (index into model.images). */
  use?: number;
  digest?: string;
  options?: PinOptions;
  /** Expected document after the edit, or a RegExp the refusal reason must match. */
  expect: string | RegExp;
}

const cases: Case[] = [
  { name: 'tag kept', dockerfile: 'FROM alpine:3.20\n', expect: `FROM alpine:3.20@${NEW}\n` },
  { name: '--platform, AS and comment untouched', dockerfile: 'FROM --platform=linux/arm64 node:22-alpine AS build # base\n', expect: `FROM --platform=linux/arm64 node:22-alpine@${NEW} AS build # base\n` },
  { name: 'stale digest replaced', dockerfile: `FROM node:22@${OLD} AS b\n`, expect: `FROM node:22@${NEW} AS b\n` },
  { name: 'registry host with port kept as written', dockerfile: 'FROM localhost:5000/team/app:v1\n', expect: `FROM localhost:5000/team/app:v1@${NEW}\n` },
  { name: 'implicit latest made explicit', dockerfile: 'FROM alpine\n', expect: `FROM alpine:latest@${NEW}\n` },
  { name: 'implicit tag left implicit on request', dockerfile: 'FROM alpine\n', options: { addImplicitTag: false }, expect: `FROM alpine@${NEW}\n` },
  { name: 'digest-only reference re-pinned', dockerfile: `FROM alpine@${OLD}\n`, options: { addImplicitTag: false }, expect: `FROM alpine@${NEW}\n` },
  { name: 'COPY --from', dockerfile: 'FROM scratch\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n', use: 0, expect: `FROM scratch\nCOPY --from=nginx:1.27@${NEW} /etc/nginx /etc/nginx\n` },
  { name: 'RUN --mount from', dockerfile: 'FROM scratch\nRUN --mount=type=bind,from=golang:1.23,target=/go true\n', use: 0, expect: `FROM scratch\nRUN --mount=type=bind,from=golang:1.23@${NEW},target=/go true\n` },
  { name: 'second FROM of several', dockerfile: 'FROM a:1 AS one\nFROM b:2\n', use: 1, expect: `FROM a:1 AS one\nFROM b:2@${NEW}\n` },
  { name: 'variables refused', dockerfile: 'ARG V=3.20\nFROM alpine:${V}\n', expect: /contains variables/ },
  { name: 'bad digest refused', dockerfile: 'FROM alpine:3\n', digest: 'sha256:abc', expect: /64 hex digits/ },
  { name: 'uppercase digest refused', dockerfile: 'FROM alpine:3\n', digest: 'sha256:' + 'E'.repeat(64), expect: /lowercase/ },
  { name: 'already pinned to it', dockerfile: `FROM alpine:3@${NEW}\n`, expect: /already pinned/ },
];

for (const c of cases) {
  test(`pinEdit: ${c.name}`, () => {
    const { model } = analyze(c.dockerfile, { phase: 'syntax' });
    const external = model.images.filter((u) => u.kind === 'image' || u.kind === 'unresolved');
    const use = external[c.use ?? 0];
    assert.ok(use, 'the case names an image use');
    const r = pinEdit(use, c.digest ?? NEW, c.options);
    if (typeof c.expect === 'string') {
      assert.ok(r.ok, r.ok ? '' : r.reason);
      assert.equal(apply(c.dockerfile, r.edit), c.expect);
      assert.deepEqual(r.edit.range, use.range, 'only the reference range is replaced');
    } else {
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.reason, c.expect);
    }
  });
}

test('pinEdit: a stage reference or a range that does not match the text is refused', () => {
  const { model } = analyze('FROM alpine:3 AS a\nFROM a\n', { phase: 'syntax' });
  const stage = model.images.find((u) => u.kind === 'stage');
  assert.ok(stage);
  assert.equal(pinEdit(stage, NEW).ok, false);
  const r = pinEdit({ text: 'alpine:3', hasVariables: false, range: { start: { line: 0, character: 5 }, end: { line: 1, character: 2 } } }, NEW);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /split across lines/);
});

test('pinEdit: quoted reference keeps its quotes', () => {
  const r = pinEdit({ text: '"alpine:3"', hasVariables: false, range: { start: { line: 0, character: 5 }, end: { line: 0, character: 15 } } }, NEW);
  assert.ok(r.ok);
  assert.equal(r.newText, `"alpine:3@${NEW}"`);
});
