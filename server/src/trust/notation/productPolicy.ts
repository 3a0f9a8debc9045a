// The same Notation policy written in the product's own policy file: a `notation` block per `images[]` entry,
// parsed into the internal TrustPolicyDocument that notation's trustpolicy.oci.json also produces. The block uses
// notation's words and rules (level, override, verifyTimestamp, trustStores, trustedIdentities); the trust stores
// are named stores of notation's directory. Entries keep the file's order: the first matching entry wins, and an
// entry without a `notation` block sets no Notation policy for the images it matches.
import { policyCore, type TrustPolicy, type TrustPolicyDocument } from './policy';

export interface ProductNotationEntry {
  /** The entry's `pattern` (product glob over `registry/repository`). */
  readonly pattern: string;
  /** The entry's `notation` block as read from JSON, or undefined when the entry has none. */
  readonly notation: unknown;
}

const FIELDS = new Set(['level', 'override', 'verifyTimestamp', 'trustStores', 'trustedIdentities']);

/**
 * Parses the `notation` blocks of the product policy's entries (in file order). Every problem is reported with its
 * place (`images[2].notation: …`); a broken block is never treated as "no policy".
 */
export function parseProductNotationPolicy(
  entries: readonly ProductNotationEntry[],
  source = 'product policy',
): { ok: true; value: TrustPolicyDocument } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const policies: TrustPolicy[] = [];
  entries.forEach((entry, i) => {
    const where = `images[${i}].notation`;
    const base = { name: `images[${i}] ${entry.pattern}`, registryScopes: [], patterns: [entry.pattern] };
    if (entry.notation === undefined) {
      policies.push({
        ...base,
        level: 'skip',
        enforcement: { integrity: 'skip', authenticity: 'skip', authenticTimestamp: 'skip', expiry: 'skip', revocation: 'skip' },
        overridden: false,
        verifyTimestamp: 'always',
        trustStores: [],
        trustedIdentities: [],
        unconfigured: true,
      });
      return;
    }
    const n = entry.notation;
    if (typeof n !== 'object' || n === null || Array.isArray(n)) {
      errors.push(`${where}: must be an object`);
      return;
    }
    const o = n as Record<string, unknown>;
    const unknown = Object.keys(o).filter((k) => !FIELDS.has(k));
    if (unknown.length > 0) errors.push(`${where}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`);
    const core = policyCore(base.name, { level: o['level'], override: o['override'], verifyTimestamp: o['verifyTimestamp'] }, o['trustStores'], o['trustedIdentities']);
    if (!core.ok) {
      errors.push(`${where}: ${core.reason.replace(/^trust policy "[^"]*": /, '')}`);
      return;
    }
    policies.push({ ...core.value, ...base });
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { source, selection: 'first-match', policies } };
}
