// Signed JSON that two parsers could read two ways is refused: cosign (Go) and this verifier (JavaScript) must agree.

/**
 * Go's encoding/json matches object keys to struct fields case-insensitively (with Unicode simple folding:
 * `ſ` is `s`, the Kelvin sign is `k`) and takes the last match; JSON.parse takes the last exact key. A signed
 * simple-signing payload or in-toto statement with `docker-manifest-digest` and `Docker-Manifest-Digest`, or
 * `predicateType` twice, means one thing to cosign and another here.
 */
function fold(key: string): string {
  return key.toLowerCase().replace(/\u017f/g, 's').replace(/\u212a/g, 'k');
}

/**
 * The first key that appears twice (after Go's case folding) in any object of a JSON document already known to
 * be valid, if any, leaving out the values of the top-level keys in `free` (free-form content such as a
 * statement's `predicate` or a payload's `optional`, decoded by Go into maps where keys are exact). One linear
 * pass; keys are decoded with their escapes (`\u0073` is `s`).
 */
export function ambiguousKey(text: string, free: readonly string[] = []): string | undefined {
  const skip = new Set(free.map(fold));
  // Per open container: the folded keys of an object, null for an array, 'free' for content not checked.
  const stack: (Set<string> | null | 'free')[] = [];
  let expectKey = false;
  let inString = false;
  let escaped = false;
  let capture = false;
  let freeValue = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) {
        inString = false;
        if (capture) {
          capture = false;
          let key: string;
          try {
            key = JSON.parse(text.slice(start - 1, i + 1)) as string;
          } catch {
            return '(unreadable key)';
          }
          const seen = stack[stack.length - 1];
          const f = fold(key);
          if (seen instanceof Set) {
            if (seen.has(f)) return key;
            seen.add(f);
            if (stack.length === 1 && skip.has(f)) freeValue = true;
          }
        }
      }
      continue;
    }
    const top = stack[stack.length - 1];
    switch (c) {
      case 0x22: // "
        inString = true;
        start = i + 1;
        capture = expectKey && top instanceof Set;
        expectKey = false;
        break;
      case 0x7b: // {
      case 0x5b: // [
        stack.push(freeValue || top === 'free' ? 'free' : c === 0x7b ? new Set() : null);
        freeValue = false;
        expectKey = c === 0x7b;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        stack.pop();
        break;
      case 0x2c: // ,
        if (stack.length === 1) freeValue = false;
        expectKey = top instanceof Set;
        break;
      default:
        break;
    }
  }
  return undefined;
}
