// cosign's legacy attestations: layers of the `sha256-<hex>.att` image, each a DSSE envelope (media type
// application/vnd.dsse.envelope.v1+json) with the signing material in annotations — the certificate and chain (PEM), the
// Rekor bundle (SET + entry), and `predicateType` (sigstore/cosign cmd/cosign/cli/attest/attest.go, pkg/oci/static).
// The `dev.cosignproject.cosign/signature` annotation is empty: the signature is inside the envelope.
// Rebuilt as a v0.1 Sigstore bundle, as trust/cosign/legacy.ts does for `.sig`, so one verifier checks both layouts.
//
// Log entries: cosign ≥ 2.2 logs attestations as `dsse` 0.0.1, which @sigstore/verify checks; cosign < 2.2 (before August
// 2023) logged `intoto` 0.0.1, which it does not, so those read as unverifiable, never as verified.
import { LIMITS, isObj, normaliseBase64, own, parseJson, str, utf8 } from './hostile';
import type { AttestationFact } from './facts';
import { verifyAs, type AttestationContext } from './verify';

export const DSSE_LAYER_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const ANN_CERTIFICATE = 'dev.sigstore.cosign/certificate';
export const ANN_CHAIN = 'dev.sigstore.cosign/chain';
export const ANN_BUNDLE = 'dev.sigstore.cosign/bundle';
export const ANN_PREDICATE_TYPE = 'predicateType';
const BUNDLE_V01 = 'application/vnd.dev.sigstore.bundle+json;version=0.1';

/** One layer of a `.att` manifest, as discovery hands it over: the blob (already checked against its digest) and its annotations. */
export interface LegacyAttestationLayer {
  readonly envelope: Uint8Array;
  readonly annotations: Readonly<Record<string, string>>;
}

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';

/** PEM certificates → base64 DER, in one linear pass; capped in size and count. */
export function pemCertificates(pem: string): { ok: true; der: string[] } | { ok: false; reason: string } {
  if (pem.length > LIMITS.annotationChars) return { ok: false, reason: `certificate annotation of ${pem.length} characters is over the cap` };
  const der: string[] = [];
  let at = 0;
  for (;;) {
    const b = pem.indexOf(BEGIN, at);
    if (b < 0) break;
    const e = pem.indexOf(END, b + BEGIN.length);
    if (e < 0) return { ok: false, reason: 'a PEM certificate has no END line' };
    if (der.length >= LIMITS.pemCertificates) return { ok: false, reason: `more than ${LIMITS.pemCertificates} certificates in one annotation` };
    const body = pem.slice(b + BEGIN.length, e).replace(/\s+/g, '');
    const norm = normaliseBase64(body, LIMITS.annotationChars);
    if (norm === undefined || norm !== body || body.length === 0) return { ok: false, reason: 'a PEM certificate is not base64' };
    der.push(body);
    at = e + END.length;
  }
  return { ok: true, der };
}

type Rebuilt = { ok: true; bundle: unknown; predicateTypeHint?: string } | { ok: false; state: 'invalid' | 'unverifiable'; reason: string; predicateTypeHint?: string };

