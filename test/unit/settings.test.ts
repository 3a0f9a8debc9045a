// normalizeSettings: total over any input, malformed values fall back to defaults, and the package.json schema agrees with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../server/src/protocol';

test('anything that is not an object gives the defaults', () => {
  for (const raw of [undefined, null, 0, 'x', [], true, () => 1]) assert.deepEqual(normalizeSettings(raw), DEFAULT_SETTINGS);
});

test('malformed values fall back per key, well-formed ones are kept', () => {
  const s = normalizeSettings({
    rules: { 'base-image-unpinned': 'ERROR', 'base-image-latest': 'info', bogus: 'loud', x: 3 },
    buildArgs: { VERSION: '1.2', 'bad name': 'x', N: 7, O: {} },
    platform: 'linux/arm64/v8',
    offline: 'yes',
    network: { enabled: false },
    cache: { registryTtlSeconds: -5, trustTtlSeconds: 1e12 },
    codeLens: { enabled: true },
  });
  assert.deepEqual(s.rules, { 'base-image-unpinned': 'error', 'base-image-latest': 'information' });
  assert.deepEqual(s.buildArgs, { VERSION: '1.2', N: '7' });
  assert.equal(s.platform, 'linux/arm64/v8');
  assert.equal(s.offline, false, 'only a real true turns offline mode on');
  assert.equal(s.networkEnabled, false);
  assert.equal(s.registryTtlSeconds, 0);
  assert.equal(s.trustTtlSeconds, 7 * 24 * 3600);
  assert.equal(s.codeLens, true);
  assert.equal(normalizeSettings({ platform: 'linux' }).platform, 'linux/amd64');
  assert.equal(normalizeSettings({ cache: { registryTtlSeconds: Number.NaN } }).registryTtlSeconds, DEFAULT_SETTINGS.registryTtlSeconds);
});

test('registries and notary servers: hosts checked, URLs without credentials, relative CA paths dropped', () => {
  const s = normalizeSettings({
    registries: {
      'Registry.Example.com:5000': { insecureHttp: true, caFile: '/etc/ssl/ca.pem' },
      '127.0.0.1:5000': { insecureHttp: 'true', caFile: 'relative/ca.pem' },
      'not a host': { insecureHttp: true },
      '[::1]:5000': {},
    },
    notary: {
      servers: {
        'registry.example.com:5000': 'https://notary.example.com:4443/',
        'a.example': 'https://user:pw@notary.example.com',
        'b.example': 'ftp://notary.example.com',
        'c.example': 'not a url',
        'd.example': 'http://127.0.0.1:4443',
      },
    },
  });
  assert.deepEqual(s.registries, {
    'registry.example.com:5000': { insecureHttp: true, caFile: '/etc/ssl/ca.pem' },
    '127.0.0.1:5000': { insecureHttp: false, caFile: null },
    '[::1]:5000': { insecureHttp: false, caFile: null },
  });
  assert.deepEqual(s.notaryServers, { 'registry.example.com:5000': 'https://notary.example.com:4443', 'd.example': 'http://127.0.0.1:4443' });
});

test('trust policy entries keep the policy-file shape; malformed parts are dropped, never widened', () => {
  const s = normalizeSettings({
    trust: {
      sources: ['cosign', 'cosign', 'x'],
      policyFile: 'policy.json',
      policy: [
        { pattern: 'docker.io/library/*', notarySigners: ['releases', 3], keys: [{ path: '/k.pem' }, { path: 'rel.pem' }, { path: '/k2.pem', tlog: false }] },
        { pattern: 'ghcr.io/**', required: false, identities: [{ identity: 'me@example.com', issuer: 'https://accounts.example.com' }, { identity: 'a', identityRegexp: 'b', issuer: 'i' }, { identityRegexp: '^x$' }] },
        { notarySigners: ['no pattern'] },
        'junk',
      ],
    },
  });
  assert.deepEqual(s.trustSources, ['cosign']);
  assert.equal(s.trustPolicyFile, null, 'a relative policy file path would depend on the server folder');
  assert.deepEqual(s.trustPolicy, [
    { pattern: 'docker.io/library/*', required: true, severity: 'error', notarySigners: ['releases'], keys: [{ path: '/k.pem', tlog: true }, { path: '/k2.pem', tlog: false }], identities: [] },
    { pattern: 'ghcr.io/**', required: false, severity: 'error', notarySigners: [], keys: [], identities: [{ identity: 'me@example.com', issuer: 'https://accounts.example.com' }] },
  ]);
});

