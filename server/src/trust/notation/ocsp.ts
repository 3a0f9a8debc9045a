// OCSP (RFC 6960) for one certificate: a SHA-1 CertID request sent with GET, the BasicOCSPResponse signed by the
// issuer or by a responder certificate the issuer delegated (EKU OCSPSigning), fresh, about this serial number.
import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { BasicOCSPResponse, OCSPResponse, OCSPResponseStatus, id_pkix_ocsp_basic } from '@peculiar/asn1-ocsp';
import { id_ce_invalidityDate, InvalidityDate } from '@peculiar/asn1-x509';
import type { HttpClient } from '../../registry/http';
import { EKU, isIssuedBy, parseCertificate, type Cert } from './cert';
import { bytesEqual, children, slice, whole } from './der';
import type { CertRevocation } from './revocationTypes';
import { verifySignedObject } from './signedObject';

const SHA1_OID = '1.3.14.3.2.26';
const MAX_OCSP_RESPONSE_BYTES = 256 * 1024;
/** The specification's default threshold for one OCSP answer. */
export const OCSP_TIMEOUT_MS = 2000;
const CLOCK_SKEW_MS = 5 * 60 * 1000;

function der(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(content);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Uint8Array.of(tag, ...len), body]);
}

/** DER OCSPRequest with one request for `cert` issued by `issuer` (no nonce, no signature). */
export function ocspRequest(cert: Cert, issuer: Cert): Uint8Array {
  const sha1 = (b: Uint8Array): Uint8Array => createHash('sha1').update(b).digest();
  const algId = der(0x30, Uint8Array.of(0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a), Uint8Array.of(0x05, 0x00));
  const certId = der(0x30, algId, der(0x04, sha1(issuer.subjectRaw)), der(0x04, sha1(issuer.publicKeyBits)), der(0x02, cert.serialRaw));
  return der(0x30, der(0x30, der(0x30, der(0x30, certId))));
}

export interface OcspOptions {
  readonly http: HttpClient;
  readonly now: Date;
  readonly signal?: AbortSignal;
  readonly authenticSigningTime?: Date;
  readonly timeoutMs?: number;
}

