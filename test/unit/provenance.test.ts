// Provenance on random facts and in every front end. Whatever the attestations, registry answer, policy and clock say,
// "verified provenance" only ever means a signed provenance about exactly the digest the build uses, by a trusted signer,
// meeting the requirement, on a fresh tag answer; unsigned BuildKit provenance never reads as verified; attestations never
// change the signature verdict; the hover, CLI summary, inventory and DT405 agree.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../server/src/core/analyze';
import { describeImage } from '../../server/src/core/describe';
import type { AttestationFact, AttestationsFact, ImageFacts, ProvenanceOutcomeFact, RegistryFact, TrustFact } from '../../server/src/core/facts';
import { parseReference, type ParsedReference } from '../../server/src/core/imageRef';
import { provenanceVerdict } from '../../server/src/core/provenanceVerdict';
import { trustVerdict } from '../../server/src/core/verdict';
import { trustMarkdown } from '../../server/src/lsp/commands';
import { describeUse } from '../../server/src/lsp/inventory';
import { hoverAt } from '../../server/src/lsp/hover';
import type { ImageLookup } from '../../server/src/trust/service';
import { attestations, buildkitProvenance, provenance, scan } from '../support/attestationFacts';

const D = ['1', '2', '3'].map((c) => `sha256:${c.repeat(64)}`);
const NOW = new Date('2026-11-28T12:00:00.000Z');

let seed = 1616;
const rnd = (n: number): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) % n;
};
const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
const maybe = (p = 2): boolean => rnd(p) === 0;

function randomItem(): AttestationFact {
  switch (rnd(5)) {
    case 0:
      return buildkitProvenance(pick(D));
    case 1:
      return { state: 'invalid', origin: pick(['referrer', 'legacy-att'] as const), repository: 'r', reason: 'signature verification failed', attack: 'forged', predicateTypeHint: 'https://slsa.dev/provenance/v1' };
    case 2:
      return scan(pick(D), '2026-11-20T00:00:00.000Z', { signerTrusted: maybe() });
    default:
      return provenance(pick(D), { signerTrusted: maybe(), origin: pick(['referrer', 'legacy-att'] as const) });
  }
}

function randomOutcome(items: readonly AttestationFact[]): ProvenanceOutcomeFact | undefined {
  const verified = items.filter((a): a is Extract<AttestationFact, { state: 'verified' }> => a.state === 'verified');
  switch (rnd(4)) {
    case 0:
      return undefined;
    case 1:
      return { status: 'missing', reason: 'r' };
    default: {
      // The outcome may even name an attestation about another digest: the verdict must not believe it.
      const a = verified.length > 0 ? pick(verified) : provenance(pick(D));
      return maybe() ? { status: 'satisfied', attestation: a } : { status: 'mismatch', failed: pick(['signer', 'source', 'builder'] as const), reason: 'r', attestation: a };
    }
  }
}

function randomFacts(): ImageFacts {
  const registryDigest = pick(D);
  const registry: RegistryFact = { state: 'ok', registry: 'r', digest: registryDigest, mediaType: 'x', isIndex: maybe(), platforms: maybe() ? [{ os: 'linux', architecture: 'amd64', digest: pick(D) }] : [], lookedUpAt: NOW.toISOString(), fromCache: maybe(4) };
  const items = Array.from({ length: rnd(4) }, randomItem);
  const outcome = randomOutcome(items);
  const att: AttestationsFact = attestations(maybe(5) ? null : pick(D), {
    items,
    ...(outcome !== undefined ? { provenance: outcome } : {}),
    required: maybe(4) ? false : true,
    state: maybe(5) ? 'unavailable' : 'checked',
    unchecked: maybe(6) ? 2 : 0,
  });
  const trust: TrustFact[] = maybe() ? [{ state: 'signed', source: 'cosign', subject: { tag: null, digest: registryDigest }, signed: [{ digest: registryDigest, signers: [{ name: 'k', keyIds: [], role: 'cosign key' }], expires: null }], tagDigest: null, rootExpires: null, server: 's', verifiedAt: NOW.toISOString() }] : [];
  return {
    registry,
    ...(maybe() ? { tagFreshUntil: new Date(NOW.getTime() + (maybe() ? 60_000 : -60_000)).toISOString() } : {}),
    ...(trust.length > 0 ? { trust } : {}),
    policy: { required: maybe(), ...(maybe(8) ? { broken: 'bad policy' } : {}) },
    attestations: att,
  };
}

const lookupOf = (facts: ImageFacts): ImageLookup => ({ peek: () => facts, fresh: () => true, lookup: async () => facts, refresh: () => undefined });

