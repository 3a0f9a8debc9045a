// Variable expansion as the builder does it for instruction arguments ($X, ${X}, ${X:-d}, ${X:+a}, ${X-d}, ${X+a}).

export interface Expansion {
  readonly value: string;
  /** Variables that were referenced but have no value (and no default in the expression). */
  readonly unresolved: readonly string[];
  /** True when the text contains at least one variable reference. */
  readonly hasVariables: boolean;
}

export type Lookup = (name: string) => string | undefined;

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Expands variables in `text`. `escape` is the Dockerfile escape character. Never throws. */
export function expand(text: string, lookup: Lookup, escape = '\\'): Expansion {
  const unresolved: string[] = [];
  let hasVariables = false;
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i] as string;
    if (c === escape && i + 1 < n && text[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '{') {
      const close = findClose(text, i + 2);
      if (close < 0) {
        out += text.slice(i);
        break;
      }
      hasVariables = true;
      const body = text.slice(i + 2, close);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([\s\S]*))?$/.exec(body);
      if (m === null) {
        unresolved.push(body);
        i = close + 1;
        continue;
      }
      const name = m[1] as string;
      const op = m[2];
      const word = m[3] ?? '';
      const value = lookup(name);
      if (op === undefined) {
        if (value === undefined) unresolved.push(name);
        else out += value;
      } else {
        const colon = op.startsWith(':');
        const set = value !== undefined && (!colon || value !== '');
        const kind = op[op.length - 1];
        if (kind === '-') {
          if (set) out += value;
          else {
            const inner = expand(word, lookup, escape);
            unresolved.push(...inner.unresolved);
            out += inner.value;
          }
        } else if (kind === '+') {
          if (set) {
            const inner = expand(word, lookup, escape);
            unresolved.push(...inner.unresolved);
            out += inner.value;
          }
        } else if (set) out += value;
        else unresolved.push(name);
      }
      i = close + 1;
      continue;
    }
    if (next !== undefined && NAME_START.test(next)) {
      let j = i + 2;
      while (j < n && NAME_CHAR.test(text[j] as string)) j++;
      hasVariables = true;
      const name = text.slice(i + 1, j);
      const value = lookup(name);
      if (value === undefined) unresolved.push(name);
      else out += value;
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  return { value: out, unresolved, hasVariables };
}

function findClose(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Removes one level of shell-style quotes from a word (`"a b"` → `a b`, `'x'` → `x`). */
export function unquote(word: string): string {
  if (word.length >= 2 && ((word.startsWith('"') && word.endsWith('"')) || (word.startsWith("'") && word.endsWith("'")))) {
    return word.slice(1, -1);
  }
  return word;
}

/** Splits `K=V K2="v 2"` style text into pairs, respecting quotes. */
export function splitAssignments(text: string): { name: string; value: string | null }[] {
  const out: { name: string; value: string | null }[] = [];
  for (const w of splitWords(text)) {
    const eq = w.indexOf('=');
    if (eq < 0) out.push({ name: w, value: null });
    else out.push({ name: w.slice(0, eq), value: stripQuotes(w.slice(eq + 1)) });
  }
  return out;
}

/** Removes quote characters the way the shell lexer would (quotes anywhere in the word). */
export function stripQuotes(word: string): string {
  let out = '';
  let q: string | null = null;
  for (let i = 0; i < word.length; i++) {
    const c = word[i] as string;
    if (q === null && (c === '"' || c === "'")) q = c;
    else if (q !== null && c === q) q = null;
    else if (c === '\\' && q !== "'" && i + 1 < word.length) {
      out += word[i + 1];
      i++;
    } else out += c;
  }
  return out;
}

/** Splits on unquoted whitespace. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let q: string | null = null;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (q !== null) {
      cur += c;
      if (c === q) q = null;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    if (c === '"' || c === "'") q = c;
    if (c === '\\' && i + 1 < text.length) {
      cur += c + text[i + 1];
      i++;
      inWord = true;
      continue;
    }
    cur += c;
    inWord = true;
  }
  if (inWord) words.push(cur);
  return words;
}
