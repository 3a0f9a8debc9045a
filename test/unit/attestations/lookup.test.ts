// The attestation lookup (trust/attestations/source.ts) over registries the Debian docker-registry cannot be (one WITH the
// referrers API, one that answers hostile listings): a real GitHub artifact attestation attached to its subject, the
// priority and caps that keep provenance from being crowded out, the attestation repository override with its own client,
// offline, server errors, and BuildKit provenance that never verifies. The 2.8.2 paths run for real in
// test/integration/attestations-registry.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describeImage } from '../../../server/src/core/describe';
import type { AttestationsFact, ImageFacts, RegistryFact } from '../../../server/src/core/facts';
import { parseReference, type ParsedReference } from '../../../server/src/core/imageRef';
import { provenanceVerdict } from '../../../server/src/core/provenanceVerdict';
import { trustVerdict } from '../../../server/src/core/verdict';
import type { HttpClient, HttpResult } from '../../../server/src/registry/http';
import { attestationPlugin } from '../../../server/src/trust/attestations/source';
import { embeddedTrustedRoot } from '../../../server/src/trust/cosign/trustRoot';
import { matchPolicy } from '../../../server/src/trust/policy';
import { parsePolicy } from '../../support/policy';
import { BUNDLE_TYPE } from '../../support/cosign';
import { fixture, subjectDigestOf } from './vectors';

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const GH_ISSUER = 'https://token.actions.githubusercontent.com';
const REUSABLE = fixture('github-reusable-workflow.sigstore.json');
const SUBJECT = subjectDigestOf(REUSABLE);
const SIGNER_RX = 'https://github\\.com/github/artifact-attestations-workflows/\\.github/workflows/attest\\.yml@.*';

interface Registry {
  readonly base: string;
  readonly paths: Map<string, Buffer>;
  readonly requests: string[];
  http: HttpClient;
  /** Status for paths matching a prefix (a failing registry). */
  readonly fail: Map<string, number>;
}

function registry(base: string, referrersApi = true): Registry {
  const r: Registry = {
    base,
    paths: new Map(),
    requests: [],
    fail: new Map(),
    http: async () => ({ ok: false, kind: 'unreachable', message: 'unset' }),
  };
  r.http = async (req): Promise<HttpResult> => {
    r.requests.push(req.url);
    const path = req.url.slice(base.length);
    for (const [prefix, status] of r.fail) if (path.startsWith(prefix)) return { ok: true, status, headers: {}, body: new Uint8Array(), url: req.url };
    if (path.includes('/referrers/') && referrersApi) {
      const digest = path.slice(path.lastIndexOf('/') + 1);
      const listing = r.paths.get(`referrers:${path.slice(0, path.indexOf('/referrers/'))}:${digest}`) ?? Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] }));
      return { ok: true, status: 200, headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' }, body: listing, url: req.url };
    }
    const body = r.paths.get(path);
    if (!body) return { ok: true, status: 404, headers: {}, body: new Uint8Array(), url: req.url };
    if (body.length > req.maxBytes) return { ok: false, kind: 'too-large', message: 'too large' };
    return { ok: true, status: 200, headers: { 'content-type': 'application/json' }, body, url: req.url };
  };
  return r;
}

/** Attaches a bundle to `subject` in `repo` as a referrer (listed by the referrers API with its annotations). */
function attach(r: Registry, repo: string, subject: string, bundle: Buffer, predicateType: string, opts: { declaredSize?: number } = {}): void {
  r.paths.set(`/v2/${repo}/blobs/${sha(bundle)}`, bundle);
  const annotations = { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': predicateType };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: BUNDLE_TYPE,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha(Buffer.from('{}')), size: 2 },
      layers: [{ mediaType: BUNDLE_TYPE, digest: sha(bundle), size: opts.declaredSize ?? bundle.length }],
      subject: { mediaType: 'application/vnd.oci.image.index.v1+json', digest: subject, size: 1 },
      annotations,
    }),
  );
  r.paths.set(`/v2/${repo}/manifests/${sha(manifest)}`, manifest);
  const key = `referrers:/v2/${repo}:${subject}`;
  const prev = r.paths.get(key);
  const manifests = prev ? (JSON.parse(prev.toString()) as { manifests: unknown[] }).manifests : [];
  manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length, artifactType: BUNDLE_TYPE, annotations });
  r.paths.set(key, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests })));
}

