// Trust policy: which notary server serves which registry, and which images must be signed (and by whom).
import { canonicalPattern, patternRepository, type ParsedReference } from '../core/imageRef';

export const DOCKER_HUB_NOTARY = 'https://notary.docker.io';
/** docs.docker.com/engine/security/trust: notary.docker.io shuts down on this day. */
export const DOCKER_HUB_NOTARY_RETIRES = new Date('2026-12-08T00:00:00Z');

export interface SignaturePolicy {
  /** Glob over the image name: `*` stays inside one path component, `**` crosses `/`. Matched against `registry/repo` and the familiar name. */
  readonly pattern: string;
  /** Signer names as `docker trust inspect` prints them (`releases`, `Repo Admin`); empty = any signer. */
  readonly signers?: readonly string[];
}

export interface TrustPolicy {
  /** Registry host → notary server URL (machine-scoped setting). */
  readonly servers?: Readonly<Record<string, string>>;
  /** Images that must carry a valid signature; the first matching entry wins. */
  readonly requireSigned?: readonly SignaturePolicy[];
}

export interface NotaryServerChoice {
  readonly url: string;
  /** Where the choice came from, for hover text and logs. */
  readonly origin: 'setting' | 'DOCKER_CONTENT_TRUST_SERVER' | 'default';
  /** Set when the server is known to be shut down at `now`: do not contact it, say so. */
  readonly retired?: string;
  /** A warning that does not stop the lookup (e.g. the retirement date is near). */
  readonly notice?: string;
}

/**
 * Picks the notary server for a registry: a per-registry setting, then DOCKER_CONTENT_TRUST_SERVER
 * (docker applied it to every registry), then docker's defaults (notary.docker.io for Docker Hub,
 * https://<registry> otherwise).
 */
export function notaryServerFor(registry: string, policy: TrustPolicy, env: Readonly<Record<string, string | undefined>>, now: Date): NotaryServerChoice {
  const configured = policy.servers?.[registry];
  if (configured !== undefined && configured !== '') return { url: configured.replace(/\/+$/, ''), origin: 'setting' };
  const fromEnv = env['DOCKER_CONTENT_TRUST_SERVER'];
  if (fromEnv !== undefined && fromEnv !== '') return withRetirement({ url: fromEnv.replace(/\/+$/, ''), origin: 'DOCKER_CONTENT_TRUST_SERVER' }, now);
  if (registry === 'docker.io') return withRetirement({ url: DOCKER_HUB_NOTARY, origin: 'default' }, now);
  return { url: `https://${registry}`, origin: 'default' };
}

function withRetirement(choice: NotaryServerChoice, now: Date): NotaryServerChoice {
  let host: string;
  try {
    host = new URL(choice.url).host;
  } catch {
    return choice;
  }
  if (host !== 'notary.docker.io') return choice;
  if (now >= DOCKER_HUB_NOTARY_RETIRES) {
    return { ...choice, retired: `notary.docker.io was retired on 2026-12-08: Docker Hub no longer serves Docker Content Trust data, so Docker Hub images cannot be checked this way (use cosign signatures or a self-hosted notary server)` };
  }
  const days = Math.ceil((DOCKER_HUB_NOTARY_RETIRES.getTime() - now.getTime()) / 86_400_000);
  return { ...choice, notice: `notary.docker.io shuts down on 2026-12-08 (in ${days} day${days === 1 ? '' : 's'}); Docker Content Trust for Docker Hub ends then` };
}

/** A compiled policy pattern: whether an image name matches it. */
export interface NameMatcher {
  test(name: string): boolean;
}

type GlobToken = { readonly kind: 'char'; readonly c: string } | { readonly kind: 'one' } | { readonly kind: 'segment' } | { readonly kind: 'any' };

/**
 * A glob matched by dynamic programming over (pattern token, name position): O(tokens × name length) whatever
 * the pattern, where a backtracking regular expression over `.*` runs was exponential (`**a**a**a**b` against a
 * 40-character name took 3.9 s, and image names come from the Dockerfile).
 */
