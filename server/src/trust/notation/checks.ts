// The individual verification steps after integrity, each answering pass / fail / not checked with a reason:
// authenticity (the chain reaches a trust store), trusted identity (x509.subject), expiry, authentic timestamp.
import { sameCert, type Cert } from './cert';
import { certificateDn, dnText, isSubsetDn } from './dn';
import type { SignerInfo } from './envelope';
import type { TrustPolicy, TrustStoreRef } from './policy';
import { verifyTimestamp, type VerifiedTimestamp } from './timestamp';
import type { TrustStores, TrustStoreType } from './trustStore';

/** `config`: the trust policy or a trust store could not be used (not a verdict about the signature). */
export type StepResult = { readonly ok: true } | { readonly ok: false; readonly kind: 'failed' | 'not-checked' | 'config'; readonly reason: string };

export const PASS: StepResult = { ok: true };
const failed = (reason: string): StepResult => ({ ok: false, kind: 'failed', reason });

export async function loadStores(stores: TrustStores, refs: readonly TrustStoreRef[], type: TrustStoreType): Promise<{ ok: true; certs: Cert[] } | { ok: false; reason: string }> {
  const certs: Cert[] = [];
  for (const ref of refs) {
    if (ref.type !== type) continue;
    const r = await stores.get(ref.type, ref.name);
    if (!r.ok) return r;
    certs.push(...r.certs);
  }
  return { ok: true, certs };
}

/** Some certificate of the (already validated) chain is a certificate of the scheme's trust stores. */
export async function checkAuthenticity(info: SignerInfo, policy: TrustPolicy, stores: TrustStores): Promise<StepResult> {
  const type: TrustStoreType = info.scheme === 'notary.x509' ? 'ca' : 'signingAuthority';
  const loaded = await loadStores(stores, policy.trustStores, type);
  if (!loaded.ok) return { ok: false, kind: 'config', reason: loaded.reason };
  if (loaded.certs.length === 0) return { ok: false, kind: 'config', reason: `trust policy "${policy.name}" names no ${type} trust store for a ${info.scheme} signature` };
  const anchor = info.chain.find((c) => loaded.certs.some((t) => sameCert(t, c)));
  if (!anchor) return failed(`the certificate chain (root "${(info.chain[info.chain.length - 1] as Cert).subject}") does not contain any certificate of the ${type} trust stores of policy "${policy.name}"`);
  return PASS;
}

/** `*`, or an `x509.subject` identity whose attributes all appear in the signing certificate's subject. */
export function checkTrustedIdentity(info: SignerInfo, policy: TrustPolicy): StepResult {
  if (policy.trustedIdentities.some((i) => i.kind === 'any')) return PASS;
  const ids = policy.trustedIdentities.flatMap((i) => (i.kind === 'x509.subject' ? [i] : []));
  if (ids.length === 0) return { ok: false, kind: 'config', reason: `trust policy "${policy.name}" has no x509.subject trusted identity` };
  const leaf = info.chain[0] as Cert;
  const dn = certificateDn(leaf.subjectAttributes, leaf.subject);
  if (!dn.ok) return failed(dn.reason);
  if (ids.some((i) => isSubsetDn(i.dn, dn.dn))) return PASS;
  return failed(`signing certificate "${leaf.subject}" matches none of the trusted identities of policy "${policy.name}" (${ids.map((i) => `{${dnText(i.dn)}}`).join(', ')})`);
}

export function checkExpiry(info: SignerInfo, now: Date): StepResult {
  if (info.expiry && now.getTime() >= info.expiry.getTime()) return failed(`the signature expired on ${info.expiry.toISOString()}`);
  return PASS;
}

export interface TimestampStep {
  readonly result: StepResult;
  readonly timestamp?: VerifiedTimestamp;
}

/**
 * notary.x509.signingAuthority: the authentic signing time lies in every certificate's validity.
 * notary.x509: with a `tsa` store in the policy (and `verifyTimestamp` always, or a certificate expired), the RFC 3161
 * countersignature must verify and its time range lie in every certificate's validity; otherwise every certificate
 * must be valid now. An expired signing certificate without a valid timestamp is refused here.
 */
export async function checkAuthenticTimestamp(info: SignerInfo, policy: TrustPolicy, stores: TrustStores, now: Date): Promise<TimestampStep> {
  if (info.scheme === 'notary.x509.signingAuthority') {
    for (const c of info.chain) {
      if (info.signingTime < c.notBefore || info.signingTime > c.notAfter) {
        return { result: failed(`certificate "${c.subject}" was not valid at the authentic signing time ${info.signingTime.toISOString()}`) };
      }
    }
    return { result: PASS };
  }
  const tsaEnabled = policy.trustStores.some((s) => s.type === 'tsa');
  const anyExpired = info.chain.some((c) => now > c.notAfter);
  const perform = tsaEnabled && (policy.verifyTimestamp === 'always' || anyExpired);
  if (!perform) {
    for (const c of info.chain) {
      if (now < c.notBefore) return { result: failed(`certificate "${c.subject}" is not valid before ${c.notBefore.toISOString()}`) };
      if (now > c.notAfter) {
        return { result: failed(`certificate "${c.subject}" expired at ${c.notAfter.toISOString()}${tsaEnabled ? '' : ' and the policy names no tsa trust store to accept a timestamp'}`) };
      }
    }
    return { result: PASS };
  }
  if (!info.timestampToken) return { result: failed('no timestamp countersignature was found in the signature envelope') };
  const roots = await loadStores(stores, policy.trustStores, 'tsa');
  if (!roots.ok) return { result: { ok: false, kind: 'config', reason: roots.reason } };
  if (roots.certs.length === 0) return { result: { ok: false, kind: 'config', reason: 'no trusted TSA certificate found in the tsa trust stores' } };
  const t = verifyTimestamp(info.timestampToken, info.signature, roots.certs, info.chain);
  if (!t.ok) return { result: failed(t.reason) };
  return { result: PASS, timestamp: t.timestamp };
}
