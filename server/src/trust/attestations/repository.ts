// The attestation repository override: cosign's COSIGN_REPOSITORY meaning — signatures and attestations for an image are
// looked up (referrers, `sha256-<hex>.sig/.att` tags) in another repository instead of the image's own. Docker Hardened
// Images keep theirs in registry.scout.docker.com under the same repository path (docs.docker.com/dhi/how-to/verify);
// mirrors copy images without their referrers.
//
// A policy entry covers many images, so the value is a template: `{repository}` is the image's repository path
// (`my-org/dhi-node`), `{name}` its last component (`dhi-node`). Without a placeholder, every image of the entry shares one
// repository, exactly as COSIGN_REPOSITORY does.
import { canonicalRegistry } from '../../core/imageRef';

export interface AttestationRepositoryTemplate {
  /** As written in the policy. */
  readonly template: string;
  /** Lower-cased registry host[:port]. */
  readonly registry: string;
  /** Path with placeholders. */
  readonly path: string;
}

/** distribution/reference path component. */
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const PLACEHOLDER = /^\{(repository|name)\}$/;
const MAX_NAME = 255;

/** A registry host as docker reads one: localhost, a name with a dot, anything with a port, or a bracketed IPv6 address. */
function validHost(h: string): boolean {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::([0-9]{1,5}))?$/.exec(h);
  if (!m || !m[1]) return false;
  const port = m[2];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
  if (m[1].startsWith('[')) return true;
  if (m[1].includes('..') || m[1].includes('.-') || m[1].includes('-.')) return false;
  return m[1] === 'localhost' || m[1].includes('.') || port !== undefined;
}

/** Parses the policy value; the registry must be explicit (a host with a dot or port, or localhost), so nothing is guessed. */
export function parseAttestationRepository(value: unknown): { ok: true; value: AttestationRepositoryTemplate } | { ok: false; error: string } {
  if (typeof value !== 'string' || value === '') return { ok: false, error: 'must be a repository such as "registry.example.com/{repository}"' };
  if (value.length > MAX_NAME) return { ok: false, error: `is longer than ${MAX_NAME} characters` };
  if (value.includes('://')) return { ok: false, error: 'names a repository, not a URL: no scheme' };
  const slash = value.indexOf('/');
  if (slash <= 0) return { ok: false, error: 'must start with a registry host, e.g. "registry.scout.docker.com/{repository}"' };
  const registry = value.slice(0, slash).toLowerCase();
  if (!validHost(registry)) return { ok: false, error: `"${value.slice(0, slash)}" is not a registry host (it needs a dot, a port, or to be localhost)` };
  const path = value.slice(slash + 1);
  if (/[@:]/.test(path)) return { ok: false, error: 'names a repository only: no tag or digest' };
  const parts = path.split('/');
  let placeholders = 0;
  for (const p of parts) {
    if (PLACEHOLDER.test(p)) placeholders++;
    else if (!COMPONENT.test(p)) return { ok: false, error: `path component "${p}" is not valid (lower-case letters, digits, separators; placeholders {repository} and {name})` };
  }
  if (placeholders > 1) return { ok: false, error: 'use at most one placeholder' };
  return { ok: true, value: { template: value, registry, path } };
}

/** Where to look for the attestations of `image` (its canonical registry and repository path). */
export function resolveAttestationRepository(
  t: AttestationRepositoryTemplate,
  image: { readonly registry: string; readonly repository: string },
): { ok: true; registry: string; repository: string } | { ok: false; error: string } {
  const name = image.repository.slice(image.repository.lastIndexOf('/') + 1);
  const repository = t.path
    .split('/')
    .map((p) => (p === '{repository}' ? image.repository : p === '{name}' ? name : p))
    .join('/');
  // The image's own path is already valid; this guards the combined length and any oddity in it.
  if (repository.length + t.registry.length + 1 > MAX_NAME || !repository.split('/').every((c) => COMPONENT.test(c))) {
    return { ok: false, error: `attestation repository ${t.registry}/${repository.slice(0, 80)} is not a valid repository name` };
  }
  return { ok: true, registry: t.registry, repository };
}

/**
 * Where the signatures and attestations of an image live: the entry's attestation repository (COSIGN_REPOSITORY), else the
 * image's own repository. The cosign source and the attestation lookup both ask here.
 */
export function attestationLocation(
  ref: { readonly registry: string; readonly repository: string },
  template: AttestationRepositoryTemplate | undefined,
): { ok: true; registry: string; repository: string; overridden: boolean } | { ok: false; reason: string } {
  if (template === undefined) return { ok: true, registry: ref.registry, repository: ref.repository, overridden: false };
  const r = resolveAttestationRepository(template, ref);
  if (!r.ok) return { ok: false, reason: r.error };
  return { ok: true, registry: canonicalRegistry(r.registry), repository: r.repository, overridden: true };
}
