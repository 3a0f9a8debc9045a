// Root of trust for Notary v1: root certificate checks, pinning (cert IDs, GUN prefixes, CA) and root signature rules.
import { X509Certificate } from 'node:crypto';
import { certificateOf, checkThreshold, MAX_ROLE_KEYS, type Envelope, type RootSigned, type TufKey, type VerifyBudget } from './tuf';

/** Machine-scoped pinning, as notary's `trust_pinning` config: cert IDs per GUN or `prefix*`, else CAs, else TOFU. */
export interface TrustPinning {
  /** GUN or `prefix*` → allowed root certificate key IDs (the IDs root.json uses). */
  readonly certs?: Readonly<Record<string, readonly string[]>>;
  /** GUN or `prefix*` → PEM CA certificate(s) the root certificate must be issued by. */
  readonly ca?: Readonly<Record<string, string>>;
  /** Trust on first use when nothing is pinned (default true). */
  readonly tofu?: boolean;
}

export type RootCheck =
  | { readonly ok: true; readonly certExpires: Date | null; readonly signerIds: readonly string[]; readonly pinnedBy: 'certs' | 'ca' | 'tofu' | 'stored' }
  | { readonly ok: false; readonly reason: string; readonly attack: string };

const SHA1_LIKE_OIDS: readonly string[] = [
  '2a864886f70d010105', // sha1WithRSAEncryption
  '2a864886f70d010104', // md5WithRSAEncryption
  '2a8648ce3d0401', // ecdsa-with-SHA1
  '2a8648ce380403', // dsa-with-sha1
];

/** Reads the outer signatureAlgorithm OID of a DER certificate (node 20's X509Certificate does not expose it). */
export function signatureAlgorithmOid(der: Uint8Array): string | null {
  let pos = 0;
  const readHeader = (): { tag: number; len: number; start: number } | null => {
    if (pos + 2 > der.length) return null;
    const tag = der[pos++]!;
    let len = der[pos++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4 || pos + n > der.length) return null;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + der[pos++]!;
    }
    if (pos + len > der.length) return null;
    return { tag, len, start: pos };
  };
  const outer = readHeader();
  if (outer === null || outer.tag !== 0x30) return null;
  const tbs = readHeader();
  if (tbs === null || tbs.tag !== 0x30) return null;
  pos = tbs.start + tbs.len;
  const alg = readHeader();
  if (alg === null || alg.tag !== 0x30) return null;
  const oid = readHeader();
  if (oid === null || oid.tag !== 0x06) return null;
  return Buffer.from(der.subarray(oid.start, oid.start + oid.len)).toString('hex');
}

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

/** The TLVs directly inside der[start, end); null on any malformed length. */
function children(der: Uint8Array, start: number, end: number): Tlv[] | null {
  const out: Tlv[] = [];
  let pos = start;
  while (pos < end) {
    if (pos + 2 > end) return null;
    const tag = der[pos++]!;
    let len = der[pos++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4 || pos + n > end) return null;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + der[pos++]!;
    }
    if (pos + len > end) return null;
    out.push({ tag, start: pos, end: pos + len });
    pos += len;
  }
  return out;
}

/**
 * basicConstraints cA, read from the DER as Go's x509 does (node's `ca` also demands keyCertSign,
 * so it would call a CA-flagged certificate without that usage a leaf where notary does not).
 */
export function isCaCertificate(der: Uint8Array): boolean {
  const cert = children(der, 0, der.length)?.[0];
  if (cert === undefined || cert.tag !== 0x30) return false;
  const tbs = children(der, cert.start, cert.end)?.[0];
  if (tbs === undefined) return false;
  const fields = children(der, tbs.start, tbs.end) ?? [];
  const extWrap = fields.find((f) => f.tag === 0xa3);
  if (extWrap === undefined) return false;
  const extSeq = children(der, extWrap.start, extWrap.end)?.[0];
  if (extSeq === undefined) return false;
  for (const ext of children(der, extSeq.start, extSeq.end) ?? []) {
    const parts = children(der, ext.start, ext.end) ?? [];
    const oid = parts[0];
    if (oid === undefined || oid.tag !== 0x06 || Buffer.from(der.subarray(oid.start, oid.end)).toString('hex') !== '551d13') continue;
    const value = parts[parts.length - 1];
    if (value === undefined || value.tag !== 0x04) return false;
    const bc = children(der, value.start, value.end)?.[0];
    if (bc === undefined || bc.tag !== 0x30) return false;
    const first = children(der, bc.start, bc.end)?.[0];
    return first !== undefined && first.tag === 0x01 && first.end - first.start === 1 && der[first.start] !== 0;
  }
  return false;
}

function commonName(cert: X509Certificate): string | null {
  for (const line of cert.subject.split('\n')) if (line.startsWith('CN=')) return line.slice(3);
  return null;
}

/** Notary's checks on a root certificate: CN = GUN, inside its validity window, not signed with SHA-1/MD5. */
export function checkRootCertificate(cert: X509Certificate, gun: string, now: Date): string | null {
  const cn = commonName(cert);
  if (cn !== gun) return `root certificate is for "${cn ?? '(no CN)'}", not for ${gun}`;
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return 'root certificate has an unreadable validity period';
  if (now < from) return `root certificate is not valid before ${from.toISOString()}`;
  if (now > to) return `root certificate expired on ${to.toISOString()}`;
  // notary only takes leaf certificates as root keys; a CA certificate there is an intermediate, not a key.
  if (cert.ca || isCaCertificate(new Uint8Array(cert.raw))) return 'root certificate is a CA certificate, not a leaf signing certificate';
  const details = cert.publicKey.asymmetricKeyDetails;
  if (cert.publicKey.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) < 2048) return 'root certificate has an RSA key below 2048 bits';
  const oid = signatureAlgorithmOid(new Uint8Array(cert.raw));
  if (oid === null) return 'root certificate signature algorithm cannot be read';
  if (SHA1_LIKE_OIDS.includes(oid)) return 'root certificate is signed with SHA-1 or MD5, which can be forged';
  return null;
}

