// Notary v1 against the real notary-server + docker-registry on loopback, signed with the real notary CLI, which is also the oracle.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { canonicalize } from '@tufjs/canonical-json';
import { createTransport, type Transport } from '../../server/src/registry/transport';
import { configuredServer, NotaryTrustSource } from '../../server/src/trust/notary/source';
import { FileTrustStore } from '../../server/src/stores/notaryTrust';
import { type TrustStore } from '../../server/src/trust/notary/store';
import { keyId } from '../../server/src/trust/notary/tuf';
import { parseReference, type ParsedReference } from '../../server/src/core/imageRef';
import type { TrustFact } from '../../server/src/core/facts';
import {
  fileMeta,
  HandRepo,
  NotaryCli,
  opensslDelegationKey,
  PASSPHRASE,
  pushImage,
  pushIndex,
  startNotaryServer,
  startRegistry,
  StaticTrustServer,
  type Running,
  signedChoice,
} from '../support/notary';

let notary: Running;
let registry: Running;
let statics: StaticTrustServer;
let transport: Transport;
let work: string;
const cleanups: (() => void)[] = [];

interface Row {
  readonly name: string;
  readonly ours: string;
  readonly oracle: string;
  readonly agree: boolean;
}
const table: Row[] = [];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'dt-notary-it-'));
  notary = await startNotaryServer();
  registry = await startRegistry();
  statics = new StaticTrustServer();
  await statics.start();
  transport = createTransport({ insecureHosts: [notary.url, registry.url, statics.url].map((u) => u.replace('http://', '')) });
});

after(async () => {
  // The agreement table is the point of this suite: print it even when a case failed.
  const w = Math.max(...table.map((r) => r.name.length), 4);
  const lines = [`${'case'.padEnd(w)} | ${'ours'.padEnd(58)} | ${'notary CLI'.padEnd(58)} | agree`, '-'.repeat(w + 130)];
  for (const r of table) lines.push(`${r.name.padEnd(w)} | ${r.ours.slice(0, 58).padEnd(58)} | ${r.oracle.slice(0, 58).padEnd(58)} | ${r.agree ? 'yes' : 'NO (stricter)'}`);
  console.log(`\nNotary agreement table (our verifier vs the real notary CLI)\n${lines.join('\n')}\n`);
  await transport?.close();
  await statics?.stop();
  await notary?.stop();
  await registry?.stop();
  for (const c of cleanups) c();
  rmSync(work, { recursive: true, force: true });
});

let seq = 0;
function repoName(): { repo: string; gun: string; ref: (tag: string) => ParsedReference } {
  const repo = `dt/it${++seq}`;
  const gun = `${registry.url.replace('http://', '')}/${repo}`;
  return {
    repo,
    gun,
    ref: (tag) => {
      const r = parseReference(`${gun}:${tag}`);
      if (!r.ok) throw new Error(r.reason);
      return r;
    },
  };
}

function source(store: TrustStore, server = notary.url): NotaryTrustSource {
  return new NotaryTrustSource({ http: transport.http, store, server: configuredServer(server), timeoutMs: 5000 });
}

function newStore(): FileTrustStore {
  return new FileTrustStore(mkdtempSync(join(work, 'store-')));
}

function cli(server = notary.url): NotaryCli {
  const c = new NotaryCli(server);
  cleanups.push(() => c.cleanup());
  return c;
}

function describeFact(f: TrustFact): string {
  switch (f.state) {
    case 'signed':
      return `signed ${signedChoice(f)?.digest.slice(7, 19)} by ${signedChoice(f)?.signers.join('+')}`;
    case 'invalid':
      return `invalid (${f.attack})`;
    default:
      return `${f.state}`;
  }
}

/** Compares our fact with `notary lookup`: both verified with the same digest, or both refused. */
async function agree(name: string, fact: TrustFact, oracleCli: NotaryCli, gun: string, tag: string, extra: string[] = []): Promise<void> {
  const o = await oracleCli.run(...extra, 'lookup', gun, tag);
  const m = /^\S+\s+sha256:([0-9a-f]{64})\s+\d+/m.exec(o.stdout);
  const oracleDigest = o.code === 0 && m ? `sha256:${m[1]}` : null;
  const oracleText = oracleDigest ? `ok ${oracleDigest.slice(7, 19)}` : `refused: ${(o.stderr + o.stdout).replace(/\s+/g, ' ').replace(/^\s*\*?\s*fatal:\s*/, '').trim()}`;
  const ok = fact.state === 'signed' ? oracleDigest === signedChoice(fact)?.digest : oracleDigest === null;
  table.push({ name, ours: describeFact(fact), oracle: oracleText, agree: ok });
  assert.ok(ok, `${name}: ours=${JSON.stringify(fact)} oracle=${oracleText}`);
}

