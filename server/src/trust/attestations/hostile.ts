// Reading fields of attestations, which are hostile input: every string capped and screened, every list bounded, never a throw.

export const LIMITS = {
  /** An in-toto statement (the decoded DSSE payload). SBOMs can be large; anything bigger is refused. */
  statementBytes: 8 * 1024 * 1024,
  /** A legacy `.att` layer (a DSSE envelope of the statement, base64 adds a third). */
  envelopeBytes: 12 * 1024 * 1024,
  /** Subjects in one statement (GitHub allows up to 1024 per attestation). */
  subjects: 4096,
  /** Any string we keep. URIs, identities and refs longer than this are dropped, never truncated (a cut value could match a pattern). */
  stringChars: 2048,
  /** Dependencies kept for display; all are counted. */
  keptDependencies: 32,
  /** Elements walked when counting findings, VEX statements or dependencies. */
  walk: 200_000,
  /** Annotation values read from a registry manifest (certificates, Rekor bundles). */
  annotationChars: 64 * 1024,
  /** Certificates in a PEM chain annotation. */
  pemCertificates: 8,
  /** Layers of one attestation manifest. */
  manifestLayers: 64,
  /** Attestation manifests in one index. */
  indexAttestations: 256,
} as const;

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Property read that ignores inherited members (a hostile `__proto__` key is just data in JSON.parse output). */
export function own(o: unknown, key: string): unknown {
  return isObj(o) && Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

/** C0/C1 controls and bidirectional overrides: a value carrying them could disguise itself in a hover ("Trojan source"). */
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** A string field, or undefined when absent, not a string, empty, too long or carrying control/bidi characters. */
export function str(v: unknown, max: number = LIMITS.stringChars): string | undefined {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) return undefined;
  return UNSAFE_CHARS.test(v) ? undefined : v;
}

/** A strict RFC 3339 timestamp, normalised to ISO (UTC); anything else is undefined. */
export function timestamp(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length > 40) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/.test(v)) return undefined;
  // Date keeps milliseconds only; the fraction beyond them carries nothing a person needs.
  const t = Date.parse(v.toUpperCase().replace(' ', 'T').replace(/(\.\d{3})\d+/, '$1'));
  if (!Number.isFinite(t)) return undefined;
  return new Date(t).toISOString();
}

/** Lower-case hex of a given length range. */
export function hex(v: unknown, min: number, max: number): string | undefined {
  if (typeof v !== 'string' || v.length < min || v.length > max) return undefined;
  return /^[0-9a-f]+$/.test(v) ? v : undefined;
}

export const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Strict UTF-8 decoding: invalid sequences and a byte-order mark are refused, not replaced. */
export function utf8(bytes: Uint8Array): string | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * The first key that appears twice in the top-level object of a JSON document already known to be valid, if any.
 * Parsers disagree on duplicates (first or last wins); a statement whose `predicateType` or `subject` means two things
 * to two verifiers is refused. Linear in the text.
 */
export function duplicateTopLevelKey(text: string): string | undefined {
  let depth = 0;
  let topIsObject = false;
  let expectKey = false;
  let inString = false;
  let escaped = false;
  let capture = false;
  let start = 0;
  const seen = new Set<string>();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) {
        inString = false;
        if (capture) {
          capture = false;
          let key: string;
          try {
            key = JSON.parse(text.slice(start - 1, i + 1)) as string;
          } catch {
            return undefined;
          }
          if (seen.has(key)) return key;
          seen.add(key);
        }
      }
      continue;
    }
    switch (c) {
      case 0x22: // "
        inString = true;
        start = i + 1;
        capture = depth === 1 && topIsObject && expectKey;
        if (capture) expectKey = false;
        break;
      case 0x7b: // {
        depth++;
        if (depth === 1) {
          topIsObject = true;
          expectKey = true;
        }
        break;
      case 0x5b: // [
        depth++;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        depth--;
        break;
      case 0x2c: // ,
        if (depth === 1 && topIsObject) expectKey = true;
        break;
      default:
        break;
    }
  }
  return undefined;
}

/** Standard or URL-safe base64 (not mixed), padded or not, normalised to standard padded base64; undefined if malformed. */
export function normaliseBase64(v: unknown, maxChars: number): string | undefined {
  if (typeof v !== 'string' || v.length > maxChars) return undefined;
  const std = /^[A-Za-z0-9+/]*={0,2}$/.test(v);
  const url = /^[A-Za-z0-9_-]*={0,2}$/.test(v);
  if (!std && !url) return undefined;
  let s = std ? v : v.replace(/-/g, '+').replace(/_/g, '/');
  const body = s.replace(/=+$/, '');
  if (body.length % 4 === 1) return undefined;
  s = body + '='.repeat((4 - (body.length % 4)) % 4);
  return s;
}
