// normalizeSettings: total over any input, malformed values fall back to defaults, and the package.json schema agrees with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, machineKey, normalizeSettings, type MachineSettings } from '../../server/src/protocol';
import { buildTrustPolicy, NO_KEY_FILES } from '../../server/src/trust/policy';

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
  assert.deepEqual(s.analysis.rules, { 'base-image-unpinned': 'error', 'base-image-latest': 'information' });
  assert.deepEqual(s.analysis.buildArgs, { VERSION: '1.2', N: '7' });
  assert.equal(s.analysis.platform, 'linux/arm64/v8');
  assert.equal(s.machine.network, 'off', 'the deprecated network.enabled: false still turns lookups off');
  assert.equal(s.machine.registryTtlSeconds, 0);
  assert.equal(s.machine.trustTtlSeconds, 7 * 24 * 3600);
  assert.equal(s.analysis.codeLens, true);
  assert.equal(normalizeSettings({ platform: 'linux' }).analysis.platform, 'linux/amd64');
  assert.equal(normalizeSettings({ cache: { registryTtlSeconds: Number.NaN } }).machine.registryTtlSeconds, DEFAULT_SETTINGS.machine.registryTtlSeconds);
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
  assert.deepEqual(s.machine.registries, {
    'registry.example.com:5000': { insecureHttp: true, caFile: '/etc/ssl/ca.pem' },
    '127.0.0.1:5000': { insecureHttp: false, caFile: null },
    '[::1]:5000': { insecureHttp: false, caFile: null },
  });
  assert.deepEqual(s.machine.notaryServers, { 'registry.example.com:5000': 'https://notary.example.com:4443', 'd.example': 'http://127.0.0.1:4443' });
});

test('trust policy entries are kept as written for the one policy parser, which reports what is wrong (never dropped silently)', () => {
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
  assert.deepEqual(s.machine.trustSources, ['cosign']);
  assert.equal(s.machine.trustPolicyFile, null, 'a relative policy file path would depend on the server folder');
  assert.equal(s.machine.trustPolicy.length, 4, 'entries reach the parser as written');
  // The same parser as the policy file: every malformed part is a problem with its place, and a policy with
  // problems is never read as "no policy" (trust/imageLookup.ts reports it for every image).
  const built = buildTrustPolicy({ settingsEntries: s.machine.trustPolicy, settingsNotaryServers: {}, readKey: NO_KEY_FILES });
  const expect = [
    /dockerfileTrust\.trust\.policy\[0\]: "notarySigners" must be an array of signer names/,
    /dockerfileTrust\.trust\.policy\[0\]\.keys\[0\]: cannot read \/k\.pem/,
    /dockerfileTrust\.trust\.policy\[1\]\.identities\[1\]: give "identity" or "identityRegexp", not both/,
    /dockerfileTrust\.trust\.policy\[1\]\.identities\[2\]: "issuer"/,
    /dockerfileTrust\.trust\.policy\[2\]: "pattern" must be a string/,
    /dockerfileTrust\.trust\.policy\[3\]: must be an object/,
  ];
  for (const re of expect) assert.ok(built.problems.some((p) => re.test(p)), `missing ${re}: ${built.problems.join(' | ')}`);
});

test('the service key covers every machine setting (derived from the type), and no analysis setting', () => {
  const base = DEFAULT_SETTINGS.machine;
  for (const k of Object.keys(base) as (keyof MachineSettings)[]) {
    const changed = { ...base, [k]: typeof base[k] === 'boolean' ? !base[k] : typeof base[k] === 'number' ? (base[k] as number) + 1 : k === 'trustPolicyFile' || k === 'notationConfigDir' ? '/x' : Array.isArray(base[k]) ? ['x'] : { x: 1 } };
    assert.notEqual(machineKey(changed as MachineSettings), machineKey(base), `${k} must rebuild the services`);
  }
});