async function registryDigest(repo: string, tag: string): Promise<string> {
  const r = await fetch(`${registry.url}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      accept: [
        'application/vnd.docker.distribution.manifest.v2+json',
        'application/vnd.docker.distribution.manifest.list.v2+json',
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.oci.image.index.v1+json',
      ].join(', '),
    },
  });
  return r.headers.get('docker-content-digest') ?? '';
}

/** init + server-managed snapshot, as docker sets a repository up. */
async function initRepo(c: NotaryCli, gun: string, serverSnapshot = true): Promise<void> {
  await c.must('init', '-p', gun);
  if (serverSnapshot) await c.must('key', 'rotate', gun, 'snapshot', '-r');
}

async function signTag(c: NotaryCli, gun: string, tag: string, p: { hex: string; size: number }, role?: string): Promise<void> {
  await c.must('addhash', gun, tag, String(p.size), '--sha256', p.hex, ...(role ? ['-r', role] : []));
  await c.must('publish', gun);
}

async function addReleases(c: NotaryCli, gun: string, name = 'releases'): Promise<{ certPem: string; keyFile: string; certFile: string }> {
  const k = opensslDelegationKey(c.dir, name);
  await c.must('key', 'import', k.keyFile, '--role', `targets/${name}`);
  await c.must('delegation', 'add', gun, `targets/${name}`, k.certFile, '--all-paths', '-p');
  return k;
}

test('top-level targets signed by the repository key', async () => {
  const { repo, gun, ref } = repoName();
  const img = await pushImage(registry.url, repo, 'v1', 'top');
  const signer = cli();
  await initRepo(signer, gun);
  await signTag(signer, gun, 'v1', img);
  const d = await source(newStore()).details(ref('v1'));
  assert.equal(d.fact.state, 'signed');
  if (d.fact.state === 'signed') {
    assert.equal(signedChoice(d.fact)?.digest, img.digest);
    assert.equal(signedChoice(d.fact)?.roles[0], 'targets');
    assert.deepEqual(signedChoice(d.fact)?.signers, ['Repo Admin']);
    assert.ok(d.fact.rootExpires && new Date(d.fact.rootExpires).getUTCFullYear() >= new Date().getUTCFullYear() + 9, 'root cert lives ~10 years');
    // Timestamp: 14 days, the earliest in the chain.
    const expires = signedChoice(d.fact)?.expires ?? null;
    assert.ok(expires !== null && new Date(expires).getTime() - Date.now() < 15 * 86_400_000);
  }
  assert.equal(await registryDigest(repo, 'v1'), img.digest);
  await agree('top-level targets', d.fact, cli(), gun, 'v1');
});

test('targets/releases delegation with its own (openssl) key wins over targets', async () => {
  const { repo, gun, ref } = repoName();
  const released = await pushImage(registry.url, repo, 'v1', 'rel');
  const other = await pushImage(registry.url, repo, 'other', 'adm');
  const signer = cli();
  await initRepo(signer, gun);
  const k = await addReleases(signer, gun);
  await signTag(signer, gun, 'v1', other); // the repository key signs one digest…
  await signTag(signer, gun, 'v1', released, 'targets/releases'); // …releases another: docker picks releases
  const d = await source(newStore()).details(ref('v1'));
  assert.equal(d.fact.state, 'signed', JSON.stringify(d.fact));
  if (d.fact.state === 'signed') {
    assert.equal(signedChoice(d.fact)?.digest, released.digest);
    assert.equal(signedChoice(d.fact)?.roles[0], 'targets/releases');
    const rel = d.fact.signed.flatMap((x) => x.signers).find((s) => s.name === 'releases');
    // Per digest, exactly its signers: the repository key's digest is not attributed to releases, nor the other way.
    assert.deepEqual(d.fact.signed.find((x) => x.digest === other.digest)?.signers.map((s) => s.name), ['Repo Admin']);
    assert.deepEqual(d.fact.signed.find((x) => x.digest === released.digest)?.signers.map((s) => s.name), ['releases']);
    assert.ok(rel, 'releases is a signer');
    // docker trust inspect prints the canonical ID (over the bare public key), not the certificate's TUF ID.
    const certKeyId = keyId({ keytype: 'ecdsa-x509', public: Buffer.from(k.certPem).toString('base64') });
    const relRole = d.roles.find((r) => r.role === 'targets/releases')!;
    assert.deepEqual(relRole.keyIds, [certKeyId]);
    const listed = await signer.must('delegation', 'list', gun);
    assert.ok(listed.includes(rel.keyIds[0]!), `canonical key ID ${rel.keyIds[0]} appears in \`notary delegation list\`:\n${listed}`);
    assert.deepEqual(new Set(d.fact.signed.map((x) => x.digest)), new Set([released.digest, other.digest]));
  }
  // notary lookup walks targets first; ask it about the releases role the way docker did.
  const oracle = cli();
  const list = await oracle.list(gun);
  assert.ok(list.ok, list.ok ? '' : list.message);
  // Plain `notary list` walks targets first, so it shows the repository key's digest; docker asked releases first.
  if (list.ok) assert.deepEqual(list.targets.get('v1'), { digest: other.digest, role: 'targets' });
  const o = await oracle.run('list', gun, '-r', 'targets/releases');
  const m = new RegExp(`^v1\\s+${released.hex}`, 'm').test(o.stdout);
  table.push({ name: 'targets/releases delegation', ours: describeFact(d.fact), oracle: m ? `ok ${released.hex.slice(0, 12)} (list -r targets/releases)` : o.stdout, agree: m });
  assert.ok(m);
});

