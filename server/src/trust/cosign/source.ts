// The cosign trust source: discovers signatures for a pinned digest, verifies them against the policy, and answers a TrustFact.
import type { TrustFact, TrustSubject } from '../../core/facts';
import type { ParsedReference } from '../../core/imageRef';
import type { HttpClient } from '../../registry/http';
import { COSIGN_SIGN_PREDICATE, IN_TOTO_STATEMENT_TYPES, verifyBundle, type BundleVerified, type Expectation } from './bundleVerify';
import { discoverSignatures, type DiscoveryPath } from './discovery';
import { legacyPayloadDigest, legacyToBundle } from './legacy';
import { matchPolicy, type PolicyEntry, type TrustPolicy } from '../policy';
import type { TrustRootResult } from './trustRoot';
import { attestationLocation } from '../attestations/repository';

export interface CosignSourceOptions {
  /** An HttpClient allowed to pull from one repository (the authenticated registry client, credentials for its registry only). */
  readonly httpFor: (where: { readonly registry: string; readonly repository: string }) => HttpClient;
  /** Base URL of a registry's API, e.g. `https://registry-1.docker.io` (scheme by the insecure-hosts setting). */
  readonly registryBase: (registry: string) => string;
  readonly policy: Pick<TrustPolicy, 'entries'>;
  /** The Sigstore trusted root (see trustRoot.ts: loadTrustedRoot). Called once per lookup; cache it in the caller. */
  readonly trustedRoot: () => Promise<TrustRootResult>;
  /** Per-request deadline (default 15 s). */
  readonly timeoutMs?: number;
  /** Deadline for a whole lookup, all requests together (default 60 s). */
  readonly lookupTimeoutMs?: number;
  readonly now?: () => Date;
}

export interface LookupOptions {
  readonly signal?: AbortSignal;
}


interface Candidate {
  readonly label: string;
  readonly path: DiscoveryPath;
  /** Checks one expectation; returns the verified result or why not. */
  verify(expect: Expectation, requireTlogForKeys: boolean): { ok: true; v: BundleVerified } | { ok: false; reason: string; attack: string };
}

function describeSigner(v: BundleVerified): string {
  return v.identity !== undefined ? `${v.identity} (issuer ${v.issuer ?? '?'})` : `key sha256:${v.keyFingerprint}`;
}

/** Classifies a verification failure for the `attack` field: what the check stopped. */
function attackOf(reason: string): string {
  if (/digest|subject|does not name the artifact/.test(reason)) return 'substitution (signature for another image)';
  if (/different key|not trusted|identity|issuer/.test(reason)) return 'untrusted signer';
  if (/tlog|transparency|inclusion|checkpoint|SET|timestamp|expected \d+ (tlog|timestamps)/i.test(reason)) return 'unlogged or backdated signature';
  return 'forged or corrupted signature';
}

export class CosignTrustSource {
  constructor(private readonly opts: CosignSourceOptions) {}

  /** Which policy entry governs an image (undefined = none). */
  policyFor(ref: ParsedReference): PolicyEntry | undefined {
    return matchPolicy(this.opts.policy, ref);
  }

  /** Verifies the cosign signatures stored for `digest` (the pinned, index digest; never a tag) in `ref`'s repository. Never rejects. */
  async lookup(ref: ParsedReference, digest: string, opts: LookupOptions = {}): Promise<TrustFact> {
    const now = this.opts.now ?? (() => new Date());
    const server = ref.registry;
    const at = (): string => now().toISOString();
    // A cosign answer is about exactly this digest, and nothing else.
    const subject: TrustSubject = { tag: null, digest };
    try {
      return await this.lookupInner(ref, digest, opts, server, at, subject);
    } catch (e) {
      // Defensive: every path above returns a union; this only catches a library surprise, and never turns it into "signed".
      return { state: 'unavailable', source: 'cosign', subject, reason: `internal error while checking cosign signatures: ${e instanceof Error ? e.message : String(e)}`, server, verifiedAt: at() };
    }
  }

