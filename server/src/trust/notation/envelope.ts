// Integrity of one signature envelope: decode (JWS or COSE), check the primitive signature with the signing
// certificate's key and the algorithm that key implies, then the signed attributes (signing scheme, times, crit),
// the certificate chain requirements, the payload content type and the payload `{"targetArtifact": descriptor}`.
import { algorithmForKey, verifyPrimitive, type SignatureAlgorithm } from './algorithms';
import { parseCertificate, type Cert } from './cert';
import { validateChain } from './chain';
import { decodeCose } from './cose';
import type { DecodedEnvelope } from './envelopeTypes';
import { decodeJws } from './jws';

export const MEDIA_TYPE_JWS = 'application/jose+json';
export const MEDIA_TYPE_COSE = 'application/cose';
export const PAYLOAD_CONTENT_TYPE = 'application/vnd.cncf.notary.payload.v1+json';
/** Envelopes are small (a chain and maybe a timestamp token); anything larger is refused unread. */
export const MAX_ENVELOPE_BYTES = 4 * 1024 * 1024;

export const PLUGIN_HEADER = 'io.cncf.notary.verificationPlugin';
export const PLUGIN_MIN_VERSION_HEADER = 'io.cncf.notary.verificationPluginMinVersion';

export type SigningScheme = 'notary.x509' | 'notary.x509.signingAuthority';

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly artifactType?: string;
}

/** What an integrity-verified envelope says. */
export interface SignerInfo {
  readonly format: 'jws' | 'cose';
  readonly algorithm: SignatureAlgorithm;
  readonly scheme: SigningScheme;
  /** `io.cncf.notary.signingTime` (notary.x509, unauthenticated) or `io.cncf.notary.authenticSigningTime`. */
  readonly signingTime: Date;
  readonly expiry?: Date;
  /** Leaf first, root last. */
  readonly chain: readonly Cert[];
  /** The primitive signature (what an RFC 3161 countersignature stamps). */
  readonly signature: Uint8Array;
  readonly timestampToken?: Uint8Array;
  readonly signingAgent?: string;
  /** Set when the signer requires a verification plugin (critical header). */
  readonly plugin?: { readonly name: string; readonly minVersion?: string };
  readonly target: Descriptor;
}

export type IntegrityResult =
  | { readonly ok: true; readonly info: SignerInfo }
  | { readonly ok: false; readonly reason: string; readonly kind: 'invalid' | 'unsupported' };

const bad = (reason: string): IntegrityResult => ({ ok: false, reason, kind: 'invalid' });

