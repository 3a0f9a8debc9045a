// Revocation of a certificate chain, as notation checks it: every certificate but the root, OCSP first when the
// certificate names a responder (falling back to its CRLs when OCSP gives no answer), else its CRLs; a certificate
// with neither is not revocable. Without an HttpClient (offline) the answer is "unknown": not checked.
import type { HttpClient } from '../../registry/http';
import type { Cert } from './cert';
import { checkCrl, type CrlOptions } from './crl';
import { checkOcsp } from './ocsp';
import type { CertRevocation, ChainRevocation } from './revocationTypes';

export interface RevocationChecker {
  /** `authenticSigningTime` only under notary.x509.signingAuthority (invalidity dates are compared with it). */
  check(chain: readonly Cert[], opts: { readonly now: Date; readonly signal?: AbortSignal; readonly authenticSigningTime?: Date }): Promise<ChainRevocation>;
}

export interface RevocationCheckerOptions {
  /** Undefined = offline: nothing is fetched, revocation is reported as not checked. */
  readonly http?: HttpClient;
  readonly ocspTimeoutMs?: number;
  readonly crlTimeoutMs?: number;
}

export function revocationChecker(options: RevocationCheckerOptions): RevocationChecker {
  const crlCache: CrlOptions['cache'] = new Map();
  return {
    async check(chain, opts) {
      const results = await Promise.all(
        chain.map((cert, i): Promise<CertRevocation> | CertRevocation => {
          const issuer = chain[i + 1];
          if (!issuer) return { state: 'non-revokable' };
          if (cert.ocspUrls.length === 0 && cert.crlUrls.length === 0) return { state: 'non-revokable' };
          if (!options.http) return { state: 'unknown', reason: 'offline: revocation was not checked' };
          return certStatus(cert, issuer, options.http, opts, options, crlCache);
        }),
      );
      // A revoked certificate anywhere decides; otherwise the first unknown one (from the root down, as notation reports).
      for (let i = results.length - 1; i >= 0; i--) {
        const r = results[i] as CertRevocation;
        if (r.state === 'revoked') return { state: 'revoked', subject: (chain[i] as Cert).subject, ...(r.at ? { at: r.at } : {}) };
      }
      for (let i = results.length - 1; i >= 0; i--) {
        const r = results[i] as CertRevocation;
        if (r.state === 'unknown') return { state: 'unknown', subject: (chain[i] as Cert).subject, reason: r.reason };
      }
      return { state: 'good' };
    },
  };
}

async function certStatus(
  cert: Cert,
  issuer: Cert,
  http: HttpClient,
  opts: { now: Date; signal?: AbortSignal; authenticSigningTime?: Date },
  options: RevocationCheckerOptions,
  cache: CrlOptions['cache'],
): Promise<CertRevocation> {
  const common = { http, now: opts.now, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.authenticSigningTime ? { authenticSigningTime: opts.authenticSigningTime } : {}) };
  if (cert.ocspUrls.length > 0) {
    const o = await checkOcsp(cert, issuer, { ...common, ...(options.ocspTimeoutMs ? { timeoutMs: options.ocspTimeoutMs } : {}) });
    if (o.state !== 'unknown' || cert.crlUrls.length === 0) return o;
    const c = await checkCrl(cert, issuer, { ...common, ...(options.crlTimeoutMs ? { timeoutMs: options.crlTimeoutMs } : {}), ...(cache ? { cache } : {}) });
    return c.state === 'unknown' ? { state: 'unknown', reason: `${o.reason}; then CRL: ${c.reason}` } : c;
  }
  return checkCrl(cert, issuer, { ...common, ...(options.crlTimeoutMs ? { timeoutMs: options.crlTimeoutMs } : {}), ...(cache ? { cache } : {}) });
}
