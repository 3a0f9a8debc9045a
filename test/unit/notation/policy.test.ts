// Notation trust policy, trusted identities and trust stores: notation's rules, table-driven, both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseNotationTrustPolicy, selectPolicy, enforcementFor, loadNotationTrustPolicy, patternMatches } from '../../../server/src/trust/notation/policy';
import { parseProductNotationPolicy } from '../../../server/src/trust/notation/productPolicy';
import { parseDistinguishedName, certificateDn, isSubsetDn } from '../../../server/src/trust/notation/dn';
import { parseCertificateFile } from '../../../server/src/trust/notation/cert';
import { loadTrustStore } from '../../../server/src/trust/notation/trustStore';
import { memoryStore } from '../../../server/src/trust/notation/store';
import { fsNotationConfigStore, defaultNotationDir } from '../../../server/src/stores/notationConfig';
import { REPO_ROOT } from '../../support/paths';

const V = resolve(REPO_ROOT, '..', 'shared', 'conformance', 'notation', 'notation-go', 'verifier', 'testdata');
const HAVE_VECTORS = existsSync(V);
const skipVectors = HAVE_VECTORS ? false : `SKIPPED: ${V} is absent`;

const stmt = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'p',
  registryScopes: ['registry.example.com/app'],
  signatureVerification: { level: 'strict' },
  trustStores: ['ca:acme'],
  trustedIdentities: ['*'],
  ...over,
});
const doc = (...s: Record<string, unknown>[]): string => JSON.stringify({ version: '1.0', trustPolicies: s });

test('trust policy documents notation accepts', () => {
  const cases: [string, string][] = [
    ['minimal', doc(stmt())],
    ['global scope', doc(stmt({ registryScopes: ['*'] }))],
    ['skip without stores', doc(stmt({ signatureVerification: { level: 'skip' }, trustStores: undefined, trustedIdentities: undefined }))],
    ['override revocation skip', doc(stmt({ signatureVerification: { level: 'strict', override: { revocation: 'skip', expiry: 'log' } } }))],
    ['x509 identities', doc(stmt({ trustedIdentities: ['x509.subject: C=US, ST=WA, O=Acme', 'x509.subject: C=US, S=OR, O=Other'] }))],
    ['plugin identity kept', doc(stmt({ trustedIdentities: ['x509.subject: C=US, ST=WA, O=Acme', 'nonX509Prefix:my-custom-identity'] }))],
    ['two statements', doc(stmt(), stmt({ name: 'q', registryScopes: ['registry.example.com:5000/a/b'] }))],
    ['verifyTimestamp', doc(stmt({ signatureVerification: { level: 'permissive', verifyTimestamp: 'afterCertExpiry' } }))],
  ];
  for (const [name, text] of cases) assert.equal(parseNotationTrustPolicy(text, 'f').ok, true, name);
});

