// Variable expansion as the builder does it for instruction arguments ($X, ${X}, ${X:-d}, ${X:+a}, ${X-d}, ${X+a}).

export interface Expansion {
  readonly value: string;
  /**
   * Variables that were referenced but have no known value (and no default in the expression). A value
   * that would grow past MAX_EXPANSION counts as unknown too: the variable that pushed it over is listed.
   */
  readonly unresolved: readonly string[];
  /** The subset of `unresolved` that is unknown because a value would be too long (see MAX_EXPANSION). */
  readonly tooLong: readonly string[];
  /** True when the text contains at least one variable reference. */
  readonly hasVariables: boolean;
}

export type Lookup = (name: string) => string | undefined;

/**
 * Longest value an expansion may produce (characters). Real ARG/ENV values are URLs, versions and
 * package lists; a value past this is a variable doubling itself (`ARG A2=$A1$A1` …) and is treated as
 * unknown. The cap bounds work too: one expansion costs at most its text plus this many characters.
 */
export const MAX_EXPANSION = 32 * 1024;
/** Nested defaults (`${A:-${B:-…}}`) deeper than this are not expanded (unknown). */
const MAX_DEPTH = 8;

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Expands variables in `text`. `escape` is the Dockerfile escape character. `isTooLong` names variables
 * whose own value was too long to keep (they are unknown for that reason). Never throws; bounded work.
 */
export function expand(text: string, lookup: Lookup, escape = '\\', isTooLong?: (name: string) => boolean): Expansion {
  return expandAt(text, lookup, escape, isTooLong, 0);
}

function expandAt(text: string, lookup: Lookup, escape: string, isTooLong: ((name: string) => boolean) | undefined, depth: number): Expansion {
  const unresolved: string[] = [];
  const tooLong: string[] = [];
  let hasVariables = false;
  let out = '';
  let i = 0;
  const n = text.length;
  const missing = (name: string): void => {
    unresolved.push(name);
    if (isTooLong?.(name) === true) tooLong.push(name);
  };
  /** Appends a variable's text; false (and the variable unknown) when the result would pass the cap. */
  const append = (name: string, value: string): boolean => {
    if (out.length + value.length > MAX_EXPANSION) {
      unresolved.push(name);
      tooLong.push(name);
      return false;
    }
    out += value;
    return true;
  };
  const nested = (name: string, word: string): boolean => {
    if (depth >= MAX_DEPTH) {
      unresolved.push(name);
      return true;
    }
    const inner = expandAt(word, lookup, escape, isTooLong, depth + 1);
    unresolved.push(...inner.unresolved);
    tooLong.push(...inner.tooLong);
    return append(name, inner.value);
  };
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
        unresolved.push(body.length > 64 ? `${body.slice(0, 64)}…` : body);
        i = close + 1;
        continue;
      }
      const name = m[1] as string;
      const op = m[2];
      const word = m[3] ?? '';
      const value = lookup(name);
      let ok = true;
      if (value === undefined && isTooLong?.(name) === true) {
        // Set, but to a value too long to keep: whatever the operator, the result is unknown.
        missing(name);
        i = close + 1;
        continue;
      }
      if (op === undefined) {
        if (value === undefined) missing(name);
        else ok = append(name, value);
      } else {
        const colon = op.startsWith(':');
        const set = value !== undefined && (!colon || value !== '');
        const kind = op[op.length - 1];
        if (kind === '-') {
          if (set) ok = append(name, value);
          else ok = nested(name, word);
        } else if (kind === '+') {
          if (set) ok = nested(name, word);
        } else if (set) ok = append(name, value);
        else missing(name);
      }
      if (!ok) break;
      i = close + 1;
      continue;
    }
    if (next !== undefined && NAME_START.test(next)) {
      let j = i + 2;
      while (j < n && NAME_CHAR.test(text[j] as string)) j++;
      hasVariables = true;
      const name = text.slice(i + 1, j);
      const value = lookup(name);
      if (value === undefined) missing(name);
      else if (!append(name, value)) break;
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  return { value: out, unresolved, tooLong, hasVariables };
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