test('every dockerfileTrust.* key in package.json is scoped and described, and the normaliser reads it', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { scope?: string; description?: string; markdownDescription?: string; default?: unknown }> } };
  };
  const props = pkg.contributes.configuration.properties;
  const machine = ['dockerfileTrust.registries', 'dockerfileTrust.notary.servers', 'dockerfileTrust.trust.sources', 'dockerfileTrust.trust.policy', 'dockerfileTrust.trust.policyFile'];
  for (const [key, p] of Object.entries(props)) {
    assert.ok(key.startsWith('dockerfileTrust.'), key);
    assert.ok(p.scope !== undefined, `${key} has no scope`);
    assert.ok((p.description ?? p.markdownDescription ?? '') !== '', `${key} has no description`);
  }
  // Anything that decides where requests or credentials go must not be settable by a cloned workspace.
  for (const key of machine) assert.equal(props[key]?.scope, 'machine', key);
  // Nor how long a tag answer may vouch for a "verified" verdict (a workspace TTL of 7 days kept a moved tag verified).
  assert.equal(props['dockerfileTrust.cache.trustTtlSeconds']?.scope, 'machine');
  // The schema defaults, fed through the normaliser as VS Code would send them, are the normaliser's defaults.
  const nested: Record<string, unknown> = {};
  for (const [key, p] of Object.entries(props)) {
    const path = key.slice('dockerfileTrust.'.length).split('.');
    let o = nested;
    for (const part of path.slice(0, -1)) o = (o[part] ??= {}) as Record<string, unknown>;
    o[path[path.length - 1]!] = p.default;
  }
  assert.deepEqual(normalizeSettings(nested), DEFAULT_SETTINGS);
});

test('Notary pinning settings: malformed IDs narrow (the GUN stays pinned), unreadable paths are dropped, TOFU defaults on', () => {
  const good = 'a'.repeat(64);
  const s = normalizeSettings({
    notary: { pinnedCertIds: { 'reg.example/team/*': [good, 'NOT-HEX'], 'reg.example/other': ['short'] }, pinnedCaFiles: { 'reg.example/ca/*': '/etc/ca.pem', 'x/y': 'relative.pem' }, trustOnFirstUse: false },
    pin: { platformDigest: true },
  });
  assert.deepEqual(s.notaryPinnedCertIds, { 'reg.example/team/*': [good], 'reg.example/other': [] });
  assert.deepEqual(s.notaryPinnedCaFiles, { 'reg.example/ca/*': '/etc/ca.pem' });
  assert.equal(s.notaryTofu, false);
  assert.equal(s.pinPlatformDigest, true);
  const d = normalizeSettings({});
  assert.equal(d.notaryTofu, true);
  assert.equal(d.pinPlatformDigest, false);
});

test('a pinned GUN written as docker.io/<name> pins the official image docker resolves it to (adversarial review)', () => {
  const good = 'b'.repeat(64);
  const s = normalizeSettings({ notary: { pinnedCertIds: { 'docker.io/alpine': [good], 'Index.Docker.IO/*': [good] }, pinnedCaFiles: { 'docker.io/nginx': '/etc/ca.pem' } } });
  // Without this, the pin for `docker.io/alpine` would never apply to GUN docker.io/library/alpine and TOFU would run instead.
  assert.deepEqual(s.notaryPinnedCertIds, { 'docker.io/library/alpine': [good], 'docker.io/*': [good] });
  assert.deepEqual(s.notaryPinnedCaFiles, { 'docker.io/library/nginx': '/etc/ca.pem' });
});