class Glob implements NameMatcher {
  constructor(private readonly tokens: readonly GlobToken[]) {}
  test(name: string): boolean {
    const n = name.length;
    // reach[i]: the name's first i characters can be matched by the tokens seen so far.
    let reach = new Uint8Array(n + 1);
    reach[0] = 1;
    for (const t of this.tokens) {
      const next = new Uint8Array(n + 1);
      if (t.kind === 'any' || t.kind === 'segment') {
        let open = false;
        for (let i = 0; i <= n; i++) {
          if (reach[i]) open = true;
          else if (open && t.kind === 'segment' && name[i - 1] === '/') open = false;
          if (open) next[i] = 1;
        }
      } else {
        for (let i = 0; i < n; i++) {
          if (!reach[i]) continue;
          if (t.kind === 'char' ? name[i] === t.c : name[i] !== '/') next[i + 1] = 1;
        }
      }
      reach = next;
    }
    return reach[n] === 1;
  }
}

/**
 * Glob over the image name, shared by the policy file (cosign/policy.ts) and Notary's `requireSigned`:
 * `*` stays inside one path component, `**` crosses `/`, `?` is one character; matched against `registry/repo` and the familiar name.
 */
export function compilePattern(written: string): NameMatcher | string {
  if (written.length === 0 || written.length > 512) return 'pattern must be 1..512 characters';
  if (/[@]/.test(written) || /:[^/]*$/.test(written.replace(/^[^/]*\//, ''))) return 'pattern names a repository, without tag or digest';
  if (patternRepository(written) !== patternRepository(written).toLowerCase()) {
    // docker refuses upper-case repository names, so such a pattern would silently match nothing.
    return `pattern "${written}" has upper-case letters in its repository part; repository names are lower-case, so it would never match (write it in lower case)`;
  }
  let pattern = canonicalPattern(written);
  // `docker.io/<one component>` is an official image to docker (`docker.io/library/<name>`), wildcards included:
  // `docker.io/*` covers the official images, as `docker.io/alpine` covers `alpine`. `**` already crosses components.
  if (pattern.startsWith('docker.io/') && !pattern.slice('docker.io/'.length).includes('/') && !pattern.includes('**')) {
    pattern = `docker.io/library/${pattern.slice('docker.io/'.length)}`;
  }
  const tokens: GlobToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        tokens.push({ kind: 'any' });
        i++;
      } else tokens.push({ kind: 'segment' });
    } else if (c === '?') tokens.push({ kind: 'one' });
    else tokens.push({ kind: 'char', c });
  }
  return new Glob(tokens);
}

export function familiarRepo(ref: Pick<ParsedReference, 'registry' | 'repository' | 'name'>): string {
  if (ref.registry !== 'docker.io') return ref.name;
  return ref.repository.startsWith('library/') ? ref.repository.slice('library/'.length) : ref.repository;
}

/**
 * The names a policy pattern is matched against, all derived from the canonical reference: the full
 * name (`docker.io/library/alpine`), the familiar name (`alpine`) and, on Docker Hub, the repository
 * path (`library/alpine`). Every spelling of an image reaches the same entry.
 */
export function policyNames(ref: Pick<ParsedReference, 'registry' | 'repository' | 'name'>): string[] {
  const names = [ref.name, familiarRepo(ref)];
  if (ref.registry === 'docker.io') names.push(ref.repository);
  return names;
}

/** What policy says about one image: required or not, and by which signers. */
export function signaturePolicyFor(ref: ParsedReference, policy: TrustPolicy): { required: boolean; signers?: readonly string[] } {
  for (const p of policy.requireSigned ?? []) {
    const re = compilePattern(p.pattern);
    if (typeof re !== 'string' && policyNames(ref).some((n) => re.test(n))) {
      return p.signers !== undefined && p.signers.length > 0 ? { required: true, signers: p.signers } : { required: true };
    }
  }
  return { required: false };
}
