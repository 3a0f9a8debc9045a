// The in-toto Statement layer, read from exact payload bytes: what is accepted and what is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namesDigest, parseStatement } from '../../../server/src/trust/attestations/statement';
import { duplicateTopLevelKey, normaliseBase64, str, timestamp } from '../../../server/src/trust/attestations/hostile';

const HEX = 'a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf';
const good = { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'a', digest: { sha256: HEX, sha512: 'ff' } }], predicateType: 'https://slsa.dev/provenance/v1', predicate: {} };
const enc = (v: unknown): Buffer => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

test('accepted: v1 and v0.1, several subjects, no predicate, upper-case hex compared as lower-case', () => {
  const r = parseStatement(enc(good));
  assert.ok(r.ok);
  assert.equal(r.statement.version, 'v1');
  assert.ok(namesDigest(r.statement, `sha256:${HEX}`));
  assert.ok(!namesDigest(r.statement, `sha256:${HEX.replace('a', 'b')}`));
  assert.ok(!namesDigest(r.statement, HEX), 'a bare hex is not a digest');
  const v01 = parseStatement(enc({ ...good, _type: 'https://in-toto.io/Statement/v0.1', predicate: undefined, subject: [{ digest: { sha512: 'ab' } }, { digest: { sha256: HEX.toUpperCase() } }] }));
  assert.ok(v01.ok);
  assert.equal(v01.statement.version, 'v0.1');
  assert.ok(namesDigest(v01.statement, `sha256:${HEX}`));
});

test('refused: malformed, ambiguous or oversized statements', () => {
  const bad: Array<[string, Buffer | string | unknown]> = [
    ['not JSON', '{'],
    ['array', '[]'],
    ['unknown _type', { ...good, _type: 'https://in-toto.io/Statement/v2' }],
    ['link, not a statement', { ...good, _type: 'link' }],
    ['no predicateType', { ...good, predicateType: undefined }],
    ['predicateType not a string', { ...good, predicateType: 7 }],
    ['predicateType with a newline', { ...good, predicateType: 'https://slsa.dev/provenance/v1\n' }],
    ['no subject', { ...good, subject: [] }],
    ['subject without digest', { ...good, subject: [{ name: 'a' }] }],
    ['subject with empty digest', { ...good, subject: [{ digest: {} }] }],
    ['malformed sha256', { ...good, subject: [{ digest: { sha256: 'xyz' } }] }],
    ['sha256 not a string', { ...good, subject: [{ digest: { sha256: 5 } }] }],
    ['too many subjects', { ...good, subject: Array.from({ length: 4097 }, () => ({ digest: { sha256: HEX } })) }],
    ['duplicate predicateType', `{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"${HEX}"}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicateType":"https://slsa.dev/provenance/v1"}`],
    ['duplicate subject', `{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"${HEX}"}}],"subject":[{"digest":{"sha256":"${HEX}"}}],"predicateType":"x"}`],
    ['escaped duplicate key', `{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"${HEX}"}}],"predicateType":"a","predicate\\u0054ype":"b"}`],
    ['byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), enc(good)])],
    ['invalid UTF-8', Buffer.concat([enc(good).subarray(0, 10), Buffer.from([0xc3, 0x28]), enc(good).subarray(10)])],
    ['oversized', Buffer.alloc(8 * 1024 * 1024 + 1, 0x20)],
  ];
  for (const [name, v] of bad) {
    const r = parseStatement(Buffer.isBuffer(v) ? v : enc(v));
    assert.equal(r.ok, false, name);
  }
});

test('duplicate detection is about the top level only, and reads strings exactly', () => {
  assert.equal(duplicateTopLevelKey('{"a":1,"b":{"a":2,"a":3},"c":"\\"a\\":"}'), undefined);
  assert.equal(duplicateTopLevelKey('{"a":[{"x":1},{"x":2}],"b":"}{","a":0}'), 'a');
  assert.equal(duplicateTopLevelKey('[{"a":1,"a":2}]'), undefined);
  assert.equal(duplicateTopLevelKey('{"\\u0061":1,"a":2}'), 'a');
  assert.equal(duplicateTopLevelKey('{}'), undefined);
});

test('field helpers: strings screened, timestamps strict, base64 normalised', () => {
  assert.equal(str('ok'), 'ok');
  for (const bad of ['', 'a\u0000b', 'a\nb', 'x\u202ey', 'x\u2066y', 'a\u0085b', 'x'.repeat(2049), 5, null]) assert.equal(str(bad), undefined, JSON.stringify(bad));
  assert.equal(timestamp('2022-07-29T02:28:48Z'), '2022-07-29T02:28:48.000Z');
  assert.equal(timestamp('2023-01-09T21:23:03.579712389-06:00'), '2023-01-10T03:23:03.579Z');
  for (const bad of ['2022-07-29', '2022-07-29T02:28:48', 'yesterday', '2022-07-29T02:28:48Zjunk', 1659061728]) assert.equal(timestamp(bad), undefined, String(bad));
  assert.equal(normaliseBase64('e30', 100), 'e30=');
  assert.equal(normaliseBase64('-_8', 100), '+/8=');
  assert.equal(normaliseBase64('+_8=', 100), undefined, 'mixed alphabets');
  assert.equal(normaliseBase64('e30=x', 100), undefined);
  assert.equal(normaliseBase64('A', 100), undefined);
});
