// Test support: signs images in a real registry the way cosign does (legacy `.sig` tag; v3 Sigstore bundle referrer + referrers tag).
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { attachReferrer, getManifest, MT, type RegistryHandle } from './registry';

export const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';

export interface TestKey {
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  /** `sha256:<hex>` of the SPKI DER, as the product names keys. */
  readonly fingerprint: string;
}

/** A fresh ECDSA P-256 key pair, as `cosign generate-key-pair` makes. */
export function generateKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: `sha256:${createHash('sha256').update(der).digest('hex')}`,
  };
}

function hexOf(digest: string): string {
  return digest.replace(/^sha256:/, '');
}

/** The cosign simple-signing payload for an image digest. */
export function simpleSigningPayload(imageRef: string, digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: { identity: { 'docker-reference': imageRef }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' },
      optional: null,
    }),
  );
}

async function pushEmptyConfig(reg: RegistryHandle, repo: string): Promise<{ mediaType: string; digest: string; size: number }> {
  const bytes = Buffer.from('{}');
  return { mediaType: MT.ociConfig, digest: await reg.pushBlob(repo, bytes), size: bytes.length };
}

export interface LegacyOptions {
  /** Digest written into the payload (default: the digest the signature is stored for). */
  readonly payloadDigest?: string;
  /** Flip a byte in the signature (a corrupted or forged signature). */
  readonly corrupt?: boolean;
}

/**
 * Stores a legacy cosign signature for `digest` under tag `sha256-<hex>.sig`, adding a layer if the tag exists (as cosign does).
 * The signature is ECDSA P-256 SHA-256, DER, over the exact payload bytes.
 */
export async function signLegacy(reg: RegistryHandle, repo: string, digest: string, key: TestKey, opts: LegacyOptions = {}): Promise<{ tag: string; manifestDigest: string }> {
  const payload = simpleSigningPayload(`${reg.host}/${repo}`, opts.payloadDigest ?? digest);
  const sig = sign('sha256', payload, key.privateKey);
  if (opts.corrupt) sig[sig.length - 3] = (sig[sig.length - 3] ?? 0) ^ 0x01;
  const layerDigest = await reg.pushBlob(repo, payload);
  const tag = `sha256-${hexOf(digest)}.sig`;
  const existing = await getManifest(reg, repo, tag, MT.ociManifest);
  const layers: unknown[] = existing ? ((JSON.parse(existing.toString()) as { layers: unknown[] }).layers ?? []) : [];
  layers.push({ mediaType: SIMPLE_SIGNING, size: payload.length, digest: layerDigest, annotations: { 'dev.cosignproject.cosign/signature': sig.toString('base64') } });
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MT.ociManifest, config: await pushEmptyConfig(reg, repo), layers }));
  const manifestDigest = await reg.pushManifest(repo, tag, MT.ociManifest, manifest);
  return { tag, manifestDigest };
}

export interface BundleOptions {
  /** Digest named as the in-toto subject (default: the digest the bundle is attached to). */
  readonly subjectDigest?: string;
  readonly corrupt?: boolean;
}

/** A key-based Sigstore bundle v0.3: DSSE over an in-toto statement whose subject is the image digest (cosign v3's image signature). */
export function makeBundle(imageName: string, subjectDigest: string, key: TestKey, corrupt = false): Buffer {
  return makeStatementBundle({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: imageName, digest: { sha256: hexOf(subjectDigest) } }], predicateType: 'https://sigstore.dev/cosign/sign/v1', predicate: {} }, key, corrupt);
}

/** An in-toto statement about `digest` with any predicate (an attestation, as `cosign attest` makes). */
export function statement(imageName: string, digest: string, predicateType: string, predicate: unknown): Record<string, unknown> {
  return { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: imageName, digest: { sha256: hexOf(digest) } }], predicateType, predicate };
}

/** A key-based Sigstore bundle v0.3 whose message signature covers `bytes` (the manifest): what `cosign sign-blob` of the manifest makes. */
export function makeBlobBundle(bytes: Buffer, key: TestKey): Buffer {
  const hash = createHash('sha256').update(bytes).digest();
  const sig = sign('sha256', bytes, key.privateKey);
  return Buffer.from(
    JSON.stringify({
      mediaType: BUNDLE_TYPE,
      verificationMaterial: { publicKey: { hint: key.fingerprint }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
      messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: hash.toString('base64') }, signature: sig.toString('base64') },
    }),
  );
}

/** A key-based Sigstore bundle v0.3: DSSE over any in-toto statement (an object, or exact JSON text). */
export function makeStatementBundle(st: unknown, key: TestKey, corrupt = false): Buffer {
  const statement = Buffer.from(typeof st === 'string' ? st : JSON.stringify(st));
  const payloadType = 'application/vnd.in-toto+json';
  // DSSE pre-authentication encoding: "DSSEv1" SP len(type) SP type SP len(body) SP body.
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${statement.length} `), statement]);
  const sig = sign('sha256', pae, key.privateKey);
  if (corrupt) sig[sig.length - 3] = (sig[sig.length - 3] ?? 0) ^ 0x01;
  return Buffer.from(
    JSON.stringify({
      mediaType: BUNDLE_TYPE,
      verificationMaterial: { publicKey: { hint: key.fingerprint }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
      dsseEnvelope: { payload: statement.toString('base64'), payloadType, signatures: [{ sig: sig.toString('base64'), keyid: '' }] },
    }),
  );
}

/**
 * Attaches a bundle to `digest` as an OCI referrer (manifest with `subject`), and, as a client does on a registry without the
 * referrers API, lists it in the referrers tag index `sha256-<hex>`.
 */
export async function signBundleReferrer(reg: RegistryHandle, repo: string, digest: string, subjectMediaType: string, subjectSize: number, key: TestKey, opts: BundleOptions = {}): Promise<{ manifestDigest: string }> {
  const bundle = makeBundle(`${reg.host}/${repo}`, opts.subjectDigest ?? digest, key, opts.corrupt ?? false);
  return attachBundle(reg, repo, digest, subjectMediaType, subjectSize, bundle);
}

/**
 * Attaches given Sigstore bundle bytes to `digest` as a referrer, and lists it in the referrers tag index.
 * `predicateType` is what the referrer announces (cosign's annotation; default the image-signature predicate);
 * `announceInIndex` copies the annotations into the index entry, as the referrers API does.
 */
export async function attachBundle(
  reg: RegistryHandle,
  repo: string,
  digest: string,
  subjectMediaType: string,
  subjectSize: number,
  bundle: Buffer,
  opts: { predicateType?: string; announceInIndex?: boolean } = {},
): Promise<{ manifestDigest: string }> {
  const annotations = { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': opts.predicateType ?? 'https://sigstore.dev/cosign/sign/v1' };
  return attachReferrer(reg, repo, { mediaType: subjectMediaType, digest, size: subjectSize }, { artifactType: BUNDLE_TYPE, layer: { mediaType: BUNDLE_TYPE, bytes: bundle }, annotations, announceInIndex: opts.announceInIndex ?? false });
}
