import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChallenges } from '../../../server/src/registry/challenge';
import { retryAfterMs, TokenCache } from '../../../server/src/registry/auth';
import { indexPlatforms, LookupError } from '../../../server/src/registry/distribution';

const cases: [string, string, ReturnType<typeof parseChallenges>][] = [
  ['Docker Hub bearer', 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"', [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } }]],
  ['basic', 'Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
  ['two challenges in one header', 'Basic realm="a", Bearer realm="https://t/x",service="s"', [{ scheme: 'basic', params: { realm: 'a' } }, { scheme: 'bearer', params: { realm: 'https://t/x', service: 's' } }]],
  ['comma inside quotes (two scopes)', 'Bearer realm="https://t",scope="repository:a:pull,push repository:b:pull"', [{ scheme: 'bearer', params: { realm: 'https://t', scope: 'repository:a:pull,push repository:b:pull' } }]],
  ['escaped quote', 'Bearer realm="https://t/\\"x\\"",service=s', [{ scheme: 'bearer', params: { realm: 'https://t/"x"', service: 's' } }]],
  ['case-insensitive scheme and names, spaces', '  BEARER  Realm = "https://t" , SERVICE=svc ', [{ scheme: 'bearer', params: { realm: 'https://t', service: 'svc' } }]],
  ['token68 then a challenge', 'Negotiate abc==, Basic realm="r"', [{ scheme: 'negotiate', params: {} }, { scheme: 'basic', params: { realm: 'r' } }]],
  ['empty', '', []],
];
for (const [name, header, want] of cases) {
  test(`parseChallenges: ${name}`, () => assert.deepEqual(parseChallenges(header), want));
}

test('parseChallenges: junk ends without a usable challenge', () => {
  for (const junk of ['===,,,"unterminated', 'Bearer realm="never closed', '"', ',,,', '=a=b=c']) {
    const got = parseChallenges(junk);
    assert.ok(!got.some((c) => c.scheme === 'bearer' && c.params['realm'] !== undefined && !c.params['realm'].startsWith('never')), junk);
  }
  assert.deepEqual(parseChallenges('Bearer realm="never closed'), [{ scheme: 'bearer', params: { realm: 'never closed' } }]);
});

test('parseChallenges: huge header stays bounded', () => {
  const t0 = Date.now();
  parseChallenges('Bearer ' + 'a="b",'.repeat(200_000));
  assert.ok(Date.now() - t0 < 2000);
});

test('retryAfterMs: seconds, HTTP date, junk', () => {
  assert.equal(retryAfterMs('3'), 3000);
  assert.equal(retryAfterMs(undefined), null);
  assert.equal(retryAfterMs('soon'), null);
  const now = Date.parse('2026-11-28T12:00:00Z');
  assert.equal(retryAfterMs('Sat, 28 Nov 2026 12:00:10 GMT', now), 10_000);
  assert.equal(retryAfterMs('Sat, 28 Nov 2026 11:00:00 GMT', now), 0);
});

test('TokenCache: kept until expires_in (minus a margin), then gone', () => {
  let now = 1_000_000;
  const c = new TokenCache(() => now);
  c.set('k', 'tok', 60);
  now += 54_000;
  assert.equal(c.get('k'), 'tok');
  now += 1_000;
  assert.equal(c.get('k'), undefined);
});

test('indexPlatforms: attestations, malformed entries and bad digests skipped', () => {
  const d = (c: string): string => 'sha256:' + c.repeat(64);
  const got = indexPlatforms({
    manifests: [
      { digest: d('a'), platform: { os: 'linux', architecture: 'amd64' } },
      { digest: d('b'), platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      { digest: d('c'), platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
      { digest: 'sha256:short', platform: { os: 'linux', architecture: 'amd64' } },
      { digest: d('e'), platform: { os: 'linux; rm -rf', architecture: 'x' } },
      null,
      'string',
      { digest: d('f') },
    ],
  });
  assert.deepEqual(got, [
    { os: 'linux', architecture: 'amd64', digest: d('a') },
    { os: 'linux', architecture: 'arm', variant: 'v7', digest: d('b') },
  ]);
  assert.throws(() => indexPlatforms({ manifests: 'x' }), (e: unknown) => e instanceof LookupError && e.kind === 'invalid');
});