test('trust policy documents notation refuses, with the reason', () => {
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{', /not valid JSON/],
    ['version', JSON.stringify({ version: '2.0', trustPolicies: [stmt()] }), /version must be "1.0"/],
    ['no statements', JSON.stringify({ version: '1.0', trustPolicies: [] }), /at least one/],
    ['duplicate names', doc(stmt(), stmt({ registryScopes: ['registry.example.com/x'] })), /two statements are named/],
    ['no scopes', doc(stmt({ registryScopes: [] })), /needs registryScopes/],
    ['wildcard with others', doc(stmt({ registryScopes: ['*', 'registry.example.com/a'] })), /combines "\*"/],
    ['scope with wildcard', doc(stmt({ registryScopes: ['registry.example.com/*'] })), /not a fully qualified repository/],
    ['scope without repository', doc(stmt({ registryScopes: ['registry.example.com'] })), /not a fully qualified repository/],
    ['scope upper case repository', doc(stmt({ registryScopes: ['registry.example.com/App'] })), /not a fully qualified repository/],
    ['same scope twice', doc(stmt(), stmt({ name: 'q' })), /appears in "p" and "q"/],
    ['bad level', doc(stmt({ signatureVerification: { level: 'lenient' } })), /not one of strict/],
    ['override integrity', doc(stmt({ signatureVerification: { level: 'strict', override: { integrity: 'log' } } })), /integrity cannot be overridden/],
    ['skip authenticity', doc(stmt({ signatureVerification: { level: 'strict', override: { authenticity: 'skip' } } })), /only revocation can be skipped/],
    ['customized skip', doc(stmt({ signatureVerification: { level: 'skip', override: { expiry: 'log' } }, trustStores: undefined, trustedIdentities: undefined })), /cannot be customized/],
    ['skip with stores', doc(stmt({ signatureVerification: { level: 'skip' } })), /must not list/],
    ['missing stores', doc(stmt({ trustStores: [] })), /both required/],
    ['store without separator', doc(stmt({ trustStores: ['ca'] })), /missing the separator/],
    ['store type', doc(stmt({ trustStores: ['root:acme'] })), /is not ca, signingAuthority or tsa/],
    ['store name', doc(stmt({ trustStores: ['ca:ac/me'] })), /must match/],
    ['wildcard identity with others', doc(stmt({ trustedIdentities: ['*', 'x509.subject: C=US, ST=WA, O=A'] })), /cannot be combined/],
    ['identity without separator', doc(stmt({ trustedIdentities: ['x509.subject'] })), /missing the separator/],
    ['identity without value', doc(stmt({ trustedIdentities: ['x509.subject:'] })), /has no value/],
    ['identity without O', doc(stmt({ trustedIdentities: ['x509.subject: C=US, ST=WA'] })), /lacks O/],
    ['identity =#', doc(stmt({ trustedIdentities: ['x509.subject: C=US, ST=WA, O=#0403'] })), /"#<hex>"/],
    ['identity multi-valued', doc(stmt({ trustedIdentities: ['x509.subject: C=US+ST=WA, O=A'] })), /multi-valued/],
    ['overlapping identities', doc(stmt({ trustedIdentities: ['x509.subject: C=US, ST=WA, O=A, OU=B', 'x509.subject: C=US, ST=WA, O=A'] })), /overlap/],
    ['verifyTimestamp value', doc(stmt({ signatureVerification: { level: 'strict', verifyTimestamp: 'never' } })), /verifyTimestamp/],
  ];
  for (const [name, text, reason] of cases) {
    const r = parseNotationTrustPolicy(text, 'f');
    assert.equal(r.ok, false, name);
    assert.match(r.ok ? '' : r.reason, reason, name);
  }
});