test('multi-platform index signed: the index digest is what verifies', async () => {
  const { repo, gun, ref } = repoName();
  const idx = await pushIndex(registry.url, repo, 'multi');
  assert.equal(await registryDigest(repo, 'multi'), idx.digest);
  const signer = cli();
  await initRepo(signer, gun);
  await addReleases(signer, gun);
  await signTag(signer, gun, 'multi', idx, 'targets/releases');
  const f = await source(newStore()).lookup(ref('multi'));
  assert.equal(f.state === 'signed' && signedChoice(f)?.digest, idx.digest);
  await agree('multi-platform index', f, cli(), gun, 'multi');
});

test('tag pushed but never signed', async () => {
  const { repo, gun, ref } = repoName();
  const img = await pushImage(registry.url, repo, 'v1', 's');
  await pushImage(registry.url, repo, 'v2', 'u');
  const signer = cli();
  await initRepo(signer, gun);
  await signTag(signer, gun, 'v1', img);
  const f = await source(newStore()).lookup(ref('v2'));
  assert.equal(f.state, 'unsigned');
  await agree('unsigned tag', f, cli(), gun, 'v2');
});

test('repository with no trust data', async () => {
  const { repo, gun, ref } = repoName();
  await pushImage(registry.url, repo, 'v1', 'none');
  const f = await source(newStore()).lookup(ref('v1'));
  assert.equal(f.state, 'unsigned');
  if (f.state === 'unsigned') assert.match(f.reason, /never signed/);
  await agree('no trust data', f, cli(), gun, 'v1');
});

test('target signed by a key no longer in the delegation', async () => {
  const { repo, gun, ref } = repoName();
  const img = await pushImage(registry.url, repo, 'v1', 'qa');
  const signer = cli();
  await initRepo(signer, gun);
  const a = await addReleases(signer, gun);
  await signTag(signer, gun, 'v1', img, 'targets/releases');
  const ok = await source(newStore()).lookup(ref('v1'));
  assert.equal(ok.state, 'signed');
  // Key B joins, key A leaves (by its canonical ID): the releases file is still signed only by A.
  const b = opensslDelegationKey(signer.dir, 'b');
  await signer.must('delegation', 'add', gun, 'targets/releases', b.certFile, '--all-paths');
  const aPub = createPrivateKey(readFileSync(a.keyFile));
  const aCanonical = keyId({ keytype: 'ecdsa', public: (await import('node:crypto')).createPublicKey(aPub).export({ type: 'spki', format: 'der' }).toString('base64') });
  await signer.must('delegation', 'remove', gun, 'targets/releases', aCanonical);
  await signer.must('publish', gun);
  const d = await source(newStore()).details(ref('v1'));
  assert.equal(d.fact.state, 'unsigned', JSON.stringify(d.fact));
  assert.ok(d.skipped.some((s) => s.name === 'targets/releases' && /0 valid delegation key/.test(s.reason)), JSON.stringify(d.skipped));
  await agree('key removed from delegation', d.fact, cli(), gun, 'v1');
});

