// Hostile servers: the registry client must end every case in a clear state, within its deadline, leaking nothing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RegistryFact } from '../../server/src/core/facts';
import { parseReference, type ParsedReference } from '../../server/src/core/imageRef';
import type { CredentialSource } from '../../server/src/registry/credentials';
import { createRegistryService, type RegistryService } from '../../server/src/registry/service';
import { createTransport, type Transport } from '../../server/src/registry/transport';
import { startHostile, type HostileServer } from '../support/hostile';
import { makeCert } from '../support/registry';

const INDEX = 'application/vnd.oci.image.index.v1+json';
const MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const SECRET = 'hunter2-very-secret';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function hostile(...args: Parameters<typeof startHostile>): Promise<HostileServer> {
  const s = await startHostile(...args);
  cleanups.push(() => s.stop());
  return s;
}

function ref(text: string): ParsedReference {
  const r = parseReference(text);
  assert.ok(r.ok);
  return r;
}

function setup(hosts: readonly string[], opts: { timeoutMs?: number; credentials?: CredentialSource; extraCaCerts?: Record<string, string>; maxRetryWaitMs?: number } = {}): { service: RegistryService; transport: Transport } {
  const transport = createTransport({ insecureHosts: hosts, ...(opts.extraCaCerts !== undefined ? { extraCaCerts: opts.extraCaCerts } : {}) });
  const service = createRegistryService({
    http: transport.http,
    insecureRegistries: hosts,
    timeoutMs: opts.timeoutMs ?? 2000,
    ...(opts.credentials !== undefined ? { credentials: opts.credentials } : {}),
    ...(opts.maxRetryWaitMs !== undefined ? { maxRetryWaitMs: opts.maxRetryWaitMs } : {}),
  });
  cleanups.push(async () => {
    await service.dispose();
    await transport.close();
  });
  return { service, transport };
}

function errorOf(f: RegistryFact): Extract<RegistryFact, { state: 'error' }> {
  assert.equal(f.state, 'error', `expected an error state, got ${JSON.stringify(f)}`);
  return f as Extract<RegistryFact, { state: 'error' }>;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

/** Writes `total` bytes in 64 KiB chunks honouring back-pressure; resolves with the bytes written before the peer left. */
function stream(res: ServerResponse, total: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 0x7b);
  return new Promise((resolve) => {
    let written = 0;
    let closed = false;
    res.on('close', () => {
      closed = true;
      resolve(written);
    });
    const pump = (): void => {
      while (!closed && written < total) {
        written += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!closed) res.end();
    };
    pump();
  });
}

test('50 MiB manifest body: too-large, read stopped early', async () => {
  let written: Promise<number> = Promise.resolve(0);
  const s = await hostile((req, res) => {
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-type': INDEX }).end();
      return;
    }
    // No content-length: the cap must hold while streaming.
    res.writeHead(200, { 'content-type': INDEX });
    written = stream(res, 50 * 1024 * 1024);
  });
  const { service } = setup([s.host], { timeoutMs: 10_000 });
  const { value, ms } = await timed(() => service.resolve(ref(`${s.host}/big/index:1`)));
  const e = errorOf(value);
  assert.equal(e.kind, 'too-large');
  assert.match(e.message, /4194304-byte limit/);
  assert.ok(ms < 10_000, `took ${ms} ms`);
  const sent = await written;
  assert.ok(sent < 20 * 1024 * 1024, `the client kept reading: ${sent} bytes were sent`);
});

test('50 MiB declared by content-length: refused before reading', async () => {
  const s = await hostile((req, res) => {
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-type': INDEX }).end();
      return;
    }
    res.writeHead(200, { 'content-type': INDEX, 'content-length': String(50 * 1024 * 1024) });
    void stream(res, 50 * 1024 * 1024);
  });
  const { service } = setup([s.host]);
  const e = errorOf(await service.resolve(ref(`${s.host}/big/declared:1`)));
  assert.equal(e.kind, 'too-large');
  assert.match(e.message, /52428800 bytes/);
});

test('one byte per second: ends at the deadline', async () => {
  const timers: NodeJS.Timeout[] = [];
  cleanups.push(async () => timers.forEach(clearInterval));
  const s = await hostile((req, res) => {
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-type': MANIFEST }).end();
      return;
    }
    res.writeHead(200, { 'content-type': MANIFEST });
    const t = setInterval(() => res.write('{'), 1000);
    timers.push(t);
    res.on('close', () => clearInterval(t));
  });
  const timeoutMs = 2000;
  const { service } = setup([s.host], { timeoutMs });
  const { value, ms } = await timed(() => service.resolve(ref(`${s.host}/slow/trickle:1`)));
  const e = errorOf(value);
  assert.equal(e.kind, 'timeout');
  assert.ok(ms >= timeoutMs * 0.9, `ended too early (${ms} ms): the deadline is not what ended it`);
  assert.ok(ms < timeoutMs * 3, `took ${ms} ms for a ${timeoutMs} ms deadline`);
});