test('levels and overrides give the specification table', () => {
  const e = (level: string, override?: Record<string, string>): unknown => {
    const r = enforcementFor({ level, override, verifyTimestamp: undefined }, 'p');
    return r.ok ? r.value.enforcement : r.reason;
  };
  assert.deepEqual(e('strict'), { integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'enforce', expiry: 'enforce', revocation: 'enforce' });
  assert.deepEqual(e('permissive'), { integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' });
  assert.deepEqual(e('audit'), { integrity: 'enforce', authenticity: 'log', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' });
  assert.deepEqual(e('skip'), { integrity: 'skip', authenticity: 'skip', authenticTimestamp: 'skip', expiry: 'skip', revocation: 'skip' });
  assert.deepEqual(e('audit', { authenticity: 'enforce', revocation: 'skip' }), { integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'log', expiry: 'log', revocation: 'skip' });
});

test('selection: an exact registry scope beats the global statement; nothing applies → undefined', () => {
  const r = parseNotationTrustPolicy(doc(stmt({ name: 'global', registryScopes: ['*'] }), stmt({ name: 'exact' })), 'f');
  assert.ok(r.ok);
  assert.equal(selectPolicy(r.value, 'registry.example.com/app')?.name, 'exact');
  assert.equal(selectPolicy(r.value, 'registry.example.com/other')?.name, 'global');
  const only = parseNotationTrustPolicy(doc(stmt()), 'f');
  assert.ok(only.ok);
  assert.equal(selectPolicy(only.value, 'registry.example.com/app/sub'), undefined);
});

test('product policy notation blocks: same rules, first match wins, errors with their place', () => {
  const ok = parseProductNotationPolicy([
    { pattern: 'docker.io/library/*', notation: undefined },
    { pattern: 'ghcr.io/acme/**', notation: { level: 'strict', trustStores: ['ca:acme', 'tsa:digicert'], trustedIdentities: ['x509.subject: C=US, ST=WA, O=Acme'] } },
    { pattern: '**', notation: { level: 'audit', trustStores: ['ca:acme'], trustedIdentities: ['*'] } },
  ]);
  assert.ok(ok.ok);
  assert.equal(selectPolicy(ok.value, 'ghcr.io/acme/team/app')?.level, 'strict');
  assert.equal(selectPolicy(ok.value, 'quay.io/x/y')?.level, 'audit');
  // docker.io/library/alpine matches the first entry, which has no notation block: no Notation policy at all.
  assert.equal(selectPolicy(ok.value, 'docker.io/library/alpine'), undefined);
  assert.equal(patternMatches('alpine', 'docker.io/library/alpine'), true);
  assert.equal(patternMatches('ghcr.io/acme/*', 'ghcr.io/acme/a/b'), false);
  const bad = parseProductNotationPolicy([
    { pattern: 'a/**', notation: { level: 'strict', trustStores: ['ca'], trustedIdentities: ['*'] } },
    { pattern: 'b/**', notation: { level: 'strict', trustStore: ['ca:x'], trustedIdentities: ['*'] } },
    { pattern: 'c/**', notation: 'strict' },
  ]);
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.ok ? [] : bad.errors.map((e) => e.split(':')[0]), ['images[0].notation', 'images[1].notation', 'images[1].notation', 'images[2].notation']);
});

test('distinguished names: RFC 4514 escapes, S alias, subset matching', () => {
  const a = parseDistinguishedName(' C=US , S=WA, O=Acme\\, Inc., CN=\\ lead\\ ');
  assert.ok(a.ok);
  assert.deepEqual([...a.dn], [['C', 'US'], ['ST', 'WA'], ['O', 'Acme, Inc.'], ['CN', ' lead ']]);
  const sub = parseDistinguishedName('C=US,ST=WA,O=Acme\\2C Inc.');
  assert.ok(sub.ok);
  assert.equal(isSubsetDn(sub.dn, a.dn), true);
  assert.equal(isSubsetDn(a.dn, sub.dn), false);
  for (const bad of ['C=US, ST=WA', 'C=US, ST=WA, O=A, O=B', 'C=US, ST=WA, O=A, CN=x\\', 'no equals', '']) assert.equal(parseDistinguishedName(bad).ok, false, bad);
});

test('TestVerifyX509TrustedIdentities vectors: signing-cert.pem matches subsets; bad-cert.pem ("=#" in CN) never matches', { skip: skipVectors }, () => {
  const load = (f: string): ReturnType<typeof parseCertificateFile> => parseCertificateFile(readFileSync(join(V, 'verifier', f)));
  const good = load('signing-cert.pem');
  const bad = load('bad-cert.pem');
  assert.ok(good.ok && bad.ok);
  const dn = certificateDn(good.certs[0]!.subjectAttributes, good.certs[0]!.subject);
  assert.ok(dn.ok);
  const id = (s: string): Map<string, string> | undefined => {
    const r = parseDistinguishedName(s);
    return r.ok ? (r.dn as Map<string, string>) : undefined;
  };
  assert.equal(isSubsetDn(id('C=US,O=SomeOrg,ST=WA')!, dn.dn), true);
  assert.equal(isSubsetDn(id('C=IND,O=SomeOrg,ST=TS')!, dn.dn), false);
  assert.equal(id('C=bad=#identity,O=LOL,ST=LOL'), undefined);
  assert.equal(certificateDn(bad.certs[0]!.subjectAttributes, bad.certs[0]!.subject).ok, false);
});

test('trust stores in the vectors: notation rules for each named store', { skip: skipVectors }, async () => {
  const store = fsNotationConfigStore(join(V));
  const cases: [string, 'ca' | 'signingAuthority' | 'tsa', string, RegExp | number][] = [
    ['valid ca store (PEM and DER files)', 'ca', 'valid-trust-store', 6],
    ['valid signingAuthority store', 'signingAuthority', 'valid-trust-store', 3],
    ['self-signed signing certificate', 'ca', 'valid-trust-store-self-signed', 1],
    ['valid tsa store', 'tsa', 'test-timestamp', 1],
    ['not a certificate', 'ca', 'trust-store-with-invalid-certs', /not a certificate file/],
    ['leaf certificate that is not self-signed', 'ca', 'trust-store-with-leaf-certs', /neither a CA nor a self-signed/],
    ['root and leaf in one file', 'ca', 'trust-store-with-leaf-certs-in-single-file', /neither a CA nor a self-signed/],
    ['tsa store with a non-CA certificate', 'tsa', 'test-nonCA', /not a self-signed root CA/],
    ['tsa store with a certificate that is not self-issued', 'tsa', 'test-nonSelfIssued', /not a self-signed root CA/],
    ['missing store', 'ca', 'does-not-exist', /does not exist/],
    ['bad store name', 'ca', '../ca', /must match/],
  ];
  for (const [name, type, store_, want] of cases) {
    const r = await loadTrustStore(store, type, store_);
    if (typeof want === 'number') {
      assert.ok(r.ok, `${name}: ${r.ok ? '' : r.reason}`);
      assert.equal(r.certs.length, want, name);
    } else {
      assert.equal(r.ok, false, name);
      assert.match(r.ok ? '' : r.reason, want, name);
    }
  }
});

test('the file-system store refuses symlinks, sub-directories and traversal; notation\'s file order for policies', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dft-notation-fs-'));
  try {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    mkdirSync(join(dir, 'truststore/x509/ca/real/0sub'), { recursive: true });
    writeFileSync(join(dir, 'truststore/x509/ca/real/a.pem'), pem);
    symlinkSync(join(dir, 'truststore/x509/ca/real'), join(dir, 'truststore/x509/ca/linked'));
    const s = fsNotationConfigStore(dir);
    assert.match((await loadTrustStore(s, 'ca', 'real')).ok ? '' : ((await loadTrustStore(s, 'ca', 'real')) as { reason: string }).reason, /"0sub" is not a regular file/);
    const linked = await s.list('truststore/x509/ca/linked');
    assert.equal(linked.ok, false);
    assert.equal(linked.ok ? '' : linked.kind, 'symlink');
    assert.equal((await s.read('../etc/passwd', 10)).ok, false);
    writeFileSync(join(dir, 'big.json'), 'x'.repeat(100));
    assert.equal((await s.read('big.json', 10)).ok ? '' : ((await s.read('big.json', 10)) as { kind: string }).kind, 'too-large');
    // trustpolicy.oci.json wins over trustpolicy.json; the older name is read when the newer is absent.
    writeFileSync(join(dir, 'trustpolicy.json'), doc(stmt({ name: 'older' })));
    let p = await loadNotationTrustPolicy(s);
    assert.equal(p.ok && p.value.policies[0]!.name, 'older');
    writeFileSync(join(dir, 'trustpolicy.oci.json'), doc(stmt({ name: 'newer' })));
    p = await loadNotationTrustPolicy(s);
    assert.equal(p.ok && p.value.policies[0]!.name, 'newer');
    const none = await loadNotationTrustPolicy(memoryStore({}));
    assert.equal(none.ok, false);
    assert.equal(none.missing, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(defaultNotationDir({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux'), '/x/cfg/notation');
  assert.match(defaultNotationDir({}, 'linux'), /\.config\/notation$/);
});
