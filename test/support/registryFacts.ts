// Test support: hand-built registry facts for rule tests (keyed by normalized reference, as the service keys them).
import type { Facts, RegistryFact } from '../../server/src/core/facts';
import { parseReference } from '../../server/src/core/imageRef';

export const D1 = 'sha256:' + '1'.repeat(64);
export const D2 = 'sha256:' + '2'.repeat(64);
export const D3 = 'sha256:' + '3'.repeat(64);
export const D4 = 'sha256:' + '4'.repeat(64);
const AT = '2026-11-28T12:00:00.000Z';

export function okFact(digest: string, extra: Partial<Extract<RegistryFact, { state: 'ok' }>> = {}): RegistryFact {
  return { state: 'ok', registry: 'registry-1.docker.io', digest, mediaType: 'application/vnd.oci.image.index.v1+json', isIndex: true, platforms: [], lookedUpAt: AT, fromCache: false, ...extra };
}

export function errorFact(kind: Extract<RegistryFact, { state: 'error' }>['kind'], message = 'it failed'): RegistryFact {
  return { state: 'error', registry: 'registry-1.docker.io', kind, message, lookedUpAt: AT };
}

/** Facts for references written as in a Dockerfile (`alpine:3@sha256:…`). */
export function registryFacts(byRef: Readonly<Record<string, RegistryFact>>): Facts {
  const map = new Map<string, RegistryFact>();
  for (const [text, fact] of Object.entries(byRef)) {
    const r = parseReference(text);
    if (!r.ok) throw new Error(`bad reference in test: ${text}`);
    map.set(r.canonical, fact);
  }
  return { get: (ref) => (map.has(ref.canonical) ? { registry: map.get(ref.canonical) as RegistryFact } : undefined) };
}