test('tag moved after signing: the signed digest stays, the registry differs', async () => {
  const { repo, gun, ref } = repoName();
  const signed = await pushImage(registry.url, repo, 'v1', 'first');
  const signer = cli();
  await initRepo(signer, gun);
  await signTag(signer, gun, 'v1', signed);
  const moved = await pushImage(registry.url, repo, 'v1', 'second');
  assert.notEqual(moved.digest, signed.digest);
  assert.equal(await registryDigest(repo, 'v1'), moved.digest);
  const f = await source(newStore()).lookup(ref('v1'));
  assert.equal(f.state === 'signed' && signedChoice(f)?.digest, signed.digest, 'we vouch for the signed digest, never the registry one');
  await agree('tag moved (registry ≠ signed)', f, cli(), gun, 'v1');
});

test('root replaced: a client holding the old root refuses', async () => {
  const { repo, gun, ref } = repoName();
  const img = await pushImage(registry.url, repo, 'v1', 'root');
  const first = cli();
  await initRepo(first, gun);
  await signTag(first, gun, 'v1', img);
  const store = newStore();
  const oracle = cli();
  assert.equal((await source(store).lookup(ref('v1'))).state, 'signed');
  assert.equal((await oracle.lookup(gun, 'v1')).ok, true);
  await first.must('delete', gun, '--remote');
  const second = cli();
  await initRepo(second, gun);
  await signTag(second, gun, 'v1', img);
  const f = await source(store).lookup(ref('v1'));
  assert.equal(f.state, 'invalid', JSON.stringify(f));
  if (f.state === 'invalid') assert.equal(f.attack, 'root mismatch');
  await agree('root replaced', f, oracle, gun, 'v1');
  // A client that never saw the old root trusts the new one on first use, like notary.
  const fresh = await source(newStore()).lookup(ref('v1'));
  await agree('root replaced, fresh client (TOFU)', fresh, cli(), gun, 'v1');
});

test('root rotation by the notary CLI (root key, then targets key) is followed through <N>.root.json', async () => {
  const { repo, gun, ref } = repoName();
  const img = await pushImage(registry.url, repo, 'v1', 'rot');
  const signer = cli();
  await initRepo(signer, gun);
  await signTag(signer, gun, 'v1', img);
  const store = newStore();
  const oracle = cli();
  const first = await source(store).details(ref('v1'));
  assert.equal(first.fact.state, 'signed');
  assert.equal((await oracle.lookup(gun, 'v1')).ok, true);
  const v0 = first.root!.version;
  const rot = await signer.runWithInput('yes\n', 'key', 'rotate', gun, 'root');
  assert.equal(rot.code, 0, rot.stderr + rot.stdout);
  await signer.must('key', 'rotate', gun, 'targets');
  await signer.must('publish', gun);
  const d = await source(store).details(ref('v1'));
  assert.equal(d.fact.state === 'signed' && signedChoice(d.fact)?.digest, img.digest, JSON.stringify(d.fact));
  assert.ok(d.root!.version >= v0 + 2, `root moved from ${v0} to ${d.root!.version}`);
  assert.deepEqual(d.root!.rotatedThrough, Array.from({ length: d.root!.version - v0 }, (_, i) => v0 + 1 + i));
  assert.notDeepEqual(d.root!.keyIds, first.root!.keyIds, 'the root key changed');
  await agree(`root rotated v${v0}→v${d.root!.version} (old root held)`, d.fact, oracle, gun, 'v1');
  // Held by a store: the next lookup starts from the rotated root.
  const again = await source(store).details(ref('v1'));
  assert.deepEqual(again.root!.rotatedThrough, []);
});

