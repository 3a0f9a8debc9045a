// Legacy cosign signatures (`sha256-<hex>.sig` layers) read as Sigstore bundles, so one verifier checks both layouts.
import { createHash } from 'node:crypto';
import type { LegacySignature } from './discovery';
import { ambiguousKey } from './strictJson';

const LEGACY_TYPE = 'cosign container image signature';
const BUNDLE_V01 = 'application/vnd.dev.sigstore.bundle+json;version=0.1';

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';
/** A chain longer than this is not a certificate chain. */
const MAX_CERTS = 10;

/**
 * The base64 bodies of the PEM certificates in `pem`, in one linear pass: each marker is searched for
 * once from where the last one ended, so a hostile text (BEGIN after BEGIN, no END) costs O(n), not
 * O(n²) as a lazy regular expression would. A BEGIN without its END ends the scan (the rest is not PEM).
 */
export function pemToDerB64(pem: string): string[] {
  const out: string[] = [];
  let from = 0;
  while (out.length < MAX_CERTS) {
    const b = pem.indexOf(BEGIN, from);
    if (b < 0) break;
    const e = pem.indexOf(END, b + BEGIN.length);
    if (e < 0) break;
    out.push(pem.slice(b + BEGIN.length, e).replace(/\s+/g, ''));
    from = e + END.length;
  }
  return out;
}

/** The legacy annotations rebuilt as a v0.1 Sigstore bundle, so one verifier (and one set of rules) checks both layouts. */
export function legacyToBundle(sig: LegacySignature): unknown {
  const certs = sig.certificate ? [...pemToDerB64(sig.certificate), ...(sig.chain ? pemToDerB64(sig.chain) : [])] : [];
  const tlogEntries: unknown[] = [];
  if (sig.rekorBundle) {
    const rb = JSON.parse(sig.rekorBundle) as { SignedEntryTimestamp?: unknown; Payload?: { body?: unknown; integratedTime?: unknown; logIndex?: unknown; logID?: unknown } };
    const p = rb.Payload ?? {};
    if (typeof p.body !== 'string' || typeof rb.SignedEntryTimestamp !== 'string' || typeof p.logID !== 'string') throw new Error('Rekor bundle annotation is incomplete');
    const body = JSON.parse(Buffer.from(p.body, 'base64').toString('utf8')) as { kind?: unknown; apiVersion?: unknown };
    tlogEntries.push({
      logIndex: String(p.logIndex),
      logId: { keyId: Buffer.from(p.logID, 'hex').toString('base64') },
      kindVersion: { kind: String(body.kind), version: String(body.apiVersion) },
      integratedTime: String(p.integratedTime),
      inclusionPromise: { signedEntryTimestamp: rb.SignedEntryTimestamp },
      canonicalizedBody: p.body,
    });
  }
  return {
    mediaType: BUNDLE_V01,
    verificationMaterial: {
      ...(certs.length > 0 ? { x509CertificateChain: { certificates: certs.map((rawBytes) => ({ rawBytes })) } } : { publicKey: { hint: '' } }),
      tlogEntries,
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(sig.payload).digest('base64') },
      signature: sig.signature,
    },
  };
}

export function legacyPayloadDigest(payload: Uint8Array): { digest: string } | { reason: string } {
  let doc: unknown;
  const text = Buffer.from(payload).toString('utf8');
  try {
    doc = JSON.parse(text);
  } catch {
    return { reason: 'simple-signing payload is not JSON' };
  }
  // cosign reads `Docker-Manifest-Digest` as `docker-manifest-digest` and takes the last one: two of them mean two things.
  const twice = ambiguousKey(text, ['optional']);
  if (twice !== undefined) return { reason: `simple-signing payload has the key ${JSON.stringify(twice.slice(0, 80))} twice (or in two spellings cosign reads as one)` };
  const critical = (doc as { critical?: { type?: unknown; image?: { 'docker-manifest-digest'?: unknown } } } | null)?.critical;
  if (critical?.type !== LEGACY_TYPE) return { reason: `simple-signing payload type is not "${LEGACY_TYPE}"` };
  const d = critical.image?.['docker-manifest-digest'];
  if (typeof d !== 'string') return { reason: 'simple-signing payload has no docker-manifest-digest' };
  return { digest: d };
}