test('headers never come: ends at the deadline', async () => {
  const s = await hostile(() => undefined);
  const { service } = setup([s.host], { timeoutMs: 1000 });
  const { value, ms } = await timed(() => service.resolve(ref(`${s.host}/slow/silent:1`)));
  assert.equal(errorOf(value).kind, 'timeout');
  assert.ok(ms < 3000, `took ${ms} ms`);
});

test('redirect to another origin: no Authorization arrives there, no credentials to its challenge', async () => {
  const realm = await hostile((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"stolen"}');
  });
  const other = await hostile((_req, res) => {
    // The foreign origin tries to collect credentials with a challenge of its own.
    res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm.url}/token",service="evil"` }).end();
  });
  const origin = await hostile((req, res) => {
    if (req.headers.authorization === undefined) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="registry"' }).end();
      return;
    }
    res.writeHead(307, { location: `${other.url}${req.url ?? '/'}` }).end();
  });
  const credentials: CredentialSource = async (host) => (host === origin.host ? { kind: 'basic', username: 'me', secret: SECRET } : null);
  const { service } = setup([origin.host, other.host, realm.host], { credentials });
  const f = errorOf(await service.resolve(ref(`${origin.host}/private/app:1`)));
  assert.equal(f.kind, 'unauthorized');
  assert.ok(origin.received.some((r) => r.headers.authorization === 'Basic ' + Buffer.from(`me:${SECRET}`).toString('base64')), 'the registry itself got the credentials');
  assert.ok(other.received.length > 0, 'the redirect was followed');
  for (const r of other.received) assert.equal(r.headers.authorization, undefined, 'Authorization leaked to another origin');
  assert.equal(realm.received.length, 0, "a foreign origin's challenge got a token request");
  assert.ok(!JSON.stringify(f).includes(SECRET));
});

test('https → http redirect refused; redirect loops end', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dt-hostile-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const cert = await makeCert(dir, 'tls', '/CN=127.0.0.1', 'IP:127.0.0.1');
  const plain = await hostile((_req, res) => res.writeHead(200).end('{}'));
  const secure = await hostile((req, res) => res.writeHead(302, { location: `${plain.url}${req.url ?? '/'}` }).end(), { key: cert.key, cert: cert.cert });
  const transport = createTransport({ insecureHosts: [plain.host], extraCaCerts: { [secure.host]: cert.cert } });
  cleanups.push(() => transport.close());
  const r = await transport.http({ url: `${secure.url}/v2/`, maxBytes: 1024, timeoutMs: 2000, headers: { authorization: `Bearer ${SECRET}` } });
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.kind, 'redirect-refused');
  assert.equal(plain.received.length, 0);
  assert.ok(!JSON.stringify(r).includes(SECRET));

  // Without the extra CA the same server is refused as a TLS failure.
  const strict = createTransport({});
  cleanups.push(() => strict.close());
  const t = await strict.http({ url: `${secure.url}/v2/`, maxBytes: 1024, timeoutMs: 2000 });
  assert.equal(!t.ok && t.kind, 'tls');

  const loop = await hostile((_req, res) => res.writeHead(302, { location: '/again' }).end());
  const l = await transport.http({ url: `${loop.url}/v2/`, maxBytes: 1024, timeoutMs: 2000 });
  assert.equal(!l.ok && l.kind, 'insecure-refused', 'loop host not listed as insecure');
  const t2 = createTransport({ insecureHosts: [loop.host] });
  cleanups.push(() => t2.close());
  const l2 = await t2.http({ url: `${loop.url}/v2/`, maxBytes: 1024, timeoutMs: 2000 });
  assert.equal(!l2.ok && l2.kind, 'redirect-refused');
  assert.equal(loop.received.length, 6, 'the first request and five redirects');
});

