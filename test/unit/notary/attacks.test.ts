// TUF attack table: hand-made Notary repositories served on loopback; each test is named after the attack it stops.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTransport, type Transport } from '../../../server/src/registry/transport';
import { configuredServer, NotaryTrustSource } from '../../../server/src/trust/notary/source';
import { notaryServerFor } from '../../../server/src/trust/policy';
import { MemoryTrustStore, type TrustStore } from '../../../server/src/trust/notary/store';
import type { TrustPinning } from '../../../server/src/trust/notary/root';
import { parseReference, type ParsedReference } from '../../../server/src/core/imageRef';
import type { TrustFact } from '../../../server/src/core/facts';
import { caIssuedRootKey, ecdsaKey, envelope, HandRepo, makeCa, rechain, StaticTrustServer, x509RootKey, signedChoice } from '../../support/notary';

const D1 = { digest: `sha256:${'1'.repeat(64)}`, length: 525 };
const D2 = { digest: `sha256:${'2'.repeat(64)}`, length: 777 };
const DAY = 86_400_000;

let srv: StaticTrustServer;
let transport: Transport;
let n = 0;

function fresh(): { gun: string; ref: (tag?: string) => ParsedReference } {
  const gun = `reg.test:5000/attack/r${++n}`;
  return {
    gun,
    ref: (tag = 'v1') => {
      const r = parseReference(`${gun}:${tag}`);
      if (!r.ok) throw new Error(r.reason);
      return r;
    },
  };
}

function source(store: TrustStore = new MemoryTrustStore(), opts: { timeoutMs?: number; pinning?: TrustPinning } = {}): NotaryTrustSource {
  return new NotaryTrustSource({
    http: transport.http,
    store,
    server: configuredServer(srv.url),
    ...(opts.pinning ? { pinning: opts.pinning } : {}),
    timeoutMs: opts.timeoutMs ?? 5000,
  });
}

function expectInvalid(f: TrustFact, attack: string, reason?: RegExp): void {
  assert.equal(f.state, 'invalid', `expected invalid (${attack}), got ${JSON.stringify(f)}`);
  if (f.state !== 'invalid') return;
  assert.equal(f.attack, attack, f.reason);
  if (reason) assert.match(f.reason, reason);
}

function expectSigned(f: TrustFact, digest: string, signer?: string): void {
  assert.equal(f.state, 'signed', JSON.stringify(f));
  const c = signedChoice(f);
  assert.equal(c?.digest, digest);
  if (signer) assert.deepEqual(c?.signers, [signer]);
}

before(async () => {
  srv = new StaticTrustServer();
  await srv.start();
  transport = createTransport({ insecureHosts: [srv.url.replace('http://', '')] });
});

after(async () => {
  await transport.close();
  await srv.stop();
});

describe('baseline', () => {
  test('a correctly signed repository verifies; targets/releases wins over targets', async () => {
    const { gun, ref } = fresh();
    const repo = new HandRepo(gun);
    srv.set(gun, repo.build({ targets: { v1: D2 }, releases: { v1: D1 } }));
    const f = await source().lookup(ref());
    expectSigned(f, D1.digest, 'releases');
    if (f.state === 'signed') {
      assert.deepEqual(signedChoice(f)?.roles, ['targets/releases']);
      assert.deepEqual(new Set(f.signed.map((d) => d.digest)), new Set([D1.digest, D2.digest]));
      // Per digest, exactly its signers: releases signs D1, the repository key (Repo Admin) signs D2.
      assert.deepEqual(f.signed.find((d) => d.digest === D2.digest)?.signers.map((s) => s.name), ['Repo Admin']);
      assert.ok(f.rootExpires !== null && new Date(f.rootExpires) > new Date(Date.now() + 9 * 365 * DAY));
      // The timestamp (14 days) is the earliest expiry in the chain.
      const expires = signedChoice(f)?.expires ?? null;
      assert.ok(expires !== null && new Date(expires) < new Date(Date.now() + 15 * DAY));
    }
  });

  test('no trust data at all is "unsigned", not an error', async () => {
    const { ref } = fresh();
    const f = await source().lookup(ref());
    assert.equal(f.state, 'unsigned');
  });

  test('a tag not among the signed targets is "unsigned"', async () => {
    const { gun, ref } = fresh();
    srv.set(gun, new HandRepo(gun).build({ targets: { v1: D1 } }));
    const f = await source().lookup(ref('v2'));
    assert.equal(f.state, 'unsigned');
    if (f.state === 'unsigned') assert.match(f.reason, /v2 is not among the signed targets/);
  });
});

