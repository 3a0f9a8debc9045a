// Reference normalization vectors from distribution/reference (trust-facts §1) and edge cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDigest, parseReference } from '../../server/src/core/imageRef';

const hex = '0123456789abcdef'.repeat(4);

const OK: [string, { registry: string; repository: string; tag: string | null; digest: string | null; canonical: string }][] = [
  ['alpine', { registry: 'docker.io', repository: 'library/alpine', tag: null, digest: null, canonical: 'docker.io/library/alpine:latest' }],
  ['foo/bar', { registry: 'docker.io', repository: 'foo/bar', tag: null, digest: null, canonical: 'docker.io/foo/bar:latest' }],
  ['localhost:5000/a/b:t', { registry: 'localhost:5000', repository: 'a/b', tag: 't', digest: null, canonical: 'localhost:5000/a/b:t' }],
  ['[::1]:5000/x', { registry: '[::1]:5000', repository: 'x', tag: null, digest: null, canonical: '[::1]:5000/x:latest' }],
  ['index.docker.io/library/alpine:3', { registry: 'docker.io', repository: 'library/alpine', tag: '3', digest: null, canonical: 'docker.io/library/alpine:3' }],
  ['localhost/x', { registry: 'localhost', repository: 'x', tag: null, digest: null, canonical: 'localhost/x:latest' }],
  ['ghcr.io/a/b/c:1.0', { registry: 'ghcr.io', repository: 'a/b/c', tag: '1.0', digest: null, canonical: 'ghcr.io/a/b/c:1.0' }],
  [`alpine:3@sha256:${hex}`, { registry: 'docker.io', repository: 'library/alpine', tag: '3', digest: `sha256:${hex}`, canonical: `docker.io/library/alpine:3@sha256:${hex}` }],
  [`alpine@sha256:${hex}`, { registry: 'docker.io', repository: 'library/alpine', tag: null, digest: `sha256:${hex}`, canonical: `docker.io/library/alpine@sha256:${hex}` }],
  ['my-registry.local:5000/team/app_x__y:v1.2-rc.1', { registry: 'my-registry.local:5000', repository: 'team/app_x__y', tag: 'v1.2-rc.1', digest: null, canonical: 'my-registry.local:5000/team/app_x__y:v1.2-rc.1' }],
];

for (const [input, want] of OK) {
  test(`normalizes ${input}`, () => {
    const r = parseReference(input);
    assert.ok(r.ok, !r.ok ? r.reason : '');
    assert.equal(r.registry, want.registry);
    assert.equal(r.repository, want.repository);
    assert.equal(r.tag, want.tag);
    assert.equal(r.digest, want.digest);
    assert.equal(r.canonical, want.canonical);
  });
}

test('familiar names', () => {
  const f = (s: string): string => {
    const r = parseReference(s);
    assert.ok(r.ok);
    return r.familiar;
  };
  assert.equal(f('docker.io/library/alpine:3'), 'alpine:3');
  assert.equal(f('foo/bar'), 'foo/bar');
  assert.equal(f('ghcr.io/x/y:1'), 'ghcr.io/x/y:1');
});

const BAD = ['', 'Alpine', 'alpine:', 'alpine@sha256:abc', `alpine@sha256:${hex.toUpperCase()}`, 'a b', '-x', 'x/', 'host.io/', `x@sha1:${hex.slice(0, 40)}`, 'a'.repeat(5000)];
for (const input of BAD) {
  test(`rejects ${JSON.stringify(input.slice(0, 30))}`, () => {
    const r = parseReference(input);
    assert.equal(r.ok, false);
    if (!r.ok) assert.ok(r.reason.length > 0);
  });
}

test('digest lengths per algorithm', () => {
  assert.equal(checkDigest(`sha256:${hex}`), null);
  assert.equal(checkDigest(`sha384:${'a'.repeat(96)}`), null);
  assert.equal(checkDigest(`sha512:${'a'.repeat(128)}`), null);
  assert.match(checkDigest(`sha384:${hex}`) ?? '', /96 hex digits/);
});

test('one canonical registry identity for every spelling docker accepts (issue 12 #2)', async () => {
  const { canonicalRegistry, canonicalPattern } = await import('../../server/src/core/imageRef');
  const { parsePolicy, matchPolicy } = await import('../support/policy');
  const same: [string, string][] = [
    ['LOCALHOST:5000/corp/app:v1', 'localhost:5000/corp/app:v1'],
    ['Localhost:5000/corp/app:v1', 'localhost:5000/corp/app:v1'],
    ['GHCR.IO/my-org/app', 'ghcr.io/my-org/app:latest'],
    ['ghcr.io:443/my-org/app', 'ghcr.io/my-org/app:latest'],
    ['Ghcr.Io:0443/my-org/app', 'ghcr.io/my-org/app:latest'],
    ['index.docker.io/library/alpine:3', 'docker.io/library/alpine:3'],
    ['registry-1.docker.io/library/alpine:3', 'docker.io/library/alpine:3'],
    ['Docker.IO/alpine:3', 'docker.io/library/alpine:3'],
    ['docker.io:443/alpine:3', 'docker.io/library/alpine:3'],
    ['[0:0:0:0:0:0:0:1]:5000/x', '[::1]:5000/x:latest'],
    ['[::1]:443/x', '[::1]/x:latest'],
    ['127.1:5000/x', '127.0.0.1:5000/x:latest'],
    ['0x7f.0.0.1:5000/x', '127.0.0.1:5000/x:latest'],
    ['127.000.000.001:5000/x', '127.0.0.1:5000/x:latest'],
  ];
  for (const [input, canonical] of same) {
    const r = parseReference(input);
    assert.ok(r.ok, input);
    assert.equal(r.canonical, canonical, input);
  }
  // A non-default port stays another registry.
  assert.equal(canonicalRegistry('ghcr.io:80'), 'ghcr.io:80');
  assert.equal(canonicalPattern('GHCR.IO:443/my-org/**'), 'ghcr.io/my-org/**');
  assert.equal(canonicalPattern('*.Example.com:443/**'), '*.example.com/**');
  assert.equal(canonicalPattern('library/*'), 'library/*');
  // Fail closed: whatever the spelling of the reference or of the pattern, a required entry applies.
  const policy = parsePolicy({ version: 1, images: [{ pattern: 'LOCALHOST:5000/**', required: true }, { pattern: 'ghcr.io:443/my-org/**', required: true }, { pattern: 'registry-1.docker.io/library/*', required: true }] }, '/');
  assert.ok(policy.ok);
  for (const [input] of same.slice(0, 9)) {
    const r = parseReference(input);
    assert.ok(r.ok);
    assert.equal(matchPolicy(policy.policy, r)?.required, true, `${input} escaped the policy`);
  }
  // The familiar forms of official images match too.
  const lib = parsePolicy({ version: 1, images: [{ pattern: 'library/*', required: true }] }, '/');
  assert.ok(lib.ok);
  const alpine = parseReference('alpine');
  assert.ok(alpine.ok);
  assert.equal(matchPolicy(lib.policy, alpine)?.required, true);
});

