// The Notation vector table: every envelope, countersignature and OCI-layout signature of notation-go's test data
// (../shared/conformance/notation) through the shipped CLI (`dist/cli.js conformance notation-verify`), one row per
// vector and case, each naming the outcome and the Go test under expectations/ that states it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { envelopeChain } from '../support/notationRegistry';
import { NOTATION_VECTORS as V, Scratch, ensureCli, pool, runCli, type PolicyStatement } from '../support/notationCli';

const PRESENT = existsSync(V);
const SKIP_REASON = `SKIPPED: the Notation vectors are not at ${V} (../shared/conformance/notation is absent); the table needs them`;
if (!PRESENT) {
  console.warn(`\n*** ${SKIP_REASON} ***\n`);
  if (process.env['CI'] === 'true') test('Notation vectors are present (CI)', () => assert.fail(SKIP_REASON));
}

const JWS = 'application/jose+json';
const COSE = 'application/cose';
const MOCK = 'internal/mock/testdata/';
const SIGENV = 'verifier/testdata/timestamp/sigEnv/';
const COUNTERSIG = 'verifier/testdata/timestamp/countersignature/';
const TRUSTSTORE = join(V, 'verifier/testdata/truststore');
const VT = 'expectations/verifier/verifier_test.go';
const TT = 'expectations/verifier/timestamp_test.go';

// Descriptors from notation-go's internal/mock/mocks.go, which the Go tests verify the mock envelopes against.
const IMAGE = { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: 'sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e', size: 528 };
const TEST_IMAGE = { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: 'sha256:fe7e9333395060c2f5e63cf36a38fba10176f183b4163a5794e081a480abba5f', size: 942 };
const METADATA_IMAGE = { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: 'sha256:5a07385af4e6b6af81b0ebfd435aedccdfa3507f0609c658209e1aba57159b2b', size: 942 };
const ZERO = { ...IMAGE, digest: `sha256:${'0'.repeat(64)}` };
// The artifact the timestamp envelopes sign (their payload; the Go tests check only the timestamp step).
const TS_TARGET = { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: 'sha256:c0669ef34cdc14332c0f1ab0c2c01acb91d96014b172f1a76f3a39e63d1f0bda', size: 528 };
const SAMPLE_REPO = 'registry.acme-rockets.io/software/net-monitor';

/** verifier/helpers_test.go dummyOCIPolicyDocument. */
function dummyPolicy(over: Partial<PolicyStatement> & { level?: string } = {}): PolicyStatement {
  return {
    name: 'test-statement-name',
    registryScopes: [SAMPLE_REPO],
    signatureVerification: { level: over.level ?? 'strict' },
    trustStores: over.trustStores ?? ['ca:valid-trust-store', 'signingAuthority:valid-trust-store'],
    trustedIdentities: over.trustedIdentities ?? ['x509.subject:CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US'],
  };
}

/** timestamp_test.go's dummyTrustPolicy ("test-timestamp"). */
function timestampPolicy(sv: PolicyStatement['signatureVerification'] = { level: 'strict', verifyTimestamp: 'always' }, stores = ['ca:valid-trust-store', 'tsa:test-timestamp']): PolicyStatement {
  return { name: 'test-timestamp', registryScopes: ['*'], signatureVerification: sv, trustStores: stores, trustedIdentities: ['*'] };
}

interface Expect {
  readonly state: 'verified' | 'invalid' | 'logged' | 'unavailable' | 'no-policy';
  readonly check?: string;
  readonly reason?: RegExp;
  /** Extra assertions on the JSON result. */
  readonly more?: (result: Record<string, unknown>) => void;
}

interface Row {
  readonly id: string;
  /** Vector files this row exercises (relative to the vectors folder). */
  readonly vectors: readonly string[];
  readonly source: string;
  readonly args: () => string[];
  readonly expect: Expect;
}

