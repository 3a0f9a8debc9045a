// Who may sign, as a policy names them: cosign/Sigstore public keys and keyless identities. One parser for the
// entry itself and for its provenance/scan blocks; key files arrive through an injected reader (no file I/O here).
import { createPublicKey, type KeyObject } from 'node:crypto';
import { spkiFingerprint, type IdentityMatcher } from '../cosign/bundleVerify';

export interface PolicyKey {
  readonly key: KeyObject;
  readonly publicKeyPem: string;
  /** `sha256:<hex>` of the SPKI DER: how the key is named in messages and hovers. */
  readonly fingerprint: string;
  /** Where it came from (path or "inline key"), for messages. */
  readonly origin: string;
  /** Require a transparency-log entry for signatures by this key (cosign's default; false = `--insecure-ignore-tlog`). */
  readonly tlog: boolean;
}

export interface PolicyIdentity {
  readonly identity: IdentityMatcher;
  readonly issuer: string;
}

export interface SignerSet {
  readonly keys: readonly PolicyKey[];
  readonly identities: readonly PolicyIdentity[];
}

/** Reads a key file named in a policy (path as written, relative to `baseDir`, `~/` = home). Bounded; never throws. */
export type KeyReader = (path: string, baseDir: string) => { readonly ok: true; readonly text: string; readonly origin: string } | { readonly ok: false; readonly reason: string };

/** A reader for policies that may not name key files (inline keys only). */
export const NO_KEY_FILES: KeyReader = (path) => ({ ok: false, reason: `cannot read ${path}: key files are not available here` });

export interface ParseContext {
  /** Directory key paths are relative to (the policy file's). */
  readonly baseDir: string;
  readonly readKey: KeyReader;
}

const KEY_FIELDS = new Set(['path', 'pem', 'tlog', 'comment']);
const IDENTITY_FIELDS = new Set(['identity', 'identityRegexp', 'issuer', 'comment']);
const MAX_PATTERN = 1024;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Unknown fields are errors: a misspelt "identites" must not silently leave an image unprotected. */
export function unknownFields(obj: Record<string, unknown>, known: ReadonlySet<string>, where: string, errors: string[]): void {
  for (const k of Object.keys(obj)) if (!known.has(k)) errors.push(`${where}: unknown field "${k}" (known: ${[...known].join(', ')})`);
}

/** `exact` / `regexp` pair → matcher (exactly one of them; regexps match the whole string, anchored when used). */
export function matcherField(obj: Record<string, unknown>, exactKey: string, rxKey: string, where: string, errors: string[], normalise?: (s: string) => string | undefined): IdentityMatcher | undefined {
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

export function publicKey(pemText: string, origin: string, tlog: boolean): PolicyKey | undefined {
  try {
    const key = createPublicKey(pemText);
    return { key, publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(), fingerprint: `sha256:${spkiFingerprint(key)}`, origin, tlog };
  } catch {
    return undefined;
  }
}

/** `keys` and `identities` of an object (an entry, or its provenance/scans block). Undefined when it names neither. */
export function parseSigners(obj: Record<string, unknown>, where: string, ctx: ParseContext, errors: string[]): SignerSet | undefined {
  if (obj['keys'] === undefined && obj['identities'] === undefined) return undefined;
  const keys: PolicyKey[] = [];
  const identities: PolicyIdentity[] = [];
  const rawKeys = obj['keys'] ?? [];
  if (!Array.isArray(rawKeys)) errors.push(`${where}: "keys" must be an array`);
  else
    rawKeys.forEach((k: unknown, j) => {
      const kw = `${where}.keys[${j}]`;
      if (!isObject(k)) return void errors.push(`${kw}: must be an object with "path" or "pem"`);
      unknownFields(k, KEY_FIELDS, kw, errors);
      const tlog = k['tlog'] ?? true;
      if (typeof tlog !== 'boolean') return void errors.push(`${kw}: "tlog" must be true or false`);
      let text: string;
      let origin: string;
      if (typeof k['pem'] === 'string' && k['path'] === undefined) {
        text = k['pem'];
        origin = 'inline key';
      } else if (typeof k['path'] === 'string' && k['path'] !== '' && k['pem'] === undefined) {
        const read = ctx.readKey(k['path'], ctx.baseDir);
        if (!read.ok) return void errors.push(`${kw}: ${read.reason}`);
        text = read.text;
        origin = read.origin;
      } else return void errors.push(`${kw}: give exactly one of "path" or "pem"`);
      const pk = publicKey(text, origin, tlog);
      if (pk === undefined) errors.push(`${kw}: ${origin} is not a PEM public key`);
      else keys.push(pk);
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
      if (id['identity'] === undefined && id['identityRegexp'] === undefined) return void errors.push(`${iw}: give exactly one of "identity" (exact) or "identityRegexp" (whole-string match)`);
      const m = matcherField(id, 'identity', 'identityRegexp', iw, errors);
      if (m) identities.push({ identity: m, issuer });
    });
  return { keys, identities };
}
