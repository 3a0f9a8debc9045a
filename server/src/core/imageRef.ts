// Image reference parsing and normalization, following distribution/reference (normalize.go, reference.go).

export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

export interface ImageName {
  /** Registry host in its canonical form (canonicalRegistry): `docker.io`, `localhost:5000`, `[::1]:5000`, `ghcr.io`. */
  readonly registry: string;
  /** Repository path inside the registry, with `library/` added for single-component Docker Hub names. */
  readonly repository: string;
  readonly tag: string | null;
  readonly digest: string | null;
}

export interface ParsedReference extends ImageName {
  readonly ok: true;
  /** The reference as written (after variable expansion). */
  readonly raw: string;
  /** `registry/repository`: the GUN used by Notary and the key used by caches. */
  readonly name: string;
  /** `latest` when neither tag nor digest is given (the implicit tag). */
  readonly effectiveTag: string | null;
  /** Fully qualified form: `docker.io/library/alpine:3.20@sha256:…`. */
  readonly canonical: string;
  /** Short form as docker prints it: `alpine:3.20`. */
  readonly familiar: string;
}

export interface BadReference {
  readonly ok: false;
  readonly raw: string;
  /** What is wrong, for people. */
  readonly reason: string;
  /** Set when the problem is the digest part only. */
  readonly badDigest?: string;
}

export type ReferenceResult = ParsedReference | BadReference;

const DIGEST_HEX_LENGTH: Readonly<Record<DigestAlgorithm, number>> = { sha256: 64, sha384: 96, sha512: 128 };

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const HOST_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[0-9a-fA-F:.%a-zA-Z]+\]$/;
const PORT = /^[0-9]+$/;

export const DOCKER_HUB = 'docker.io';
/** Other names of Docker Hub: docker rewrites the first; the second is its API host. One registry, one identity. */
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * The one identity of a registry host, used for policy matching, Notary server choice, trust stores,
 * TOFU pins, credentials and cache keys: host names are case-insensitive (lower-cased), `:443` is the
 * default port of https (dropped), IPv6 and IPv4 literals are written the way URLs write them, and
 * Docker Hub's aliases are `docker.io`. Without this, `LOCALHOST:5000/x` or `ghcr.io:443/x` would be
 * another image to every lookup table while being the same bytes to the builder.
 */
export function canonicalRegistry(host: string): string {
  let h = host.toLowerCase();
  try {
    // The WHATWG URL parser is what the transport connects with: its host is what we would contact.
    const u = new URL(`https://${h}/`);
    if (u.username === '' && u.password === '' && u.pathname === '/' && u.host !== '') h = u.host;
  } catch {
    // Not a URL host (a zone-scoped IPv6 literal, say): lower-cased it stays.
  }
  if (h.endsWith(':443')) h = h.slice(0, -4);
  // An IPv4-mapped IPv6 literal ([::ffff:10.0.0.5]) is the IPv4 host itself to the socket layer: one registry.
  const mapped = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\](:[0-9]+)?$/.exec(h);
  if (mapped !== null) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    h = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}${mapped[3] ?? ''}`;
  }
  return DOCKER_HUB_ALIASES.has(h) ? DOCKER_HUB : h;
}

/** Checks a digest string (`algo:hex`) strictly: known algorithm, exact length, lowercase hex. */
export function checkDigest(digest: string): string | null {
  const colon = digest.indexOf(':');
  if (colon <= 0) return `"${digest}" is not a digest: expected <algorithm>:<hex>, e.g. sha256: followed by 64 hex digits`;
  const algo = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (!(algo in DIGEST_HEX_LENGTH)) {
    return `unsupported digest algorithm "${algo}": use sha256 (or sha384/sha512)`;
  }
  const want = DIGEST_HEX_LENGTH[algo as DigestAlgorithm];
  if (!/^[0-9a-f]*$/.test(hex)) {
    return /^[0-9a-fA-F]*$/.test(hex)
      ? `digest hex must be lowercase`
      : `digest contains characters that are not hexadecimal`;
  }
  if (hex.length !== want) return `${algo} digest must have ${want} hex digits, this one has ${hex.length}`;
  return null;
}

function isHost(component: string): boolean {
  return component === 'localhost' || component.includes('.') || component.includes(':') || component !== component.toLowerCase();
}

function validHost(host: string): boolean {
  let name = host;
  let port: string | null = null;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0) return false;
    name = host.slice(0, close + 1);
    const rest = host.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return false;
      port = rest.slice(1);
    }
    if (!IPV6_HOST.test(name)) return false;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      name = host.slice(0, colon);
      port = host.slice(colon + 1);
    }
    if (!name.split('.').every((c) => HOST_COMPONENT.test(c))) return false;
  }
  return port === null || PORT.test(port);
}

/**
 * A pattern's registry part in the same canonical form as references (canonicalRegistry), so that
 * `GHCR.IO/**`, `ghcr.io:443/**` and `ghcr.io/**` are one rule, and `index.docker.io/…` is `docker.io/…`.
 * A registry part with wildcards is only lower-cased (and loses a literal `:443`).
 */
