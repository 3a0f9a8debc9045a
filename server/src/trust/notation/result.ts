// What a Notation verification answers, per signature and per image: plain data the trust layer turns into the
// product's TrustFact (verified → signed, unsigned, invalid with the attack stopped, unavailable) and the hover text.
import type { Action, Level } from './policy';

export type CheckName = 'integrity' | 'target' | 'authenticity' | 'trustedIdentity' | 'authenticTimestamp' | 'expiry' | 'revocation';

export interface CheckReport {
  readonly check: CheckName;
  /** What a failure of this check does under the policy (integrity and target are always enforced). */
  readonly action: Action;
  /** `not-checked`: the answer could not be had (offline, unreachable); `skipped`: the policy skips the check. */
  readonly status: 'passed' | 'failed' | 'not-checked' | 'skipped';
  readonly reason?: string;
}

/** The attack (or failure) each check stops, in the vocabulary the product's TrustFact uses. */
export const ATTACKS: Readonly<Record<CheckName, string>> = {
  integrity: 'tampered or malformed signature',
  target: 'signature for another artifact (target mismatch)',
  authenticity: 'signer not in the trust store',
  trustedIdentity: 'signer identity not trusted by the policy',
  authenticTimestamp: 'certificate not valid when the signature was made',
  expiry: 'expired signature',
  revocation: 'revoked certificate',
};

export interface PolicyRef {
  readonly name: string;
  readonly level: Level;
  /** Level with per-check overrides ("custom" in notation's words). */
  readonly overridden: boolean;
  /** notation's file name, or "product policy". */
  readonly source: string;
}

export interface SignatureDetails {
  readonly format: 'jws' | 'cose';
  readonly scheme: 'notary.x509' | 'notary.x509.signingAuthority';
  readonly algorithm: string;
  /** Signing certificate subject and issuer (Go style: `CN=…,O=…,C=…`). */
  readonly signer: string;
  readonly issuer: string;
  readonly root: string;
  /** notary.x509: the signer's clock (unauthenticated); signingAuthority: the authentic signing time. */
  readonly signingTime: string;
  readonly signingTimeAuthentic: boolean;
  readonly certificateExpires: string;
  /** Earliest notAfter in the chain. */
  readonly chainExpires: string;
  readonly expiry?: string;
  readonly timestamp?: { readonly authority: string; readonly time: string; readonly accuracyMs: number };
  readonly thumbprints: readonly string[];
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly signingAgent?: string;
}

export type SignatureReport =
  | { readonly state: 'verified'; readonly details: SignatureDetails; readonly checks: readonly CheckReport[]; readonly logged: readonly CheckReport[] }
  /** Authenticity or identity failed under a level that only logs it (audit): logged, not enforced, never verified. */
  | { readonly state: 'logged'; readonly details: SignatureDetails; readonly checks: readonly CheckReport[]; readonly logged: readonly CheckReport[]; readonly reason: string }
  | { readonly state: 'invalid'; readonly check: CheckName; readonly attack: string; readonly reason: string; readonly checks: readonly CheckReport[]; readonly details?: SignatureDetails }
  | { readonly state: 'unavailable'; readonly reason: string; readonly checks: readonly CheckReport[]; readonly details?: SignatureDetails };

export type NotationResult =
  | { readonly state: 'verified'; readonly policy: PolicyRef; readonly signature: Extract<SignatureReport, { state: 'verified' }>; readonly signatures: readonly SignatureReport[] }
  | { readonly state: 'logged'; readonly policy: PolicyRef; readonly reason: string; readonly signatures: readonly SignatureReport[] }
  | { readonly state: 'invalid'; readonly policy: PolicyRef; readonly check: CheckName; readonly attack: string; readonly reason: string; readonly signatures: readonly SignatureReport[] }
  | { readonly state: 'unavailable'; readonly policy?: PolicyRef; readonly reason: string; readonly signatures: readonly SignatureReport[] }
  | { readonly state: 'unsigned'; readonly policy: PolicyRef; readonly reason: string }
  /** The applicable statement has level skip: nothing is verified, nothing is claimed. */
  | { readonly state: 'skipped'; readonly policy: PolicyRef; readonly reason: string }
  /** No statement applies to the repository: notation would refuse the artifact as untrusted. */
  | { readonly state: 'no-policy'; readonly reason: string };

/** Plain-text lines for a hover, the CLI and the trust-details document. */
export function describeNotationResult(r: NotationResult): string[] {
  const lines: string[] = [];
  const policy = 'policy' in r && r.policy ? `trust policy "${r.policy.name}" (${r.policy.source}), level ${r.policy.level}${r.policy.overridden ? ' with overrides' : ''}` : undefined;
  switch (r.state) {
    case 'verified': {
      const d = r.signature.details;
      lines.push(`Notation: signed by ${d.signer}`, `issuer: ${d.issuer}`);
      lines.push(`signed ${d.signingTime}${d.signingTimeAuthentic ? ' (authentic signing time)' : d.timestamp ? '' : " (signer's clock)"}`);
      if (d.timestamp) lines.push(`timestamp: ${d.timestamp.time} by ${d.timestamp.authority}`);
      lines.push(`certificate expires ${d.certificateExpires}${d.expiry ? `; signature expires ${d.expiry}` : ''}`);
      lines.push(`covers ${d.digest}`);
      for (const l of r.signature.logged) lines.push(`logged, not enforced: ${l.check} — ${l.reason ?? l.status}`);
      break;
    }
    case 'logged':
      lines.push(`Notation: signature found but not trusted — logged, not enforced: ${r.reason}`);
      break;
    case 'invalid':
      lines.push(`Notation: invalid signature (${r.attack}): ${r.reason}`);
      break;
    case 'unavailable':
      lines.push(`Notation: could not verify: ${r.reason}`);
      break;
    case 'unsigned':
      lines.push(`Notation: no signature (${r.reason})`);
      break;
    case 'skipped':
      lines.push(`Notation: verification skipped by policy (${r.reason})`);
      break;
    case 'no-policy':
      lines.push(`Notation: ${r.reason}`);
      break;
  }
  if (policy) lines.push(policy);
  return lines;
}
