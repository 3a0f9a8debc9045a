// What the JWS and COSE decoders hand to the common envelope checks: header fields in one shape, the bytes that were
// signed, the certificate DERs and the unsigned attributes.
import type { SignatureAlgorithm } from './algorithms';

export interface HeaderFields {
  readonly alg: SignatureAlgorithm;
  readonly cty: unknown;
  /** Labels listed in `crit` (strings; COSE may also use integers). */
  readonly crit: readonly (string | number)[];
  readonly critPresent: boolean;
  readonly scheme: unknown;
  readonly signingTime?: Date;
  readonly authenticSigningTime?: Date;
  readonly expiry?: Date;
  /** Protected headers other than the ones the specification defines. */
  readonly extended: ReadonlyMap<string | number, unknown>;
  /** Whether a protected header with this label is present at all. */
  present(label: string | number): boolean;
}

export interface DecodedEnvelope {
  readonly format: 'jws' | 'cose';
  readonly header: HeaderFields;
  readonly certs: readonly Uint8Array[];
  readonly signature: Uint8Array;
  /** JWS signing input or the COSE Sig_structure. */
  readonly signedBytes: Uint8Array;
  readonly payload: Uint8Array;
  readonly timestampToken?: Uint8Array;
  readonly signingAgent?: string;
  readonly pssSalt: 'hash' | 'auto';
}

export type Decoded = { readonly ok: true; readonly envelope: DecodedEnvelope } | { readonly ok: false; readonly reason: string };

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** RFC 3339 date-time, strictly (as Go's time.RFC3339 parser); undefined when malformed or out of range. */
export function parseRfc3339(s: string): Date | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [mo, d, h, mi, se] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return undefined;
  const t = Date.parse(s);
  if (!Number.isFinite(t)) return undefined;
  const date = new Date(t);
  // Reject days that Date rolled over (2023-02-30).
  const offset = m[8] === 'Z' ? 0 : (m[8]!.startsWith('-') ? -1 : 1) * (Number(m[8]!.slice(1, 3)) * 60 + Number(m[8]!.slice(4, 6)));
  const local = new Date(t + offset * 60_000);
  if (local.getUTCDate() !== d || local.getUTCMonth() + 1 !== mo) return undefined;
  return date;
}
