// Registry hosts written by people (allowed-registry lists): checked, then given the one canonical identity of
// imageRef.canonicalRegistry, so a list entry and a reference spelled differently still compare equal.
import { canonicalRegistry as canonical } from './imageRef';

/**
 * Canonical registry host: lower-case, no trailing dot, no default https port (:443), and every Docker Hub
 * alias as `docker.io`. Returns null for text that is not a host[:port] (with an optional IPv6 literal).
 */
export function canonicalRegistry(raw: string): string | null {
  let h = raw.trim().toLowerCase();
  // A scheme or a path is not part of a registry name (people paste URLs).
  h = h.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/\/+$/, '');
  if (h === '' || h.includes('/') || h.includes('@')) return null;
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?\.?)(?::([0-9]{1,5}))?$/.exec(h);
  if (m === null) return null;
  const host = (m[1] as string).replace(/\.$/, '');
  if (host.includes('..')) return null;
  const port = m[2] === undefined ? 443 : Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return canonical(port === 443 ? host : `${host}:${port}`);
}

/** Whether `registry` (as an image reference names it) is one of `allowed` (canonical hosts). */
export function registryAllowed(registry: string, allowed: readonly string[]): boolean {
  const c = canonicalRegistry(registry);
  return c !== null && allowed.includes(c);
}
