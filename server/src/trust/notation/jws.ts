// JWS JSON serialization (flattened), `application/jose+json`, as the Notary Project JWS envelope specification
// defines it: protected headers (alg, cty, crit, io.cncf.notary.*), unprotected x5c / timestampSignature / signingAgent.
import { jwsAlgorithm } from './algorithms';
import { parseRfc3339, type DecodedEnvelope, type Decoded, type HeaderFields } from './envelopeTypes';

const SYSTEM_HEADERS = new Set([
  'alg',
  'cty',
  'crit',
  'io.cncf.notary.expiry',
  'io.cncf.notary.signingTime',
  'io.cncf.notary.signingScheme',
  'io.cncf.notary.authenticSigningTime',
]);

const B64URL = /^[A-Za-z0-9_-]*$/;
const B64STD = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64url without padding (RFC 7515 §2), as Go's RawURLEncoding. */
export function b64urlDecode(s: unknown): Uint8Array | undefined {
  if (typeof s !== 'string' || !B64URL.test(s) || s.length % 4 === 1) return undefined;
  const b = Buffer.from(s, 'base64url');
  return b.toString('base64url') === s ? b : undefined;
}

/** Strict padded base64 (JSON []byte in Go). */
export function b64Decode(s: unknown): Uint8Array | undefined {
  if (typeof s !== 'string' || !B64STD.test(s) || s.length % 4 !== 0) return undefined;
  const b = Buffer.from(s, 'base64');
  return b.toString('base64') === s ? b : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function decodeJws(bytes: Uint8Array): Decoded {
  let env: unknown;
  try {
    env = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return { ok: false, reason: 'JWS envelope is not JSON' };
  }
  if (!isObject(env)) return { ok: false, reason: 'JWS envelope is not a JSON object' };
  if ('signatures' in env) return { ok: false, reason: 'JWS general serialization is not allowed (one signature per envelope, flattened form)' };
  const { payload, protected: prot, header, signature } = env;
  if (typeof payload !== 'string' || typeof prot !== 'string' || typeof signature !== 'string') {
    return { ok: false, reason: 'JWS envelope needs string "payload", "protected" and "signature"' };
  }
  const protBytes = b64urlDecode(prot);
  const payloadBytes = b64urlDecode(payload);
  const sig = b64urlDecode(signature);
  if (!protBytes) return { ok: false, reason: 'JWS protected header is not base64url' };
  if (!payloadBytes) return { ok: false, reason: 'JWS payload is not base64url' };
  if (!sig || sig.length === 0) return { ok: false, reason: 'JWS signature is missing or not base64url' };
  let h: unknown;
  try {
    h = JSON.parse(Buffer.from(protBytes).toString('utf8'));
  } catch {
    return { ok: false, reason: 'JWS protected header is not JSON' };
  }
  if (!isObject(h)) return { ok: false, reason: 'JWS protected header is not a JSON object' };

  if (header !== undefined && !isObject(header)) return { ok: false, reason: 'JWS unprotected header is not an object' };
  const unprotected = header ?? {};
  // RFC 7515 §7.2.1: a header parameter may not appear in both the protected and the unprotected header.
  for (const k of Object.keys(unprotected)) if (k in h) return { ok: false, reason: `header "${k}" is both protected and unprotected` };
  const x5c = unprotected['x5c'];
  if (!Array.isArray(x5c) || x5c.length === 0) return { ok: false, reason: 'certificate chain (x5c) is not present' };
  const certs: Uint8Array[] = [];
  for (const c of x5c) {
    const der = b64Decode(c);
    if (!der) return { ok: false, reason: 'x5c entry is not base64' };
    certs.push(der);
  }
  let timestampToken: Uint8Array | undefined;
  const tst = unprotected['io.cncf.notary.timestampSignature'];
  if (tst !== undefined) {
    timestampToken = b64Decode(tst);
    if (!timestampToken) return { ok: false, reason: 'io.cncf.notary.timestampSignature is not base64' };
  }
  const agent = unprotected['io.cncf.notary.signingAgent'];

  const fields = headerFields(h);
  if (typeof fields === 'string') return { ok: false, reason: fields };
  const envelope: DecodedEnvelope = {
    format: 'jws',
    header: fields,
    certs,
    signature: sig,
    signedBytes: Buffer.from(`${prot}.${payload}`, 'ascii'),
    payload: payloadBytes,
    pssSalt: 'auto',
    ...(timestampToken && timestampToken.length > 0 ? { timestampToken } : {}),
    ...(typeof agent === 'string' ? { signingAgent: agent } : {}),
  };
  return { ok: true, envelope };
}

function headerFields(h: Record<string, unknown>): HeaderFields | string {
  const alg = jwsAlgorithm(h['alg']);
  if (!alg) return `signature algorithm ${JSON.stringify(h['alg'])} is not allowed (PS256/384/512, ES256/384/512)`;
  const crit = h['crit'];
  if (crit !== undefined && (!Array.isArray(crit) || !crit.every((c) => typeof c === 'string'))) return '"crit" must be an array of header names';
  const time = (name: string): Date | undefined | string => {
    const v = h[name];
    if (v === undefined) return undefined;
    const d = typeof v === 'string' ? parseRfc3339(v) : undefined;
    return d ?? `${name} is not an RFC 3339 time`;
  };
  const signingTime = time('io.cncf.notary.signingTime');
  const authenticSigningTime = time('io.cncf.notary.authenticSigningTime');
  const expiry = time('io.cncf.notary.expiry');
  for (const t of [signingTime, authenticSigningTime, expiry]) if (typeof t === 'string') return t;
  const extended = new Map<string | number, unknown>();
  for (const [k, v] of Object.entries(h)) if (!SYSTEM_HEADERS.has(k)) extended.set(k, v);
  return {
    alg,
    cty: h['cty'],
    crit: (crit as string[] | undefined) ?? [],
    critPresent: crit !== undefined,
    scheme: h['io.cncf.notary.signingScheme'],
    ...(signingTime ? { signingTime: signingTime as Date } : {}),
    ...(authenticSigningTime ? { authenticSigningTime: authenticSigningTime as Date } : {}),
    ...(expiry ? { expiry: expiry as Date } : {}),
    extended,
    present: (name) => name in h,
  };
}
