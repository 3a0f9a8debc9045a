// The attestation lookup for one image: where its signed attestations live (the image's repository, or the policy entry's
// attestation repository), discovery there and in the image index, verification through the Sigstore layer, and the
// policy's provenance and scan requirements applied. Answers one AttestationsFact about exactly the digest the build uses.
// Never rejects; offline, failures and caps are states.
import type { AttestationsFact, AttestationFact, AttestationPath, AttestationRequirementsFact } from './facts';
import type { HttpClient } from '../../registry/http';
import type { RegistryTarget } from '../../registry/referrers';
import type { TrustRootResult } from '../cosign/trustRoot';
import type { AttestationPlugin, SourceQuery } from '../plugin';
import type { PolicyEntry } from '../policy';
import { ByteBudget, discoverBuildkitAttestations, discoverSignedAttestations } from './discovery';
import { evaluateProvenance, newestTrustedScan, signerTrusted } from './evaluate';
import { verifyLegacyAttestation } from './legacyAtt';
import type { Matcher, SignerSet } from './policy';
import { attestationLocation } from './repository';
import { verifyAttestationBundle, type AttestationKey } from './verify';

export interface AttestationSourceOptions {
  /** A client allowed to pull from one repository, with credentials for that registry only. */
  readonly httpFor: (where: { readonly registry: string; readonly repository: string }) => HttpClient;
  readonly registryBase: (registry: string) => string;
  readonly trustedRoot: () => Promise<TrustRootResult>;
  readonly offline: boolean;
  /** Whether the cosign source is on: then entries naming cosign signers get their attestations shown too. */
  readonly cosignEnabled: boolean;
  /** Per-request deadline (default 15 s) and one deadline for the whole lookup (default 60 s). */
  readonly timeoutMs?: number;
  readonly lookupTimeoutMs?: number;
}

const EMPTY: SignerSet = { keys: [], identities: [] };

function entrySigners(entry: PolicyEntry): SignerSet {
  return { keys: entry.keys, identities: entry.identities };
}

function matcherText(m: Matcher): string {
  return 'exact' in m ? m.exact : `/${m.regexp}/`;
}

function signersText(s: SignerSet): string {
  const parts = [...s.identities.map((i) => `${matcherText(i.identity)} (issuer ${i.issuer})`), ...s.keys.map((k) => `key ${k.fingerprint.slice(0, 19)}…${k.tlog ? '' : ' (no log required)'}`)];
  return parts.length > 0 ? parts.join(' or ') : 'nobody (no keys or identities)';
}

/** What the entry asks of attestations, in words for messages. */
export function requirementsOf(entry: PolicyEntry): AttestationRequirementsFact {
  const a = entry.attestations;
  const p = a?.provenance;
  const summary = p
    ? [
        `signed by ${signersText(p.signers)}`,
        ...(p.builder ? [`built by ${matcherText(p.builder)}`] : []),
        ...(p.sourceRepository ? [`from ${matcherText(p.sourceRepository)}`] : []),
        ...(p.sourceRef ? [`ref ${matcherText(p.sourceRef)}`] : []),
        // Both SLSA versions is the default: named only when the entry narrows it.
        ...(p.predicateTypes.length === 1 ? [`predicate ${p.predicateTypes[0] ?? ''}`] : []),
      ].join('; ')
    : '';
  return {
    ...(p ? { provenance: { required: p.required, summary } } : {}),
    ...(a?.scans ? { scans: { maxAgeDays: a.scans.maxAgeDays, signers: signersText(a.scans.signers) } } : {}),
    ...(a?.attestationRepository ? { repository: a.attestationRepository.template } : {}),
  };
}

/**
 * Keys to verify key-signed attestations with: every key any of the entry's signer sets names, once. A key some set trusts
 * only with a log entry is tried with the log first, so an attestation it verifies that way carries a checked log time.
 */