describe('TUF attacks', () => {
  test('arbitrary software: targets signed by a key the root does not list', async () => {
    const { gun, ref } = fresh();
    const repo = new HandRepo(gun);
    srv.set(gun, repo.build({ targets: { v1: D1 }, signers: { targets: [ecdsaKey()] } }));
    expectInvalid(await source().lookup(ref()), 'arbitrary software', /targets\.json is signed by 0 valid key/);
  });

  test('arbitrary software: a flipped bit in the timestamp signature', async () => {
    const { gun, ref } = fresh();
    const repo = new HandRepo(gun);
    const files = repo.build({ targets: { v1: D1 } });
    const ts = JSON.parse(files['timestamp']!.toString());
    const sig = Buffer.from(ts.signatures[0].sig, 'base64');
    sig[5] = sig[5]! ^ 1;
    ts.signatures[0].sig = sig.toString('base64');
    files['timestamp'] = Buffer.from(JSON.stringify(ts));
    srv.set(gun, files);
    expectInvalid(await source().lookup(ref()), 'arbitrary software', /timestamp\.json/);
  });

  test('rollback: older timestamp/snapshot/targets after newer ones were seen', async () => {
    const { gun, ref } = fresh();
    const repo = new HandRepo(gun);
    const old = repo.build({ targets: { v1: D1 }, versions: { timestamp: 1, snapshot: 1, targets: 1 } });
    const cur = repo.build({ targets: { v1: D2 }, versions: { timestamp: 2, snapshot: 2, targets: 2 } });
    const store = new MemoryTrustStore();
    srv.set(gun, cur);
    expectSigned(await source(store).lookup(ref()), D2.digest);
    srv.replace(gun, old);
    expectInvalid(await source(store).lookup(ref()), 'rollback', /timestamp version 1 is below the version 2/);
    // A store without history cannot tell, exactly as TUF describes: rollback protection lives in the persisted versions.
    expectSigned(await source(new MemoryTrustStore()).lookup(ref()), D1.digest);
  });

  test('rollback: a re-signed timestamp over an old snapshot', async () => {
    const { gun, ref } = fresh();
    const repo = new HandRepo(gun);
    const store = new MemoryTrustStore();
    srv.set(gun, repo.build({ targets: { v1: D2 }, versions: { timestamp: 5, snapshot: 5, targets: 5 } }));
    expectSigned(await source(store).lookup(ref()), D2.digest);
    srv.replace(gun, repo.build({ targets: { v1: D1 }, versions: { timestamp: 6, snapshot: 4, targets: 4 } }));
    expectInvalid(await source(store).lookup(ref()), 'rollback', /snapshot version 4 is below the version 5/);
  });

  test('indefinite freeze: an expired timestamp (injected clock)', async () => {
    const { gun, ref } = fresh();
    srv.set(gun, new HandRepo(gun).build({ targets: { v1: D1 } }));
    const later = new Date(Date.now() + 15 * DAY);
    expectInvalid(await source().lookup(ref(), { now: later }), 'indefinite freeze', /timestamp expired/);
  });

  test('indefinite freeze: expired top-level targets are fatal', async () => {
    const { gun, ref } = fresh();
    const soon = new Date(Date.now() + 2 * DAY).toISOString();
    srv.set(gun, new HandRepo(gun).build({ targets: { v1: D1 }, expires: { targets: soon } }));
    expectSigned(await source().lookup(ref()), D1.digest);
    expectInvalid(await source().lookup(ref(), { now: new Date(Date.now() + 3 * DAY) }), 'indefinite freeze', /targets expired/);
  });

  test('mix-and-match: a validly signed targets file that the snapshot does not list', async () => {
    const { gun, ref } = fresh();
    const repo = new HandRepo(gun);
    const a = repo.build({ targets: { v1: D1 }, versions: { targets: 1 } });
    const b = repo.build({ targets: { v1: D2 }, versions: { targets: 2 } });
    srv.set(gun, { ...a, targets: b['targets']! });
    expectInvalid(await source().lookup(ref()), 'mix-and-match', /targets\.json: length|targets\.json: sha/);
  });

  test('mix-and-match: wrong hash with the right length', async () => {
    const { gun, ref } = fresh();
    const repo = new HandRepo(gun);
    const files = repo.build({ targets: { v1: D1 } });
    const t = Buffer.from(files['targets']!);
    const i = t.indexOf('"version":1');
    t[i + 10] = '9'.charCodeAt(0);
    srv.set(gun, { ...files, targets: t });
    expectInvalid(await source().lookup(ref()), 'mix-and-match', /sha256 of the downloaded bytes differs/);
  });

  test('endless data: an oversized timestamp is cut at the 1 MiB cap', async () => {
    const { gun, ref } = fresh();
    const files = new HandRepo(gun).build({ targets: { v1: D1 } });
    srv.set(gun, { ...files, timestamp: Buffer.concat([files['timestamp']!, Buffer.alloc(2 << 20, 0x20)]) });
    expectInvalid(await source().lookup(ref()), 'endless data', /1048576/);
  });

  test('endless data: targets longer than the snapshot says are cut at that length', async () => {
    const { gun, ref } = fresh();
    const files = new HandRepo(gun).build({ targets: { v1: D1 } });
    srv.set(gun, files);
    const path = `/v2/${gun}/_trust/tuf/targets.json`;
    const body = Buffer.concat([files['targets']!, Buffer.alloc(64 << 10, 0x20)]);
    // Trickled without a content-length, so only the reader's own cap can stop it.
    srv.routes.set(path, { body, trickle: 16 << 10 });
    expectInvalid(await source().lookup(ref()), 'endless data', /targets\.json/);
  });

  // Regression: registry/transport.ts once died with an uncaught "Request aborted" here (body destroyed without an
  // error listener once it had fully arrived). Run in a child so a relapse cannot take this whole file down.
  test('endless data: a small file whose Content-Length is one byte over the cap', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `
      const { createServer } = require('node:http');
      const { createTransport } = require(${JSON.stringify(require.resolve('../../../server/src/registry/transport'))});
      const s = createServer((_q, r) => { r.writeHead(200, { 'content-length': '11' }); r.end('hello world'); });
      s.listen(0, '127.0.0.1', async () => {
        const port = s.address().port;
        const t = createTransport({ insecureHosts: ['127.0.0.1:' + port] });
        const r = await t.http({ url: 'http://127.0.0.1:' + port + '/x', maxBytes: 10, timeoutMs: 2000 });
        await new Promise((res) => setTimeout(res, 300));
        await t.close(); s.close();
        process.stdout.write(r.ok ? 'ok' : r.kind);
      });`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr.split('\n').find((l) => /Error|aborted/.test(l)) ?? r.stderr);
    assert.equal(r.stdout, 'too-large');
  });

  test('slow retrieval: a server that never answers is cut off at the deadline', async () => {
    const { gun, ref } = fresh();
    const files = new HandRepo(gun).build({ targets: { v1: D1 } });
    srv.set(gun, files);
    srv.routes.set(`/v2/${gun}/_trust/tuf/timestamp.json`, { body: files['timestamp']!, delayMs: 10_000 });
    const t0 = Date.now();
    const f = await source(new MemoryTrustStore(), { timeoutMs: 400 }).lookup(ref());
    const took = Date.now() - t0;
    assert.equal(f.state, 'unavailable', JSON.stringify(f));
    if (f.state === 'unavailable') assert.match(f.reason, /slow retrieval/);
    assert.ok(took < 3000, `took ${took} ms`);
  });

  test('slow retrieval: a body trickled slower than the deadline', async () => {
    const { gun, ref } = fresh();
    const files = new HandRepo(gun).build({ targets: { v1: D1 } });
    srv.set(gun, files);
    srv.routes.set(`/v2/${gun}/_trust/tuf/snapshot.json`, { body: files['snapshot']!, trickle: 8 });
    const f = await source(new MemoryTrustStore(), { timeoutMs: 500 }).lookup(ref());
    assert.equal(f.state, 'unavailable', JSON.stringify(f));
  });

  test('wrong threshold: targets needs 2 keys, only 1 signed', async () => {
    const { gun, ref } = fresh();
    const repo = new HandRepo(gun);
    const second = ecdsaKey();
    srv.set(gun, repo.build({ targets: { v1: D1 }, thresholds: { targets: 2 }, extraKeys: { targets: [second] } }));
    expectInvalid(await source().lookup(ref()), 'wrong threshold', /1 valid key\(s\) of the 2 required/);
  });

  test('wrong threshold met: both keys sign → verified', async () => {
    const { gun, ref } = fresh();
    const repo = new HandRepo(gun);
    const second = ecdsaKey();
    srv.set(gun, repo.build({ targets: { v1: D1 }, thresholds: { targets: 2 }, extraKeys: { targets: [second] }, signers: { targets: [repo.keys.targets, second] } }));
    expectSigned(await source().lookup(ref()), D1.digest, 'Repo Admin');
  });

  test('duplicate signatures by one key are counted once', async () => {
    const { gun, ref } = fresh();
    const repo = new HandRepo(gun);
    const second = ecdsaKey();
    srv.set(gun, repo.build({ targets: { v1: D1 }, thresholds: { targets: 2 }, extraKeys: { targets: [second] }, signers: { targets: [repo.keys.targets, repo.keys.targets] } }));
    expectInvalid(await source().lookup(ref()), 'wrong threshold', /1 valid key\(s\) of the 2 required/);
  });

  test('extraneous signatures by unknown keys neither count nor break a valid threshold', async () => {
    const { gun, ref } = fresh();
    const repo = new HandRepo(gun);
    srv.set(gun, repo.build({ targets: { v1: D1 }, signers: { targets: [ecdsaKey(), repo.keys.targets, ecdsaKey()] } }));
    expectSigned(await source().lookup(ref()), D1.digest);
  });

  test('a forged key ID (listed under an ID that is not its hash) does not count', async () => {
    const { gun, ref } = fresh();
    const repo = new HandRepo(gun);
    const files = repo.build({ targets: { v1: D1 } });
    const root = JSON.parse(files['root']!.toString());
    const t = root.signed.roles.targets.keyids[0];
    const fake = 'f'.repeat(64);
    root.signed.keys[fake] = root.signed.keys[t];
    delete root.signed.keys[t];
    root.signed.roles.targets.keyids = [fake];
    const targets = JSON.parse(files['targets']!.toString());
    targets.signatures[0].keyid = fake;
    const rebuilt = { ...files, root: envelope(root.signed, [repo.keys.root]), targets: Buffer.from(JSON.stringify(targets)) };
    srv.set(gun, rechain(repo, rebuilt));
    expectInvalid(await source().lookup(ref()), 'arbitrary software');
  });
});

