// Notary v1 update: root (TOFU/pinned, rotation) → timestamp → snapshot → targets → delegations, every step verified.
import type { HttpClient } from '../../registry/http';
import { checkRoot, type TrustPinning } from './root';
import type { StoredTrust, TrustStore } from './store';
import {
  canonicalKeyId,
  checkFileMeta,
  checkThreshold,
  MAX_ROLE_KEYS,
  MAX_SIGNATURE_CHECKS,
  parseEnvelope,
  type AnySigned,
  type Envelope,
  type FileMeta,
  type RootSigned,
  type SnapshotSigned,
  type TargetsSigned,
  type TimestampSigned,
  type TufKey,
  type VerifyBudget,
} from './tuf';

export const TIMESTAMP_MAX_BYTES = 1 << 20;
/** Notary lists no length for root before the snapshot is known; real roots are a few KiB. */
export const ROOT_MAX_BYTES = 1 << 20;
/**
 * Hard caps that do not depend on what the server claims: a timestamp listing a 10^12-byte snapshot must
 * not make us read until the deadline. Real snapshots are a few KiB; targets files of large repositories
 * are a few MiB (notary's own client allows 100 MiB, far more than an editor should hold).
 */
export const SNAPSHOT_MAX_BYTES = 4 << 20;
export const TARGETS_MAX_BYTES = 16 << 20;
/** Everything one lookup may download, all roles and rotations together. */
export const LOOKUP_MAX_BYTES = 32 << 20;
const MAX_ROOT_ROTATIONS = 64;
const MAX_DELEGATIONS = 256;
const ROLE_NAME = /^targets(\/[A-Za-z0-9_.-]+)+$/;

export interface NotaryClientOptions {
  readonly http: HttpClient;
  readonly store: TrustStore;
  readonly pinning?: TrustPinning;
  /** Per-request deadline (a slow server is cut off: slow-retrieval defence). */
  readonly timeoutMs?: number;
  readonly rootMaxBytes?: number;
}

export interface UpdateOptions {
  readonly signal?: AbortSignal;
  readonly now?: Date;
}

export interface VerifiedRole {
  /** `targets`, `targets/releases`, … */
  readonly name: string;
  readonly parent: string | null;
  readonly version: number;
  readonly expires: Date;
  /** Earliest expiry among root, timestamp, snapshot and every role from `targets` down to this one. */
  readonly chainExpires: Date;
  /** TUF key IDs whose signatures verified. */
  readonly keyIds: readonly string[];
  /** The same keys as `notary key list` / `docker trust inspect` print them. */
  readonly canonicalKeyIds: readonly string[];
  readonly threshold: number;
  /** Path prefixes this role may sign (top-level targets: everything). */
  readonly paths: readonly string[] | null;
  /** Only targets inside `paths`. */
  readonly targets: ReadonlyMap<string, FileMeta>;
  /** Delegated child role names in the order the metadata lists them. */
  readonly children: readonly string[];
}

export interface VerifiedRepo {
  readonly state: 'verified';
  readonly gun: string;
  readonly server: string;
  readonly root: {
    readonly version: number;
    readonly expires: Date;
    readonly certExpires: Date | null;
    readonly keyIds: readonly string[];
    readonly canonicalKeyIds: readonly string[];
    readonly trust: 'certs' | 'ca' | 'tofu' | 'stored';
    readonly rotatedThrough: readonly number[];
  };
  readonly timestamp: { readonly version: number; readonly expires: Date; readonly keyIds: readonly string[] };
  readonly snapshot: { readonly version: number; readonly expires: Date; readonly keyIds: readonly string[] };
  /** Verified roles by name, in walk order (targets first). */
  readonly roles: ReadonlyMap<string, VerifiedRole>;
  /** Delegations that did not verify (expired, under threshold, unpublished) and were skipped with their subtree. */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

export type UpdateResult =
  | VerifiedRepo
  | { readonly state: 'no-trust-data'; readonly gun: string; readonly server: string; readonly reason: string }
  | { readonly state: 'invalid'; readonly gun: string; readonly server: string; readonly reason: string; readonly attack: string }
  | { readonly state: 'unavailable'; readonly gun: string; readonly server: string; readonly reason: string };

type Fetched =
  | { readonly ok: true; readonly body: Uint8Array }
  | { readonly ok: false; readonly notFound: boolean; readonly reason: string; readonly attack?: string };

class Stop extends Error {
  constructor(readonly result: UpdateResult) {
    super(result.state);
  }
}

function earliest(...dates: (Date | null)[]): Date {
  let min: Date | null = null;
  for (const d of dates) if (d !== null && (min === null || d < min)) min = d;
  return min ?? new Date(8.64e15);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}

export class NotaryClient {
  constructor(private readonly opts: NotaryClientOptions) {}