test('a pattern or pinned GUN written as docker.io/<name> covers the official image, as docker reads it (adversarial review)', async () => {
  const { canonicalPattern } = await import('../../server/src/core/imageRef');
  const { parsePolicy, matchPolicy } = await import('../support/policy');
  // docker: `docker.io/alpine` is `docker.io/library/alpine`; a pattern spelt that way must not silently match nothing.
  assert.equal(canonicalPattern('docker.io/alpine'), 'docker.io/library/alpine');
  assert.equal(canonicalPattern('Index.Docker.IO/alpine'), 'docker.io/library/alpine');
  assert.equal(canonicalPattern('registry-1.docker.io:443/alpine'), 'docker.io/library/alpine');
  // A GUN prefix keeps its meaning: `docker.io/*` pins everything on Docker Hub, not just the official images.
  assert.equal(canonicalPattern('docker.io/*'), 'docker.io/*');
  assert.equal(canonicalPattern('docker.io/library/alpine'), 'docker.io/library/alpine');
  assert.equal(canonicalPattern('docker.io/my-org/app'), 'docker.io/my-org/app');
  for (const pattern of ['docker.io/alpine', 'index.docker.io/alpine', 'registry-1.docker.io/alpine', 'docker.io/alp*', 'docker.io/*', 'docker.io/alpin?', 'DOCKER.IO/alpine', 'docker.io:443/alpine']) {
    const p = parsePolicy({ version: 1, images: [{ pattern, required: true }] }, '/');
    assert.ok(p.ok, pattern);
    for (const input of ['alpine', 'alpine:3.20', 'docker.io/alpine', 'library/alpine', 'index.docker.io/library/alpine:3']) {
      const r = parseReference(input);
      assert.ok(r.ok);
      assert.equal(matchPolicy(p.policy, r)?.required, true, `${input} escaped the required entry "${pattern}"`);
    }
    // … and only the official image: a user namespace is another repository.
    const other = parseReference('docker.io/alpine/git');
    assert.ok(other.ok);
    assert.equal(matchPolicy(p.policy, other), undefined, `${pattern} must not cover docker.io/alpine/git`);
  }
});

test('a pattern with upper-case letters in its repository is refused: it could never match a reference (adversarial review)', async () => {
  const { parsePolicy } = await import('../support/policy');
  for (const pattern of ['ghcr.io/My-Org/**', 'ghcr.io/my-org/App', 'Alpine', 'library/Alpine']) {
    const p = parsePolicy({ version: 1, images: [{ pattern, required: true }] }, '/');
    assert.equal(p.ok, false, `${pattern} was accepted but can never match`);
    assert.match(p.ok ? '' : p.errors.join(' '), /upper-case/);
  }
  // Upper case in the registry part is fine (host names are case-insensitive).
  const ok = parsePolicy({ version: 1, images: [{ pattern: 'GHCR.IO/my-org/**', required: true }] }, '/');
  assert.ok(ok.ok);
});

test('an IPv4-mapped IPv6 literal is the IPv4 registry it connects to: it cannot escape a policy written for it (adversarial review)', async () => {
  const { parsePolicy, matchPolicy } = await import('../support/policy');
  const p = parsePolicy({ version: 1, images: [{ pattern: '10.0.0.5:5000/corp/**', required: true }] }, '/');
  assert.ok(p.ok);
  for (const input of ['[::ffff:10.0.0.5]:5000/corp/app:v1', '[::FFFF:a00:5]:5000/corp/app', '[0:0:0:0:0:ffff:a00:5]:5000/corp/app', '10.0.0.5:5000/corp/app']) {
    const r = parseReference(input);
    assert.ok(r.ok, input);
    assert.equal(r.registry, '10.0.0.5:5000', input);
    assert.equal(matchPolicy(p.policy, r)?.required, true, `${input} escaped the required entry`);
  }
  // Other IPv6 literals stay IPv6.
  const v6 = parseReference('[::1]:5000/x');
  assert.ok(v6.ok);
  assert.equal(v6.registry, '[::1]:5000');
});
