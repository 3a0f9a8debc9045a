// Certificate chain requirements of the Notary Project signature specification ("Certificate Requirements"), for the
// code-signing chain in an envelope and the time-stamping chain of an RFC 3161 countersignature.
import { EKU, KU, certSignatureAlgorithmProblem, isIssuedBy, isSelfSigned, type Cert } from './cert';

export type ChainPurpose = 'codeSigning' | 'timeStamping';
export type Problem = string | undefined;

/**
 * The chain is ordered leaf → root, each certificate issued by the next, ending in a self-signed root, with the
 * basic-constraints, key-usage, EKU, key-size and algorithm rules for `purpose`. A single self-signed certificate is
 * a leaf that is its own root. `at`, when given, must fall inside every certificate's validity.
 */
export function validateChain(chain: readonly Cert[], purpose: ChainPurpose, at?: Date): Problem {
  if (chain.length === 0) return 'certificate chain is empty';
  if (chain.length > 10) return `certificate chain has ${chain.length} certificates (at most 10 are accepted)`;
  for (const c of chain) {
    const alg = certSignatureAlgorithmProblem(c);
    if (alg) return alg;
    if (at && (at < c.notBefore || at > c.notAfter)) {
      return `certificate "${c.subject}" was not valid at ${at.toISOString()} (valid ${c.notBefore.toISOString()} to ${c.notAfter.toISOString()})`;
    }
  }
  if (chain.length === 1) {
    const c = chain[0] as Cert;
    if (!isSelfSigned(c)) return `the only certificate "${c.subject}" is not self-signed: the chain must end with its root`;
    return leafProblem(c, purpose);
  }
  for (let i = 0; i < chain.length; i++) {
    const c = chain[i] as Cert;
    const last = i === chain.length - 1;
    if (last) {
      if (!isSelfSigned(c)) return `root certificate "${c.subject}" is not self-signed: the chain must end with a self-signed root`;
    } else {
      if (isSelfSigned(c)) return `${i === 0 ? 'leaf' : 'intermediate'} certificate "${c.subject}" is self-signed inside the chain`;
      const parent = chain[i + 1] as Cert;
      if (!isIssuedBy(c, parent)) return `certificate "${c.subject}" is not issued by "${parent.subject}"`;
    }
    const p = i === 0 ? leafProblem(c, purpose) : caProblem(c, purpose, i - 1);
    if (p) return p;
  }
  return undefined;
}

function caProblem(c: Cert, purpose: ChainPurpose, below: number): Problem {
  const bc = c.basicConstraints;
  if (!bc || !bc.ca) return `CA certificate "${c.subject}": basic constraints must be present with cA true`;
  if (bc.pathLen !== undefined && bc.pathLen < below) return `CA certificate "${c.subject}": path length ${bc.pathLen} is below the ${below} certificates it issues for`;
  const ku = c.keyUsage;
  if (!ku) return `CA certificate "${c.subject}": key usage must be present`;
  if (purpose === 'codeSigning' && !ku.critical) return `CA certificate "${c.subject}": key usage must be critical`;
  if (!(ku.bits & KU.keyCertSign)) return `CA certificate "${c.subject}": key usage must include keyCertSign`;
  return undefined;
}

function leafProblem(c: Cert, purpose: ChainPurpose): Problem {
  if (c.basicConstraints?.ca) return `signing certificate "${c.subject}": basic constraints must not say cA true`;
  const ku = c.keyUsage;
  if (!ku) return `signing certificate "${c.subject}": key usage must be present`;
  if (purpose === 'codeSigning' && !ku.critical) return `signing certificate "${c.subject}": key usage must be critical`;
  if (!(ku.bits & KU.digitalSignature)) return `signing certificate "${c.subject}": key usage must include digitalSignature`;
  const forbidden = (['keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'] as const).filter((k) => ku.bits & KU[k]);
  if (forbidden.length > 0) return `signing certificate "${c.subject}": key usage must be digitalSignature only, found ${forbidden.join(', ')}`;
  const eku = c.extKeyUsage;
  if (purpose === 'codeSigning') {
    if (eku) {
      // The spec forbids anyExtendedKeyUsage as well; notation-core-go also forbids OCSPSigning. Both are refused.
      const bad: [string, string][] = [
        [EKU.any, 'anyExtendedKeyUsage'],
        [EKU.serverAuth, 'serverAuth'],
        [EKU.clientAuth, 'clientAuth'],
        [EKU.emailProtection, 'emailProtection'],
        [EKU.timeStamping, 'timeStamping'],
        [EKU.ocspSigning, 'OCSPSigning'],
      ];
      const found = bad.filter(([oid]) => eku.oids.includes(oid)).map(([, n]) => n);
      if (found.length > 0) return `signing certificate "${c.subject}": extended key usage must not contain ${found.join(', ')} (code signing only)`;
    }
  } else {
    if (!eku || eku.oids.length !== 1 || eku.oids[0] !== EKU.timeStamping) return `timestamping certificate "${c.subject}": extended key usage must be timeStamping only`;
    if (!eku.critical) return `timestamping certificate "${c.subject}": extended key usage must be critical`;
  }
  return keyProblem(c);
}

/** RSA 2048/3072/4096 or ECDSA P-256/P-384/P-521, as the algorithm table of the specification. */
export function keyProblem(c: Cert): Problem {
  const k = c.key;
  if (k.type === 'rsa' && [2048, 3072, 4096].includes(k.bits)) return undefined;
  if (k.type === 'ec' && [256, 384, 521].includes(k.bits)) return undefined;
  const what = k.type === 'other' ? k.name : `${k.type} ${k.bits} bits`;
  return `signing certificate "${c.subject}": key ${what} is not allowed (RSA 2048/3072/4096 or ECDSA P-256/P-384/P-521)`;
}
