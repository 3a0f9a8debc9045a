// Provenance end to end on real parts: real public attestation bundles nobody here made (GitHub's artifact attestation
// from cli/cli's test data, cosign's `attest` bundle) attached in a real docker-registry as OCI referrers (through the
// referrers tag: distribution 2.x has no referrers API) and as cosign's legacy `sha256-<hex>.att` tag; an image index
// with a BuildKit attestation manifest; and an image whose signature and attestations live in another registry (with
// credentials of its own), found only through the policy's `attestationRepository`. The shipped CLI (dist/cli.js) and the
// language server report each; verification is offline against the embedded Sigstore trusted root.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { REPO_ROOT } from '../support/paths';
import { startLsp, type LspClient } from '../support/lsp';
import { attachBundle, generateKey, makeBundle, makeStatementBundle, statement, type TestKey } from '../support/cosign';
import { MT, sha256, startRegistry, type RegistryHandle } from '../support/registry';
import { asLegacyAtt, clone, fixture, subjectDigestOf } from '../unit/attestations/vectors';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-provenance-'));
const GH_ISSUER = 'https://token.actions.githubusercontent.com';
const SIGNER_RX = 'https://github\\.com/github/artifact-attestations-workflows/\\.github/workflows/attest\\.yml@.*';
const GH = fixture('github-reusable-workflow.sigstore.json');
const GH_SUBJECT = subjectDigestOf(GH);
const COSIGN = fixture('cosign-oci-attestation.sigstore.json');
const COSIGN_SUBJECT = subjectDigestOf(COSIGN);
const OTHER = `sha256:${'5e'.repeat(32)}`;
const clients: LspClient[] = [];

let reg: RegistryHandle;
/** The registry that keeps the mirror's signature and attestations (Basic auth: credentials of its own). */
let scout: RegistryHandle;
let key: TestKey;
let policyFile = '';
let plainPolicyFile = '';
let dockerConfig = '';
let bkIndex = '';
let mirrorDigest = '';

/** An attestation bundle as a referrer of `subject` (listed in the referrers tag), announced with its predicate type. */
async function attach(r: RegistryHandle, repo: string, subject: string, bundle: Buffer, predicateType: string): Promise<void> {
  await attachBundle(r, repo, subject, MT.ociManifest, 1, bundle, { predicateType, announceInIndex: true });
}

/** cosign's legacy layout: the tag `sha256-<hex>.att`, one DSSE envelope per layer, signing material in annotations. */
async function pushAtt(r: RegistryHandle, repo: string, subject: string, layer: { envelope: Uint8Array; annotations: Readonly<Record<string, string>> }): Promise<void> {
  const envelope = Buffer.from(layer.envelope);
  const config = Buffer.from('{}');
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.ociManifest,
      config: { mediaType: MT.ociConfig, digest: await r.pushBlob(repo, config), size: config.length },
      layers: [{ mediaType: 'application/vnd.dsse.envelope.v1+json', digest: await r.pushBlob(repo, envelope), size: envelope.length, annotations: layer.annotations }],
    }),
  );
  await r.pushManifest(repo, `sha256-${subject.slice(7)}.att`, MT.ociManifest, manifest);
}

/** An image index as BuildKit pushes it: one platform manifest and an attestation manifest whose in-toto layer is about it. */
async function pushBuildkitIndex(r: RegistryHandle, repo: string, tag: string): Promise<string> {
  const layer = Buffer.from('buildkit layer\n');
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(layer)] }, config: {} }));
  const platform = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MT.ociManifest, config: { mediaType: MT.ociConfig, digest: await r.pushBlob(repo, config), size: config.length }, layers: [{ mediaType: MT.ociLayer, digest: await r.pushBlob(repo, layer), size: layer.length }] }),
  );
  const platformDigest = await r.pushManifest(repo, sha256(platform), MT.ociManifest, platform);
  // BuildKit's own provenance (moby/buildkit docs, mode=min), about the platform manifest, as BuildKit stores it: unsigned.
  const st = Buffer.from(JSON.stringify({ ...(fixture('buildkit-v02-min.intoto.json') as object), subject: [{ name: `pkg:docker/${repo}@${tag}?platform=linux%2Famd64`, digest: { sha256: platformDigest.slice(7) } }] }));
  const empty = Buffer.from('{}');
  const att = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.ociManifest,
      config: { mediaType: MT.ociConfig, digest: await r.pushBlob(repo, empty), size: empty.length },
      layers: [{ mediaType: 'application/vnd.in-toto+json', digest: await r.pushBlob(repo, st), size: st.length, annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } }],
    }),
  );
  const attDigest = await r.pushManifest(repo, sha256(att), MT.ociManifest, att);
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.ociIndex,
      manifests: [
        { mediaType: MT.ociManifest, digest: platformDigest, size: platform.length, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: MT.ociManifest, digest: attDigest, size: att.length, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': platformDigest } },
      ],
    }),
  );
  return r.pushManifest(repo, tag, MT.ociIndex, index);
}

