// Notary v1 (TUF, pre-1.0 dialect) metadata: strict parsing, key IDs, signature and threshold checks.
import { createHash, createPublicKey, verify as cryptoVerify, X509Certificate, constants, type KeyObject } from 'node:crypto';
import { canonicalize } from '@tufjs/canonical-json';

export type RoleType = 'Root' | 'Timestamp' | 'Snapshot' | 'Targets';

export interface TufKey {
  readonly keytype: string;
  /** base64 as served: DER SPKI (ecdsa, rsa), PEM certificate (…-x509), raw 32 bytes (ed25519). */
  readonly public: string;
}

export interface RoleKeys {
  readonly keyids: readonly string[];
  readonly threshold: number;
}

export interface FileMeta {
  readonly length: number;
  /** Algorithm → raw digest bytes (decoded from base64). */
  readonly hashes: Readonly<Record<string, Uint8Array>>;
}

export interface Delegation extends RoleKeys {
  readonly name: string;
  /** String prefixes of target names this role may sign; `""` = all. */
  readonly paths: readonly string[];
}

export interface Signature {
  readonly keyid: string;
  readonly method: string;
  readonly sig: Uint8Array;
}

interface Common {
  readonly version: number;
  readonly expires: Date;
  readonly expiresText: string;
}

export interface RootSigned extends Common {
  readonly type: 'Root';
  readonly keys: ReadonlyMap<string, TufKey>;
  readonly roles: Readonly<Record<'root' | 'targets' | 'snapshot' | 'timestamp', RoleKeys>>;
}
export interface TimestampSigned extends Common {
  readonly type: 'Timestamp';
  readonly meta: ReadonlyMap<string, FileMeta>;
}
export interface SnapshotSigned extends Common {
  readonly type: 'Snapshot';
  readonly meta: ReadonlyMap<string, FileMeta>;
}
export interface TargetsSigned extends Common {
  readonly type: 'Targets';
  readonly targets: ReadonlyMap<string, FileMeta>;
  readonly delegationKeys: ReadonlyMap<string, TufKey>;
  readonly delegations: readonly Delegation[];
}
export type AnySigned = RootSigned | TimestampSigned | SnapshotSigned | TargetsSigned;

export interface Envelope<T extends AnySigned> {
  readonly signed: T;
  /** Canonical JSON of `signed`: the bytes every signature covers. */
  readonly canonical: Uint8Array;
  readonly signatures: readonly Signature[];
  /** The exact bytes as downloaded (parents hash these). */
  readonly raw: Uint8Array;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(s: unknown): Uint8Array | null {
  if (typeof s !== 'string' || s.length % 4 !== 0 || !BASE64.test(s)) return null;
  return new Uint8Array(Buffer.from(s, 'base64'));
}

function parseHashes(v: unknown): Record<string, Uint8Array> | null {
  if (!isObject(v)) return null;
  const out: Record<string, Uint8Array> = {};
  for (const [alg, h] of Object.entries(v)) {
    const bytes = decodeBase64(h);
    if (bytes === null) return null;
    out[alg] = bytes;
  }
  return out;
}

function parseFileMeta(v: unknown): FileMeta | null {
  if (!isObject(v)) return null;
  const length = v['length'];
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) return null;
  const hashes = parseHashes(v['hashes']);
  if (hashes === null || Object.keys(hashes).length === 0) return null;
  return { length, hashes };
}

function parseMetaMap(v: unknown): Map<string, FileMeta> | null {
  if (!isObject(v)) return null;
  const out = new Map<string, FileMeta>();
  for (const [name, m] of Object.entries(v)) {
    const fm = parseFileMeta(m);
    if (fm === null) return null;
    out.set(name, fm);
  }
  return out;
}

function parseKeys(v: unknown): Map<string, TufKey> | null {
  if (!isObject(v)) return null;
  const out = new Map<string, TufKey>();
  for (const [id, k] of Object.entries(v)) {
    if (!isObject(k) || typeof k['keytype'] !== 'string' || !isObject(k['keyval'])) return null;
    const pub = k['keyval']['public'];
    if (typeof pub !== 'string' || decodeBase64(pub) === null) return null;
    out.set(id, { keytype: k['keytype'], public: pub });
  }
  return out;
}

function parseRoleKeys(v: unknown): RoleKeys | null {
  if (!isObject(v)) return null;
  const ids = v['keyids'];
  const t = v['threshold'];
  if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) return null;
  // A threshold below 1 would let an unsigned file through.
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 1) return null;
  return { keyids: ids as string[], threshold: t };
}

