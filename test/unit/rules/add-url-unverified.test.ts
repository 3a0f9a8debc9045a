import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, ruleTable } from '../../support/ruleTable';

const SHA = 'b'.repeat(64);
ruleTable('add-url-unverified', [
  { name: 'ADD https without --checksum', dockerfile: 'FROM alpine:3.20\nADD https://example.com/a.tgz /tmp/\n', lines: [2], messages: ['has no --checksum'], covers: ['https://example.com/a.tgz'] },
  { name: 'URL from an ARG', dockerfile: 'FROM alpine:3.20\nARG URL=https://example.com/a.rpm\nADD ${URL} /tmp/a.rpm\n', lines: [3], messages: ['= https://example.com/a.rpm'] },
  { name: 'with --checksum', dockerfile: `FROM alpine:3.20\nADD --checksum=sha256:${SHA} https://example.com/a.tgz /tmp/\n`, lines: [] },
  { name: 'verified in a later RUN', dockerfile: `FROM alpine:3.20\nADD https://example.com/a.tgz /tmp/a.tgz\nRUN echo "${SHA}  /tmp/a.tgz" | sha256sum -c -\n`, lines: [] },
  { name: 'local file', dockerfile: 'FROM alpine:3.20\nADD app.tgz /opt/\n', lines: [] },
  { name: 'git URLs belong to git-ref-unpinned', dockerfile: 'FROM alpine:3.20\nADD https://github.com/o/r.git#v1.0 /src\n', lines: [] },
]);

test('add-url-unverified: carries add-checksum data right after the ADD keyword', () => {
  const [f] = findingsOf('add-url-unverified', 'FROM alpine:3.20\nADD https://example.com/a.tgz /tmp/\n');
  assert.ok(f?.data);
  assert.equal(f.data.kind, 'add-checksum');
  assert.equal(f.data['url'], 'https://example.com/a.tgz');
  assert.deepEqual(f.data['insertAt'], { start: { line: 1, character: 3 }, end: { line: 1, character: 3 } });
  assert.equal(f.fixes, undefined, 'the checksum is never invented in the core');
});
