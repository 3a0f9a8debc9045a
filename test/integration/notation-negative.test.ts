// Notation negative cases signed here (openssl certificates and RFC 3161 tokens, envelopes built per the spec),
// each with a sanity twin that verifies, run through the shipped CLI like the vector table.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Scratch, ensureCli, pool, runCli, type PolicyStatement } from '../support/notationCli';
import { Pki, signCose, signJws, type Identity, type SignOptions } from '../support/notationSign';

const scratch = new Scratch();
after(() => scratch.cleanup());
const pki = new Pki(join(scratch.dir, 'pki'));

const TARGET = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a1'.repeat(32)}`, size: 1234 };
const OTHER = { ...TARGET, digest: `sha256:${'b2'.repeat(32)}` };
const REPO = 'registry.example.com/team/app';

interface Case {
  readonly id: string;
  readonly envelope: () => Uint8Array;
  readonly cose?: boolean;
  readonly policy?: Partial<PolicyStatement['signatureVerification']> & { stores?: string[]; identities?: string[] };
  readonly target?: object;
  readonly at?: string;
  readonly expect: { state: string; check?: string; reason?: RegExp };
}

test('Notation negative cases signed here: each is refused for the right reason, each sanity twin verifies', { timeout: 300_000 }, async () => {
  ensureCli();
  const root = pki.root('root', 'Test Root');
  const otherRoot = pki.root('other-root', 'Other Root');
  const leaf = pki.leaf('leaf', 'Test Signer', 'root');
  const ecLeaf = pki.leaf('ec-leaf', 'Test EC Signer', 'root', { key: 'ec' });
  const stranger = pki.leaf('stranger', 'Test Signer', 'other-root');
  const serverAuth = pki.leaf('server', 'Test Server', 'root', { profile: 'serverauth' });
  const expired = pki.leaf('expired', 'Expired Signer', 'root', { start: '20200101000000Z', end: '20200201000000Z' });
  const tsaRoot = pki.root('tsa-root', 'Test TSA Root');
  pki.leaf('tsa', 'Test TSA', 'tsa-root', { profile: 'tsa' });
  const store = scratch.trustStore({ 'ca/test': [root.certPem], 'tsa/test-tsa': [tsaRoot.certPem], 'tsa/other': [otherRoot.certPem] });
  const chain = (id: Identity): Uint8Array[] => [id.der, (id === stranger ? otherRoot : root).der];
  const jws = (o: Partial<SignOptions> & { signer?: Identity } = {}): Uint8Array => {
    const signer = o.signer ?? leaf;
    return signJws({ signer, chain: o.chain ?? chain(signer), target: TARGET, ...o });
  };
  const stamp = (sig: Uint8Array): Uint8Array => pki.timestamp(sig, 'tsa');

  const cases: Case[] = [
    { id: 'sanity: RSA leaf, strict', envelope: () => jws(), expect: { state: 'verified' } },
    { id: 'sanity: EC P-256 leaf (ES256)', envelope: () => jws({ signer: ecLeaf }), expect: { state: 'verified' } },
    { id: 'sanity: COSE', envelope: () => signCose({ signer: leaf, chain: chain(leaf), target: TARGET }), cose: true, expect: { state: 'verified' } },
    { id: 'sanity: own TSA timestamp, strict with tsa store', envelope: () => jws({ timestamp: stamp }), policy: { stores: ['ca:test', 'tsa:test-tsa'] }, expect: { state: 'verified' } },
    { id: 'wrong certificate (x5c of another key)', envelope: () => jws({ chain: [ecLeaf.der, root.der] }), expect: { state: 'invalid', check: 'integrity', reason: /does not match the signing key|does not verify/ } },
    { id: 'wrong certificate (same subject, other key)', envelope: () => jws({ chain: [stranger.der, otherRoot.der] }), expect: { state: 'invalid', check: 'integrity', reason: /does not verify/ } },
    { id: 'another digest', envelope: () => jws(), target: OTHER, expect: { state: 'invalid', check: 'target' } },
    { id: 'tampered payload (JWS)', envelope: () => jws({ tamperPayload: (p) => p.replace('a1a1', 'b2b2') }), expect: { state: 'invalid', check: 'integrity', reason: /does not verify/ } },
    { id: 'tampered payload (COSE)', envelope: () => signCose({ signer: leaf, chain: chain(leaf), target: TARGET, tamperPayload: (p) => p.replace('1234', '1235') }), cose: true, target: { ...TARGET, size: 1235 }, expect: { state: 'invalid', check: 'integrity' } },
    { id: 'expired signing certificate, no timestamp', envelope: () => jws({ signer: expired, signingTime: new Date(Date.UTC(2020, 0, 15)) }), expect: { state: 'invalid', check: 'authenticTimestamp', reason: /expired at 2020-02-01/ } },
    { id: 'expired signing certificate, timestamp outside its validity', envelope: () => jws({ signer: expired, signingTime: new Date(Date.UTC(2020, 0, 15)), timestamp: stamp }), policy: { stores: ['ca:test', 'tsa:test-tsa'] }, expect: { state: 'invalid', check: 'authenticTimestamp', reason: /after certificate "CN=Expired Signer/ } },
    { id: 'valid certificate checked at a time after it expired', envelope: () => jws(), at: '2035-01-01T00:00:00Z', expect: { state: 'invalid', check: 'authenticTimestamp', reason: /expired at 2034-01-01/ } },
    { id: 'timestamp from a TSA the policy does not trust', envelope: () => jws({ timestamp: stamp }), policy: { stores: ['ca:test', 'tsa:other'] }, expect: { state: 'invalid', check: 'authenticTimestamp', reason: /unknown authority/ } },
    { id: 'tsa store that does not exist', envelope: () => jws({ timestamp: stamp }), policy: { stores: ['ca:test', 'tsa:missing'] }, expect: { state: 'unavailable', reason: /does not exist/ } },
    { id: 'wrong EKU (serverAuth)', envelope: () => jws({ signer: serverAuth }), expect: { state: 'invalid', check: 'integrity', reason: /serverAuth/ } },
    { id: 'untrusted root, strict', envelope: () => jws({ signer: stranger }), expect: { state: 'invalid', check: 'authenticity' } },
    { id: 'untrusted root, permissive', envelope: () => jws({ signer: stranger }), policy: { level: 'permissive' }, expect: { state: 'invalid', check: 'authenticity' } },
    { id: 'untrusted root, audit: logged, not enforced, not verified', envelope: () => jws({ signer: stranger }), policy: { level: 'audit' }, expect: { state: 'logged', reason: /authenticity/ } },
    { id: 'identity not trusted, strict', envelope: () => jws(), policy: { identities: ['x509.subject: C=US, ST=WA, O=Dockerfile Trust Tests, CN=Someone Else'] }, expect: { state: 'invalid', check: 'trustedIdentity' } },
    { id: 'identity trusted (subset of the subject)', envelope: () => jws(), policy: { identities: ['x509.subject: C=US, ST=WA, O=Dockerfile Trust Tests'] }, expect: { state: 'verified' } },
    { id: 'unknown critical header (JWS)', envelope: () => jws({ extraProtected: { 'io.example.mustUnderstand': true }, extraCrit: ['io.example.mustUnderstand'] }), expect: { state: 'invalid', check: 'integrity', reason: /unknown critical header/ } },
    { id: 'unknown critical header (COSE)', envelope: () => signCose({ signer: leaf, chain: chain(leaf), target: TARGET, extraProtected: { 'io.example.mustUnderstand': true }, extraCrit: ['io.example.mustUnderstand'] }), cose: true, expect: { state: 'invalid', check: 'integrity', reason: /unknown critical header/ } },
    { id: 'critical header listed but absent', envelope: () => jws({ extraCrit: ['io.example.absent'] }), expect: { state: 'invalid', check: 'integrity', reason: /not a present extended header/ } },
    { id: 'signing scheme not marked critical', envelope: () => jws({ extraProtected: { crit: ['io.cncf.notary.expiry'] }, expiry: new Date(Date.UTC(2030, 0, 1)) }), expect: { state: 'invalid', check: 'integrity', reason: /not marked critical/ } },
    { id: 'alg substitution (PS384 header on a 2048-bit key)', envelope: () => jws({ alg: 'PS384' }), expect: { state: 'invalid', check: 'integrity', reason: /does not match the signing key/ } },
    { id: 'alg none', envelope: () => jws({ alg: 'none' }), expect: { state: 'invalid', check: 'integrity', reason: /not allowed/ } },
    { id: 'ECDSA signature in DER instead of r||s', envelope: () => jws({ signer: ecLeaf, ecdsaEncoding: 'der' }), expect: { state: 'invalid', check: 'integrity' } },
    { id: 'signature expiry passed, strict', envelope: () => jws({ expiry: new Date(Date.UTC(2025, 0, 3)) }), expect: { state: 'invalid', check: 'expiry' } },
    { id: 'signature expiry passed, permissive (logged)', envelope: () => jws({ expiry: new Date(Date.UTC(2025, 0, 3)) }), policy: { level: 'permissive' }, expect: { state: 'verified' } },
  ];

  const results = await pool(cases, 2, async (c) => {
    const env = scratch.file(c.cose ? 'env.cose' : 'env.jws', c.envelope());
    const policy = scratch.policy({
      name: 'negative',
      registryScopes: [REPO],
      signatureVerification: { level: c.policy?.level ?? 'strict', ...(c.policy?.override ? { override: c.policy.override } : {}) },
      trustStores: c.policy?.stores ?? ['ca:test'],
      trustedIdentities: c.policy?.identities ?? ['*'],
    });
    const args = ['--envelope', env, '--artifact-descriptor', JSON.stringify(c.target ?? TARGET), '--reference', REPO, '--trust-policy', policy, '--trust-store-dir', store, '--json'];
    if (c.at) args.push('--at', c.at);
    const r = await runCli(args);
    const json = JSON.parse(r.stdout || '{}') as Record<string, unknown>;
    const reason = String(json['reason'] ?? '');
    let problem: string | undefined;
    if (json['state'] !== c.expect.state) problem = `state ${String(json['state'])} (${reason}${r.stderr})`;
    else if (r.code !== (c.expect.state === 'verified' ? 0 : 1)) problem = `exit ${r.code}`;
    else if (c.expect.check && json['check'] !== c.expect.check) problem = `check ${String(json['check'])}: ${reason}`;
    else if (c.expect.reason && !c.expect.reason.test(reason)) problem = `reason "${reason}"`;
    console.log(`${problem ? 'FAIL' : 'PASS'} ${c.id} → ${String(json['state'])}${reason ? `: ${reason.slice(0, 150)}` : ''}${problem ? `\n     expected ${c.expect.state}${c.expect.check ? `/${c.expect.check}` : ''}: ${problem}` : ''}`);
    return { c, problem };
  });
  console.log(`notation negative cases: ${results.filter((r) => !r.problem).length}/${results.length} passed`);
  assert.deepEqual(
    results.filter((r) => r.problem).map((r) => `${r.c.id}: ${r.problem}`),
    [],
  );
});