/** The layer as a v0.1 Sigstore bundle. */
export function legacyAttestationToBundle(layer: LegacyAttestationLayer): Rebuilt {
  const hintRaw = str(layer.annotations[ANN_PREDICATE_TYPE], 512);
  const hint = hintRaw !== undefined ? { predicateTypeHint: hintRaw } : {};
  const fail = (state: 'invalid' | 'unverifiable', reason: string): Rebuilt => ({ ok: false, state, reason, ...hint });
  if (layer.envelope.length > LIMITS.envelopeBytes) return fail('unverifiable', `DSSE envelope of ${layer.envelope.length} bytes is over the cap`);
  const text = utf8(layer.envelope);
  const env = text !== undefined ? parseJson(text) : { ok: false as const };
  if (!env.ok || !isObj(env.value)) return fail('invalid', 'the .att layer is not a JSON DSSE envelope');
  const payloadType = own(env.value, 'payloadType');
  const payload = normaliseBase64(own(env.value, 'payload'), LIMITS.envelopeBytes);
  const sigs = own(env.value, 'signatures');
  if (typeof payloadType !== 'string' || payloadType.length > 256) return fail('invalid', 'the DSSE envelope has no payloadType');
  if (payload === undefined) return fail('invalid', 'the DSSE envelope payload is not base64');
  if (!Array.isArray(sigs) || sigs.length !== 1) return fail('invalid', `the DSSE envelope must carry exactly one signature, found ${Array.isArray(sigs) ? sigs.length : 0}`);
  const sig = normaliseBase64(own(sigs[0], 'sig'), 16 * 1024);
  if (sig === undefined || sig.length === 0) return fail('invalid', 'the DSSE signature is not base64');
  const keyidRaw = own(sigs[0], 'keyid');
  const keyid = typeof keyidRaw === 'string' && keyidRaw.length <= 256 ? keyidRaw : '';

  const certAnn = layer.annotations[ANN_CERTIFICATE];
  const chainAnn = layer.annotations[ANN_CHAIN];
  const certs: string[] = [];
  if (certAnn) {
    const c = pemCertificates(certAnn);
    if (!c.ok) return fail('invalid', `certificate annotation: ${c.reason}`);
    if (c.der.length !== 1) return fail('invalid', 'the certificate annotation must hold exactly one certificate');
    certs.push(...c.der);
    if (chainAnn) {
      const ch = pemCertificates(chainAnn);
      if (!ch.ok) return fail('invalid', `chain annotation: ${ch.reason}`);
      certs.push(...ch.der);
    }
  }

  const tlogEntries: unknown[] = [];
  const rekorAnn = layer.annotations[ANN_BUNDLE];
  if (rekorAnn) {
    if (rekorAnn.length > LIMITS.annotationChars) return fail('invalid', 'Rekor bundle annotation is over the size cap');
    const rb = parseJson(rekorAnn);
    const set = own(rb.ok ? rb.value : undefined, 'SignedEntryTimestamp');
    const p = own(rb.ok ? rb.value : undefined, 'Payload');
    const body = own(p, 'body');
    const logID = own(p, 'logID');
    const integrated = own(p, 'integratedTime');
    const logIndex = own(p, 'logIndex');
    if (typeof set !== 'string' || typeof body !== 'string' || typeof logID !== 'string' || !/^[0-9a-f]{64}$/.test(logID) || !Number.isSafeInteger(integrated) || !Number.isSafeInteger(logIndex)) {
      return fail('invalid', 'Rekor bundle annotation is incomplete');
    }
    const bodyText = normaliseBase64(body, LIMITS.annotationChars);
    const decoded = bodyText !== undefined ? parseJson(Buffer.from(bodyText, 'base64').toString('utf8')) : { ok: false as const };
    const kind = own(decoded.ok ? decoded.value : undefined, 'kind');
    const apiVersion = own(decoded.ok ? decoded.value : undefined, 'apiVersion');
    if (typeof kind !== 'string' || typeof apiVersion !== 'string') return fail('invalid', 'Rekor entry body is not readable');
    if (kind === 'intoto' && apiVersion === '0.0.1') {
      return fail('unverifiable', 'logged as a Rekor intoto 0.0.1 entry (cosign before 2.2), which this checker cannot verify; verify it with cosign verify-attestation');
    }
    tlogEntries.push({
      logIndex: String(logIndex),
      logId: { keyId: Buffer.from(logID, 'hex').toString('base64') },
      kindVersion: { kind, version: apiVersion },
      integratedTime: String(integrated),
      inclusionPromise: { signedEntryTimestamp: set },
      canonicalizedBody: body,
    });
  }
  return {
    ok: true,
    ...hint,
    bundle: {
      mediaType: BUNDLE_V01,
      verificationMaterial: {
        ...(certs.length > 0 ? { x509CertificateChain: { certificates: certs.map((rawBytes) => ({ rawBytes })) } } : { publicKey: { hint: keyid } }),
        tlogEntries,
        timestampVerificationData: { rfc3161Timestamps: [] },
      },
      dsseEnvelope: { payload, payloadType, signatures: [{ sig, keyid }] },
    },
  };
}

/** Verifies one `.att` layer. One call per layer; never throws. */
export function verifyLegacyAttestation(layer: LegacyAttestationLayer, ctx: Omit<AttestationContext, 'predicateTypeHint'>): AttestationFact {
  let r: Rebuilt;
  try {
    r = legacyAttestationToBundle(layer);
  } catch (e) {
    r = { ok: false, state: 'invalid', reason: e instanceof Error ? e.message : String(e) };
  }
  const withHint = { ...ctx, ...(r.predicateTypeHint !== undefined ? { predicateTypeHint: r.predicateTypeHint } : {}) };
  if (!r.ok) {
    const base = { origin: 'legacy-att' as const, repository: ctx.repository, reason: r.reason, ...(r.predicateTypeHint !== undefined ? { predicateTypeHint: r.predicateTypeHint } : {}) };
    return r.state === 'invalid' ? { state: 'invalid', ...base, attack: 'forged or corrupted attestation' } : { state: 'unverifiable', ...base };
  }
  return verifyAs(r.bundle, withHint, 'legacy-att');
}
