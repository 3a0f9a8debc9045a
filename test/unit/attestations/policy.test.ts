// The provenance policy: the entry parser both ways, the attestation-repository template, and evaluateProvenance /
// evaluateScans over real verified attestations.
import { fileKeyReader } from '../../../server/src/stores/policyFiles';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAttestationRequirements, type ProvenanceRequirement, type ScanRequirement, type SignerSet } from '../../../server/src/trust/attestations/policy';
import { parseAttestationRepository, resolveAttestationRepository } from '../../../server/src/trust/attestations/repository';
import { evaluateProvenance, newestTrustedScan } from '../../../server/src/trust/attestations/evaluate';
import { verifyAttestationBundle } from '../../../server/src/trust/attestations/verify';
import type { AttestationFact, UnsignedAttestationFact, VerifiedAttestationFact } from '../../../server/src/trust/attestations/facts';
import { describeAttestation } from '../../../server/src/core/describeAttestations';
import { scanVerdict } from '../../../server/src/core/provenanceVerdict';
import { parseReference } from '../../../server/src/core/imageRef';
import type { ImageFacts } from '../../../server/src/core/facts';
import { BEACON, conformance, fixture, GH_ISSUER, keySignedBundle, NEEDS_CONFORMANCE, root, statementFor, subjectDigestOf, testKey } from './vectors';

const NONE: SignerSet = { keys: [], identities: [] };
const GH_REUSABLE = 'https://github.com/github/artifact-attestations-workflows/.github/workflows/attest.yml@09b495c3f12c7881b3cc17209a327792065c1a1d';

function parse(entry: Record<string, unknown>, entrySigners: SignerSet = NONE, baseDir = tmpdir()) {
  return parseAttestationRequirements(entry, { where: 'images[0]', baseDir, readKey: fileKeyReader, entrySigners });
}

test('parser: valid entries', () => {
  const r = parse({
    provenance: {
      identities: [{ identityRegexp: 'https://github\\.com/github/artifact-attestations-workflows/.*', issuer: GH_ISSUER }],
      builder: 'https://github.com/actions/runner/github-hosted',
      sourceRepository: 'https://github.com/Malancas/attest-demo.git',
      sourceRefRegexp: 'refs/(heads/main|tags/v.*)',
    },
    scans: { maxAgeDays: 7, identities: [{ identity: 'x', issuer: 'y' }] },
    attestationRepository: 'registry.scout.docker.com/{repository}',
  });
  assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
  const p = r.value.provenance;
  assert.ok(p);
  assert.equal(p.required, true, 'required by default');
  assert.equal(p.signersFrom, 'provenance');
  assert.deepEqual(p.predicateTypes, ['https://slsa.dev/provenance/v1', 'https://slsa.dev/provenance/v0.2']);
  assert.deepEqual(p.sourceRepository, { exact: 'https://github.com/malancas/attest-demo' }, 'normalised');
  assert.deepEqual(p.sourceRef, { regexp: 'refs/(heads/main|tags/v.*)' });
  assert.equal(r.value.scans?.maxAgeDays, 7);
  assert.equal(r.value.attestationRepository?.registry, 'registry.scout.docker.com');

  // Signers inherited from the entry; keys by file, with tlog off (Docker Hardened Images).
  const key = testKey();
  const dir = mkdtempSync(join(tmpdir(), 'att-policy-'));
  writeFileSync(join(dir, 'dhi.pub'), key.publicKeyPem);
  const inherited = parse({ provenance: { required: false } }, { keys: [{ fingerprint: key.fingerprint, publicKeyPem: key.publicKeyPem, tlog: false, origin: 'x' }], identities: [] });
  assert.ok(inherited.ok);
  assert.equal(inherited.value.provenance?.signersFrom, 'entry');
  assert.equal(inherited.value.provenance?.required, false);
  const byFile = parse({ provenance: { keys: [{ path: 'dhi.pub', tlog: false }], predicateTypes: ['https://slsa.dev/provenance/v0.2'] } }, NONE, dir);
  assert.ok(byFile.ok, byFile.ok ? '' : byFile.errors.join());
  assert.equal(byFile.value.provenance?.signers.keys[0]?.fingerprint, key.fingerprint);
  assert.equal(byFile.value.provenance?.signers.keys[0]?.tlog, false);
  const empty = parse({});
  assert.deepEqual(empty.ok ? empty.value : undefined, {}, 'an entry without attestation fields requires nothing');
});