/** Checks `cert` against each OCSP URL in order until one gives a usable answer. */
export async function checkOcsp(cert: Cert, issuer: Cert, opts: OcspOptions): Promise<CertRevocation> {
  const reasons: string[] = [];
  const request = Buffer.from(ocspRequest(cert, issuer)).toString('base64');
  for (const url of cert.ocspUrls) {
    if (!/^http:\/\//i.test(url)) {
      reasons.push(`${url}: only http OCSP URLs are used`);
      continue;
    }
    const r = await opts.http({
      url: `${url.replace(/\/+$/, '')}/${encodeURIComponent(request)}`,
      headers: { accept: 'application/ocsp-response' },
      maxBytes: MAX_OCSP_RESPONSE_BYTES,
      maxErrorBytes: 4096,
      timeoutMs: opts.timeoutMs ?? OCSP_TIMEOUT_MS,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (!r.ok) {
      reasons.push(`${url}: ${r.message}`);
      continue;
    }
    if (r.status !== 200) {
      reasons.push(`${url}: HTTP ${r.status}`);
      continue;
    }
    const answer = readOcspResponse(r.body, cert, issuer, opts);
    if (answer.state === 'unknown') {
      reasons.push(`${url}: ${answer.reason}`);
      continue;
    }
    return { ...answer, method: 'ocsp' };
  }
  return { state: 'unknown', method: 'ocsp', reason: reasons.join('; ') || 'no OCSP URL' };
}

/** Interprets one OCSP response body. Never throws. */
export function readOcspResponse(body: Uint8Array, cert: Cert, issuer: Cert, opts: { now: Date; authenticSigningTime?: Date }): CertRevocation {
  try {
    const resp = AsnConvert.parse(body, OCSPResponse);
    if (resp.responseStatus !== OCSPResponseStatus.successful) return unknown(`OCSP responder answered status ${resp.responseStatus}`);
    if (!resp.responseBytes || resp.responseBytes.responseType !== id_pkix_ocsp_basic) return unknown('OCSP response is not a basic response');
    const basicDer = new Uint8Array(resp.responseBytes.response.buffer);
    const top = whole(basicDer);
    const parts = top && children(basicDer, top);
    if (!parts || parts.length < 3) return unknown('OCSP basic response is malformed');
    const tbs = slice(basicDer, parts[0]!);
    const basic = AsnConvert.parse(basicDer, BasicOCSPResponse);
    const rd = basic.tbsResponseData;

    // Who signed: the issuer itself, or a certificate the issuer issued for OCSP signing.
    const responderCerts: Cert[] = [];
    for (const c of basic.certs ?? []) {
      const p = parseCertificate(new Uint8Array(AsnConvert.serialize(c)));
      if (p.ok) responderCerts.push(p.cert);
    }
    const matchesResponder = (c: Cert): boolean => {
      if (rd.responderID.byKey) return bytesEqual(new Uint8Array(rd.responderID.byKey.buffer), createHash('sha1').update(c.publicKeyBits).digest());
      if (rd.responderID.byName) return Buffer.from(AsnConvert.serialize(rd.responderID.byName)).equals(Buffer.from(c.subjectRaw));
      return false;
    };
    let signer: Cert | undefined;
    if (matchesResponder(issuer)) signer = issuer;
    else {
      signer = responderCerts.find(
        (c) => matchesResponder(c) && isIssuedBy(c, issuer) && (c.extKeyUsage?.oids.includes(EKU.ocspSigning) ?? false) && opts.now >= c.notBefore && opts.now <= c.notAfter,
      );
      if (!signer) return unknown('OCSP response is not signed by the issuer or a responder it authorized');
    }
    if (!verifySignedObject(basic.signatureAlgorithm.algorithm, tbs, new Uint8Array(basic.signature), signer.publicKey)) return unknown('OCSP response signature does not verify');

    const serial = Buffer.from(cert.serialRaw).toString('hex');
    const single = rd.responses.find((s) => Buffer.from(s.certID.serialNumber).toString('hex') === serial && certIdIssuerMatches(s.certID, issuer));
    if (!single) return unknown('OCSP response does not answer for this certificate');
    const now = opts.now.getTime();
    if (single.thisUpdate.getTime() > now + CLOCK_SKEW_MS) return unknown('OCSP response is from the future');
    if (single.nextUpdate && now > single.nextUpdate.getTime()) return unknown('OCSP response is expired');
    if (single.certStatus.good !== undefined) return { state: 'good' };
    if (single.certStatus.revoked) {
      const ext = single.singleExtensions?.find((e) => e.extnID === id_ce_invalidityDate);
      const invalidity = ext ? AsnConvert.parse(ext.extnValue.buffer, InvalidityDate).value : undefined;
      return revokedUnlessBefore(invalidity, opts.authenticSigningTime, single.certStatus.revoked.revocationTime);
    }
    return unknown('OCSP responder does not know this certificate');
  } catch (e) {
    return unknown(`OCSP response is malformed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function certIdIssuerMatches(id: { hashAlgorithm: { algorithm: string }; issuerNameHash: { buffer: ArrayBuffer }; issuerKeyHash: { buffer: ArrayBuffer } }, issuer: Cert): boolean {
  const alg = { [SHA1_OID]: 'sha1', '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512' }[id.hashAlgorithm.algorithm];
  if (!alg) return false;
  return (
    bytesEqual(new Uint8Array(id.issuerNameHash.buffer), createHash(alg).update(issuer.subjectRaw).digest()) &&
    bytesEqual(new Uint8Array(id.issuerKeyHash.buffer), createHash(alg).update(issuer.publicKeyBits).digest())
  );
}

/**
 * A revoked certificate stays good for a signature with an authentic signing time before the invalidity date
 * (specification: "if the invalidity date is before the authentic signing time, the certificate is considered revoked").
 */
export function revokedUnlessBefore(invalidity: Date | undefined, authenticSigningTime: Date | undefined, revokedAt: Date): CertRevocation {
  if (invalidity && authenticSigningTime && authenticSigningTime < invalidity) return { state: 'good' };
  return { state: 'revoked', at: revokedAt };
}

function unknown(reason: string): CertRevocation {
  return { state: 'unknown', reason };
}
