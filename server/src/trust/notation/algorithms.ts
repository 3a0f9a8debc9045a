// The six signature algorithms the Notary Project allows, derived from the signing key (the source of truth), and the
// primitive signature check with node:crypto.
import { constants, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { KeySpec } from './cert';

export type SignatureAlgorithm = 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

export const COSE_ALGORITHMS: Readonly<Record<number, SignatureAlgorithm>> = { [-37]: 'PS256', [-38]: 'PS384', [-39]: 'PS512', [-7]: 'ES256', [-35]: 'ES384', [-36]: 'ES512' };

const JWS_ALGORITHMS = new Set<string>(['PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']);

export function jwsAlgorithm(alg: unknown): SignatureAlgorithm | undefined {
  return typeof alg === 'string' && JWS_ALGORITHMS.has(alg) ? (alg as SignatureAlgorithm) : undefined;
}

/** The one algorithm a key may sign with: RSA 2048/3072/4096 → PS256/384/512, P-256/384/521 → ES256/384/512. */
export function algorithmForKey(k: KeySpec): SignatureAlgorithm | undefined {
  if (k.type === 'rsa') return ({ 2048: 'PS256', 3072: 'PS384', 4096: 'PS512' } as const)[k.bits as 2048 | 3072 | 4096];
  if (k.type === 'ec') return ({ 256: 'ES256', 384: 'ES384', 521: 'ES512' } as const)[k.bits as 256 | 384 | 521];
  return undefined;
}

export function hashOf(alg: SignatureAlgorithm): 'sha256' | 'sha384' | 'sha512' {
  return alg.endsWith('256') ? 'sha256' : alg.endsWith('384') ? 'sha384' : 'sha512';
}

/**
 * Verifies a primitive signature. ECDSA signatures are raw r‖s of the curve's size (JWS and COSE both use it).
 * RSASSA-PSS: `pssSalt` 'hash' requires a salt as long as the hash (RFC 7518/8230, go-cose); 'auto' accepts any
 * salt length (golang-jwt, which notation uses for JWS).
 */
export function verifyPrimitive(alg: SignatureAlgorithm, key: KeyObject, data: Uint8Array, sig: Uint8Array, pssSalt: 'hash' | 'auto'): boolean {
  const hash = hashOf(alg);
  try {
    if (alg.startsWith('ES')) {
      const size = { ES256: 64, ES384: 96, ES512: 132 }[alg as 'ES256' | 'ES384' | 'ES512'];
      if (sig.length !== size) return false;
      return cryptoVerify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig);
    }
    const saltLength = pssSalt === 'auto' ? constants.RSA_PSS_SALTLEN_AUTO : { sha256: 32, sha384: 48, sha512: 64 }[hash];
    return cryptoVerify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, sig);
  } catch {
    return false;
  }
}
