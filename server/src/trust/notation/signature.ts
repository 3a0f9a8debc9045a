// One signature through the Notary Project verification steps, in notation's order, each failure enforced or
// logged as the trust policy's level (and overrides) says: integrity → target → authenticity → trusted identity →
// expiry → authentic timestamp → revocation.
import type { Cert } from './cert';
import { PASS, checkAuthenticTimestamp, checkAuthenticity, checkExpiry, checkTrustedIdentity, type StepResult } from './checks';
import { sameTarget, verifyEnvelope, type Descriptor, type SignerInfo } from './envelope';
import type { Action, TrustPolicy } from './policy';
import { ATTACKS, type CheckName, type CheckReport, type SignatureDetails, type SignatureReport } from './result';
import type { RevocationChecker } from './revocation';
import type { VerifiedTimestamp } from './timestamp';
import type { TrustStores } from './trustStore';

export interface EnvelopeInput {
  readonly mediaType: string;
  readonly bytes: Uint8Array;
  /** The manifest's `io.cncf.notary.x509chain.thumbprint#S256` annotation, when the caller has it. */
  readonly thumbprints?: readonly string[];
}

export interface SignatureContext {
  readonly target: Descriptor;
  readonly policy: TrustPolicy;
  readonly stores: TrustStores;
  readonly revocation: RevocationChecker;
  readonly now: Date;
  readonly signal?: AbortSignal;
}

