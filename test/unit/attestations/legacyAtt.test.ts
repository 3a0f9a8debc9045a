// cosign's legacy `sha256-<hex>.att` layers: real signatures re-expressed in that layout verify exactly as their bundles do;
// altered layers, annotations and the wrong subject are refused; cosign < 2.2's intoto 0.0.1 entries are unverifiable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { legacyAttestationToBundle, pemCertificates, verifyLegacyAttestation } from '../../../server/src/trust/attestations/legacyAtt';
import { verifyAttestationBundle } from '../../../server/src/trust/attestations/verify';
import type { AttestationFact } from '../../../server/src/trust/attestations/facts';
import { asLegacyAtt, conformance, distrolessAtt, fixture, NEEDS_CONFORMANCE, root, statementOf, subjectDigestOf } from './vectors';

const OTHER = `sha256:${'ef'.repeat(32)}`;

function omitOrigin(f: AttestationFact): unknown {
  const { origin: _o, ...rest } = f as AttestationFact & { origin: string };
  return rest;
}

test('real DSSE bundles in the .att layout verify to the same facts as their bundles', NEEDS_CONFORMANCE, () => {
  for (const b of [fixture('github-reusable-workflow.sigstore.json'), conformance('happy-path-intoto-in-dsse-v3'), fixture('cosign-oci-attestation.sigstore.json')]) {
    const digest = subjectDigestOf(b);
    const viaAtt = verifyLegacyAttestation(asLegacyAtt(b), { subjectDigest: digest, root, repository: 'r' });
    assert.equal(viaAtt.state, 'verified', viaAtt.state !== 'verified' && 'reason' in viaAtt ? viaAtt.reason : '');
    assert.equal(viaAtt.origin, 'legacy-att');
    const viaBundle = verifyAttestationBundle(b, { subjectDigest: digest, root, repository: 'r', predicateTypeHint: statementOf(b).predicateType });
    assert.deepEqual(omitOrigin(viaAtt), omitOrigin(viaBundle));
  }
});

test('.att: another subject, altered envelope, altered annotations are refused', NEEDS_CONFORMANCE, () => {
  const b = fixture('github-reusable-workflow.sigstore.json');
  const digest = subjectDigestOf(b);
  const layer = asLegacyAtt(b);
  const check = (name: string, l: typeof layer, d = digest): AttestationFact => {
    const r = verifyLegacyAttestation(l, { subjectDigest: d, root, repository: 'r' });
    assert.ok(r.state === 'invalid' || r.state === 'unverifiable', `${name}: ${r.state}`);
    return r;
  };
  const sub = check('another subject', layer, OTHER);
  assert.match(sub.state === 'invalid' ? sub.attack : '', /substitution/);

  const env = JSON.parse(Buffer.from(layer.envelope).toString()) as { payload: string; signatures: { sig: string }[] };
  const st = JSON.parse(Buffer.from(env.payload, 'base64').toString()) as { predicate: { runDetails: { builder: { id: string } } } };
  st.predicate.runDetails.builder.id = 'https://evil.example';
  check('payload rewritten', { ...layer, envelope: Buffer.from(JSON.stringify({ ...env, payload: Buffer.from(JSON.stringify(st)).toString('base64') })) });
  check('no signature', { ...layer, envelope: Buffer.from(JSON.stringify({ ...env, signatures: [] })) });
  check('two signatures', { ...layer, envelope: Buffer.from(JSON.stringify({ ...env, signatures: [env.signatures[0], env.signatures[0]] })) });
  check('not JSON', { ...layer, envelope: Buffer.from('not json') });
  check('invalid UTF-8', { ...layer, envelope: Buffer.from([0xff, 0xfe, 0x7b, 0x7d]) });

  const rekor = JSON.parse(layer.annotations['dev.sigstore.cosign/bundle'] ?? '{}') as { SignedEntryTimestamp: string; Payload: { integratedTime: number } };
  check('SET from another entry', { ...layer, annotations: { ...layer.annotations, 'dev.sigstore.cosign/bundle': JSON.stringify({ ...rekor, Payload: { ...rekor.Payload, integratedTime: rekor.Payload.integratedTime + 1 } }) } });
  check('Rekor bundle missing (keyless needs a log)', { ...layer, annotations: { ...layer.annotations, 'dev.sigstore.cosign/bundle': '' } });
  check('Rekor bundle not JSON', { ...layer, annotations: { ...layer.annotations, 'dev.sigstore.cosign/bundle': '{' } });
  check('certificate of another signature', {
    ...layer,
    annotations: { ...layer.annotations, 'dev.sigstore.cosign/certificate': asLegacyAtt(conformance('happy-path-intoto-in-dsse-v3')).annotations['dev.sigstore.cosign/certificate'] ?? '' },
  });
  check('certificate without END', { ...layer, annotations: { ...layer.annotations, 'dev.sigstore.cosign/certificate': '-----BEGIN CERTIFICATE-----\nMIIB' } });
  check('no certificate (reads as key-signed, and no key is configured)', { ...layer, annotations: { ...layer.annotations, 'dev.sigstore.cosign/certificate': '' } });
});