before(async () => {
  reg = await startRegistry();
  scout = await startRegistry({ auth: 'htpasswd' });
  key = generateKey();
  const ghBundle = Buffer.from(JSON.stringify(GH));
  // 1. The real GitHub attestation as a referrer of its own subject, and cosign's real `attest` bundle beside it.
  await attach(reg, 'acme/gh', GH_SUBJECT, ghBundle, 'https://slsa.dev/provenance/v1');
  await attach(reg, 'acme/cosign', COSIGN_SUBJECT, Buffer.from(JSON.stringify(COSIGN)), 'https://cosign.sigstore.dev/attestation/v1');
  // 2. The same attestation in cosign's legacy .att layout.
  await pushAtt(reg, 'acme/gh-att', GH_SUBJECT, asLegacyAtt(GH));
  // 3. Signed by someone the policy does not trust for that image; 4. a tampered copy; 5. attached to another subject.
  await attach(reg, 'acme/gh-wrong', GH_SUBJECT, ghBundle, 'https://slsa.dev/provenance/v1');
  const tampered = clone(GH) as { dsseEnvelope: { payload: string } };
  const st = JSON.parse(Buffer.from(tampered.dsseEnvelope.payload, 'base64').toString()) as { predicate: { buildDefinition: { externalParameters: { workflow: { repository: string } } } } };
  st.predicate.buildDefinition.externalParameters.workflow.repository = 'https://github.com/malancas/attest-demo-evil';
  tampered.dsseEnvelope.payload = Buffer.from(JSON.stringify(st)).toString('base64');
  await attach(reg, 'acme/gh-tampered', GH_SUBJECT, Buffer.from(JSON.stringify(tampered)), 'https://slsa.dev/provenance/v1');
  await attach(reg, 'acme/gh-other', OTHER, ghBundle, 'https://slsa.dev/provenance/v1');
  // 6. BuildKit's unsigned provenance inside the index.
  bkIndex = await pushBuildkitIndex(reg, 'acme/buildkit', '1');
  // 7. A mirrored image whose signature and attestations live only in the other registry (Docker Hardened Images' layout).
  mirrorDigest = (await reg.pushImage('acme/mirror', '1', { kind: 'oci', seed: 'mirror' })).digest;
  const where = 'mirror/acme/mirror';
  await attach(scout, where, mirrorDigest, makeBundle(`${reg.host}/acme/mirror`, mirrorDigest, key), 'https://sigstore.dev/cosign/sign/v1');
  const provenance = statement(`${reg.host}/acme/mirror`, mirrorDigest, 'https://slsa.dev/provenance/v0.2', {
    builder: { id: 'https://dhi.example/builder' },
    buildType: 'https://dhi.example/build/v1',
    invocation: { configSource: { uri: 'git+https://github.com/acme/images@refs/heads/main', digest: { sha1: 'c'.repeat(40) }, entryPoint: 'node/Dockerfile' } },
  });
  await attach(scout, where, mirrorDigest, makeStatementBundle(provenance, key), 'https://slsa.dev/provenance/v0.2');
  const old = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const scan = statement(`${reg.host}/acme/mirror`, mirrorDigest, 'https://cosign.sigstore.dev/attestation/vuln/v1', {
    scanner: { uri: 'pkg:github/aquasecurity/trivy@0.58.0', version: '0.58.0', result: { Results: [{ Vulnerabilities: [{ Severity: 'HIGH' }, { Severity: 'LOW' }, { Severity: 'LOW' }] }] } },
    metadata: { scanStartedOn: old, scanFinishedOn: old },
  });
  await attach(scout, where, mirrorDigest, makeStatementBundle(scan, key), 'https://cosign.sigstore.dev/attestation/vuln/v1');

  dockerConfig = path.join(work, 'docker');
  fs.mkdirSync(dockerConfig);
  fs.writeFileSync(path.join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [scout.host]: { auth: Buffer.from(`${scout.username}:${scout.password}`).toString('base64') } } }));
  fs.writeFileSync(path.join(work, 'publisher.pub'), key.publicKeyPem);
  const gh = { identities: [{ identityRegexp: SIGNER_RX, issuer: GH_ISSUER }], sourceRepository: 'https://github.com/malancas/attest-demo' };
  const mirror = { required: true, keys: [{ path: 'publisher.pub', tlog: false }], provenance: { builder: 'https://dhi.example/builder', sourceRepository: 'https://github.com/acme/images' }, scans: { maxAgeDays: 7 } };
  policyFile = path.join(work, 'policy.json');
  fs.writeFileSync(
    policyFile,
    JSON.stringify(
      {
        version: 1,
        images: [
          { pattern: `${reg.host}/acme/gh-wrong`, provenance: { identities: [{ identityRegexp: 'https://github\\.com/acme/.*', issuer: GH_ISSUER }] } },
          { pattern: `${reg.host}/acme/gh*`, provenance: gh },
          { pattern: `${reg.host}/acme/cosign`, identities: [{ identity: 'cody@soyland.com', issuer: 'https://github.com/login/oauth' }] },
          { pattern: `${reg.host}/acme/buildkit`, provenance: { identities: [{ identityRegexp: 'https://github\\.com/acme/.*', issuer: GH_ISSUER }] } },
          { pattern: `${reg.host}/acme/mirror`, ...mirror, attestationRepository: `${scout.host}/mirror/{repository}` },
        ],
      },
      null,
      2,
    ),
  );
  // The same policy for the same image, without the attestation repository: where cosign and this checker looked before.
  plainPolicyFile = path.join(work, 'policy-plain.json');
  fs.writeFileSync(plainPolicyFile, JSON.stringify({ version: 1, images: [{ pattern: `${reg.host}/acme/mirror`, ...mirror }] }));
});

