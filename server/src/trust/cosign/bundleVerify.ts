// Verification of one Sigstore bundle against an artifact and an expectation (key or keyless identity), on top of @sigstore/verify.
import { X509Certificate, createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { dsse } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial, type Signer } from '@sigstore/verify';
import { verifyPrehashed } from './prehash';
import { ambiguousKey } from './strictJson';

/** Exact text, or a regular expression that must match the whole identity. */
export type IdentityMatcher = { readonly exact: string } | { readonly regexp: string };

export type Expectation =
  | { readonly kind: 'keyless'; readonly identity: IdentityMatcher; readonly issuer: string }
  | { readonly kind: 'key'; readonly publicKeyPem: string };

/** The artifact: its bytes, or only its digest (then message signatures cannot be checked: that needs the bytes). */
export type Artifact = { readonly bytes: Uint8Array } | { readonly digest: { readonly algorithm: 'sha256'; readonly hex: string } };

export interface BundleVerified {
  readonly ok: true;
  /** Certificate SAN for keyless, undefined for key-based. */
  readonly identity?: string;
  readonly issuer?: string;
  /** SHA-256 of the SPKI of the key that verified (hex). */
  readonly keyFingerprint: string;
  /** Transparency-log integrated time (ISO), when the bundle has one. */
  readonly tlogIntegratedTime?: string;
  /** The entry's index and log ID (hex) in that log, for a link to the log's search. */
  readonly tlogLogIndex?: string;
  readonly tlogLogId?: string;
  readonly certNotBefore?: string;
  readonly certNotAfter?: string;
  /** For DSSE in-toto bundles: the statement's subject digests (`sha256:<hex>`). */
  readonly subjectDigests: readonly string[];
  /** What was signed: a DSSE envelope (in-toto statement) or a bare message (`cosign sign-blob`). */
  readonly content: 'dsse' | 'message';
  /** For DSSE: the in-toto statement's predicateType (an image signature is `COSIGN_SIGN_PREDICATE`). */
  readonly predicateType?: string;
  /** For DSSE: the in-toto statement's `_type`. */
  readonly statementType?: string;
}

/** in-toto statement types (v1 and the older v0.1). */
export const IN_TOTO_STATEMENT_TYPES: ReadonlySet<string> = new Set(['https://in-toto.io/Statement/v1', 'https://in-toto.io/Statement/v0.1']);

/** The predicate type of cosign v3's image signature (`cosign verify` accepts no other). */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

export type BundleResult = BundleVerified | { readonly ok: false; readonly reason: string };

const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** Parses a trusted_root.json document; a clear reason instead of a throw. */
export function parseTrustedRoot(json: unknown): { ok: true; root: TrustedRoot } | { ok: false; reason: string } {
  try {
    if (typeof json !== 'object' || json === null) return { ok: false, reason: 'trusted root is not a JSON object' };
    const root = TrustedRoot.fromJSON(json);
    // The library reads a missing start as "since the beginning of time"; the spec requires it, so a root without it is malformed.
    for (const [kind, list] of [['transparency log', root.tlogs], ['CT log', root.ctlogs]] as const) {
      for (const t of list) {
        if (!t.publicKey?.validFor?.start) return { ok: false, reason: `trusted root is malformed: a ${kind} key (${t.baseUrl || 'no URL'}) has no validity start` };
      }
    }
    for (const [kind, list] of [['certificate authority', root.certificateAuthorities], ['timestamp authority', root.timestampAuthorities]] as const) {
      for (const ca of list) {
        if (!ca.validFor?.start) return { ok: false, reason: `trusted root is malformed: a ${kind} (${ca.uri || 'no URI'}) has no validity start` };
      }
    }
    return { ok: true, root };
  } catch (e) {
    return { ok: false, reason: `trusted root is malformed: ${errText(e)}` };
  }
}

export function spkiFingerprint(key: KeyObject): string {
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
}

export function matchIdentity(m: IdentityMatcher, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  if ('exact' in m) return actual === m.exact;
  let re: RegExp;
  try {
    // Anchored on both ends: an unanchored pattern would let `evil.com/x?github.com/org` pass for `github.com/org`.
    re = new RegExp(`^(?:${m.regexp})$`, 'u');
  } catch {
    return false;
  }
  return re.test(actual);
}

/** Verifies `bundleJson` (already JSON-parsed) for `artifact` under `expect`, with the given trusted root. Never throws. */
export interface VerifyOptions {
  /** Require a transparency-log entry (and its time) for key-based bundles too; keyless always requires one. Default true. */
  readonly requireTlogForKeys?: boolean;
}

export function verifyBundle(bundleJson: unknown, artifact: Artifact, expect: Expectation, root: TrustedRoot, opts: VerifyOptions = {}): BundleResult {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(bundleJson);
  } catch (e) {
    return { ok: false, reason: `not a valid Sigstore bundle: ${errText(e)}` };
  }
  try {
    return verifyParsed(bundle, artifact, expect, root, opts.requireTlogForKeys ?? true);
  } catch (e) {
    return { ok: false, reason: errText(e) };
  }
}

