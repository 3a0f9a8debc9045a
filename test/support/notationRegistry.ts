// Test support: the notation-go OCI layout's image pushed into a real registry, with Notation signature envelopes
// attached as referrers the way `notation sign` does on a registry without the referrers API (the referrers tag).
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'cbor2';
import { attachReferrer, type Descriptor, type RegistryHandle } from './registry';

export const NOTATION_SIGNATURE = 'application/vnd.cncf.notary.signature';
export const JWS = 'application/jose+json';
export const COSE = 'application/cose';

/** Pushes an OCI image layout's one image (blobs, then its manifest under `tag`) and returns its descriptor. */
export async function pushOciLayout(reg: RegistryHandle, repo: string, tag: string, layoutDir: string): Promise<Descriptor> {
  const index = JSON.parse(readFileSync(join(layoutDir, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const m = index.manifests[0];
  if (m === undefined) throw new Error(`${layoutDir}: no manifest in index.json`);
  const blob = (d: string): Buffer => readFileSync(join(layoutDir, 'blobs', 'sha256', d.replace(/^sha256:/, '')));
  const manifest = blob(m.digest);
  const parsed = JSON.parse(manifest.toString()) as { config: Descriptor; layers: Descriptor[] };
  for (const d of [parsed.config, ...parsed.layers]) {
    const pushed = await reg.pushBlob(repo, blob(d.digest));
    if (pushed !== d.digest) throw new Error(`blob ${d.digest} pushed as ${pushed}`);
  }
  const digest = await reg.pushManifest(repo, tag, m.mediaType, manifest);
  if (digest !== m.digest) throw new Error(`manifest ${m.digest} pushed as ${digest}`);
  return { mediaType: m.mediaType, digest: m.digest, size: m.size };
}

/** The x5c chain of a JWS or COSE envelope, leaf first (only for test set-up: the product's parser is the verifier's). */
export function envelopeChain(bytes: Buffer): X509Certificate[] {
  if (bytes[0] === 0x7b) return (JSON.parse(bytes.toString()) as { header: { x5c: string[] } }).header.x5c.map((c) => new X509Certificate(Buffer.from(c, 'base64')));
  const t = decode(bytes, { preferMap: true, ignoreGlobalTags: true }) as { contents: [unknown, Map<number, Uint8Array[] | Uint8Array>] };
  const chain = t.contents[1].get(33);
  return (Array.isArray(chain) ? chain : [chain as Uint8Array]).map((d) => new X509Certificate(d));
}

/** Attaches one signature envelope to `subject`, with notation's certificate-chain thumbprint annotation. */
export async function attachNotationSignature(reg: RegistryHandle, repo: string, subject: Descriptor, envelope: Buffer, mediaType: string): Promise<{ manifestDigest: string }> {
  const thumbprints = envelopeChain(envelope).map((c) => c.fingerprint256.replace(/:/g, '').toLowerCase());
  return attachReferrer(reg, repo, subject, {
    artifactType: NOTATION_SIGNATURE,
    layer: { mediaType, bytes: envelope },
    annotations: { 'io.cncf.notary.x509chain.thumbprint#S256': JSON.stringify(thumbprints) },
  });
}
