// The in-toto Statement layer (v1 and v0.1): which artifacts an attestation is about and what kind of claim it makes.
import { LIMITS, duplicateTopLevelKey, isObj, own, parseJson, str, utf8 } from './hostile';
import { ambiguousKey } from '../cosign/strictJson';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const STATEMENT_TYPES: Readonly<Record<string, 'v1' | 'v0.1'>> = {
  'https://in-toto.io/Statement/v1': 'v1',
  'https://in-toto.io/Statement/v0.1': 'v0.1',
};

export interface StatementSubject {
  readonly name?: string;
  /** Lower-case hex sha256, when the subject has one. */
  readonly sha256?: string;
}

export interface Statement {
  readonly version: 'v1' | 'v0.1';
  readonly subjects: readonly StatementSubject[];
  readonly predicateType: string;
  /** The predicate as parsed JSON: hostile, read only through the predicate readers. */
  readonly predicate: unknown;
}

export type StatementResult = { readonly ok: true; readonly statement: Statement } | { readonly ok: false; readonly reason: string };

/** Parses the exact payload bytes a DSSE signature covers. Never throws. */
export function parseStatement(payload: Uint8Array): StatementResult {
  if (payload.length > LIMITS.statementBytes) return { ok: false, reason: `in-toto statement of ${payload.length} bytes is over the ${LIMITS.statementBytes}-byte cap` };
  const text = utf8(payload);
  if (text === undefined) return { ok: false, reason: 'in-toto statement is not valid UTF-8' };
  const parsed = parseJson(text);
  if (!parsed.ok || !isObj(parsed.value)) return { ok: false, reason: 'in-toto statement is not a JSON object' };
  // Exact duplicates at the top, and keys Go's decoder (case-insensitive, last match) reads as one anywhere.
  const dup = duplicateTopLevelKey(text) ?? ambiguousKey(text, ['predicate']);
  if (dup !== undefined) return { ok: false, reason: `in-toto statement has the field "${dup.slice(0, 64)}" twice: verifiers would disagree on what it says` };
  const doc = parsed.value;
  const type = own(doc, '_type');
  const version = typeof type === 'string' ? STATEMENT_TYPES[type] : undefined;
  if (!version) return { ok: false, reason: `not an in-toto Statement v1 or v0.1 (_type ${typeof type === 'string' ? JSON.stringify(type.slice(0, 80)) : 'missing'})` };
  const predicateType = str(own(doc, 'predicateType'));
  if (predicateType === undefined) return { ok: false, reason: 'in-toto statement has no usable predicateType' };
  const rawSubjects = own(doc, 'subject');
  if (!Array.isArray(rawSubjects) || rawSubjects.length === 0) return { ok: false, reason: 'in-toto statement has no subject' };
  if (rawSubjects.length > LIMITS.subjects) return { ok: false, reason: `in-toto statement lists ${rawSubjects.length} subjects, over the cap of ${LIMITS.subjects}` };
  const subjects: StatementSubject[] = [];
  for (const s of rawSubjects) {
    const digest = own(s, 'digest');
    // Every subject MUST carry a digest (Statement spec); one that does not makes the statement malformed.
    if (!isObj(digest) || Object.keys(digest).length === 0) return { ok: false, reason: 'an in-toto subject has no digest' };
    const raw = own(digest, 'sha256');
    if (raw !== undefined && (typeof raw !== 'string' || !/^[0-9a-fA-F]{64}$/.test(raw))) return { ok: false, reason: 'an in-toto subject has a malformed sha256 digest' };
    const name = str(own(s, 'name'));
    // Digests are lower-case hex by spec; an upper-case one names the same bytes, so compare in one case.
    subjects.push({ ...(name !== undefined ? { name } : {}), ...(typeof raw === 'string' ? { sha256: raw.toLowerCase() } : {}) });
  }
  return { ok: true, statement: { version, subjects, predicateType, predicate: own(doc, 'predicate') } };
}

/** Whether the statement names `digest` (`sha256:<hex>`) among its subjects. */
export function namesDigest(statement: Statement, digest: string): boolean {
  const hexPart = digest.startsWith('sha256:') ? digest.slice(7) : '';
  return hexPart.length === 64 && statement.subjects.some((s) => s.sha256 === hexPart);
}
