// COSE_Sign1_Tagged, `application/cose`, as the Notary Project COSE envelope specification defines it: protected
// header map (1 alg, 2 crit, 3 content type, io.cncf.notary.* with tag-1 epoch times), unprotected 33 x5chain,
// timestampSignature and signingAgent; the signature covers Sig_structure ["Signature1", protected, h'', payload].
import { Tag, decode } from 'cbor2';
import { COSE_ALGORITHMS } from './algorithms';
import type { Decoded, HeaderFields } from './envelopeTypes';

const LABEL_ALG = 1;
const LABEL_CRIT = 2;
const LABEL_CTY = 3;
const LABEL_X5CHAIN = 33;

const SYSTEM_LABELS = new Set<string | number>([
  LABEL_ALG,
  LABEL_CRIT,
  LABEL_CTY,
  'io.cncf.notary.expiry',
  'io.cncf.notary.signingScheme',
  'io.cncf.notary.signingTime',
  'io.cncf.notary.authenticSigningTime',
]);

/** Strict decoding for hostile bytes: definite lengths only, no duplicate map keys, bounded depth, tags left raw. */
const DECODE_OPTIONS = {
  preferMap: true,
  rejectDuplicateKeys: true,
  rejectStreaming: true,
  ignoreGlobalTags: true,
  rejectUndefined: true,
  maxDepth: 16,
} as const;

function cbor(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: decode(bytes, DECODE_OPTIONS) };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

export function decodeCose(bytes: Uint8Array): Decoded {
  const top = cbor(bytes);
  if (!top.ok) return { ok: false, reason: `COSE envelope is not valid CBOR: ${top.reason}` };
  const t = top.value;
  if (!(t instanceof Tag) || Number(t.tag) !== 18) return { ok: false, reason: 'COSE envelope is not a COSE_Sign1_Tagged (tag 18) object' };
  const arr = t.contents;
  if (!Array.isArray(arr) || arr.length !== 4) return { ok: false, reason: 'COSE_Sign1 must be an array of four items' };
  const [prot, unprot, payload, signature] = arr as [unknown, unknown, unknown, unknown];
  if (!(prot instanceof Uint8Array) || prot.length === 0) return { ok: false, reason: 'COSE protected header is missing' };
  if (!(unprot instanceof Map)) return { ok: false, reason: 'COSE unprotected header is not a map' };
  if (!(payload instanceof Uint8Array)) return { ok: false, reason: 'COSE payload is missing (detached payloads are not supported)' };
  if (!(signature instanceof Uint8Array) || signature.length === 0) return { ok: false, reason: 'COSE signature is missing' };
  const ph = cbor(prot);
  if (!ph.ok) return { ok: false, reason: `COSE protected header is not valid CBOR: ${ph.reason}` };
  if (!(ph.value instanceof Map)) return { ok: false, reason: 'COSE protected header is not a map' };
  const h = ph.value as Map<unknown, unknown>;
  for (const k of h.keys()) if (typeof k !== 'string' && typeof k !== 'number') return { ok: false, reason: 'COSE header label is neither an integer nor a text string' };
  for (const k of unprot.keys()) if (h.has(k)) return { ok: false, reason: `COSE header ${String(k)} is both protected and unprotected` };

  // x5chain: one bstr or an array of bstr; the specification also allows it in the protected header.
  const chainValue = unprot.get(LABEL_X5CHAIN) ?? h.get(LABEL_X5CHAIN);
  const chain = chainValue instanceof Uint8Array ? [chainValue] : chainValue;
  if (!Array.isArray(chain) || chain.length === 0 || !chain.every((c) => c instanceof Uint8Array)) return { ok: false, reason: 'certificate chain (x5chain) is not present' };
  const tst = unprot.get('io.cncf.notary.timestampSignature');
  if (tst !== undefined && !(tst instanceof Uint8Array)) return { ok: false, reason: 'io.cncf.notary.timestampSignature is not a byte string' };
  const agent = unprot.get('io.cncf.notary.signingAgent');

  const fields = headerFields(h);
  if (typeof fields === 'string') return { ok: false, reason: fields };
  const sigStructure = Buffer.concat([Uint8Array.of(0x84, 0x6a), Buffer.from('Signature1', 'ascii'), bstr(prot), Uint8Array.of(0x40), bstr(payload)]);
  return {
    ok: true,
    envelope: {
      format: 'cose',
      header: fields,
      certs: chain as Uint8Array[],
      signature,
      signedBytes: sigStructure,
      payload,
      pssSalt: 'hash',
      ...(tst instanceof Uint8Array && tst.length > 0 ? { timestampToken: tst } : {}),
      ...(typeof agent === 'string' ? { signingAgent: agent } : {}),
    },
  };
}

/** A CBOR byte string with its definite-length header (RFC 8949 preferred encoding). */
function bstr(b: Uint8Array): Uint8Array {
  const n = b.length;
  const head = n < 24 ? [0x40 | n] : n < 0x100 ? [0x58, n] : n < 0x10000 ? [0x59, n >> 8, n & 0xff] : [0x5a, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Uint8Array.from(head), b]);
}

function headerFields(h: Map<unknown, unknown>): HeaderFields | string {
  const algValue = h.get(LABEL_ALG);
  const alg = typeof algValue === 'number' ? COSE_ALGORITHMS[algValue] : undefined;
  if (!alg) return `COSE signature algorithm ${String(algValue)} is not allowed (PS256/384/512, ES256/384/512)`;
  const crit = h.get(LABEL_CRIT);
  if (crit !== undefined && (!Array.isArray(crit) || crit.length === 0 || !crit.every((c) => typeof c === 'string' || typeof c === 'number'))) {
    return 'COSE "crit" must be a non-empty array of labels';
  }
  const time = (name: string): Date | undefined | string => {
    const v = h.get(name);
    if (v === undefined) return undefined;
    // Epoch-based date/time, tag 1 only.
    if (!(v instanceof Tag) || Number(v.tag) !== 1 || typeof v.contents !== 'number' || !Number.isFinite(v.contents)) return `${name} must be a tag-1 epoch date/time`;
    const d = new Date(Math.trunc(v.contents * 1000));
    return Number.isFinite(d.getTime()) ? d : `${name} is out of range`;
  };
  const signingTime = time('io.cncf.notary.signingTime');
  const authenticSigningTime = time('io.cncf.notary.authenticSigningTime');
  const expiry = time('io.cncf.notary.expiry');
  for (const t of [signingTime, authenticSigningTime, expiry]) if (typeof t === 'string') return t;
  const extended = new Map<string | number, unknown>();
  for (const [k, v] of h) if (!SYSTEM_LABELS.has(k as string | number)) extended.set(k as string | number, v);
  return {
    alg,
    cty: h.get(LABEL_CTY),
    crit: (crit as (string | number)[] | undefined) ?? [],
    critPresent: crit !== undefined,
    scheme: h.get('io.cncf.notary.signingScheme'),
    ...(signingTime ? { signingTime: signingTime as Date } : {}),
    ...(authenticSigningTime ? { authenticSigningTime: authenticSigningTime as Date } : {}),
    ...(expiry ? { expiry: expiry as Date } : {}),
    extended,
    present: (label) => h.has(label),
  };
}
