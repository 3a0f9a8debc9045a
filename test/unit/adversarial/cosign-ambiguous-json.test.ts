// Adversarial review: signed JSON that cosign (Go: case-insensitive keys, last match wins) and this verifier
// (JSON.parse: exact keys, last wins) would read differently is refused, so the two can never disagree on a verdict.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHash, sign } from 'node:crypto';
import { parseReference } from '../../../server/src/core/imageRef';
import type { HttpClient, HttpResult } from '../../../server/src/registry/http';
import { parsePolicy } from '../../support/policy';
import { CosignTrustSource } from '../../../server/src/trust/cosign/source';
import { ambiguousKey } from '../../../server/src/trust/cosign/strictJson';
import { embeddedTrustedRoot } from '../../../server/src/trust/cosign/trustRoot';
import { BUNDLE_TYPE, generateKey, makeStatementBundle, SIMPLE_SIGNING, type TestKey } from '../../support/cosign';

const BASE = 'https://registry.test';
const REPO = 'org/app';
const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const IMAGE = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}');
const DIGEST = sha(IMAGE);
const OTHER = `sha256:${'e'.repeat(64)}`;
const SIGN = 'https://sigstore.dev/cosign/sign/v1';

test('ambiguousKey: duplicates at any depth, in any spelling Go folds together; distinct objects are independent', () => {
  assert.equal(ambiguousKey('{"a":1,"b":{"c":1,"d":[{"e":1},{"e":2}]}}'), undefined);
  assert.equal(ambiguousKey('{"a":1,"a":2}'), 'a');
  assert.equal(ambiguousKey('{"x":{"docker-manifest-digest":"1","Docker-Manifest-Digest":"2"}}'), 'Docker-Manifest-Digest');
  assert.equal(ambiguousKey('{"subject":[],"\\u017fubject":[]}'), 'ſubject');
  assert.equal(ambiguousKey('{"\\u0073ubject":[],"subject":[]}'), 'subject');
  assert.equal(ambiguousKey('[{"a":1},{"a":1}]'), undefined);
  assert.equal(ambiguousKey('{"a":"{\\"a\\":1,\\"a\\":2}"}'), undefined, 'keys inside string values are not keys');
});

function serve(paths: Map<string, Buffer>, trusted: TestKey): CosignTrustSource {
  const http: HttpClient = async (req): Promise<HttpResult> => {
    const body = paths.get(req.url.slice(BASE.length));
    if (!body) return { ok: true, status: 404, headers: {}, body: new Uint8Array(), url: req.url };
    return { ok: true, status: 200, headers: { 'content-type': 'application/json' }, body, url: req.url };
  };
  const policy = parsePolicy({ version: 1, images: [{ pattern: 'registry.test/**', required: true, keys: [{ pem: trusted.publicKeyPem, tlog: false }] }] }, '/');
  assert.ok(policy.ok);
  return new CosignTrustSource({ httpFor: () => http, registryBase: () => BASE, policy: policy.policy, trustedRoot: async () => embeddedTrustedRoot() });
}

const ref = parseReference(`registry.test/${REPO}@${DIGEST}`);
assert.ok(ref.ok);

test('a legacy payload naming the image under one spelling and another digest under cosign\'s is not a signature for the image', async () => {
  const key = generateKey();
  const payloadFor = (image: string): Buffer => Buffer.from(`{"critical":{"identity":{"docker-reference":"registry.test/${REPO}"},"image":${image},"type":"cosign container image signature"},"optional":null}`);
  const store = (payload: Buffer): Map<string, Buffer> => {
    const paths = new Map<string, Buffer>();
    paths.set(`/v2/${REPO}/blobs/${sha(payload)}`, payload);
    const layer = { mediaType: SIMPLE_SIGNING, digest: sha(payload), size: payload.length, annotations: { 'dev.cosignproject.cosign/signature': sign('sha256', payload, key.privateKey).toString('base64') } };
    paths.set(`/v2/${REPO}/manifests/sha256-${DIGEST.slice(7)}.sig`, Buffer.from(JSON.stringify({ schemaVersion: 2, config: {}, layers: [layer] })));
    return paths;
  };
  // Baseline: an honest payload verifies.
  assert.equal((await serve(store(payloadFor(`{"docker-manifest-digest":"${DIGEST}"}`)), key).lookup(ref, DIGEST)).state, 'signed');
  // cosign reads the last case-insensitive match (OTHER); JSON.parse read the exact key (DIGEST) and said "signed".
  const f = await serve(store(payloadFor(`{"docker-manifest-digest":"${DIGEST}","Docker-Manifest-Digest":"${OTHER}"}`)), key).lookup(ref, DIGEST);
  assert.notEqual(f.state, 'signed', 'a payload cosign reads as a signature for another image was taken as one for this image');
});

