// WWW-Authenticate parsing (RFC 7235): several challenges per header, quoted strings with commas and escapes.

export interface Challenge {
  /** Lower-case scheme: `bearer`, `basic`, … */
  readonly scheme: string;
  /** Lower-case parameter names. */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/** Parses a WWW-Authenticate value into its challenges. Never throws; junk yields fewer challenges. */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let s = header.slice(0, 16_384);
  let current: { scheme: string; params: Record<string, string> } | null = null;
  const skipSpaceAndCommas = (): void => {
    s = s.replace(/^[\s,]+/, '');
  };
  skipSpaceAndCommas();
  while (s.length > 0) {
    const tok = TOKEN.exec(s);
    if (tok === null) {
      // Skip one unexpected character rather than loop forever.
      s = s.slice(1);
      skipSpaceAndCommas();
      continue;
    }
    const word = tok[0];
    const after = s.slice(word.length);
    const eq = /^\s*=\s*/.exec(after);
    if (eq !== null && current !== null && !/^\s*=\s*=*\s*(,|$)/.test(after)) {
      // auth-param: name=value
      s = after.slice(eq[0].length);
      let value = '';
      if (s.startsWith('"')) {
        let i = 1;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i];
          i++;
        }
        s = s.slice(i + 1);
      } else {
        const v = TOKEN.exec(s);
        value = v === null ? '' : v[0];
        s = s.slice(value.length);
      }
      current.params[word.toLowerCase()] = value;
      skipSpaceAndCommas();
      continue;
    }
    if (eq !== null && current !== null) {
      // token68 (e.g. `Basic abc==`): keep it, unused by registries
      s = after.replace(/^\s*=*/, '');
      skipSpaceAndCommas();
      continue;
    }
    // A new challenge starts with a scheme.
    current = { scheme: word.toLowerCase(), params: {} };
    out.push(current);
    s = after;
    s = s.replace(/^\s+/, '');
    if (s.startsWith(',')) skipSpaceAndCommas();
  }
  return out;
}
