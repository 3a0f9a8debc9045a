// Notation (Notary Project) as a trust-source plug-in: signatures discovered as referrers of the judged digest,
// verified under the entry's `notation` block or notation's own trust policy, answered as a TrustFact.
import type { TrustFact } from '../../core/facts';
import type { ParsedReference } from '../../core/imageRef';
import type { HttpClient } from '../../registry/http';
import type { RegistryTarget } from '../../registry/referrers';
import type { TrustSourcePlugin } from '../plugin';
import type { PolicyEntry } from '../policy';
import { discoverNotationSignatures } from './discovery';
import { selectPolicy, type TrustPolicy as Statement, type TrustPolicyDocument } from './policy';
import { describeNotationResult, type NotationResult } from './result';
import type { RevocationChecker } from './revocation';
import type { TrustStores } from './trustStore';
import { verifyNotationSignatures } from './verify';

export interface NotationPluginOptions {
  /** notation's own trust policy, for images whose policy entry has no `notation` block. */
  readonly policy: TrustPolicyDocument | null;
  readonly stores: TrustStores;
  readonly revocation: RevocationChecker;
  readonly offline: boolean;
  readonly timeoutMs?: number;
}

/** The statement that governs an image: its entry's block first, else notation's own file; none (or skip) = not asked. */
function statementFor(o: NotationPluginOptions, ref: ParsedReference, entry: PolicyEntry | undefined): Statement | undefined {
  if (entry?.notation !== undefined) return entry.notation;
  if (o.policy === null) return undefined;
  return selectPolicy(o.policy, ref.name);
}

/** The manifest descriptor the signature must name: media type and size from a HEAD by digest (the digest is what binds). */
async function descriptorOf(http: HttpClient, base: string, ref: ParsedReference, digest: string, timeoutMs: number, signal?: AbortSignal): Promise<{ digest: string; mediaType: string; size: number } | { reason: string }> {
  const accept = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.docker.distribution.manifest.list.v2+json'].join(', ');
  const r = await http({ url: `${base}/v2/${ref.repository}/manifests/${digest}`, method: 'HEAD', headers: { accept }, maxBytes: 0, timeoutMs, ...(signal ? { signal } : {}) });
  if (!r.ok) return { reason: r.message };
  if (r.status !== 200) return { reason: `the registry answered ${r.status} for ${digest}` };
  const got = r.headers['docker-content-digest'];
  if (got !== undefined && got !== digest) return { reason: `the registry answered for ${got} when asked for ${digest}` };
  const size = Number(r.headers['content-length']);
  const mediaType = (r.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  if (!Number.isSafeInteger(size) || size <= 0 || mediaType === '') return { reason: 'the registry did not say the manifest size and media type' };
  return { digest, mediaType, size };
}

function toFact(r: NotationResult, digest: string, server: string, verifiedAt: string): TrustFact | null {
  const base = { source: 'notation' as const, subject: { tag: null, digest }, server, verifiedAt, };
  const details = describeNotationResult(r);
  switch (r.state) {
    case 'verified': {
      const d = r.signature.details;
      return {
        ...base,
        state: 'signed',
        signed: [{ digest, signers: [{ name: d.signer, keyIds: d.thumbprints.slice(0, 1).map((t) => `sha256:${t}`), role: `notation ${d.scheme}` }], expires: [d.chainExpires, d.expiry].filter((x): x is string => x !== undefined).sort()[0] ?? null }],
        tagDigest: null,
        rootExpires: d.chainExpires,
        details,
      };
    }
    case 'invalid':
      return { ...base, state: 'invalid', reason: r.reason, attack: r.attack };
    case 'unsigned':
      return { ...base, state: 'unsigned', reason: r.reason };
    case 'logged':
      // Audit level: the failure is logged, not enforced. It is never "signed", and never an error of ours either.
      return { ...base, state: 'unavailable', reason: `logged, not enforced (level ${r.policy.level}): ${r.reason}` };
    case 'unavailable':
      return { ...base, state: 'unavailable', reason: r.reason };
    case 'skipped':
    case 'no-policy':
      return null;
  }
}

export function notationPlugin(o: NotationPluginOptions): TrustSourcePlugin {
  const timeoutMs = o.timeoutMs ?? 15_000;
  return {
    name: 'notation',
    applies(ref, entry) {
      const s = statementFor(o, ref, entry);
      return s !== undefined && s.level !== 'skip';
    },
    requirement(ref) {
      // Only notation's own file: an entry's `notation` block comes with the entry's own `required`.
      const s = o.policy === null ? undefined : selectPolicy(o.policy, ref.name);
      // strict and permissive enforce authenticity: `notation verify` refuses an unsigned image; audit only logs.
      return s !== undefined && (s.level === 'strict' || s.level === 'permissive') ? `notation trust policy "${s.name}" (level ${s.level}, ${o.policy?.source ?? 'notation'})` : undefined;
    },
    async lookup(q) {
      const at = q.now.toISOString();
      const base = { source: 'notation' as const, subject: { tag: null, digest: q.digest }, server: q.ref.registry, verifiedAt: at };
      const statement = statementFor(o, q.ref, q.entry);
      if (statement === undefined) return { ...base, state: 'unavailable', reason: 'no Notation trust policy applies' };
      if (o.offline) return { ...base, state: 'unavailable', reason: 'offline: signatures are not fetched in offline mode' };
      if (q.digest === null) return { ...base, state: 'unavailable', reason: `no digest to check signatures for: ${q.registry.state === 'error' ? q.registry.message : 'unknown'}` };
      const http = q.http;
      const baseUrl = q.baseUrl;
      const signal = q.signal ? AbortSignal.any([q.signal, AbortSignal.timeout(60_000)]) : AbortSignal.timeout(60_000);
      const target: RegistryTarget = { http, baseUrl, repository: q.ref.repository, timeoutMs, signal };
      const found = await discoverNotationSignatures(target, q.digest);
      if (!found.ok) return { ...base, state: 'unavailable', reason: `cannot read Notation signatures from ${q.ref.name}: ${found.reason}` };
      if (found.envelopes.length === 0) {
        if (found.unchecked > 0) return { ...base, state: 'unavailable', reason: `${found.unchecked} Notation signature(s) were not read (over the per-image cap)` };
        return { ...base, state: 'unsigned', reason: `no Notation signature for ${q.digest} in ${q.ref.name}${found.notes.length > 0 ? ` (${found.notes.slice(0, 3).join('; ')})` : ''}` };
      }
      const desc = await descriptorOf(http, baseUrl, q.ref, q.digest, timeoutMs, signal);
      if ('reason' in desc) return { ...base, state: 'unavailable', reason: `cannot read the descriptor of ${q.digest}: ${desc.reason}` };
      const r = await verifyNotationSignatures({ envelopes: found.envelopes, target: desc, reference: q.ref.name, policy: o.policy ?? { source: 'product policy', selection: 'first-match', policies: [] }, statement, stores: o.stores, revocation: o.revocation, now: q.now, signal });
      return toFact(r, q.digest, q.ref.registry, at) ?? { ...base, state: 'unavailable', reason: 'Notation verification is skipped by policy' };
    },
  };
}