  /** Downloads and verifies the whole trust data of one GUN. Never throws. */
  async update(server: string, gun: string, uo: UpdateOptions = {}): Promise<UpdateResult> {
    try {
      return await this.run(server.replace(/\/+$/, ''), gun, uo);
    } catch (e) {
      if (e instanceof Stop) return e.result;
      return { state: 'unavailable', gun, server, reason: `internal error while verifying trust data: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  private async fetchRole(server: string, gun: string, file: string, maxBytes: number, signal: AbortSignal | undefined): Promise<Fetched> {
    const timeoutMs = this.opts.timeoutMs ?? 10_000;
    const res = await this.opts.http({
      url: `${server}/v2/${gun}/_trust/tuf/${file}.json`,
      method: 'GET',
      headers: { accept: 'application/json' },
      maxBytes,
      timeoutMs,
      ...(signal ? { signal } : {}),
    });
    if (!res.ok) {
      switch (res.kind) {
        case 'too-large':
          return { ok: false, notFound: false, reason: `trust data too large: ${file}.json is larger than the ${maxBytes} bytes allowed for it`, attack: 'endless data' };
        case 'timeout':
          return { ok: false, notFound: false, reason: `${file}.json did not arrive within ${timeoutMs} ms (slow retrieval guard): ${res.message}` };
        default:
          return { ok: false, notFound: false, reason: `${file}.json could not be fetched: ${res.message}` };
      }
    }
    if (res.status === 200) {
      if (res.body.length > maxBytes) return { ok: false, notFound: false, reason: `trust data too large: ${file}.json is larger than ${maxBytes} bytes`, attack: 'endless data' };
      return { ok: true, body: res.body };
    }
    if (res.status === 404) return { ok: false, notFound: true, reason: `the server has no ${file}.json for ${gun}` };
    if (res.status === 401 || res.status === 403) return { ok: false, notFound: false, reason: `the trust server refused access to ${gun} (HTTP ${res.status})` };
    return { ok: false, notFound: false, reason: `the trust server answered HTTP ${res.status} for ${file}.json` };
  }

  private async run(server: string, gun: string, uo: UpdateOptions): Promise<UpdateResult> {
    const now = uo.now ?? new Date();
    const signal = uo.signal;
    const pinning = this.opts.pinning ?? {};
    const invalid = (reason: string, attack: string): Stop => new Stop({ state: 'invalid', gun, server, reason, attack });
    const unavailable = (reason: string): Stop => new Stop({ state: 'unavailable', gun, server, reason });
    let downloaded = 0;
    // Signature verifications are CPU on the caller's thread: bounded per lookup like the bytes are.
    const budget: VerifyBudget = { remaining: MAX_SIGNATURE_CHECKS };
    const tooLarge = (why: string): Stop => invalid(`trust data too large: ${why}`, 'endless data');
    /** Fetches a role at most `listed` bytes long (as its parent lists it), never past the role's hard cap or the lookup's budget. */
    const need = async (file: string, listed: number): Promise<Uint8Array> => {
      const cap = file === 'snapshot' ? SNAPSHOT_MAX_BYTES : file === 'timestamp' ? TIMESTAMP_MAX_BYTES : TARGETS_MAX_BYTES;
      if (listed > cap) throw tooLarge(`${file}.json is listed as ${listed} bytes, more than the ${cap} bytes allowed for it`);
      if (downloaded + listed > LOOKUP_MAX_BYTES) throw tooLarge(`${file}.json (${listed} bytes) would take this lookup past ${LOOKUP_MAX_BYTES} bytes of trust data`);
      const f = await this.fetchRole(server, gun, file, listed, signal);
      if (f.ok) {
        downloaded += f.body.length;
        return f.body;
      }
      if (f.attack !== undefined) throw invalid(f.reason.startsWith('trust data too large') ? f.reason : `trust data too large: ${f.reason}`, f.attack);
      throw unavailable(f.reason);
    };
    const parse = <T extends AnySigned>(raw: Uint8Array, type: T['type'], file: string): Envelope<T> => {
      const p = parseEnvelope<T>(raw, type);
      if (!p.ok) throw invalid(`${file}.json is malformed: ${p.reason}`, 'arbitrary software');
      return p.value;
    };

    const stored = await this.opts.store.load(gun);
    const rootMax = this.opts.rootMaxBytes ?? ROOT_MAX_BYTES;

    // 1. Root of trust.
    const rootFetch = await this.fetchRole(server, gun, 'root', rootMax, signal);
    if (rootFetch.ok) downloaded += rootFetch.body.length;
    if (!rootFetch.ok) {
      if (rootFetch.notFound) {
        return {
          state: 'no-trust-data',
          gun,
          server,
          reason:
            stored === null
              ? `${server} has no trust data for ${gun}: it was never signed with Docker Content Trust`
              : `${server} no longer has trust data for ${gun}, although a root was trusted for it since ${stored.trustedSince || 'an earlier check'}: the trust data was deleted`,
        };
      }
      if (rootFetch.attack !== undefined) throw invalid(rootFetch.reason, rootFetch.attack);
      throw unavailable(rootFetch.reason);
    }
    const served = parse<RootSigned>(rootFetch.body, 'Root', 'root');
    let trusted: Envelope<RootSigned>;
    let rootCheck;
    const rotatedThrough: number[] = [];
    const versions: Record<string, number> = { ...(stored?.versions ?? {}) };
    let trustedSince = stored?.trustedSince ?? now.toISOString();
    if (stored === null) {
      rootCheck = checkRoot(served, gun, now, pinning, null, budget);
      if (!rootCheck.ok) throw invalid(`root of ${gun}: ${rootCheck.reason}`, rootCheck.attack);
      trusted = served;
      trustedSince = now.toISOString();
      // The first root is stored right away, so a later swap cannot ride on this update.
      await this.opts.store.save({ gun, root: Buffer.from(served.raw).toString('base64'), versions: { root: served.signed.version }, trustedSince });
      versions['root'] = served.signed.version;
    } else {
      const storedEnv = parseEnvelope<RootSigned>(new Uint8Array(Buffer.from(stored.root, 'base64')), 'Root');
      if (!storedEnv.ok) throw unavailable(`the stored root for ${gun} is unreadable (${storedEnv.reason}); remove it to trust the server's root again`);
      let prev = storedEnv.value;
      // Same signed content with other signature bytes (ECDSA is randomized) is the same root.
      if (!sameBytes(prev.canonical, served.canonical)) {
        if (served.signed.version < prev.signed.version && checkThreshold(served, prev.signed.roles.root, prev.signed.keys, budget).met) {
          // Signed by the trusted keys but older: a genuine earlier root replayed.
          throw invalid(`rollback: the server's root for ${gun} is version ${served.signed.version}, below the trusted version ${prev.signed.version}`, 'rollback');
        }
        if (served.signed.version <= prev.signed.version) {
          throw invalid(
            `the server's root for ${gun} (version ${served.signed.version}) is not the root trusted since ${trustedSince} (version ${prev.signed.version}) and does not rotate from it: the repository's keys were replaced`,
            'root mismatch',
          );
        }
        if (served.signed.version - prev.signed.version > MAX_ROOT_ROTATIONS) {
          throw invalid(`root jumps from version ${prev.signed.version} to ${served.signed.version}, more rotations than the ${MAX_ROOT_ROTATIONS} allowed`, 'endless data');
        }
        for (let v = prev.signed.version + 1; v <= served.signed.version; v++) {
          let env: Envelope<RootSigned>;
          if (v === served.signed.version) env = served;
          else {
            if (downloaded + rootMax > LOOKUP_MAX_BYTES) throw tooLarge(`root rotation to version ${v} would take this lookup past ${LOOKUP_MAX_BYTES} bytes of trust data`);
            const f = await this.fetchRole(server, gun, `${v}.root`, rootMax, signal);
            if (f.ok) downloaded += f.body.length;
            if (!f.ok) {
              if (f.notFound) throw invalid(`root changed from version ${prev.signed.version} to ${served.signed.version} but version ${v} is missing, so the change cannot be chained to the trusted root`, 'root mismatch');
              if (f.attack !== undefined) throw invalid(f.reason, f.attack);
              throw unavailable(f.reason);
            }
            env = parse<RootSigned>(f.body, 'Root', `${v}.root`);
          }
          if (env.signed.version !== v) throw invalid(`${v}.root.json claims version ${env.signed.version}`, 'root mismatch');
          const c = checkRoot(env, gun, now, pinning, prev, budget);
          if (!c.ok) throw invalid(`root rotation to version ${v} of ${gun} refused: ${c.reason}`, c.attack === 'arbitrary software' ? 'root mismatch' : c.attack);
          rotatedThrough.push(v);
          prev = env;
        }
      }
      trusted = prev;
      // Re-checked every time: a stored root can expire or fall out of a newly configured pin.
      rootCheck = checkRoot(trusted, gun, now, pinning, trusted, budget);
      if (!rootCheck.ok) throw invalid(`root of ${gun}: ${rootCheck.reason}`, rootCheck.attack);
      if (rotatedThrough.length > 0) {
        versions['root'] = trusted.signed.version;
        await this.opts.store.save({ gun, root: Buffer.from(trusted.raw).toString('base64'), versions, trustedSince });
      }
    }
    const root = trusted.signed;
    const trustedRaw = sameBytes(trusted.canonical, served.canonical) ? served.raw : trusted.raw;

    const checkRole = (env: Envelope<AnySigned>, roleKeys: { keyids: readonly string[]; threshold: number }, keys: ReadonlyMap<string, TufKey>) => {
      if (roleKeys.keyids.length > MAX_ROLE_KEYS) throw tooLarge(`a top-level role lists ${roleKeys.keyids.length} keys, more than the ${MAX_ROLE_KEYS} a role may have`);
      const t = checkThreshold(env, roleKeys, keys, budget);
      if (t.exhausted) throw tooLarge(`more than ${MAX_SIGNATURE_CHECKS} signature checks in one lookup`);
      return t;
    };
    const floor = (name: string, version: number): void => {
      const min = versions[name];
      if (min !== undefined && version < min) throw invalid(`rollback: ${name} version ${version} is below the version ${min} already seen`, 'rollback');
    };
    const thresholdFailure = (name: string, t: { validKeyIds: readonly string[]; threshold: number; rejected: number }): Stop =>
      invalid(
        `${name}.json is signed by ${t.validKeyIds.length} valid key(s) of the ${t.threshold} required${t.rejected ? ` (${t.rejected} signature(s) invalid or by unknown keys)` : ''}`,
        t.validKeyIds.length === 0 ? 'arbitrary software' : 'wrong threshold',
      );

    // 2. Timestamp.
    const tsEnv = parse<TimestampSigned>(await need('timestamp', TIMESTAMP_MAX_BYTES), 'Timestamp', 'timestamp');
    const tsT = checkRole(tsEnv, root.roles.timestamp, root.keys);
    if (!tsT.met) throw thresholdFailure('timestamp', tsT);
    floor('timestamp', tsEnv.signed.version);
    if (tsEnv.signed.expires <= now) throw invalid(`timestamp expired on ${tsEnv.signed.expires.toISOString()}: the server may be replaying old data`, 'indefinite freeze');

    // 3. Snapshot, pinned by hash and length in the timestamp.
    const snapMeta = tsEnv.signed.meta.get('snapshot');
    if (snapMeta === undefined) throw invalid('timestamp lists no snapshot', 'mix-and-match');
    const snapRaw = await need('snapshot', snapMeta.length);
    const snapBad = checkFileMeta(snapRaw, snapMeta);
    if (snapBad !== null) throw invalid(`snapshot.json: ${snapBad}`, 'mix-and-match');
    const snapEnv = parse<SnapshotSigned>(snapRaw, 'Snapshot', 'snapshot');
    const snT = checkRole(snapEnv, root.roles.snapshot, root.keys);
    if (!snT.met) throw thresholdFailure('snapshot', snT);
    floor('snapshot', snapEnv.signed.version);
    if (snapEnv.signed.expires <= now) throw invalid(`snapshot expired on ${snapEnv.signed.expires.toISOString()}`, 'indefinite freeze');
    const rootMeta = snapEnv.signed.meta.get('root');
    if (rootMeta !== undefined && checkFileMeta(trustedRaw, rootMeta) !== null) {
      throw invalid(`the snapshot lists a different root than the one trusted (version ${root.version})`, 'mix-and-match');
    }

    // 4. Top-level targets: any failure is fatal.
    const baseExpiry = earliest(root.expires, tsEnv.signed.expires, snapEnv.signed.expires);
    const tMeta = snapEnv.signed.meta.get('targets');
    if (tMeta === undefined) throw invalid('snapshot lists no targets', 'mix-and-match');
    const tRaw = await need('targets', tMeta.length);
    const tBad = checkFileMeta(tRaw, tMeta);
    if (tBad !== null) throw invalid(`targets.json: ${tBad}`, 'mix-and-match');
    const tEnv = parse<TargetsSigned>(tRaw, 'Targets', 'targets');
    const tT = checkRole(tEnv, root.roles.targets, root.keys);
    if (!tT.met) throw thresholdFailure('targets', tT);
    floor('targets', tEnv.signed.version);
    if (tEnv.signed.expires <= now) throw invalid(`targets expired on ${tEnv.signed.expires.toISOString()}`, 'indefinite freeze');

    const roles = new Map<string, VerifiedRole>();
    const skipped: { name: string; reason: string }[] = [];
    const canon = (ids: readonly string[], keys: ReadonlyMap<string, TufKey>): string[] =>
      ids.map((id) => {
        const k = keys.get(id);
        return k === undefined ? id : canonicalKeyId(k);
      });
    const addRole = (name: string, parent: string | null, env: Envelope<TargetsSigned>, keyIds: readonly string[], keys: ReadonlyMap<string, TufKey>, threshold: number, paths: readonly string[] | null, chain: Date): VerifiedRole => {
      const allowed = new Map<string, FileMeta>();
      for (const [t, m] of env.signed.targets) if (paths === null || paths.some((p) => t.startsWith(p))) allowed.set(t, m);
      const role: VerifiedRole = {
        name,
        parent,
        version: env.signed.version,
        expires: env.signed.expires,
        chainExpires: earliest(chain, env.signed.expires),
        keyIds,
        canonicalKeyIds: canon(keyIds, keys),
        threshold,
        paths,
        targets: allowed,
        children: [],
      };
      roles.set(name, role);
      return role;
    };
    const top = addRole('targets', null, tEnv, tT.validKeyIds, root.keys, root.roles.targets.threshold, null, baseExpiry);
    const newVersions: Record<string, number> = { timestamp: tsEnv.signed.version, snapshot: snapEnv.signed.version, targets: tEnv.signed.version };

    // 5. Delegations, breadth first; keys, threshold and paths come from the parent.
    const queue: { parent: VerifiedRole; env: Envelope<TargetsSigned> }[] = [{ parent: top, env: tEnv }];
    let seen = 0;
    while (queue.length > 0) {
      const { parent, env } = queue.shift()!;
      for (const d of env.signed.delegations) {
        if (++seen > MAX_DELEGATIONS) throw invalid(`more than ${MAX_DELEGATIONS} delegations`, 'endless data');
        const childOk = ROLE_NAME.test(d.name) && d.name.startsWith(`${parent.name}/`) && !d.name.slice(parent.name.length + 1).includes('/') && !d.name.split('/').some((s) => s === '.' || s === '..');
        if (!childOk) {
          // The name is hostile text (anything a delegation key holder wrote): quoted and bounded.
          skipped.push({ name: JSON.stringify(d.name.slice(0, 200)), reason: `not a valid delegation of ${parent.name}` });
          continue;
        }
        if (roles.has(d.name)) continue;
        // A child may only sign inside its parent's paths.
        const paths = parent.paths === null ? d.paths : d.paths.filter((p) => parent.paths!.some((pp) => p.startsWith(pp)));
        if (d.keyids.length > MAX_ROLE_KEYS) {
          // Any delegation key holder can list thousands of keys for its children; checking them would stall the caller.
          skipped.push({ name: d.name, reason: `lists ${d.keyids.length} keys, more than the ${MAX_ROLE_KEYS} a role may have` });
          continue;
        }
        const meta = snapEnv.signed.meta.get(d.name);
        if (meta === undefined) {
          skipped.push({ name: d.name, reason: 'not listed in the snapshot (never published)' });
          continue;
        }
        const raw = await need(d.name, meta.length);
        const bad = checkFileMeta(raw, meta);
        if (bad !== null) throw invalid(`${d.name}.json: ${bad}`, 'mix-and-match');
        const denv = parse<TargetsSigned>(raw, 'Targets', d.name);
        const keys = env.signed.delegationKeys;
        const dT = checkThreshold(denv, d, keys, budget);
        if (dT.exhausted) {
          skipped.push({ name: d.name, reason: `not checked: this lookup already spent its ${MAX_SIGNATURE_CHECKS} signature checks` });
          continue;
        }
        if (!dT.met) {
          skipped.push({ name: d.name, reason: `signed by ${dT.validKeyIds.length} valid delegation key(s) of the ${d.threshold} required` });
          continue;
        }
        floor(d.name, denv.signed.version);
        if (denv.signed.expires <= now) {
          skipped.push({ name: d.name, reason: `expired on ${denv.signed.expires.toISOString()}` });
          continue;
        }
        const child = addRole(d.name, parent.name, denv, dT.validKeyIds, keys, d.threshold, paths, parent.chainExpires);
        (parent.children as string[]).push(child.name);
        newVersions[d.name] = denv.signed.version;
        queue.push({ parent: child, env: denv });
      }
    }

    for (const [k, v] of Object.entries(newVersions)) versions[k] = Math.max(v, versions[k] ?? 0);
    const state: StoredTrust = { gun, root: Buffer.from(trusted.raw).toString('base64'), versions, trustedSince };
    await this.opts.store.save(state);

    return {
      state: 'verified',
      gun,
      server,
      root: {
        version: root.version,
        expires: root.expires,
        certExpires: rootCheck.certExpires,
        keyIds: rootCheck.signerIds,
        canonicalKeyIds: canon(rootCheck.signerIds, root.keys),
        trust: rootCheck.pinnedBy,
        rotatedThrough,
      },
      timestamp: { version: tsEnv.signed.version, expires: tsEnv.signed.expires, keyIds: tsT.validKeyIds },
      snapshot: { version: snapEnv.signed.version, expires: snapEnv.signed.expires, keyIds: snT.validKeyIds },
      roles,
      skipped,
    };
  }
}
