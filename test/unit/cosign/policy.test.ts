// The signature policy file: loading, every error reported with its place, pattern matching, and the Notary view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReference, type ParsedReference } from '../../../server/src/core/imageRef';
import { loadPolicyFile, matchPolicy, parsePolicy } from '../../support/policy';

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const GH = 'https://token.actions.githubusercontent.com';

function ref(s: string): ParsedReference {
  const r = parseReference(s);
  assert.ok(r.ok, s);
  return r;
}

test('a full policy loads: key by path (relative to the file), inline key, exact and regexp identities, Notary parts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dt-policy-'));
  try {
    writeFileSync(join(dir, 'dhi.pub'), pem);
    writeFileSync(
      join(dir, 'policy.json'),
      JSON.stringify({
        version: 1,
        notaryServers: { 'registry.example.com': 'https://notary.example.com' },
        images: [
          { pattern: 'dhi.io/**', required: true, keys: [{ path: 'dhi.pub' }] },
          { pattern: 'ghcr.io/org/app', required: true, identities: [{ identity: 'https://github.com/org/app/.github/workflows/r.yml@refs/heads/main', issuer: GH }] },
          { pattern: 'ghcr.io/org/*', identities: [{ identityRegexp: 'https://github\\.com/org/.*', issuer: GH }], keys: [{ pem, tlog: false }] },
          { pattern: 'alpine', required: true, notarySigners: ['Repo Admin'] },
        ],
      }),
    );
    const r = loadPolicyFile(join(dir, 'policy.json'));
    assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
    const p = r.policy;
    assert.equal(p.entries.length, 4);
    assert.match(p.entries[0]?.keys[0]?.fingerprint ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal(p.entries[0]?.keys[0]?.tlog, true, 'transparency log required by default');
    assert.equal(p.entries[2]?.keys[0]?.tlog, false);
    assert.equal(matchPolicy(p, ref('dhi.io/python:3.13'))?.pattern, 'dhi.io/**');
    assert.equal(matchPolicy(p, ref('ghcr.io/org/app:1'))?.pattern, 'ghcr.io/org/app', 'the first matching entry wins');
    assert.equal(matchPolicy(p, ref('ghcr.io/org/other'))?.pattern, 'ghcr.io/org/*');
    assert.equal(matchPolicy(p, ref('ghcr.io/org/deep/er')), undefined, '* stays inside one path component');
    assert.equal(matchPolicy(p, ref('alpine:3.20'))?.pattern, 'alpine', 'familiar Docker Hub names match');
    assert.equal(matchPolicy(p, ref('docker.io/library/alpine'))?.pattern, 'alpine');
    assert.equal(matchPolicy(p, ref('quay.io/alpine')), undefined);
    assert.deepEqual(matchPolicy(p, ref('ghcr.io/org/app'))?.identities.map((i) => [i.identity, i.issuer]), [[{ exact: 'https://github.com/org/app/.github/workflows/r.yml@refs/heads/main' }, GH]]);
    assert.equal(matchPolicy(p, ref('alpine'))?.notarySigners.join(), 'Repo Admin');
    // One model for every source: Notary servers sit beside the entries, keyed by canonical host.
    assert.deepEqual(p.notaryServers, { 'registry.example.com': 'https://notary.example.com' });
    assert.deepEqual(p.entries.map((e) => [e.pattern, e.required, e.severity]), [['dhi.io/**', true, 'error'], ['ghcr.io/org/app', true, 'error'], ['ghcr.io/org/*', false, 'error'], ['alpine', true, 'error']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every problem is reported at once, with its place; nothing is silently ignored', () => {
  const r = parsePolicy(
    {
      version: 2,
      images: [
        { pattern: 'ghcr.io/x', identites: [] },
        { pattern: 'ghcr.io/y', identities: [{ identity: 'a' }] },
        { pattern: 'ghcr.io/z', identities: [{ identity: 'a', identityRegexp: 'b', issuer: GH }] },
        { pattern: 'ghcr.io/w', identities: [{ identityRegexp: '(', issuer: GH }] },
        { pattern: 'ghcr.io/v', keys: [{ pem: 'not a key' }, { path: 'missing.pub' }, { pem, path: 'x' }] },
        { pattern: 'alpine:3', required: 'yes' },
      ],
    },
    '/nonexistent',
  );
  assert.equal(r.ok, false);
  const errors = r.ok ? [] : r.errors;
  const expect = [
    /"version" must be 1/,
    /images\[0\]: unknown field "identites"/,
    /images\[1\]\.identities\[0\]: "issuer"/,
    /images\[2\]\.identities\[0\]: give "identity" or "identityRegexp", not both/,
    /images\[3\]\.identities\[0\]\.identityRegexp: not a valid regular expression/,
    /images\[4\]\.keys\[0\]: inline key is not a PEM public key/,
    /images\[4\]\.keys\[1\]: cannot read \/nonexistent\/missing\.pub/,
    /images\[4\]\.keys\[2\]: give exactly one of "path" or "pem"/,
    /images\[5\]: pattern names a repository, without tag or digest/,
  ];
  for (const re of expect) assert.ok(errors.some((e) => re.test(e)), `missing error ${re}: ${errors.join(' | ')}`);
});

test('a broken policy file is an error, never "no policy"', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dt-policy-'));
  try {
    writeFileSync(join(dir, 'bad.json'), '{ "version": 1, ');
    const bad = loadPolicyFile(join(dir, 'bad.json'));
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : (bad.errors[0] ?? ''), /not valid JSON/);
    const missing = loadPolicyFile(join(dir, 'none.json'));
    assert.equal(missing.ok, false);
    assert.match(missing.ok ? '' : (missing.errors[0] ?? ''), /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
