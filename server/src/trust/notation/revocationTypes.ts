// Revocation answers, per certificate and per chain.

export type CertRevocation =
  | { readonly state: 'good' | 'non-revokable'; readonly method?: 'ocsp' | 'crl' }
  | { readonly state: 'revoked'; readonly at?: Date; readonly method?: 'ocsp' | 'crl' }
  /** Offline, unreachable, a malformed or stale answer: "revocation not checked". */
  | { readonly state: 'unknown'; readonly reason: string; readonly method?: 'ocsp' | 'crl' };

export type ChainRevocation =
  | { readonly state: 'good' }
  | { readonly state: 'revoked'; readonly subject: string; readonly at?: Date }
  | { readonly state: 'unknown'; readonly subject: string; readonly reason: string };
