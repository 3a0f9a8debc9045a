// The signing certificate of a keyless bundle: its OIDC issuer (read exactly as @sigstore/verify reads it) and the Fulcio
// claims about the CI run (sigstore/fulcio docs/oid-info.md).
import { X509Certificate } from '@sigstore/core';
import type { Bundle } from '@sigstore/bundle';
import type { CertificateClaims } from './facts';
import { str } from './hostile';

const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

/** .1.8–.1.22 are DER UTF8Strings inside the extension value. */
const CLAIM_OIDS: ReadonlyArray<readonly [keyof CertificateClaims, string]> = [
  ['buildSignerUri', '1.3.6.1.4.1.57264.1.9'],
  ['buildSignerDigest', '1.3.6.1.4.1.57264.1.10'],
  ['runnerEnvironment', '1.3.6.1.4.1.57264.1.11'],
  ['sourceRepositoryUri', '1.3.6.1.4.1.57264.1.12'],
  ['sourceRepositoryDigest', '1.3.6.1.4.1.57264.1.13'],
  ['sourceRepositoryRef', '1.3.6.1.4.1.57264.1.14'],
  ['sourceRepositoryOwnerUri', '1.3.6.1.4.1.57264.1.16'],
  ['buildConfigUri', '1.3.6.1.4.1.57264.1.18'],
  ['buildTrigger', '1.3.6.1.4.1.57264.1.20'],
  ['runInvocationUri', '1.3.6.1.4.1.57264.1.21'],
  ['sourceRepositoryVisibility', '1.3.6.1.4.1.57264.1.22'],
];
/** The deprecated GitHub-only extensions (.1.3 sha, .1.5 `owner/repo`, .1.6 ref) are raw strings, not DER. */
const OID_GH_SHA = '1.3.6.1.4.1.57264.1.3';
const OID_GH_REPOSITORY = '1.3.6.1.4.1.57264.1.5';
const OID_GH_REF = '1.3.6.1.4.1.57264.1.6';

export function leafCertificate(bundle: Bundle): X509Certificate | undefined {
  const c = bundle.verificationMaterial.content;
  const raw = c.$case === 'certificate' ? c.certificate.rawBytes : c.$case === 'x509CertificateChain' ? c.x509CertificateChain.certificates[0]?.rawBytes : undefined;
  if (!raw || raw.length === 0) return undefined;
  try {
    return X509Certificate.parse(Buffer.from(raw));
  } catch {
    return undefined;
  }
}

/** The OIDC issuer as @sigstore/verify reads it (key/index.js getSigner): V2 extension's inner string, else the raw V1 value. */
export function certificateIssuer(cert: X509Certificate): string | undefined {
  try {
    const v2 = cert.extension(OID_ISSUER_V2);
    if (v2) return v2.valueObj.subs?.[0]?.value.toString('ascii');
    return cert.extension(OID_ISSUER_V1)?.value.toString('ascii');
  } catch {
    return undefined;
  }
}

function derString(cert: X509Certificate, oid: string): string | undefined {
  try {
    const ext = cert.extension(oid);
    const inner = ext?.valueObj.subs?.[0];
    // UTF8String, universal class (tag 0x0C): anything else is not what Fulcio writes.
    if (!inner || !inner.tag.isUniversal() || inner.tag.number !== 0x0c) return undefined;
    return str(inner.value.toString('utf8'));
  } catch {
    return undefined;
  }
}

function rawString(cert: X509Certificate, oid: string): string | undefined {
  try {
    const v = cert.extension(oid)?.value;
    return v ? str(v.toString('utf8')) : undefined;
  } catch {
    return undefined;
  }
}

/** The Fulcio claims present in the certificate. Only call on a certificate the bundle verifier accepted. */
export function certificateClaims(cert: X509Certificate): CertificateClaims {
  const out: Record<string, string> = {};
  for (const [name, oid] of CLAIM_OIDS) {
    const v = derString(cert, oid);
    if (v !== undefined) out[name] = v;
  }
  // Certificates from before the generic extensions (2022) carry only the GitHub-specific ones.
  if (out['sourceRepositoryUri'] === undefined) {
    const repo = rawString(cert, OID_GH_REPOSITORY);
    if (repo !== undefined && /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) out['sourceRepositoryUri'] = `https://github.com/${repo}`;
  }
  if (out['sourceRepositoryDigest'] === undefined) {
    const sha = rawString(cert, OID_GH_SHA);
    if (sha !== undefined && /^[0-9a-f]{40}$/.test(sha)) out['sourceRepositoryDigest'] = sha;
  }
  if (out['sourceRepositoryRef'] === undefined) {
    const ref = rawString(cert, OID_GH_REF);
    if (ref !== undefined) out['sourceRepositoryRef'] = ref;
  }
  return out as CertificateClaims;
}