function lookupPattern<T>(table: Readonly<Record<string, T>> | undefined, gun: string): T | undefined {
  if (table === undefined) return undefined;
  const exact = table[gun];
  if (exact !== undefined) return exact;
  // The longest matching prefix wins, as in notary's trust pinning.
  let best: { len: number; v: T } | undefined;
  for (const [pattern, v] of Object.entries(table)) {
    if (!pattern.endsWith('*')) continue;
    const prefix = pattern.slice(0, -1);
    if (gun.startsWith(prefix) && (best === undefined || prefix.length > best.len)) best = { len: prefix.length, v };
  }
  return best?.v;
}

function issuedBy(cert: X509Certificate, caPem: string): boolean {
  const blocks = caPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  for (const b of blocks) {
    try {
      const ca = new X509Certificate(b);
      if (cert.checkIssued(ca) && cert.verify(ca.publicKey)) return true;
    } catch {
      // An unreadable CA entry pins nothing.
    }
  }
  return false;
}

/**
 * Checks a root: its root-role certificates, the pinning that applies, and that the root role's threshold signed it.
 * With `previous` (rotation or a re-download), the previous root's threshold must have signed it too.
 */
export function checkRoot(
  env: Envelope<RootSigned>,
  gun: string,
  now: Date,
  pinning: TrustPinning,
  previous: Envelope<RootSigned> | null,
  budget?: VerifyBudget,
): RootCheck {
  const root = env.signed;
  // Every root key is a certificate to parse and check: a root listing thousands is not a root, it is a stall.
  if (root.roles.root.keyids.length > MAX_ROLE_KEYS) {
    return { ok: false, reason: `root lists ${root.roles.root.keyids.length} root keys, more than the ${MAX_ROLE_KEYS} a role may have`, attack: 'endless data' };
  }
  const problems: string[] = [];
  const usable = new Map<string, TufKey>();
  let certExpires: Date | null = null;
  const pinnedIds = lookupPattern(pinning.certs, gun);
  const pinnedCa = pinnedIds === undefined ? lookupPattern(pinning.ca, gun) : undefined;
  for (const id of root.roles.root.keyids) {
    const key = root.keys.get(id);
    if (key === undefined) continue;
    const cert = certificateOf(key);
    if (cert === null) {
      problems.push(`root key ${id.slice(0, 12)} is not an X.509 certificate`);
      continue;
    }
    const bad = checkRootCertificate(cert, gun, now);
    if (bad !== null) {
      problems.push(bad);
      continue;
    }
    if (pinnedIds !== undefined && !pinnedIds.includes(id)) {
      problems.push(`root key ${id.slice(0, 12)} is not among the pinned certificate IDs`);
      continue;
    }
    if (pinnedCa !== undefined && !issuedBy(cert, pinnedCa)) {
      problems.push(`root certificate ${id.slice(0, 12)} is not issued by the pinned CA`);
      continue;
    }
    usable.set(id, key);
    const to = new Date(cert.validTo);
    if (certExpires === null || to < certExpires) certExpires = to;
  }
  if (pinnedIds === undefined && pinnedCa === undefined && previous === null && pinning.tofu === false) {
    return { ok: false, reason: `no root is pinned for ${gun} and trust on first use is off`, attack: 'root mismatch' };
  }
  const own = checkThreshold(env, root.roles.root, usable, budget);
  if (own.exhausted) return { ok: false, reason: 'more signature checks than one lookup may spend', attack: 'endless data' };
  if (!own.met) {
    const expiredOnly = problems.length > 0 && problems.every((p) => p.includes('expired'));
    return {
      ok: false,
      reason: `root is not signed by ${root.roles.root.threshold} valid root key(s) (${own.validKeyIds.length} valid)${problems.length ? `: ${problems.join('; ')}` : ''}`,
      attack: expiredOnly ? 'indefinite freeze' : pinnedIds !== undefined || pinnedCa !== undefined ? 'root mismatch' : 'arbitrary software',
    };
  }
  if (previous !== null) {
    const old = checkThreshold(env, previous.signed.roles.root, previous.signed.keys, budget);
    if (old.exhausted) return { ok: false, reason: 'more signature checks than one lookup may spend', attack: 'endless data' };
    if (!old.met) {
      return {
        ok: false,
        reason: `root version ${root.version} is not signed by the previously trusted root keys (${old.validKeyIds.length} of ${old.threshold}): the repository's root of trust changed without a valid rotation`,
        attack: 'root mismatch',
      };
    }
  }
  if (root.expires <= now) {
    return { ok: false, reason: `root metadata expired on ${root.expires.toISOString()}`, attack: 'indefinite freeze' };
  }
  return {
    ok: true,
    certExpires,
    signerIds: own.validKeyIds,
    pinnedBy: pinnedIds !== undefined ? 'certs' : pinnedCa !== undefined ? 'ca' : previous !== null ? 'stored' : 'tofu',
  };
}