function verifyParsed(bundle: Bundle, artifact: Artifact, expect: Expectation, root: TrustedRoot, requireTlogForKeys: boolean): BundleResult {
  const vm = bundle.verificationMaterial;
  const material = vm.content.$case;
  if (expect.kind === 'key' && material !== 'publicKey') {
    return { ok: false, reason: `bundle carries a ${material} but verification was asked with a public key` };
  }
  if (expect.kind === 'keyless' && material === 'publicKey') {
    return { ok: false, reason: 'bundle is signed with a public key, but a certificate identity was expected' };
  }
  if (vm.content.$case === 'x509CertificateChain') {
    // The bundle spec forbids the root in the chain: a bundle must not bring its own trust anchor (conformance: bundle-with-root-cert).
    for (const c of vm.content.x509CertificateChain.certificates) {
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(Buffer.from(c.rawBytes));
      } catch {
        return { ok: false, reason: 'a certificate in the bundle cannot be parsed' };
      }
      if (cert.checkIssued(cert) && cert.verify(cert.publicKey)) {
        return { ok: false, reason: `the bundle's certificate chain contains a self-signed root (${cert.subject.replace(/\n/g, ', ')}); roots come only from the trusted root` };
      }
    }
  }
  let expectedKey: KeyObject | undefined;
  if (expect.kind === 'key') {
    try {
      expectedKey = createPublicKey(expect.publicKeyPem);
    } catch (e) {
      return { ok: false, reason: `public key is not a valid PEM key: ${errText(e)}` };
    }
  }
  const pinned = expectedKey;
  const trust = toTrustMaterial(root, pinned ? () => ({ publicKey: pinned, validFor: () => true }) : undefined);

  // Content binding first: the library checks the signature but not that it is about *this* artifact.
  const subjectDigests: string[] = [];
  let predicateType: string | undefined;
  let statementType: string | undefined;
  if (bundle.content.$case === 'messageSignature') {
    const ms = bundle.content.messageSignature;
    const want = ms.messageDigest?.digest;
    if ('bytes' in artifact) {
      if (want && want.length > 0) {
        const got = createHash(hashName(ms.messageDigest?.algorithm)).update(artifact.bytes).digest();
        if (!Buffer.from(want).equals(got)) return { ok: false, reason: 'message digest in the bundle does not match the artifact' };
      }
    } else {
      // Only the digest is known: it must be the one the bundle claims, and the signature is then checked over it directly.
      if (hashName(ms.messageDigest?.algorithm) !== 'sha256' || !want || Buffer.from(want).toString('hex') !== artifact.digest.hex) {
        return { ok: false, reason: 'message digest in the bundle does not match the artifact digest' };
      }
    }
  } else {
    const env = bundle.content.dsseEnvelope;
    if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) return { ok: false, reason: `unsupported DSSE payload type "${env.payloadType}"` };
    let statement: unknown;
    const text = Buffer.from(env.payload).toString('utf8');
    try {
      statement = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'DSSE payload is not JSON' };
    }
    // cosign (Go) reads keys case-insensitively and takes the last match: a statement that says two things is refused.
    const twice = ambiguousKey(text, ['predicate']);
    if (twice !== undefined) return { ok: false, reason: `the in-toto statement has the key ${JSON.stringify(twice.slice(0, 80))} twice (or in two spellings cosign reads as one): it could mean one thing to cosign and another here` };
    const subjects = readSubjects(statement);
    subjectDigests.push(...subjects);
    const st = (statement ?? {}) as { predicateType?: unknown; _type?: unknown };
    if (typeof st.predicateType === 'string') predicateType = st.predicateType.slice(0, 512);
    if (typeof st._type === 'string') statementType = st._type.slice(0, 512);
    const artifactDigest = 'bytes' in artifact ? createHash('sha256').update(artifact.bytes).digest('hex') : artifact.digest.hex;
    if (!subjects.includes(`sha256:${artifactDigest}`)) {
      return { ok: false, reason: 'the in-toto statement does not name the artifact among its subjects' };
    }
    if (env.signatures.length !== 1) return { ok: false, reason: `DSSE envelope must carry exactly one signature, found ${env.signatures.length}` };
  }

  let entity = toSignedEntity(bundle, 'bytes' in artifact ? Buffer.from(artifact.bytes) : undefined);
  if (bundle.content.$case === 'messageSignature' && !('bytes' in artifact)) {
    const inner = entity.signature;
    const digestBytes = Buffer.from(artifact.digest.hex, 'hex');
    entity = {
      ...entity,
      signature: {
        signature: inner.signature,
        compareSignature: (sig: Buffer) => inner.compareSignature(sig),
        compareDigest: (d: Buffer) => inner.compareDigest(d),
        verifySignature: (k: KeyObject) => verifyPrehashed(k, digestBytes, inner.signature),
      },
    };
  }
  if (bundle.content.$case === 'dsseEnvelope' && vm.tlogEntries.some((t) => t.kindVersion?.kind === 'hashedrekord')) {
    // Rekor v2 logs DSSE as hashedrekord over Hash(PAE(type, payload)) (rekor-v2 spec §6.1.4); @sigstore/verify 3.1 compares the
    // payload hash instead. The PAE is exactly what the signature covers, so binding the log entry to it is the sound check.
    const env = bundle.content.dsseEnvelope;
    const paeDigest = createHash('sha256').update(dsse.preAuthEncoding(env.payloadType, env.payload)).digest();
    const inner = entity.signature;
    entity = {
      ...entity,
      signature: {
        signature: inner.signature,
        compareSignature: (sig: Buffer) => inner.compareSignature(sig),
        compareDigest: (d: Buffer) => d.length === paeDigest.length && d.equals(paeDigest),
        verifySignature: (k: KeyObject) => inner.verifySignature(k),
      },
    };
  }
  const needTlog = expect.kind === 'keyless' || requireTlogForKeys;
  if (needTlog && vm.tlogEntries.length === 0) {
    return { ok: false, reason: 'no transparency-log entry, and one is required (keyless signatures always; keys unless the policy sets "tlog": false)' };
  }
  const verifier = new Verifier(trust, {
    tlogThreshold: needTlog ? 1 : 0,
    ctlogThreshold: expect.kind === 'keyless' ? 1 : 0,
    timestampThreshold: needTlog ? 1 : 0,
  });
  // Identity policy is matched below by our own exact/anchored rules: the library's SAN check is an unanchored regexp.
  const signer: Signer = verifier.verify(entity);

  const keyFingerprint = spkiFingerprint(signer.key);
  if (pinned && spkiFingerprint(pinned) !== keyFingerprint) return { ok: false, reason: 'signed by a different key' };

  let identity: string | undefined;
  let issuer: string | undefined;
  let certNotBefore: string | undefined;
  let certNotAfter: string | undefined;
  if (expect.kind === 'keyless') {
    identity = signer.identity?.subjectAlternativeName;
    issuer = signer.identity?.extensions?.issuer;
    if (!matchIdentity(expect.identity, identity)) {
      return { ok: false, reason: `certificate identity "${identity ?? '(none)'}" does not match the expected ${describeMatcher(expect.identity)}` };
    }
    if (issuer !== expect.issuer) {
      return { ok: false, reason: `certificate OIDC issuer "${issuer ?? '(none)'}" is not the expected "${expect.issuer}"` };
    }
    if (entity.key.$case === 'certificate') {
      certNotBefore = entity.key.certificate.notBefore.toISOString();
      certNotAfter = entity.key.certificate.notAfter.toISOString();
    }
  }
  const integrated = vm.tlogEntries.map((t) => Number(t.integratedTime)).find((n) => Number.isFinite(n) && n > 0);
  const entry = vm.tlogEntries[0];
  const logIndex = entry !== undefined && /^[0-9]{1,20}$/.test(entry.logIndex) ? entry.logIndex : undefined;
  const logId = entry?.logId !== undefined ? Buffer.from(entry.logId.keyId).toString('hex') : undefined;
  return {
    ok: true,
    ...(identity !== undefined ? { identity } : {}),
    ...(issuer !== undefined ? { issuer } : {}),
    keyFingerprint,
    ...(integrated !== undefined ? { tlogIntegratedTime: new Date(integrated * 1000).toISOString() } : {}),
    ...(logIndex !== undefined ? { tlogLogIndex: logIndex } : {}),
    ...(logId !== undefined && /^[0-9a-f]{64}$/.test(logId) ? { tlogLogId: logId } : {}),
    ...(certNotBefore ? { certNotBefore } : {}),
    ...(certNotAfter ? { certNotAfter } : {}),
    subjectDigests,
    content: bundle.content.$case === 'dsseEnvelope' ? 'dsse' : 'message',
    ...(predicateType !== undefined ? { predicateType } : {}),
    ...(statementType !== undefined ? { statementType } : {}),
  };
}

function readSubjects(statement: unknown): string[] {
  if (typeof statement !== 'object' || statement === null) return [];
  const subject = (statement as { subject?: unknown }).subject;
  if (!Array.isArray(subject)) return [];
  const out: string[] = [];
  for (const s of subject) {
    const d = (s as { digest?: unknown } | null)?.digest;
    if (typeof d !== 'object' || d === null) continue;
    const hex = (d as Record<string, unknown>)['sha256'];
    if (typeof hex === 'string' && /^[0-9a-f]{64}$/.test(hex)) out.push(`sha256:${hex}`);
  }
  return out;
}

function hashName(alg: number | undefined): string {
  // Values of the protobuf HashAlgorithm enum: 1 SHA2_256, 2 SHA2_384, 3 SHA2_512.
  switch (alg) {
    case 2:
      return 'sha384';
    case 3:
      return 'sha512';
    default:
      return 'sha256';
  }
}

function describeMatcher(m: IdentityMatcher): string {
  return 'exact' in m ? `"${m.exact}"` : `pattern /${m.regexp}/`;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
