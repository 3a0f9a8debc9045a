// Trust policy: notation's own `trustpolicy.oci.json` / `trustpolicy.json` (version 1.0), validated with the rules
// notation applies, and the internal policy type the product's policy file also produces (productPolicy.ts).
import { parseDistinguishedName, isSubsetDn, type DnMap } from './dn';
import type { NotationConfigStore } from './store';
import { STORE_NAME, TRUST_STORE_TYPES, type TrustStoreType } from './storeNames';

export type Check = 'integrity' | 'authenticity' | 'authenticTimestamp' | 'expiry' | 'revocation';
export type Action = 'enforce' | 'log' | 'skip';
export type Level = 'strict' | 'permissive' | 'audit' | 'skip';
export const CHECKS: readonly Check[] = ['integrity', 'authenticity', 'authenticTimestamp', 'expiry', 'revocation'];

/** The specification's table of actions per level. */
export const LEVELS: Readonly<Record<Level, Readonly<Record<Check, Action>>>> = {
  strict: { integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'enforce', expiry: 'enforce', revocation: 'enforce' },
  permissive: { integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' },
  audit: { integrity: 'enforce', authenticity: 'log', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' },
  skip: { integrity: 'skip', authenticity: 'skip', authenticTimestamp: 'skip', expiry: 'skip', revocation: 'skip' },
};

export type TrustedIdentity =
  | { readonly kind: 'any' }
  | { readonly kind: 'x509.subject'; readonly text: string; readonly dn: DnMap }
  /** Identities with other prefixes are for verification plugins; notation's own matching ignores them. */
  | { readonly kind: 'other'; readonly text: string };

export interface TrustStoreRef {
  readonly type: TrustStoreType;
  readonly name: string;
}

export interface TrustPolicy {
  readonly name: string;
  /** Exact repositories (`registry/repository`) or `*` (notation files). */
  readonly registryScopes: readonly string[];
  /** Globs over `registry/repository` (product policy file: `*` within a path part, `**` across). */
  readonly patterns?: readonly string[];
  readonly level: Level;
  /** Level plus overrides: what each check's failure does. */
  readonly enforcement: Readonly<Record<Check, Action>>;
  readonly overridden: boolean;
  readonly verifyTimestamp: 'always' | 'afterCertExpiry';
  readonly trustStores: readonly TrustStoreRef[];
  readonly trustedIdentities: readonly TrustedIdentity[];
  /** A product policy entry without a `notation` block: it matches (first match wins) but sets no Notation policy. */
  readonly unconfigured?: boolean;
}

export interface TrustPolicyDocument {
  /** Where it came from, for messages: a file name or "product policy". */
  readonly source: string;
  /** notation: an exact scope beats the `*` policy; product: the first matching entry wins. */
  readonly selection: 'notation' | 'first-match';
  readonly policies: readonly TrustPolicy[];
}

export type PolicyResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

const DOMAIN = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))+)?(?::[0-9]+)?$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:(?:[._]|__|[-]*)[a-z0-9]+)+)?(?:(?:\/[a-z0-9]+(?:(?:(?:[._]|__|[-]*)[a-z0-9]+)+)?)+)?$/;

/** A fully qualified repository `registry/path` (no scheme, tag or digest), as notation validates scopes. */
export function isRepositoryScope(scope: string): boolean {
  const slash = scope.indexOf('/');
  if (slash <= 0 || scope.includes('*')) return false;
  return DOMAIN.test(scope.slice(0, slash)) && REPOSITORY.test(scope.slice(slash + 1));
}

export interface SignatureVerificationInput {
  readonly level: unknown;
  readonly override: unknown;
  readonly verifyTimestamp: unknown;
}

/** Level + overrides, with notation's rules: integrity cannot be overridden, only revocation may be skipped, skip cannot be customized. */
export function enforcementFor(sv: SignatureVerificationInput, policyName: string): PolicyResult<{ level: Level; enforcement: Record<Check, Action>; overridden: boolean; verifyTimestamp: 'always' | 'afterCertExpiry' }> {
  const level = sv.level;
  if (typeof level !== 'string' || level === '') return fail(`trust policy "${policyName}": signatureVerification.level is missing`);
  if (!(level in LEVELS)) return fail(`trust policy "${policyName}": signature verification level "${level}" is not one of strict, permissive, audit, skip`);
  const enforcement: Record<Check, Action> = { ...LEVELS[level as Level] };
  let overridden = false;
  if (sv.override !== undefined && sv.override !== null) {
    if (typeof sv.override !== 'object' || Array.isArray(sv.override)) return fail(`trust policy "${policyName}": override must be an object`);
    const entries = Object.entries(sv.override as Record<string, unknown>);
    if (entries.length > 0 && level === 'skip') return fail(`trust policy "${policyName}": level "skip" cannot be customized`);
    for (const [check, action] of entries) {
      if (!(CHECKS as readonly string[]).includes(check)) return fail(`trust policy "${policyName}": override of unknown check "${check}"`);
      if (action !== 'enforce' && action !== 'log' && action !== 'skip') return fail(`trust policy "${policyName}": override action "${String(action)}" is not enforce, log or skip`);
      if (check === 'integrity') return fail(`trust policy "${policyName}": integrity cannot be overridden`);
      if (action === 'skip' && check !== 'revocation') return fail(`trust policy "${policyName}": only revocation can be skipped, not ${check}`);
      enforcement[check as Check] = action;
      overridden = true;
    }
  }
  const vt = sv.verifyTimestamp;
  if (vt !== undefined && vt !== '' && vt !== 'always' && vt !== 'afterCertExpiry') return fail(`trust policy "${policyName}": verifyTimestamp must be "always" or "afterCertExpiry"`);
  return { ok: true, value: { level: level as Level, enforcement, overridden, verifyTimestamp: vt === 'afterCertExpiry' ? 'afterCertExpiry' : 'always' } };
}

