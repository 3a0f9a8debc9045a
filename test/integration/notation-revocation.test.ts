// Notation revocation: OCSP answers from OpenSSL's responder logic (`openssl ocsp` over the CA database, answering
// the exact request bytes the verifier sends) and CRLs from `openssl ca -gencrl`, served through the HttpClient
// contract; offline and unreachable answers are "not checked", and the trust policy's revocation action decides.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { HttpClient, HttpRequest } from '../../server/src/registry/http';
import { memoryStore, verifyNotationSignatures, type NotationResult } from '../../server/src/trust/notation';
import { parseNotationTrustPolicy } from '../../server/src/trust/notation/policy';
import { Scratch } from '../support/notationCli';
import { Pki, signJws, type Identity } from '../support/notationSign';

const scratch = new Scratch();
after(() => scratch.cleanup());
const pki = new Pki(join(scratch.dir, 'pki'));
const root = pki.root('root', 'Revocation Root');
pki.root('other', 'Unrelated Root'); // signs the wrong-signer OCSP answers
const ocspLeaf = pki.leaf('ocsp-leaf', 'OCSP Signer', 'root', { profile: 'codesign_ocsp' });
const crlLeaf = pki.leaf('crl-leaf', 'CRL Signer', 'root', { profile: 'codesign_crl' });
const revokedLeaf = pki.leaf('revoked-leaf', 'Revoked Signer', 'root', { profile: 'codesign_ocsp' });
pki.revoke('revoked-leaf', 'root');

