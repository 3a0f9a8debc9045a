// Discovery paths docker-registry 2.8.2 cannot serve (a registry WITH the referrers API), and hostile registry answers.
// The registry here is an in-memory HttpClient answering per the OCI distribution spec; the 2.8.2 paths run for real in
// test/integration/cosign-registry.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parseReference } from '../../../server/src/core/imageRef';
import type { HttpClient, HttpResult } from '../../../server/src/registry/http';
import { discoverSignatures } from '../../../server/src/trust/cosign/discovery';
import { parsePolicy } from '../../support/policy';
import { CosignTrustSource } from '../../../server/src/trust/cosign/source';
import { embeddedTrustedRoot } from '../../../server/src/trust/cosign/trustRoot';
import { BUNDLE_TYPE, generateKey, makeBundle } from '../../support/cosign';

const BASE = 'https://registry.test';
const REPO = 'org/app';
const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const IMAGE = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}');
const DIGEST = sha(IMAGE);

interface Store {
  readonly paths: Map<string, Buffer>;
  readonly requests: string[];
}

function registry(opts: { referrersApi: boolean }): { http: HttpClient; store: Store } {
  const store: Store = { paths: new Map(), requests: [] };
  const http: HttpClient = async (req): Promise<HttpResult> => {
    store.requests.push(req.url);
    const path = req.url.slice(BASE.length);
    if (path.startsWith(`/v2/${REPO}/referrers/`) && !opts.referrersApi) return { ok: true, status: 404, headers: {}, body: new Uint8Array(), url: req.url };
    const body = store.paths.get(path);
    if (!body) return { ok: true, status: 404, headers: {}, body: new Uint8Array(), url: req.url };
    if (body.length > req.maxBytes) return { ok: false, kind: 'too-large', message: 'too large' };
    return { ok: true, status: 200, headers: { 'content-type': 'application/json' }, body, url: req.url };
  };
  return { http, store };
}

function attach(store: Store, bundle: Buffer, subject: string, opts: { lie?: boolean } = {}): string {
  store.paths.set(`/v2/${REPO}/blobs/${sha(bundle)}`, bundle);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: BUNDLE_TYPE,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha(Buffer.from('{}')), size: 2 },
      layers: [{ mediaType: BUNDLE_TYPE, digest: sha(bundle), size: bundle.length }],
      subject: { mediaType: 'application/vnd.oci.image.index.v1+json', digest: subject, size: IMAGE.length },
    }),
  );
  const md = sha(manifest);
  // A lying registry serves other bytes under the digest.
  store.paths.set(`/v2/${REPO}/manifests/${md}`, opts.lie ? Buffer.concat([manifest, Buffer.from(' ')]) : manifest);
  return md;
}

function index(digests: string[]): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: digests.map((d) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d, size: 1, artifactType: BUNDLE_TYPE })) }));
}

test('referrers API present: bundle found and verified through it, the referrers tag is not consulted', async () => {
  const key = generateKey();
  const { http, store } = registry({ referrersApi: true });
  const md = attach(store, makeBundle(`registry.test/${REPO}`, DIGEST, key), DIGEST);
  store.paths.set(`/v2/${REPO}/referrers/${DIGEST}`, index([md]));
  const policy = parsePolicy({ version: 1, images: [{ pattern: 'registry.test/**', required: true, keys: [{ pem: key.publicKeyPem, tlog: false }] }] }, '/');
  assert.ok(policy.ok);
  const src = new CosignTrustSource({ httpFor: () => http, registryBase: () => BASE, policy: policy.policy, trustedRoot: async () => embeddedTrustedRoot() });
  const r = parseReference(`registry.test/${REPO}@${DIGEST}`);
  assert.ok(r.ok);
  const fact = await src.lookup(r, DIGEST);
  assert.equal(fact.state, 'signed', JSON.stringify(fact));
  assert.equal(fact.state === 'signed' ? fact.cosign?.discovery : '', 'referrers-api');
  assert.equal(store.requests.some((u) => u.endsWith(`/manifests/sha256-${DIGEST.slice(7)}`)), false);
});

