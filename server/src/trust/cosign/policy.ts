// The signature policy file (JSON, shared by editor and CLI): per image pattern, whether a signature is required and whose.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, dirname, resolve } from 'node:path';
import { canonicalRegistry, type ParsedReference } from '../../core/imageRef';
import { compilePattern, policyNames, type NameMatcher, type TrustPolicy } from '../policy';

export { compilePattern };
import { spkiFingerprint, type IdentityMatcher } from './bundleVerify';

export const POLICY_VERSION = 1;
/** A policy file or key file bigger than this is a mistake or an attack. */
const MAX_POLICY_BYTES = 1024 * 1024;
const MAX_KEY_BYTES = 64 * 1024;

export interface PolicyKey {
  readonly key: KeyObject;
  /** `sha256:<hex>` of the SPKI DER: how the key is named in messages and hovers. */
  readonly fingerprint: string;
  /** Where it came from (path or "inline"), for messages. */
  readonly origin: string;
  /** Require a transparency-log entry for signatures by this key (cosign's default; false = `--insecure-ignore-tlog`). */
  readonly tlog: boolean;
}

export interface PolicyIdentity {
  readonly identity: IdentityMatcher;
  readonly issuer: string;
}

export interface PolicyEntry {
  readonly pattern: string;
  readonly required: boolean;
  /** How loud a violation is (default error). */
  readonly severity: 'error' | 'warning' | 'information';
  readonly keys: readonly PolicyKey[];
  readonly identities: readonly PolicyIdentity[];
  /** Notary v1 signer names (as `docker trust inspect` prints them); empty = any Notary signer. */
  readonly notarySigners: readonly string[];
  /** Compiled pattern over `registry/repository`. */
  readonly matcher: NameMatcher;
}

export interface Policy {
  readonly entries: readonly PolicyEntry[];
  /** Registry host → Notary server URL. */
  readonly notaryServers?: Readonly<Record<string, string>>;
  /** Where it was loaded from (undefined for an in-memory policy). */
  readonly source?: string;
}

export type PolicyLoad = { readonly ok: true; readonly policy: Policy } | { readonly ok: false; readonly errors: readonly string[] };

export const EMPTY_POLICY: Policy = { entries: [] };

const ENTRY_FIELDS = new Set(['pattern', 'required', 'severity', 'keys', 'identities', 'notarySigners', 'comment']);
const SEVERITIES = new Set(['error', 'warning', 'information']);
const KEY_FIELDS = new Set(['path', 'pem', 'tlog', 'comment']);
const IDENTITY_FIELDS = new Set(['identity', 'identityRegexp', 'issuer', 'comment']);

/** First entry whose pattern matches the image (`registry/repository` or its familiar name). Order in the file is priority. */
export function matchPolicy(policy: Policy, ref: Pick<ParsedReference, 'registry' | 'repository' | 'name'>): PolicyEntry | undefined {
  const names = policyNames(ref);
  return policy.entries.find((e) => names.some((n) => e.matcher.test(n)));
}

/** What the rules see (ImageFacts.policy): whether a signature is required, and whose (identities, key fingerprints, Notary signers). */
export function policyFactFor(policy: Policy, ref: Pick<ParsedReference, 'registry' | 'repository' | 'name'>): { required: boolean; signers?: readonly string[] } {
  const e = matchPolicy(policy, ref);
  if (!e) return { required: false };
  const signers = [
    ...e.identities.map((i) => `${'exact' in i.identity ? i.identity.exact : `/${i.identity.regexp}/`} (issuer ${i.issuer})`),
    ...e.keys.map((k) => `key ${k.fingerprint}`),
    ...e.notarySigners,
  ];
  return signers.length > 0 ? { required: e.required, signers } : { required: e.required };
}

/** The Notary view of the same file: the one policy format feeds both trust sources. */
export function toTrustPolicy(policy: Policy): TrustPolicy {
  return {
    ...(policy.notaryServers ? { servers: policy.notaryServers } : {}),
    requireSigned: policy.entries
      .filter((e) => e.required)
      .map((e) => (e.notarySigners.length > 0 ? { pattern: e.pattern, signers: e.notarySigners } : { pattern: e.pattern })),
  };
}