const TARGET = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'c3'.repeat(32)}`, size: 99 };
const REPO = 'registry.example.com/rev/app';
const stores = memoryStore({ 'truststore/x509/ca/rev/root.pem': root.certPem });

function policy(revocation?: 'enforce' | 'log' | 'skip', level = 'strict'): ReturnType<typeof parseNotationTrustPolicy> {
  return parseNotationTrustPolicy(
    JSON.stringify({
      version: '1.0',
      trustPolicies: [{ name: 'rev', registryScopes: [REPO], signatureVerification: { level, ...(revocation ? { override: { revocation } } : {}) }, trustStores: ['ca:rev'], trustedIdentities: ['*'] }],
    }),
    'trustpolicy.oci.json',
  );
}

interface Served {
  ocsp: 'openssl' | 'wrong-signer' | 'unreachable' | 'http-500';
  crl: 'current' | 'unreachable';
}

/** An HttpClient that answers OCSP from OpenSSL's responder and CRLs from the CA database; records requests. */
function server(s: Served, log: string[]): HttpClient {
  return async (req: HttpRequest) => {
    log.push(req.url);
    assert.ok(req.maxBytes > 0 && req.timeoutMs > 0, 'every request is capped and has a deadline');
    if (req.url.startsWith('http://ocsp.test/')) {
      if (s.ocsp === 'unreachable') return { ok: false, kind: 'unreachable', message: 'connection refused' };
      if (s.ocsp === 'http-500') return { ok: true, status: 500, headers: {}, body: new Uint8Array(0), url: req.url };
      const der = Buffer.from(decodeURIComponent(req.url.slice('http://ocsp.test/'.length)), 'base64');
      return { ok: true, status: 200, headers: {}, body: pki.ocsp(der, 'root', s.ocsp === 'wrong-signer' ? 'other' : 'root'), url: req.url };
    }
    if (req.url === 'http://crl.test/root.crl') {
      if (s.crl === 'unreachable') return { ok: false, kind: 'timeout', message: 'timed out' };
      return { ok: true, status: 200, headers: {}, body: pki.crl('root'), url: req.url };
    }
    return { ok: false, kind: 'unreachable', message: `unexpected URL ${req.url}` };
  };
}

async function verify(signer: Identity, o: { revocation?: 'enforce' | 'log' | 'skip'; level?: string; http?: HttpClient }): Promise<NotationResult> {
  const p = policy(o.revocation, o.level);
  assert.ok(p.ok);
  const envelope = signJws({ signer, chain: [signer.der, root.der], target: TARGET });
  return verifyNotationSignatures({ envelopes: [{ mediaType: 'application/jose+json', bytes: envelope }], target: TARGET, reference: REPO, policy: p.value, stores, ...(o.http ? { http: o.http } : {}) });
}

function revocationCheck(r: NotationResult): { status: string; action: string; reason?: string } | undefined {
  const sig = r.state === 'verified' ? r.signature : 'signatures' in r ? r.signatures[0] : undefined;
  return sig?.checks.find((c) => c.check === 'revocation');
}

test('OCSP good (OpenSSL responder, our request bytes): verified under strict', async () => {
  const log: string[] = [];
  const r = await verify(ocspLeaf, { http: server({ ocsp: 'openssl', crl: 'current' }, log) });
  assert.equal(r.state, 'verified', JSON.stringify(r));
  assert.equal(revocationCheck(r)?.status, 'passed');
  assert.equal(log.filter((u) => u.startsWith('http://ocsp.test/')).length, 1, 'one OCSP request, no CRL needed');
});

test('OCSP revoked: strict refuses (revocation), permissive verifies and logs it', async () => {
  const http = server({ ocsp: 'openssl', crl: 'current' }, []);
  const strict = await verify(revokedLeaf, { http });
  assert.equal(strict.state, 'invalid');
  assert.equal(strict.state === 'invalid' && strict.check, 'revocation');
  assert.match(strict.state === 'invalid' ? strict.reason : '', /Revoked Signer.*is revoked/);
  const permissive = await verify(revokedLeaf, { http, level: 'permissive' });
  assert.equal(permissive.state, 'verified');
  assert.deepEqual(permissive.state === 'verified' && permissive.signature.logged.map((l) => `${l.check}:${l.status}`), ['revocation:failed']);
});

test('OCSP unreachable or failing falls back to the CRL, which still finds the revocation', async () => {
  for (const ocsp of ['unreachable', 'http-500'] as const) {
    const log: string[] = [];
    const r = await verify(revokedLeaf, { http: server({ ocsp, crl: 'current' }, log) });
    assert.equal(r.state, 'invalid', ocsp);
    assert.ok(log.includes('http://crl.test/root.crl'), 'the CRL was fetched after OCSP failed');
    const good = await verify(ocspLeaf, { http: server({ ocsp, crl: 'current' }, []) });
    assert.equal(good.state, 'verified', `${ocsp}: ${JSON.stringify(good)}`);
  }
});

test('an OCSP answer signed by an unrelated key is not an answer: "not checked", then the CRL decides', async () => {
  const onlyOcsp = await verify(ocspLeaf, { http: server({ ocsp: 'wrong-signer', crl: 'unreachable' }, []) });
  assert.equal(onlyOcsp.state, 'unavailable');
  assert.match(onlyOcsp.state === 'unavailable' ? onlyOcsp.reason : '', /not signed by the issuer|does not verify/);
  const withCrl = await verify(revokedLeaf, { http: server({ ocsp: 'wrong-signer', crl: 'current' }, []) });
  assert.equal(withCrl.state, 'invalid');
});

test('CRL only: a revoked certificate is refused', async () => {
  pki.revoke('crl-leaf', 'root');
  const r = await verify(crlLeaf, { http: server({ ocsp: 'unreachable', crl: 'current' }, []) });
  assert.equal(r.state, 'invalid');
  assert.match(r.state === 'invalid' ? r.reason : '', /CRL Signer.*revoked/);
});

test('offline: revocation not checked; strict → unavailable, revocation log → verified (logged), skip → verified (skipped)', async () => {
  const strict = await verify(ocspLeaf, {});
  assert.equal(strict.state, 'unavailable');
  assert.match(strict.state === 'unavailable' ? strict.reason : '', /not checked.*enforces revocation/);
  const logged = await verify(ocspLeaf, { revocation: 'log' });
  assert.equal(logged.state, 'verified');
  assert.deepEqual(revocationCheck(logged), { check: 'revocation', action: 'log', status: 'not-checked', reason: revocationCheck(logged)?.reason });
  const skipped = await verify(ocspLeaf, { revocation: 'skip' });
  assert.equal(skipped.state, 'verified');
  assert.equal(revocationCheck(skipped)?.status, 'skipped');
  // A certificate without OCSP or CRL endpoints is not revocable: nothing to check, even offline.
  const plain = pki.leaf('plain', 'Plain Signer', 'root');
  assert.equal((await verify(plain, {})).state, 'verified');
});