export function parseTrustStores(values: unknown, policyName: string): PolicyResult<TrustStoreRef[]> {
  if (values === undefined || values === null) return { ok: true, value: [] };
  if (!Array.isArray(values)) return fail(`trust policy "${policyName}": trustStores must be an array`);
  const out: TrustStoreRef[] = [];
  for (const v of values) {
    if (typeof v !== 'string') return fail(`trust policy "${policyName}": trust store values must be strings`);
    const colon = v.indexOf(':');
    if (colon < 0) return fail(`trust policy "${policyName}": trust store "${v}" is missing the separator (<type>:<name>)`);
    const type = v.slice(0, colon);
    const name = v.slice(colon + 1);
    if (!(TRUST_STORE_TYPES as readonly string[]).includes(type)) return fail(`trust policy "${policyName}": trust store type "${type}" is not ca, signingAuthority or tsa`);
    if (!STORE_NAME.test(name)) return fail(`trust policy "${policyName}": trust store name "${name}" must match [a-zA-Z0-9_.-]+`);
    if (!out.some((r) => r.type === type && r.name === name)) out.push({ type: type as TrustStoreType, name });
  }
  return { ok: true, value: out };
}

export function parseTrustedIdentities(values: unknown, policyName: string): PolicyResult<TrustedIdentity[]> {
  if (values === undefined || values === null) return { ok: true, value: [] };
  if (!Array.isArray(values)) return fail(`trust policy "${policyName}": trustedIdentities must be an array`);
  if (values.length > 1 && values.includes('*')) return fail(`trust policy "${policyName}": the wildcard identity "*" cannot be combined with others`);
  const out: TrustedIdentity[] = [];
  for (const v of values) {
    if (typeof v !== 'string' || v === '') return fail(`trust policy "${policyName}": trusted identities must be non-empty strings`);
    if (v === '*') {
      out.push({ kind: 'any' });
      continue;
    }
    const colon = v.indexOf(':');
    if (colon < 0) return fail(`trust policy "${policyName}": trusted identity "${v}" is missing the separator`);
    const prefix = v.slice(0, colon);
    const value = v.slice(colon + 1);
    if (prefix !== 'x509.subject') {
      out.push({ kind: 'other', text: v });
      continue;
    }
    if (value === '') return fail(`trust policy "${policyName}": trusted identity "${v}" has no value`);
    const dn = parseDistinguishedName(value);
    if (!dn.ok) return fail(`trust policy "${policyName}": trusted identity "${v}": ${dn.reason}`);
    out.push({ kind: 'x509.subject', text: v, dn: dn.dn });
  }
  const dns = out.filter((i): i is Extract<TrustedIdentity, { kind: 'x509.subject' }> => i.kind === 'x509.subject');
  for (let i = 0; i < dns.length; i++) {
    for (let j = 0; j < dns.length; j++) {
      if (i !== j && isSubsetDn((dns[i] as { dn: DnMap }).dn, (dns[j] as { dn: DnMap }).dn)) {
        return fail(`trust policy "${policyName}": trusted identities "${dns[i]!.text}" and "${dns[j]!.text}" overlap`);
      }
    }
  }
  return { ok: true, value: out };
}

/** Builds one statement from the fields both file formats share; the scope part is the caller's. */
export function policyCore(
  name: string,
  signatureVerification: unknown,
  trustStoresValue: unknown,
  trustedIdentitiesValue: unknown,
): PolicyResult<Omit<TrustPolicy, 'registryScopes' | 'patterns'>> {
  if (typeof signatureVerification !== 'object' || signatureVerification === null) return fail(`trust policy "${name}": signatureVerification is missing`);
  const sv = signatureVerification as Record<string, unknown>;
  const enf = enforcementFor({ level: sv['level'], override: sv['override'], verifyTimestamp: sv['verifyTimestamp'] }, name);
  if (!enf.ok) return enf;
  const stores = parseTrustStores(trustStoresValue, name);
  if (!stores.ok) return stores;
  const ids = parseTrustedIdentities(trustedIdentitiesValue, name);
  if (!ids.ok) return ids;
  if (enf.value.level === 'skip') {
    if (stores.value.length > 0 || ids.value.length > 0) return fail(`trust policy "${name}": level "skip" must not list trust stores or trusted identities`);
  } else if (stores.value.length === 0 || ids.value.length === 0) {
    return fail(`trust policy "${name}": trustStores and trustedIdentities are both required`);
  }
  return { ok: true, value: { name, ...enf.value, trustStores: stores.value, trustedIdentities: ids.value } };
}

