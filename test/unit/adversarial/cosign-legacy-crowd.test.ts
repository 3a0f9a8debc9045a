// Adversarial review: legacy `.sig` signatures past the per-image cap are "not checked", never "verification FAILED".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHash, sign } from 'node:crypto';
import { parseReference } from '../../../server/src/core/imageRef';
import type { HttpClient, HttpResult } from '../../../server/src/registry/http';
import { parsePolicy } from '../../support/policy';
import { CosignTrustSource } from '../../../server/src/trust/cosign/source';
import { embeddedTrustedRoot } from '../../../server/src/trust/cosign/trustRoot';
import { generateKey, SIMPLE_SIGNING, simpleSigningPayload, type TestKey } from '../../support/cosign';

const BASE = 'https://registry.test';
const REPO = 'org/app';
const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const IMAGE = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}');
const DIGEST = sha(IMAGE);

function legacyLayer(paths: Map<string, Buffer>, key: TestKey, i: number): object {
  // Distinct payload bytes per layer (cosign's `optional` field), each signed over its exact bytes.
  const payload = Buffer.from(simpleSigningPayload(`registry.test/${REPO}`, DIGEST).toString().replace('"optional":null', `"optional":{"n":${i}}`));
  paths.set(`/v2/${REPO}/blobs/${sha(payload)}`, payload);
  return { mediaType: SIMPLE_SIGNING, digest: sha(payload), size: payload.length, annotations: { 'dev.cosignproject.cosign/signature': sign('sha256', payload, key.privateKey).toString('base64') } };
}

function source(paths: Map<string, Buffer>, trusted: TestKey): CosignTrustSource {
  const http: HttpClient = async (req): Promise<HttpResult> => {
    const body = paths.get(req.url.slice(BASE.length));
    if (!body) return { ok: true, status: 404, headers: {}, body: new Uint8Array(), url: req.url };
    return { ok: true, status: 200, headers: { 'content-type': 'application/json' }, body, url: req.url };
  };
  const policy = parsePolicy({ version: 1, images: [{ pattern: 'registry.test/**', required: true, keys: [{ pem: trusted.publicKeyPem, tlog: false }] }] }, '/');
  assert.ok(policy.ok);
  return new CosignTrustSource({ httpFor: () => http, registryBase: () => BASE, policy: policy.policy, trustedRoot: async () => embeddedTrustedRoot() });
}

function sigManifest(paths: Map<string, Buffer>, layers: object[]): void {
  paths.set(`/v2/${REPO}/manifests/sha256-${DIGEST.slice(7)}.sig`, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {}, layers })));
}

test('17 legacy signatures, the trusted one last: "cannot be checked", not "FAILED" (adversarial review)', async () => {
  const trusted = generateKey();
  const other = generateKey();
  const r = parseReference(`registry.test/${REPO}@${DIGEST}`);
  assert.ok(r.ok);
  // Baseline: the trusted signature alone verifies.
  const alone = new Map<string, Buffer>();
  sigManifest(alone, [legacyLayer(alone, trusted, 0)]);
  assert.equal((await source(alone, trusted).lookup(r, DIGEST)).state, 'signed');
  // Anyone who can push to the repository can append signatures: 16 by another key push the trusted one past the cap.
  const crowded = new Map<string, Buffer>();
  sigManifest(crowded, [...Array.from({ length: 16 }, (_, i) => legacyLayer(crowded, other, i + 1)), legacyLayer(crowded, trusted, 0)]);
  const f = await source(crowded, trusted).lookup(r, DIGEST);
  assert.notEqual(f.state, 'signed');
  assert.equal(f.state, 'unavailable', `a signature that was never checked made the image read "${f.state}": ${'reason' in f ? f.reason : ''}`);
  assert.match('reason' in f ? f.reason : '', /not checked/);
});