const scratch = PRESENT ? new Scratch() : undefined;
after(() => scratch?.cleanup());

function args(o: { envelope: string; target: object; policy: string; store?: string; reference?: string; mediaType?: string; at?: string; thumbprints?: readonly string[] }): string[] {
  const a = ['--envelope', o.envelope, '--artifact-descriptor', JSON.stringify(o.target), '--reference', o.reference ?? SAMPLE_REPO, '--trust-policy', o.policy, '--trust-store-dir', o.store ?? TRUSTSTORE, '--json'];
  if (o.mediaType) a.push('--media-type', o.mediaType);
  if (o.at) a.push('--at', o.at);
  if (o.thumbprints) a.push('--thumbprints', JSON.stringify(o.thumbprints));
  return a;
}

/** The DER certificates of an envelope (x5c or x5chain), for trust stores that trust the envelope's own root. */
function envelopeCerts(file: string): X509Certificate[] {
  return envelopeChain(readFileSync(file));
}

/** A truststore whose `ca/own` (or `signingAuthority/own`) holds the envelope's root, plus copies of vector stores. */
function ownRootStore(file: string, copy: Record<string, string> = {}): string {
  const certs = envelopeCerts(file);
  const root = certs[certs.length - 1] as X509Certificate;
  return scratch!.trustStore({ 'ca/own': [root.toString()] }, Object.fromEntries(Object.entries(copy).map(([k, from]) => [k, join(TRUSTSTORE, 'x509', from)])));
}

/** withoutTimestamp.sig with a countersignature file in its unprotected header (as the Go test swaps it in). */
function withToken(p7s: string): string {
  const env = JSON.parse(readFileSync(join(V, SIGENV, 'withoutTimestamp.sig'), 'utf8')) as { header: Record<string, unknown> };
  env.header['io.cncf.notary.timestampSignature'] = readFileSync(join(V, COUNTERSIG, p7s)).toString('base64');
  return scratch!.file(`with-${p7s}.sig`, JSON.stringify(env));
}

const revocationLogged = (r: Record<string, unknown>): void => {
  const sig = r['signature'] as { logged: { check: string; status: string }[]; details: { timestamp?: { authority: string } } };
  assert.ok(sig.details.timestamp, 'a verified timestamp is reported');
  assert.match(sig.details.timestamp.authority, /GlobalSign/);
  assert.deepEqual(
    sig.logged.map((l) => `${l.check}:${l.status}`),
    ['revocation:not-checked'],
  );
};

