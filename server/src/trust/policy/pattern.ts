// Policy patterns: globs over canonical image names, the same for every trust source.
import { canonicalPattern, type ParsedReference } from '../../core/imageRef';

/**
 * Glob over the image name, one compiler for every policy entry and every trust source:
 * `*` stays inside one path component, `**` crosses `/`, `?` is one character; matched against `registry/repo` and the familiar name.
 */
export function compilePattern(written: string): RegExp | string {
  if (written.length === 0 || written.length > 512) return 'pattern must be 1..512 characters';
  if (/[@]/.test(written) || /:[^/]*$/.test(written.replace(/^[^/]*\//, ''))) return 'pattern names a repository, without tag or digest';
  const pattern = canonicalPattern(written);
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
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
