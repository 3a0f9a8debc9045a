// Envelope integrity on hostile bytes: real notation-go envelopes, mutated in their signed parts, never verify;
// truncated or flipped anywhere, they never throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { verifyEnvelope } from '../../../server/src/trust/notation/envelope';
import { REPO_ROOT } from '../../support/paths';

const V = resolve(REPO_ROOT, '..', 'shared', 'conformance', 'notation', 'notation-go');
const skip = existsSync(V) ? false : `SKIPPED: ${V} is absent`;

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('JWS: any change to protected, payload or signature fails integrity', { skip }, () => {
  const env = JSON.parse(readFileSync(join(V, 'internal/mock/testdata/ca_valid_sig_env.json'), 'utf8')) as Record<string, string>;
  assert.equal(verifyEnvelope('application/jose+json', Buffer.from(JSON.stringify(env))).ok, true);
  const r = rng(15);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let n = 0;
  for (const field of ['protected', 'payload', 'signature']) {
    for (let i = 0; i < 150; i++) {
      const s = env[field] as string;
      const at = Math.floor(r() * s.length);
      const c = alphabet[Math.floor(r() * alphabet.length)] as string;
      if (c === s[at]) continue;
      const mutated = { ...env, [field]: s.slice(0, at) + c + s.slice(at + 1) };
      const res = verifyEnvelope('application/jose+json', Buffer.from(JSON.stringify(mutated)));
      assert.equal(res.ok, false, `${field}[${at}]=${c} verified`);
      n++;
    }
  }
  assert.ok(n > 400);
});

test('JWS and COSE: truncations and byte flips anywhere never throw; whatever still verifies says exactly what the original said', { skip }, () => {
  const r = rng(42);
  let verifiedAfterFlip = 0;
  let total = 0;
  for (const [file, mt] of [
    ['internal/testdata/jws_signature.sig', 'application/jose+json'],
    ['internal/testdata/cose_signature.sig', 'application/cose'],
    ['verifier/testdata/timestamp/sigEnv/coseWithTimestamp.sig', 'application/cose'],
  ] as const) {
    const bytes = readFileSync(join(V, file));
    const original = verifyEnvelope(mt, bytes);
    assert.ok(original.ok, file);
    const same = (x: typeof original): string => (x.ok ? JSON.stringify([x.info.target, x.info.scheme, x.info.signingTime, x.info.expiry, x.info.chain.map((c) => c.sha256), Buffer.from(x.info.signature).toString('hex')]) : '');
    for (let i = 0; i < 300; i++) {
      total++;
      const b = Buffer.from(bytes);
      if (i % 3 === 0) {
        assert.equal(verifyEnvelope(mt, b.subarray(0, Math.floor(r() * (b.length - 1)))).ok, false, 'a truncated envelope never verifies');
        continue;
      }
      const at = Math.floor(r() * b.length);
      b[at] = (b[at] as number) ^ (1 + Math.floor(r() * 255));
      const res = verifyEnvelope(mt, b);
      if (res.ok) {
        verifiedAfterFlip++;
        // Only unsigned, informational bytes (signing agent, JSON whitespace, timestamp token) may change.
        assert.equal(same(res), same(original), `${file}: flip at ${at} changed what verifies`);
      }
    }
  }
  assert.ok(verifiedAfterFlip < total / 4, `${verifiedAfterFlip} of ${total} mutations still verified`);
});

test('media types other than JWS and COSE are refused', () => {
  const r = verifyEnvelope('application/unsupported+json', Buffer.from('{}'));
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /not supported/);
  assert.equal(verifyEnvelope('application/jose+json', new Uint8Array(0)).ok, false);
  assert.equal(verifyEnvelope('application/cose', Uint8Array.of(0xd2, 0x84)).ok, false);
});