after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await reg?.stop();
  await scout?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** The shipped CLI in a fresh process: nothing from the user's environment but PATH (and the docker config made here). */
function cli(args: readonly string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '', HOME: work, NO_PROXY: '*', DOCKER_CONFIG: dockerConfig } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
}

interface JsonProvenance {
  readonly state: string;
  readonly verified: boolean;
  readonly required: boolean;
  readonly detail: string;
  readonly builder?: string;
  readonly sourceRepository?: string;
  readonly sourceCommit?: string;
  readonly workflow?: string;
  readonly signer?: string;
  readonly loggedAt?: string;
  readonly foundIn?: string;
  readonly repository?: string;
  readonly unsignedProvenance: number;
  readonly scan?: { state: string; scanner?: string; ageDays?: number; maxAgeDays?: number; counts?: Record<string, number> };
}
interface JsonImage {
  readonly reference: string;
  readonly headline: string;
  readonly lines: readonly string[];
  readonly verified: boolean;
  readonly provenance?: JsonProvenance;
}

let n = 0;
const FROM = (): Record<string, string> => ({
  gh: `FROM ${reg.host}/acme/gh@${GH_SUBJECT}`,
  cosign: `FROM ${reg.host}/acme/cosign@${COSIGN_SUBJECT}`,
  att: `FROM ${reg.host}/acme/gh-att@${GH_SUBJECT}`,
  wrong: `FROM ${reg.host}/acme/gh-wrong@${GH_SUBJECT}`,
  tampered: `FROM ${reg.host}/acme/gh-tampered@${GH_SUBJECT}`,
  other: `FROM ${reg.host}/acme/gh-other@${OTHER}`,
  buildkit: `FROM ${reg.host}/acme/buildkit:1`,
  mirror: `FROM ${reg.host}/acme/mirror:1`,
});

async function checkJson(names: readonly string[], format: 'json' | 'sarif' = 'json', policy = policyFile): Promise<{ run: Run; doc: unknown }> {
  const file = path.join(work, `Dockerfile.${n++}`);
  fs.writeFileSync(file, names.map((k) => FROM()[k]).join('\n') + '\n');
  const run = await cli(['check', '--policy', policy, '--insecure-registry', reg.host, '--insecure-registry', scout.host, '--cache-dir', path.join(work, `cache-${n}`), '--format', format, file]);
  assert.ok(run.out.startsWith('{'), `CLI output: ${run.out}\n${run.err}`);
  return { run, doc: JSON.parse(run.out) };
}

