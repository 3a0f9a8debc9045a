import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, ruleTable } from '../../support/ruleTable';

ruleTable('download-insecure-transport', [
  { name: 'plain http curl', dockerfile: 'FROM alpine:3.20\nRUN curl -fsSLo a https://example.com/a && curl -fsSLo b http://example.com/b\n', lines: [2], messages: ['Plain http:// download of http://example.com/b'] },
  { name: 'http from an ARG default', dockerfile: 'FROM debian:12\nARG SITE=http://mirror.example.com\nRUN wget -O x.deb "${SITE}/x.deb" && dpkg -i x.deb\n', lines: [3], messages: ['comes from a variable'] },
  { name: 'ADD http', dockerfile: 'FROM alpine:3.20\nADD http://example.com/a.tgz /a.tgz\n', lines: [2] },
  { name: 'curl -k', dockerfile: 'FROM alpine:3.20\nRUN curl -sk https://api.example.com/latest\n', lines: [2], messages: ['turns off TLS certificate verification'], covers: ['-sk'] },
  { name: 'curl --insecure', dockerfile: 'FROM alpine:3.20\nRUN curl --insecure -o a https://example.com/a\n', lines: [2] },
  { name: 'wget --no-check-certificate', dockerfile: 'FROM alpine:3.20\nRUN wget --no-check-certificate https://example.com/a\n', lines: [2] },
  { name: 'apt-get --allow-unauthenticated', dockerfile: 'FROM debian:12\nRUN apt-get install -y --allow-unauthenticated foo\n', lines: [2] },
  { name: 'dnf --nogpgcheck', dockerfile: 'FROM fedora:40\nRUN dnf install -y --nogpgcheck foo\n', lines: [2] },
  { name: 'apk --allow-untrusted from a remote repository', dockerfile: 'FROM alpine:3.20\nRUN apk add --allow-untrusted -X https://repo.example.com/apk foo\n', lines: [2] },
  { name: 'apk --allow-untrusted of a locally built package (not transported)', dockerfile: 'FROM alpine:3.20\nRUN apk add --allow-untrusted /tmp/packages/foo.apk\n', lines: [] },
  { name: 'https only', dockerfile: 'FROM alpine:3.20\nRUN curl --proto "=https" --tlsv1.2 -fsSLo a https://example.com/a\n', lines: [] },
  { name: 'apt deb http:// lines are not flagged (Release files are signed)', dockerfile: 'FROM debian:12\nRUN echo "deb [signed-by=/usr/share/keyrings/x.gpg] http://deb.example.com stable main" > /etc/apt/sources.list.d/x.list\n', lines: [] },
  { name: 'hkp keyserver with a full fingerprint is not flagged', dockerfile: `FROM debian:12\nRUN gpg --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys ${'AB'.repeat(20)}\n`, lines: [] },
  { name: 'loopback http is not flagged', dockerfile: 'FROM alpine:3.20\nRUN curl -o a http://127.0.0.1:8080/a\n', lines: [] },
]);

test('download-insecure-transport: http → https quick fix edits exactly the scheme', () => {
  const df = 'FROM alpine:3.20\nRUN curl -fsSLo b http://example.com/b\n';
  const [f] = findingsOf('download-insecure-transport', df);
  assert.ok(f?.fixes?.[0]);
  const edit = f.fixes[0].edits[0];
  assert.ok(edit);
  assert.deepEqual(edit.range, { start: { line: 1, character: 18 }, end: { line: 1, character: 25 } });
  assert.equal(edit.newText, 'https://');
  assert.equal(df.split('\n')[1]?.slice(18, 25), 'http://');
  assert.equal(f.fixes[0].safe, true);
});

test('download-insecure-transport: ADD http fix and no fix when the URL comes from a variable', () => {
  const add = findingsOf('download-insecure-transport', 'FROM alpine:3.20\nADD http://example.com/a.tgz /a.tgz\n');
  assert.deepEqual(add[0]?.fixes?.[0]?.edits[0]?.range, { start: { line: 1, character: 4 }, end: { line: 1, character: 11 } });
  const viaArg = findingsOf('download-insecure-transport', 'FROM debian:12\nARG SITE=http://m.example.com\nRUN wget -O x "${SITE}/x"\n');
  assert.equal(viaArg.length, 1);
  assert.equal(viaArg[0]?.fixes, undefined);
});
