// Attestation bundles as OCI referrers: real GitHub, cosign and Sigstore-conformance bundles verified offline with the
// embedded trusted root; tampered copies, another subject, sign-blob and image-signature bundles refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { verifyAttestationBundle } from '../../../server/src/trust/attestations/verify';
import type { AttestationFact, VerifiedAttestationFact } from '../../../server/src/trust/attestations/facts';
import { BEACON, clone, CONFORMANCE, conformance, conformanceRoot, fixture, GH_ISSUER, keySignedBundle, NEEDS_CONFORMANCE, root, statementFor, subjectDigestOf, testKey, withStatement } from './vectors';

function verified(f: AttestationFact): VerifiedAttestationFact {
  assert.equal(f.state, 'verified', 'reason' in f ? f.reason : '');
  return f as VerifiedAttestationFact;
}

const OTHER = `sha256:${'ab'.repeat(32)}`;

test('GitHub artifact attestation (reusable workflow): verified, signer and source read from the certificate', () => {
  const b = fixture('github-reusable-workflow.sigstore.json');
  const v = verified(verifyAttestationBundle(b, { subjectDigest: subjectDigestOf(b), root, repository: 'ghcr.io/malancas/attest-demo' }));
  assert.equal(v.origin, 'referrer');
  assert.equal(v.repository, 'ghcr.io/malancas/attest-demo');
  assert.equal(v.statementType, 'v1');
  assert.equal(v.predicateType, 'https://slsa.dev/provenance/v1');
  assert.equal(v.loggedAt, '2024-05-24T19:14:24.000Z');
  assert.equal(v.signer.kind, 'keyless');
  if (v.signer.kind !== 'keyless') return;
  assert.equal(v.signer.identity, 'https://github.com/github/artifact-attestations-workflows/.github/workflows/attest.yml@09b495c3f12c7881b3cc17209a327792065c1a1d');
  assert.equal(v.signer.issuer, GH_ISSUER);
  assert.equal(v.signer.claims.sourceRepositoryUri, 'https://github.com/malancas/attest-demo');
  assert.equal(v.signer.claims.sourceRepositoryDigest, '95baf27389e83e6a5c48f42e190d48d7abcea19e');
  assert.equal(v.signer.claims.sourceRepositoryRef, 'refs/heads/main');
  assert.equal(v.signer.claims.buildTrigger, 'workflow_dispatch');
  assert.equal(v.signer.claims.runnerEnvironment, 'github-hosted');
  assert.equal(v.facts.kind, 'slsa-provenance');
  if (v.facts.kind !== 'slsa-provenance') return;
  assert.equal(v.facts.builderId, 'https://github.com/actions/runner/github-hosted');
  assert.deepEqual(v.facts.source, { repository: 'https://github.com/malancas/attest-demo', ref: 'refs/heads/main', commit: '95baf27389e83e6a5c48f42e190d48d7abcea19e', from: 'workflow' });
  assert.equal(v.facts.entryPoint, '.github/workflows/shared.yml');
});

test('conformance in-toto bundles verify as attestations; their failing twins never do', NEEDS_CONFORMANCE, () => {
  const ok = verified(verifyAttestationBundle(conformance('happy-path-intoto-in-dsse-v3'), { subjectDigest: subjectDigestOf(conformance('happy-path-intoto-in-dsse-v3')), root, repository: 'r' }));
  assert.equal(ok.signer.kind === 'keyless' && ok.signer.identity, BEACON);
  const custom = conformance('intoto-with-custom-trust-root');
  const c = verified(verifyAttestationBundle(custom, { subjectDigest: subjectDigestOf(custom), root: conformanceRoot('intoto-with-custom-trust-root'), repository: 'r' }));
  assert.equal(c.facts.kind === 'slsa-provenance' && c.facts.buildType, 'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1');
  // The same bundle against the production root: its CA is not trusted there.
  assert.equal(verifyAttestationBundle(custom, { subjectDigest: subjectDigestOf(custom), root, repository: 'r' }).state, 'invalid');
  const r2 = conformance('rekor2-dsse-happy-path');
  verified(verifyAttestationBundle(r2, { subjectDigest: subjectDigestOf(r2), root: conformanceRoot('rekor2-dsse-happy-path'), repository: 'r' }));

  let failing = 0;
  for (const dir of readdirSync(CONFORMANCE)) {
    if (!dir.endsWith('_fail') || !/^(dsse|intoto|rekor2-dsse)/.test(dir)) continue;
    const b = conformance(dir);
    let digest: string;
    try {
      digest = subjectDigestOf(b);
    } catch {
      digest = `sha256:${'a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf'}`;
    }
    let r: AttestationFact;
    try {
      r = verifyAttestationBundle(b, { subjectDigest: digest, root: dir.startsWith('rekor2') ? conformanceRoot(dir) : root, repository: 'r' });
    } catch (e) {
      assert.fail(`${dir}: threw ${String(e)}`);
    }
    assert.notEqual(r.state, 'verified', dir);
    failing++;
  }
  assert.ok(failing >= 8, `ran ${failing} failing DSSE cases`);
});