test('rollback: older real files served after newer ones were seen', async () => {
  const { repo, gun, ref } = repoName();
  const v1 = await pushImage(registry.url, repo, 'v1', 'old');
  const v2 = await pushImage(registry.url, repo, 'v1b', 'new');
  const signer = cli();
  await initRepo(signer, gun);
  await signTag(signer, gun, 'v1', v1);
  const old: Record<string, Buffer> = {};
  for (const role of ['root', 'timestamp', 'snapshot', 'targets']) {
    old[role] = Buffer.from(await (await fetch(`${notary.url}/v2/${gun}/_trust/tuf/${role}.json`)).arrayBuffer());
  }
  await signTag(signer, gun, 'v1', v2);
  const store = newStore();
  const oracle = cli();
  const now = await source(store).lookup(ref('v1'));
  assert.equal(now.state === 'signed' && signedChoice(now)?.digest, v2.digest);
  assert.equal((await oracle.lookup(gun, 'v1')).ok, true);
  statics.set(gun, old);
  const f = await source(store, statics.url).lookup(ref('v1'));
  assert.equal(f.state, 'invalid', JSON.stringify(f));
  if (f.state === 'invalid') assert.equal(f.attack, 'rollback');
  await agree('rollback', f, oracle, gun, 'v1', ['-s', statics.url]);
});

/** Reads a key from the notary CLI's trust dir (encrypted PKCS#8 with notary's PEM headers). */
function notaryPrivateKey(c: NotaryCli, id: string) {
  const pem = readFileSync(join(c.dir, 'trust', 'private', `${id}.key`), 'utf8');
  const body = pem.split('\n').filter((l) => l !== '' && !/^[a-z]+: /.test(l)).join('\n');
  return createPrivateKey({ key: body, passphrase: PASSPHRASE });
}

test('expired targets: re-signed with the real keys to expire in seconds, then both clients refuse', async () => {
  const { repo, gun, ref } = repoName();
  const img = await pushImage(registry.url, repo, 'v1', 'exp');
  const signer = cli();
  await initRepo(signer, gun, false); // snapshot key stays local so we can re-sign it
  await signTag(signer, gun, 'v1', img);
  const get = async (role: string) => JSON.parse(await (await fetch(`${notary.url}/v2/${gun}/_trust/tuf/${role}.json`)).text());
  const root = await get('root');
  const targets = await get('targets');
  const snapshot = await get('snapshot');
  const sign = (signed: object, roleName: 'targets' | 'snapshot') => {
    const id = root.signed.roles[roleName].keyids[0] as string;
    const key = notaryPrivateKey(signer, id);
    const data = Buffer.from(canonicalize(signed));
    const sig = cryptoSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
    return Buffer.from(JSON.stringify({ signed, signatures: [{ keyid: id, method: 'ecdsa', sig: sig.toString('base64') }] }));
  };
  const expiresAt = new Date(Date.now() + 3000);
  targets.signed.expires = expiresAt.toISOString();
  targets.signed.version += 1;
  const tBytes = sign(targets.signed, 'targets');
  snapshot.signed.meta.targets = fileMeta(tBytes);
  snapshot.signed.version += 1;
  const sBytes = sign(snapshot.signed, 'snapshot');
  const form = new FormData();
  form.append('files', new Blob([tBytes]), 'targets');
  form.append('files', new Blob([sBytes]), 'snapshot');
  const up = await fetch(`${notary.url}/v2/${gun}/_trust/tuf/`, { method: 'POST', body: form });
  assert.equal(up.status, 200, await up.text());
  const before = await source(newStore()).lookup(ref('v1'));
  assert.equal(before.state, 'signed', 'valid until it expires');
  await new Promise((r) => setTimeout(r, Math.max(0, expiresAt.getTime() - Date.now() + 500)));
  const f = await source(newStore()).lookup(ref('v1'));
  assert.equal(f.state, 'invalid', JSON.stringify(f));
  if (f.state === 'invalid') assert.equal(f.attack, 'indefinite freeze');
  await agree('expired targets', f, cli(), gun, 'v1');
});

