import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validFact } from '../../../server/src/registry/cache';

const D = 'sha256:' + 'a'.repeat(64);
const ok = { state: 'ok', registry: 'r.io', digest: D, mediaType: 'application/vnd.oci.image.index.v1+json', isIndex: true, platforms: [{ os: 'linux', architecture: 'amd64', digest: D }], lookedUpAt: '2026-11-28T12:00:00.000Z', fromCache: true };

test('validFact: a good entry is rebuilt (extra fields dropped, fromCache reset)', () => {
  const f = validFact({ ...ok, injected: '<script>' });
  assert.deepEqual(f, { ...ok, fromCache: false });
});

const bad: [string, unknown][] = [
  ['bad digest', { ...ok, digest: 'sha256:XYZ' }],
  ['platform digest bad', { ...ok, platforms: [{ os: 'linux', architecture: 'amd64', digest: 'nope' }] }],
  ['isIndex not boolean', { ...ok, isIndex: 'yes' }],
  ['bad date', { ...ok, lookedUpAt: 'yesterday' }],
  ['huge registry', { ...ok, registry: 'x'.repeat(300) }],
  ['unknown state', { ...ok, state: 'signed' }],
  ['unknown error kind', { state: 'error', registry: 'r', kind: 'boom', message: 'x', lookedUpAt: ok.lookedUpAt }],
  ['null', null],
  ['array', []],
];
for (const [name, v] of bad) test(`validFact rejects: ${name}`, () => assert.equal(validFact(v), null));

test('validFact: error entries', () => {
  const e = { state: 'error', registry: 'r', kind: 'not-found', message: 'gone', lookedUpAt: ok.lookedUpAt };
  assert.deepEqual(validFact(e), e);
});