test('parser: every mistake is reported, none silently weakens the requirement', () => {
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ provenance: {} }, /name who signs the provenance/],
    [{ provenance: { keys: [], identities: [] } }, /both empty/],
    [{ provenance: { identities: [{ identity: 'x', issuer: 'y' }], sourceRepositry: 'x' } }, /unknown field "sourceRepositry"/],
    [{ provenance: { identities: [{ identity: 'x', issuer: 'y' }], sourceRepository: 'github.com/org/app' } }, /not a repository URL/],
    [{ provenance: { identities: [{ identity: 'x', issuer: 'y' }], builder: 'a', builderRegexp: 'b' } }, /not both/],
    [{ provenance: { identities: [{ identity: 'x', issuer: 'y' }], sourceRefRegexp: '(' } }, /not a valid regular expression/],
    [{ provenance: { identities: [{ identity: 'x' }] } }, /"issuer"/],
    [{ provenance: { identities: [{ issuer: 'y' }] } }, /exactly one of "identity"/],
    [{ provenance: { keys: [{ pem: 'not a key' }] } }, /not a PEM public key/],
    [{ provenance: { keys: [{ path: '/nonexistent/key.pub' }] } }, /cannot read/],
    [{ provenance: { identities: [{ identity: 'x', issuer: 'y' }], predicateTypes: ['https://spdx.dev/Document'] } }, /predicateTypes/],
    [{ provenance: { identities: [{ identity: 'x', issuer: 'y' }], required: 'yes' } }, /required/],
    [{ provenance: 'yes' }, /must be an object/],
    [{ scans: { maxAgeDays: 0, identities: [{ identity: 'x', issuer: 'y' }] } }, /maxAgeDays/],
    [{ scans: { maxAgeDays: 7 } }, /name who signs the scans/],
    [{ attestationRepository: 'https://registry.example/x' }, /not a URL/],
    [{ attestationRepository: 'sigs' }, /registry host/],
    [{ attestationRepository: 'registry.example/x:tag' }, /no tag or digest/],
    [{ attestationRepository: 'registry.example/UPPER' }, /not valid/],
    [{ attestationRepository: 'registry.example/{repository}/{name}' }, /at most one placeholder/],
  ];
  for (const [entry, want] of bad) {
    const r = parse(entry);
    assert.equal(r.ok, false, JSON.stringify(entry));
    assert.match(r.ok ? '' : r.errors.join('\n'), want, JSON.stringify(entry));
  }
  const many = parse({ provenance: { foo: 1, bar: 2 }, scans: 5, attestationRepository: 7 });
  assert.equal(many.ok ? 0 : many.errors.length >= 4, true, 'all problems at once');
});

test('attestation repository: COSIGN_REPOSITORY meaning, with placeholders for entries covering many images', () => {
  const t = (s: string) => {
    const r = parseAttestationRepository(s);
    assert.ok(r.ok, s);
    return r.value;
  };
  assert.deepEqual(resolveAttestationRepository(t('registry.scout.docker.com/{repository}'), { registry: 'docker.io', repository: 'my-org/dhi-node' }), { ok: true, registry: 'registry.scout.docker.com', repository: 'my-org/dhi-node' });
  assert.deepEqual(resolveAttestationRepository(t('Mirror.Example:5000/sigs/{name}'), { registry: 'ghcr.io', repository: 'org/team/app' }), { ok: true, registry: 'mirror.example:5000', repository: 'sigs/app' });
  assert.deepEqual(resolveAttestationRepository(t('localhost:5000/all-sigs'), { registry: 'ghcr.io', repository: 'org/app' }), { ok: true, registry: 'localhost:5000', repository: 'all-sigs' });
  assert.equal(resolveAttestationRepository(t('registry.example/{repository}'), { registry: 'x', repository: 'a/'.repeat(200) + 'b' }).ok, false);
  for (const ok of ['[::1]:5000/x', 'localhost/x', 'registry-1.docker.io/library/{name}']) assert.ok(parseAttestationRepository(ok).ok, ok);
  for (const bad of ['', 'x', '/x', 'registry..example/x', 'registry.example/', 'registry.example/a//b', 'registry.example/a@sha256:00', 'registry.example:99999/x', 'registry.example/{other}']) assert.equal(parseAttestationRepository(bad).ok, false, bad);
});