function rows(): Row[] {
  const out: Row[] = [];
  const P = (...s: PolicyStatement[]): string => scratch!.policy(...s);

  // --- internal/mock/testdata: TestNotationVerificationCombinations, for both signing schemes and all levels.
  for (const [scheme, prefix] of [
    ['notary.x509', 'ca'],
    ['notary.x509.signingAuthority', 'sa'],
  ] as const) {
    const valid = `${MOCK}${prefix}_valid_sig_env.json`;
    const invalid = `${MOCK}${prefix}_invalid_sig_env.json`;
    const expired = `${MOCK}${prefix}_expired_sig_env.json`;
    const src = `${VT} TestNotationVerificationCombinations (${scheme})`;
    for (const level of ['strict', 'permissive', 'audit']) {
      out.push({ id: `${prefix}-valid ${level}`, vectors: [valid], source: `${src}: Integrity/Authenticity/Expiry Success`, args: () => args({ envelope: join(V, valid), target: IMAGE, policy: P(dummyPolicy({ level })) }), expect: { state: 'verified' } });
      out.push({ id: `${prefix}-invalid ${level}`, vectors: [invalid], source: `${src}: Integrity Failure (enforced at every level)`, args: () => args({ envelope: join(V, invalid), target: IMAGE, policy: P(dummyPolicy({ level })) }), expect: { state: 'invalid', check: 'integrity' } });
      out.push({
        id: `${prefix}-valid unsupported media type ${level}`,
        vectors: [valid],
        source: `${src}: Unsupported Signature Envelope`,
        args: () => args({ envelope: join(V, valid), target: IMAGE, policy: P(dummyPolicy({ level })), mediaType: 'application/unsupported+json' }),
        expect: { state: 'invalid', check: 'integrity', reason: /not supported/ },
      });
      out.push({
        id: `${prefix}-expired ${level}`,
        vectors: [expired],
        source: `${src}: Expiry Failure (${level === 'strict' ? 'enforced' : 'logged'})`,
        args: () => args({ envelope: join(V, expired), target: IMAGE, policy: P(dummyPolicy({ level })) }),
        expect:
          level === 'strict'
            ? { state: 'invalid', check: 'expiry', reason: /expired on 2022-07-29T23:59:00/ }
            : { state: 'verified', more: (r) => assert.deepEqual((r['signature'] as { logged: { check: string }[] }).logged.map((l) => l.check), ['expiry']) },
      });
      const untrusted = dummyPolicy({ level, trustStores: ['ca:valid-trust-store-2', 'signingAuthority:valid-trust-store-2'] });
      out.push({
        id: `${prefix}-valid untrusted root ${level}`,
        vectors: [valid],
        source: `${src}: Authenticity Failure (${level === 'audit' ? 'logged: never reported as verified' : 'enforced'})`,
        args: () => args({ envelope: join(V, valid), target: IMAGE, policy: P(untrusted) }),
        expect: level === 'audit' ? { state: 'logged', reason: /authenticity/ } : { state: 'invalid', check: 'authenticity' },
      });
      const lol = dummyPolicy({ level, trustedIdentities: ['x509.subject:CN=LOL,O=DummyOrg,L=Hyderabad,ST=TG,C=IN'] });
      out.push({
        id: `${prefix}-valid untrusted identity ${level}`,
        vectors: [valid],
        source: `${src}: TrustedIdentity Failure`,
        args: () => args({ envelope: join(V, valid), target: IMAGE, policy: P(lol) }),
        expect: level === 'audit' ? { state: 'logged', reason: /trustedIdentity/ } : { state: 'invalid', check: 'trustedIdentity' },
      });
    }
    for (const [label, p] of [
      ['identity without separator', dummyPolicy({ trustedIdentities: ['x509.subject'] })],
      ['identity without value', dummyPolicy({ trustedIdentities: ['x509.subject:'] })],
      ['trust store without separator', dummyPolicy({ trustStores: ['ca:valid-trust-store-2', 'signingAuthority'] })],
    ] as const) {
      out.push({
        id: `${prefix}-valid policy ${label}`,
        vectors: [valid],
        source: `${src}: ${label === 'trust store without separator' ? 'Authenticity Failure with trust store missing separator' : label === 'identity without value' ? 'TrustedIdentity Failure with empty value' : 'TrustedIdentity Failure without separator'}`,
        args: () => args({ envelope: join(V, valid), target: IMAGE, policy: P(p) }),
        expect: { state: 'unavailable', reason: /invalid trust policy/ },
      });
    }
    out.push({
      id: `${prefix}-valid other digest`,
      vectors: [valid],
      source: `${VT} TestVerifyBlob_Error: descriptor mismatch returns error (verifier.go: content descriptor mismatch)`,
      args: () => args({ envelope: join(V, valid), target: ZERO, policy: P(dummyPolicy()) }),
      expect: { state: 'invalid', check: 'target' },
    });
    const plugin = `${MOCK}${prefix}_plugin_sig_env.json`;
    out.push({
      id: `${prefix}-plugin`,
      vectors: [plugin],
      source: `${VT} TestVerificationPluginInteractions (${scheme}): verification plugin is not installed → fails`,
      args: () => args({ envelope: join(V, plugin), target: IMAGE, policy: P(dummyPolicy()) }),
      expect: { state: 'unavailable', reason: /plugin "plugin-name"/ },
    });
  }

  // Plugin minimum-version envelopes: without the plugin, none verifies (the Go test installs a mock plugin 1.0.0).
  for (const f of readdirSync(join(V, MOCK)).filter((x) => x.includes('pluginver'))) {
    const p: PolicyStatement = {
      name: 'wabbit-networks-images',
      registryScopes: ['localhost:5000/net-monitor'],
      signatureVerification: { level: 'strict' },
      trustStores: ['ca:valid-trust-store'],
      trustedIdentities: ['x509.subject: CN=wabbit-networks.io,O=Notary,L=Seattle,ST=WA,C=US'],
    };
    out.push({
      id: f,
      vectors: [MOCK + f],
      source: `${VT} TestPluginVersionCompatibility + TestVerificationPluginInteractions (plugin not installed)`,
      args: () => args({ envelope: join(V, MOCK, f), target: TEST_IMAGE, policy: P(p), reference: 'localhost:5000/net-monitor' }),
      expect: { state: 'unavailable', reason: /io\.cncf\.notary\.plugin\.unittest\.mock/ },
    });
  }

  const meta = `${MOCK}sig_env_with_metadata.json`;
  out.push({
    id: 'sig_env_with_metadata audit',
    vectors: [meta],
    source: `${VT} TestVerifyUserMetadata (audit: integrity enforced, the untrusted 1-day certificate only logged; notation passes it, the product never calls it verified)`,
    args: () => args({ envelope: join(V, meta), target: METADATA_IMAGE, policy: P(dummyPolicy({ level: 'audit' })) }),
    expect: { state: 'logged', reason: /authenticity/ },
  });
  out.push({
    id: 'sig_env_with_metadata strict',
    vectors: [meta],
    source: `${VT} TestNotationVerificationCombinations: Authenticity Failure (strict) for the same envelope`,
    args: () => args({ envelope: join(V, meta), target: METADATA_IMAGE, policy: P(dummyPolicy()) }),
    expect: { state: 'invalid', check: 'authenticity' },
  });

  // --- internal/testdata: the OCI layout's manifest and the JWS/COSE signatures over it.
  const layout = JSON.parse(readFileSync(join(V, 'internal/testdata/oci-layout/index.json'), 'utf8')) as { manifests: { mediaType: string; digest: string; size: number }[] };
  const m = layout.manifests[0]!;
  const manifestBytes = readFileSync(join(V, 'internal/testdata/oci-layout/blobs/sha256', m.digest.slice('sha256:'.length)));
  assert.equal(`sha256:${createHash('sha256').update(manifestBytes).digest('hex')}`, m.digest, 'the OCI layout manifest hashes to its index digest');
  assert.equal(manifestBytes.length, m.size);
  const LAYOUT = { mediaType: m.mediaType, digest: m.digest, size: m.size };
  const config = (JSON.parse(manifestBytes.toString()) as { config: { mediaType: string; digest: string; size: number } }).config;
  const layoutPolicy = (ids: string[] = ['*'], level = 'strict'): PolicyStatement => ({ name: 'oci-layout', registryScopes: ['local/oci-layout'], signatureVerification: { level }, trustStores: ['ca:own'], trustedIdentities: ids });
  for (const [f, mt] of [
    ['internal/testdata/jws_signature.sig', JWS],
    ['internal/testdata/cose_signature.sig', COSE],
  ] as const) {
    const src = `expectations/notation_test.go TestLocalContent + ${'expectations/registry/repository_test.go'} TestOciLayoutRepositoryPushAndFetch (the signature of local/oci-layout@${m.digest.slice(0, 19)}…)`;
    out.push({ id: `${f} trusted root`, vectors: [f], source: src, args: () => args({ envelope: join(V, f), target: LAYOUT, policy: P(layoutPolicy()), store: ownRootStore(join(V, f)), reference: 'local/oci-layout', mediaType: mt }), expect: { state: 'verified', more: (r) => assert.equal((r['signature'] as { details: { digest: string } }).details.digest, m.digest) } });
    out.push({ id: `${f} identity C/ST/O`, vectors: [f], source: `${src}; ${VT} TestVerifyX509TrustedIdentities (subset match)`, args: () => args({ envelope: join(V, f), target: LAYOUT, policy: P(layoutPolicy(['x509.subject: C=US, ST=WA, O=Notary, CN=alpine'])), store: ownRootStore(join(V, f)), reference: 'local/oci-layout', mediaType: mt }), expect: { state: 'verified' } });
    out.push({ id: `${f} other identity`, vectors: [f], source: `${VT} TestVerifyX509TrustedIdentities (no match)`, args: () => args({ envelope: join(V, f), target: LAYOUT, policy: P(layoutPolicy(['x509.subject: C=US, ST=WA, O=Notary, CN=debian'])), store: ownRootStore(join(V, f)), reference: 'local/oci-layout', mediaType: mt }), expect: { state: 'invalid', check: 'trustedIdentity' } });
    out.push({
      id: `${f} untrusted root`,
      vectors: [f],
      source: `${VT} TestNotationVerificationCombinations: Authenticity Failure (the vectors' ca stores do not hold this root)`,
      args: () => args({ envelope: join(V, f), target: LAYOUT, policy: P({ ...layoutPolicy(), trustStores: ['ca:valid-trust-store'] }), reference: 'local/oci-layout', mediaType: mt }),
      expect: { state: 'invalid', check: 'authenticity' },
    });
    out.push({
      id: `${f} config blob as target`,
      vectors: [f],
      source: `${VT} TestVerifyBlob_Error: descriptor mismatch returns error`,
      args: () => args({ envelope: join(V, f), target: config, policy: P(layoutPolicy()), store: ownRootStore(join(V, f)), reference: 'local/oci-layout', mediaType: mt }),
      expect: { state: 'invalid', check: 'target' },
    });
    out.push({
      id: `${f} no applicable policy`,
      vectors: [f],
      source: `${VT} TestErrorNoApplicableTrustPolicy_Error`,
      args: () => args({ envelope: join(V, f), target: LAYOUT, policy: P(layoutPolicy()), store: ownRootStore(join(V, f)), reference: 'local/other-layout', mediaType: mt }),
      expect: { state: 'no-policy', reason: /no trust policy statement/ },
    });
  }
  const thumb = '9f5f5aecee24b5cfdc7a91f6d5ac5c3a5348feb17c934d403f59ac251549ea0d';
  const jwsSig = 'internal/testdata/jws_signature.sig';
  out.push({ id: 'jws_signature.sig thumbprint annotation', vectors: [jwsSig], source: 'expectations/registry/repository_test.go TestOciLayoutRepositoryPushAndFetch (expected io.cncf.notary.x509chain.thumbprint#S256)', args: () => args({ envelope: join(V, jwsSig), target: LAYOUT, policy: P(layoutPolicy()), store: ownRootStore(join(V, jwsSig)), reference: 'local/oci-layout', thumbprints: [thumb] }), expect: { state: 'verified' } });
  out.push({ id: 'jws_signature.sig wrong thumbprint annotation', vectors: [jwsSig], source: 'signature specification: the thumbprint annotation lists the envelope chain (TestOciLayoutRepositoryPushAndFetch value, last digit changed)', args: () => args({ envelope: join(V, jwsSig), target: LAYOUT, policy: P(layoutPolicy()), store: ownRootStore(join(V, jwsSig)), reference: 'local/oci-layout', thumbprints: [`${thumb.slice(0, -1)}e`] }), expect: { state: 'invalid', check: 'integrity', reason: /thumbprint/ } });

  // --- verifier/testdata/timestamp: TestAuthenticTimestamp. Offline, the TSA chain's OCSP cannot be asked: with
  // revocation logged the timestamp rows verify and say so; with revocation enforced they are "unavailable".
  const ts = (f: string): string => join(V, SIGENV, f);
  const strictRevLogged = { level: 'strict', verifyTimestamp: 'always', override: { revocation: 'log' } };
  for (const f of ['jwsWithTimestamp.sig', 'coseWithTimestamp.sig']) {
    const fmt = f.startsWith('jws') ? 'jws' : 'cose';
    out.push({ id: `${f} strict, revocation logged`, vectors: [SIGENV + f], source: `${TT} TestAuthenticTimestamp: verify Authentic Timestamp with ${fmt} format`, args: () => args({ envelope: ts(f), target: TS_TARGET, policy: P(timestampPolicy(strictRevLogged)), reference: 'localhost:5000/ts' }), expect: { state: 'verified', more: revocationLogged } });
    out.push({ id: `${f} strict offline`, vectors: [SIGENV + f], source: `${TT} TestAuthenticTimestamp (${fmt}): the TSA's OCSP is needed; offline, strict cannot conclude`, args: () => args({ envelope: ts(f), target: TS_TARGET, policy: P(timestampPolicy()), reference: 'localhost:5000/ts' }), expect: { state: 'unavailable', reason: /not checked/ } });
    out.push({ id: `${f} tsa:test-mismatch`, vectors: [SIGENV + f], source: `${TT} TestAuthenticTimestamp: failed due to tsa not trust`, args: () => args({ envelope: ts(f), target: TS_TARGET, policy: P(timestampPolicy(undefined, ['ca:valid-trust-store', 'tsa:test-mismatch'])), reference: 'localhost:5000/ts' }), expect: { state: 'invalid', check: 'authenticTimestamp', reason: /unknown authority/ } });
  }
  out.push({ id: 'coseWithTimestamp.sig afterCertExpiry', vectors: [SIGENV + 'coseWithTimestamp.sig'], source: `${TT} TestAuthenticTimestamp: verify Authentic Timestamp with afterCertExpiry set`, args: () => args({ envelope: ts('coseWithTimestamp.sig'), target: TS_TARGET, policy: P(timestampPolicy({ level: 'strict', verifyTimestamp: 'afterCertExpiry' })), reference: 'localhost:5000/ts' }), expect: { state: 'verified', more: (r) => assert.equal((r['signature'] as { details: { timestamp?: unknown } }).details.timestamp, undefined) } });
  out.push({ id: 'coseWithTimestamp.sig tsa:does-not-exist', vectors: [SIGENV + 'coseWithTimestamp.sig'], source: `${TT} TestAuthenticTimestamp: failed due to trust store does not exist`, args: () => args({ envelope: ts('coseWithTimestamp.sig'), target: TS_TARGET, policy: P(timestampPolicy(undefined, ['ca:valid-trust-store', 'tsa:does-not-exist'])), reference: 'localhost:5000/ts' }), expect: { state: 'unavailable', reason: /does not exist/ } });
  out.push({ id: 'jwsWithTimestamp.sig tsa without name', vectors: [SIGENV + 'jwsWithTimestamp.sig'], source: `${TT} TestAuthenticTimestamp: failed due to invalid trust policy`, args: () => args({ envelope: ts('jwsWithTimestamp.sig'), target: TS_TARGET, policy: P(timestampPolicy(undefined, ['ca:valid-trust-store', 'tsa'])), reference: 'localhost:5000/ts' }), expect: { state: 'unavailable', reason: /invalid trust policy.*separator/ } });
  for (const f of ['jwsExpiredWithTimestamp.sig', 'coseExpiredWithTimestamp.sig']) {
    const fmt = f.startsWith('jws') ? 'jws' : 'cose';
    out.push({
      id: `${f} valid timestamp`,
      vectors: [SIGENV + f],
      source: `${TT} TestAuthenticTimestamp: verify Authentic Timestamp ${fmt} with expired codeSigning cert (the envelope's root trusted in ca:own)`,
      args: () => args({ envelope: ts(f), target: TS_TARGET, policy: P(timestampPolicy(strictRevLogged, ['ca:own', 'tsa:test-timestamp'])), store: ownRootStore(ts(f), { 'tsa/test-timestamp': 'tsa/test-timestamp' }), reference: 'localhost:5000/ts' }),
      expect: { state: 'verified', more: revocationLogged },
    });
  }
  out.push({
    id: 'coseExpiredWithTimestamp.sig without tsa store',
    vectors: [SIGENV + 'coseExpiredWithTimestamp.sig'],
    source: `${TT} TestAuthenticTimestamp: failed due to missing tsa in trust policy and expired codeSigning cert`,
    args: () => args({ envelope: ts('coseExpiredWithTimestamp.sig'), target: TS_TARGET, policy: P(timestampPolicy(undefined, ['ca:own'])), store: ownRootStore(ts('coseExpiredWithTimestamp.sig')), reference: 'localhost:5000/ts' }),
    expect: { state: 'invalid', check: 'authenticTimestamp', reason: /CN=testTSA.*expired at 2024-06-18T07:30:31/ },
  });
  out.push({ id: 'withoutTimestamp.sig tsa required', vectors: [SIGENV + 'withoutTimestamp.sig'], source: `${TT} TestAuthenticTimestamp: failed due to missing timestamp countersignature`, args: () => args({ envelope: ts('withoutTimestamp.sig'), target: TS_TARGET, policy: P(timestampPolicy()), reference: 'localhost:5000/ts' }), expect: { state: 'invalid', check: 'authenticTimestamp', reason: /no timestamp countersignature/ } });
  out.push({ id: 'withoutTimestamp.sig no tsa store', vectors: [SIGENV + 'withoutTimestamp.sig'], source: `${TT} TestAuthenticTimestamp (verifyTimestamp: without a tsa store the chain must be valid now; it is, until 2033)`, args: () => args({ envelope: ts('withoutTimestamp.sig'), target: TS_TARGET, policy: P(timestampPolicy(undefined, ['ca:valid-trust-store'])), reference: 'localhost:5000/ts' }), expect: { state: 'verified' } });
  out.push({ id: 'timestampBeforeNotBefore.sig', vectors: [SIGENV + 'timestampBeforeNotBefore.sig'], source: `${TT} TestAuthenticTimestamp: failed due to timestamp before signing cert not before`, args: () => args({ envelope: ts('timestampBeforeNotBefore.sig'), target: TS_TARGET, policy: P(timestampPolicy()), reference: 'localhost:5000/ts' }), expect: { state: 'invalid', check: 'authenticTimestamp', reason: /before certificate "CN=testTSA.*2099-09-18T11:54:34/ } });
  out.push({
    id: 'timestampAfterNotAfter.sig',
    vectors: [SIGENV + 'timestampAfterNotAfter.sig'],
    source: `${TT} TestAuthenticTimestamp: failed due to timestamp after signing cert not after (the envelope's root trusted in ca:own)`,
    args: () => args({ envelope: ts('timestampAfterNotAfter.sig'), target: TS_TARGET, policy: P(timestampPolicy(undefined, ['ca:own', 'tsa:test-timestamp'])), store: ownRootStore(ts('timestampAfterNotAfter.sig'), { 'tsa/test-timestamp': 'tsa/test-timestamp' }), reference: 'localhost:5000/ts' }),
    expect: { state: 'invalid', check: 'authenticTimestamp', reason: /after certificate "CN=testTSA.*2001-09-18T11:54:34/ },
  });
  for (const [p7s, reason, name] of [
    ['TimeStampTokenWithInvalideContentType.p7s', /1\.2\.840\.113549\.1\.7\.1, not id-ct-TSTInfo/, 'invalid timestamp countersignature content type'],
    ['TimeStampTokenWithInvalidTSTInfo.p7s', /TSTInfo is malformed/, 'invalid TSTInfo'],
    ['TimeStampToken.p7s', /message imprint mismatch/, 'failed to validate TSTInfo (mismatched message)'],
    // The Go test also forces the envelope signature to "notation" to reach the missing certificate; here the real
    // signature is kept, so the imprint check (first in notation's order) already refuses the token.
    ['TimeStampTokenWithoutCertificate.p7s', /message imprint mismatch|signing certificate not found/, 'failed to verify timestamp countersignature (no certificate)'],
  ] as const) {
    out.push({ id: `withoutTimestamp.sig + ${p7s}`, vectors: [COUNTERSIG + p7s, SIGENV + 'withoutTimestamp.sig'], source: `${TT} TestAuthenticTimestamp: failed due to ${name}`, args: () => args({ envelope: withToken(p7s), target: TS_TARGET, policy: P(timestampPolicy()), reference: 'localhost:5000/ts' }), expect: { state: 'invalid', check: 'authenticTimestamp', reason } });
  }
  return out;
}

test('Notation vector table through dist/cli.js: every vector gives the outcome its Go test states', { skip: PRESENT ? false : SKIP_REASON, timeout: 600_000 }, async () => {
  ensureCli();
  const table = rows();
  const results = await pool(table, 2, async (row) => {
    const r = await runCli(row.args());
    let problem: string | undefined;
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(r.stdout) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    const state = json ? (json['state'] as string) : `unparsed (exit ${r.code}): ${r.stdout}${r.stderr}`;
    const expectedState = row.expect.state as string;
    const reason = json ? String(json['reason'] ?? '') : '';
    if (state !== expectedState) problem = `state ${state}, expected ${expectedState}${reason ? ` (${reason})` : ''}`;
    else if (r.code !== (expectedState === 'verified' ? 0 : 1)) problem = `exit ${r.code}`;
    else if (row.expect.check && json?.['check'] !== row.expect.check) problem = `check ${String(json?.['check'])}, expected ${row.expect.check} (${reason})`;
    else if (row.expect.reason && !row.expect.reason.test(reason)) problem = `reason "${reason}" does not match ${row.expect.reason}`;
    else if (row.expect.more && json) {
      try {
        row.expect.more(json);
      } catch (e) {
        problem = e instanceof Error ? e.message : String(e);
      }
    }
    return { row, problem, state, reason };
  });
  for (const { row, problem, state, reason } of results) {
    console.log(`${problem ? 'FAIL' : 'PASS'} ${row.id} → ${state}${reason ? `: ${reason.slice(0, 140)}` : ''}\n     expected ${row.expect.state}${row.expect.check ? `/${row.expect.check}` : ''} — ${row.source}${problem ? `\n     ${problem}` : ''}`);
  }
  const passed = results.filter((x) => !x.problem).length;
  console.log(`notation vector table: ${passed}/${results.length} rows passed`);

  // Every envelope and countersignature vector has at least one row.
  const all = [
    ...readdirSync(join(V, 'internal/testdata')).filter((f) => f.endsWith('.sig')).map((f) => `internal/testdata/${f}`),
    ...readdirSync(join(V, MOCK)).map((f) => MOCK + f),
    ...readdirSync(join(V, SIGENV)).map((f) => SIGENV + f),
    ...readdirSync(join(V, COUNTERSIG)).map((f) => COUNTERSIG + f),
  ];
  const covered = new Set(table.flatMap((r) => r.vectors));
  assert.deepEqual(
    all.filter((f) => !covered.has(f)),
    [],
    'vectors without a row',
  );
  console.log(`notation vectors covered: ${all.length} files in ${results.length} rows`);
  assert.deepEqual(
    results.filter((x) => x.problem).map((x) => `${x.row.id}: ${x.problem}`),
    [],
  );
});