function findingsOf(doc: unknown): { code: string; line: number; message: string; severity: string }[] {
  return (doc as { files: { findings: { code: string; line: number; message: string; severity: string }[] }[] }).files[0]!.findings;
}

describe('CLI (dist/cli.js) on the real registry', () => {
  test('real public bundles as referrers and as a legacy .att tag: verified offline; wrong identity, tampered copy and another subject refused', async () => {
    const names = ['gh', 'att', 'wrong', 'tampered', 'other', 'cosign'];
    const { run, doc } = await checkJson(names);
    const images = (doc as { files: { images: JsonImage[] }[] }).files[0]!.images;
    const at = (k: string): JsonImage => images[names.indexOf(k)]!;
    const dt405 = findingsOf(doc).filter((f) => f.code === 'DT405');
    const lineOf = (k: string): number => names.indexOf(k) + 1;

    for (const k of ['gh', 'att']) {
      const p = at(k).provenance;
      assert.ok(p, `${k}: ${JSON.stringify(at(k))}\n${run.err}`);
      assert.equal(p.state, 'verified', `${k}: ${JSON.stringify(p)}\n${at(k).lines.join('\n')}\n${run.err}`);
      assert.equal(p.verified, true);
      assert.equal(p.builder, 'https://github.com/actions/runner/github-hosted');
      assert.equal(p.sourceRepository, 'https://github.com/malancas/attest-demo');
      assert.equal(p.sourceCommit, '95baf27389e83e6a5c48f42e190d48d7abcea19e');
      assert.equal(p.workflow, '.github/workflows/shared.yml');
      assert.equal(p.signer, 'https://github.com/github/artifact-attestations-workflows/.github/workflows/attest.yml@09b495c3f12c7881b3cc17209a327792065c1a1d');
      assert.equal(p.loggedAt, '2024-05-24T19:14:24.000Z');
      assert.equal(p.foundIn, k === 'gh' ? 'referrer' : 'legacy-att');
      // Provenance is not a signature: the signature verdict stays "not verified" (no signature source answered).
      assert.equal(at(k).verified, false);
      assert.ok(at(k).lines.some((l) => /^Built by https:\/\/github\.com\/actions\/runner\/github-hosted from https:\/\/github\.com\/malancas\/attest-demo@95baf27389e8 \(\.github\/workflows\/shared\.yml\), attested by .*, logged 2024-05-24T19:14:24\.000Z ✓$/.test(l)), at(k).lines.join('\n'));
      assert.ok(!dt405.some((f) => f.line === lineOf(k)), JSON.stringify(dt405));
    }
    assert.equal(at('wrong').provenance?.state, 'untrusted');
    assert.match(dt405.find((f) => f.line === lineOf('wrong'))?.message ?? '', /signed by nobody the policy trusts/);
    for (const k of ['tampered', 'other']) {
      assert.equal(at(k).provenance?.state, 'invalid', `${k}: ${JSON.stringify(at(k).provenance)}`);
      assert.equal(at(k).provenance?.verified, false);
      assert.match(dt405.find((f) => f.line === lineOf(k))?.message ?? '', /failed verification/);
      assert.equal(dt405.find((f) => f.line === lineOf(k))?.severity, 'error');
    }
    // What each refusal stopped: a valid attestation of another artifact (substitution), an altered statement.
    assert.ok(at('other').lines.some((l) => l.includes(`failed verification: the attestation is about sha256:49a3aa6075e0…, not ${OTHER}`)), at('other').lines.join('\n'));
    assert.ok(at('tampered').lines.some((l) => /failed verification: DSSE payload hash mismatch/.test(l)), at('tampered').lines.join('\n'));
    // The subjects are not image manifests of this registry (the bundles are about what their publishers attested):
    // DT301 says so, and nothing else changes.
    assert.ok(findingsOf(doc).some((f) => f.code === 'DT301' && f.line === lineOf('gh')));
    // cosign's real `attest` bundle: a custom predicate, verified and recorded as what it is (not provenance).
    assert.ok(at('cosign').lines.some((l) => /^Attestation https:\/\/cosign\.sigstore\.dev\/attestation\/v1, attested by cody@soyland\.com, logged 2025-02-28T19:18:11\.000Z/.test(l)), at('cosign').lines.join('\n'));
    assert.equal(at('cosign').provenance?.state, 'missing');
    assert.equal(run.code, 1, 'error findings fail the run');
  });

  test('BuildKit provenance in the image index is shown as unsigned, never verified, and does not satisfy the policy', async () => {
    const { doc } = await checkJson(['buildkit']);
    const img = (doc as { files: { images: JsonImage[] }[] }).files[0]!.images[0]!;
    assert.equal(img.provenance?.state, 'unsigned', JSON.stringify(img));
    assert.equal(img.provenance?.verified, false);
    assert.equal(img.provenance?.unsignedProvenance, 1);
    assert.ok(img.lines.some((l) => /^Unsigned, as the registry serves it \(BuildKit attestation for linux\/amd64\): built by https:\/\/github\.com\/docker\/buildx\/\.github\/workflows\/.*|^Unsigned, as the registry serves it \(BuildKit attestation for linux\/amd64\)/.test(l)), img.lines.join('\n'));
    assert.ok(!img.lines.some((l) => l.endsWith('✓')), img.lines.join('\n'));
    const f = findingsOf(doc).find((x) => x.code === 'DT405');
    assert.match(f?.message ?? '', /only unsigned BuildKit provenance in the image index, as the registry serves it \(1 statement\)/);
    assert.ok(img.lines.some((l) => l.includes(bkIndex)), 'the index digest is the one judged');
  });

  test('the attestation repository (COSIGN_REPOSITORY): signature and provenance found in the other registry; without it the same image reads unsigned', async () => {
    const { run, doc } = await checkJson(['mirror']);
    const mirror = (doc as { files: { images: JsonImage[] }[] }).files[0]!.images[0]!;
    const findings = findingsOf(doc);
    assert.equal(mirror.verified, true, `${JSON.stringify(mirror)}\n${run.err}`);
    assert.match(mirror.headline, /^signed by key sha256:/);
    assert.ok(!mirror.lines.some((l) => l.startsWith('Not signed')), mirror.lines.join('\n'));
    assert.equal(mirror.provenance?.state, 'verified', JSON.stringify(mirror.provenance));
    assert.equal(mirror.provenance?.builder, 'https://dhi.example/builder');
    assert.equal(mirror.provenance?.sourceRepository, 'https://github.com/acme/images');
    assert.equal(mirror.provenance?.repository, `${scout.host}/mirror/acme/mirror`);
    assert.ok(mirror.lines.includes(`Signed attestations looked up in ${scout.host}/mirror/acme/mirror (the policy's attestation repository)`), mirror.lines.join('\n'));
    // The scan is signed and found, but 30 days old: the policy allows 7.
    assert.equal(mirror.provenance?.scan?.state, 'stale');
    assert.deepEqual(mirror.provenance?.scan?.counts, { critical: 0, high: 1, medium: 0, low: 2, unknown: 0 });
    assert.ok(findings.some((f) => f.code === 'DT406' && /30 days old .*allows 7/.test(f.message)), JSON.stringify(findings));
    assert.ok(!findings.some((f) => f.code === 'DT401' || f.code === 'DT405'), JSON.stringify(findings));

    // The same image and digest under the same policy without the override: no signature, no provenance where it is looked for.
    const plain = await checkJson(['mirror'], 'json', plainPolicyFile);
    const img = (plain.doc as { files: { images: JsonImage[] }[] }).files[0]!.images[0]!;
    assert.equal(img.verified, false);
    assert.ok(img.lines.some((l) => l.includes(`no cosign signature for ${mirrorDigest} in ${reg.host}/acme/mirror`)), img.lines.join('\n'));
    const codes = findingsOf(plain.doc).map((f) => f.code);
    assert.ok(codes.includes('DT401') && codes.includes('DT405'), codes.join(' '));
  });

  test('SARIF carries the same provenance facts as the JSON output', async () => {
    const { doc } = await checkJson(['gh', 'buildkit'], 'sarif');
    const run = (doc as { runs: { properties?: { images?: { reference: string; signature: { verified: boolean }; provenance?: JsonProvenance }[] }; results: { ruleId: string }[] }[] }).runs[0]!;
    const imgs = run.properties?.images ?? [];
    assert.equal(imgs.length, 2, JSON.stringify(run.properties));
    assert.equal(imgs[0]?.provenance?.state, 'verified');
    assert.equal(imgs[0]?.provenance?.sourceCommit, '95baf27389e83e6a5c48f42e190d48d7abcea19e');
    assert.equal(imgs[1]?.provenance?.state, 'unsigned');
    assert.ok(run.results.some((r) => r.ruleId === 'base-image-provenance-unverified'));
  });
});

