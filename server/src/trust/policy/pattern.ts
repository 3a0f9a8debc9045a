// Policy patterns: globs over canonical image names, the same for every trust source.
import { canonicalPattern, patternRepository, type ParsedReference } from '../../core/imageRef';

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
 * Glob over the image name, one compiler for every policy entry and every trust source:
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
