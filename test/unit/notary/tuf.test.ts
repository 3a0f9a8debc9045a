// Unit tests for the Notary metadata layer: real files from notary 0.7, key IDs, signature schemes, root checks, policy, store.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { canonicalize } from '@tufjs/canonical-json';
import {
  canonicalKeyId,
  checkFileMeta,
  checkThreshold,
  keyId,
  parseEnvelope,
  verifySignature,
  type RootSigned,
  type SnapshotSigned,
  type TargetsSigned,
  type TimestampSigned,
} from '../../../server/src/trust/notary/tuf';
import { checkRoot, signatureAlgorithmOid, isCaCertificate } from '../../../server/src/trust/notary/root';
import { FileTrustStore } from '../../../server/src/stores/notaryTrust';
import { notaryServerFor } from '../../../server/src/trust/policy';
import { matchPolicy, parsePolicy } from '../../support/policy';
import { resolveTag, signerName } from '../../../server/src/trust/notary/source';
import { parseReference } from '../../../server/src/core/imageRef';
import { ecdsaKey, ed25519Key, envelope, rsaKey, x509RootKey } from '../../support/notary';

const fx = (n: string) => new Uint8Array(readFileSync(join(__dirname, 'fixtures', `${n}.json`)));
const GUN = '127.0.0.1:5000/library/alpine';
const NOW = new Date('2026-11-28T14:00:00Z');

function must<T>(p: { ok: true; value: T } | { ok: false; reason: string }): T {
  if (!p.ok) throw new Error(p.reason);
  return p.value;
}

describe('real notary 0.7 files', () => {
  const root = must(parseEnvelope<RootSigned>(fx('root'), 'Root'));
  const ts = must(parseEnvelope<TimestampSigned>(fx('timestamp'), 'Timestamp'));
  const snap = must(parseEnvelope<SnapshotSigned>(fx('snapshot'), 'Snapshot'));
  const targets = must(parseEnvelope<TargetsSigned>(fx('targets'), 'Targets'));

  test('every key ID in root.json is the sha256 of its canonical public key', () => {
    assert.equal(root.signed.keys.size, 4);
    for (const [id, key] of root.signed.keys) assert.equal(keyId(key), id);
  });

  test('canonical JSON of `signed` reproduces what notary signed: every role verifies with its keys', () => {
    for (const [env, role] of [
      [root, 'root'],
      [ts, 'timestamp'],
      [snap, 'snapshot'],
      [targets, 'targets'],
    ] as const) {
      const t = checkThreshold(env, root.signed.roles[role], root.signed.keys);
      assert.ok(t.met, `${role}: ${JSON.stringify(t)}`);
      assert.equal(t.validKeyIds.length, 1);
    }
  });

  test('the root key is an ecdsa-x509 certificate for the GUN; its canonical ID is over the bare key', () => {
    const id = root.signed.roles.root.keyids[0]!;
    const key = root.signed.keys.get(id)!;
    assert.equal(key.keytype, 'ecdsa-x509');
    const cert = new X509Certificate(Buffer.from(key.public, 'base64'));
    assert.equal(cert.subject, `CN=${GUN}`);
    assert.notEqual(canonicalKeyId(key), id);
    // The canonical ID is the name of the key file notary wrote in its trust dir (4bd682a7…).
    assert.equal(canonicalKeyId(key), '4bd682a7850db3b1c1c193ae4fa01c7b73561bd21d51e5ce193743b4a942898d');
    assert.equal(signatureAlgorithmOid(new Uint8Array(cert.raw)), '2a8648ce3d040302'); // ecdsa-with-SHA256
    assert.equal(isCaCertificate(new Uint8Array(cert.raw)), false);
  });

  test('hashes and lengths chain timestamp → snapshot → targets and root over the exact bytes', () => {
    assert.equal(checkFileMeta(snap.raw, ts.signed.meta.get('snapshot')!), null);
    assert.equal(checkFileMeta(targets.raw, snap.signed.meta.get('targets')!), null);
    assert.equal(checkFileMeta(root.raw, snap.signed.meta.get('root')!), null);
    const pretty = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(targets.raw)), null, 1));
    assert.match(checkFileMeta(pretty, snap.signed.meta.get('targets')!) ?? '', /length/);
  });

  test('the root passes notary-style root checks at a time inside its validity, not after', () => {
    const ok = checkRoot(root, GUN, NOW, {}, null);
    assert.equal(ok.ok, true, JSON.stringify(ok));
    const late = checkRoot(root, GUN, new Date('2037-01-01T00:00:00Z'), {}, null);
    assert.equal(late.ok === false && late.attack, 'indefinite freeze');
    const other = checkRoot(root, '127.0.0.1:5000/library/other', NOW, {}, null);
    assert.equal(other.ok, false);
  });

  test('one changed byte in `signed` breaks the signature', () => {
    const bad = JSON.parse(new TextDecoder().decode(targets.raw));
    bad.signed.targets.v1.length = 1235;
    const env = must(parseEnvelope<TargetsSigned>(new TextEncoder().encode(JSON.stringify(bad)), 'Targets'));
    assert.equal(checkThreshold(env, root.signed.roles.targets, root.signed.keys).met, false);
  });

  test('the signed digest of v1 is sha256("a") from the base64 hash', () => {
    const rk = new Map([['targets', { name: 'targets', parent: null, version: 3, expires: targets.signed.expires, chainExpires: targets.signed.expires, keyIds: [], canonicalKeyIds: [], threshold: 1, paths: null, targets: targets.signed.targets, children: [] }]]);
    const hit = resolveTag({ state: 'verified', gun: GUN, server: '', root: {} as never, timestamp: {} as never, snapshot: {} as never, roles: rk, skipped: [] }, 'v1');
    assert.ok('digest' in hit);
    assert.equal(hit.digest, 'sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb');
  });
});

