// CRLs (RFC 5280) for one certificate: fetched from its http distribution points, signed by the issuer, current,
// for this issuer; the serial number looked up. Delta and indirect CRLs are not supported ("revocation not checked").
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  CRLReason,
  CRLReasons,
  CertificateList,
  InvalidityDate,
  IssuingDistributionPoint,
  id_ce_authorityKeyIdentifier,
  id_ce_cRLNumber,
  id_ce_cRLReasons,
  id_ce_deltaCRLIndicator,
  id_ce_freshestCRL,
  id_ce_invalidityDate,
  id_ce_issuingDistributionPoint,
} from '@peculiar/asn1-x509';
import type { HttpClient } from '../../registry/http';
import type { Cert } from './cert';
import { children, slice, whole } from './der';
import { revokedUnlessBefore } from './ocsp';
import type { CertRevocation } from './revocationTypes';
import { verifySignedObject } from './signedObject';

/** notation's cap for one CRL. */
export const MAX_CRL_BYTES = 32 * 1024 * 1024;
/** The specification's default threshold for one CRL download. */
export const CRL_TIMEOUT_MS = 5000;
const KNOWN_CRL_EXTENSIONS = new Set([id_ce_authorityKeyIdentifier, id_ce_cRLNumber, id_ce_issuingDistributionPoint, id_ce_freshestCRL, id_ce_deltaCRLIndicator]);

export interface CrlOptions {
  readonly http: HttpClient;
  readonly now: Date;
  readonly signal?: AbortSignal;
  readonly authenticSigningTime?: Date;
  readonly timeoutMs?: number;
  /** Downloaded CRLs by URL, shared across certificates and verifications. */
  readonly cache?: Map<string, Promise<Uint8Array | string>>;
}

export async function checkCrl(cert: Cert, issuer: Cert, opts: CrlOptions): Promise<CertRevocation> {
  const reasons: string[] = [];
  for (const url of cert.crlUrls) {
    if (!/^http:\/\//i.test(url)) {
      reasons.push(`${url}: only http CRL URLs are used`);
      continue;
    }
    let p = opts.cache?.get(url);
    if (!p) {
      p = download(url, opts);
      opts.cache?.set(url, p);
    }
    const body = await p;
    if (typeof body === 'string') {
      opts.cache?.delete(url);
      reasons.push(`${url}: ${body}`);
      continue;
    }
    const answer = readCrl(body, cert, issuer, opts);
    if (answer.state === 'unknown') {
      reasons.push(`${url}: ${answer.reason}`);
      continue;
    }
    return { ...answer, method: 'crl' };
  }
  return { state: 'unknown', method: 'crl', reason: reasons.join('; ') || 'no CRL URL' };
}

async function download(url: string, opts: CrlOptions): Promise<Uint8Array | string> {
  const r = await opts.http({ url, maxBytes: MAX_CRL_BYTES, maxErrorBytes: 4096, timeoutMs: opts.timeoutMs ?? CRL_TIMEOUT_MS, ...(opts.signal ? { signal: opts.signal } : {}) });
  if (!r.ok) return r.message;
  if (r.status !== 200) return `HTTP ${r.status}`;
  return r.body;
}

/** Interprets one CRL for `cert`. Never throws. */
export function readCrl(body: Uint8Array, cert: Cert, issuer: Cert, opts: { now: Date; authenticSigningTime?: Date }): CertRevocation {
  try {
    const top = whole(body);
    const parts = top && children(body, top);
    if (!parts || parts.length !== 3) return unknown('CRL is not DER');
    const tbsEl = parts[0]!;
    const tbsParts = children(body, tbsEl);
    const crl = AsnConvert.parse(body, CertificateList);
    const t = crl.tbsCertList;
    // issuer name: the element after the optional version and the signature algorithm
    const issuerEl = tbsParts?.[tbsParts[0]?.tag === 0x02 ? 2 : 1];
    if (!issuerEl || !Buffer.from(slice(body, issuerEl)).equals(Buffer.from(issuer.subjectRaw))) return unknown('CRL is not issued by the certificate\'s issuer');
    if (!verifySignedObject(crl.signatureAlgorithm.algorithm, slice(body, tbsEl), new Uint8Array(crl.signature), issuer.publicKey)) return unknown('CRL signature does not verify');
    const now = opts.now.getTime();
    if (t.thisUpdate.getTime().getTime() > now + 5 * 60 * 1000) return unknown('CRL is from the future');
    if (t.nextUpdate && now > t.nextUpdate.getTime().getTime()) return unknown('CRL is expired');
    for (const ext of t.crlExtensions ?? []) {
      if (ext.extnID === id_ce_deltaCRLIndicator) return unknown('a delta CRL was served as the base CRL');
      if (ext.extnID === id_ce_freshestCRL) return unknown('delta CRLs are not supported');
      if (ext.extnID === id_ce_issuingDistributionPoint) {
        const idp = AsnConvert.parse(ext.extnValue.buffer, IssuingDistributionPoint);
        if (idp.indirectCRL || idp.onlySomeReasons || idp.onlyContainsAttributeCerts) return unknown('partitioned or indirect CRLs are not supported');
        if (idp.onlyContainsCACerts && !cert.basicConstraints?.ca) return unknown('the CRL covers CA certificates only');
        if (idp.onlyContainsUserCerts && cert.basicConstraints?.ca) return unknown('the CRL covers end-entity certificates only');
      }
      if (ext.critical && !KNOWN_CRL_EXTENSIONS.has(ext.extnID)) return unknown(`CRL has an unknown critical extension ${ext.extnID}`);
    }
    const serial = Buffer.from(cert.serialRaw).toString('hex');
    for (const entry of t.revokedCertificates ?? []) {
      if (Buffer.from(entry.userCertificate).toString('hex') !== serial) continue;
      let reason: CRLReasons | undefined;
      let invalidity: Date | undefined;
      for (const ext of entry.crlEntryExtensions ?? []) {
        if (ext.extnID === id_ce_cRLReasons) reason = AsnConvert.parse(ext.extnValue.buffer, CRLReason).reason;
        else if (ext.extnID === id_ce_invalidityDate) invalidity = AsnConvert.parse(ext.extnValue.buffer, InvalidityDate).value;
        else if (ext.critical) return unknown(`CRL entry has an unknown critical extension ${ext.extnID}`);
      }
      if (reason === CRLReasons.removeFromCRL) return { state: 'good' };
      // certificateHold is a suspension: the certificate is not usable while it is listed.
      return revokedUnlessBefore(invalidity, opts.authenticSigningTime, entry.revocationDate.getTime());
    }
    return { state: 'good' };
  } catch (e) {
    return unknown(`CRL is malformed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function unknown(reason: string): CertRevocation {
  return { state: 'unknown', reason };
}