test('an in-toto statement whose predicate type has two spellings is not an image signature', async () => {
  const key = generateKey();
  const stmt = (extra: string): string => `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"registry.test/${REPO}","digest":{"sha256":"${DIGEST.slice(7)}"}}],"predicateType":"${SIGN}",${extra}"predicate":{}}`;
  const store = (bundle: Buffer): Map<string, Buffer> => {
    const paths = new Map<string, Buffer>();
    paths.set(`/v2/${REPO}/blobs/${sha(bundle)}`, bundle);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: BUNDLE_TYPE,
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha(Buffer.from('{}')), size: 2 },
        layers: [{ mediaType: BUNDLE_TYPE, digest: sha(bundle), size: bundle.length }],
        subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: DIGEST, size: IMAGE.length },
      }),
    );
    paths.set(`/v2/${REPO}/manifests/${sha(manifest)}`, manifest);
    paths.set(`/v2/${REPO}/referrers/${DIGEST}`, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length, artifactType: BUNDLE_TYPE }] })));
    return paths;
  };
  assert.equal((await serve(store(makeStatementBundle(stmt(''), key)), key).lookup(ref, DIGEST)).state, 'signed');
  // cosign's statement decoding takes the last case-insensitive "predicateType": SLSA provenance, an attestation.
  for (const extra of ['"PredicateType":"https://slsa.dev/provenance/v1",', `"predicateType":"https://slsa.dev/provenance/v1",`]) {
    const f = await serve(store(makeStatementBundle(stmt(extra), key)), key).lookup(ref, DIGEST);
    assert.notEqual(f.state, 'signed', `${extra}: an attestation to cosign was an image signature here`);
  }
});

test('attestation statements follow the same rule: a predicate type in two spellings is refused', async () => {
  const { parseStatement } = await import('../../../server/src/trust/attestations/statement');
  const text = `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x","digest":{"sha256":"${DIGEST.slice(7)}"}}],"predicateType":"https://slsa.dev/provenance/v1","PredicateType":"https://cosign.sigstore.dev/attestation/vuln/v1","predicate":{}}`;
  const r = parseStatement(Buffer.from(text));
  assert.equal(r.ok, false, 'cosign reads the vuln-scan predicate type, this verifier read SLSA provenance');
});

test('free-form content (a predicate, optional annotations) may have keys that differ only in case', () => {
  const sbom = '{"_type":"t","predicateType":"p","subject":[],"predicate":{"Name":"a","name":"b","x":{"ID":1,"id":2}}}';
  assert.equal(ambiguousKey(sbom, ['predicate']), undefined);
  assert.equal(ambiguousKey(sbom), 'name');
  // A subject entry is decoded into a struct: two spellings of "digest" there are ambiguous.
  assert.equal(ambiguousKey('{"subject":[{"digest":{"sha256":"a"},"Digest":{"sha256":"b"}}],"predicate":{}}', ['predicate']), 'Digest');
  // A second top-level key spelt like the free one is still caught.
  assert.equal(ambiguousKey('{"predicate":{},"Predicate":{}}', ['predicate']), 'Predicate');
  assert.equal(ambiguousKey('{"critical":{"image":{}},"optional":{"A":1,"a":2}}', ['optional']), undefined);
});