test('hostile answers: bytes that do not hash to their digest, and referrers about another subject, are skipped with a note', async () => {
  const key = generateKey();
  const { http, store } = registry({ referrersApi: true });
  const other = sha(Buffer.from('other image'));
  const lying = attach(store, makeBundle('x', DIGEST, key), DIGEST, { lie: true });
  const foreign = attach(store, makeBundle('x', other, key), other);
  store.paths.set(`/v2/${REPO}/referrers/${DIGEST}`, index([lying, foreign]));
  const d = await discoverSignatures({ http, baseUrl: BASE, repository: REPO, timeoutMs: 1000 }, DIGEST);
  assert.ok(d.ok);
  assert.equal(d.bundles.length, 0);
  assert.ok(d.notes.some((n) => /does not hash to its digest/.test(n)), d.notes.join('|'));
  assert.ok(d.notes.some((n) => n.includes(`its subject is ${other}`)), d.notes.join('|'));
});

test('no referrers API and no referrers tag: nothing found, no error', async () => {
  const { http } = registry({ referrersApi: false });
  const d = await discoverSignatures({ http, baseUrl: BASE, repository: REPO, timeoutMs: 1000 }, DIGEST);
  assert.ok(d.ok);
  assert.deepEqual([d.bundles.length, d.legacy.length, d.paths.length], [0, 0, 0]);
});

test('a registry that refuses access is unavailable, not unsigned; a non-digest is refused before any request', async () => {
  const denied: HttpClient = async (req) => ({ ok: true, status: 401, headers: {}, body: new Uint8Array(), url: req.url });
  const d = await discoverSignatures({ http: denied, baseUrl: BASE, repository: REPO, timeoutMs: 1000 }, DIGEST);
  assert.equal(d.ok, false);
  assert.equal(d.ok ? '' : d.kind, 'unauthorized');
  const { http, store } = registry({ referrersApi: true });
  const bad = await discoverSignatures({ http, baseUrl: BASE, repository: REPO, timeoutMs: 1000 }, 'latest');
  assert.equal(bad.ok, false);
  assert.equal(store.requests.length, 0);
});

test('a registry server error is unavailable, never unsigned', async () => {
  const broken: HttpClient = async (req) => ({ ok: true, status: 503, headers: {}, body: new Uint8Array(), url: req.url });
  const d = await discoverSignatures({ http: broken, baseUrl: BASE, repository: REPO, timeoutMs: 1000 }, DIGEST);
  assert.equal(d.ok, false);
  assert.match(d.ok ? '' : d.reason, /HTTP 503/);
});

test('one deadline bounds the whole lookup, even when every request would wait forever', async () => {
  // Honors the signal the way the real transport does: an aborted request ends as 'aborted'. The long timer stands for
  // the open socket that keeps a real process alive (AbortSignal.timeout alone does not).
  const hanging: HttpClient = (req) =>
    new Promise((done) => {
      if (req.signal?.aborted) return done({ ok: false, kind: 'aborted', message: 'cancelled' });
      const socket = setTimeout(() => done({ ok: false, kind: 'timeout', message: 'never' }), 60_000);
      req.signal?.addEventListener('abort', () => (clearTimeout(socket), done({ ok: false, kind: 'aborted', message: 'cancelled' })), { once: true });
    });
  const policy = parsePolicy({ version: 1, images: [{ pattern: 'registry.test/**', keys: [{ pem: generateKey().publicKeyPem }] }] }, '/');
  assert.ok(policy.ok);
  const src = new CosignTrustSource({ httpFor: () => hanging, registryBase: () => BASE, policy: policy.policy, trustedRoot: async () => embeddedTrustedRoot(), lookupTimeoutMs: 300 });
  const r = parseReference(`registry.test/${REPO}@${DIGEST}`);
  assert.ok(r.ok);
  const t0 = Date.now();
  const fact = await src.lookup(r, DIGEST);
  assert.equal(fact.state, 'unavailable');
  assert.ok(Date.now() - t0 < 5_000, `took ${Date.now() - t0} ms`);
  // The caller's own cancellation ends it too.
  const ac = new AbortController();
  const pending = src.lookup(r, DIGEST, { signal: ac.signal });
  ac.abort();
  assert.equal((await pending).state, 'unavailable');
});