test('every dockerfileTrust.* key in package.json is scoped and described, and the normaliser reads it', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { scope?: string; description?: string; markdownDescription?: string; default?: unknown }> } };
  };
  const props = pkg.contributes.configuration.properties;
  const machine = ['dockerfileTrust.network.mode', 'dockerfileTrust.registries', 'dockerfileTrust.notary.servers', 'dockerfileTrust.trust.sources', 'dockerfileTrust.trust.policy', 'dockerfileTrust.trust.policyFile'];
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
  assert.deepEqual(s.machine.notaryPinnedCertIds, { 'reg.example/team/*': [good], 'reg.example/other': [] });
  assert.deepEqual(s.machine.notaryPinnedCaFiles, { 'reg.example/ca/*': '/etc/ca.pem' });
  assert.equal(s.machine.notaryTofu, false);
  assert.equal(s.analysis.pinPlatformDigest, true);
  const d = normalizeSettings({});
  assert.equal(d.machine.notaryTofu, true);
  assert.equal(d.analysis.pinPlatformDigest, false);
});

test('a pinned GUN written as docker.io/<name> pins the official image docker resolves it to (adversarial review)', () => {
  const good = 'b'.repeat(64);
  const s = normalizeSettings({ notary: { pinnedCertIds: { 'docker.io/alpine': [good], 'Index.Docker.IO/*': [good] }, pinnedCaFiles: { 'docker.io/nginx': '/etc/ca.pem' } } });
  // Without this, the pin for `docker.io/alpine` would never apply to GUN docker.io/library/alpine and TOFU would run instead.
  assert.deepEqual(s.machine.notaryPinnedCertIds, { 'docker.io/library/alpine': [good], 'docker.io/*': [good] });
  assert.deepEqual(s.machine.notaryPinnedCaFiles, { 'docker.io/library/nginx': '/etc/ca.pem' });
});

test('the settings schema of trust.policy entries names exactly the fields the policy parser accepts', async () => {
  const { ENTRY_FIELDS } = await import('../../server/src/trust/policy/parse');
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { items?: { properties?: Record<string, unknown>; additionalProperties?: boolean } }> } | { properties: Record<string, { items?: { properties?: Record<string, unknown> } }> }[] } };
  const conf = pkg.contributes.configuration;
  const props = Object.assign({}, ...(Array.isArray(conf) ? conf : [conf]).map((c) => c.properties)) as Record<string, { items?: { properties?: Record<string, unknown> } }>;
  const schema = Object.keys(props['dockerfileTrust.trust.policy']?.items?.properties ?? {}).sort();
  assert.deepEqual(schema, [...ENTRY_FIELDS].sort(), 'the editor would flag a valid entry field, or accept one the parser refuses');
});

test('network mode: one setting with three states; the switches it replaced still count, only towards fewer requests', () => {
  const mode = (raw: unknown): string => normalizeSettings(raw).machine.network;
  assert.equal(mode({}), 'on');
  assert.equal(mode({ network: { mode: 'cacheOnly' } }), 'cacheOnly');
  assert.equal(mode({ network: { mode: 'off' } }), 'off');
  assert.equal(mode({ network: { mode: 'sometimes' } }), 'on', 'an unknown value falls back to the default');
  // Old settings of a user who has not migrated yet.
  assert.equal(mode({ offline: true }), 'cacheOnly');
  assert.equal(mode({ offline: 'yes' }), 'on', 'only a real true means offline');
  assert.equal(mode({ network: { enabled: false } }), 'off');
  assert.equal(mode({ offline: true, network: { enabled: false } }), 'off');
  // The stricter of the two wins: an old switch left on cannot be overridden into sending requests, and vice versa.
  assert.equal(mode({ offline: true, network: { mode: 'on' } }), 'cacheOnly');
  assert.equal(mode({ network: { mode: 'off', enabled: true } }), 'off');
  assert.equal(mode({ network: { mode: 'cacheOnly', enabled: false } }), 'off');
});