/** Parses and validates a notation OCI trust policy document (JSON text). */
export function parseNotationTrustPolicy(text: string, source: string): PolicyResult<TrustPolicyDocument> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return fail(`${source} is not valid JSON`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return fail(`${source} is not a JSON object`);
  const d = doc as Record<string, unknown>;
  if (d['version'] !== '1.0') return fail(`${source}: version must be "1.0" (got ${JSON.stringify(d['version'])})`);
  const statements = d['trustPolicies'];
  if (!Array.isArray(statements) || statements.length === 0) return fail(`${source}: trustPolicies must list at least one statement`);
  const policies: TrustPolicy[] = [];
  const names = new Set<string>();
  const scopeOwner = new Map<string, string>();
  for (const s of statements) {
    if (typeof s !== 'object' || s === null) return fail(`${source}: every trust policy statement must be an object`);
    const st = s as Record<string, unknown>;
    const name = st['name'];
    if (typeof name !== 'string' || name === '') return fail(`${source}: a trust policy statement has no name`);
    if (names.has(name)) return fail(`${source}: two statements are named "${name}"`);
    names.add(name);
    const core = policyCore(name, st['signatureVerification'], st['trustStores'], st['trustedIdentities']);
    if (!core.ok) return fail(`${source}: ${core.reason}`);
    const scopes = st['registryScopes'];
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((x) => typeof x === 'string')) return fail(`${source}: trust policy "${name}" needs registryScopes`);
    if (scopes.length > 1 && scopes.includes('*')) return fail(`${source}: trust policy "${name}" combines "*" with other scopes`);
    for (const scope of scopes as string[]) {
      if (scope !== '*' && !isRepositoryScope(scope)) return fail(`${source}: registry scope "${scope}" is not a fully qualified repository (registry/path, no wildcards)`);
      const owner = scopeOwner.get(scope);
      if (owner !== undefined) return fail(`${source}: registry scope "${scope}" appears in "${owner}" and "${name}"`);
      scopeOwner.set(scope, name);
    }
    policies.push({ ...core.value, registryScopes: scopes as string[] });
  }
  return { ok: true, value: { source, selection: 'notation', policies } };
}

/** The statement that applies to `repository` (`registry/path`), or undefined. */
export function selectPolicy(doc: TrustPolicyDocument, repository: string): TrustPolicy | undefined {
  if (doc.selection === 'first-match') {
    const p = doc.policies.find((q) => (q.patterns ?? []).some((g) => patternMatches(g, repository)) || q.registryScopes.includes(repository));
    return p && !p.unconfigured ? p : undefined;
  }
  return doc.policies.find((p) => p.registryScopes.includes(repository)) ?? doc.policies.find((p) => p.registryScopes.includes('*'));
}

/**
 * The product policy's pattern language: `*` within one path part, `**` across parts, `?` one character; matched
 * against `registry/repository` and, for Docker Hub, the familiar forms (`library/alpine`, `alpine`).
 */
export function patternMatches(glob: string, repository: string): boolean {
  const forms = [repository];
  if (repository.startsWith('docker.io/')) {
    const rest = repository.slice('docker.io/'.length);
    forms.push(rest);
    if (rest.startsWith('library/')) forms.push(rest.slice('library/'.length));
  }
  return forms.some((f) => globMatch(glob, f));
}

export function globMatch(glob: string, value: string): boolean {
  let re = '^';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`).test(value);
}

export const POLICY_FILES = ['trustpolicy.oci.json', 'trustpolicy.json'] as const;
const MAX_POLICY_BYTES = 1024 * 1024;

/** Reads notation's OCI trust policy: `trustpolicy.oci.json`, else the older `trustpolicy.json`. */
export async function loadNotationTrustPolicy(store: NotationConfigStore): Promise<PolicyResult<TrustPolicyDocument> & { readonly missing?: boolean }> {
  for (const file of POLICY_FILES) {
    const r = await store.read(file, MAX_POLICY_BYTES);
    if (r.ok) return parseNotationTrustPolicy(Buffer.from(r.bytes).toString('utf8'), file);
    if (r.kind !== 'not-found') return fail(`${file} cannot be read: ${r.message}`);
  }
  return { ok: false, reason: `no trust policy: neither ${POLICY_FILES.join(' nor ')} exists in the notation directory`, missing: true };
}