export async function verifyOneSignature(env: EnvelopeInput, ctx: SignatureContext): Promise<SignatureReport> {
  const checks: CheckReport[] = [];
  const logged: CheckReport[] = [];
  const enf = ctx.policy.enforcement;

  const integrity = verifyEnvelope(env.mediaType, env.bytes);
  if (!integrity.ok) {
    checks.push({ check: 'integrity', action: 'enforce', status: 'failed', reason: integrity.reason });
    if (integrity.kind === 'unsupported') return { state: 'unavailable', reason: integrity.reason, checks };
    return { state: 'invalid', check: 'integrity', attack: ATTACKS.integrity, reason: integrity.reason, checks };
  }
  const info = integrity.info;
  if (env.thumbprints) {
    const have = info.chain.map((c) => c.sha256);
    const want = env.thumbprints.map((t) => t.toLowerCase());
    if (want.length !== have.length || want.some((t, i) => t !== have[i])) {
      const reason = 'the signature manifest\'s certificate thumbprints do not match the envelope\'s certificate chain';
      checks.push({ check: 'integrity', action: 'enforce', status: 'failed', reason });
      return { state: 'invalid', check: 'integrity', attack: ATTACKS.integrity, reason, checks, details: details(info) };
    }
  }
  checks.push({ check: 'integrity', action: 'enforce', status: 'passed' });

  // notation compares the payload's descriptor with the artifact's (media type, digest, size) at every level.
  if (!sameTarget(info.target, ctx.target)) {
    const reason = `the signature covers ${info.target.digest} (${info.target.mediaType}, ${info.target.size} bytes), not ${ctx.target.digest} (${ctx.target.mediaType}, ${ctx.target.size} bytes)`;
    checks.push({ check: 'target', action: 'enforce', status: 'failed', reason });
    return { state: 'invalid', check: 'target', attack: ATTACKS.target, reason, checks, details: details(info) };
  }
  checks.push({ check: 'target', action: 'enforce', status: 'passed' });

  /** Records a step; returns a final report when an enforced failure stops verification. */
  const step = (check: CheckName, action: Action, r: StepResult, timestamp?: VerifiedTimestamp): SignatureReport | undefined => {
    if (r.ok) {
      checks.push({ check, action, status: 'passed' });
      return undefined;
    }
    const report: CheckReport = { check, action, status: r.kind === 'not-checked' ? 'not-checked' : 'failed', reason: r.reason };
    checks.push(report);
    if (action === 'log') {
      logged.push(report);
      return undefined;
    }
    const d = details(info, timestamp);
    if (r.kind === 'failed') return { state: 'invalid', check, attack: ATTACKS[check], reason: r.reason, checks, details: d };
    const why = r.kind === 'config' ? r.reason : `${r.reason} — the trust policy enforces ${check}`;
    return { state: 'unavailable', reason: why, checks, details: d };
  };
  const aborted = (): SignatureReport | undefined =>
    ctx.signal?.aborted ? { state: 'unavailable', reason: 'verification was cancelled', checks, details: details(info) } : undefined;

  let stop = step('authenticity', enf.authenticity, await checkAuthenticity(info, ctx.policy, ctx.stores));
  if (stop) return stop;
  stop = step('trustedIdentity', enf.authenticity, checkTrustedIdentity(info, ctx.policy));
  if (stop) return stop;
  stop = step('expiry', enf.expiry, checkExpiry(info, ctx.now));
  if (stop) return stop;

  let timestamp: VerifiedTimestamp | undefined;
  let tsaRevocation: StepResult = PASS;
  if (enf.authenticTimestamp === 'skip') checks.push({ check: 'authenticTimestamp', action: 'skip', status: 'skipped' });
  else {
    const ts = await checkAuthenticTimestamp(info, ctx.policy, ctx.stores, ctx.now);
    let r = ts.result;
    timestamp = ts.timestamp;
    if (r.ok && timestamp && enf.revocation !== 'skip') {
      const tsa = await ctx.revocation.check(timestamp.tsaChain, { now: ctx.now, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      // A revoked TSA voids the timestamp. An unknown TSA status is a revocation question: the revocation
      // action decides it below (notation folds it into the timestamp check; see docs/policy.md).
      if (tsa.state === 'revoked') r = { ok: false, kind: 'failed', reason: `timestamping certificate "${tsa.subject}" is revoked` };
      else if (tsa.state === 'unknown') tsaRevocation = { ok: false, kind: 'not-checked', reason: `timestamping certificate "${tsa.subject}": ${tsa.reason}` };
    }
    stop = step('authenticTimestamp', enf.authenticTimestamp, r, timestamp);
    if (stop) return stop;
  }
  stop = aborted();
  if (stop) return stop;

  if (enf.revocation === 'skip') checks.push({ check: 'revocation', action: 'skip', status: 'skipped' });
  else {
    const rev = await ctx.revocation.check(info.chain, {
      now: ctx.now,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(info.scheme === 'notary.x509.signingAuthority' ? { authenticSigningTime: info.signingTime } : {}),
    });
    let r: StepResult =
      rev.state === 'good'
        ? tsaRevocation
        : rev.state === 'revoked'
          ? { ok: false, kind: 'failed', reason: `certificate "${rev.subject}" is revoked${rev.at ? ` (since ${rev.at.toISOString()})` : ''}` }
          : { ok: false, kind: 'not-checked', reason: `revocation of "${rev.subject}" was not checked: ${rev.reason}` };
    if (rev.state === 'unknown' && !tsaRevocation.ok) r = { ok: false, kind: 'not-checked', reason: `${r.ok ? '' : r.reason}; ${tsaRevocation.reason}` };
    stop = step('revocation', enf.revocation, r, timestamp);
    if (stop) return stop;
  }

  const d = details(info, timestamp);
  const distrusted = logged.find((l) => l.check === 'authenticity' || l.check === 'trustedIdentity');
  if (distrusted) return { state: 'logged', details: d, checks, logged, reason: `${distrusted.check}: ${distrusted.reason ?? distrusted.status}` };
  return { state: 'verified', details: d, checks, logged };
}

function details(info: SignerInfo, timestamp?: VerifiedTimestamp): SignatureDetails {
  const leaf = info.chain[0] as Cert;
  const root = info.chain[info.chain.length - 1] as Cert;
  const chainExpires = info.chain.reduce((m, c) => (c.notAfter < m ? c.notAfter : m), leaf.notAfter);
  return {
    format: info.format,
    scheme: info.scheme,
    algorithm: info.algorithm,
    signer: leaf.subject,
    issuer: leaf.issuer,
    root: root.subject,
    signingTime: info.signingTime.toISOString(),
    signingTimeAuthentic: info.scheme === 'notary.x509.signingAuthority',
    certificateExpires: leaf.notAfter.toISOString(),
    chainExpires: chainExpires.toISOString(),
    ...(info.expiry ? { expiry: info.expiry.toISOString() } : {}),
    ...(timestamp ? { timestamp: { authority: (timestamp.tsaChain[0] as Cert).subject, time: timestamp.genTime.toISOString(), accuracyMs: timestamp.accuracyMs } } : {}),
    thumbprints: info.chain.map((c) => c.sha256),
    digest: info.target.digest,
    mediaType: info.target.mediaType,
    size: info.target.size,
    ...(info.signingAgent !== undefined ? { signingAgent: info.signingAgent } : {}),
  };
}