/** Parses an envelope of the expected type; every field the verifier relies on is checked here. */
export function parseEnvelope<T extends AnySigned>(raw: Uint8Array, expected: T['type']): Parsed<Envelope<T>> {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    return fail('not valid JSON');
  }
  if (!isObject(doc) || !isObject(doc['signed']) || !Array.isArray(doc['signatures'])) {
    return fail('not a signed TUF envelope ({"signed":…,"signatures":[…]})');
  }
  const s = doc['signed'];
  if (s['_type'] !== expected) return fail(`expected _type ${expected}, got ${JSON.stringify(s['_type'])}`);
  const version = s['version'];
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return fail('bad or missing version');
  const expiresText = s['expires'];
  const expires = typeof expiresText === 'string' ? new Date(expiresText) : new Date(NaN);
  if (typeof expiresText !== 'string' || Number.isNaN(expires.getTime())) return fail('bad or missing expires');

  const signatures: Signature[] = [];
  for (const sg of doc['signatures']) {
    if (!isObject(sg) || typeof sg['keyid'] !== 'string' || typeof sg['method'] !== 'string') return fail('malformed signature entry');
    const sig = decodeBase64(sg['sig']);
    if (sig === null) return fail('signature is not base64');
    signatures.push({ keyid: sg['keyid'], method: sg['method'], sig });
  }

  let canonical: Uint8Array;
  try {
    canonical = new TextEncoder().encode(canonicalize(s as Json));
  } catch {
    return fail('signed part cannot be canonicalized (floats or non-JSON values)');
  }
  const common = { version, expires, expiresText };
  let signed: AnySigned;
  switch (expected) {
    case 'Root': {
      const keys = parseKeys(s['keys']);
      const roles = s['roles'];
      if (keys === null || !isObject(roles)) return fail('root: malformed keys or roles');
      const r = {} as Record<'root' | 'targets' | 'snapshot' | 'timestamp', RoleKeys>;
      for (const name of ['root', 'targets', 'snapshot', 'timestamp'] as const) {
        const rk = parseRoleKeys(roles[name]);
        if (rk === null) return fail(`root: role ${name} missing or malformed`);
        r[name] = rk;
      }
      signed = { type: 'Root', ...common, keys, roles: r };
      break;
    }
    case 'Timestamp':
    case 'Snapshot': {
      const meta = parseMetaMap(s['meta']);
      if (meta === null) return fail(`${expected.toLowerCase()}: malformed meta`);
      signed = { type: expected, ...common, meta };
      break;
    }
    case 'Targets': {
      const targets = parseMetaMap(s['targets'] ?? {});
      if (targets === null) return fail('targets: malformed targets');
      let delegationKeys = new Map<string, TufKey>();
      const delegations: Delegation[] = [];
      const d = s['delegations'];
      if (d !== undefined && d !== null) {
        if (!isObject(d)) return fail('targets: malformed delegations');
        const k = parseKeys(d['keys'] ?? {});
        if (k === null) return fail('targets: malformed delegation keys');
        delegationKeys = k;
        const roles = d['roles'] ?? [];
        if (!Array.isArray(roles)) return fail('targets: malformed delegation roles');
        for (const role of roles) {
          const rk = parseRoleKeys(role);
          if (rk === null || !isObject(role) || typeof role['name'] !== 'string') return fail('targets: malformed delegation role');
          const paths = role['paths'] ?? [];
          if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) return fail(`targets: delegation ${JSON.stringify(role['name'].slice(0, 200))} has malformed paths`);
          delegations.push({ name: role['name'], keyids: rk.keyids, threshold: rk.threshold, paths: paths as string[] });
        }
      }
      signed = { type: 'Targets', ...common, targets, delegationKeys, delegations };
      break;
    }
  }
  return { ok: true, value: { signed: signed as T, canonical, signatures, raw } };
}

/** Key ID as Notary computes it: sha256 over the canonical JSON of the public key (certificate for x509 keys). */
export function keyId(key: TufKey): string {
  const json = canonicalize({ keytype: key.keytype, keyval: { private: null, public: key.public } });
  return createHash('sha256').update(json).digest('hex');
}

/** The ID `notary key list` and `docker trust inspect` print: over the bare public key, even for certificates. */
export function canonicalKeyId(key: TufKey): string {
  if (!key.keytype.endsWith('-x509')) return keyId(key);
  const cert = certificateOf(key);
  if (cert === null) return keyId(key);
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  return keyId({ keytype: key.keytype.slice(0, -'-x509'.length), public: spki.toString('base64') });
}

export function certificateOf(key: TufKey): X509Certificate | null {
  if (!key.keytype.endsWith('-x509')) return null;
  try {
    return new X509Certificate(Buffer.from(key.public, 'base64'));
  } catch {
    return null;
  }
}

function publicKeyOf(key: TufKey): KeyObject | null {
  try {
    const bytes = Buffer.from(key.public, 'base64');
    switch (key.keytype) {
      case 'ed25519':
        if (bytes.length !== 32) return null;
        return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: bytes.toString('base64url') }, format: 'jwk' });
      case 'ecdsa':
      case 'rsa':
        return createPublicKey({ key: bytes, format: 'der', type: 'spki' });
      case 'ecdsa-x509':
      case 'rsa-x509':
        return new X509Certificate(bytes).publicKey;
      default:
        return null;
    }
  } catch {
    return null;
  }
}

