// Adversarial review: the verdict, every front end's reading of it and the rules, on random facts. Whatever the
// trust sources, registry answer, policy and clock say, "verified" only ever means a verified signature by an
// accepted signer over exactly the digest the build uses, on a fresh tag answer; every front end agrees; and a
// required image that is not verified always gets a finding.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../../server/src/core/analyze';
import { describeImage } from '../../../server/src/core/describe';
import type { ImageFacts, PolicyFact, RegistryFact, Signer, SignedDigest, TrustFact, TrustSubject } from '../../../server/src/core/facts';
import { parseReference, type ParsedReference } from '../../../server/src/core/imageRef';
import { acceptedBy, trustVerdict } from '../../../server/src/core/verdict';
import { signatureOf } from '../../../server/src/lsp/inventory';

const D = ['1', '2', '3', '4'].map((c) => `sha256:${c.repeat(64)}`);
const NOW = new Date('2026-11-28T12:00:00.000Z');
const SIGNERS: readonly Signer[] = [
  { name: 'releases', keyIds: [], role: 'targets/releases' },
  { name: 'Repo Admin', keyIds: [], role: 'targets' },
  { name: 'key sha256:ab', keyIds: [], role: 'cosign key' },
];

let seed = 4242;
const rnd = (n: number): number => {
  // mulberry32: the low bits of a power-of-two LCG repeat with a short period, which would test a handful of cases.
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) % n;
};
const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
const maybe = (p = 2): boolean => rnd(p) === 0;

function randomFact(ref: ParsedReference): TrustFact {
  const source = pick(['notary', 'cosign'] as const);
  const subject: TrustSubject = source === 'cosign' || (ref.tag === null && ref.digest !== null) ? { tag: null, digest: pick([...D, ref.digest ?? D[0]!]) } : { tag: ref.effectiveTag, digest: null };
  const base = { source, subject, server: 's', verifiedAt: NOW.toISOString() };
  switch (rnd(5)) {
    case 0:
      return { ...base, state: 'unsigned', reason: 'r' };
    case 1:
      return { ...base, state: 'invalid', reason: 'r', attack: 'rollback' };
    case 2:
      return { ...base, state: 'unavailable', reason: 'r' };
    default: {
      const signed: SignedDigest[] = [];
      for (const d of D) if (maybe()) signed.push({ digest: d, signers: SIGNERS.filter(() => maybe()).slice(0, 2).concat(pick(SIGNERS)), expires: null });
      if (signed.length === 0) signed.push({ digest: pick(D), signers: [pick(SIGNERS)], expires: null });
      return { ...base, state: 'signed', signed, tagDigest: maybe() ? pick(signed).digest : null, rootExpires: null };
    }
  }
}

function randomFacts(ref: ParsedReference): ImageFacts {
  const registry: RegistryFact | undefined = maybe(4)
    ? undefined
    : maybe(5)
      ? { state: 'error', registry: 'r', kind: 'unreachable', message: 'down', lookedUpAt: NOW.toISOString() }
      : { state: 'ok', registry: 'r', digest: pick(D), mediaType: 'm', isIndex: maybe(), platforms: D.filter(() => maybe(3)).map((digest) => ({ os: 'linux', architecture: 'amd64', digest })), lookedUpAt: NOW.toISOString(), fromCache: maybe(4) };
  const policy: PolicyFact | undefined = maybe(4) ? undefined : { required: !maybe(3), ...(maybe() ? { signers: [pick(['releases', 'Repo Admin', 'targets'])] } : {}), ...(maybe() ? { severity: pick(['error', 'warning', 'information'] as const) } : {}) };
  const trust = Array.from({ length: 1 + rnd(2) }, () => randomFact(ref));
  const fresh = pick([undefined, '2026-11-28T12:30:00.000Z', '2026-11-28T11:00:00.000Z']);
  return { ...(registry !== undefined ? { registry } : {}), ...(fresh !== undefined ? { tagFreshUntil: fresh } : {}), trust, ...(policy !== undefined ? { policy } : {}) };
}

/** The one definition of "verified", written independently of verdict.ts. */
function shouldVerify(ref: ParsedReference, f: ImageFacts): boolean {
  const trust = f.trust ?? [];
  if (trust.some((t) => t.state === 'invalid')) return false;
  let digest: string;
  if (ref.digest !== null) digest = ref.digest;
  else {
    const r = f.registry;
    if (r?.state !== 'ok' || r.fromCache) return false;
    if (f.tagFreshUntil !== undefined && NOW.getTime() > Date.parse(f.tagFreshUntil)) return false;
    digest = r.digest;
  }
  return trust.some((t) => {
    if (t.state !== 'signed') return false;
    if (t.subject.digest !== null && t.subject.digest !== digest) return false;
    const r = f.registry;
    const covering = t.signed.find((d) => d.digest === digest) ?? (r?.state === 'ok' && r.isIndex && r.platforms.some((p) => p.digest === digest) ? t.signed.find((d) => d.digest === r.digest) : undefined);
    if (covering === undefined) return false;
    return t.source === 'cosign' || acceptedBy(f.policy?.signers, covering.signers);
  });
}

const TRUST_CODES = new Set(['DT401', 'DT402', 'DT403']);

test('random facts: verdict, hover, inventory and CLI agree, and "verified" is exactly the definition (5,000 cases)', () => {
  const refs = ['corp.example/app:v1', `corp.example/app:v1@${D[0]}`, `corp.example/app@${D[1]}`, 'corp.example/app'].map((s) => parseReference(s) as ParsedReference);
  for (let k = 0; k < 5000; k++) {
    const ref = pick(refs);
    const facts = randomFacts(ref);
    const v = trustVerdict(ref, facts, NOW);
    const expect = shouldVerify(ref, facts);
    const ctx = JSON.stringify({ ref: ref.canonical, facts });
    assert.equal(v.verified, expect, `verdict ${v.verified} for ${ctx}`);
    const d = describeImage(ref, facts, NOW);
    assert.equal(d.verified, expect, ctx);
    assert.equal(d.headline.startsWith('signed by '), expect, `headline "${d.headline}" for ${ctx}`);
    assert.equal(signatureOf(ref, facts, NOW).state === 'signed', expect, ctx);
    // Rules: a required image that is not verified always gets a trust finding; a verified one never gets DT401/DT402.
    const text = `FROM ${ref.raw}\n`;
    const findings = analyze(text, { facts: { get: (r) => (r.canonical === ref.canonical ? facts : undefined), now: NOW } }).findings.filter((f) => TRUST_CODES.has(f.code));
    if (facts.policy?.required === true && !expect) assert.ok(findings.length > 0, `required, not verified, no finding: ${ctx}`);
    if (expect) assert.ok(!findings.some((f) => f.code === 'DT401' || f.code === 'DT402'), `verified but ${findings.map((f) => f.code).join(' ')}: ${ctx}`);
  }
});