test('cosign attest (new bundle format) for an image digest: verified with the signer as logged', () => {
  const b = fixture('cosign-oci-attestation.sigstore.json');
  const v = verified(verifyAttestationBundle(b, { subjectDigest: 'sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4', root, repository: '127.0.0.1:60943/repo', predicateTypeHint: 'https://cosign.sigstore.dev/attestation/v1' }));
  assert.equal(v.statementType, 'v0.1');
  assert.equal(v.facts.kind, 'other');
  assert.deepEqual(v.notes, []);
  assert.equal(v.signer.kind === 'keyless' && v.signer.identity, 'cody@soyland.com');
  assert.equal(v.signer.kind === 'keyless' && v.signer.issuer, 'https://github.com/login/oauth');
  assert.deepEqual(v.signer.kind === 'keyless' && v.signer.claims, {}, 'an e-mail identity carries no CI claims');
});

test('a registry label that disagrees with the signed predicate type is noted, and the signed one wins', () => {
  const b = fixture('cosign-oci-attestation.sigstore.json');
  const v = verified(verifyAttestationBundle(b, { subjectDigest: subjectDigestOf(b), root, repository: 'r', predicateTypeHint: 'https://slsa.dev/provenance/v1' }));
  assert.equal(v.predicateType, 'https://cosign.sigstore.dev/attestation/v1');
  assert.match(v.notes.join(), /labels it "https:\/\/slsa\.dev\/provenance\/v1"/);
});

test('another subject: a valid attestation for a different digest is a substitution, never verified', NEEDS_CONFORMANCE, () => {
  for (const b of [fixture('github-reusable-workflow.sigstore.json'), conformance('happy-path-intoto-in-dsse-v3'), fixture('cosign-oci-attestation.sigstore.json')]) {
    const r = verifyAttestationBundle(b, { subjectDigest: OTHER, root, repository: 'r' });
    assert.equal(r.state, 'invalid');
    assert.match(r.state === 'invalid' ? r.attack : '', /substitution/);
  }
  // A digest that is not sha256:<hex> is refused before anything else.
  assert.equal(verifyAttestationBundle(fixture('cosign-oci-attestation.sigstore.json'), { subjectDigest: 'sha256:ABC', root, repository: 'r' }).state, 'unverifiable');
});

test('a subject swapped inside the signed statement breaks the signature', () => {
  const b = fixture('github-reusable-workflow.sigstore.json');
  const swapped = withStatement(b, (s) => {
    (s['subject'] as { digest: { sha256: string } }[])[0]!.digest.sha256 = OTHER.slice(7);
  });
  const r = verifyAttestationBundle(swapped, { subjectDigest: OTHER, root, repository: 'r' });
  assert.equal(r.state, 'invalid');
});