function verificationKeys(sets: readonly SignerSet[]): AttestationKey[] {
  const byFp = new Map<string, { pem: string; strict: boolean; lax: boolean }>();
  for (const s of sets) {
    for (const k of s.keys) {
      const e = byFp.get(k.fingerprint) ?? { pem: k.publicKeyPem, strict: false, lax: false };
      if (k.tlog) e.strict = true;
      else e.lax = true;
      byFp.set(k.fingerprint, e);
    }
  }
  const out: AttestationKey[] = [];
  for (const e of byFp.values()) {
    if (e.strict) out.push({ publicKeyPem: e.pem, tlog: true });
    if (e.lax) out.push({ publicKeyPem: e.pem, tlog: false });
  }
  return out;
}

export function attestationPlugin(o: AttestationSourceOptions): AttestationPlugin {
  const timeoutMs = o.timeoutMs ?? 15_000;
  return {
    applies(_ref, entry) {
      if (entry === undefined) return false;
      const a = entry.attestations;
      return a?.provenance !== undefined || a?.scans !== undefined || (o.cosignEnabled && (entry.keys.length > 0 || entry.identities.length > 0));
    },
    async lookup(q) {
      try {
        return await lookupInner(q);
      } catch (e) {
        // Every step returns its failure; this only keeps the promise of never rejecting if a library surprises.
        return unavailable(q, `internal error while checking attestations: ${e instanceof Error ? e.message : String(e)}`, { registry: q.ref.registry, repository: q.ref.repository, overridden: false });
      }
    },
  };

  function unavailable(q: SourceQuery, reason: string, where: { registry: string; repository: string; overridden: boolean }, partial: Partial<Pick<AttestationsFact, 'items' | 'paths' | 'notes'>> = {}): AttestationsFact {
    return {
      state: 'unavailable',
      subjectDigest: q.digest,
      repository: `${where.registry}/${where.repository}`,
      overridden: where.overridden,
      reason,
      items: partial.items ?? [],
      paths: partial.paths ?? [],
      unchecked: 0,
      notes: partial.notes ?? [],
      requirements: q.entry !== undefined ? requirementsOf(q.entry) : {},
      verifiedAt: q.now.toISOString(),
    };
  }

  async function lookupInner(q: SourceQuery): Promise<AttestationsFact> {
    const entry = q.entry;
    const own = { registry: q.ref.registry, repository: q.ref.repository, overridden: false };
    if (entry === undefined) return unavailable(q, 'no policy entry governs this image', own);
    const loc = attestationLocation(q.ref, entry.attestations?.attestationRepository);
    const where = loc.ok ? loc : own;
    if (o.offline) return unavailable(q, 'offline: attestations are not fetched in offline mode', where);
    const digest = q.digest;
    if (digest === null) return unavailable(q, `no digest to check attestations for: ${q.registry.state === 'error' ? q.registry.message : 'unknown'}`, where);
    const signal = q.signal ? AbortSignal.any([q.signal, AbortSignal.timeout(o.lookupTimeoutMs ?? 60_000)]) : AbortSignal.timeout(o.lookupTimeoutMs ?? 60_000);
    const budget = new ByteBudget();
    const items: AttestationFact[] = [];
    const notes: string[] = [];
    const paths: AttestationPath[] = [];
    const failures: string[] = [];
    let unchecked = 0;

    // BuildKit's attestations live in the image index itself, in the image's own repository.
    const reg = q.registry;
    if (reg.state === 'ok' && reg.isIndex && reg.digest === digest) {
      const ownTarget: RegistryTarget = { http: q.http, baseUrl: q.baseUrl, repository: q.ref.repository, timeoutMs, signal };
      const bk = await discoverBuildkitAttestations(ownTarget, digest, q.ref.name, budget);
      paths.push('image-index');
      items.push(...bk.items);
      notes.push(...bk.notes);
      if (bk.failure !== undefined) failures.push(`image index: ${bk.failure}`);
    }

    if (!loc.ok) {
      failures.push(`the policy's attestation repository cannot be used for ${q.ref.name}: ${loc.reason}`);
      return finish();
    }
    // Credentials for the attestation repository's registry only, scoped to pull that repository (cosign's COSIGN_REPOSITORY).
    const target: RegistryTarget = {
      http: loc.overridden ? o.httpFor({ registry: loc.registry, repository: loc.repository }) : q.http,
      baseUrl: loc.overridden ? o.registryBase(loc.registry) : q.baseUrl,
      repository: loc.repository,
      timeoutMs,
      signal,
    };
    const name = `${loc.registry}/${loc.repository}`;
    const found = await discoverSignedAttestations(target, digest, budget);
    if (!found.ok) {
      failures.push(`cannot read attestations from ${name}: ${found.reason}`);
      return finish();
    }
    paths.push(...found.paths);
    notes.push(...found.notes);
    unchecked += found.unchecked;
    for (const s of found.skipped) items.push({ state: 'unverifiable', origin: s.origin, repository: name, reason: s.reason, ...(s.predicateTypeHint !== undefined ? { predicateTypeHint: s.predicateTypeHint } : {}) });
    if (found.bundles.length > 0 || found.legacy.length > 0) {
      const root = await o.trustedRoot();
      if (!root.ok) {
        failures.push(`Sigstore trusted root unavailable: ${root.reason}`);
        for (const b of found.bundles) items.push({ state: 'unverifiable', origin: 'referrer', repository: name, reason: 'the Sigstore trusted root is unavailable', ...(b.announced !== undefined ? { predicateTypeHint: b.announced.slice(0, 256) } : {}) });
        for (const l of found.legacy) items.push({ state: 'unverifiable', origin: 'legacy-att', repository: name, reason: 'the Sigstore trusted root is unavailable', ...(l.annotations['predicateType'] !== undefined ? { predicateTypeHint: l.annotations['predicateType'].slice(0, 256) } : {}) });
      } else {
        const att = entry.attestations;
        const keys = verificationKeys([entrySigners(entry), att?.provenance?.signers ?? EMPTY, att?.scans?.signers ?? EMPTY]);
        const ctx = { subjectDigest: digest, root: root.root, keys, repository: name };
        let others = 0;
        for (const b of found.bundles) {
          const f = verifyAttestationBundle(b.json, { ...ctx, ...(b.announced !== undefined ? { predicateTypeHint: b.announced } : {}) });
          if (f.state === 'not-an-attestation') others++;
          else items.push(f);
        }
        for (const l of found.legacy) {
          const f = verifyLegacyAttestation(l, ctx);
          if (f.state === 'not-an-attestation') others++;
          else items.push(f);
        }
        if (others > 0) notes.push(`${others} signature bundle(s) among the attestations: image signatures are the cosign source's, never attestations`);
      }
    }
    return finish();

    function finish(): AttestationsFact {
      const att = entry!.attestations;
      const provSigners = att?.provenance?.signers ?? entrySigners(entry!);
      const scanSigners = att?.scans?.signers ?? entrySigners(entry!);
      // Who the policy trusts for each kind: provenance and scans by their own blocks (or the entry's), the rest by the entry.
      const judged = items.map((a): AttestationFact => {
        if (a.state !== 'verified') return a;
        const set = a.facts.kind === 'slsa-provenance' ? provSigners : a.facts.kind === 'vulnerability-scan' ? scanSigners : entrySigners(entry!);
        return { ...a, signerTrusted: signerTrusted(set, a) };
      });
      const verifiedScans = judged.some((a) => a.state === 'verified' && a.facts.kind === 'vulnerability-scan');
      const provenance = att?.provenance !== undefined ? evaluateProvenance(att.provenance, judged, [digest!]) : undefined;
      const scans = att?.scans !== undefined || verifiedScans ? newestTrustedScan(scanSigners, judged, [digest!]) : undefined;
      const fact: AttestationsFact = {
        state: failures.length > 0 ? 'unavailable' : 'checked',
        subjectDigest: digest,
        repository: `${where.registry}/${where.repository}`,
        overridden: where.overridden,
        ...(failures.length > 0 ? { reason: failures.join('; ') } : {}),
        items: judged,
        paths,
        unchecked,
        notes: notes.slice(0, 16),
        requirements: requirementsOf(entry!),
        // The satisfying (or closest) attestation is one of the judged items; its source is already on it.
        ...(provenance !== undefined ? { provenance: provenance.status === 'satisfied' ? { status: 'satisfied', attestation: provenance.attestation } : provenance } : {}),
        ...(scans !== undefined ? { scans } : {}),
        verifiedAt: q.now.toISOString(),
      };
      return fact;
    }
  }
}
