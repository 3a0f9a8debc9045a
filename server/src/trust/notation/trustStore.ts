// Named trust stores in notation's layout, `truststore/x509/{ca,signingAuthority,tsa}/<name>/*`, read through the
// injected store with notation's rules: the named store is a real directory; every entry is a regular file (no
// sub-directories, no symlinks) holding PEM or DER certificates; each is a CA or a self-signed signing certificate;
// `tsa` stores hold self-signed roots only; an empty store is an error.
import { isSelfSigned, parseCertificateFile, type Cert } from './cert';
import type { NotationConfigStore } from './store';

import { STORE_NAME, TRUST_STORE_TYPES, type TrustStoreType } from './storeNames';

export { STORE_NAME, TRUST_STORE_TYPES, type TrustStoreType };

const MAX_CERT_FILE_BYTES = 1024 * 1024;
const MAX_FILES_PER_STORE = 256;

export type TrustStoreResult = { readonly ok: true; readonly certs: readonly Cert[] } | { readonly ok: false; readonly reason: string };

export interface TrustStores {
  get(type: TrustStoreType, name: string): Promise<TrustStoreResult>;
}

/** Loads named stores on demand and remembers each answer (one verification run reads each store once). */
export function trustStores(store: NotationConfigStore): TrustStores {
  const cache = new Map<string, Promise<TrustStoreResult>>();
  return {
    get(type, name) {
      const key = `${type}/${name}`;
      let p = cache.get(key);
      if (!p) {
        p = loadTrustStore(store, type, name);
        cache.set(key, p);
      }
      return p;
    },
  };
}

export async function loadTrustStore(store: NotationConfigStore, type: TrustStoreType, name: string): Promise<TrustStoreResult> {
  const label = `trust store "${type}:${name}"`;
  if (!TRUST_STORE_TYPES.includes(type)) return { ok: false, reason: `unsupported trust store type ${type}` };
  if (!STORE_NAME.test(name) || name === '.' || name === '..') return { ok: false, reason: `${label}: the name must match [a-zA-Z0-9_.-]+` };
  const dir = `truststore/x509/${type}/${name}`;
  const listing = await store.list(dir);
  if (!listing.ok) {
    if (listing.kind === 'not-found') return { ok: false, reason: `${label} does not exist` };
    return { ok: false, reason: `${label} cannot be read: ${listing.message}` };
  }
  if (listing.entries.length > MAX_FILES_PER_STORE) return { ok: false, reason: `${label} has more than ${MAX_FILES_PER_STORE} files` };
  const certs: Cert[] = [];
  for (const e of [...listing.entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.kind !== 'file') return { ok: false, reason: `${label}: "${e.name}" is not a regular file (directories and symlinks are not supported)` };
    const read = await store.read(`${dir}/${e.name}`, MAX_CERT_FILE_BYTES);
    if (!read.ok) return { ok: false, reason: `${label}: cannot read "${e.name}": ${read.message}` };
    const parsed = parseCertificateFile(read.bytes);
    if (!parsed.ok) return { ok: false, reason: `${label}: "${e.name}" is not a certificate file: ${parsed.reason}` };
    for (const c of parsed.certs) {
      if (!c.basicConstraints?.ca && !isSelfSigned(c)) return { ok: false, reason: `${label}: "${c.subject}" in "${e.name}" is neither a CA nor a self-signed signing certificate` };
      // A TSA root must be a self-signed CA (Go's CheckSignatureFrom refuses a non-CA parent, even itself).
      if (type === 'tsa' && (!isSelfSigned(c) || !c.basicConstraints?.ca)) return { ok: false, reason: `${label}: "${c.subject}" in "${e.name}" is not a self-signed root CA certificate` };
    }
    certs.push(...parsed.certs);
  }
  if (certs.length === 0) return { ok: false, reason: `${label} holds no certificates` };
  return { ok: true, certs };
}
