// `--fix --diff`: the safe fixes as a unified diff (git apply / patch -p1 ready), nothing written.
import { createTwoFilesPatch } from 'diff';

/** A unified diff of one file's fix, with a/ and b/ prefixes on its relative path; '' when nothing changes. */
export function unifiedDiff(relPath: string, before: string, after: string): string {
  if (before === after) return '';
  const p = relPath.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  const patch = createTwoFilesPatch(`a/${p}`, `b/${p}`, before, after, undefined, undefined, { context: 3 });
  // The library starts with an "Index:"-less '====' header line; git's form starts at the --- line.
  return patch.replace(/^=+\n/, '');
}
