// The attestation part of a policy entry: required provenance (who signs it, which builder, which source), the newest
// signed vulnerability scan's maximum age, and where the attestations live. JSON shape: docs/policy.md, "Provenance".
//
// Called by the policy-file parser with one raw image entry; reads only `provenance`, `scans` and
// `attestationRepository` (ATTESTATION_ENTRY_FIELDS), reports every problem at once, never throws.
import type { IdentityMatcher } from '../cosign/bundleVerify';
import { isObject, matcherField, parseSigners, unknownFields, type KeyReader } from '../policy/signers';
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
  /** Reads key files named by path (stores/policyFiles.ts); the trust layer opens no file itself. */
  readonly readKey: KeyReader;
  /** The entry's own keys and identities, used when `provenance` / `scans` name none. */
  readonly entrySigners: SignerSet;
}

const PROVENANCE_FIELDS = new Set(['required', 'keys', 'identities', 'predicateTypes', 'builder', 'builderRegexp', 'sourceRepository', 'sourceRepositoryRegexp', 'sourceRef', 'sourceRefRegexp', 'comment']);
const SCAN_FIELDS = new Set(['maxAgeDays', 'keys', 'identities', 'comment']);

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
      const own = parseSigners(rawProv, where, opts, errors);
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
      const own = parseSigners(rawScans, where, opts, errors);
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
