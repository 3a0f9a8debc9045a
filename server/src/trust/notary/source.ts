// NotaryTrustSource: tag → signed digest exactly as docker chose it, as a TrustFact, plus the full chain for a details view.
import type { ParsedReference } from '../../core/imageRef';
import type { SignedDigest, Signer, TrustFact, TrustSubject } from '../../core/facts';
import type { HttpClient } from '../../registry/http';
import type { NotaryServerChoice } from '../policy';
import { NotaryClient, type UpdateResult, type VerifiedRepo, type VerifiedRole } from './client';
import type { TrustPinning } from './root';
import type { TrustStore } from './store';

export const RELEASES_ROLE = 'targets/releases';

export interface NotaryTrustSourceOptions {
  readonly http: HttpClient;
  readonly store: TrustStore;
  /** The server to ask when a lookup names none (standalone use); ImageLookup chooses one per lookup. */
  readonly server?: NotaryServerChoice;
  readonly pinning?: TrustPinning;
  readonly timeoutMs?: number;
}

export interface LookupOptions {
  readonly signal?: AbortSignal;
  /** Injectable clock (expiry checks, "verified at"). */
  readonly now?: Date;
  /** Which Notary server serves the image's registry, chosen once by the caller (policy/notaryServer.ts). */
  readonly server?: NotaryServerChoice;
}

/** A server given by URL (tests, standalone use): as if configured in the settings. */
export function configuredServer(url: string): NotaryServerChoice {
  return { url: url.replace(/\/+$/, ''), origin: 'setting' };
}

export interface RoleDetails {
  readonly role: string;
  readonly signer: string;
  readonly version: number;
  readonly expires: string;
  readonly threshold: number;
  readonly keyIds: readonly string[];
  readonly canonicalKeyIds: readonly string[];
  readonly paths: readonly string[] | null;
  readonly targets: readonly { readonly name: string; readonly digest: string; readonly length: number }[];
}

