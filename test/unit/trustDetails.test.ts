// The server side of the editor commands: trust-details Markdown (hostile text stays inert), signature summaries, bulk-pin refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageFacts, TrustFact } from '../../server/src/core/facts';
import { parseReference, type ParsedReference } from '../../server/src/core/imageRef';
import { trustMarkdown } from '../../server/src/lsp/commands';
import { signatureOf } from '../../server/src/lsp/inventory';
import { pinDigestProblem } from '../../server/src/lsp/pinActions';

const ref = parseReference('127.0.0.1:5000/library/app:1.0') as ParsedReference;
const D1 = `sha256:${'a'.repeat(64)}`;
const now = '2026-11-28T12:00:00Z';

const D2 = `sha256:${'b'.repeat(64)}`;
const SUBJECT = { tag: '1.0', digest: null };
const signed: TrustFact = {
  state: 'signed',
  source: 'notary',
  subject: SUBJECT,
  signed: [{ digest: D1, signers: [{ name: 'releases', keyIds: ['k1'], role: 'targets/releases' }], expires: '2026-12-12T00:00:00Z' }],
  tagDigest: D1,
  rootExpires: '2036-11-25T00:00:00Z',
  server: 'https://notary.example',
  verifiedAt: now,
};
const registry = { state: 'ok', registry: '127.0.0.1:5000', digest: D1, mediaType: 'application/vnd.oci.image.manifest.v1+json', isIndex: false, platforms: [], lookedUpAt: now, fromCache: false } as const;

test('trust details carry role, signers, key IDs, digest and expiries', () => {
  const md = trustMarkdown(ref, { registry, trust: [signed] });
  for (const want of ['targets/releases', `#### \`${D1}\``, '| releases | targets/releases | `k1` |', '2026-12-12T00:00:00Z', '2036-11-25T00:00:00Z', '### notary — signed', "docker's choice for 1.0"]) assert.ok(md.includes(want), `missing ${want}:\n${md}`);
  assert.match(trustMarkdown(ref, undefined), /Nothing is known about this image yet/);
});

test('text from the network cannot add links, HTML, table cells or lines to the trust document', () => {
  const hostile: TrustFact = {
    ...signed,
    signed: [{ digest: D1, signers: [{ name: 'evil](https://evil.example) <img src=x onerror=alert(1)> | cell', keyIds: ['k`1'], role: 'targets/x](y) | z' }], expires: null }],
    details: ['line one\n# injected heading', '[click](javascript:alert(1))'],
  } as TrustFact;
  const md = trustMarkdown(ref, { trust: [hostile, { state: 'unsigned', source: 'cosign', subject: { tag: null, digest: D1 }, reason: 'no <b>sig</b>\r\n## fake', server: 's', verifiedAt: now }] });
  assert.ok(!/(?<!\\)\]\(/.test(md), `an unescaped link survived:\n${md}`);
  assert.ok(!/(?<!\\)<(img|b)/.test(md), `unescaped HTML survived:\n${md}`);
  assert.ok(!md.split('\n').some((l) => l.startsWith('# injected') || l.startsWith('## fake')), `a newline from the network started a heading:\n${md}`);
  assert.ok(md.includes('\\| cell'), 'a pipe in a signer name would split the table row');
  assert.ok(!md.includes('k`1'), 'a backtick in a key ID would close the code span');
});

test('signature summary: signed names its signers; invalid outranks unsigned; nothing known is "unknown", not "unsigned"', () => {
  const at = new Date(now);
  const s = signatureOf(ref, { registry, trust: [signed] }, at);
  assert.deepEqual([s.state, s.signers, s.expires], ['signed', ['releases'], '2026-12-12T00:00:00Z']);
  const unsigned: TrustFact = { state: 'unsigned', source: 'notary', subject: SUBJECT, reason: 'never signed', server: 's', verifiedAt: now };
  const invalid: TrustFact = { state: 'invalid', source: 'cosign', subject: { tag: null, digest: D1 }, reason: 'bad signature', attack: 'arbitrary software', server: 's', verifiedAt: now };
  assert.equal(signatureOf(ref, { trust: [unsigned, invalid] }, at).state, 'invalid');
  assert.equal(signatureOf(ref, undefined, at).state, 'unknown');
  assert.equal(signatureOf(ref, {}, at).state, 'unknown');
});

test('signature summary is about the digest the build would use (issue 12 #1, #3, #9)', () => {
  const at = new Date(now);
  // The tag moved to D2, which nobody signed: the inventory must not say "signed".
  const moved = signatureOf(ref, { registry: { ...registry, digest: D2 }, trust: [signed] }, at);
  assert.equal(moved.state, 'unsigned');
  assert.match(moved.detail, /the tag now points to unsigned content/);
  // A pin to D2 while only D1 is signed.
  const pinned = parseReference(`127.0.0.1:5000/library/app:1.0@${D2}`) as ParsedReference;
  assert.equal(signatureOf(pinned, { registry, trust: [signed] }, at).state, 'unsigned');
  // A cached tag answer: unsure, never "signed".
  assert.equal(signatureOf(ref, { registry: { ...registry, fromCache: true }, trust: [signed] }, at).state, 'unavailable');
});

test('a bulk pin explains every image it leaves alone', () => {
  assert.match(pinDigestProblem(undefined), /nothing known/);
  const facts = (f: ImageFacts): string => pinDigestProblem(f);
  assert.match(facts({ trust: [{ state: 'invalid', source: 'notary', subject: SUBJECT, reason: 'snapshot version rolled back', attack: 'rollback', server: 's', verifiedAt: now }] }), /failed verification.*rolled back/);
  assert.match(facts({ registry: { state: 'error', registry: 'r', kind: 'unreachable', message: 'cannot reach r', lookedUpAt: now } }), /^r is not reachable$/);
  assert.match(facts({ trust: [{ state: 'unsigned', source: 'notary', subject: SUBJECT, reason: 'never signed', server: 's', verifiedAt: now }] }), /no signed digest \(never signed\)/);
});
