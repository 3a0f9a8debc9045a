// Signature checks over signed ASN.1 objects (OCSP responses, CRLs): the algorithm identifier decides the hash and
// padding; SHA-1 and MD5 are refused, as Go's x509 refuses them.
import { verify as cryptoVerify, type KeyObject } from 'node:crypto';

const ALGS: Record<string, { hash: 'sha256' | 'sha384' | 'sha512'; kind: 'rsa' | 'ecdsa' }> = {
  '1.2.840.113549.1.1.11': { hash: 'sha256', kind: 'rsa' },
  '1.2.840.113549.1.1.12': { hash: 'sha384', kind: 'rsa' },
  '1.2.840.113549.1.1.13': { hash: 'sha512', kind: 'rsa' },
  '1.2.840.10045.4.3.2': { hash: 'sha256', kind: 'ecdsa' },
  '1.2.840.10045.4.3.3': { hash: 'sha384', kind: 'ecdsa' },
  '1.2.840.10045.4.3.4': { hash: 'sha512', kind: 'ecdsa' },
};

export function verifySignedObject(algorithmOid: string, tbs: Uint8Array, signature: Uint8Array, key: KeyObject): boolean {
  const alg = ALGS[algorithmOid];
  if (!alg) return false;
  if ((alg.kind === 'rsa') !== (key.asymmetricKeyType === 'rsa') || (alg.kind === 'ecdsa') !== (key.asymmetricKeyType === 'ec')) return false;
  try {
    return cryptoVerify(alg.hash, tbs, key, signature);
  } catch {
    return false;
  }
}
