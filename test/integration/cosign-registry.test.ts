// cosign trust source against a real docker-registry on 127.0.0.1: images signed in the test (legacy .sig and v3 bundle referrers).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReference, type ParsedReference } from '../../server/src/core/imageRef';
import type { TrustFact } from '../../server/src/core/facts';
import type { HttpClient } from '../../server/src/registry/http';
import { createTransport, type Transport } from '../../server/src/registry/transport';
import { loadPolicyFile, type Policy } from '../support/policy';
import { CosignTrustSource } from '../../server/src/trust/cosign/source';
import { embeddedTrustedRoot } from '../../server/src/trust/cosign/trustRoot';
import { verifyBundle, type IdentityMatcher } from '../../server/src/trust/cosign/bundleVerify';
import { attachBundle, generateKey, signBundleReferrer, signLegacy, type TestKey } from '../support/cosign';
import { signedChoice } from '../support/notary';
import { sharedData } from '../support/shared';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { rawRequest, startRegistry, type PushedImage, type RegistryHandle } from '../support/registry';

let reg: RegistryHandle;
let transport: Transport;
let dir: string;
let trusted: TestKey;
let stranger: TestKey;
/** Every URL the source asked for, with the status it got: proves which discovery path ran. */
const seen: { url: string; status: number | string }[] = [];

function ref(repo: string, tag = 'v1'): ParsedReference {
  const r = parseReference(`${reg.host}/${repo}:${tag}`);
  assert.ok(r.ok, `reference ${repo}`);
  return r;
}