export function canonicalPattern(pattern: string): string {
  const slash = pattern.indexOf('/');
  if (slash <= 0) return pattern;
  const first = pattern.slice(0, slash);
  const rest = pattern.slice(slash);
  const hostLike = first === 'localhost' || first.includes('.') || first.includes(':') || first !== first.toLowerCase();
  if (!hostLike) return pattern;
  if (/[*?]/.test(first)) return first.toLowerCase().replace(/:443$/, '') + rest;
  const host = canonicalRegistry(first);
  // docker reads `docker.io/alpine` as `docker.io/library/alpine` (one path component on Docker Hub is an
  // official image): a pattern or pinned GUN written that way names the same repository. Wildcards are left
  // alone here (a GUN prefix `docker.io/*` covers all of Docker Hub); globs are handled in compilePattern.
  if (host === DOCKER_HUB && rest.length > 1 && !rest.slice(1).includes('/') && !/[*?]/.test(rest)) return `${host}/library${rest}`;
  return host + rest;
}

/** The repository part of a pattern (after its registry, if it names one): references only have lower-case ones. */
export function patternRepository(pattern: string): string {
  const slash = pattern.indexOf('/');
  if (slash <= 0) return pattern;
  const first = pattern.slice(0, slash);
  const hostLike = first === 'localhost' || first.includes('.') || first.includes(':') || first !== first.toLowerCase();
  return hostLike ? pattern.slice(slash + 1) : pattern;
}

/** Parses and normalizes an image reference. Never throws. */
export function parseReference(input: string): ReferenceResult {
  const raw = input;
  if (raw.length === 0) return { ok: false, raw, reason: 'empty image reference' };
  if (raw.length > 4096) return { ok: false, raw: raw.slice(0, 64) + '…', reason: 'image reference is too long' };
  if (/\s/.test(raw)) return { ok: false, raw, reason: 'image reference contains whitespace' };

  let rest = raw;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const problem = checkDigest(digest);
    if (problem !== null) return { ok: false, raw, reason: problem, badDigest: digest };
  }

  let tag: string | null = null;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) return { ok: false, raw, reason: `invalid tag "${tag}"` };
  }

  let registry = DOCKER_HUB;
  let path = rest;
  const firstSlash = rest.indexOf('/');
  if (firstSlash >= 0 && isHost(rest.slice(0, firstSlash))) {
    registry = rest.slice(0, firstSlash);
    path = rest.slice(firstSlash + 1);
    if (!validHost(registry)) return { ok: false, raw, reason: `invalid registry host "${registry}"` };
  }
  registry = canonicalRegistry(registry);
  if (path.length === 0) return { ok: false, raw, reason: 'missing repository name' };
  const components = path.split('/');
  for (const c of components) {
    if (!PATH_COMPONENT.test(c)) {
      return {
        ok: false,
        raw,
        reason: c !== c.toLowerCase() ? 'repository name must be lowercase' : `invalid repository name component "${c}"`,
      };
    }
  }
  if (registry === DOCKER_HUB && components.length === 1) path = `library/${path}`;

  const name = `${registry}/${path}`;
  if (name.length > 255) return { ok: false, raw, reason: 'repository name must not be longer than 255 characters' };
  const effectiveTag = tag ?? (digest === null ? 'latest' : null);
  const canonical = name + (tag !== null ? `:${tag}` : digest === null ? ':latest' : '') + (digest !== null ? `@${digest}` : '');
  return { ok: true, raw, registry, repository: path, tag, digest, name, effectiveTag, canonical, familiar: familiarName(registry, path) + (tag !== null ? `:${tag}` : '') + (digest !== null ? `@${digest}` : '') };
}

/** docker's short form of a repository name: `alpine`, `foo/bar`, `ghcr.io/x/y`. */
export function familiarName(registry: string, repository: string): string {
  if (registry !== DOCKER_HUB) return `${registry}/${repository}`;
  return repository.startsWith('library/') && repository.split('/').length === 2 ? repository.slice('library/'.length) : repository;
}