// ---------------------------------------------------------------------------------------------------------------------
// Evaluation over real verified attestations.

function verifiedFixture(name: string): VerifiedAttestationFact {
  const b = fixture(name);
  const f = verifyAttestationBundle(b, { subjectDigest: subjectDigestOf(b), root, repository: 'r' });
  assert.equal(f.state, 'verified');
  return f as VerifiedAttestationFact;
}

function req(p: Partial<ProvenanceRequirement>): ProvenanceRequirement {
  return { required: true, signers: NONE, signersFrom: 'provenance', predicateTypes: ['https://slsa.dev/provenance/v1', 'https://slsa.dev/provenance/v0.2'], ...p };
}

const reusable = verifiedFixture('github-reusable-workflow.sigstore.json');
const reusableDigest = reusable.subjectDigest;
const ghSigner: SignerSet = { keys: [], identities: [{ identity: { regexp: 'https://github\\.com/github/artifact-attestations-workflows/\\.github/workflows/attest\\.yml@.*' }, issuer: GH_ISSUER }] };

test('evaluate: satisfied like `gh attestation verify --repo --signer-workflow`, with the source from the certificate', () => {
  const r = evaluateProvenance(req({ signers: ghSigner, sourceRepository: { exact: 'https://github.com/malancas/attest-demo' }, sourceRef: { exact: 'refs/heads/main' }, builder: { exact: 'https://github.com/actions/runner/github-hosted' } }), [reusable], [reusableDigest]);
  assert.equal(r.status, 'satisfied', r.status !== 'satisfied' ? r.reason : '');
  assert.deepEqual(r.status === 'satisfied' && r.source, { repository: 'https://github.com/malancas/attest-demo', ref: 'refs/heads/main', commit: '95baf27389e83e6a5c48f42e190d48d7abcea19e', from: 'certificate' });
  assert.match(describeAttestation(reusable), /^Built by https:\/\/github\.com\/actions\/runner\/github-hosted from https:\/\/github\.com\/malancas\/attest-demo@95baf27389e8 \(\.github\/workflows\/shared\.yml\), attested by https:\/\/github\.com\/github\/artifact-attestations-workflows\/.*, logged 2024-05-24T19:14:24\.000Z$/);
});

