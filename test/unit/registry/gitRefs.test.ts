// The smart-HTTP ref advertisement parser (registry/gitRefs.ts) on well-formed and hostile bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAdvertisement } from '../../../server/src/registry/gitRefs';

const pkt = (s: string): string => (s.length + 4).toString(16).padStart(4, '0') + s;
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const T = 'c'.repeat(40);
const body = (...lines: string[]): Uint8Array => Buffer.from(pkt('# service=git-upload-pack\n') + '0000' + lines.map(pkt).join('') + '0000', 'latin1');

test('parseAdvertisement: refs, HEAD, its symref target and peeled tags', () => {
  const r = parseAdvertisement(body(`${A} HEAD\0multi_ack symref=HEAD:refs/heads/main agent=git/2.39\n`, `${A} refs/heads/main\n`, `${T} refs/tags/v2\n`, `${B} refs/tags/v2^{}\n`));
  assert.ok(r.ok);
  assert.equal(r.value.head, A);
  assert.equal(r.value.headTarget, 'refs/heads/main');
  assert.equal(r.value.refs.get('refs/tags/v2'), T);
  assert.equal(r.value.peeled.get('refs/tags/v2'), B);
  assert.equal(r.value.objectFormat, 'sha1');
});

test('parseAdvertisement: an empty repository advertises capabilities^{} only', () => {
  const r = parseAdvertisement(body(`${'0'.repeat(40)} capabilities^{}\0agent=git/2.39\n`));
  assert.ok(r.ok);
  assert.equal(r.value.head, null);
  assert.equal(r.value.refs.size, 0);
});

test('parseAdvertisement: hostile or foreign bodies are refused, never half-read', () => {
  const bad = (b: string | Uint8Array): string => {
    const r = parseAdvertisement(typeof b === 'string' ? Buffer.from(b, 'latin1') : b);
    assert.equal(r.ok, false, String(b).slice(0, 60));
    return r.ok ? '' : r.message;
  };
  assert.match(bad('<html>not git</html>'), /pkt-line|service/);
  assert.match(bad(pkt('# service=git-receive-pack\n') + '0000'), /unexpected service/);
  assert.match(bad(pkt(`${A} refs/heads/main\n`)), /does not start with/);
  assert.match(bad(pkt('# service=git-upload-pack\n') + '0000' + pkt('version 2\n')), /protocol 2/);
  assert.match(bad(pkt('# service=git-upload-pack\n') + '0000' + 'ffff' + 'x'.repeat(10)), /truncated/);
  assert.match(bad(pkt('# service=git-upload-pack\n') + '0000' + '0002'), /truncated|length/);
  assert.match(bad(pkt('# service=git-upload-pack\n') + '0000' + pkt('zzzz refs/heads/main\n')), /malformed ref line/);
  const sha256 = parseAdvertisement(body(`${'d'.repeat(64)} HEAD\0object-format=sha256\n`));
  assert.ok(sha256.ok);
  assert.equal(sha256.value.objectFormat, 'sha256');
});
