// RFC 3161 timestamp countersignatures (io.cncf.notary.timestampSignature): the CMS SignedData token, its TSTInfo,
// the ESS signing-certificate-v2 binding, the TSA certificate chain to a `tsa` trust store root, and the stamped
// message (the envelope's primitive signature). Revocation of the TSA chain is the caller's (it needs the network).
import { createHash, verify as cryptoVerify } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { SignerInfo } from '@peculiar/asn1-cms';
import { TSTInfo } from '@peculiar/asn1-tsp';
import { EKU, isIssuedBy, parseCertificate, sameCert, type Cert } from './cert';
import { validateChain } from './chain';
import { bytesEqual, children, slice, whole, type DerElement } from './der';

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_TST_INFO = '1.2.840.113549.1.9.16.1.4';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
const OID_SIGNING_CERT_V2 = '1.2.840.113549.1.9.16.2.47';
const OID_BASELINE_POLICY = '0.4.0.2023.1.1';

const HASHES: Record<string, 'sha256' | 'sha384' | 'sha512'> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
/** CMS signature algorithms: rsaEncryption (with the digest algorithm), sha*WithRSA, ecdsa-with-SHA*. */
const SIG_ALGS: Record<string, { kind: 'rsa' | 'ecdsa'; hash?: 'sha256' | 'sha384' | 'sha512' }> = {
  '1.2.840.113549.1.1.1': { kind: 'rsa' },
  '1.2.840.113549.1.1.11': { kind: 'rsa', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { kind: 'rsa', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { kind: 'rsa', hash: 'sha512' },
  '1.2.840.10045.4.3.2': { kind: 'ecdsa', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { kind: 'ecdsa', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { kind: 'ecdsa', hash: 'sha512' },
};

export interface VerifiedTimestamp {
  readonly genTime: Date;
  readonly accuracyMs: number;
  /** TSA signing certificate first, trust-store root last. */
  readonly tsaChain: readonly Cert[];
}

export type TimestampResult = { readonly ok: true; readonly timestamp: VerifiedTimestamp } | { readonly ok: false; readonly reason: string };

const fail = (reason: string): TimestampResult => ({ ok: false, reason });

interface Token {
  tstInfoDer: Uint8Array;
  certs: Cert[];
  signerInfo: SignerInfo;
  signedAttrsSet: Uint8Array;
}

/**
 * Verifies `token` as a countersignature over `stampedMessage` and returns the authenticated time range.
 * `signingChain` (the envelope's chain) must be valid over the whole range [genTime − accuracy, genTime + accuracy].
 */
export function verifyTimestamp(token: Uint8Array, stampedMessage: Uint8Array, tsaRoots: readonly Cert[], signingChain: readonly Cert[]): TimestampResult {
  try {
    return verifyUnsafe(token, stampedMessage, tsaRoots, signingChain);
  } catch (e) {
    return fail(`timestamp countersignature could not be processed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function verifyUnsafe(tokenBytes: Uint8Array, stampedMessage: Uint8Array, tsaRoots: readonly Cert[], signingChain: readonly Cert[]): TimestampResult {
  const parsed = parseToken(tokenBytes);
  if (typeof parsed === 'string') return fail(parsed);
  let info: TSTInfo;
  try {
    info = AsnConvert.parse(parsed.tstInfoDer, TSTInfo);
  } catch (e) {
    return fail(`timestamp TSTInfo is malformed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (info.version !== 1) return fail(`timestamp TSTInfo version must be 1 (got ${info.version})`);
  // The stamped datum is the envelope's primitive signature.
  const imprintAlg = HASHES[info.messageImprint.hashAlgorithm.algorithm];
  if (!imprintAlg) return fail(`timestamp message imprint uses an unsupported hash (${info.messageImprint.hashAlgorithm.algorithm})`);
  if (!bytesEqual(new Uint8Array(info.messageImprint.hashedMessage.buffer), createHash(imprintAlg).update(stampedMessage).digest())) {
    return fail('timestamp does not stamp this signature (message imprint mismatch)');
  }

  const si = parsed.signerInfo;
  if (si.version !== 1 || !si.sid.issuerAndSerialNumber) return fail('timestamp signer must be identified by issuer and serial number (SignerInfo version 1)');
  const digestAlg = HASHES[si.digestAlgorithm.algorithm];
  if (!digestAlg) return fail(`timestamp digest algorithm ${si.digestAlgorithm.algorithm} is not supported`);

  // Signed attributes: content type, message digest, ESS signing-certificate-v2.
  const attrs = new Map<string, ArrayBuffer[]>();
  for (const a of si.signedAttrs ?? []) {
    if (attrs.has(a.attrType)) return fail(`timestamp signed attribute ${a.attrType} appears twice`);
    attrs.set(a.attrType, a.attrValues);
  }
  const ct = single(attrs, OID_CONTENT_TYPE);
  if (!ct || oidOf(ct) !== OID_TST_INFO) return fail('timestamp content-type attribute is missing or is not id-ct-TSTInfo');
  const md = single(attrs, OID_MESSAGE_DIGEST);
  const mdValue = md && octets(md);
  if (!mdValue) return fail('timestamp message-digest attribute is missing');
  if (!bytesEqual(mdValue, createHash(digestAlg).update(parsed.tstInfoDer).digest())) return fail('timestamp message digest does not match its TSTInfo: the token was altered');
  const signer = signingCertificate(attrs, si, parsed.certs);
  if (typeof signer === 'string') return fail(signer);

  // The signature over the DER SET of signed attributes.
  const alg = SIG_ALGS[si.signatureAlgorithm.algorithm];
  if (!alg) return fail(`timestamp signature algorithm ${si.signatureAlgorithm.algorithm} is not supported`);
  const hash = alg.hash ?? digestAlg;
  const keyType = signer.publicKey.asymmetricKeyType;
  if ((alg.kind === 'rsa') !== (keyType === 'rsa') || (alg.kind === 'ecdsa') !== (keyType === 'ec')) return fail('timestamp signature algorithm does not match the TSA key');
  let sigOk = false;
  try {
    sigOk = cryptoVerify(hash, parsed.signedAttrsSet, signer.publicKey, new Uint8Array(si.signature.buffer));
  } catch {
    sigOk = false;
  }
  if (!sigOk) return fail('timestamp countersignature does not verify with the TSA certificate');

  const genTime = info.genTime;
  const tsaChain = buildChain(signer, parsed.certs, tsaRoots, genTime);
  if (typeof tsaChain === 'string') return fail(tsaChain);
  const chainProblem = validateChain(tsaChain, 'timeStamping');
  if (chainProblem) return fail(`timestamping certificate chain is invalid: ${chainProblem}`);
  const signingTime = single(attrs, OID_SIGNING_TIME);
  if (signingTime) {
    const st = utcOrGeneralized(signingTime);
    if (!st || tsaChain.some((c) => st < c.notBefore || st > c.notAfter)) return fail('timestamp signing-time attribute is outside the TSA certificates\' validity');
  }

  const acc = info.accuracy;
  let accuracyMs = acc ? (acc.seconds ?? 0) * 1000 + (acc.millis ?? 0) + (acc.micros ?? 0) / 1000 : 0;
  if (accuracyMs === 0 && info.policy === OID_BASELINE_POLICY) accuracyMs = 1000;
  const lower = genTime.getTime() - accuracyMs;
  const upper = genTime.getTime() + accuracyMs;
  for (const c of signingChain) {
    if (lower < c.notBefore.getTime()) return fail(`the timestamp may be before certificate "${c.subject}" became valid (${c.notBefore.toISOString()})`);
    if (upper > c.notAfter.getTime()) return fail(`the timestamp may be after certificate "${c.subject}" expired (${c.notAfter.toISOString()})`);
  }
  return { ok: true, timestamp: { genTime, accuracyMs, tsaChain } };
}

function parseToken(token: Uint8Array): Token | string {
  const top = whole(token);
  const ci = top && children(token, top);
  if (!ci || ci.length !== 2 || ci[0]!.tag !== 0x06 || ci[1]!.tag !== 0xa0) return 'timestamp countersignature is not a DER CMS ContentInfo';
  if (oidOf(token.subarray(ci[0]!.start, ci[0]!.end)) !== OID_SIGNED_DATA) return 'timestamp countersignature is not CMS SignedData';
  const sdEl = children(token, ci[1]!)?.[0];
  const sd = sdEl && children(token, sdEl);
  if (!sd || sd.length < 4) return 'timestamp SignedData is malformed';
  if (sd[0]!.tag !== 0x02 || sd[0]!.end - sd[0]!.contentStart !== 1 || token[sd[0]!.contentStart] !== 3) return 'timestamp SignedData version must be 3';
  const encap = children(token, sd[2]!);
  if (!encap || encap[0]?.tag !== 0x06) return 'timestamp encapsulated content is malformed';
  const eType = oidOf(slice(token, encap[0]));
  if (eType !== OID_TST_INFO) return `timestamp content type is ${eType ?? '?'}, not id-ct-TSTInfo (${OID_TST_INFO})`;
  const explicit = encap[1] && encap[1].tag === 0xa0 ? children(token, encap[1]) : undefined;
  const octet = explicit?.[0];
  if (!octet || octet.tag !== 0x04) return 'timestamp TSTInfo is missing';
  const tstInfoDer = token.subarray(octet.contentStart, octet.end);
  let i = 3;
  const certs: Cert[] = [];
  if (sd[i]?.tag === 0xa0) {
    for (const c of children(token, sd[i]!) ?? []) {
      if (c.tag !== 0x30) continue; // other certificate choices are not used
      const parsed = parseCertificate(slice(token, c));
      if (!parsed.ok) return `timestamp token certificate: ${parsed.reason}`;
      certs.push(parsed.cert);
    }
    i++;
  }
  if (sd[i]?.tag === 0xa1) i++;
  const infos = sd[i] && sd[i]!.tag === 0x31 ? children(token, sd[i]!) : undefined;
  if (!infos || i !== sd.length - 1) return 'timestamp signer infos are malformed';
  if (infos.length !== 1) return `a timestamp token must have exactly one signer (found ${infos.length})`;
  const siEl = infos[0] as DerElement;
  const siParts = children(token, siEl);
  const attrsEl = siParts?.find((p) => p.tag === 0xa0);
  if (!attrsEl) return 'timestamp signer has no signed attributes';
  const signerInfo = AsnConvert.parse(slice(token, siEl), SignerInfo);
  // The signature covers the attributes as an explicit SET OF (tag 0x31), not the [0] IMPLICIT form.
  const signedAttrsSet = Buffer.from(slice(token, attrsEl));
  signedAttrsSet[0] = 0x31;
  return { tstInfoDer, certs, signerInfo, signedAttrsSet };
}

/** ESS signing-certificate-v2 names the TSA certificate by hash (and optionally issuer/serial); it must be in the token. */
function signingCertificate(attrs: Map<string, ArrayBuffer[]>, si: SignerInfo, certs: readonly Cert[]): Cert | string {
  const v = single(attrs, OID_SIGNING_CERT_V2);
  if (!v) return 'timestamp has no signing-certificate-v2 attribute';
  const top = whole(v);
  const scv2 = top && children(v, top);
  const certIds = scv2?.[0] && children(v, scv2[0]);
  const first = certIds?.[0] && children(v, certIds[0]);
  if (!first || first.length === 0) return 'timestamp signing-certificate-v2 attribute is malformed';
  let hash: 'sha256' | 'sha384' | 'sha512' = 'sha256';
  let k = 0;
  if (first[0]!.tag === 0x30) {
    const algOid = children(v, first[0]!)?.[0];
    const h = algOid && HASHES[oidOf(slice(v, algOid)) ?? ''];
    if (!h) return 'timestamp signing-certificate-v2 uses an unsupported hash';
    hash = h;
    k = 1;
  }
  const certHash = first[k];
  if (!certHash || certHash.tag !== 0x04) return 'timestamp signing-certificate-v2 attribute is malformed';
  const expected = v.subarray(certHash.contentStart, certHash.end);
  const serial = Buffer.from(si.sid.issuerAndSerialNumber!.serialNumber).toString('hex').replace(/^0+(?=.)/, '');
  const candidates = certs.filter((c) => c.serialHex.replace(/^0+(?=.)/, '') === serial);
  const match = candidates.find((c) => bytesEqual(createHash(hash).update(c.der).digest(), expected));
  if (!match) return 'signing certificate not found in the timestamp token';
  return match;
}

/** TSA signing certificate → intermediates from the token → a root from the `tsa` trust store; all valid at `at`; EKU allows time stamping. */
function buildChain(leaf: Cert, pool: readonly Cert[], roots: readonly Cert[], at: Date): Cert[] | string {
  const chain: Cert[] = [leaf];
  for (let depth = 0; depth < 8; depth++) {
    const cur = chain[chain.length - 1] as Cert;
    const anchor = roots.find((r) => sameCert(r, cur)) ?? roots.find((r) => isIssuedBy(cur, r));
    if (anchor) {
      if (!sameCert(anchor, cur)) chain.push(anchor);
      for (const c of chain) {
        if (at < c.notBefore || at > c.notAfter) return `timestamping certificate "${c.subject}" was not valid at the timestamp's time ${at.toISOString()}`;
        if (c !== leaf && c.extKeyUsage && !c.extKeyUsage.oids.includes(EKU.timeStamping) && !c.extKeyUsage.oids.includes(EKU.any)) {
          return `CA certificate "${c.subject}" does not allow time stamping`;
        }
      }
      return chain;
    }
    const next = pool.find((p) => !chain.some((c) => sameCert(c, p)) && isIssuedBy(cur, p));
    if (!next) break;
    chain.push(next);
  }
  return 'the timestamp is not signed by a TSA the trust policy trusts (certificate signed by unknown authority)';
}

function single(attrs: Map<string, ArrayBuffer[]>, oid: string): Uint8Array | undefined {
  const v = attrs.get(oid);
  return v && v.length === 1 ? new Uint8Array(v[0] as ArrayBuffer) : undefined;
}

function octets(der: Uint8Array): Uint8Array | undefined {
  const el = whole(der);
  return el && el.tag === 0x04 ? der.subarray(el.contentStart, el.end) : undefined;
}

function utcOrGeneralized(der: Uint8Array): Date | undefined {
  const el = whole(der);
  if (!el || (el.tag !== 0x17 && el.tag !== 0x18)) return undefined;
  const s = Buffer.from(der.subarray(el.contentStart, el.end)).toString('ascii');
  const m = el.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(s);
  if (!m) return undefined;
  let year = Number(m[1]);
  if (el.tag === 0x17) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

/** Dotted OID of a DER OBJECT IDENTIFIER element. */
export function oidOf(der: Uint8Array): string | undefined {
  const el = whole(der);
  if (!el || el.tag !== 0x06 || el.end === el.contentStart) return undefined;
  const parts: number[] = [];
  let v = 0;
  for (let i = el.contentStart; i < el.end; i++) {
    const b = der[i] as number;
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const a = first < 40 ? 0 : first < 80 ? 1 : 2;
  return [a, first - a * 40, ...parts].join('.');
}
