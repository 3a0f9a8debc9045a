// The attestation part of a policy entry: required provenance (who signs it, which builder, which source), the newest
// signed vulnerability scan's maximum age, and where the attestations live. JSON shape: docs/policy.md, "Provenance".
//
// Called by the policy-file parser with one raw image entry; reads only `provenance`, `scans` and
// `attestationRepository` (ATTESTATION_ENTRY_FIELDS), reports every problem at once, never throws.
import { createPublicKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { spkiFingerprint, type IdentityMatcher } from '../cosign/bundleVerify';
import { normaliseRepository } from './provenance';
import { SLSA_PROVENANCE_V02, SLSA_PROVENANCE_V1 } from './predicateTypes';
import { parseAttestationRepository, type AttestationRepositoryTemplate } from './repository';

export const ATTESTATION_ENTRY_FIELDS = ['provenance', 'scans', 'attestationRepository'] as const;

export type Matcher = IdentityMatcher;

export interface RequiredKey {
  /** `sha256:<hex>` of the SPKI DER. */
  readonly fingerprint: string;
  readonly publicKeyPem: string;
  /** Require a transparency-log entry (default true; false = cosign's --insecure-ignore-tlog, e.g. Docker Hardened Images). */
  readonly tlog: boolean;
  readonly origin: string;
}

export interface RequiredIdentity {
  readonly identity: Matcher;
  readonly issuer: string;
}

export interface SignerSet {
  readonly keys: readonly RequiredKey[];
  readonly identities: readonly RequiredIdentity[];
}

export interface ProvenanceRequirement {
  /** Missing or non-matching provenance is a finding at the entry's severity (false: shown as information). */
  readonly required: boolean;
  readonly signers: SignerSet;
  /** Whether the signers were written under `provenance` or taken from the entry's keys/identities. */
  readonly signersFrom: 'provenance' | 'entry';
  readonly predicateTypes: readonly string[];
  readonly builder?: Matcher;
  /** Matched against the normalised repository URL (`https://github.com/org/app`). */
  readonly sourceRepository?: Matcher;
  readonly sourceRef?: Matcher;
}

export interface ScanRequirement {
  readonly maxAgeDays: number;
  readonly signers: SignerSet;
  readonly signersFrom: 'scans' | 'entry';
}

export interface AttestationRequirements {
  readonly provenance?: ProvenanceRequirement;
  readonly scans?: ScanRequirement;
  readonly attestationRepository?: AttestationRepositoryTemplate;
}

export interface ParseOptions {
  /** Where the entry is, for messages (`images[2]`). */
  readonly where: string;
  /** Directory key paths are relative to (the policy file's). */
  readonly baseDir: string;
  /** The entry's own keys and identities, used when `provenance` / `scans` name none. */
  readonly entrySigners: SignerSet;
}

const PROVENANCE_FIELDS = new Set(['required', 'keys', 'identities', 'predicateTypes', 'builder', 'builderRegexp', 'sourceRepository', 'sourceRepositoryRegexp', 'sourceRef', 'sourceRefRegexp', 'comment']);
const SCAN_FIELDS = new Set(['maxAgeDays', 'keys', 'identities', 'comment']);
const KEY_FIELDS = new Set(['path', 'pem', 'tlog', 'comment']);
const IDENTITY_FIELDS = new Set(['identity', 'identityRegexp', 'issuer', 'comment']);
const MAX_KEY_BYTES = 64 * 1024;
const MAX_PATTERN = 1024;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownFields(obj: Record<string, unknown>, known: Set<string>, where: string, errors: string[]): void {
  // A misspelt "sourceRepositry" must not silently drop a requirement.
  for (const k of Object.keys(obj)) if (!known.has(k)) errors.push(`${where}: unknown field "${k}" (known: ${[...known].join(', ')})`);
}

/** `exact` / `regexp` pair → matcher (exactly one of them; regexps are whole-string, anchored when matched). */
function matcherField(obj: Record<string, unknown>, exactKey: string, rxKey: string, where: string, errors: string[], normalise?: (s: string) => string | undefined): Matcher | undefined {
  const exact = obj[exactKey];
  const rx = obj[rxKey];
  if (exact === undefined && rx === undefined) return undefined;
  if (exact !== undefined && rx !== undefined) {
    errors.push(`${where}: give "${exactKey}" or "${rxKey}", not both`);
    return undefined;
  }
  if (exact !== undefined) {
    if (typeof exact !== 'string' || exact === '' || exact.length > MAX_PATTERN) {
      errors.push(`${where}.${exactKey}: must be a non-empty string`);
      return undefined;
    }
    const n = normalise ? normalise(exact) : exact;
    if (n === undefined) {
      errors.push(`${where}.${exactKey}: "${exact}" is not a repository URL (e.g. https://github.com/my-org/app)`);
      return undefined;
    }
    return { exact: n };
  }
  if (typeof rx !== 'string' || rx === '' || rx.length > MAX_PATTERN) {
    errors.push(`${where}.${rxKey}: must be a non-empty regular expression`);
    return undefined;
  }
  try {
    new RegExp(`^(?:${rx})$`, 'u');
  } catch {
    errors.push(`${where}.${rxKey}: not a valid regular expression`);
    return undefined;
  }
  return { regexp: rx };
}

function expandPath(p: string, baseDir: string): string {
  if (p === '~' || p.startsWith('~/')) return resolve(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

function readKey(pemText: string, origin: string, tlog: boolean, where: string, errors: string[]): RequiredKey | undefined {
  try {
    const key = createPublicKey(pemText);
    return { fingerprint: `sha256:${spkiFingerprint(key)}`, publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(), tlog, origin };
  } catch {
    errors.push(`${where}: ${origin} is not a PEM public key`);
    return undefined;
  }
}

/** `keys` and `identities` of a sub-object, in the same format as the entry's own. Undefined when it names neither. */
function signersOf(obj: Record<string, unknown>, where: string, baseDir: string, errors: string[]): SignerSet | undefined {
  if (obj['keys'] === undefined && obj['identities'] === undefined) return undefined;
  const keys: RequiredKey[] = [];
  const identities: RequiredIdentity[] = [];
  const rawKeys = obj['keys'] ?? [];
  if (!Array.isArray(rawKeys)) errors.push(`${where}: "keys" must be an array`);
  else
    rawKeys.forEach((k: unknown, j) => {
      const kw = `${where}.keys[${j}]`;
      if (!isObject(k)) return void errors.push(`${kw}: must be an object with "path" or "pem"`);
      unknownFields(k, KEY_FIELDS, kw, errors);
      const tlog = k['tlog'] ?? true;
      if (typeof tlog !== 'boolean') return void errors.push(`${kw}: "tlog" must be true or false`);
      if (typeof k['pem'] === 'string' && k['path'] === undefined) {
        const rk = readKey(k['pem'], 'inline key', tlog, kw, errors);
        if (rk) keys.push(rk);
      } else if (typeof k['path'] === 'string' && k['pem'] === undefined) {
        const p = expandPath(k['path'], baseDir);
        try {
          if (statSync(p).size > MAX_KEY_BYTES) return void errors.push(`${kw}: ${p} is too large for a public key`);
          const rk = readKey(readFileSync(p, 'utf8'), p, tlog, kw, errors);
          if (rk) keys.push(rk);
        } catch (e) {
          errors.push(`${kw}: cannot read ${p} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
        }
      } else errors.push(`${kw}: give exactly one of "path" or "pem"`);
    });
  const rawIds = obj['identities'] ?? [];
  if (!Array.isArray(rawIds)) errors.push(`${where}: "identities" must be an array`);
  else
    rawIds.forEach((id: unknown, j) => {
      const iw = `${where}.identities[${j}]`;
      if (!isObject(id)) return void errors.push(`${iw}: must be an object`);
      unknownFields(id, IDENTITY_FIELDS, iw, errors);
      const issuer = id['issuer'];
      if (typeof issuer !== 'string' || issuer === '') return void errors.push(`${iw}: "issuer" (the OIDC issuer URL) is required`);
      const m = matcherField(id, 'identity', 'identityRegexp', iw, errors);
      if (m) identities.push({ identity: m, issuer });
      else if (id['identity'] === undefined && id['identityRegexp'] === undefined) errors.push(`${iw}: give exactly one of "identity" (exact) or "identityRegexp" (whole-string match)`);
    });
  return { keys, identities };
}

function hasSigners(s: SignerSet): boolean {
  return s.keys.length > 0 || s.identities.length > 0;
}

/** Reads the attestation fields of one policy entry. */
export function parseAttestationRequirements(entry: Record<string, unknown>, opts: ParseOptions): { ok: true; value: AttestationRequirements } | { ok: false; errors: readonly string[] } {
  const errors: string[] = [];
  let provenance: ProvenanceRequirement | undefined;
  let scans: ScanRequirement | undefined;
  let attestationRepository: AttestationRepositoryTemplate | undefined;

  const rawProv = entry['provenance'];
  if (rawProv !== undefined) {
    const where = `${opts.where}.provenance`;
    if (!isObject(rawProv)) errors.push(`${where}: must be an object`);
    else {
      unknownFields(rawProv, PROVENANCE_FIELDS, where, errors);
      const required = rawProv['required'] ?? true;
      if (typeof required !== 'boolean') errors.push(`${where}.required: must be true or false`);
      const own = signersOf(rawProv, where, opts.baseDir, errors);
      const signers = own ?? opts.entrySigners;
      if (!own && !hasSigners(opts.entrySigners)) {
        errors.push(`${where}: name who signs the provenance ("keys" or "identities", here or on the entry): an attestation anyone can sign proves nothing`);
      } else if (own && !hasSigners(own)) errors.push(`${where}: "keys" and "identities" are both empty`);
      let predicateTypes: string[] = [SLSA_PROVENANCE_V1, SLSA_PROVENANCE_V02];
      const pt = rawProv['predicateTypes'];
      if (pt !== undefined) {
        if (!Array.isArray(pt) || pt.length === 0 || pt.some((t) => t !== SLSA_PROVENANCE_V1 && t !== SLSA_PROVENANCE_V02)) {
          errors.push(`${where}.predicateTypes: a non-empty list of "${SLSA_PROVENANCE_V1}" and/or "${SLSA_PROVENANCE_V02}"`);
        } else predicateTypes = [...new Set(pt as string[])];
      }
      const builder = matcherField(rawProv, 'builder', 'builderRegexp', where, errors);
      const sourceRepository = matcherField(rawProv, 'sourceRepository', 'sourceRepositoryRegexp', where, errors, normaliseRepository);
      const sourceRef = matcherField(rawProv, 'sourceRef', 'sourceRefRegexp', where, errors);
      provenance = {
        required: required === true,
        signers,
        signersFrom: own ? 'provenance' : 'entry',
        predicateTypes,
        ...(builder ? { builder } : {}),
        ...(sourceRepository ? { sourceRepository } : {}),
        ...(sourceRef ? { sourceRef } : {}),
      };
    }
  }

  const rawScans = entry['scans'];
  if (rawScans !== undefined) {
    const where = `${opts.where}.scans`;
    if (!isObject(rawScans)) errors.push(`${where}: must be an object`);
    else {
      unknownFields(rawScans, SCAN_FIELDS, where, errors);
      const age = rawScans['maxAgeDays'];
      if (typeof age !== 'number' || !Number.isFinite(age) || age <= 0 || age > 3650) errors.push(`${where}.maxAgeDays: a number of days between 0 and 3650`);
      const own = signersOf(rawScans, where, opts.baseDir, errors);
      if (!own && !hasSigners(opts.entrySigners)) errors.push(`${where}: name who signs the scans ("keys" or "identities", here or on the entry)`);
      else if (own && !hasSigners(own)) errors.push(`${where}: "keys" and "identities" are both empty`);
      if (typeof age === 'number') scans = { maxAgeDays: age, signers: own ?? opts.entrySigners, signersFrom: own ? 'scans' : 'entry' };
    }
  }

  if (entry['attestationRepository'] !== undefined) {
    const r = parseAttestationRepository(entry['attestationRepository']);
    if (r.ok) attestationRepository = r.value;
    else errors.push(`${opts.where}.attestationRepository: ${r.error}`);
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { ...(provenance ? { provenance } : {}), ...(scans ? { scans } : {}), ...(attestationRepository ? { attestationRepository } : {}) } };
}
