// registry/reachability.ts: one state per host. A host that failed at the network level is answered at once (no
// request) until its retry time; it is logged once when it goes down and once when it answers again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpRequest, HttpResult } from '../../server/src/registry/http';
import { reachability, shortCause } from '../../server/src/registry/reachability';

function transport(answer: (url: string) => HttpResult): { http: (r: HttpRequest) => Promise<HttpResult>; sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    http: async (r) => {
      sent.push(r.url);
      return answer(r.url);
    },
  };
}
const req = (url: string): HttpRequest => ({ url, maxBytes: 1000, timeoutMs: 1000 });
const down: HttpResult = { ok: false, kind: 'unreachable', message: 'cannot reach https://registry-1.docker.io/v2/library/node/manifests/20: host name not found' };
const ok: HttpResult = { ok: true, status: 200, headers: {}, body: new Uint8Array(), url: 'x' };

test('a host that cannot be reached is asked once, then answered without the network until its retry time', async () => {
  let now = 1_000_000;
  let online = false;
  const t = transport(() => (online ? ok : down));
  const log: string[] = [];
  let changes = 0;
  const r = reachability(t.http, { now: () => now, log: (m) => log.push(m), onChange: () => changes++ });
  for (const image of ['node/manifests/20', 'alpine/manifests/3.20', 'ubuntu/manifests/24.04']) {
    const res = await r.http(req(`https://registry-1.docker.io/v2/library/${image}`));
    assert.equal(res.ok, false);
    assert.equal(!res.ok && res.kind, 'unreachable');
  }
  assert.equal(t.sent.length, 1, 'only the first request went out');
  assert.deepEqual(log, ['registry-1.docker.io is not reachable: host name not found; lookups of what it serves wait 30 s before asking it again']);
  assert.deepEqual(r.down().map((d) => [d.host, d.kind, d.cause, d.failures]), [['registry-1.docker.io', 'unreachable', 'host name not found', 1]]);
  assert.ok(r.isDown('https://registry-1.docker.io/v2/') && r.isDown('registry-1.docker.io') && !r.isDown('ghcr.io'));
  // Another host is its own state.
  await r.http(req('https://ghcr.io/v2/'));
  assert.equal(t.sent.length, 2);
  // After the wait, one request probes again; still down: the next wait doubles, and nothing more is logged.
  now += 30_001;
  await r.http(req('https://registry-1.docker.io/v2/library/node/manifests/20'));
  assert.equal(t.sent.length, 3);
  assert.equal(r.down().find((d) => d.host === 'registry-1.docker.io')?.failures, 2);
  assert.equal(Date.parse(r.down().find((d) => d.host === 'registry-1.docker.io')!.retryAt) - now, 60_000);
  assert.equal(log.filter((l) => l.startsWith('registry-1.docker.io')).length, 1);
  // Retry forgets: the next request goes out, and a success clears the state with one line.
  online = true;
  r.reset();
  const res = await r.http(req('https://registry-1.docker.io/v2/'));
  assert.equal(res.ok, true);
  assert.deepEqual(r.down(), [], 'Retry forgot every host');
  assert.ok(changes >= 3);
});

test('only network failures count: an answer (any status), a refused redirect or a body too large says the host is there', async () => {
  for (const kind of ['too-large', 'redirect-refused', 'insecure-refused', 'invalid', 'aborted'] as const) {
    const t = transport(() => ({ ok: false, kind, message: 'x' }));
    const r = reachability(t.http);
    await r.http(req('https://a.example/1'));
    await r.http(req('https://a.example/2'));
    assert.equal(t.sent.length, 2, kind);
    assert.deepEqual(r.down(), [], kind);
  }
  for (const kind of ['timeout', 'tls'] as const) {
    const t = transport(() => ({ ok: false, kind, message: `https://a.example/v2/x: ${kind}` }));
    const r = reachability(t.http);
    await r.http(req('https://a.example/1'));
    await r.http(req('https://a.example/2'));
    assert.equal(t.sent.length, 1, kind);
  }
});

test('requests already under way when a host goes down do not escalate its wait', async () => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const t = { http: async (): Promise<HttpResult> => (await gate, down) };
  const r = reachability(t.http, { now: () => 5 });
  const all = Promise.all([1, 2, 3, 4].map((i) => r.http(req(`https://registry-1.docker.io/${i}`))));
  release();
  await all;
  assert.equal(r.down()[0]?.failures, 1);
});

test('causes name the host, never the path or query', () => {
  assert.equal(shortCause('cannot reach https://registry-1.docker.io/v2/library/node/manifests/20: host name not found'), 'host name not found');
  assert.equal(shortCause('https://notary.example:4443/v2/x/_trust/tuf/root.json?x=1 did not answer within 15000 ms'), 'notary.example:4443 did not answer within 15000 ms');
  assert.equal(shortCause('TLS verification failed for https://r.example/v2/ (CERT_HAS_EXPIRED); add the CA'), 'TLS verification failed for r.example (CERT_HAS_EXPIRED); add the CA');
});