describe('delegations', () => {
  test('an under-threshold delegation is skipped with its subtree; targets still answers', async () => {
    const { gun, ref } = fresh();
    const repo = new HandRepo(gun);
    srv.set(gun, repo.build({ targets: { v1: D2 }, releases: { v1: D1 }, signers: { 'targets/releases': [ecdsaKey()] } }));
    const d = await source().details(ref());
    expectSigned(d.fact, D2.digest, 'Repo Admin');
    assert.deepEqual(d.skipped.map((s) => s.name), ['targets/releases']);
  });

  test('an expired delegation is skipped; the tag it alone signed is unsigned', async () => {
    const { gun, ref } = fresh();
    const repo = new HandRepo(gun);
    const soon = new Date(Date.now() + DAY).toISOString();
    srv.set(gun, repo.build({ targets: {}, releases: { v1: D1 }, expires: { 'targets/releases': soon } }));
    expectSigned(await source().lookup(ref()), D1.digest, 'releases');
    const f = await source().lookup(ref(), { now: new Date(Date.now() + 2 * DAY) });
    assert.equal(f.state, 'unsigned', JSON.stringify(f));
  });

  test('a delegation signing outside its paths is ignored for that tag', async () => {
    const { gun, ref } = fresh();
    const repo = new HandRepo(gun);
    const files = repo.build({ targets: {}, releases: { v1: D1 } });
    const t = JSON.parse(files['targets']!.toString());
    t.signed.delegations.roles[0].paths = ['prod-'];
    const rebuilt = { ...files, targets: envelope(t.signed, [repo.keys.targets]) };
    srv.set(gun, rechain(repo, rebuilt));
    assert.equal((await source().lookup(ref())).state, 'unsigned');
  });
});