/** Everything a "show trust details" document needs. */
export interface TrustDetails {
  readonly fact: TrustFact;
  readonly gun: string;
  readonly server: string;
  readonly serverOrigin: string;
  readonly notice?: string;
  readonly root?: {
    readonly version: number;
    readonly expires: string;
    readonly certExpires: string | null;
    readonly keyIds: readonly string[];
    readonly canonicalKeyIds: readonly string[];
    readonly trust: string;
    readonly rotatedThrough: readonly number[];
  };
  readonly timestamp?: { readonly version: number; readonly expires: string };
  readonly snapshot?: { readonly version: number; readonly expires: string };
  readonly roles: readonly RoleDetails[];
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

/** What a Notary lookup answers for: the tag, or the digest of a digest-only reference. */
function subjectOf(ref: ParsedReference): TrustSubject {
  return ref.digest !== null && ref.tag === null ? { tag: null, digest: ref.digest } : { tag: ref.effectiveTag, digest: null };
}

/** Signer name as `docker trust inspect` prints it. */
export function signerName(role: string): string {
  return role === 'targets' ? 'Repo Admin' : role.replace(/^targets\//, '');
}

function digestOf(meta: { hashes: Readonly<Record<string, Uint8Array>> }): string | null {
  const h = meta.hashes['sha256'];
  return h === undefined || h.length !== 32 ? null : `sha256:${Buffer.from(h).toString('hex')}`;
}

/** Breadth-first walk from `start` over verified roles whose paths allow `tag`, skipping `skip` subtrees (notary's WalkTargets). */
function walk(repo: VerifiedRepo, start: string, tag: string, skip: readonly string[]): VerifiedRole | null {
  const queue = [start];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (skip.includes(name)) continue;
    const role = repo.roles.get(name);
    if (role === undefined) continue;
    if (role.paths !== null && !role.paths.some((p) => tag.startsWith(p))) continue;
    if (role.targets.has(tag)) return role;
    queue.push(...role.children);
  }
  return null;
}

/**
 * docker's choice (cli/command/image/trust.go): GetTargetByName(tag, targets/releases, targets); a hit only
 * counts from targets/releases or targets itself.
 */
export function resolveTag(repo: VerifiedRepo, tag: string): { role: VerifiedRole; digest: string } | { reason: string } {
  const order = [RELEASES_ROLE, 'targets'];
  for (const start of order) {
    const hit = walk(repo, start, tag, order.filter((r) => r !== start));
    if (hit === null) continue;
    if (hit.name !== RELEASES_ROLE && hit.name !== 'targets') {
      return { reason: `tag ${tag} is signed only by ${hit.name}; docker accepts signatures from targets/releases and the repository key (targets) only` };
    }
    const digest = digestOf(hit.targets.get(tag)!);
    if (digest === null) return { reason: `the signed entry for ${tag} in ${hit.name} has no usable sha256 hash` };
    return { role: hit, digest };
  }
  return { reason: `tag ${tag} is not among the signed targets` };
}

/** The roles whose signatures docker acts on (cli/command/image/trust.go): no other delegation counts. */
const ACCEPTED_ROLES = [RELEASES_ROLE, 'targets'];

/**
 * Per digest, exactly the roles docker accepts that list it: for `tag` (null = under any tag), what
 * `targets/releases` and `targets` each sign. Other delegations are named in `ignored`, never as signers.
 */
export function signedDigests(repo: VerifiedRepo, tag: string | null, digest: string | null): { signed: SignedDigest[]; ignored: string[] } {
  const byDigest = new Map<string, { signers: Signer[]; expires: Date; tags: Set<string> }>();
  const ignored: string[] = [];
  for (const role of repo.roles.values()) {
    const accepted = ACCEPTED_ROLES.includes(role.name);
    for (const [name, meta] of role.targets) {
      if (tag !== null && name !== tag) continue;
      const d = digestOf(meta);
      if (d === null || (digest !== null && d !== digest)) continue;
      if (!accepted) {
        ignored.push(`${role.name} also lists ${JSON.stringify(name.slice(0, 200))} → ${d}; docker acts only on targets/releases and the repository key (targets), so it is not counted`);
        continue;
      }
      let e = byDigest.get(d);
      if (e === undefined) byDigest.set(d, (e = { signers: [], expires: role.chainExpires, tags: new Set() }));
      if (!e.signers.some((x) => x.role === role.name)) e.signers.push({ name: signerName(role.name), keyIds: role.canonicalKeyIds, role: role.name });
      if (role.chainExpires < e.expires) e.expires = role.chainExpires;
      e.tags.add(name);
    }
  }
  // releases before targets, as docker searches; then by digest for a stable order.
  const rank = (x: { signers: Signer[] }): number => (x.signers.some((s) => s.role === RELEASES_ROLE) ? 0 : 1);
  const signed = [...byDigest.entries()]
    .sort(([da, a], [db, b]) => rank(a) - rank(b) || (da < db ? -1 : da > db ? 1 : 0))
    .map(([d, e]) => ({ digest: d, signers: e.signers, expires: e.expires.toISOString() }));
  return { signed, ignored: ignored.slice(0, 20) };
}

export class NotaryTrustSource {
  private readonly client: NotaryClient;
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: NotaryTrustSourceOptions) {
    this.client = new NotaryClient({
      http: opts.http,
      store: opts.store,
      ...(opts.pinning ? { pinning: opts.pinning } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    });
  }

  /** The TrustFact for one reference. Never throws. */
  async lookup(ref: ParsedReference, opts: LookupOptions = {}): Promise<TrustFact> {
    return (await this.details(ref, opts)).fact;
  }

  /** The fact plus the whole verified chain (roles, signers, key IDs, versions, expiries). Never throws. */
  async details(ref: ParsedReference, opts: LookupOptions = {}): Promise<TrustDetails> {
    const now = opts.now ?? new Date();
    const verifiedAt = now.toISOString();
    const choice = opts.server ?? this.opts.server;
    if (choice === undefined) {
      const reason = `no Notary server is configured for ${ref.registry}`;
      return { gun: ref.name, server: '', serverOrigin: 'default', fact: { state: 'unavailable', source: 'notary', subject: subjectOf(ref), reason, server: '', verifiedAt }, roles: [], skipped: [] };
    }
    const server = choice.url;
    const base = { gun: ref.name, server, serverOrigin: choice.origin, ...(choice.notice ? { notice: choice.notice } : {}) };
    if (choice.retired !== undefined) {
      return { ...base, fact: { state: 'unavailable', source: 'notary', subject: subjectOf(ref), reason: choice.retired, server, verifiedAt }, roles: [], skipped: [] };
    }
    // One update per GUN at a time: the stored root and version floors are read-modify-write.
    const prev = this.locks.get(ref.name) ?? Promise.resolve();
    const run = prev.then(() => this.client.update(server, ref.name, { ...(opts.signal ? { signal: opts.signal } : {}), now }));
    const settled = run.catch(() => undefined);
    this.locks.set(ref.name, settled);
    let result: UpdateResult;
    try {
      result = await run;
    } finally {
      if (this.locks.get(ref.name) === settled) this.locks.delete(ref.name);
    }
    const out = this.toDetails(result, ref, verifiedAt);
    if (choice.notice === undefined) return { ...base, ...out };
    // The retirement notice travels with the fact, so hover and CLI show it without knowing about servers.
    const f = out.fact;
    const fact: TrustFact = f.state === 'signed' ? { ...f, details: [choice.notice, ...(f.details ?? [])] } : { ...f, reason: `${f.reason} (${choice.notice})` };
    return { ...base, ...out, fact };
  }

  private toDetails(result: UpdateResult, ref: ParsedReference, verifiedAt: string): Omit<TrustDetails, 'gun' | 'server' | 'serverOrigin' | 'notice'> {
    const server = result.server;
    switch (result.state) {
      case 'no-trust-data':
        return { fact: { state: 'unsigned', source: 'notary', subject: subjectOf(ref), reason: result.reason, server, verifiedAt }, roles: [], skipped: [] };
      case 'invalid':
        return { fact: { state: 'invalid', source: 'notary', subject: subjectOf(ref), reason: result.reason, attack: result.attack, server, verifiedAt }, roles: [], skipped: [] };
      case 'unavailable':
        return { fact: { state: 'unavailable', source: 'notary', subject: subjectOf(ref), reason: result.reason, server, verifiedAt }, roles: [], skipped: [] };
      case 'verified':
        break;
    }
    const repo = result;
    const roles: RoleDetails[] = [...repo.roles.values()].map((r) => ({
      role: r.name,
      signer: signerName(r.name),
      version: r.version,
      expires: r.expires.toISOString(),
      threshold: r.threshold,
      keyIds: r.keyIds,
      canonicalKeyIds: r.canonicalKeyIds,
      paths: r.paths,
      targets: [...r.targets].flatMap(([name, m]) => {
        const d = digestOf(m);
        return d === null ? [] : [{ name, digest: d, length: m.length }];
      }),
    }));
    const chain = {
      root: {
        version: repo.root.version,
        expires: repo.root.expires.toISOString(),
        certExpires: repo.root.certExpires?.toISOString() ?? null,
        keyIds: repo.root.keyIds,
        canonicalKeyIds: repo.root.canonicalKeyIds,
        trust: repo.root.trust,
        rotatedThrough: repo.root.rotatedThrough,
      },
      timestamp: { version: repo.timestamp.version, expires: repo.timestamp.expires.toISOString() },
      snapshot: { version: repo.snapshot.version, expires: repo.snapshot.expires.toISOString() },
      roles,
      skipped: repo.skipped,
    };
    const skippedNote = repo.skipped.map((s) => `skipped ${s.name}: ${s.reason}`);
    const rootExpires = repo.root.certExpires?.toISOString() ?? null;
    const digestOnly = ref.digest !== null && ref.tag === null;
    const tag = digestOnly ? null : ref.effectiveTag;
    const subject: TrustSubject = { tag, digest: digestOnly ? ref.digest : null };
    const { signed, ignored } = signedDigests(repo, tag, digestOnly ? ref.digest : null);
    const common = { source: 'notary' as const, subject, server, verifiedAt };

    if (signed.length === 0) {
      const why = tag === null ? `no signed tag of ${ref.name} points at ${ref.digest}` : (() => {
        const hit = resolveTag(repo, tag);
        return 'reason' in hit ? `${hit.reason} of ${ref.name}` : `tag ${tag} is not among the signed targets of ${ref.name}`;
      })();
      return { ...chain, fact: { ...common, state: 'unsigned', reason: why } };
    }
    let tagDigest: string | null = null;
    const details: string[] = [];
    if (tag !== null) {
      const hit = resolveTag(repo, tag);
      if (!('reason' in hit)) {
        tagDigest = hit.digest;
        details.push(`${tag} → ${hit.digest} (${hit.role.targets.get(tag)!.length} bytes) signed in ${hit.role.name} v${hit.role.version}: docker's choice for the tag`);
      } else details.push(`docker would refuse ${tag}: ${hit.reason}`);
      for (const d of signed) if (d.digest !== tagDigest) details.push(`${tag} → ${d.digest} is also signed, by ${d.signers.map((x) => x.name).join(', ')}`);
    }
    return { ...chain, fact: { ...common, state: 'signed', signed, tagDigest, rootExpires, details: [...details, ...ignored, ...skippedNote] } };
  }
}