function expandPath(p: string, baseDir: string): string {
  if (p === '~' || p.startsWith('~/')) return resolve(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

function unknownFields(obj: Record<string, unknown>, known: Set<string>, where: string, errors: string[]): void {
  for (const k of Object.keys(obj)) {
    // Unknown fields are errors: a misspelt "identites" must not silently leave an image unprotected.
    if (!known.has(k)) errors.push(`${where}: unknown field "${k}" (known: ${[...known].join(', ')})`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readKey(pemText: string, origin: string, tlog: boolean, where: string, errors: string[]): PolicyKey | undefined {
  try {
    const key = createPublicKey(pemText);
    return { key, fingerprint: `sha256:${spkiFingerprint(key)}`, origin, tlog };
  } catch {
    errors.push(`${where}: ${origin} is not a PEM public key`);
    return undefined;
  }
}

/** Checks and compiles a parsed policy document. Key paths are relative to `baseDir`. Reports every problem, not just the first. */
export function parsePolicy(doc: unknown, baseDir: string, source?: string): PolicyLoad {
  const errors: string[] = [];
  if (!isObject(doc)) return { ok: false, errors: ['policy must be a JSON object with "version" and "images"'] };
  unknownFields(doc, new Set(['version', 'images', 'notaryServers', 'comment', '$schema']), 'policy', errors);
  let notaryServers: Record<string, string> | undefined;
  if (doc['notaryServers'] !== undefined) {
    const ns = doc['notaryServers'];
    if (!isObject(ns)) errors.push('policy: "notaryServers" must map registry hosts to https URLs');
    else {
      notaryServers = {};
      for (const [host, url] of Object.entries(ns)) {
        if (typeof url !== 'string' || !/^https?:\/\/[^/\s]+/.test(url)) errors.push(`policy.notaryServers["${host}"]: must be a URL`);
        else notaryServers[canonicalRegistry(host)] = url;
      }
    }
  }
  if (doc['version'] !== POLICY_VERSION) errors.push(`policy: "version" must be ${POLICY_VERSION}`);
  const images = doc['images'];
  if (!Array.isArray(images)) return { ok: false, errors: [...errors, 'policy: "images" must be an array'] };
  const entries: PolicyEntry[] = [];
  images.forEach((raw: unknown, i) => {
    const where = `images[${i}]`;
    if (!isObject(raw)) return void errors.push(`${where}: must be an object`);
    unknownFields(raw, ENTRY_FIELDS, where, errors);
    const pattern = raw['pattern'];
    if (typeof pattern !== 'string') return void errors.push(`${where}: "pattern" must be a string`);
    const matcher = compilePattern(pattern);
    if (typeof matcher === 'string') return void errors.push(`${where}: ${matcher}`);
    const required = raw['required'] ?? false;
    if (typeof required !== 'boolean') errors.push(`${where}: "required" must be true or false`);
    const severity = raw['severity'] ?? 'error';
    if (typeof severity !== 'string' || !SEVERITIES.has(severity)) errors.push(`${where}: "severity" must be error, warning or information`);
    const keys: PolicyKey[] = [];
    const rawKeys = raw['keys'] ?? [];
    if (!Array.isArray(rawKeys)) errors.push(`${where}: "keys" must be an array`);
    else
      rawKeys.forEach((k: unknown, j) => {
        const kw = `${where}.keys[${j}]`;
        if (!isObject(k)) return void errors.push(`${kw}: must be an object with "path" or "pem"`);
        unknownFields(k, KEY_FIELDS, kw, errors);
        const tlog = k['tlog'] ?? true;
        if (typeof tlog !== 'boolean') return void errors.push(`${kw}: "tlog" must be true or false`);
        if (typeof k['pem'] === 'string' && k['path'] === undefined) {
          const pk = readKey(k['pem'], 'inline key', tlog, kw, errors);
          if (pk) keys.push(pk);
        } else if (typeof k['path'] === 'string' && k['pem'] === undefined) {
          const p = expandPath(k['path'], baseDir);
          try {
            if (statSync(p).size > MAX_KEY_BYTES) return void errors.push(`${kw}: ${p} is too large for a public key`);
            const pk = readKey(readFileSync(p, 'utf8'), p, tlog, kw, errors);
            if (pk) keys.push(pk);
          } catch (e) {
            errors.push(`${kw}: cannot read ${p} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
          }
        } else errors.push(`${kw}: give exactly one of "path" or "pem"`);
      });
    const identities: PolicyIdentity[] = [];
    const rawIds = raw['identities'] ?? [];
    if (!Array.isArray(rawIds)) errors.push(`${where}: "identities" must be an array`);
    else
      rawIds.forEach((id: unknown, j) => {
        const iw = `${where}.identities[${j}]`;
        if (!isObject(id)) return void errors.push(`${iw}: must be an object`);
        unknownFields(id, IDENTITY_FIELDS, iw, errors);
        const issuer = id['issuer'];
        if (typeof issuer !== 'string' || issuer === '') return void errors.push(`${iw}: "issuer" (the OIDC issuer URL) is required`);
        const exact = id['identity'];
        const rx = id['identityRegexp'];
        if (typeof exact === 'string' && rx === undefined && exact !== '') identities.push({ identity: { exact }, issuer });
        else if (typeof rx === 'string' && exact === undefined && rx !== '') {
          try {
            new RegExp(rx, 'u');
            identities.push({ identity: { regexp: rx }, issuer });
          } catch {
            errors.push(`${iw}: "identityRegexp" is not a valid regular expression`);
          }
        } else errors.push(`${iw}: give exactly one of "identity" (exact) or "identityRegexp" (whole-string match)`);
      });
    const notarySigners: string[] = [];
    const rawSigners = raw['notarySigners'] ?? [];
    if (!Array.isArray(rawSigners) || rawSigners.some((x) => typeof x !== 'string' || x === '')) {
      errors.push(`${where}: "notarySigners" must be an array of signer names`);
    } else notarySigners.push(...(rawSigners as string[]));
    entries.push({ pattern, required: required === true, severity: SEVERITIES.has(severity as string) ? (severity as PolicyEntry['severity']) : 'error', keys, identities, notarySigners, matcher });
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, policy: { entries, ...(notaryServers ? { notaryServers } : {}), ...(source !== undefined ? { source } : {}) } };
}

/** Loads a policy file. Never throws: a broken policy is reported, never treated as "no policy". */
export function loadPolicyFile(path: string): PolicyLoad {
  let text: string;
  try {
    if (statSync(path).size > MAX_POLICY_BYTES) return { ok: false, errors: [`${path}: larger than ${MAX_POLICY_BYTES} bytes`] };
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, errors: [`cannot read policy ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`] };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [`${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`] };
  }
  const r = parsePolicy(doc, dirname(resolve(path)), path);
  return r.ok ? r : { ok: false, errors: r.errors.map((m) => `${path}: ${m}`) };
}
