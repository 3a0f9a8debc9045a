// X.509 certificates as the Notary Project rules need them: extensions with criticality, key type and size, names as
// exact bytes and as Go-style text, revocation endpoints. Parsing is OpenSSL (node:crypto) plus @peculiar/asn1-x509.
import { X509Certificate, createHash, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityInfoAccessSyntax,
  BasicConstraints,
  CRLDistributionPoints,
  Certificate,
  ExtendedKeyUsage,
  KeyUsage,
  id_ad_ocsp,
  id_ce_basicConstraints,
  id_ce_cRLDistributionPoints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_pe_authorityInfoAccess,
  type Name,
} from '@peculiar/asn1-x509';
import { children, readElement, slice, whole } from './der';

export const KU = {
  digitalSignature: 1,
  nonRepudiation: 2,
  keyEncipherment: 4,
  dataEncipherment: 8,
  keyAgreement: 16,
  keyCertSign: 32,
  cRLSign: 64,
  encipherOnly: 128,
  decipherOnly: 256,
} as const;

export const EKU = {
  any: '2.5.29.37.0',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
} as const;

export type KeySpec =
  | { readonly type: 'rsa'; readonly bits: number }
  | { readonly type: 'ec'; readonly bits: 256 | 384 | 521 | number }
  | { readonly type: 'other'; readonly name: string };

export interface Cert {
  readonly der: Uint8Array;
  /** Lower-case hex SHA-256 of the DER (notation's `x509chain.thumbprint#S256`). */
  readonly sha256: string;
  readonly node: X509Certificate;
  readonly publicKey: KeyObject;
  readonly key: KeySpec;
  /** Exact DER of the subject and issuer names (issuance is checked on bytes, as Go does). */
  readonly subjectRaw: Uint8Array;
  readonly issuerRaw: Uint8Array;
  /** Go `pkix.Name.String()` style, e.g. `CN=leaf,O=Notary,L=Seattle,ST=WA,C=US`. */
  readonly subject: string;
  readonly issuer: string;
  /** Attributes of the subject in certificate order, for trusted-identity matching. */
  readonly subjectAttributes: readonly NameAttribute[][];
  readonly serialHex: string;
  /** Content octets of the serial number INTEGER, as encoded (OCSP CertID). */
  readonly serialRaw: Uint8Array;
  /** The subjectPublicKey BIT STRING's key bytes (OCSP issuerKeyHash, ResponderID byKey). */
  readonly publicKeyBits: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly signatureAlgorithm: string;
  readonly basicConstraints?: { readonly critical: boolean; readonly ca: boolean; readonly pathLen?: number };
  readonly keyUsage?: { readonly critical: boolean; readonly bits: number };
  readonly extKeyUsage?: { readonly critical: boolean; readonly oids: readonly string[] };
  readonly ocspUrls: readonly string[];
  readonly crlUrls: readonly string[];
  readonly asn: Certificate;
}

export interface NameAttribute {
  /** Short name as Go prints it (C, O, OU, CN, L, ST, STREET, POSTALCODE, SERIALNUMBER) or the dotted OID. */
  readonly type: string;
  readonly oid: string;
  /** Undefined when the value is not a character string. */
  readonly value: string | undefined;
}

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.6': 'C',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.3': 'CN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.17': 'POSTALCODE',
};

export type CertResult = { readonly ok: true; readonly cert: Cert } | { readonly ok: false; readonly reason: string };

