// Verification of one attestation bundle (a Sigstore bundle whose content is a DSSE envelope of an in-toto statement).
// The cryptography, certificate chain, transparency-log proof and signing-time checks are trust/cosign/bundleVerify.ts's
// verifyBundle; this adds what makes it an attestation about this image: payload type, statement layer, subject = the
// digest asked about, predicate facts, and who signed.
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { verifyBundle, type BundleVerified, type Expectation } from '../cosign/bundleVerify';
import { certificateClaims, certificateIssuer, leafCertificate } from './certificate';
import { effectiveSource } from './evaluate';
import type { AttestationFact, AttestationOrigin, AttestationSignerFact, ProvenanceFacts, VerifiedAttestationFact } from './facts';
import { SHA256_DIGEST, str } from './hostile';
import { classifyPredicateType } from './predicateTypes';
import { readPredicate } from './predicates';
import { IN_TOTO_PAYLOAD_TYPE, namesDigest, parseStatement } from './statement';

/** A public key the policy trusts for attestations (any entry's keys may be passed: the signer is matched by policy later). */
export interface AttestationKey {
  readonly publicKeyPem: string;
  /** Require a transparency-log entry for this key (cosign's default). */
  readonly tlog: boolean;
}

export interface AttestationContext {
  /** `sha256:<hex>`: the digest the statement must name (the pinned digest, or one platform manifest of it). */
  readonly subjectDigest: string;
  readonly root: TrustedRoot;
  /** Keys to try when the bundle is signed with a key. Keyless bundles need none: their identity is read from Fulcio. */
  readonly keys?: readonly AttestationKey[];
  /** Where the bundle was read (`registry/repository`), recorded in the fact. */
  readonly repository: string;
  /** The predicate type the registry labelled it with (`dev.sigstore.bundle.predicateType`, `predicateType`): unverified. */
  readonly predicateTypeHint?: string;
}

/** Any SAN at all: the identity is recorded, and whether it is trusted is decided by policy (evaluate.ts). */
const ANY_IDENTITY = { regexp: '[\\s\\S]+' } as const;

/** Verifies an attestation bundle found as an OCI referrer. One call per discovered bundle; never throws. */
export function verifyAttestationBundle(bundleJson: unknown, ctx: AttestationContext): AttestationFact {
  return verifyAs(bundleJson, ctx, 'referrer');
}

/** Shared with the legacy `.att` path, which rebuilds the layer into a bundle first. */
export function verifyAs(bundleJson: unknown, ctx: AttestationContext, origin: Exclude<AttestationOrigin, 'buildkit-index'>): AttestationFact {
  try {
    return verifyUnsafe(bundleJson, ctx, origin);
  } catch (e) {
    // Every step above returns its failure; this keeps the promise of never throwing if a library does.
    return invalid(ctx, origin, `attestation could not be checked: ${e instanceof Error ? e.message : String(e)}`, 'forged or corrupted attestation');
  }
}

function hintOf(ctx: AttestationContext): { predicateTypeHint?: string } {
  const h = ctx.predicateTypeHint !== undefined ? str(ctx.predicateTypeHint, 512) : undefined;
  return h !== undefined ? { predicateTypeHint: h } : {};
}

function invalid(ctx: AttestationContext, origin: AttestationOrigin, reason: string, attack: string): AttestationFact {
  return { state: 'invalid', origin, repository: ctx.repository, reason, attack, ...hintOf(ctx) };
}

function unverifiable(ctx: AttestationContext, origin: AttestationOrigin, reason: string): AttestationFact {
  return { state: 'unverifiable', origin, repository: ctx.repository, reason, ...hintOf(ctx) };
}

function attackOf(reason: string): string {
  if (/does not name the artifact|subject/.test(reason)) return 'substitution (attestation for another image)';
  // The log entry and the envelope disagree, or the signature does not verify: the attestation was altered or forged.
  if (/signature mismatch|hash mismatch|signature verification failed|certificate chain/i.test(reason)) return 'forged or altered attestation';
  if (/different key|not trusted|identity|issuer/.test(reason)) return 'untrusted signer';
  if (/tlog|transparency|inclusion|checkpoint|SET|timestamp|expected \d+ (tlog|timestamps)/i.test(reason)) return 'unlogged or backdated attestation';
  return 'forged or corrupted attestation';
}