test('corrupted signature, wrong hash, wrong length on real files; threshold > 1 unmet', async () => {
  const { repo, gun, ref } = repoName();
  const img = await pushImage(registry.url, repo, 'v1', 'bad');
  const signer = cli();
  await initRepo(signer, gun);
  await signTag(signer, gun, 'v1', img);
  const real: Record<string, Buffer> = {};
  for (const role of ['root', 'timestamp', 'snapshot', 'targets']) {
    real[role] = Buffer.from(await (await fetch(`${notary.url}/v2/${gun}/_trust/tuf/${role}.json`)).arrayBuffer());
  }
  // Sanity: the untouched real files served statically verify for both.
  statics.replace(gun, real);
  const base = await source(newStore(), statics.url).lookup(ref('v1'));
  assert.equal(base.state === 'signed' && signedChoice(base)?.digest, img.digest);
  await agree('real files, served statically', base, cli(), gun, 'v1', ['-s', statics.url]);

  const ts = JSON.parse(real['timestamp']!.toString());
  const sig = Buffer.from(ts.signatures[0].sig, 'base64');
  sig[0] = sig[0]! ^ 0x40;
  ts.signatures[0].sig = sig.toString('base64');
  statics.replace(gun, { ...real, timestamp: Buffer.from(JSON.stringify(ts)) });
  const corrupt = await source(newStore(), statics.url).lookup(ref('v1'));
  assert.equal(corrupt.state === 'invalid' && corrupt.attack, 'arbitrary software');
  await agree('corrupted signature', corrupt, cli(), gun, 'v1', ['-s', statics.url]);

  const t = Buffer.from(real['targets']!);
  const at = t.indexOf('"expires":"') + 11;
  t[at + 3] = t[at + 3] === 0x39 ? 0x38 : t[at + 3]! + 1; // same length, other year
  statics.replace(gun, { ...real, targets: t });
  const hash = await source(newStore(), statics.url).lookup(ref('v1'));
  assert.equal(hash.state === 'invalid' && hash.attack, 'mix-and-match');
  await agree('wrong hash', hash, cli(), gun, 'v1', ['-s', statics.url]);

  statics.replace(gun, { ...real, targets: real['targets']!.subarray(0, real['targets']!.length - 1) });
  const short = await source(newStore(), statics.url).lookup(ref('v1'));
  assert.equal(short.state === 'invalid' && short.attack, 'mix-and-match');
  await agree('wrong length (one byte short)', short, cli(), gun, 'v1', ['-s', statics.url]);

  // One byte too many: notary reads only `length` bytes (io.LimitReader), hashes those and accepts; we refuse the
  // whole file as over its cap. A recorded, deliberate difference: we are stricter, never looser.
  statics.replace(gun, real);
  // Sent without Content-Length, so the reader's own running cap has to stop it.
  statics.routes.set(`/v2/${gun}/_trust/tuf/targets.json`, { body: Buffer.concat([real['targets']!, Buffer.from('\n')]), trickle: 1 << 16 });
  const long = await source(newStore(), statics.url).lookup(ref('v1'));
  assert.equal(long.state === 'invalid' && long.attack, 'endless data');
  const o = await cli().run('-s', statics.url, 'lookup', gun, 'v1');
  assert.equal(o.code, 0, 'notary accepts the first `length` bytes');
  table.push({ name: 'wrong length (one byte long)', ours: describeFact(long), oracle: 'ok (reads only `length` bytes)', agree: false });

  // Threshold 2 on targets, one signature: hand-made (a real root key is needed for the root).
  const hand = new HandRepo(gun);
  const second = (await import('../support/notary')).ecdsaKey();
  statics.replace(gun, hand.build({ targets: { v1: { digest: img.digest, length: img.size } }, thresholds: { targets: 2 }, extraKeys: { targets: [second] } }));
  const thr = await source(newStore(), statics.url).lookup(ref('v1'));
  assert.equal(thr.state === 'invalid' && thr.attack, 'wrong threshold');
  await agree('threshold 2, one signature', thr, cli(), gun, 'v1', ['-s', statics.url]);

  // The same hand-made repository with both signatures: both clients accept it (the builder speaks notary's dialect).
  statics.replace(gun, hand.build({ targets: { v1: { digest: img.digest, length: img.size } }, thresholds: { targets: 2 }, extraKeys: { targets: [second] }, signers: { targets: [hand.keys.targets, second] } }));
  const thrOk = await source(newStore(), statics.url).lookup(ref('v1'));
  assert.equal(thrOk.state === 'signed' && signedChoice(thrOk)?.digest, img.digest);
  await agree('threshold 2, two signatures', thrOk, cli(), gun, 'v1', ['-s', statics.url]);
});