/** Parses one DER certificate. Never throws. */
export function parseCertificate(der: Uint8Array): CertResult {
  try {
    const top = whole(der);
    const outer = top && children(der, top);
    const tbsEl = outer?.[0];
    const tbs = tbsEl && children(der, tbsEl);
    if (!top || !outer || outer.length !== 3 || !tbs) return { ok: false, reason: 'malformed certificate (not one DER SEQUENCE)' };
    // tbs: [0] version?, serial, signature, issuer, validity, subject, spki, ...
    const base = tbs[0]?.tag === 0xa0 ? 1 : 0;
    const serialEl = tbs[base];
    const issuerEl = tbs[base + 2];
    const subjectEl = tbs[base + 4];
    if (!serialEl || serialEl.tag !== 0x02 || !issuerEl || !subjectEl) return { ok: false, reason: 'malformed certificate (missing serial or names)' };
    const node = new X509Certificate(Buffer.from(der));
    const asn = AsnConvert.parse(der, Certificate);
    const t = asn.tbsCertificate;
    let basicConstraints: Cert['basicConstraints'];
    let keyUsage: Cert['keyUsage'];
    let extKeyUsage: Cert['extKeyUsage'];
    const ocspUrls: string[] = [];
    const crlUrls: string[] = [];
    const seen = new Set<string>();
    for (const ext of t.extensions ?? []) {
      if (seen.has(ext.extnID)) return { ok: false, reason: `certificate has a duplicate extension ${ext.extnID}` };
      seen.add(ext.extnID);
      const value = ext.extnValue.buffer;
      switch (ext.extnID) {
        case id_ce_basicConstraints: {
          const bc = AsnConvert.parse(value, BasicConstraints);
          basicConstraints = { critical: ext.critical, ca: bc.cA, ...(bc.pathLenConstraint !== undefined ? { pathLen: bc.pathLenConstraint } : {}) };
          break;
        }
        case id_ce_keyUsage:
          keyUsage = { critical: ext.critical, bits: AsnConvert.parse(value, KeyUsage).toNumber() };
          break;
        case id_ce_extKeyUsage:
          extKeyUsage = { critical: ext.critical, oids: [...AsnConvert.parse(value, ExtendedKeyUsage)] };
          break;
        case id_pe_authorityInfoAccess:
          for (const ad of AsnConvert.parse(value, AuthorityInfoAccessSyntax)) {
            const uri = ad.accessLocation.uniformResourceIdentifier;
            if (ad.accessMethod === id_ad_ocsp && uri) ocspUrls.push(uri);
          }
          break;
        case id_ce_cRLDistributionPoints:
          for (const dp of AsnConvert.parse(value, CRLDistributionPoints)) {
            for (const gn of dp.distributionPoint?.fullName ?? []) if (gn.uniformResourceIdentifier) crlUrls.push(gn.uniformResourceIdentifier);
          }
          break;
      }
    }
    const subjectAttributes = nameAttributes(t.subject);
    return {
      ok: true,
      cert: {
        der,
        sha256: createHash('sha256').update(der).digest('hex'),
        node,
        publicKey: node.publicKey,
        key: keySpec(node.publicKey),
        subjectRaw: slice(der, subjectEl),
        issuerRaw: slice(der, issuerEl),
        subject: nameString(subjectAttributes),
        issuer: nameString(nameAttributes(t.issuer)),
        subjectAttributes,
        serialHex: node.serialNumber.toLowerCase(),
        serialRaw: der.subarray(serialEl.contentStart, serialEl.end),
        publicKeyBits: new Uint8Array(t.subjectPublicKeyInfo.subjectPublicKey),
        notBefore: t.validity.notBefore.getTime(),
        notAfter: t.validity.notAfter.getTime(),
        signatureAlgorithm: asn.signatureAlgorithm.algorithm,
        ...(basicConstraints ? { basicConstraints } : {}),
        ...(keyUsage ? { keyUsage } : {}),
        ...(extKeyUsage ? { extKeyUsage } : {}),
        ocspUrls,
        crlUrls,
        asn,
      },
    };
  } catch (e) {
    return { ok: false, reason: `malformed certificate: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function keySpec(k: KeyObject): KeySpec {
  const d = k.asymmetricKeyDetails;
  if (k.asymmetricKeyType === 'rsa') return { type: 'rsa', bits: d?.modulusLength ?? 0 };
  if (k.asymmetricKeyType === 'ec') {
    const bits = { prime256v1: 256, secp384r1: 384, secp521r1: 521 }[d?.namedCurve ?? ''];
    return bits ? { type: 'ec', bits } : { type: 'other', name: `ec ${d?.namedCurve ?? '?'}` };
  }
  return { type: 'other', name: k.asymmetricKeyType ?? 'unknown' };
}

export function nameAttributes(name: Name): NameAttribute[][] {
  return name.map((rdn) =>
    rdn.map((atv) => {
      const v = atv.value;
      const value = v.utf8String ?? v.printableString ?? v.teletexString ?? v.bmpString ?? v.universalString ?? v.ia5String;
      return { type: SHORT_NAMES[atv.type] ?? atv.type, oid: atv.type, value };
    }),
  );
}

/** RFC 4514 text in Go's order (last RDN first), with Go's escaping; non-string values print as `#<hex>` like Go. */
export function nameString(rdns: readonly (readonly NameAttribute[])[]): string {
  return [...rdns]
    .reverse()
    .map((rdn) => rdn.map((a) => `${a.type}=${a.value === undefined ? '#' : escapeValue(a.value)}`).join('+'))
    .join(',');
}

function escapeValue(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    const special = ',+"\\<>;'.includes(c) || (i === 0 && (c === ' ' || c === '#')) || (i === s.length - 1 && c === ' ');
    out += special ? `\\${c}` : c;
  }
  return out;
}

/** Parses certificates from PEM (one or more blocks) or DER (one or more concatenated), like notation's ReadCertificateFile. */
export function parseCertificateFile(bytes: Uint8Array): { ok: true; certs: Cert[] } | { ok: false; reason: string } {
  const text = Buffer.from(bytes).toString('latin1');
  const ders: Uint8Array[] = [];
  if (text.includes('-----BEGIN')) {
    const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m[1] !== 'CERTIFICATE') return { ok: false, reason: `unexpected PEM block "${m[1]}"` };
      const b64 = (m[2] as string).replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return { ok: false, reason: 'malformed PEM base64' };
      ders.push(Buffer.from(b64, 'base64'));
    }
  } else {
    let p = 0;
    while (p < bytes.length) {
      const el = readElement(bytes, p);
      if (!el || el.tag !== 0x30) return { ok: false, reason: 'neither PEM nor DER certificates' };
      ders.push(bytes.subarray(p, el.end));
      p = el.end;
    }
  }
  if (ders.length === 0) return { ok: false, reason: 'no certificate found' };
  const certs: Cert[] = [];
  for (const der of ders) {
    const r = parseCertificate(der);
    if (!r.ok) return r;
    certs.push(r.cert);
  }
  return { ok: true, certs };
}