describe('language server on the real registry', { concurrency: false }, () => {
  const settings = (): unknown => ({ registries: { [reg.host]: { insecureHttp: true }, [scout.host]: { insecureHttp: true } }, trust: { policyFile } });

  test('hover: "Built by … from …@… (…), attested by …, logged …" with links; BuildKit provenance unsigned; the override found; DT405/DT406 where due', async () => {
    const c = await startLsp({ settings: settings(), env: { ...process.env, DOCKER_CONFIG: dockerConfig, NO_PROXY: '*' } });
    clients.push(c);
    const uri = 'file:///work/provenance/Dockerfile';
    const lines = ['gh', 'buildkit', 'mirror', 'tampered', 'att'].map((k) => FROM()[k]!);
    c.open(uri, lines.join('\n') + '\n', 1);
    const p = await c.until(uri, (x) => x.diagnostics.some((d) => d.code === 'DT406') && x.diagnostics.filter((d) => d.code === 'DT405').length >= 2, 90_000);
    const codes = p.diagnostics.map((d) => `${d.range.start.line + 1}:${String(d.code)}`);
    assert.ok(!codes.includes('1:DT405') && codes.includes('2:DT405') && !codes.includes('3:DT405') && codes.includes('4:DT405') && !codes.includes('5:DT405') && codes.includes('3:DT406'), codes.join(' '));
    assert.ok(!codes.includes('3:DT401'), 'the mirror is signed (in the attestation repository)');

    const hover = async (line: number): Promise<string> => {
      const h = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: lines[line]!.indexOf('acme') + 2 } });
      return (h?.contents as MarkupContent).value;
    };
    const gh = await hover(0);
    assert.match(gh, /Built by \[https:\/\/github\.com\/actions\/runner\/github-hosted\]\(<https:\/\/github\.com\/actions\/runner\/github-hosted>\) from \[https:\/\/github\.com\/malancas\/attest-demo@95baf27389e8\]\(<https:\/\/github\.com\/malancas\/attest-demo\/commit\/95baf27389e83e6a5c48f42e190d48d7abcea19e>\) \(\[\.github\/workflows\/shared\.yml\]\(<https:\/\/github\.com\/malancas\/attest-demo\/blob\/95baf27389e83e6a5c48f42e190d48d7abcea19e\/\.github\/workflows\/shared\.yml>\)\), attested by https:\/\/github\.com\/github\/artifact-attestations-workflows\/\.github\/workflows\/attest\.yml@09b495c3f12c7881b3cc17209a327792065c1a1d, logged \[2024-05-24T19:14:24\.000Z\]\(<https:\/\/search\.sigstore\.dev\/\?logIndex=96764485>\) ✓/);
    const bk = await hover(1);
    assert.match(bk, /Unsigned, as the registry serves it \(BuildKit attestation for linux\/amd64\)/);
    assert.doesNotMatch(bk, /Built by/);
    const mirror = await hover(2);
    assert.match(mirror, /signed by key sha256:/);
    assert.match(mirror, /Built by \[https:\/\/dhi\.example\/builder\]\(<https:\/\/dhi\.example\/builder>\) from \[https:\/\/github\.com\/acme\/images@cccccccccccc\]/);
    assert.match(mirror, /Vulnerability scan by .*1 high, 0 medium, 2 low.*30 days old — older than the 7 days the policy allows/);
    assert.ok(mirror.includes(`Signed attestations looked up in ${scout.host}/mirror/acme/mirror`), mirror);
    const tampered = await hover(3);
    assert.match(tampered, /failed verification: DSSE payload hash mismatch/);
    assert.doesNotMatch(tampered, /Built by/);
    const att = await hover(4);
    assert.match(att, /Built by \[https:\/\/github\.com\/actions\/runner\/github-hosted\].* logged \[2024-05-24T19:14:24\.000Z\]\(<https:\/\/search\.sigstore\.dev\/\?logIndex=96764485>\) ✓/);
  });
});