describe('root of trust', () => {
  test('root mismatch: a replaced root (new key, no chain) is refused loudly', async () => {
    const { gun, ref } = fresh();
    const store = new MemoryTrustStore();
    srv.set(gun, new HandRepo(gun).build({ targets: { v1: D1 } }));
    expectSigned(await source(store).lookup(ref()), D1.digest);
    srv.replace(gun, new HandRepo(gun).build({ targets: { v1: D2 }, versions: { root: 1 } }));
    expectInvalid(await source(store).lookup(ref()), 'root mismatch', /keys were replaced/);
    srv.replace(gun, new HandRepo(gun).build({ targets: { v1: D2 }, versions: { root: 2 } }));
    expectInvalid(await source(store).lookup(ref()), 'root mismatch', /not signed by the previously trusted root/);
  });

  test('root rotation: version 2 signed by the old and the new root key is accepted and stored', async () => {
    const { gun, ref } = fresh();
    const store = new MemoryTrustStore();
    const oldKey = x509RootKey(gun);
    const newKey = x509RootKey(gun);
    const r1 = new HandRepo(gun, oldKey);
    srv.set(gun, r1.build({ targets: { v1: D1 } }));
    expectSigned(await source(store).lookup(ref()), D1.digest);
    const r2 = new HandRepo(gun, newKey);
    const files = r2.build({ targets: { v1: D2 }, versions: { root: 2, timestamp: 2, snapshot: 2, targets: 2 }, signers: { root: [newKey, oldKey] } });
    srv.replace(gun, files);
    const d = await source(store).details(ref());
    expectSigned(d.fact, D2.digest);
    assert.deepEqual(d.root?.rotatedThrough, [2]);
    // Rotation is persisted: the old root is no longer needed.
    expectSigned(await source(store).lookup(ref()), D2.digest);
  });

  test('root rotation with a missing intermediate version cannot chain', async () => {
    const { gun, ref } = fresh();
    const store = new MemoryTrustStore();
    const oldKey = x509RootKey(gun);
    srv.set(gun, new HandRepo(gun, oldKey).build({ targets: { v1: D1 } }));
    expectSigned(await source(store).lookup(ref()), D1.digest);
    const newKey = x509RootKey(gun);
    srv.replace(gun, new HandRepo(gun, newKey).build({ targets: { v1: D2 }, versions: { root: 3 }, signers: { root: [newKey, oldKey] } }));
    expectInvalid(await source(store).lookup(ref()), 'root mismatch', /version 2 is missing/);
  });

  test('root certificate for another GUN is refused', async () => {
    const { gun, ref } = fresh();
    srv.set(gun, new HandRepo(gun, x509RootKey(gun, { cn: 'reg.test:5000/someone/else' })).build({ targets: { v1: D1 } }));
    expectInvalid(await source().lookup(ref()), 'arbitrary software', /someone\/else/);
  });

  test('root certificate signed with SHA-1 is refused', async () => {
    const { gun, ref } = fresh();
    srv.set(gun, new HandRepo(gun, x509RootKey(gun, { digest: 'sha1' })).build({ targets: { v1: D1 } }));
    expectInvalid(await source().lookup(ref()), 'arbitrary software', /SHA-1/);
  });

  test('a CA certificate as root key is refused (notary takes leaf certificates only)', async () => {
    const { gun, ref } = fresh();
    srv.set(gun, new HandRepo(gun, x509RootKey(gun, { ca: true })).build({ targets: { v1: D1 } }));
    expectInvalid(await source().lookup(ref()), 'arbitrary software', /CA certificate/);
  });

  test('an expired root certificate makes the repository unverifiable (injected clock)', async () => {
    const { gun, ref } = fresh();
    srv.set(gun, new HandRepo(gun, x509RootKey(gun, { days: 1 })).build({ targets: { v1: D1 } }));
    expectSigned(await source().lookup(ref()), D1.digest);
    expectInvalid(await source().lookup(ref(), { now: new Date(Date.now() + 2 * DAY) }), 'indefinite freeze', /root certificate expired/);
  });

  test('pinned certificate IDs: the right ID verifies, another ID is a root mismatch', async () => {
    const { gun, ref } = fresh();
    const repo = new HandRepo(gun);
    srv.set(gun, repo.build({ targets: { v1: D1 } }));
    const ok = await source(new MemoryTrustStore(), { pinning: { certs: { [gun]: [repo.keys.root.id] } } }).details(ref());
    expectSigned(ok.fact, D1.digest);
    assert.equal(ok.root?.trust, 'certs');
    const prefix = gun.slice(0, gun.lastIndexOf('/') + 1) + '*';
    expectInvalid(await source(new MemoryTrustStore(), { pinning: { certs: { [prefix]: ['a'.repeat(64)] } } }).lookup(ref()), 'root mismatch', /pinned/);
  });

  test('pinned CA: a root issued by it verifies; a self-signed root or another CA is a root mismatch', async () => {
    const ca = makeCa();
    const other = makeCa();
    const a = fresh();
    srv.set(a.gun, new HandRepo(a.gun, caIssuedRootKey(a.gun, ca)).build({ targets: { v1: D1 } }));
    const pin = { pinning: { ca: { 'reg.test:5000/attack/*': ca.certPem }, tofu: false } };
    const ok = await source(new MemoryTrustStore(), pin).details(a.ref());
    expectSigned(ok.fact, D1.digest);
    assert.equal(ok.root?.trust, 'ca');
    const b = fresh();
    srv.set(b.gun, new HandRepo(b.gun).build({ targets: { v1: D1 } }));
    expectInvalid(await source(new MemoryTrustStore(), pin).lookup(b.ref()), 'root mismatch', /not issued by the pinned CA/);
    const c = fresh();
    srv.set(c.gun, new HandRepo(c.gun, caIssuedRootKey(c.gun, other)).build({ targets: { v1: D1 } }));
    expectInvalid(await source(new MemoryTrustStore(), pin).lookup(c.ref()), 'root mismatch', /not issued by the pinned CA/);
  });

  test('trust on first use off and nothing pinned: refused', async () => {
    const { gun, ref } = fresh();
    srv.set(gun, new HandRepo(gun).build({ targets: { v1: D1 } }));
    expectInvalid(await source(new MemoryTrustStore(), { pinning: { tofu: false } }).lookup(ref()), 'root mismatch', /trust on first use is off/);
  });
});