test('on random facts, verified provenance is exactly its definition, and every front end agrees', () => {
  let verifiedSeen = 0;
  let unsignedOnly = 0;
  for (let i = 0; i < 3000; i++) {
    const ref = parseReference(pick(['corp.example/app:1', `corp.example/app@${pick(D)}`])) as ParsedReference;
    const facts = randomFacts();
    const v = provenanceVerdict(ref, facts, NOW);
    const sig = trustVerdict(ref, facts, NOW);
    const a = facts.attestations!;
    const judged = sig.digest;
    const fresh = ref.digest !== null || sig.tagAnswer?.fresh === true;
    const outcome = a.provenance;
    const expected =
      judged !== null &&
      fresh &&
      facts.policy?.broken === undefined &&
      a.state === 'checked' &&
      a.subjectDigest === judged &&
      (outcome !== undefined
        ? outcome.status === 'satisfied' && outcome.attestation.subjectDigest === judged && outcome.attestation.facts.kind === 'slsa-provenance'
        : a.items.some((x) => x.state === 'verified' && x.facts.kind === 'slsa-provenance' && x.subjectDigest === judged && x.signerTrusted === true));
    assert.equal(v.verified, expected, `case ${i}: ${JSON.stringify({ ref: ref.canonical, v, facts })}`);
    if (v.verified) {
      verifiedSeen++;
      assert.equal(v.attestation?.state, 'verified');
      assert.notEqual(v.attestation?.origin, 'buildkit-index');
    }
    if (v.state === 'unsigned') unsignedOnly++;
    // Attestations never change the signature verdict.
    const { attestations: _dropped, ...withoutAttestations } = facts;
    assert.deepEqual(trustVerdict(ref, withoutAttestations, NOW), sig);
    // Every front end says the same.
    const d = describeImage(ref, facts, NOW);
    assert.equal(d.verified, sig.verified);
    assert.equal(d.provenance?.verified, v.verified);
    assert.equal(d.lines.some((l) => l.startsWith('Built by') && l.endsWith('✓')), v.verified, d.lines.join('\n'));
    assert.equal(d.lineSegments !== undefined, v.verified);
    const use = analyze(`FROM ${ref.raw}\n`, { phase: 'syntax' }).model.images[0]!;
    assert.equal(describeUse(use, facts, NOW).provenance?.state, v.state);
    const dt405 = analyze(`FROM ${ref.raw}\n`, { facts: { get: () => facts, now: NOW } }).findings.filter((f) => f.code === 'DT405');
    assert.equal(dt405.length > 0, v.required && !v.verified && facts.policy?.broken === undefined, `case ${i}: ${JSON.stringify(v)}`);
  }
  assert.ok(verifiedSeen > 25 && unsignedOnly > 10, `the generator reaches both sides (${verifiedSeen} verified, ${unsignedOnly} unsigned only)`);
});

test('hover: the provenance line links builder, commit, workflow and log entry; hostile text never becomes a link', () => {
  const good = provenance(D[0]!);
  const facts: ImageFacts = { registry: { state: 'ok', registry: 'r', digest: D[0]!, mediaType: 'x', isIndex: false, platforms: [], lookedUpAt: NOW.toISOString(), fromCache: false }, attestations: attestations(D[0]!, { items: [good], provenance: { status: 'satisfied', attestation: good } }) };
  const text = `FROM corp.example/app@${D[0]}\n`;
  const model = analyze(text, { phase: 'syntax' }).model;
  const md = (hoverAt(model, { line: 0, character: 8 }, lookupOf(facts), NOW)?.contents as { value: string }).value;
  assert.ok(md.includes('[https://github.com/actions/runner/github-hosted](<https://github.com/actions/runner/github-hosted>)'), md);
  assert.ok(md.includes(`[https://github.com/acme/app@aaaaaaaaaaaa](<https://github.com/acme/app/commit/${'a'.repeat(40)}>)`), md);
  assert.ok(md.includes(`(<https://github.com/acme/app/blob/${'a'.repeat(40)}/.github/workflows/release.yml>)`), md);
  assert.ok(md.includes('(<https://search.sigstore.dev/?logIndex=123456>)'), md);
  assert.match(md, /attested by https:\/\/github\.com\/acme\/app\/\.github\/workflows\/release\.yml@refs\/tags\/v1\.2\.3, logged /);

  // A builder id, repository or workflow path crafted to inject Markdown or a javascript: link stays text.
  const evil = provenance(D[0]!, { builder: 'javascript:alert(1)//](https://evil.example)', repository: 'https://github.com/a/b) [x](https://evil.example', entryPoint: '../../x](https://evil.example)' });
  const hostile: ImageFacts = { ...facts, attestations: attestations(D[0]!, { items: [evil], provenance: { status: 'satisfied', attestation: evil } }) };
  const md2 = (hoverAt(model, { line: 0, character: 8 }, lookupOf(hostile), NOW)?.contents as { value: string }).value;
  const links = [...md2.matchAll(/(?<!\\)\]\(<([^>]*)>\)/g)].map((m) => m[1]);
  assert.deepEqual(links, ['https://search.sigstore.dev/?logIndex=123456'], md2);
  assert.ok(!/(?<!\\)\]\((?!<)/.test(md2), `an unescaped link survived:\n${md2}`);
});

test('trust details: a section with every attestation and its state; unsigned ones are labelled as such', () => {
  const ref = parseReference('corp.example/app:1') as ParsedReference;
  const good = provenance(D[0]!);
  const facts: ImageFacts = {
    registry: { state: 'ok', registry: 'r', digest: D[0]!, mediaType: 'x', isIndex: true, platforms: [{ os: 'linux', architecture: 'amd64', digest: D[1]! }], lookedUpAt: NOW.toISOString(), fromCache: false },
    attestations: attestations(D[0]!, { items: [good, buildkitProvenance(D[1]!), scan(D[0]!, '2026-11-20T00:00:00.000Z', { signerTrusted: false })], provenance: { status: 'satisfied', attestation: good }, repository: 'scout.example/acme/app', overridden: true }),
  };
  const md = trustMarkdown(ref, facts);
  for (const want of ['## Provenance and attestations', '| verified, trusted signer | referrer |', '| UNSIGNED (as the registry serves it) | buildkit-index |', '| verified, signer not trusted by the policy | referrer |', "(the policy's attestation repository)", '- policy: provenance required']) {
    assert.ok(md.includes(want), `missing ${want}:\n${md}`);
  }
});
