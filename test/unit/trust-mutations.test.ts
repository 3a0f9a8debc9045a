// Issue 12 property test: random mutations of valid Notary metadata and cosign signatures never produce
// "signed" with another digest or another signer than the unmutated input says. Seeded, so a failure replays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { TrustFact } from '../../server/src/core/facts';
import { parseReference, type ParsedReference } from '../../server/src/core/imageRef';
import type { HttpClient, HttpResult } from '../../server/src/registry/http';
import { configuredServer, NotaryTrustSource } from '../../server/src/trust/notary/source';
import type { StoredTrust, TrustStore } from '../../server/src/trust/notary/store';
import { CosignTrustSource } from '../../server/src/trust/cosign/source';
import { parsePolicy } from '../support/policy';
import { embeddedTrustedRoot } from '../../server/src/trust/cosign/trustRoot';
import { HandRepo } from '../support/notary';
import { generateKey, makeBundle, simpleSigningPayload } from '../support/cosign';
import { sign } from 'node:crypto';

/** mulberry32: small, seeded, good enough to pick mutations. */
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

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a leaf or container in a JSON value. */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function get(v: Json, p: (string | number)[]): Json {
  let cur: Json = v;
  for (const k of p) cur = (cur as Record<string | number, Json>)[k] as Json;
  return cur;
}

/** One random structural or value mutation, the kind an attacker in the middle can make without a private key. */
function mutate(doc: Json, r: () => number, donors: readonly string[]): Json {
  const copy = JSON.parse(JSON.stringify(doc)) as Json;
  const all = paths(copy).filter((p) => p.length > 0);
  const p = all[Math.floor(r() * all.length)]!;
  const parent = get(copy, p.slice(0, -1)) as Record<string | number, Json>;
  const key = p[p.length - 1]!;
  const v = parent[key];
  const choice = Math.floor(r() * 7);
  if (choice === 0) delete parent[key];
  else if (choice === 1 && typeof v === 'string' && v.length > 0) {
    const i = Math.floor(r() * v.length);
    parent[key] = v.slice(0, i) + String.fromCharCode(v.charCodeAt(i) ^ (1 + Math.floor(r() * 15))) + v.slice(i + 1);
  } else if (choice === 2 && typeof v === 'number') parent[key] = v + (r() < 0.5 ? -1 : 1);
  else if (choice === 3) parent[key] = donors[Math.floor(r() * donors.length)]!;
  else if (choice === 4 && Array.isArray(v) && v.length > 0) v.push(JSON.parse(JSON.stringify(v[0])) as Json);
  else if (choice === 5 && v !== null && typeof v === 'object' && !Array.isArray(v)) {
    // Duplicate an entry under another name (a second target, a second key, a second role).
    const ks = Object.keys(v);
    if (ks.length > 0) v[`${ks[0]}x`] = JSON.parse(JSON.stringify(v[ks[0]!])) as Json;
  } else parent[key] = null;
  return copy;
}

class MemoryStore implements TrustStore {
  private readonly map = new Map<string, StoredTrust>();
  async load(gun: string): Promise<StoredTrust | null> {
    return this.map.get(gun) ?? null;
  }
  async save(s: StoredTrust): Promise<void> {
    this.map.set(s.gun, s);
  }
}

function served(routes: ReadonlyMap<string, Buffer>): HttpClient {
  return async (req): Promise<HttpResult> => {
    const path = new URL(req.url).pathname;
    const body = routes.get(path) ?? routes.get(decodeURIComponent(path));
    if (body === undefined) return { ok: true, status: 404, headers: {}, body: new Uint8Array(Buffer.from('{"errors":[{"code":"METADATA_NOT_FOUND"}]}')), url: req.url };
    if (body.length > req.maxBytes) return { ok: false, kind: 'too-large', message: 'too large' };
    return { ok: true, status: 200, headers: { 'content-type': 'application/json' }, body: new Uint8Array(body), url: req.url };
  };
}

/** digest → sorted signer names (what "signed" claims), or null when not signed. */
function claims(f: TrustFact): Map<string, string> | null {
  if (f.state !== 'signed') return null;
  return new Map(f.signed.map((d) => [d.digest, d.signers.map((s) => `${s.role}/${s.name}/${s.keyIds.join(',')}`).sort().join('|')]));
}

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