describe('cancellation', () => {
  test('an aborted signal stops the lookup promptly and never reports "signed"', async () => {
    const { gun, ref } = fresh();
    const files = new HandRepo(gun).build({ targets: { v1: D1 } });
    srv.set(gun, files);
    srv.routes.set(`/v2/${gun}/_trust/tuf/snapshot.json`, { body: files['snapshot']!, delayMs: 5000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const t0 = Date.now();
    const f = await source().lookup(ref(), { signal: ac.signal });
    assert.equal(f.state, 'unavailable', JSON.stringify(f));
    assert.ok(Date.now() - t0 < 2000);
  });
});

describe('root rollback', () => {
  test('rollback: an older root signed by the trusted keys is a rollback, not a key swap', async () => {
    const { gun, ref } = fresh();
    const store = new MemoryTrustStore();
    const rootKey = x509RootKey(gun);
    const repo = new HandRepo(gun, rootKey);
    srv.set(gun, repo.build({ targets: { v1: D1 }, versions: { root: 3 } }));
    expectSigned(await source(store).lookup(ref()), D1.digest);
    srv.replace(gun, repo.build({ targets: { v1: D1 }, versions: { root: 2 } }));
    expectInvalid(await source(store).lookup(ref()), 'rollback', /root .* is version 2, below the trusted version 3/);
  });
});

describe('server choice', () => {
  test('docker.io after 2026-12-08: reported retired without any request', async () => {
    const hits = srv.hits.length;
    const r = parseReference('alpine:3.20');
    assert.ok(r.ok);
    const s = new NotaryTrustSource({ http: transport.http, store: new MemoryTrustStore() });
    const at = new Date('2026-12-09T00:00:00Z');
    const f = await s.lookup(r, { now: at, server: notaryServerFor(r.registry, {}, {}, at) });
    assert.equal(f.state, 'unavailable');
    if (f.state === 'unavailable') {
      assert.match(f.reason, /notary.docker.io was retired on 2026-12-08/);
      assert.equal(f.server, 'https://notary.docker.io');
    }
    assert.equal(srv.hits.length, hits);
  });

  test('DOCKER_CONTENT_TRUST_SERVER is where the lookup goes', async () => {
    const { gun } = fresh();
    srv.set(gun, new HandRepo(gun).build({ targets: { v1: D1 } }));
    const r = parseReference(`${gun}:v1`);
    assert.ok(r.ok);
    const s = new NotaryTrustSource({ http: transport.http, store: new MemoryTrustStore() });
    expectSigned(await s.lookup(r, { server: notaryServerFor(r.registry, {}, { DOCKER_CONTENT_TRUST_SERVER: srv.url }, new Date()) }), D1.digest);
  });
});
