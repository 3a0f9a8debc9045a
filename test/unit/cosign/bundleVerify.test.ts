// Our layer over @sigstore/verify: identity matching, and legacy keyless signatures (cert + Rekor SET) through the bundle verifier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { matchIdentity, verifyBundle, type Expectation } from '../../../server/src/trust/cosign/bundleVerify';
import { legacyPayloadDigest, legacyToBundle } from '../../../server/src/trust/cosign/legacy';
import { embeddedTrustedRoot } from '../../../server/src/trust/cosign/trustRoot';
import type { LegacySignature } from '../../../server/src/trust/cosign/discovery';
import { sharedData } from '../../support/shared';

const vectors = sharedData(join('conformance', 'sigstore', 'assets', 'bundle-verify'), 'the legacy keyless signature tests (a real Fulcio/Rekor signature)');
const CASES = vectors.dir;
const ID = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

test('identity: exact is exact, regexp is anchored at both ends', () => {
  assert.equal(matchIdentity({ exact: ID }, ID), true);
  assert.equal(matchIdentity({ exact: ID }, `${ID}x`), false);
  assert.equal(matchIdentity({ exact: 'a.b' }, 'aXb'), false);
  assert.equal(matchIdentity({ regexp: 'https://github\\.com/sigstore-conformance/.*' }, ID), true);
  // Unanchored matching (what the library does) would accept both of these.
  assert.equal(matchIdentity({ regexp: 'github\\.com/sigstore-conformance' }, ID), false);
  assert.equal(matchIdentity({ regexp: 'https://github\\.com/org/.*' }, 'https://evil.example/?https://github.com/org/x'), false);
  assert.equal(matchIdentity({ regexp: 'a|b' }, 'ab'), false, 'alternation stays inside the anchors');
  assert.equal(matchIdentity({ regexp: '(' }, '('), false, 'a broken pattern matches nothing');
  assert.equal(matchIdentity({ exact: ID }, undefined), false);
});

/** A real keyless signature (conformance happy-path-v0.1: Fulcio cert + Rekor SET) re-expressed as cosign's legacy annotations. */
function legacyFromConformance(): { sig: LegacySignature; artifact: Buffer } {
  const b = JSON.parse(readFileSync(join(CASES, 'happy-path-v0.1/bundle.sigstore.json'), 'utf8'));
  const cert = b.verificationMaterial.x509CertificateChain.certificates[0].rawBytes as string;
  const t = b.verificationMaterial.tlogEntries[0];
  const pem = `-----BEGIN CERTIFICATE-----\n${cert.match(/.{1,64}/g)?.join('\n')}\n-----END CERTIFICATE-----\n`;
  const rekorBundle = JSON.stringify({
    SignedEntryTimestamp: t.inclusionPromise.signedEntryTimestamp,
    Payload: { body: t.canonicalizedBody, integratedTime: Number(t.integratedTime), logIndex: Number(t.logIndex), logID: Buffer.from(t.logId.keyId, 'base64').toString('hex') },
  });
  const artifact = readFileSync(join(CASES, 'a.txt'));
  return { sig: { payload: artifact, signature: b.messageSignature.signature, certificate: pem, rekorBundle }, artifact };
}

const root = (() => {
  const r = embeddedTrustedRoot();
  assert.ok(r.ok);
  return r.root;
})();
const keyless: Expectation = { kind: 'keyless', identity: { exact: ID }, issuer: ISSUER };

test('legacy keyless signature: certificate chains to Fulcio, SET verifies, signing time inside the certificate', { skip: vectors.skip }, () => {
  const { sig, artifact } = legacyFromConformance();
  const r = verifyBundle(legacyToBundle(sig), { bytes: artifact }, keyless, root);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.equal(r.identity, ID);
  assert.equal(r.issuer, ISSUER);
  assert.equal(r.tlogIntegratedTime, '2023-07-12T15:56:36.000Z');
  assert.ok(r.certNotBefore && r.certNotAfter && r.certNotBefore <= r.tlogIntegratedTime && r.tlogIntegratedTime <= r.certNotAfter);
});

test('legacy keyless signature: wrong identity, wrong issuer, other payload, broken SET, missing SET all fail', { skip: vectors.skip }, () => {
  const { sig, artifact } = legacyFromConformance();
  const bundle = legacyToBundle(sig);
  const fail = (b: unknown, a: Buffer, e: Expectation): string => {
    const r = verifyBundle(b, { bytes: a }, e, root);
    assert.equal(r.ok, false);
    return r.ok ? '' : r.reason;
  };
  assert.match(fail(bundle, artifact, { ...keyless, identity: { exact: `${ID}/x` } } as Expectation), /certificate identity/);
  assert.match(fail(bundle, artifact, { ...keyless, issuer: 'https://accounts.google.com' } as Expectation), /issuer/);
  fail(bundle, Buffer.concat([artifact, Buffer.from('!')]), keyless);
  const set = JSON.parse(sig.rekorBundle ?? '{}');
  const setBytes = Buffer.from(set.SignedEntryTimestamp, 'base64');
  setBytes[setBytes.length - 2] = (setBytes[setBytes.length - 2] ?? 0) ^ 1;
  set.SignedEntryTimestamp = setBytes.toString('base64');
  fail(legacyToBundle({ ...sig, rekorBundle: JSON.stringify(set) }), artifact, keyless);
  const { rekorBundle: _drop, ...noSet } = sig;
  assert.match(fail(legacyToBundle(noSet), artifact, keyless), /transparency-log/);
});

test('legacy payload: digest read only from a cosign simple-signing payload', () => {
  const good = Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': 'x' }, image: { 'docker-manifest-digest': 'sha256:ab' }, type: 'cosign container image signature' }, optional: null }));
  assert.deepEqual(legacyPayloadDigest(good), { digest: 'sha256:ab' });
  assert.ok('reason' in legacyPayloadDigest(Buffer.from('{"critical":{"type":"other","image":{"docker-manifest-digest":"sha256:ab"}}}')));
  assert.ok('reason' in legacyPayloadDigest(Buffer.from('not json')));
  assert.ok('reason' in legacyPayloadDigest(Buffer.from('{"critical":{"type":"cosign container image signature"}}')));
});

test('bundles that are not bundles are rejected with a reason, never thrown', () => {
  for (const junk of [null, 42, 'x', {}, { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }]) {
    const r = verifyBundle(junk, { bytes: Buffer.from('a') }, keyless, root);
    assert.equal(r.ok, false);
  }
});