  private async lookupInner(ref: ParsedReference, digest: string, opts: LookupOptions, server: string, at: () => string, subject: TrustSubject): Promise<TrustFact> {
    // The policy may keep signatures in another repository (COSIGN_REPOSITORY): look there, with that registry's credentials only.
    const loc = attestationLocation(ref, this.policyFor(ref)?.attestations?.attestationRepository);
    if (!loc.ok) return { state: 'unavailable', source: 'cosign', subject, reason: `the policy's signature repository cannot be used for ${ref.name}: ${loc.reason}`, server, verifiedAt: at() };
    const where = loc.overridden ? `${loc.registry}/${loc.repository} (the policy's signature repository for ${ref.name})` : ref.name;
    if (loc.overridden) server = loc.registry;
    const found = await discoverSignatures(
      {
        http: this.opts.httpFor(loc),
        baseUrl: this.opts.registryBase(loc.registry),
        repository: loc.repository,
        timeoutMs: this.opts.timeoutMs ?? 15_000,
        // A repository with many referrers must not hold a lookup for minutes: one deadline over all its requests.
        signal: opts.signal
          ? AbortSignal.any([opts.signal, AbortSignal.timeout(this.opts.lookupTimeoutMs ?? 60_000)])
          : AbortSignal.timeout(this.opts.lookupTimeoutMs ?? 60_000),
      },
      digest,
    );
    if (!found.ok) return { state: 'unavailable', source: 'cosign', subject, reason: `cannot read cosign signatures from ${where}: ${found.reason}`, server, verifiedAt: at() };

    const candidates: Candidate[] = [];
    const bundlePath: DiscoveryPath = found.paths.includes('referrers-api') ? 'referrers-api' : 'referrers-tag';
    for (const b of found.bundles) {
      candidates.push({
        label: `Sigstore bundle ${b.manifestDigest.slice(0, 19)}…`,
        path: bundlePath,
        verify: (expect, tlog) => {
          const r = verifyBundle(b.json, { digest: { algorithm: 'sha256', hex: digest.slice(7) } }, expect, root, { requireTlogForKeys: tlog });
          if (!r.ok) return { ok: false, reason: r.reason, attack: attackOf(r.reason) };
          // What `cosign verify` accepts as an image signature, and nothing else: an in-toto statement with the
          // cosign signature predicate. Attestations (provenance, SBOM, scans) and blob signatures over the
          // manifest bytes verify as Sigstore bundles but say something else: they are never image signatures.
          if (r.content !== 'dsse') {
            return { ok: false, reason: 'a blob signature (cosign sign-blob) over the digest, not an image signature; cosign verify does not accept it', attack: 'substitution (another kind of signature)' };
          }
          if (r.statementType === undefined || !IN_TOTO_STATEMENT_TYPES.has(r.statementType) || r.predicateType !== COSIGN_SIGN_PREDICATE) {
            return {
              ok: false,
              reason: `an attestation (predicate ${r.predicateType ?? 'none'}), not an image signature (predicate ${COSIGN_SIGN_PREDICATE})`,
              attack: 'substitution (another kind of signature)',
            };
          }
          return { ok: true, v: r };
        },
      });
    }
    for (const [i, sig] of found.legacy.entries()) {
      // Parsed once per candidate, not once per policy key: the annotations are hostile input.
      const pd = legacyPayloadDigest(sig.payload);
      let bundle: unknown;
      let bundleError: string | undefined;
      try {
        bundle = legacyToBundle(sig);
      } catch (e) {
        bundleError = e instanceof Error ? e.message : String(e);
      }
      candidates.push({
        label: `legacy signature #${i + 1}`,
        path: 'legacy-sig-tag',
        verify: (expect, tlog) => {
          if ('reason' in pd) return { ok: false, reason: pd.reason, attack: 'forged or corrupted signature' };
          if (bundleError !== undefined) return { ok: false, reason: bundleError, attack: 'forged or corrupted signature' };
          const r = verifyBundle(bundle, { bytes: sig.payload }, expect, root, { requireTlogForKeys: tlog });
          if (!r.ok) return { ok: false, reason: r.reason, attack: attackOf(r.reason) };
          // Checked after the signature so the message names the real problem: a valid signature, but for another image.
          if (pd.digest !== digest) return { ok: false, reason: `the signature is for ${pd.digest}, not ${digest}`, attack: 'substitution (signature for another image)' };
          return { ok: true, v: r };
        },
      });
    }
    if (candidates.length === 0) {
      const paths = found.paths.length > 0 ? found.paths.join(', ') : 'referrers and sha256-<hex>.sig';
      const attestations =
        (found.attestations > 0 ? `; ${found.attestations} attestation(s) (provenance, SBOM, scans) are attached, and an attestation is not an image signature` : '') +
        (found.blobSignatures > 0 ? `; ${found.blobSignatures} blob signature(s) (cosign sign-blob) are attached, and a blob signature is not an image signature` : '');
      const notes = found.notes.length > 0 ? ` (${found.notes.slice(0, 5).join('; ')})` : '';
      if (found.unchecked > 0) {
        return { state: 'unavailable', source: 'cosign', subject, reason: `${found.unchecked} signature referrer(s) of ${digest} were not checked (over the per-image cap)${notes}`, server, verifiedAt: at() };
      }
      return { state: 'unsigned', source: 'cosign', subject, reason: `no cosign signature for ${digest} in ${where} (looked in ${paths}${attestations})${notes}`, server, verifiedAt: at() };
    }

    const entry = this.policyFor(ref);
    if (!entry || (entry.keys.length === 0 && entry.identities.length === 0)) {
      return {
        state: 'unavailable',
        source: 'cosign',
        subject,
        reason: `${candidates.length} cosign signature(s) found for ${digest}, but the signature policy names no key or identity for ${ref.name}, so none can be trusted; add one to the policy file`,
        server,
        verifiedAt: at(),
      };
    }
    const rootResult = await this.opts.trustedRoot();
    if (!rootResult.ok) return { state: 'unavailable', source: 'cosign', subject, reason: `Sigstore trusted root unavailable: ${rootResult.reason}`, server, verifiedAt: at() };
    const root = rootResult.root;

    const failures: { reason: string; attack: string }[] = [];
    for (const c of candidates) {
      const attempts: Array<{ expect: Expectation; tlog: boolean; name: string }> = [
        ...entry.keys.map((k) => ({ expect: { kind: 'key', publicKeyPem: k.key.export({ type: 'spki', format: 'pem' }).toString() } as Expectation, tlog: k.tlog, name: k.fingerprint })),
        ...entry.identities.map((id) => ({ expect: { kind: 'keyless', identity: id.identity, issuer: id.issuer } as Expectation, tlog: true, name: 'identity' })),
      ];
      const mine: { reason: string; attack: string }[] = [];
      for (const a of attempts) {
        const r = c.verify(a.expect, a.tlog);
        if (r.ok) return this.signed(digest, r.v, c, server, at, rootResult.origin, subject);
        mine.push({ reason: r.reason, attack: r.attack });
      }
      // Report the most telling failure for this candidate: a mismatch of material (key vs certificate) says little.
      const best = mine.find((m) => !/bundle carries a|bundle is signed with a public key/.test(m.reason)) ?? mine[0];
      if (best && best.reason === 'signature verification failed' && entry.keys.length > 0) {
        // With a public key there is no way to tell "another key" from "corrupted": say both, and which keys were tried.
        failures.push({
          reason: `${c.label}: does not verify with any key the policy trusts for ${ref.name} (${entry.keys.map((k) => k.fingerprint.slice(0, 19) + '…').join(', ')}): signed by another key, or altered`,
          attack: 'untrusted signer or forged signature',
        });
      } else if (best) {
        const keyOnly = /bundle is signed with a public key/.test(mine[0]?.reason ?? '') && entry.keys.length === 0;
        failures.push(
          keyOnly
            ? { reason: `${c.label}: signed with a key, but the policy for ${ref.name} only trusts certificate identities`, attack: 'untrusted signer' }
            : { reason: `${c.label}: ${best.reason}`, attack: best.attack },
        );
      }
    }
    const first = failures[0] ?? { reason: 'no signature verified', attack: 'untrusted signer' };
    if (found.unchecked > 0) {
      // Some candidates were never looked at: "none verified" would be a guess.
      return { state: 'unavailable', source: 'cosign', subject, reason: `none of the ${candidates.length} checked signature(s) verified, and ${found.unchecked} more were not checked (over the per-image cap): ${failures.slice(0, 3).map((f) => f.reason).join('; ')}`, server, verifiedAt: at() };
    }
    // Only attestations or blob signatures: the image carries no image signature at all.
    if (failures.length > 0 && failures.every((f) => f.attack === 'substitution (another kind of signature)')) {
      return { state: 'unsigned', source: 'cosign', subject, reason: `no cosign image signature for ${digest}: ${failures.map((f) => f.reason).join('; ')}`, server, verifiedAt: at() };
    }
    return {
      state: 'invalid',
      source: 'cosign',
      subject,
      reason: failures.map((f) => f.reason).join('; '),
      attack: first.attack,
      server,
      verifiedAt: at(),
    };
  }