async function writePolicy(doc: unknown): Promise<Policy> {
  const p = join(dir, `policy-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(p, JSON.stringify(doc, null, 2));
  const loaded = loadPolicyFile(p);
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.join('\n'));
  return loaded.policy;
}

function source(policy: Policy): CosignTrustSource {
  const recording: HttpClient = async (req) => {
    const res = await transport.http(req);
    seen.push({ url: req.url, status: res.ok ? res.status : res.kind });
    return res;
  };
  return new CosignTrustSource({
    httpFor: () => recording,
    registryBase: () => reg.url,
    policy,
    trustedRoot: async () => embeddedTrustedRoot(),
    timeoutMs: 5_000,
  });
}

async function signedPolicy(): Promise<Policy> {
  await writeFile(join(dir, 'trusted.pub'), trusted.publicKeyPem);
  // Keys made in a test are not in Rekor: "tlog": false is the documented opt-out (cosign's --insecure-ignore-tlog).
  return writePolicy({ version: 1, images: [{ pattern: `${reg.host}/**`, required: true, keys: [{ path: 'trusted.pub', tlog: false }] }] });
}

function expectState<S extends TrustFact['state']>(fact: TrustFact, state: S): Extract<TrustFact, { state: S }> {
  assert.equal(fact.state, state, `expected ${state}, got ${JSON.stringify(fact)}`);
  assert.equal(fact.source, 'cosign');
  return fact as Extract<TrustFact, { state: S }>;
}

before(async () => {
  reg = await startRegistry();
  transport = createTransport({ insecureHosts: [reg.host] });
  dir = await mkdtemp(join(tmpdir(), 'dt-cosign-'));
  trusted = generateKey();
  stranger = generateKey();
});

after(async () => {
  await transport?.close();
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const vectors = sharedData(join('conformance', 'sigstore', 'assets', 'bundle-verify'), 'the keyless cosign test (a real Fulcio/Rekor bundle)');

describe('cosign against docker-registry 2.8.2', () => {
  test('v3 bundle referrer, key-based: verifies through the referrers-tag fallback (no referrers API)', async () => {
    const img: PushedImage = await reg.pushImage('app/referrer', 'v1', { kind: 'oci-index' });
    await signBundleReferrer(reg, 'app/referrer', img.digest, img.mediaType, img.manifest.length, trusted);
    seen.length = 0;
    const fact = expectState(await source(await signedPolicy()).lookup(ref('app/referrer'), img.digest), 'signed');
    assert.equal(signedChoice(fact)?.digest, img.digest);
    assert.deepEqual(fact.signed.flatMap((d) => d.signers.map((s) => s.keyIds)), [[trusted.fingerprint]]);
    assert.equal(fact.cosign?.discovery, 'referrers-tag');
    assert.equal(fact.cosign?.keyFingerprint, trusted.fingerprint);
    // The registry really lacks the API: the source asked it, got 404, then read the tag.
    const api = seen.find((s) => s.url.includes(`/referrers/${img.digest}`));
    assert.equal(api?.status, 404, JSON.stringify(seen));
    const tag = seen.find((s) => s.url.endsWith(`/manifests/sha256-${img.digest.slice(7)}`));
    assert.equal(tag?.status, 200);
  });

  test('legacy .sig layout, key-based: verifies, payload digest equals the subject', async () => {
    const img = await reg.pushImage('app/legacy', 'v1', { kind: 'list' });
    await signLegacy(reg, 'app/legacy', img.digest, trusted);
    const fact = expectState(await source(await signedPolicy()).lookup(ref('app/legacy'), img.digest), 'signed');
    assert.equal(fact.cosign?.discovery, 'legacy-sig-tag');
    assert.deepEqual(signedChoice(fact)?.roles, ['cosign key']);
    assert.match(signedChoice(fact)?.signers[0] ?? '', new RegExp(`key ${trusted.fingerprint}`));
    assert.ok(fact.details?.some((d) => /no transparency-log entry/.test(d)));
  });

  test('unsigned image: unsigned, naming the places looked at', async () => {
    const img = await reg.pushImage('app/unsigned', 'v1');
    const fact = expectState(await source(await signedPolicy()).lookup(ref('app/unsigned'), img.digest), 'unsigned');
    assert.match(fact.reason, /no cosign signature/);
  });

  test('a signature for a different digest does not verify (legacy payload and bundle subject)', async () => {
    const a = await reg.pushImage('app/swap', 'a', { seed: 'a' });
    const b = await reg.pushImage('app/swap', 'b', { seed: 'b' });
    assert.notEqual(a.digest, b.digest);
    // A genuine signature over b's digest, stored where a's signatures live.
    await signLegacy(reg, 'app/swap', a.digest, trusted, { payloadDigest: b.digest });
    await signBundleReferrer(reg, 'app/swap', a.digest, a.mediaType, a.manifest.length, trusted, { subjectDigest: b.digest });
    const fact = expectState(await source(await signedPolicy()).lookup(ref('app/swap', 'a'), a.digest), 'invalid');
    assert.match(fact.attack, /substitution/);
    assert.match(fact.reason, new RegExp(`signature is for ${b.digest}`));
    assert.match(fact.reason, /does not name the artifact/);
  });

  test('a signature by a key the policy does not trust is rejected (both layouts)', async () => {
    const img = await reg.pushImage('app/stranger', 'v1', { kind: 'oci-index' });
    await signLegacy(reg, 'app/stranger', img.digest, stranger);
    await signBundleReferrer(reg, 'app/stranger', img.digest, img.mediaType, img.manifest.length, stranger);
    const fact = expectState(await source(await signedPolicy()).lookup(ref('app/stranger'), img.digest), 'invalid');
    assert.match(fact.reason, /legacy signature #1: does not verify with any key the policy trusts/);
    assert.match(fact.reason, /Sigstore bundle [^;]*: does not verify with any key the policy trusts/);
    assert.match(fact.attack, /untrusted signer/);
  });

  test('a corrupted signature by the trusted key is rejected', async () => {
    const img = await reg.pushImage('app/corrupt', 'v1');
    await signLegacy(reg, 'app/corrupt', img.digest, trusted, { corrupt: true });
    const fact = expectState(await source(await signedPolicy()).lookup(ref('app/corrupt'), img.digest), 'invalid');
    assert.match(fact.reason, /does not verify with any key the policy trusts.*altered/);
  });

  test('tag moved after signing: the new digest is unsigned, the signed one still verifies', async () => {
    const first = await reg.pushImage('app/moved', 'stable', { seed: 'one' });
    await signLegacy(reg, 'app/moved', first.digest, trusted);
    const second = await reg.pushImage('app/moved', 'stable', { seed: 'two' });
    const head = await rawRequest(`${reg.url}/v2/app/moved/manifests/stable`, { method: 'HEAD', headers: { accept: second.mediaType } });
    const now = String(head.headers['docker-content-digest']);
    assert.equal(now, second.digest, 'the tag now points at the second image');
    const src = source(await signedPolicy());
    expectState(await src.lookup(ref('app/moved', 'stable'), now), 'unsigned');
    expectState(await src.lookup(ref('app/moved', 'stable'), first.digest), 'signed');
  });

  test('signatures present but no key or identity in the policy: unavailable, never signed', async () => {
    const img = await reg.pushImage('app/nopolicy', 'v1');
    await signLegacy(reg, 'app/nopolicy', img.digest, trusted);
    const policy = await writePolicy({ version: 1, images: [{ pattern: 'ghcr.io/**', required: true, identities: [{ identity: 'x', issuer: 'https://token.actions.githubusercontent.com' }] }] });
    const fact = expectState(await source(policy).lookup(ref('app/nopolicy'), img.digest), 'unavailable');
    assert.match(fact.reason, /policy names no key or identity/);
  });

  test('a key that requires a transparency-log entry rejects an unlogged signature', async () => {
    const img = await reg.pushImage('app/notlog', 'v1');
    await signLegacy(reg, 'app/notlog', img.digest, trusted);
    const policy = await writePolicy({ version: 1, images: [{ pattern: `${reg.host}/app/*`, keys: [{ pem: trusted.publicKeyPem }] }] });
    const fact = expectState(await source(policy).lookup(ref('app/notlog'), img.digest), 'invalid');
    assert.match(fact.reason, /no transparency-log entry/);
    assert.match(fact.attack, /unlogged/);
  });

  test('an unreachable registry is unavailable, not unsigned', async () => {
    const closed = createTransport({ insecureHosts: ['127.0.0.1:9'] });
    const src = new CosignTrustSource({
      httpFor: () => closed.http,
      registryBase: () => 'http://127.0.0.1:9',
      policy: await signedPolicy(),
      trustedRoot: async () => embeddedTrustedRoot(),
      timeoutMs: 2_000,
    });
    const r = parseReference('127.0.0.1:9/app/x:v1');
    assert.ok(r.ok);
    const fact = await src.lookup(r, `sha256:${'a'.repeat(64)}`);
    await closed.close();
    const u = expectState(fact, 'unavailable');
    assert.match(u.reason, /cannot reach|refused/);
  });

  test('keyless: a genuine Fulcio/Rekor-signed SLSA provenance bundle checks identity + issuer exactly, but is never an image signature (issue 12 #7)', { skip: vectors.skip }, async () => {
    // A genuine public-good Sigstore bundle (conformance happy-path-intoto-in-dsse-v3): a SLSA provenance v1 statement
    // whose subject is sha256(a.txt). It is an attestation: `cosign verify` refuses it as an image signature.
    const cases = vectors.dir;
    const bundle = readFileSync(join(cases, 'happy-path-intoto-in-dsse-v3', 'bundle.sigstore.json'));
    const json = JSON.parse(bundle.toString()) as unknown;
    const digest = `sha256:${createHash('sha256').update(readFileSync(join(cases, 'a.txt'))).digest('hex')}`;
    const ID = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
    const GH = 'https://token.actions.githubusercontent.com';
    const root = (await embeddedTrustedRoot());
    assert.ok(root.ok);
    const artifact = { digest: { algorithm: 'sha256' as const, hex: digest.slice(7) } };
    const check = (identity: IdentityMatcher, issuer = GH) => verifyBundle(json, artifact, { kind: 'keyless', identity, issuer }, root.root);

    // The Sigstore layer: identity and issuer matched exactly or by an anchored pattern, the subject bound.
    const exact = check({ exact: ID });
    assert.ok(exact.ok, exact.ok ? '' : exact.reason);
    assert.equal(exact.identity, ID);
    assert.equal(exact.issuer, GH);
    assert.equal(exact.predicateType, 'https://slsa.dev/provenance/v1');
    assert.ok(exact.tlogIntegratedTime && exact.certNotBefore && exact.certNotAfter && exact.certNotBefore <= exact.tlogIntegratedTime && exact.tlogIntegratedTime <= exact.certNotAfter, 'signed while the certificate was valid');
    assert.ok(check({ regexp: 'https://github\\.com/sigstore-conformance/.*' }).ok);
    for (const [bad, why] of [
      [check({ exact: `${ID}x` }), /certificate identity/],
      [check({ regexp: 'https://github\\.com/sigstore-conformance' }), /certificate identity/],
      [check({ exact: ID }, 'https://accounts.google.com'), /issuer/],
      [verifyBundle(json, { digest: { algorithm: 'sha256', hex: 'b'.repeat(64) } }, { kind: 'keyless', identity: { exact: ID }, issuer: GH }, root.root), /does not name the artifact/],
    ] as const) {
      assert.equal(bad.ok, false);
      if (!bad.ok) assert.match(bad.reason, why);
    }

    // As a referrer of the image, announced honestly, and announced as a signature by a lying registry: never "signed".
    const pol = await writePolicy({ version: 1, images: [{ pattern: `${reg.host}/app/keyless`, required: true, identities: [{ identity: ID, issuer: GH }] }] });
    await attachBundle(reg, 'app/keyless', digest, 'application/vnd.oci.image.index.v1+json', 1234, bundle, { predicateType: 'https://slsa.dev/provenance/v1', announceInIndex: true });
    seen.length = 0;
    const honest = expectState(await source(pol).lookup(ref('app/keyless'), digest), 'unsigned');
    assert.match(honest.reason, /1 attestation\(s\) .* an attestation is not an image signature/);
    assert.ok(!seen.some((x) => x.url.includes('/blobs/')), 'an announced attestation is not even downloaded as a signature');
    await attachBundle(reg, 'app/keyless', digest, 'application/vnd.oci.image.index.v1+json', 1234, bundle, { predicateType: 'https://sigstore.dev/cosign/sign/v1', announceInIndex: true });
    const lying = expectState(await source(pol).lookup(ref('app/keyless'), digest), 'unsigned');
    assert.match(lying.reason, /2 attestation\(s\)/);
  });
});