/** `child` was signed by `issuer`'s key and names it as issuer (exact bytes), as Go's CheckSignatureFrom + name check. */
export function isIssuedBy(child: Cert, issuer: Cert): boolean {
  if (!Buffer.from(child.issuerRaw).equals(Buffer.from(issuer.subjectRaw))) return false;
  try {
    return child.node.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

export function isSelfSigned(c: Cert): boolean {
  return isIssuedBy(c, c);
}

export function sameCert(a: Cert, b: Cert): boolean {
  return a.sha256 === b.sha256;
}

/** Signature algorithms accepted on certificates: no MD5, no SHA-1 (spec: "MUST NOT use SHA1WithRSA and ECDSAWithSHA1"). */
const ACCEPTED_CERT_SIG_ALGS: Record<string, string> = {
  '1.2.840.113549.1.1.11': 'SHA256-RSA',
  '1.2.840.113549.1.1.12': 'SHA384-RSA',
  '1.2.840.113549.1.1.13': 'SHA512-RSA',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.4.3.2': 'ECDSA-SHA256',
  '1.2.840.10045.4.3.3': 'ECDSA-SHA384',
  '1.2.840.10045.4.3.4': 'ECDSA-SHA512',
  '1.3.101.112': 'Ed25519',
};

export function certSignatureAlgorithmProblem(c: Cert): string | undefined {
  if (!(c.signatureAlgorithm in ACCEPTED_CERT_SIG_ALGS)) return `certificate "${c.subject}" is signed with an unsupported or insecure algorithm (${c.signatureAlgorithm})`;
  if (c.signatureAlgorithm === '1.2.840.113549.1.1.10') {
    // RSASSA-PSS parameters name the hash; SHA-1 (the default when absent) is refused.
    const params = c.asn.signatureAlgorithm.parameters;
    const hex = params ? Buffer.from(params).toString('hex') : '';
    if (!/608648016503040201|608648016503040202|608648016503040203/.test(hex)) return `certificate "${c.subject}" is signed with RSASSA-PSS over SHA-1 or an unknown hash`;
  }
  return undefined;
}

export function pemOf(c: Cert): string {
  return c.node.toString();
}
