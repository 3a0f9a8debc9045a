// Signature checks over a given digest: ECDSA P-256/P-384 and RSA against node:crypto's own signatures; tampering fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { verifyPrehashed } from '../../../server/src/trust/cosign/prehash';

const msg = Buffer.from('the artifact');

for (const [name, gen, hash] of [
  ['ECDSA P-256 / SHA-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'sha256'],
  ['ECDSA P-384 / SHA-384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }), 'sha384'],
  ['ECDSA P-256 / SHA-512 (digest longer than the order)', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'sha512'],
  ['RSA 2048 PKCS#1 v1.5 / SHA-256', () => generateKeyPairSync('rsa', { modulusLength: 2048 }), 'sha256'],
] as const) {
  test(`prehashed ${name}: genuine verifies; other digest, flipped signature, other key do not`, () => {
    const { privateKey, publicKey } = gen();
    const other = gen().publicKey;
    const digest = createHash(hash).update(msg).digest();
    for (let i = 0; i < 3; i++) {
      const sig = sign(hash, msg, privateKey);
      assert.equal(verifyPrehashed(publicKey, digest, sig), true);
      const d2 = Buffer.from(digest);
      d2[0] = (d2[0] ?? 0) ^ 1;
      assert.equal(verifyPrehashed(publicKey, d2, sig), false);
      const s2 = Buffer.from(sig);
      s2[s2.length - 1] = (s2[s2.length - 1] ?? 0) ^ 1;
      assert.equal(verifyPrehashed(publicKey, digest, s2), false);
      assert.equal(verifyPrehashed(other, digest, sig), false);
    }
  });
}

test('prehashed: malformed signatures and Ed25519 are refused, never thrown', () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const digest = createHash('sha256').update(msg).digest();
  for (const junk of [Buffer.alloc(0), Buffer.from([0x30, 0x00]), Buffer.from('not der'), Buffer.alloc(72, 0xff)]) {
    assert.equal(verifyPrehashed(publicKey, digest, junk), false);
  }
  const ed = generateKeyPairSync('ed25519');
  assert.equal(verifyPrehashed(ed.publicKey, digest, sign(null, digest, ed.privateKey)), false);
});