/** One signature over `data` by `key`; the method must match the key type (no algorithm confusion). */
export function verifySignature(key: TufKey, sig: Signature, data: Uint8Array): boolean {
  const pk = publicKeyOf(key);
  if (pk === null) return false;
  try {
    switch (key.keytype) {
      case 'ed25519':
        return pk.asymmetricKeyType === 'ed25519' && sig.method === 'eddsa' && cryptoVerify(null, data, pk, sig.sig);
      case 'ecdsa':
      case 'ecdsa-x509':
        return pk.asymmetricKeyType === 'ec' && sig.method === 'ecdsa' && cryptoVerify('sha256', data, { key: pk, dsaEncoding: 'ieee-p1363' }, sig.sig);
      case 'rsa':
      case 'rsa-x509':
        return (
          pk.asymmetricKeyType === 'rsa' &&
          sig.method === 'rsapss' &&
          cryptoVerify('sha256', data, { key: pk, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, sig.sig)
        );
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/**
 * Work bounds for signature checks: each costs a key parse and a verification (~0.3 ms), so a role listing
 * thousands of keys and signatures (any delegation key holder can write one for its children) would hold the
 * event loop for seconds. Real roles have a handful of keys.
 */
export const MAX_ROLE_KEYS = 64;
/** Signature verifications one lookup may spend, all roles and root rotations together. */
export const MAX_SIGNATURE_CHECKS = 1024;

/** A lookup's remaining signature verifications (shared by every check of that lookup). */
export interface VerifyBudget {
  remaining: number;
}

export interface ThresholdResult {
  readonly met: boolean;
  /** The budget ran out before the signatures were all looked at (the result is then not met). */
  readonly exhausted?: true;
  /** Distinct key IDs whose signature verified. */
  readonly validKeyIds: readonly string[];
  readonly threshold: number;
  /** Signatures that did not verify or came from keys outside the role. */
  readonly rejected: number;
}

/**
 * Counts distinct role keys with a valid signature. Key IDs are recomputed from the key material,
 * so a key listed under a forged ID, or two IDs for the same key, counts at most once.
 */
export function checkThreshold(
  env: Envelope<AnySigned>,
  role: RoleKeys,
  keys: ReadonlyMap<string, TufKey>,
  budget?: VerifyBudget,
): ThresholdResult {
  const allowed = new Map<string, TufKey>();
  // A role is never verified with more than MAX_ROLE_KEYS keys (callers refuse larger roles with a reason).
  for (const id of role.keyids.slice(0, MAX_ROLE_KEYS)) {
    const k = keys.get(id);
    if (k !== undefined && keyId(k) === id) allowed.set(id, k);
  }
  const valid = new Set<string>();
  // The same public key under two key types (ecdsa and ecdsa-x509) has two IDs; count the key once.
  const material = new Set<string>();
  // One verification per key: a second signature under a key ID already tried adds nothing but work.
  const tried = new Set<string>();
  let rejected = 0;
  for (const sig of env.signatures) {
    const key = allowed.get(sig.keyid);
    if (key !== undefined && tried.has(sig.keyid)) continue;
    if (key !== undefined) {
      tried.add(sig.keyid);
      if (budget !== undefined) {
        if (budget.remaining <= 0) return { met: false, exhausted: true, validKeyIds: [...valid], threshold: role.threshold, rejected };
        budget.remaining--;
      }
    }
    if (key !== undefined && verifySignature(key, sig, env.canonical)) {
      const m = materialId(key);
      if (!material.has(m)) {
        material.add(m);
        valid.add(sig.keyid);
      }
    } else rejected++;
  }
  return { met: valid.size >= role.threshold, validKeyIds: [...valid], threshold: role.threshold, rejected };
}

function materialId(key: TufKey): string {
  const pk = publicKeyOf(key);
  return pk === null ? keyId(key) : sha256Hex(pk.export({ type: 'spki', format: 'der' }));
}

/** Compares downloaded bytes to the parent's length and every hash it lists (sha256 required). */
export function checkFileMeta(raw: Uint8Array, meta: FileMeta): string | null {
  if (raw.length !== meta.length) return `length ${raw.length} differs from the ${meta.length} bytes the parent lists`;
  const sha256 = meta.hashes['sha256'];
  if (sha256 === undefined) return 'the parent lists no sha256 hash';
  for (const [alg, want] of Object.entries(meta.hashes)) {
    if (alg !== 'sha256' && alg !== 'sha512') continue;
    const got = createHash(alg).update(raw).digest();
    if (!got.equals(Buffer.from(want))) return `${alg} of the downloaded bytes differs from the hash the parent lists`;
  }
  return null;
}

export function sha256Hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}