test('malformed JSON manifest and malformed token answer: invalid', async () => {
  const body = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[');
  const digest = 'sha256:' + createHash('sha256').update(body).digest('hex');
  const s = await hostile((req, res) => {
    if (req.url?.startsWith('/token')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('<html>not json');
      return;
    }
    if (req.url?.includes('/auth/')) {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${req.headers.host ?? ''}/token",service="x"` }).end();
      return;
    }
    res.writeHead(200, { 'content-type': INDEX, 'docker-content-digest': digest });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  const { service } = setup([s.host]);
  const e = errorOf(await service.resolve(ref(`${s.host}/broken/json:1`)));
  assert.equal(e.kind, 'invalid');
  assert.match(e.message, /not valid JSON/);
  const t = errorOf(await service.resolve(ref(`${s.host}/auth/json:1`)));
  assert.equal(t.kind, 'invalid');
  assert.match(t.message, /token service .* invalid JSON/);
});

test('digest header that does not match the body: refused', async () => {
  const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests: [] }));
  const lie = 'sha256:' + 'f'.repeat(64);
  const s = await hostile((req, res) => {
    // HEAD gives no digest, so the client GETs by tag and must check the header against the bytes.
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-type': INDEX }).end();
      return;
    }
    res.writeHead(200, { 'content-type': INDEX, 'docker-content-digest': lie }).end(body);
  });
  const { service } = setup([s.host]);
  const e = errorOf(await service.resolve(ref(`${s.host}/liar/header:1`)));
  assert.equal(e.kind, 'invalid');
  assert.match(e.message, /hashes to sha256:[0-9a-f]{64}, not the digest sha256:f{64}/);

  // HEAD announces one digest, GET by that digest serves other bytes.
  const s2 = await hostile((req, res) => {
    res.writeHead(200, { 'content-type': INDEX, ...(req.method === 'HEAD' ? { 'docker-content-digest': lie } : {}) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  const { service: svc2 } = setup([s2.host]);
  const e2 = errorOf(await svc2.resolve(ref(`${s2.host}/liar/swap:1`)));
  assert.equal(e2.kind, 'invalid');
  assert.ok(s2.received.some((r) => r.method === 'GET' && r.url.endsWith(lie)), 'the GET was by the announced digest');
});

test('429 storm: bounded retries, bounded wait, rate-limited state, rate-limit headers surfaced', async () => {
  const s = await hostile((_req, res) => {
    res.writeHead(429, { 'retry-after': '1', 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0;w=21600' }).end('{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}');
  });
  const { service } = setup([s.host]);
  const { value, ms } = await timed(() => service.resolve(ref(`${s.host}/busy/image:1`)));
  const e = errorOf(value);
  assert.equal(e.kind, 'rate-limited');
  assert.match(e.message, /retry after 1/);
  assert.equal(s.received.length, 3, 'one request and two retries');
  assert.ok(ms >= 1800 && ms < 6000, `took ${ms} ms`);
  assert.deepEqual(service.rateLimits().get(s.host)?.remaining, '0;w=21600');

  // A Retry-After beyond the wait budget ends at once instead of blocking the editor.
  const long = await hostile((_req, res) => res.writeHead(429, { 'retry-after': '3600' }).end());
  const { service: svc2 } = setup([long.host], { maxRetryWaitMs: 5000 });
  const quick = await timed(() => svc2.resolve(ref(`${long.host}/busy/image:1`)));
  assert.equal(errorOf(quick.value).kind, 'rate-limited');
  assert.equal(long.received.length, 1);
  assert.ok(quick.ms < 2000);
});

test('cancellation: the caller gets a cancelled state at once', async () => {
  const s = await hostile(() => undefined);
  const { service } = setup([s.host], { timeoutMs: 10_000 });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 200);
  const { value, ms } = await timed(() => service.resolve(ref(`${s.host}/slow/cancel:1`), { signal: ac.signal }));
  assert.match(errorOf(value).message, /cancelled/);
  assert.ok(ms < 2000, `took ${ms} ms`);
});

test('unreachable registry: clear state', async () => {
  const s = await hostile(() => undefined);
  const host = s.host;
  await s.stop();
  const { service } = setup([host]);
  const e = errorOf(await service.resolve(ref(`${host}/gone/image:1`)));
  assert.equal(e.kind, 'unreachable');
  assert.match(e.message, /connection refused/);
});

test('huge error body and huge token answer: capped (64 KiB / 1 MiB), clear states', async () => {
  let written: Promise<number> = Promise.resolve(0);
  const s = await hostile((req, res) => {
    if (req.url?.startsWith('/token')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      void stream(res, 50 * 1024 * 1024);
      return;
    }
    if (req.url?.includes('/auth/')) {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${req.headers.host ?? ''}/token",service="x"` }).end();
      return;
    }
    if (req.method === 'HEAD') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    written = stream(res, 50 * 1024 * 1024);
  });
  const { service } = setup([s.host], { timeoutMs: 5000 });
  // The transport itself, as the distribution client calls it for a manifest GET that fails:
  const transport = createTransport({ insecureHosts: [s.host] });
  cleanups.push(() => transport.close());
  const r = await transport.http({ url: `${s.url}/v2/x/manifests/1`, maxBytes: 4 << 20, maxErrorBytes: 64 * 1024, timeoutMs: 5000 });
  assert.ok(r.ok);
  assert.equal(r.status, 404);
  assert.equal(r.body.length, 64 * 1024, 'error body kept only up to its cap');
  assert.ok((await written) < 20 * 1024 * 1024, 'reading stopped at the cap');
  const t = errorOf(await service.resolve(ref(`${s.host}/auth/image:1`)));
  assert.equal(t.kind, 'too-large');
  assert.match(t.message, /token service/);
});