/** Never throws: every malformed or hostile input is an `invalid` result. */
export function verifyEnvelope(mediaType: string, bytes: Uint8Array): IntegrityResult {
  try {
    return verifyEnvelopeUnsafe(mediaType, bytes);
  } catch (e) {
    return bad(`signature envelope could not be processed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function verifyEnvelopeUnsafe(mediaType: string, bytes: Uint8Array): IntegrityResult {
  if (bytes.length > MAX_ENVELOPE_BYTES) return bad(`signature envelope is larger than ${MAX_ENVELOPE_BYTES} bytes`);
  if (bytes.length === 0) return bad('signature envelope is empty');
  let decoded;
  if (mediaType === MEDIA_TYPE_JWS) decoded = decodeJws(bytes);
  else if (mediaType === MEDIA_TYPE_COSE) decoded = decodeCose(bytes);
  else return { ok: false, reason: `signature envelope media type "${mediaType}" is not supported (${MEDIA_TYPE_JWS} or ${MEDIA_TYPE_COSE})`, kind: 'invalid' };
  if (!decoded.ok) return bad(decoded.reason);
  const env = decoded.envelope;

  const chain: Cert[] = [];
  for (const der of env.certs) {
    const c = parseCertificate(der);
    if (!c.ok) return bad(`certificate chain: ${c.reason}`);
    chain.push(c.cert);
  }
  const leaf = chain[0] as Cert;
  const keyAlg = algorithmForKey(leaf.key);
  if (!keyAlg) return bad(`signing certificate "${leaf.subject}" has a key the specification does not allow`);
  // The signing key is the source of truth: a different `alg` is an algorithm substitution.
  if (env.header.alg !== keyAlg) return bad(`signature algorithm ${env.header.alg} does not match the signing key (${keyAlg})`);
  if (!verifyPrimitive(keyAlg, leaf.publicKey, env.signedBytes, env.signature, env.pssSalt)) {
    return bad('the signature does not verify with the signing certificate: the envelope was altered or signed by another key');
  }

  const attrs = signedAttributes(env);
  if (typeof attrs === 'string') return bad(attrs);

  const chainProblem = validateChain(chain, 'codeSigning');
  if (chainProblem) return bad(`certificate chain is invalid: ${chainProblem}`);

  if (env.header.cty !== PAYLOAD_CONTENT_TYPE) return bad(`payload content type ${JSON.stringify(env.header.cty)} is not supported (${PAYLOAD_CONTENT_TYPE})`);
  const target = parsePayload(env.payload);
  if (typeof target === 'string') return bad(target);

  const info: SignerInfo = {
    format: env.format,
    algorithm: keyAlg,
    scheme: attrs.scheme,
    signingTime: attrs.signingTime,
    ...(attrs.expiry ? { expiry: attrs.expiry } : {}),
    chain,
    signature: env.signature,
    ...(env.timestampToken ? { timestampToken: env.timestampToken } : {}),
    ...(env.signingAgent !== undefined ? { signingAgent: env.signingAgent } : {}),
    ...(attrs.plugin ? { plugin: attrs.plugin } : {}),
    target,
  };
  if (attrs.plugin) {
    return { ok: false, kind: 'unsupported', reason: `the signature requires the verification plugin "${attrs.plugin.name}", which dockerfile-trust does not run` };
  }
  return { ok: true, info };
}

interface Attrs {
  scheme: SigningScheme;
  signingTime: Date;
  expiry?: Date;
  plugin?: { name: string; minVersion?: string };
}

/** Signing scheme, times and `crit`, as the JWS and COSE envelope specifications state them. */
function signedAttributes(env: DecodedEnvelope): Attrs | string {
  const h = env.header;
  const scheme = h.scheme;
  if (scheme !== 'notary.x509' && scheme !== 'notary.x509.signingAuthority') return `signing scheme ${JSON.stringify(scheme)} is not supported (notary.x509, notary.x509.signingAuthority)`;
  let signingTime: Date | undefined;
  if (scheme === 'notary.x509') {
    if (h.present('io.cncf.notary.authenticSigningTime')) return 'io.cncf.notary.authenticSigningTime must not be present under notary.x509';
    signingTime = h.signingTime;
    if (!signingTime) return 'io.cncf.notary.signingTime is missing';
  } else {
    if (h.present('io.cncf.notary.signingTime')) return 'io.cncf.notary.signingTime must not be present under notary.x509.signingAuthority';
    signingTime = h.authenticSigningTime;
    if (!signingTime) return 'io.cncf.notary.authenticSigningTime is missing';
  }
  if (h.expiry && h.expiry.getTime() <= signingTime.getTime()) return 'expiry is not after the signing time';

  if (!h.critPresent || h.crit.length === 0) return 'the "crit" header is missing';
  if (new Set(h.crit).size !== h.crit.length) return 'the "crit" header lists a name twice';
  const mustBeCritical = ['io.cncf.notary.signingScheme'];
  if (h.expiry) mustBeCritical.push('io.cncf.notary.expiry');
  if (scheme === 'notary.x509.signingAuthority') mustBeCritical.push('io.cncf.notary.authenticSigningTime');
  const missing = mustBeCritical.filter((m) => !h.crit.includes(m));
  if (missing.length > 0) return `required headers are not marked critical: ${missing.join(', ')}`;

  const unknown: string[] = [];
  for (const label of h.crit) {
    if (mustBeCritical.includes(label as string)) continue;
    if (!h.extended.has(label)) return `header ${JSON.stringify(label)} is marked critical but is not a present extended header`;
    if (label !== PLUGIN_HEADER && label !== PLUGIN_MIN_VERSION_HEADER) unknown.push(String(label));
  }
  let plugin: Attrs['plugin'];
  const pluginName = h.extended.get(PLUGIN_HEADER);
  if (pluginName !== undefined) {
    if (!h.crit.includes(PLUGIN_HEADER) || typeof pluginName !== 'string' || pluginName.trim() === '') return `${PLUGIN_HEADER} must be a critical, non-empty string`;
    const min = h.extended.get(PLUGIN_MIN_VERSION_HEADER);
    plugin = { name: pluginName, ...(typeof min === 'string' ? { minVersion: min } : {}) };
  }
  // An unknown critical header must fail verification (signature specification, "Extended attributes"), unless a
  // plugin is named: then the plugin would process it, and the envelope is reported as needing that plugin.
  if (unknown.length > 0 && !plugin) return `unknown critical header ${unknown.map((u) => JSON.stringify(u)).join(', ')}: the signer requires processing this verifier cannot do`;
  return { scheme, signingTime, ...(h.expiry ? { expiry: h.expiry } : {}), ...(plugin ? { plugin } : {}) };
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

function parsePayload(bytes: Uint8Array): Descriptor | string {
  let p: unknown;
  try {
    p = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return 'payload is not JSON';
  }
  const t = typeof p === 'object' && p !== null ? (p as Record<string, unknown>)['targetArtifact'] : undefined;
  if (typeof t !== 'object' || t === null || Array.isArray(t)) return 'payload has no "targetArtifact" descriptor';
  const d = t as Record<string, unknown>;
  if (typeof d['mediaType'] !== 'string' || typeof d['digest'] !== 'string' || !DIGEST.test(d['digest'])) return 'payload descriptor needs a mediaType and a digest';
  if (typeof d['size'] !== 'number' || !Number.isSafeInteger(d['size']) || d['size'] < 0) return 'payload descriptor needs a non-negative integer size';
  const ann = d['annotations'];
  let annotations: Record<string, string> | undefined;
  if (ann !== undefined && ann !== null) {
    if (typeof ann !== 'object' || Array.isArray(ann) || !Object.values(ann).every((v) => typeof v === 'string')) return 'payload descriptor annotations must map strings to strings';
    annotations = ann as Record<string, string>;
  }
  return {
    mediaType: d['mediaType'],
    digest: d['digest'],
    size: d['size'],
    ...(annotations ? { annotations } : {}),
    ...(typeof d['artifactType'] === 'string' ? { artifactType: d['artifactType'] } : {}),
  };
}

/** notation's content.Equal: media type, digest and size must all be equal. */
export function sameTarget(a: Descriptor, b: Descriptor): boolean {
  return a.mediaType === b.mediaType && a.digest === b.digest && a.size === b.size;
}
