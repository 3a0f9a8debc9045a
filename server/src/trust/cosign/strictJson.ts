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
 * be valid, if any. One linear pass; keys are decoded with their escapes (`\u0073` is `s`).
 */
export function ambiguousKey(text: string): string | undefined {
  // One set of folded keys per open object; null for arrays.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  let inString = false;
  let escaped = false;
  let capture = false;
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
          if (seen?.has(f)) return key;
          seen?.add(f);
        }
      }
      continue;
    }
    switch (c) {
      case 0x22: // "
        inString = true;
        start = i + 1;
        capture = expectKey && stack[stack.length - 1] !== null;
        expectKey = false;
        break;
      case 0x7b: // {
        stack.push(new Set());
        expectKey = true;
        break;
      case 0x5b: // [
        stack.push(null);
        expectKey = false;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        stack.pop();
        break;
      case 0x2c: // ,
        expectKey = stack[stack.length - 1] !== null && stack.length > 0;
        break;
      case 0x3a: // :
        expectKey = false;
        break;
      default:
        break;
    }
  }
  return undefined;
}
