// Signature verification over a digest the caller already has (node:crypto always hashes itself): ECDSA P-256/P-384 and RSA PKCS#1 v1.5.
import { constants, publicDecrypt, type KeyObject } from 'node:crypto';

interface Curve {
  readonly p: bigint;
  readonly a: bigint;
  readonly n: bigint;
  readonly gx: bigint;
  readonly gy: bigint;
}

// SEC 2 / FIPS 186-4 domain parameters.
const CURVES: Readonly<Record<string, Curve>> = {
  'P-256': {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
  },
  'P-384': {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffcn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
  },
};

type Point = { x: bigint; y: bigint } | null;

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r >= 0n ? r : r + m;
}

function inv(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

function add(c: Curve, P: Point, Q: Point): Point {
  if (P === null) return Q;
  if (Q === null) return P;
  let l: bigint;
  if (P.x === Q.x) {
    if (mod(P.y + Q.y, c.p) === 0n) return null;
    l = mod((3n * P.x * P.x + c.a) * inv(2n * P.y, c.p), c.p);
  } else {
    l = mod((Q.y - P.y) * inv(Q.x - P.x, c.p), c.p);
  }
  const x = mod(l * l - P.x - Q.x, c.p);
  return { x, y: mod(l * (P.x - x) - P.y, c.p) };
}

function mul(c: Curve, k: bigint, P: Point): Point {
  let R: Point = null;
  let A = P;
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) R = add(c, R, A);
    A = add(c, A, A);
  }
  return R;
}

function toBig(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`);
}

/** DER `SEQUENCE { INTEGER r, INTEGER s }` with short lengths only (all ECDSA signatures up to P-521). */
function parseDerSig(sig: Uint8Array): { r: bigint; s: bigint } | null {
  let i = 0;
  const byte = (): number => (i < sig.length ? (sig[i++] as number) : -1);
  const len = (): number => {
    const l = byte();
    if (l < 0x80) return l;
    if (l === 0x81) return byte();
    return -1;
  };
  if (byte() !== 0x30) return null;
  const total = len();
  if (total < 0 || i + total !== sig.length) return null;
  const ints: bigint[] = [];
  for (let k = 0; k < 2; k++) {
    if (byte() !== 0x02) return null;
    const l = len();
    if (l <= 0 || i + l > sig.length) return null;
    ints.push(toBig(sig.subarray(i, i + l)));
    i += l;
  }
  return i === sig.length ? { r: ints[0] as bigint, s: ints[1] as bigint } : null;
}

function verifyEcdsa(key: KeyObject, digest: Uint8Array, sig: Uint8Array): boolean {
  const jwk = key.export({ format: 'jwk' });
  const c = jwk.crv ? CURVES[jwk.crv] : undefined;
  if (!c || !jwk.x || !jwk.y) return false;
  const Q = { x: toBig(Buffer.from(jwk.x, 'base64url')), y: toBig(Buffer.from(jwk.y, 'base64url')) };
  const rs = parseDerSig(sig);
  if (!rs) return false;
  const { r, s } = rs;
  if (r <= 0n || r >= c.n || s <= 0n || s >= c.n) return false;
  // The leftmost bitlen(n) bits of the digest (FIPS 186-4 §6.4).
  const nBits = c.n.toString(2).length;
  let e = toBig(digest);
  const dBits = digest.length * 8;
  if (dBits > nBits) e >>= BigInt(dBits - nBits);
  const w = inv(s, c.n);
  const X = add(c, mul(c, mod(e * w, c.n), { x: c.gx, y: c.gy }), mul(c, mod(r * w, c.n), Q));
  return X !== null && mod(X.x, c.n) === r;
}

// DER DigestInfo prefixes (RFC 8017 §9.2 note 1).
const DIGEST_INFO: Readonly<Record<number, string>> = {
  32: '3031300d060960864801650304020105000420',
  48: '3041300d060960864801650304020205000430',
  64: '3051300d060960864801650304020305000440',
};

function verifyRsa(key: KeyObject, digest: Uint8Array, sig: Uint8Array): boolean {
  const prefix = DIGEST_INFO[digest.length];
  if (!prefix) return false;
  let decoded: Buffer;
  try {
    decoded = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, sig);
  } catch {
    return false;
  }
  return decoded.equals(Buffer.concat([Buffer.from(prefix, 'hex'), Buffer.from(digest)]));
}

/** Verifies `sig` over an already computed `digest`. Ed25519 signs messages, not digests: always false. Never throws. */
export function verifyPrehashed(key: KeyObject, digest: Uint8Array, sig: Uint8Array): boolean {
  try {
    if (key.asymmetricKeyType === 'ec') return verifyEcdsa(key, digest, sig);
    if (key.asymmetricKeyType === 'rsa') return verifyRsa(key, digest, sig);
    return false;
  } catch {
    return false;
  }
}
