// Property: no random mutation of a valid attestation (bundle or `.att` layer) ever verifies as being about another subject,
// from another builder or source, of another predicate type, or by another signer than the unmutated original.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyAttestationBundle } from '../../../server/src/trust/attestations/verify';
import { verifyLegacyAttestation, type LegacyAttestationLayer } from '../../../server/src/trust/attestations/legacyAtt';
import type { AttestationFact, VerifiedAttestationFact } from '../../../server/src/trust/attestations/facts';
import { asLegacyAtt, clone, conformance, fixture, keySignedBundle, NEEDS_CONFORMANCE, root, statementFor, subjectDigestOf, testKey, type TestKey } from './vectors';

/** mulberry32: small, seeded, good enough to pick mutations reproducibly. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

function paths(v: Json, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function getAt(v: Json, p: Path): Json {
  let cur: Json = v;
  for (const k of p) cur = (cur as Record<string | number, Json>)[k] as Json;
  return cur;
}

function setAt(v: Json, p: Path, value: Json | undefined): void {
  if (p.length === 0) return;
  const parent = getAt(v, p.slice(0, -1)) as Record<string | number, Json>;
  const k = p[p.length - 1] as string | number;
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(k as number, 1);
    else delete parent[k];
  } else parent[k] = value;
}

interface Base {
  readonly name: string;
  readonly bundle: Json;
  readonly digest: string;
  readonly keys?: readonly { publicKeyPem: string; tlog: boolean }[];
  readonly expected: VerifiedAttestationFact;
}

function builderOf(f: VerifiedAttestationFact): string | undefined {
  return f.facts.kind === 'slsa-provenance' ? f.facts.builderId : undefined;
}
function sourceOf(f: VerifiedAttestationFact): string {
  return f.facts.kind === 'slsa-provenance' ? JSON.stringify(f.facts.source ?? null) : '';
}
function signerOf(f: VerifiedAttestationFact): string {
  return f.signer.kind === 'key' ? f.signer.keyFingerprint : `${f.signer.identity}|${f.signer.issuer}|${f.signer.keyFingerprint}|${JSON.stringify(f.signer.claims)}`;
}

test('random mutations never verify with another subject, builder, source, predicate type or signer', NEEDS_CONFORMANCE, () => {
  const key: TestKey = testKey();
  const keyDigest = `sha256:${'5a'.repeat(32)}`;
  const raw: Array<{ name: string; bundle: unknown; keys?: { publicKeyPem: string; tlog: boolean }[] }> = [
    { name: 'github-reusable', bundle: fixture('github-reusable-workflow.sigstore.json') },
    { name: 'conformance-v3', bundle: conformance('happy-path-intoto-in-dsse-v3') },
    { name: 'cosign-oci', bundle: fixture('cosign-oci-attestation.sigstore.json') },
    {
      name: 'key-signed',
      bundle: keySignedBundle(statementFor(keyDigest, 'https://slsa.dev/provenance/v0.2', { builder: { id: 'https://dhi.example/builder' }, invocation: { configSource: { uri: 'git+https://github.com/dhi/catalog@refs/heads/main' } } }), key),
      keys: [{ publicKeyPem: key.publicKeyPem, tlog: false }],
    },
  ];
  const bases: Base[] = raw.map((r) => {
    const digest = subjectDigestOf(r.bundle);
    const f = verifyAttestationBundle(r.bundle, { subjectDigest: digest, root, repository: 'r', ...(r.keys ? { keys: r.keys } : {}) });
    assert.equal(f.state, 'verified', r.name);
    return { name: r.name, bundle: r.bundle as Json, digest, ...(r.keys ? { keys: r.keys } : {}), expected: f as VerifiedAttestationFact };
  });
  const digests = [...bases.map((b) => b.digest), `sha256:${'00'.repeat(32)}`];
  const donors = bases.map((b) => b.bundle);

  const random = rng(0x5eed16);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

  function flipBase64(s: string): string {
    const buf = Buffer.from(s, 'base64');
    if (buf.length === 0) return 'AA==';
    const i = Math.floor(random() * buf.length);
    buf[i] = (buf[i] ?? 0) ^ (1 << Math.floor(random() * 8));
    return buf.toString('base64');
  }

  function mutateStatement(b: Json): void {
    const env = (b as { dsseEnvelope?: { payload?: string } }).dsseEnvelope;
    if (!env || typeof env.payload !== 'string') return;
    let st: Record<string, unknown>;
    try {
      st = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as Record<string, unknown>;
    } catch {
      return;
    }
    switch (Math.floor(random() * 6)) {
      case 0:
        st['subject'] = [{ name: 'x', digest: { sha256: pick(digests).slice(7) } }];
        break;
      case 1:
        st['subject'] = [...((st['subject'] as unknown[]) ?? []), { digest: { sha256: pick(digests).slice(7) } }];
        break;
      case 2:
        st['predicateType'] = pick(['https://slsa.dev/provenance/v1', 'https://slsa.dev/provenance/v0.2', 'https://sigstore.dev/cosign/sign/v1', 'https://spdx.dev/Document']);
        break;
      case 3:
        st['predicate'] = { builder: { id: 'https://evil.example/builder' }, runDetails: { builder: { id: 'https://evil.example/builder' } } };
        break;
      case 4:
        st['_type'] = pick(['https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1', 'x']);
        break;
      default: {
        const text = JSON.stringify(st).replace(/^\{/, `{"predicateType":"https://evil.example/type",`);
        env.payload = Buffer.from(text).toString('base64');
        return;
      }
    }
    env.payload = Buffer.from(JSON.stringify(st)).toString('base64');
  }

  function mutate(b: Json): void {
    const all = paths(b);
    const p = pick(all);
    const v = getAt(b, p);
    switch (Math.floor(random() * 8)) {
      case 0: // flip a bit in any base64-looking string
        if (typeof v === 'string' && /^[A-Za-z0-9+/]+=*$/.test(v) && v.length >= 8) setAt(b, p, flipBase64(v));
        break;
      case 1: // replace a leaf with another bundle's value at the same path, or junk
        {
          const donor = getAt(pick(donors), p.slice(0, 1));
          setAt(b, p, pick<Json>([donor ?? null, '', 'x', 0, -1, null, [], {}, v === null ? 'y' : v]));
        }
        break;
      case 2:
        setAt(b, p, undefined);
        break;
      case 3:
        mutateStatement(b);
        break;
      case 4: // transplant a whole part from another real bundle
        {
          const donor = pick(donors) as Record<string, Json>;
          const part = pick(['verificationMaterial', 'dsseEnvelope', 'mediaType']);
          if (donor[part] !== undefined) (b as Record<string, Json>)[part] = clone(donor[part]) as Json;
        }
        break;
      case 5: // numbers in the log entry
        if (typeof v === 'string' && /^\d+$/.test(v)) setAt(b, p, String(Number(v) + pick([1, -1, 3600, 1e6])));
        break;
      case 6: // duplicate a signature or a log entry
        if (Array.isArray(v) && v.length > 0) v.push(clone(v[0]) as Json);
        break;
      default:
        // Base64 decoders ignore what follows the padding, so appending there changes nothing: flip a bit instead.
        if (typeof v === 'string') setAt(b, p, /^[A-Za-z0-9+/]+=*$/.test(v) && v.length >= 8 ? flipBase64(v) : v + pick(['x', ' ', '\u0000']));
    }
  }

  function assertSafe(base: Base, digest: string, f: AttestationFact, what: string): boolean {
    if (f.state !== 'verified') return false;
    const e = base.expected;
    assert.equal(f.subjectDigest, base.digest, `${what}: verified for another subject`);
    assert.equal(digest, base.digest, `${what}: verified for a digest the original does not name`);
    assert.equal(f.predicateType, e.predicateType, `${what}: predicate type changed`);
    assert.equal(builderOf(f), builderOf(e), `${what}: builder changed`);
    assert.equal(sourceOf(f), sourceOf(e), `${what}: source changed`);
    assert.equal(signerOf(f), signerOf(e), `${what}: signer changed`);
    return true;
  }

  const ITERATIONS = 320;
  let verified = 0;
  let attVerified = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const base = pick(bases);
    const b = clone(base.bundle);
    const n = 1 + Math.floor(random() * 3);
    for (let j = 0; j < n; j++) mutate(b);
    const digest = random() < 0.75 ? base.digest : pick(digests);
    let f: AttestationFact;
    try {
      f = verifyAttestationBundle(b, { subjectDigest: digest, root, repository: 'r', ...(base.keys ? { keys: base.keys } : {}) });
    } catch (e) {
      assert.fail(`iteration ${i} (${base.name}): threw ${String(e)}`);
    }
    if (assertSafe(base, digest, f, `iteration ${i} (${base.name})`)) verified++;

    // The same mutation through the `.att` layout, for the keyless bundles that have a SET to re-express.
    if (base.name === 'github-reusable' || base.name === 'conformance-v3') {
      let layer: LegacyAttestationLayer | undefined;
      try {
        layer = asLegacyAtt(b);
      } catch {
        layer = undefined;
      }
      if (layer) {
        const g = verifyLegacyAttestation(layer, { subjectDigest: digest, root, repository: 'r' });
        if (assertSafe(base, digest, g, `iteration ${i} (${base.name} as .att)`)) attVerified++;
      }
    }
  }
  // Some mutations are harmless: a no-op replacement, timestampVerificationData or a key hint, the rootHash/treeSize copies
  // beside the signed checkpoint (the verifier uses the checkpoint's). Every one of them kept the original facts.
  assert.ok(verified < ITERATIONS / 2, `${verified} of ${ITERATIONS} mutated bundles still verified`);
  console.log(`property: ${ITERATIONS} mutated bundles, ${verified} still verified (all with the original facts); ${attVerified} .att re-expressions verified`);
});
