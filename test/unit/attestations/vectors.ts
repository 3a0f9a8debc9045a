// The real attestation vectors (test/fixtures/attestations, ../shared/conformance/sigstore) and small helpers over them.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { parseTrustedRoot } from '../../../server/src/trust/cosign/bundleVerify';
import { embeddedTrustedRoot } from '../../../server/src/trust/cosign/trustRoot';
import type { LegacyAttestationLayer } from '../../../server/src/trust/attestations/legacyAtt';
import { REPO_ROOT } from '../../support/paths';
import { sharedData } from '../../support/shared';

export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'attestations');
/** The Sigstore conformance bundles beside the clone: tests that read them are skipped loudly without them (a failure under CI). */
export const SIGSTORE_VECTORS = sharedData('conformance/sigstore/assets/bundle-verify', 'attestation tests on the Sigstore conformance bundles (real signatures)');
export const CONFORMANCE = SIGSTORE_VECTORS.dir;
/** Options for a test that reads the conformance bundles. */
export const NEEDS_CONFORMANCE = { skip: SIGSTORE_VECTORS.skip };

export const GH_ISSUER = 'https://token.actions.githubusercontent.com';
export const BEACON = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
}

export function conformance(caseName: string, file = 'bundle.sigstore.json'): unknown {
  return JSON.parse(readFileSync(join(CONFORMANCE, caseName, file), 'utf8'));
}

export const root: TrustedRoot = (() => {
  const r = embeddedTrustedRoot();
  assert.ok(r.ok, 'embedded trusted root');
  return r.root;
})();

export function conformanceRoot(caseName: string): TrustedRoot {
  const r = parseTrustedRoot(conformance(caseName, 'trusted_root.json'));
  assert.ok(r.ok);
  return r.root;
}

/** Deep copy, so a test can mutate freely. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

type BundleJson = {
  verificationMaterial: {
    certificate?: { rawBytes: string };
    x509CertificateChain?: { certificates: { rawBytes: string }[] };
    tlogEntries: { logIndex: string; logId: { keyId: string }; kindVersion: { kind: string; version: string }; integratedTime: string; inclusionPromise?: { signedEntryTimestamp: string }; canonicalizedBody: string }[];
  };
  dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string; keyid?: string }[] };
};

/** The statement a DSSE bundle carries, decoded. */
export function statementOf(bundle: unknown): { subject: { digest: { sha256?: string } }[]; predicateType: string; predicate: Record<string, unknown> } {
  return JSON.parse(Buffer.from((bundle as BundleJson).dsseEnvelope.payload, 'base64').toString('utf8'));
}

export function subjectDigestOf(bundle: unknown): string {
  const hex = statementOf(bundle).subject[0]?.digest.sha256;
  assert.ok(hex);
  return `sha256:${hex}`;
}

/** Replaces the statement of a bundle (breaking its signature, which is the point). */
export function withStatement(bundle: unknown, edit: (s: Record<string, unknown>) => void): unknown {
  const b = clone(bundle) as BundleJson;
  const st = JSON.parse(Buffer.from(b.dsseEnvelope.payload, 'base64').toString('utf8')) as Record<string, unknown>;
  edit(st);
  b.dsseEnvelope.payload = Buffer.from(JSON.stringify(st)).toString('base64');
  return b;
}

function pem(derB64: string): string {
  return `-----BEGIN CERTIFICATE-----\n${derB64.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----\n`;
}

/**
 * A real DSSE bundle re-expressed in cosign's legacy `.att` layout (the same envelope, certificate and Rekor SET, as
 * cosign wrote them before bundles): the envelope JSON as the layer, the rest as annotations.
 */
export function asLegacyAtt(bundle: unknown): LegacyAttestationLayer {
  const b = bundle as BundleJson;
  const vm = b.verificationMaterial;
  const cert = vm.certificate?.rawBytes ?? vm.x509CertificateChain?.certificates[0]?.rawBytes;
  assert.ok(cert);
  const t = vm.tlogEntries[0];
  assert.ok(t?.inclusionPromise);
  const rekor = {
    SignedEntryTimestamp: t.inclusionPromise.signedEntryTimestamp,
    Payload: { body: t.canonicalizedBody, integratedTime: Number(t.integratedTime), logIndex: Number(t.logIndex), logID: Buffer.from(t.logId.keyId, 'base64').toString('hex') },
  };
  const env = { payloadType: b.dsseEnvelope.payloadType, payload: b.dsseEnvelope.payload, signatures: b.dsseEnvelope.signatures.map((s) => ({ keyid: s.keyid ?? '', sig: s.sig })) };
  return {
    envelope: Buffer.from(JSON.stringify(env)),
    annotations: {
      'dev.cosignproject.cosign/signature': '',
      'dev.sigstore.cosign/certificate': pem(cert),
      'dev.sigstore.cosign/bundle': JSON.stringify(rekor),
      predicateType: statementOf(bundle).predicateType,
    },
  };
}

export function distrolessAtt(): LegacyAttestationLayer & { subjectDigest: string } {
  const f = fixture('distroless-static-vuln.att.json') as { envelope: string; annotations: Record<string, string> };
  return { envelope: Buffer.from(f.envelope), annotations: f.annotations, subjectDigest: 'sha256:a1e82f6a5f6dfc735165d3442e7cc5a615f72abac3db19452481f5f3c90fbfa8' };
}

export interface TestKey {
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  readonly fingerprint: string;
}

/** A fresh P-256 key, as `cosign generate-key-pair` makes (for the key-signed path: no public key-signed DSSE vector exists). */
export function testKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: `sha256:${createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex')}`,
  };
}

/** A key-signed v0.3 bundle over `statement` (no log entry: the DHI layout, verified with `tlog: false`). */
export function keySignedBundle(statement: unknown, key: TestKey): unknown {
  const body = Buffer.from(JSON.stringify(statement));
  const type = 'application/vnd.in-toto+json';
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${body.length} `), body]);
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: '' }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: { payload: body.toString('base64'), payloadType: type, signatures: [{ sig: sign('sha256', pae, key.privateKey).toString('base64'), keyid: '' }] },
  };
}

/** A statement about `digest` with the given predicate. */
export function statementFor(digest: string, predicateType: string, predicate: unknown): unknown {
  return { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'image', digest: { sha256: digest.slice(7) } }], predicateType, predicate };
}