test('Notary: 400 random mutations of valid metadata never claim a digest or signer the valid metadata does not', async () => {
  const gun = 'corp.example/app';
  const repo = new HandRepo(gun);
  const files = repo.build({ targets: { v1: { digest: D1, length: 100 } }, releases: { v1: { digest: D2, length: 200 } } });
  const routeOf = (role: string): string => `/v2/${gun}/_trust/tuf/${role}.json`;
  const ref = parseReference(`${gun}:v1`) as ParsedReference;
  const lookup = (fs: Record<string, Buffer>): Promise<TrustFact> =>
    new NotaryTrustSource({ http: served(new Map(Object.entries(fs).map(([k, b]) => [routeOf(k), b]))), store: new MemoryStore(), server: configuredServer('https://notary.example') }).lookup(ref);
  const base = claims(await lookup(files));
  assert.deepEqual(base && [...base.keys()].sort(), [D1, D2].sort(), 'the unmutated repository is signed');
  const donors = [D1.slice(7), D2.slice(7), Buffer.from(D1.slice(7), 'hex').toString('base64'), Buffer.from('3'.repeat(64), 'hex').toString('base64'), 'targets/releases', 'targets', 'targets/qa', 'v1', '2099-01-01T00:00:00Z'];
  const r = rng(12);
  let signedStill = 0;
  let refused = 0;
  for (let i = 0; i < 400; i++) {
    const roles = Object.keys(files);
    const role = roles[Math.floor(r() * roles.length)]!;
    const doc = JSON.parse(files[role]!.toString()) as Json;
    const mutated = { ...files, [role]: Buffer.from(JSON.stringify(mutate(doc, r, donors))) };
    const got = claims(await lookup(mutated));
    if (got === null) {
      refused++;
      continue;
    }
    signedStill++;
    for (const [digest, signers] of got) {
      assert.equal(base!.get(digest), signers, `mutation ${i} of ${role} claims ${digest} signed by ${signers}`);
    }
  }
  // Both outcomes occur (mutations of unsigned fields, e.g. signature order, keep it signed): the property was exercised.
  console.log(`Notary mutations: ${refused} refused, ${signedStill} still signed`);
  assert.ok(refused > 100 && signedStill > 0, `refused ${refused}, still signed ${signedStill}`);
});

test('cosign: 300 random mutations of a valid bundle and of a legacy signature never verify for another digest or key', async () => {
  const root = embeddedTrustedRoot();
  assert.ok(root.ok);
  const key = generateKey();
  const other = generateKey();
  const policy = parsePolicy({ version: 1, images: [{ pattern: 'corp.example/**', required: true, keys: [{ pem: key.publicKeyPem, tlog: false }] }] }, '/');
  assert.ok(policy.ok);
  const manifest = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}');
  const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
  const ref = parseReference('corp.example/app:v1') as ParsedReference;
  const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

  /** A registry holding one bundle referrer and one legacy signature for `digest`. */
  function registry(bundle: Buffer, legacyPayload: Buffer, legacySig: string): HttpClient {
    const routes = new Map<string, Buffer>();
    const put = (b: Buffer): string => {
      const d = sha(b);
      routes.set(`/v2/app/blobs/${d}`, b);
      routes.set(`/v2/app/manifests/${d}`, b);
      return d;
    };
    const bundleDigest = put(bundle);
    const refManifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json', config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: put(Buffer.from('{}')), size: 2 }, layers: [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', digest: bundleDigest, size: bundle.length }], subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: manifest.length } }));
    const refDigest = put(refManifest);
    routes.set(`/v2/app/manifests/sha256-${digest.slice(7)}`, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: refDigest, size: refManifest.length, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }] })));
    const payloadDigest = put(legacyPayload);
    routes.set(`/v2/app/manifests/sha256-${digest.slice(7)}.sig`, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: put(Buffer.from('{}')), size: 2 }, layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: payloadDigest, size: legacyPayload.length, annotations: { 'dev.cosignproject.cosign/signature': legacySig } }] })));
    return served(routes);
  }
  const lookup = (http: HttpClient): Promise<TrustFact> => new CosignTrustSource({ httpFor: () => http, registryBase: () => 'https://corp.example', policy: policy.policy, trustedRoot: async () => root }).lookup(ref, digest);

  const bundle = JSON.parse(makeBundle('corp.example/app', digest, key).toString()) as Json;
  const payload = simpleSigningPayload('corp.example/app', digest);
  const legacySig = sign('sha256', payload, key.privateKey).toString('base64');
  const okBundle = await lookup(registry(Buffer.from(JSON.stringify(bundle)), Buffer.from('{}'), 'AA=='));
  const okLegacy = await lookup(registry(Buffer.from('{}'), payload, legacySig));
  const want = `cosign key/key sha256:${key.fingerprint.slice(7)}/${key.fingerprint}`;
  for (const f of [okBundle, okLegacy]) assert.deepEqual(claims(f), new Map([[digest, want]]), JSON.stringify(f));

  const otherDigest = `sha256:${'9'.repeat(64)}`;
  const donors = [otherDigest.slice(7), Buffer.from(otherDigest.slice(7), 'hex').toString('base64'), 'https://slsa.dev/provenance/v1', 'https://sigstore.dev/cosign/sign/v1', other.publicKeyPem, sign('sha256', payload, other.privateKey).toString('base64')];
  const r = rng(7);
  let refused = 0;
  for (let i = 0; i < 300; i++) {
    let f: TrustFact;
    if (i % 2 === 0) {
      f = await lookup(registry(Buffer.from(JSON.stringify(mutate(bundle, r, donors))), Buffer.from('{}'), 'AA=='));
    } else {
      const p = mutate(JSON.parse(payload.toString()) as Json, r, donors);
      f = await lookup(registry(Buffer.from('{}'), Buffer.from(JSON.stringify(p)), r() < 0.2 ? (donors[5] as string) : legacySig));
    }
    const got = claims(f);
    if (got === null) {
      refused++;
      continue;
    }
    assert.deepEqual(got, new Map([[digest, want]]), `mutation ${i}: ${JSON.stringify(f).slice(0, 300)}`);
  }
  console.log(`cosign mutations: ${refused} of 300 refused, ${300 - refused} still signed`);
  assert.ok(refused > 150, `refused ${refused} of 300`);
});
