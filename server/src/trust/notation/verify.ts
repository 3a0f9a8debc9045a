// The one call the trust layer makes for an image: its Notation signature envelopes, the pinned descriptor, the
// repository, a trust policy document and the trust stores → one NotationResult. A signature verified under the
// applicable policy makes the image verified (notation needs one); none → the most useful failure is reported.
import type { HttpClient } from '../../registry/http';
import type { Descriptor } from './envelope';
import { selectPolicy, type TrustPolicy, type TrustPolicyDocument } from './policy';
import type { NotationResult, PolicyRef, SignatureReport } from './result';
import { revocationChecker, type RevocationChecker } from './revocation';
import { verifyOneSignature, type EnvelopeInput } from './signature';
import type { NotationConfigStore } from './store';
import { trustStores, type TrustStores } from './trustStore';

/** notation verifies at most this many signatures per artifact by default (its flag is --max-signatures, 100). */
export const MAX_SIGNATURES = 32;

export interface NotationVerifyInput {
  readonly envelopes: readonly EnvelopeInput[];
  /** The pinned descriptor of the image manifest or index: media type, digest and size must all match. */
  readonly target: Descriptor;
  /** `registry/repository` (fully qualified, e.g. `docker.io/library/alpine`), the trust policy selector. */
  readonly reference: string;
  readonly policy: TrustPolicyDocument;
  /** The statement to apply, when the caller already chose it (a product policy entry's `notation` block). */
  readonly statement?: TrustPolicy;
  /** notation's directory (its `truststore/x509/...`), or already opened stores. */
  readonly stores: NotationConfigStore | TrustStores;
  /** For OCSP and CRL requests (plain http endpoints); undefined = offline: revocation is not checked. */
  readonly http?: HttpClient;
  /** A shared checker (keeps CRLs between calls); built from `http` when absent. */
  readonly revocation?: RevocationChecker;
  readonly now?: Date;
  readonly signal?: AbortSignal;
  readonly maxSignatures?: number;
}

export async function verifyNotationSignatures(input: NotationVerifyInput): Promise<NotationResult> {
  try {
    return await verifyUnsafe(input);
  } catch (e) {
    return { state: 'unavailable', reason: `Notation verification failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`, signatures: [] };
  }
}

async function verifyUnsafe(input: NotationVerifyInput): Promise<NotationResult> {
  const policy = input.statement ?? selectPolicy(input.policy, input.reference);
  if (!policy) return { state: 'no-policy', reason: `no trust policy statement in ${input.policy.source} applies to ${input.reference}` };
  const ref = policyRef(policy, input.policy.source);
  if (policy.level === 'skip') return { state: 'skipped', policy: ref, reason: `level "skip" for ${input.reference}` };
  if (input.envelopes.length === 0) return { state: 'unsigned', policy: ref, reason: `no Notation signature for ${input.target.digest}` };

  const stores: TrustStores = 'get' in input.stores ? input.stores : trustStores(input.stores);
  const revocation = input.revocation ?? revocationChecker(input.http ? { http: input.http } : {});
  const now = input.now ?? new Date();
  const max = input.maxSignatures ?? MAX_SIGNATURES;
  const reports: SignatureReport[] = [];
  for (const env of input.envelopes.slice(0, max)) {
    if (input.signal?.aborted) break;
    const r = await verifyOneSignature(env, {
      target: input.target,
      policy,
      stores,
      revocation,
      now,
      ...(input.signal ? { signal: input.signal } : {}),
    });
    reports.push(r);
    if (r.state === 'verified') return { state: 'verified', policy: ref, signature: r, signatures: reports };
  }
  if (input.signal?.aborted) return { state: 'unavailable', policy: ref, reason: 'verification was cancelled', signatures: reports };
  const skippedNote = input.envelopes.length > max ? ` (${input.envelopes.length - max} more signatures were not tried)` : '';
  const logged = reports.find((r) => r.state === 'logged');
  if (logged && logged.state === 'logged') return { state: 'logged', policy: ref, reason: logged.reason + skippedNote, signatures: reports };
  // "Could not decide" before "bad": one signature that might verify with the network (or a plugin) is the useful answer.
  const unavailable = reports.find((r) => r.state === 'unavailable');
  if (unavailable && unavailable.state === 'unavailable') return { state: 'unavailable', policy: ref, reason: unavailable.reason + skippedNote, signatures: reports };
  const invalid = reports.find((r) => r.state === 'invalid');
  if (invalid && invalid.state === 'invalid') {
    return { state: 'invalid', policy: ref, check: invalid.check, attack: invalid.attack, reason: invalid.reason + skippedNote, signatures: reports };
  }
  return { state: 'unavailable', policy: ref, reason: `no signature could be verified${skippedNote}`, signatures: reports };
}

function policyRef(p: TrustPolicy, source: string): PolicyRef {
  return { name: p.name, level: p.level, overridden: p.overridden, source };
}