test('a real cosign < 2.2 .att (distroless, intoto 0.0.1 log entry) is unverifiable, with its label kept', () => {
  const att = distrolessAtt();
  const r = verifyLegacyAttestation(att, { subjectDigest: att.subjectDigest, root, repository: 'ghcr.io/distroless/static' });
  assert.equal(r.state, 'unverifiable');
  if (r.state !== 'unverifiable') return;
  assert.match(r.reason, /intoto 0\.0\.1/);
  assert.equal(r.predicateTypeHint, 'https://cosign.sigstore.dev/attestation/vuln/v1');
  // Its envelope and annotations are otherwise well formed: the rebuild fails only on the log entry kind.
  const rebuilt = legacyAttestationToBundle(att);
  assert.equal(rebuilt.ok, false);
  assert.equal(!rebuilt.ok && rebuilt.state, 'unverifiable');
});

test('PEM parsing is linear and capped: hostile certificate annotations are refused fast', () => {
  const begin = '-----BEGIN CERTIFICATE-----';
  const t0 = process.hrtime.bigint();
  const r1 = pemCertificates(begin.repeat(2000)); // ~54 KiB, under the cap, BEGIN with no END
  const r2 = pemCertificates(`${begin}\n${'A'.repeat(4 * 1024 * 1024)}`); // 4 MiB: over the cap
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.equal(r1.ok, false);
  assert.equal(r2.ok, false);
  assert.ok(ms < 500, `took ${ms} ms`);
  const many = `${begin}\nAAAA\n-----END CERTIFICATE-----\n`.repeat(9);
  assert.equal(pemCertificates(many).ok, false, 'more than 8 certificates');
  assert.deepEqual(pemCertificates(`${begin}\nAA AA\n-----END CERTIFICATE-----`), { ok: true, der: ['AAAA'] });
  assert.equal(pemCertificates(`${begin}\nA*AA\n-----END CERTIFICATE-----`).ok, false);
});

test('never throws on junk layers', () => {
  const junk: Array<{ envelope: Uint8Array; annotations: Record<string, string> }> = [
    { envelope: new Uint8Array(), annotations: {} },
    { envelope: Buffer.from('[]'), annotations: {} },
    { envelope: Buffer.from('{"payloadType":1}'), annotations: {} },
    { envelope: Buffer.from('{"payloadType":"application/vnd.in-toto+json","payload":"%%%","signatures":[{"sig":"AA=="}]}'), annotations: {} },
    { envelope: Buffer.from('{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"sig":"AA=="}]}'), annotations: { 'dev.sigstore.cosign/bundle': '{"SignedEntryTimestamp":"x","Payload":{"body":"!!","integratedTime":1,"logIndex":1,"logID":"00"}}' } },
  ];
  for (const l of junk) assert.notEqual(verifyLegacyAttestation(l, { subjectDigest: OTHER, root, repository: 'r' }).state, 'verified');
});