function verifyUnsafe(bundleJson: unknown, ctx: AttestationContext, origin: Exclude<AttestationOrigin, 'buildkit-index'>): AttestationFact {
  if (!SHA256_DIGEST.test(ctx.subjectDigest)) return unverifiable(ctx, origin, `"${ctx.subjectDigest.slice(0, 80)}" is not a sha256 digest`);
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(bundleJson);
  } catch (e) {
    return invalid(ctx, origin, `not a valid Sigstore bundle: ${e instanceof Error ? e.message : String(e)}`, 'forged or corrupted attestation');
  }
  if (bundle.content.$case !== 'dsseEnvelope') {
    return { state: 'not-an-attestation', origin, repository: ctx.repository, reason: 'a message signature (cosign sign-blob), not an in-toto attestation' };
  }
  const env = bundle.content.dsseEnvelope;
  if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) return unverifiable(ctx, origin, `DSSE payload type "${(str(env.payloadType, 128) ?? '?')}" is not an in-toto statement`);
  // The statement is read from the very bytes the verifier checks (bundleFromJSON decodes the payload once for both).
  const parsed = parseStatement(env.payload);
  if (!parsed.ok) return invalid(ctx, origin, parsed.reason, 'forged or corrupted attestation');
  const st = parsed.statement;
  const cls = classifyPredicateType(st.predicateType);
  if (cls.kind === 'signature') {
    return { state: 'not-an-attestation', origin, repository: ctx.repository, reason: `an image signature (predicate ${st.predicateType}), not an attestation` };
  }
  if (!namesDigest(st, ctx.subjectDigest)) {
    const named = st.subjects.map((s) => (s.sha256 ? `sha256:${s.sha256.slice(0, 12)}…` : '(no sha256)')).slice(0, 3);
    return invalid(ctx, origin, `the attestation is about ${named.join(', ')}${st.subjects.length > 3 ? ', …' : ''}, not ${ctx.subjectDigest}`, 'substitution (attestation for another image)');
  }

  const artifact = { digest: { algorithm: 'sha256' as const, hex: ctx.subjectDigest.slice(7) } };
  const vm = bundle.verificationMaterial;
  let verified: BundleVerified | undefined;
  let signerExtra: { claims: ReturnType<typeof certificateClaims> } | undefined;
  if (vm.content.$case === 'publicKey') {
    const keys = ctx.keys ?? [];
    const hint = str(vm.content.publicKey.hint, 128);
    if (keys.length === 0) {
      return unverifiable(ctx, origin, `signed with a public key${hint ? ` (hint "${hint}")` : ''}, and no key is configured for this image: add the publisher's key to the policy`);
    }
    const failures: string[] = [];
    for (const k of keys) {
      const r = verifyBundle(bundleJson, artifact, { kind: 'key', publicKeyPem: k.publicKeyPem }, ctx.root, { requireTlogForKeys: k.tlog });
      if (r.ok) {
        verified = r;
        break;
      }
      failures.push(r.reason);
    }
    if (!verified) {
      const telling = failures.find((f) => f !== 'signature verification failed') ?? failures[0] ?? 'no key verified it';
      return invalid(
        ctx,
        origin,
        telling === 'signature verification failed' ? `does not verify with any of the ${keys.length} configured key(s): signed by another key, or altered` : telling,
        telling === 'signature verification failed' ? 'untrusted signer or forged attestation' : attackOf(telling),
      );
    }
  } else {
    const cert = leafCertificate(bundle);
    if (!cert) return invalid(ctx, origin, 'the bundle carries no readable signing certificate', 'forged or corrupted attestation');
    const issuer = certificateIssuer(cert);
    if (issuer === undefined || issuer === '') return unverifiable(ctx, origin, 'the signing certificate carries no OIDC issuer (not a Fulcio certificate)');
    if (vm.tlogEntries.length === 0 && (vm.timestampVerificationData?.rfc3161Timestamps.length ?? 0) > 0) {
      return unverifiable(
        ctx,
        origin,
        'timestamped by a timestamp authority with no transparency-log entry (how GitHub signs attestations for private repositories, with its own Sigstore instance); a keyless signature needs a transparency-log proof here',
      );
    }
    const expect: Expectation = { kind: 'keyless', identity: ANY_IDENTITY, issuer };
    const r = verifyBundle(bundleJson, artifact, expect, ctx.root);
    if (!r.ok) return invalid(ctx, origin, r.reason, attackOf(r.reason));
    verified = r;
    signerExtra = { claims: certificateClaims(cert) };
  }
  // Belt and braces: the verifier's own reading of the subjects must agree with ours.
  if (!verified.subjectDigests.includes(ctx.subjectDigest)) {
    return invalid(ctx, origin, 'the verified statement does not name the digest asked about', 'substitution (attestation for another image)');
  }

  let signer: AttestationSignerFact;
  if (signerExtra && verified.identity !== undefined && verified.issuer !== undefined) {
    signer = {
      kind: 'keyless',
      identity: verified.identity,
      issuer: verified.issuer,
      keyFingerprint: `sha256:${verified.keyFingerprint}`,
      claims: signerExtra.claims,
      ...(verified.certNotBefore ? { certValidFrom: verified.certNotBefore } : {}),
      ...(verified.certNotAfter ? { certValidTo: verified.certNotAfter } : {}),
    };
  } else if (!signerExtra) {
    signer = { kind: 'key', keyFingerprint: `sha256:${verified.keyFingerprint}` };
  } else {
    return invalid(ctx, origin, 'the certificate identity could not be read after verification', 'forged or corrupted attestation');
  }

  const notes: string[] = [];
  if (ctx.predicateTypeHint !== undefined && ctx.predicateTypeHint !== st.predicateType) {
    notes.push(`the registry labels it ${JSON.stringify((str(ctx.predicateTypeHint, 256) ?? '(unprintable)'))}; the signed statement says ${st.predicateType}`);
  }
  if (st.subjects.length > 1) notes.push(`the statement covers ${st.subjects.length} artifacts; this image is one of them`);
  const fact: VerifiedAttestationFact = {
    state: 'verified',
    origin,
    repository: ctx.repository,
    subjectDigest: ctx.subjectDigest,
    statementType: st.version,
    predicateType: st.predicateType,
    facts: readPredicate(st.predicateType, st.predicate),
    signer,
    ...(verified.tlogIntegratedTime ? { loggedAt: verified.tlogIntegratedTime } : {}),
    ...(verified.tlogLogIndex !== undefined ? { logIndex: verified.tlogLogIndex } : {}),
    ...(verified.tlogLogId !== undefined ? { logId: verified.tlogLogId } : {}),
    notes,
  };
  if (fact.facts.kind !== 'slsa-provenance') return fact;
  // The source a provenance stands for is decided once, here: the certificate's word for keyless CI signatures.
  const eff = effectiveSource(fact as VerifiedAttestationFact & { facts: ProvenanceFacts });
  return { ...fact, ...(eff.source !== undefined ? { source: eff.source } : {}), ...(eff.conflict !== undefined ? { sourceConflict: eff.conflict } : {}) };
}
