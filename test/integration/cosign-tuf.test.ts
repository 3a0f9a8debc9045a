// Sigstore trusted root through real tuf-js against a TUF repository served on 127.0.0.1 (metadata signed in the test), via the real transport.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalize } from '@tufjs/canonical-json';
import { createTransport, type Transport } from '../../server/src/registry/transport';
import type { HttpClient } from '../../server/src/registry/http';
import { fsTufCache } from '../../server/src/stores/tufCache';
import { loadTrustedRoot, SIGSTORE_TUF_MIRROR } from '../../server/src/trust/cosign/trustRoot';
import seeds from '@sigstore/tuf/seeds.json';

// A real Sigstore trusted root as the TUF target: the copy @sigstore/tuf ships (no external test data needed).
const TRUSTED_ROOT = Buffer.from((seeds as Record<string, { targets: Record<string, string> }>)[SIGSTORE_TUF_MIRROR]!.targets['trusted_root.json']!, 'base64');

interface TufKey {
  readonly id: string;
  readonly priv: KeyObject;
  readonly pub: { keytype: string; scheme: string; keyval: { public: string } };
}

function newKey(): TufKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32).toString('hex');
  const pub = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: raw } };
  return { id: createHash('sha256').update(canonicalize(pub)).digest('hex'), priv: privateKey, pub };
}

function signed(signedPart: Record<string, unknown>, key: TufKey): Buffer {
  const sig = sign(null, Buffer.from(canonicalize(signedPart)), key.priv).toString('hex');
  return Buffer.from(JSON.stringify({ signed: signedPart, signatures: [{ keyid: key.id, sig }] }));
}

const inDays = (d: number): string => new Date(Date.now() + d * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A one-key TUF repository: root, timestamp, snapshot, targets with `trusted_root.json`. */
function buildRepo(target: Buffer, opts: { expiredTimestamp?: boolean } = {}): Map<string, Buffer> {
  const k = newKey();
  const role = { keyids: [k.id], threshold: 1 };
  const base = { spec_version: '1.0.31', version: 1 };
  const root = signed({ _type: 'root', ...base, expires: inDays(30), consistent_snapshot: false, keys: { [k.id]: k.pub }, roles: { root: role, timestamp: role, snapshot: role, targets: role } }, k);
  const targets = signed({ _type: 'targets', ...base, expires: inDays(30), targets: { 'trusted_root.json': { length: target.length, hashes: { sha256: createHash('sha256').update(target).digest('hex') } } } }, k);
  const snapshot = signed({ _type: 'snapshot', ...base, expires: inDays(30), meta: { 'targets.json': { version: 1 } } }, k);
  const timestamp = signed({ _type: 'timestamp', ...base, expires: opts.expiredTimestamp ? inDays(-1) : inDays(1), meta: { 'snapshot.json': { version: 1 } } }, k);
  return new Map([
    ['/1.root.json', root],
    ['/timestamp.json', timestamp],
    ['/snapshot.json', snapshot],
    ['/targets.json', targets],
    ['/targets/trusted_root.json', target],
  ]);
}

let server: Server;
let files = new Map<string, Buffer>();
const requests: string[] = [];
let mirror: string;
let transport: Transport;

before(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files.get(req.url ?? '');
    if (body) res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  mirror = `http://127.0.0.1:${port}`;
  transport = createTransport({ insecureHosts: [`127.0.0.1:${port}`] });
});

after(async () => {
  await transport?.close();
  await new Promise<void>((r) => server?.close(() => r()));
});

function counting(http: HttpClient): { http: HttpClient; n: () => number } {
  let n = 0;
  return { http: async (req) => (n++, http(req)), n: () => n };
}

test('online refresh: root chain ends at the 404 for 2.root.json, metadata and target verified and cached; offline then reads the cache with no request', async () => {
  files = buildRepo(TRUSTED_ROOT);
  const dir = mkdtempSync(join(tmpdir(), 'dt-tuf-'));
  try {
    requests.length = 0;
    const initialRoot = files.get('/1.root.json') as Buffer;
    const online = await loadTrustedRoot({ cache: fsTufCache(dir), offline: false, http: transport.http, mirrorUrl: mirror, initialRoot, timeoutMs: 5000 });
    assert.ok(online.ok, online.ok ? '' : online.reason);
    assert.equal(online.origin, 'tuf-refreshed', JSON.stringify(online.ok ? online.note : ''));
    assert.equal(online.note, undefined);
    assert.deepEqual(requests, ['/2.root.json', '/timestamp.json', '/snapshot.json', '/targets.json', '/targets/trusted_root.json']);
    assert.equal(online.root.tlogs.length, JSON.parse(TRUSTED_ROOT.toString()).tlogs.length);

    const c = counting(transport.http);
    const offline = await loadTrustedRoot({ cache: fsTufCache(dir), offline: true, http: c.http, mirrorUrl: mirror });
    assert.ok(offline.ok);
    assert.equal(offline.origin, 'tuf-cache');
    assert.equal(c.n(), 0, 'offline reads the verified cache without a request');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a target that does not match its signed hash is refused; for a non-default mirror there is no silent fallback', async () => {
  files = buildRepo(TRUSTED_ROOT);
  const tampered = Buffer.from(TRUSTED_ROOT.toString().replace('"tlogs"', ' "tlogs"'));
  files.set('/targets/trusted_root.json', tampered.subarray(0, TRUSTED_ROOT.length));
  const dir = mkdtempSync(join(tmpdir(), 'dt-tuf-'));
  try {
    const r = await loadTrustedRoot({ cache: fsTufCache(dir), offline: false, http: transport.http, mirrorUrl: mirror, initialRoot: files.get('/1.root.json'), timeoutMs: 5000 });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.reason, /refresh failed .*Expected hash/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('expired timestamp metadata is refused (freeze attack)', async () => {
  files = buildRepo(TRUSTED_ROOT, { expiredTimestamp: true });
  const dir = mkdtempSync(join(tmpdir(), 'dt-tuf-'));
  try {
    const r = await loadTrustedRoot({ cache: fsTufCache(dir), offline: false, http: transport.http, mirrorUrl: mirror, initialRoot: files.get('/1.root.json'), timeoutMs: 5000 });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.reason, /timestamp\.json is expired/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
