// Test support: facts for any reference, derived deterministically from its name, covering every shape the facts rules
// read (tag moved, pin unknown, lookup failures, Notary signed by releases / Repo Admin / nobody, invalid trust data,
// required policies with signer lists, provenance and scans). For differential checks that need facts everywhere.
import { createHash } from 'node:crypto';
import type { Facts, ImageFacts, RegistryFact, TrustFact } from '../../server/src/core/facts';
import type { ParsedReference } from '../../server/src/core/imageRef';
import { attestations, provenance, scan } from './attestationFacts';

const AT = '2026-11-28T12:00:00.000Z';
export const SYNTHETIC_NOW = new Date('2026-12-01T00:00:00.000Z');

function digestOf(s: string): string {
  return 'sha256:' + createHash('sha256').update(s).digest('hex');
}

function factsFor(ref: ParsedReference): ImageFacts | undefined {
  const h = createHash('sha256').update(ref.canonical).digest();
  const pick = (i: number, n: number): number => (h[i] as number) % n;
  if (pick(0, 7) === 0) return undefined;
  const tagDigest = digestOf(`${ref.canonical}#tag`);
  const registry: RegistryFact =
    pick(1, 6) === 0
      ? { state: 'error', registry: ref.registry, kind: (['unreachable', 'not-found', 'unauthorized', 'timeout'] as const)[pick(2, 4)] ?? 'unreachable', message: 'it failed', lookedUpAt: AT }
      : { state: 'ok', registry: ref.registry, digest: pick(3, 3) === 0 && ref.digest !== null ? ref.digest : tagDigest, mediaType: 'application/vnd.oci.image.index.v1+json', isIndex: true, platforms: [{ os: 'linux', architecture: 'amd64', digest: digestOf(`${ref.canonical}#amd64`) }], lookedUpAt: AT, fromCache: pick(4, 5) === 0, ...(ref.digest !== null ? { pinnedDigestKnown: pick(5, 4) !== 0 } : {}) };
  const subject = { tag: ref.effectiveTag, digest: ref.digest };
  const base = { source: 'notary' as const, subject, server: 'https://notary.test', verifiedAt: AT };
  const signedDigest = pick(6, 2) === 0 && ref.digest !== null ? ref.digest : tagDigest;
  const trustKinds: TrustFact[] = [
    { ...base, state: 'signed', signed: [{ digest: signedDigest, signers: [{ name: pick(7, 2) === 0 ? 'releases' : 'Repo Admin', keyIds: ['k1'], role: pick(7, 2) === 0 ? 'targets/releases' : 'targets' }], expires: '2027-06-01T00:00:00.000Z' }], tagDigest: signedDigest, rootExpires: '2030-01-01T00:00:00.000Z' },
    { ...base, state: 'unsigned', reason: 'no trust data for the repository' },
    { ...base, state: 'invalid', reason: 'rollback: snapshot version 3 is below the stored 5', attack: 'rollback' },
    { ...base, state: 'unavailable', reason: 'the trust server could not be reached' },
  ];
  const trustPick = pick(8, 5);
  const trust = trustPick < 4 ? [trustKinds[trustPick] as TrustFact] : [];
  const policyPick = pick(9, 4);
  const policy = policyPick === 0 ? { required: true, pattern: `${ref.registry}/**` } : policyPick === 1 ? { required: true, signers: ['releases'], severity: 'warning' as const, pattern: '**' } : undefined;
  const judged = ref.digest ?? tagDigest;
  const attested =
    pick(10, 3) === 0
      ? { attestations: attestations(judged, { required: pick(11, 2) === 0, maxAgeDays: 7, items: [provenance(judged), scan(judged, pick(12, 2) === 0 ? '2026-11-30' : '2026-10-01')] }) }
      : {};
  return {
    registry,
    ...(ref.digest === null && registry.state === 'ok' && !registry.fromCache && pick(13, 3) !== 0 ? { tagFreshUntil: pick(14, 2) === 0 ? '2026-12-02T00:00:00.000Z' : '2026-11-30T00:00:00.000Z' } : {}),
    ...(trust.length > 0 ? { trust } : {}),
    ...(policy !== undefined ? { policy } : {}),
    ...attested,
  };
}

/** One Facts object (as the editor holds one between keystrokes) answering for every reference. */
export function syntheticFacts(): Facts {
  const memo = new Map<string, ImageFacts | undefined>();
  return {
    now: SYNTHETIC_NOW,
    get(ref) {
      if (!memo.has(ref.canonical)) memo.set(ref.canonical, factsFor(ref));
      return memo.get(ref.canonical);
    },
  };
}