  private signed(digest: string, v: BundleVerified, c: Candidate, server: string, at: () => string, rootOrigin: string, subject: TrustSubject): TrustFact {
    const name = describeSigner(v);
    const details = [
      `discovered via ${c.path === 'referrers-api' ? 'the OCI referrers API' : c.path === 'referrers-tag' ? `the referrers tag sha256-${digest.slice(7, 19)}…` : `the legacy tag sha256-${digest.slice(7, 19)}….sig`}`,
      v.tlogIntegratedTime ? `logged in the transparency log at ${v.tlogIntegratedTime}` : 'no transparency-log entry (the policy allows this key without one)',
      ...(v.certNotBefore && v.certNotAfter ? [`certificate valid ${v.certNotBefore} – ${v.certNotAfter}`] : []),
      `Sigstore trusted root: ${rootOrigin}`,
    ];
    return {
      state: 'signed',
      source: 'cosign',
      subject,
      signed: [{ digest, signers: [{ name, keyIds: [`sha256:${v.keyFingerprint}`], role: v.identity !== undefined ? 'cosign keyless' : 'cosign key' }], expires: null }],
      tagDigest: null,
      rootExpires: null,
      server,
      verifiedAt: at(),
      details,
      cosign: {
        discovery: c.path,
        keyFingerprint: `sha256:${v.keyFingerprint}`,
        ...(v.identity !== undefined ? { identity: v.identity } : {}),
        ...(v.issuer !== undefined ? { issuer: v.issuer } : {}),
        ...(v.tlogIntegratedTime ? { tlogIntegratedTime: v.tlogIntegratedTime } : {}),
        ...(v.certNotBefore ? { certValidFrom: v.certNotBefore } : {}),
        ...(v.certNotAfter ? { certValidTo: v.certNotAfter } : {}),
      },
    };
  }
}