describe('parsing is strict', () => {
  test('wrong _type, TUF 1.0 lowercase type, missing fields, floats, hex hashes are refused', () => {
    assert.equal(parseEnvelope(fx('targets'), 'Snapshot').ok, false);
    const k = ed25519Key();
    const mk = (signed: object) => new Uint8Array(envelope(signed, [k]));
    assert.equal(parseEnvelope(mk({ _type: 'targets', version: 1, expires: '2030-01-01T00:00:00Z', targets: {} }), 'Targets').ok, false);
    assert.equal(parseEnvelope(mk({ _type: 'Targets', expires: '2030-01-01T00:00:00Z', targets: {} }), 'Targets').ok, false);
    assert.equal(parseEnvelope(mk({ _type: 'Targets', version: 1, expires: 'soon', targets: {} }), 'Targets').ok, false);
    assert.equal(parseEnvelope(new TextEncoder().encode('{"signed":{"_type":"Targets","version":1.5,"expires":"2030-01-01T00:00:00Z"},"signatures":[]}'), 'Targets').ok, false);
    assert.equal(
      parseEnvelope(mk({ _type: 'Snapshot', version: 1, expires: '2030-01-01T00:00:00Z', meta: { targets: { length: 3, hashes: { sha256: 'zz!' } } } }), 'Snapshot').ok,
      false,
    );
    assert.equal(parseEnvelope(new TextEncoder().encode('not json'), 'Root').ok, false);
    assert.equal(parseEnvelope(new Uint8Array([0xff, 0xfe, 0x7b]), 'Root').ok, false);
  });

  test('a threshold of 0 is refused (it would accept unsigned files)', () => {
    const k = ed25519Key();
    const signed = {
      _type: 'Root',
      version: 1,
      expires: '2030-01-01T00:00:00Z',
      keys: {},
      roles: { root: { keyids: [], threshold: 0 }, targets: { keyids: [], threshold: 1 }, snapshot: { keyids: [], threshold: 1 }, timestamp: { keyids: [], threshold: 1 } },
    };
    assert.equal(parseEnvelope(new Uint8Array(envelope(signed, [k])), 'Root').ok, false);
  });
});