test('tampered copies are refused: payload, signature, certificate, log entry', () => {
  const b = fixture('github-reusable-workflow.sigstore.json') as Record<string, never>;
  const digest = subjectDigestOf(b);
  const flip = (s: string, at: number): string => {
    const buf = Buffer.from(s, 'base64');
    const i = Math.max(0, Math.min(buf.length - 1, at < 0 ? buf.length + at : at));
    buf[i] = (buf[i] ?? 0) ^ 0x01;
    return buf.toString('base64');
  };
  // The bundle JSON, loosely typed for surgery.
  type B = {
    dsseEnvelope: { payloadType: string; signatures: [{ sig: string }] };
    verificationMaterial: { certificate: { rawBytes: string }; tlogEntries: [{ integratedTime: string; inclusionPromise: { signedEntryTimestamp: string } }] };
  };
  const cases: Array<[string, RegExp, (x: B) => void]> = [
    ['builder id rewritten', /forged or altered/, () => undefined],
    ['signature byte', /forged or altered/, (x) => (x.dsseEnvelope.signatures[0].sig = flip(x.dsseEnvelope.signatures[0].sig, 40))],
    ['certificate byte', /forged or altered/, (x) => (x.verificationMaterial.certificate.rawBytes = flip(x.verificationMaterial.certificate.rawBytes, 300))],
    ['SET byte', /unlogged/, (x) => (x.verificationMaterial.tlogEntries[0].inclusionPromise.signedEntryTimestamp = flip(x.verificationMaterial.tlogEntries[0].inclusionPromise.signedEntryTimestamp, -3))],
    ['integrated time', /unlogged/, (x) => (x.verificationMaterial.tlogEntries[0].integratedTime = String(Number(x.verificationMaterial.tlogEntries[0].integratedTime) + 60))],
    ['log entry removed', /unlogged/, (x) => ((x.verificationMaterial as { tlogEntries: unknown[] }).tlogEntries = [])],
    ['payload type', /^$/, (x) => (x.dsseEnvelope.payloadType = 'application/json')],
    ['second signature', /forged or corrupted/, (x) => (x.dsseEnvelope.signatures as { sig: string }[]).push(x.dsseEnvelope.signatures[0])],
  ];
  for (const [name, attack, edit] of cases) {
    let t: unknown;
    if (name === 'builder id rewritten') {
      t = withStatement(b, (s) => {
        (s['predicate'] as { runDetails: { builder: { id: string } } }).runDetails.builder.id = 'https://evil.example/builder';
      });
    } else {
      const x = clone(b) as unknown as B;
      edit(x);
      t = x;
    }
    const r = verifyAttestationBundle(t, { subjectDigest: digest, root, repository: 'r' });
    assert.ok(r.state === 'invalid' || r.state === 'unverifiable', `${name}: ${r.state}`);
    assert.match(r.state === 'invalid' ? r.attack : '', attack, name);
  }
});