test('evaluate: mismatches say which requirement failed', () => {
  const cases: Array<[Partial<ProvenanceRequirement>, RegExp]> = [
    [{ signers: { keys: [], identities: [{ identity: { exact: GH_REUSABLE }, issuer: 'https://accounts.google.com' }] } }, /signed by .*which the policy does not trust/],
    [{ signers: { keys: [], identities: [{ identity: { exact: `${GH_REUSABLE}x` }, issuer: GH_ISSUER }] } }, /does not trust/],
    [{ signers: ghSigner, sourceRepository: { exact: 'https://github.com/my-org/app' } }, /built from https:\/\/github\.com\/malancas\/attest-demo, not "https:\/\/github\.com\/my-org\/app"/],
    [{ signers: ghSigner, sourceRef: { regexp: 'refs/tags/v.*' } }, /ref refs\/heads\/main, not \/refs\/tags\/v\.\*\//],
    [{ signers: ghSigner, builder: { exact: 'https://github.com/actions/runner/self-hosted' } }, /built by https:\/\/github\.com\/actions\/runner\/github-hosted/],
  ];
  for (const [p, want] of cases) {
    const r = evaluateProvenance(req(p), [reusable], [reusableDigest]);
    assert.equal(r.status, 'mismatch');
    assert.match(r.status === 'mismatch' ? r.reason : '', want);
  }
});

test('evaluate: a predicate that claims another source than its signing certificate is a mismatch (real conformance bundle)', NEEDS_CONFORMANCE, () => {
  // The conformance suite re-signed a GitHub provenance of loosebazooka/aa-test from its own beacon repository.
  const b = conformance('happy-path-intoto-in-dsse-v3');
  const v = verifyAttestationBundle(b, { subjectDigest: subjectDigestOf(b), root, repository: 'r' });
  assert.equal(v.state, 'verified');
  const beacon: SignerSet = { keys: [], identities: [{ identity: { exact: BEACON }, issuer: GH_ISSUER }] };
  const r = evaluateProvenance(req({ signers: beacon, sourceRepository: { exact: 'https://github.com/loosebazooka/aa-test' } }), [v], [subjectDigestOf(b)]);
  assert.equal(r.status, 'mismatch');
  assert.match(r.status === 'mismatch' ? r.reason : '', /says it was built from https:\/\/github\.com\/loosebazooka\/aa-test, but the signing certificate says the workflow ran in https:\/\/github\.com\/sigstore-conformance\/extremely-dangerous-public-oidc-beacon/);
  assert.match(describeAttestation(v), /but the provenance says it was built from/);
});

test('evaluate: missing — nothing, unsigned BuildKit provenance, failures and other digests never satisfy', () => {
  const unsigned: UnsignedAttestationFact = { state: 'unsigned', origin: 'buildkit-index', repository: 'r', subjectDigest: reusableDigest, statementType: 'v1', predicateType: 'https://slsa.dev/provenance/v1', facts: reusable.facts, notes: [] };
  const invalid: AttestationFact = { state: 'invalid', origin: 'referrer', repository: 'r', reason: 'tlog entry signature mismatch', attack: 'forged or altered attestation' };
  const r = evaluateProvenance(req({ signers: ghSigner }), [unsigned, invalid], [reusableDigest]);
  assert.equal(r.status, 'missing');
  assert.match(r.status === 'missing' ? r.reason : '', /unsigned BuildKit provenance.*count for nothing.*could not be verified \(first: tlog entry signature mismatch\)/);
  assert.equal(evaluateProvenance(req({ signers: ghSigner }), [reusable], [`sha256:${'0'.repeat(64)}`]).status, 'missing', 'an attestation about another digest');
  assert.equal(evaluateProvenance(req({ signers: ghSigner, predicateTypes: ['https://slsa.dev/provenance/v0.2'] }), [reusable], [reusableDigest]).status, 'missing');
  assert.match(describeAttestation(unsigned), /^Unsigned, as the registry serves it/);
});

test('evaluate: a key that requires a log entry is not satisfied by an unlogged attestation; the first matching candidate wins', () => {
  const key = testKey();
  const digest = `sha256:${'12'.repeat(32)}`;
  const v = verifyAttestationBundle(keySignedBundle(statementFor(digest, 'https://slsa.dev/provenance/v0.2', { builder: { id: 'https://dhi.example/b' }, invocation: { configSource: { uri: 'git+https://github.com/docker-hardened-images/catalog@refs/heads/main', digest: { sha1: 'a'.repeat(40) } } } }), key), {
    subjectDigest: digest,
    root,
    repository: 'r',
    keys: [{ publicKeyPem: key.publicKeyPem, tlog: false }],
  });
  assert.equal(v.state, 'verified');
  const strict = evaluateProvenance(req({ signers: { keys: [{ fingerprint: key.fingerprint, publicKeyPem: key.publicKeyPem, tlog: true, origin: 'x' }], identities: [] } }), [v], [digest]);
  assert.equal(strict.status, 'mismatch');
  assert.match(strict.status === 'mismatch' ? strict.reason : '', /without a transparency-log entry/);
  const lax = evaluateProvenance(req({ signers: { keys: [{ fingerprint: key.fingerprint, publicKeyPem: key.publicKeyPem, tlog: false, origin: 'x' }], identities: [] }, sourceRepository: { regexp: 'https://github\\.com/docker-hardened-images/.*' } }), [reusable, v], [digest, reusableDigest]);
  assert.equal(lax.status, 'satisfied');
  assert.equal(lax.status === 'satisfied' && lax.source?.from, 'config-source');
});

function scanFact(digest: string, scanFinishedOn: string | undefined, loggedAt: string | undefined, signer: VerifiedAttestationFact['signer']): VerifiedAttestationFact {
  return {
    state: 'verified',
    origin: 'referrer',
    repository: 'r',
    subjectDigest: digest,
    statementType: 'v1',
    predicateType: 'https://cosign.sigstore.dev/attestation/vuln/v1',
    facts: { kind: 'vulnerability-scan', format: 'cosign-vuln', resultFormat: 'trivy-json', ...(scanFinishedOn ? { scanFinishedOn } : {}), counts: { critical: 0, high: 1, medium: 0, low: 0, unknown: 0 } },
    signer,
    ...(loggedAt ? { loggedAt } : {}),
    notes: [],
  };
}

/** The scan requirement as the lookup applies it (newestTrustedScan) and the core judges it at `now` (scanVerdict). */
function evaluateScans(sreq: ScanRequirement, items: readonly AttestationFact[], digest: string, now: Date) {
  const ref = parseReference(`registry.example/app@${digest}`);
  assert.ok(ref.ok);
  const facts: ImageFacts = {
    attestations: {
      state: 'checked',
      subjectDigest: digest,
      repository: 'registry.example/app',
      overridden: false,
      items,
      paths: ['referrers-api'],
      unchecked: 0,
      notes: [],
      requirements: { scans: { maxAgeDays: sreq.maxAgeDays, signers: 'x' } },
      scans: newestTrustedScan(sreq.signers, items, [digest]),
      verifiedAt: now.toISOString(),
    },
  };
  return scanVerdict(ref, facts, now);
}

test('scans: the newest trusted scan decides; its date never later than its log time; untrusted and undated ones do not help', () => {
  const d = `sha256:${'34'.repeat(32)}`;
  const trusted: VerifiedAttestationFact['signer'] = { kind: 'key', keyFingerprint: 'sha256:aa' };
  const other: VerifiedAttestationFact['signer'] = { kind: 'key', keyFingerprint: 'sha256:bb' };
  const sreq: ScanRequirement = { maxAgeDays: 7, signers: { keys: [{ fingerprint: 'sha256:aa', publicKeyPem: '', tlog: false, origin: 'x' }], identities: [] }, signersFrom: 'scans' };
  const now = new Date('2026-06-10T00:00:00Z');
  const fresh = evaluateScans(sreq, [scanFact(d, '2026-05-01T00:00:00Z', undefined, trusted), scanFact(d, '2026-06-08T00:00:00Z', undefined, trusted)], d, now);
  assert.equal(fresh.state, 'fresh');
  assert.equal(Math.round(fresh.ageDays ?? -1), 2);
  const stale = evaluateScans(sreq, [scanFact(d, '2026-05-01T00:00:00Z', undefined, trusted), scanFact(d, '2026-06-09T00:00:00Z', undefined, other)], d, now);
  assert.equal(stale.state, 'stale');
  assert.match(stale.reason, /40 days old.*allows 7/);
  // A scan that claims to be newer than its own log entry is as old as the log entry.
  const backdated = evaluateScans(sreq, [scanFact(d, '2026-06-09T00:00:00Z', '2026-05-01T00:00:00.000Z', trusted)], d, now);
  assert.equal(backdated.state, 'stale');
  assert.equal(backdated.scannedAt, '2026-05-01T00:00:00.000Z');
  const future = evaluateScans(sreq, [scanFact(d, '2027-01-01T00:00:00Z', undefined, trusted)], d, now);
  assert.equal(future.state, 'undated');
  const undated = evaluateScans(sreq, [scanFact(d, undefined, undefined, trusted)], d, now);
  assert.equal(undated.state, 'undated');
  const none = evaluateScans(sreq, [scanFact(d, '2026-06-09T00:00:00Z', undefined, other)], d, now);
  assert.equal(none.state, 'missing');
  assert.match(none.reason, /1 signed by others/);
  assert.equal(newestTrustedScan(sreq.signers, [scanFact(d, '2026-06-09T00:00:00Z', undefined, trusted)], [`sha256:${'0'.repeat(64)}`]).status, 'missing', 'a scan of another digest');
  assert.equal(
    describeAttestation(scanFact(d, '2026-06-09T00:00:00.000Z', '2026-06-09T00:05:00.000Z', trusted)),
    'Vulnerability scan by an unnamed scanner on 2026-06-09T00:00:00.000Z: 0 critical, 1 high, 0 medium, 0 low, attested by key sha256:aa…, logged 2026-06-09T00:05:00.000Z',
  );
});
