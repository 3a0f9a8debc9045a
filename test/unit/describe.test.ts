// The shared description of image facts (hover and CLI): relative times, never "verified" without a verified signature.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeImage, relativeTime } from '../../server/src/core/describe';
import { parseReference, type ParsedReference } from '../../server/src/core/imageRef';
import type { ImageFacts, TrustFact } from '../../server/src/core/facts';

const now = new Date('2026-11-28T12:00:00Z');
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

function ref(s: string): ParsedReference {
  const r = parseReference(s);
  assert.ok(r.ok);
  return r;
}

const registry = { state: 'ok', registry: 'docker.io', digest: D1, mediaType: 'x', isIndex: false, platforms: [], lookedUpAt: '2026-11-28T11:59:00Z', fromCache: false } as const;
const signed: TrustFact = {
  state: 'signed',
  source: 'notary',
  subject: { tag: '3.20', digest: null },
  signed: [{ digest: D1, signers: [{ name: 'releases', keyIds: ['ab'.repeat(32)], role: 'targets/releases' }], expires: '2029-01-01T00:00:00Z' }],
  tagDigest: D1,
  rootExpires: '2036-11-25T00:00:00Z',
  server: 'https://n',
  verifiedAt: '2026-11-28T11:59:30Z',
};

test('relative times both ways', () => {
  assert.equal(relativeTime('2028-12-01T12:00:00Z', now), 'in 2 years');
  assert.equal(relativeTime('2026-11-25T12:00:00Z', now), '3 days ago');
  assert.equal(relativeTime('not a date', now), 'at an unknown time');
});

test('signed tag: verified, with signer, key and expiries', () => {
  const d = describeImage(ref('alpine:3.20'), { registry, trust: [signed] }, now);
  assert.equal(d.verified, true);
  assert.equal(d.headline, 'signed by releases');
  assert.ok(d.lines.some((l) => l.startsWith('Signed by releases (key abababababab)')));
  assert.ok(d.lines.includes('Trust data expires 2029-01-01 (in 2 years)'));
});

test('a pin that is not a signed digest is never verified; nor is a registry-only or failed answer', () => {
  assert.equal(describeImage(ref(`alpine:3.20@${D2}`), { registry, trust: [signed] }, now).verified, false);
  assert.equal(describeImage(ref('alpine:3.20'), { registry }, now).headline, 'registry digest (not signature-verified)');
  const invalid: ImageFacts = { registry, trust: [signed, { state: 'invalid', source: 'notary', subject: { tag: '3.20', digest: null }, reason: 'snapshot version 3 below stored 5', attack: 'rollback', server: 'https://n', verifiedAt: now.toISOString() }] };
  const d = describeImage(ref('alpine:3.20'), invalid, now);
  assert.equal(d.verified, false);
  assert.equal(d.headline, 'signature verification FAILED');
  assert.ok(d.lines.includes('This check stops: rollback'));
});

test('Docker Hub rate-limit headers are shown as sent', () => {
  const d = describeImage(ref('alpine:3.20'), { registry, rateLimit: { limit: '100;w=21600', remaining: '76;w=21600', at: '2026-11-28T11:58:00Z' } }, now);
  assert.ok(d.lines.includes('Registry rate limit: 76 of 100 pulls left (as of 2 minutes ago)'), d.lines.join('\n'));
});

test('headlines are about the digest the build would use, never another one (issue 12 #1, #3, #9)', () => {
  const both: TrustFact = { ...signed, signed: [...(signed.state === 'signed' ? signed.signed : []), { digest: D2, signers: [{ name: 'Repo Admin', keyIds: [], role: 'targets' }], expires: null }] } as TrustFact;
  // Pinned to what only the repository key signed, while releases signs D1 for the tag.
  const pin = describeImage(ref(`alpine:3.20@${D2}`), { registry, trust: [both], policy: { required: true, signers: ['releases'] } }, now);
  assert.equal(pin.verified, false);
  assert.match(pin.headline, /^pinned digest is signed only by Repo Admin; policy requires releases \(releases signs sha256:111111111111…\)$/);
  assert.ok(pin.lines.some((l) => l.startsWith('Signed by Repo Admin') && l.includes(D2)), pin.lines.join('\n'));
  // The tag moved to unsigned content.
  const moved = describeImage(ref('alpine:3.20'), { registry: { ...registry, digest: D2 }, trust: [signed] }, now);
  assert.equal(moved.verified, false);
  assert.match(moved.headline, /the tag now points to unsigned content sha256:222222222222… \(releases signs sha256:111111111111…\)/);
  // A cached answer for the tag: says how old, not "signed".
  const cached = describeImage(ref('alpine:3.20'), { registry: { ...registry, fromCache: true }, trust: [signed] }, now);
  assert.equal(cached.verified, false);
  assert.match(cached.headline, /checked 1 minute ago \(cached\)/);
  // Past the freshness window the combined answer gave the tag.
  const stale = describeImage(ref('alpine:3.20'), { registry, tagFreshUntil: '2026-11-28T11:59:59Z', trust: [signed] }, now);
  assert.equal(stale.verified, false);
});