test('hostile statements inside a bundle are refused before the signature is trusted', () => {
  const b = fixture('github-reusable-workflow.sigstore.json');
  const digest = subjectDigestOf(b);
  const payloadOf = (text: string): unknown => {
    const x = clone(b) as { dsseEnvelope: { payload: string } };
    x.dsseEnvelope.payload = Buffer.from(text).toString('base64');
    return x;
  };
  const good = Buffer.from((b as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload, 'base64').toString('utf8');
  const dup = good.replace('"predicateType":', '"predicateType":"https://sigstore.dev/cosign/sign/v1","predicateType":');
  const r1 = verifyAttestationBundle(payloadOf(dup), { subjectDigest: digest, root, repository: 'r' });
  assert.equal(r1.state, 'invalid');
  assert.match(r1.state === 'invalid' ? r1.reason : '', /twice/);
  const r2 = verifyAttestationBundle(payloadOf('\ufeff' + good), { subjectDigest: digest, root, repository: 'r' });
  assert.equal(r2.state, 'invalid');
  const r3 = verifyAttestationBundle(payloadOf(good.replace('https://in-toto.io/Statement/v1', 'https://in-toto.io/Statement/v9')), { subjectDigest: digest, root, repository: 'r' });
  assert.equal(r3.state, 'invalid');
  assert.equal(verifyAttestationBundle({ mediaType: 'nonsense' }, { subjectDigest: digest, root, repository: 'r' }).state, 'invalid');
  for (const junk of [null, 42, 'x', [], { dsseEnvelope: 7 }]) assert.notEqual(verifyAttestationBundle(junk, { subjectDigest: digest, root, repository: 'r' }).state, 'verified');
});

test('a cosign image-signature statement is not an attestation, and a sign-blob bundle is not one either', NEEDS_CONFORMANCE, () => {
  const b = fixture('github-reusable-workflow.sigstore.json');
  const sig = withStatement(b, (s) => {
    s['predicateType'] = 'https://sigstore.dev/cosign/sign/v1';
  });
  const r = verifyAttestationBundle(sig, { subjectDigest: subjectDigestOf(b), root, repository: 'r' });
  assert.equal(r.state, 'not-an-attestation');
  const blob = conformance('happy-path-v0.3');
  const r2 = verifyAttestationBundle(blob, { subjectDigest: `sha256:${'a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf'}`, root, repository: 'r' });
  assert.equal(r2.state, 'not-an-attestation');
  assert.match(r2.state === 'not-an-attestation' ? r2.reason : '', /sign-blob/);
});

test("GitHub's private Sigstore instance (timestamp authority, no log) is unverifiable here, never verified", () => {
  const b = fixture('github-private-tsa.sigstore.json');
  const r = verifyAttestationBundle(b, { subjectDigest: subjectDigestOf(b), root, repository: 'r' });
  assert.equal(r.state, 'unverifiable');
  assert.match(r.state === 'unverifiable' ? r.reason : '', /timestamp authority/);
});

test('a custom OIDC issuer is recorded exactly as the certificate states it', () => {
  const b = fixture('github-custom-issuer.sigstore.json');
  const v = verified(verifyAttestationBundle(b, { subjectDigest: subjectDigestOf(b), root, repository: 'r' }));
  assert.equal(v.signer.kind === 'keyless' && v.signer.issuer, 'https://token.actions.githubusercontent.com/hammer-time');
});

test('a sha512-only provenance (npm) can be about no image digest', () => {
  const b = fixture('npm-provenance-v02.sigstore.json');
  const r = verifyAttestationBundle(b, { subjectDigest: OTHER, root, repository: 'r' });
  assert.equal(r.state, 'invalid');
  assert.match(r.state === 'invalid' ? r.reason : '', /no sha256/);
});

test('key-signed attestations: need a configured key, verify only with it, honour the tlog setting, are named by fingerprint', () => {
  const key = testKey();
  const other = testKey();
  const digest = `sha256:${'cd'.repeat(32)}`;
  const b = keySignedBundle(statementFor(digest, 'https://slsa.dev/provenance/v0.2', { builder: { id: 'https://dhi.example/builder' }, buildType: 'x' }), key);
  const noKey = verifyAttestationBundle(b, { subjectDigest: digest, root, repository: 'r' });
  assert.equal(noKey.state, 'unverifiable');
  assert.match(noKey.state === 'unverifiable' ? noKey.reason : '', /no key is configured/);
  const wrong = verifyAttestationBundle(b, { subjectDigest: digest, root, repository: 'r', keys: [{ publicKeyPem: other.publicKeyPem, tlog: false }] });
  assert.equal(wrong.state, 'invalid');
  assert.match(wrong.state === 'invalid' ? wrong.reason : '', /does not verify with any of the 1 configured key/);
  const needsLog = verifyAttestationBundle(b, { subjectDigest: digest, root, repository: 'r', keys: [{ publicKeyPem: key.publicKeyPem, tlog: true }] });
  assert.equal(needsLog.state, 'invalid');
  assert.match(needsLog.state === 'invalid' ? needsLog.attack : '', /unlogged/);
  const ok = verified(verifyAttestationBundle(b, { subjectDigest: digest, root, repository: 'r', keys: [{ publicKeyPem: other.publicKeyPem, tlog: false }, { publicKeyPem: key.publicKeyPem, tlog: false }] }));
  assert.deepEqual(ok.signer, { kind: 'key', keyFingerprint: key.fingerprint });
  assert.equal(ok.loggedAt, undefined);
  assert.equal(ok.facts.kind === 'slsa-provenance' && ok.facts.builderId, 'https://dhi.example/builder');
  assert.equal(verifyAttestationBundle(b, { subjectDigest: OTHER, root, repository: 'r', keys: [{ publicKeyPem: key.publicKeyPem, tlog: false }] }).state, 'invalid');
});