describe('signature schemes', () => {
  const data = new TextEncoder().encode(canonicalize({ hello: 'world' }));
  const cases = [
    ['ed25519 (eddsa)', ed25519Key()],
    ['ecdsa P-256, raw r||s', ecdsaKey()],
    ['rsa, RSASSA-PSS sha256', rsaKey()],
    ['ecdsa-x509 certificate', x509RootKey('a.example/b')],
  ] as const;
  for (const [name, k] of cases) {
    test(`${name}: verifies, and refuses other data, other methods and other keys`, () => {
      const s = k.sign(data);
      const sig = { keyid: s.keyid, method: s.method, sig: new Uint8Array(Buffer.from(s.sig, 'base64')) };
      const key = { keytype: k.keytype, public: k.public };
      assert.equal(verifySignature(key, sig, data), true);
      assert.equal(verifySignature(key, sig, new TextEncoder().encode('{"hello":"World"}')), false);
      assert.equal(verifySignature(key, { ...sig, method: s.method === 'eddsa' ? 'ecdsa' : 'eddsa' }, data), false);
      const other = ecdsaKey();
      assert.equal(verifySignature({ keytype: other.keytype, public: other.public }, sig, data), false);
      assert.equal(keyId(key), k.id);
    });
  }

  test('an ECDSA signature in DER (not raw r||s) is refused, as notary does', async () => {
    const { generateKeyPairSync, sign } = await import('node:crypto');
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = sign('sha256', data, privateKey);
    const key = { keytype: 'ecdsa', public: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
    assert.equal(verifySignature(key, { keyid: '', method: 'ecdsa', sig: new Uint8Array(der) }, data), false);
  });

  test('an unknown key type never verifies', () => {
    const k = ed25519Key();
    const s = k.sign(data);
    assert.equal(verifySignature({ keytype: 'hmac', public: k.public }, { keyid: s.keyid, method: s.method, sig: new Uint8Array(Buffer.from(s.sig, 'base64')) }, data), false);
  });
});

describe('policy', () => {
  const hub = (t: string) => {
    const r = parseReference(t);
    if (!r.ok) throw new Error(r.reason);
    return r;
  };

  test('docker.io uses notary.docker.io until 2026-12-08, with the retirement announced, then reports it retired', () => {
    const before = notaryServerFor('docker.io', {}, {}, new Date('2026-11-28T00:00:00Z'));
    assert.equal(before.url, 'https://notary.docker.io');
    assert.equal(before.retired, undefined);
    assert.match(before.notice ?? '', /shuts down on 2026-12-08 \(in 10 days\)/);
    const afterDate = notaryServerFor('docker.io', {}, {}, new Date('2026-12-08T00:00:00Z'));
    assert.match(afterDate.retired ?? '', /retired on 2026-12-08/);
  });

  test('other registries default to https://<registry>; a setting beats DOCKER_CONTENT_TRUST_SERVER, which beats defaults', () => {
    assert.equal(notaryServerFor('ghcr.io', {}, {}, new Date()).url, 'https://ghcr.io');
    const env = { DOCKER_CONTENT_TRUST_SERVER: 'https://notary.corp.example/' };
    assert.deepEqual(notaryServerFor('docker.io', {}, env, new Date()), { url: 'https://notary.corp.example', origin: 'DOCKER_CONTENT_TRUST_SERVER' });
    assert.equal(notaryServerFor('docker.io', { 'docker.io': 'https://mirror.example' }, env, new Date()).url, 'https://mirror.example');
  });

  test('a retired server chosen through the environment is still reported as retired', () => {
    const c = notaryServerFor('corp.example', {}, { DOCKER_CONTENT_TRUST_SERVER: 'https://notary.docker.io' }, new Date('2027-01-01T00:00:00Z'));
    assert.ok(c.retired);
  });

  test('patterns: * inside a component, ** across, familiar Docker Hub names, first match wins with its signers', () => {
    const policy = parsePolicy({ version: 1, images: [{ pattern: 'corp.example/team/*', required: true, notarySigners: ['releases'] }, { pattern: 'corp.example/**', required: true }, { pattern: 'alpine', required: true }] });
    assert.ok(policy.ok);
    const entry = (text: string) => {
      const e = matchPolicy(policy.policy, hub(text));
      return e === undefined ? { required: false } : { required: e.required, ...(e.notarySigners.length > 0 ? { signers: e.notarySigners } : {}) };
    };
    assert.deepEqual(entry('corp.example/team/app:1'), { required: true, signers: ['releases'] });
    assert.deepEqual(entry('corp.example/team/sub/app'), { required: true });
    assert.deepEqual(entry('alpine:3.20'), { required: true });
    assert.deepEqual(entry('docker.io/library/alpine'), { required: true });
    assert.deepEqual(entry('node:22'), { required: false });
    assert.deepEqual(entry('corp.example.evil/x'), { required: false });
  });

  test('signer names as docker trust inspect prints them', () => {
    assert.equal(signerName('targets'), 'Repo Admin');
    assert.equal(signerName('targets/releases'), 'releases');
    assert.equal(signerName('targets/qa/nightly'), 'qa/nightly');
  });
});

describe('file trust store', () => {
  test('round-trips per GUN, hashes hostile names into the directory, leaves no temp files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dt-store-'));
    try {
      const s = new FileTrustStore(join(dir, 'roots'));
      await s.save({ gun: '../../etc/x', root: 'cm9vdA==', versions: { targets: 3 }, trustedSince: 't' });
      await s.save({ gun: 'a/b', root: 'b3RoZXI=', versions: {}, trustedSince: 't' });
      assert.deepEqual(await s.load('../../etc/x'), { gun: '../../etc/x', root: 'cm9vdA==', versions: { targets: 3 }, trustedSince: 't' });
      assert.equal((await s.load('a/b'))?.root, 'b3RoZXI=');
      assert.equal(await s.load('c/d'), null);
      const files = readdirSync(join(dir, 'roots'));
      assert.equal(files.length, 2);
      assert.ok(files.every((f) => /^[0-9a-f]{64}\.json$/.test(f)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