function ref(text: string): ParsedReference {
  const r = parseReference(text);
  assert.ok(r.ok, text);
  return r;
}

function registryFact(digest: string, extra: Partial<Extract<RegistryFact, { state: 'ok' }>> = {}): RegistryFact {
  return { state: 'ok', registry: 'registry.test', digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', isIndex: false, platforms: [], pinnedDigestKnown: true, lookedUpAt: new Date().toISOString(), fromCache: false, ...extra };
}

function policy(entry: Record<string, unknown>) {
  const p = parsePolicy({ version: 1, images: [{ pattern: 'registry.test/**', ...entry }] });
  assert.ok(p.ok, p.ok ? '' : p.errors.join('\n'));
  return p.policy;
}

const PROVENANCE_ENTRY = { provenance: { identities: [{ identityRegexp: SIGNER_RX, issuer: GH_ISSUER }], sourceRepository: 'https://github.com/malancas/attest-demo' } };

async function lookUp(
  images: Registry,
  r: ParsedReference,
  entry: Record<string, unknown>,
  o: { offline?: boolean; others?: Record<string, Registry>; registry?: RegistryFact; cosign?: boolean } = {},
): Promise<{ fact: AttestationsFact; asked: string[] }> {
  const asked: string[] = [];
  const plugin = attestationPlugin({
    httpFor: (where) => {
      asked.push(`${where.registry}/${where.repository}`);
      const other = o.others?.[where.registry];
      assert.ok(other, `a client for ${where.registry}`);
      return other.http;
    },
    registryBase: (host) => o.others?.[host]?.base ?? `https://${host}`,
    trustedRoot: async () => embeddedTrustedRoot(),
    offline: o.offline ?? false,
    cosignEnabled: o.cosign ?? true,
    timeoutMs: 5_000,
  });
  const pol = policy(entry);
  const e = matchPolicy(pol, r);
  assert.ok(plugin.applies(r, e), 'the plug-in applies');
  const digest = r.digest ?? (o.registry?.state === 'ok' ? o.registry.digest : null);
  const fact = await plugin.lookup({ ref: r, registry: o.registry ?? registryFact(digest ?? ''), digest, entry: e, http: images.http, baseUrl: images.base, now: new Date() });
  return { fact, asked };
}

test('a real GitHub artifact attestation as a referrer: verified offline, the policy satisfied, the hover line with links', async () => {
  const reg = registry('https://registry.test');
  attach(reg, 'acme/app', SUBJECT, Buffer.from(JSON.stringify(REUSABLE)), 'https://slsa.dev/provenance/v1');
  const r = ref(`registry.test/acme/app@${SUBJECT}`);
  const { fact } = await lookUp(reg, r, PROVENANCE_ENTRY);
  assert.equal(fact.state, 'checked', fact.reason);
  assert.deepEqual(fact.paths, ['referrers-api']);
  assert.equal(fact.provenance?.status, 'satisfied', JSON.stringify(fact.provenance));
  const facts: ImageFacts = { registry: registryFact(SUBJECT), attestations: fact, policy: { required: false } };
  const v = provenanceVerdict(r, facts);
  assert.equal(v.state, 'verified');
  const d = describeImage(r, facts, new Date());
  // The signature verdict is untouched by a verified provenance: no signature source answered.
  assert.equal(d.verified, false);
  assert.equal(trustVerdict(r, facts).verified, false);
  const i = d.lines.findIndex((l) => l.startsWith('Built by'));
  assert.equal(
    d.lines[i],
    'Built by https://github.com/actions/runner/github-hosted from https://github.com/malancas/attest-demo@95baf27389e8 (.github/workflows/shared.yml), attested by https://github.com/github/artifact-attestations-workflows/.github/workflows/attest.yml@09b495c3f12c7881b3cc17209a327792065c1a1d, logged 2024-05-24T19:14:24.000Z ✓',
  );
  const links = (d.lineSegments?.[i] ?? []).filter((s) => s.href !== undefined).map((s) => s.href);
  assert.deepEqual(links, [
    'https://github.com/actions/runner/github-hosted',
    'https://github.com/malancas/attest-demo/commit/95baf27389e83e6a5c48f42e190d48d7abcea19e',
    'https://github.com/malancas/attest-demo/blob/95baf27389e83e6a5c48f42e190d48d7abcea19e/.github/workflows/shared.yml',
    'https://search.sigstore.dev/?logIndex=96764485',
  ]);
  assert.equal(d.provenance?.verified, true);
  assert.equal(d.provenance?.sourceCommit, '95baf27389e83e6a5c48f42e190d48d7abcea19e');
});

test('the same attestation under a policy that trusts another signer or another source: never verified', async () => {
  const reg = registry('https://registry.test');
  attach(reg, 'acme/app', SUBJECT, Buffer.from(JSON.stringify(REUSABLE)), 'https://slsa.dev/provenance/v1');
  const r = ref(`registry.test/acme/app@${SUBJECT}`);
  const wrongIdentity = await lookUp(reg, r, { provenance: { identities: [{ identityRegexp: 'https://github\\.com/acme/.*', issuer: GH_ISSUER }] } });
  assert.equal(wrongIdentity.fact.provenance?.status, 'mismatch');
  assert.equal(provenanceVerdict(r, { attestations: wrongIdentity.fact }).state, 'untrusted');
  const wrongSource = await lookUp(reg, r, { provenance: { identities: [{ identityRegexp: SIGNER_RX, issuer: GH_ISSUER }], sourceRepository: 'https://github.com/acme/app' } });
  assert.equal(provenanceVerdict(r, { attestations: wrongSource.fact }).state, 'mismatch');
  // Another subject: the bundle attached to another digest is a substitution.
  const other = `sha256:${'ab'.repeat(32)}`;
  attach(reg, 'acme/app', other, Buffer.from(JSON.stringify(REUSABLE)), 'https://slsa.dev/provenance/v1');
  const moved = await lookUp(reg, ref(`registry.test/acme/app@${other}`), PROVENANCE_ENTRY);
  assert.equal(moved.fact.items[0]?.state, 'invalid');
  assert.equal(provenanceVerdict(ref(`registry.test/acme/app@${other}`), { attestations: moved.fact }).state, 'invalid');
});

test('provenance is read first: a crowd of SBOM referrers cannot push it past the caps; what the caps leave is counted', async () => {
  const reg = registry('https://registry.test');
  for (let i = 0; i < 40; i++) attach(reg, 'acme/app', SUBJECT, Buffer.from(JSON.stringify({ filler: i })), 'https://spdx.dev/Document');
  attach(reg, 'acme/app', SUBJECT, Buffer.from(JSON.stringify(REUSABLE)), 'https://slsa.dev/provenance/v1');
  const r = ref(`registry.test/acme/app@${SUBJECT}`);
  const { fact } = await lookUp(reg, r, PROVENANCE_ENTRY);
  assert.equal(fact.provenance?.status, 'satisfied');
  assert.ok(fact.unchecked > 0, 'the SBOMs past the cap are counted, not forgotten');
  // Without the provenance, "missing" is not sure while some were never read.
  const crowd = registry('https://registry.test');
  for (let i = 0; i < 40; i++) attach(crowd, 'acme/app', SUBJECT, Buffer.from(JSON.stringify({ filler: i })), 'https://spdx.dev/Document');
  const none = await lookUp(crowd, r, PROVENANCE_ENTRY);
  assert.equal(provenanceVerdict(r, { attestations: none.fact }).state, 'unavailable');
});

test('oversized bundles are not downloaded: recorded as unverifiable, with the label the registry gave them', async () => {
  const reg = registry('https://registry.test');
  attach(reg, 'acme/app', SUBJECT, Buffer.from('{}'), 'https://slsa.dev/provenance/v1', { declaredSize: 64 * 1024 * 1024 });
  const r = ref(`registry.test/acme/app@${SUBJECT}`);
  const { fact } = await lookUp(reg, r, PROVENANCE_ENTRY);
  assert.equal(fact.items.length, 1);
  assert.equal(fact.items[0]?.state, 'unverifiable');
  assert.ok(!reg.requests.some((u) => u.includes('/blobs/')), 'no blob was fetched');
  assert.notEqual(provenanceVerdict(r, { attestations: fact }).state, 'verified');
});

test('attestation repository (COSIGN_REPOSITORY): looked up there with a client for that repository only; the image registry is not asked for referrers', async () => {
  const images = registry('https://registry.test');
  const scout = registry('https://attestations.example');
  attach(scout, 'mirror/acme/app', SUBJECT, Buffer.from(JSON.stringify(REUSABLE)), 'https://slsa.dev/provenance/v1');
  const r = ref(`registry.test/acme/app@${SUBJECT}`);
  const { fact, asked } = await lookUp(images, r, { ...PROVENANCE_ENTRY, attestationRepository: 'attestations.example/mirror/{repository}' }, { others: { 'attestations.example': scout } });
  assert.deepEqual(asked, ['attestations.example/mirror/acme/app']);
  assert.equal(fact.overridden, true);
  assert.equal(fact.repository, 'attestations.example/mirror/acme/app');
  assert.equal(fact.provenance?.status, 'satisfied');
  assert.deepEqual(images.requests, [], 'nothing asked of the image registry (a single manifest: no index to read)');
  assert.ok(scout.requests.every((u) => u.startsWith('https://attestations.example/v2/mirror/acme/app/')), scout.requests.join('\n'));
});

test('offline: nothing is fetched, and the answer is "cannot be checked", never "missing"', async () => {
  const reg = registry('https://registry.test');
  const r = ref(`registry.test/acme/app@${SUBJECT}`);
  const { fact } = await lookUp(reg, r, PROVENANCE_ENTRY, { offline: true });
  assert.equal(fact.state, 'unavailable');
  assert.deepEqual(reg.requests, []);
  assert.equal(provenanceVerdict(r, { attestations: fact }).state, 'unavailable');
});

test('a registry error or refusal is "cannot be checked", never "no provenance"', async () => {
  for (const status of [500, 401, 429]) {
    const reg = registry('https://registry.test');
    reg.fail.set('/v2/acme/app/referrers/', status);
    const r = ref(`registry.test/acme/app@${SUBJECT}`);
    const { fact } = await lookUp(reg, r, PROVENANCE_ENTRY);
    assert.equal(fact.state, 'unavailable', `HTTP ${status}`);
    assert.equal(provenanceVerdict(r, { attestations: fact }).state, 'unavailable');
  }
});

test('BuildKit provenance in the image index: read, shown as unsigned, never verified, never satisfying the policy', async () => {
  const reg = registry('https://registry.test');
  const platform = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(Buffer.from('{}')), size: 2 }, layers: [] }));
  const statement = Buffer.from(JSON.stringify({ ...(fixture('buildkit-v1-min.intoto.json') as object), subject: [{ name: 'x', digest: { sha256: sha(platform).slice(7) } }] }));
  const attManifest = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(Buffer.from('{}')), size: 2 }, layers: [{ mediaType: 'application/vnd.in-toto+json', digest: sha(statement), size: statement.length, annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v1' } }] }),
  );
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(platform), size: platform.length, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(attManifest), size: attManifest.length, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': sha(platform) } },
      ],
    }),
  );
  for (const b of [platform, attManifest, index]) reg.paths.set(`/v2/acme/app/manifests/${sha(b)}`, b);
  reg.paths.set(`/v2/acme/app/blobs/${sha(statement)}`, statement);
  const r = ref('registry.test/acme/app:1');
  const regFact = registryFact(sha(index), { isIndex: true, mediaType: 'application/vnd.oci.image.index.v1+json', platforms: [{ os: 'linux', architecture: 'amd64', digest: sha(platform) }] });
  const { fact } = await lookUp(reg, r, PROVENANCE_ENTRY, { registry: regFact });
  assert.deepEqual(fact.paths, ['image-index', 'referrers-api']);
  assert.equal(fact.items.length, 1);
  assert.equal(fact.items[0]?.state, 'unsigned');
  const facts: ImageFacts = { registry: regFact, attestations: fact };
  const v = provenanceVerdict(r, facts);
  assert.equal(v.state, 'unsigned');
  assert.equal(v.verified, false);
  const d = describeImage(r, facts, new Date());
  assert.ok(d.lines.some((l) => /^Unsigned, as the registry serves it \(BuildKit attestation for linux\/amd64\)/.test(l)), d.lines.join('\n'));
  assert.ok(!d.lines.some((l) => l.endsWith('✓')), 'nothing unsigned is shown as verified');
  assert.equal(d.lineSegments, undefined);
});
