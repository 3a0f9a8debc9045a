// A hand-written POSIX/bash parser for RUN scripts: exact for the structure download analysis needs. Never throws.
//
// It builds a small tree (lists, and-or chains, pipelines, simple commands, if/for/while/case, groups,
// subshells, functions) with word offsets into the script text. Words keep their command substitutions
// parsed as nested scripts. Everything is iterative or depth-capped, so hostile input stays linear.

export interface ShWord {
  /** Text as written. */
  readonly raw: string;
  readonly start: number;
  readonly end: number;
  /** Quotes removed, backslash escapes applied, `$…` expansions kept as written. */
  readonly text: string;
  /** Command substitutions ($(…) and `…`) inside this word, in order. */
  readonly subs: readonly ShScript[];
  /** True when the word contains any `$` expansion or substitution. */
  readonly dynamic: boolean;
}

export interface ShRedirect {
  /** `>`, `>>`, `<`, `<<`, `<<-`, `<<<`, `>&`, `&>`, `&>>`, `<>`, `>|`, `<&`. */
  readonly op: string;
  readonly fd: string;
  readonly target: ShWord | null;
  /** Heredoc body (for `<<`/`<<-`), tabs stripped for `<<-`. */
  readonly body: string | null;
  readonly bodyStart: number;
  /** True when the heredoc delimiter was quoted (no expansion inside the body). */
  readonly quotedBody: boolean;
}

export interface ShCommand {
  readonly type: 'cmd';
  readonly assigns: readonly { name: string; value: ShWord; start: number }[];
  readonly words: readonly ShWord[];
  readonly redirects: readonly ShRedirect[];
  readonly start: number;
  readonly end: number;
}

export interface ShPipeline {
  readonly type: 'pipeline';
  readonly negated: boolean;
  readonly items: readonly ShNode[];
}

export interface ShAndOr {
  readonly type: 'andor';
  readonly items: readonly ShNode[];
  /** ops[i] joins items[i] and items[i+1]. */
  readonly ops: readonly ('&&' | '||')[];
}

export interface ShList {
  readonly type: 'list';
  readonly items: readonly ShNode[];
}

export interface ShGroup {
  readonly type: 'group' | 'subshell';
  readonly body: ShList;
  readonly redirects: readonly ShRedirect[];
}

export interface ShIf {
  readonly type: 'if';
  readonly clauses: readonly { cond: ShList; body: ShList }[];
  readonly elseBody: ShList | null;
  readonly redirects: readonly ShRedirect[];
}

export interface ShLoop {
  readonly type: 'for' | 'while' | 'until';
  /** for: the loop variable. */
  readonly name: string | null;
  /** for: the word list (null when `in` is absent: "$@"). */
  readonly words: readonly ShWord[] | null;
  readonly cond: ShList | null;
  readonly body: ShList;
  readonly redirects: readonly ShRedirect[];
}

export interface ShCase {
  readonly type: 'case';
  readonly word: ShWord | null;
  readonly arms: readonly { patterns: readonly ShWord[]; body: ShList }[];
  readonly redirects: readonly ShRedirect[];
}

export interface ShFunction {
  readonly type: 'function';
  readonly name: string;
  readonly body: ShNode;
}

export type ShNode = ShCommand | ShPipeline | ShAndOr | ShList | ShGroup | ShIf | ShLoop | ShCase | ShFunction;

export interface ShScript {
  readonly body: ShList;
  /** Offset of the script text inside the outermost script (nested substitutions are relative to it too). */
  readonly start: number;
  readonly end: number;
  /** Problems found (unterminated quotes, missing `fi`, …): the tree is still the best reading. */
  readonly errors: readonly string[];
}

/** Nesting deeper than this is kept as opaque text: no real Dockerfile comes close, hostile input stays fast. */
const MAX_DEPTH = 16;
/**
 * Commands nested inside one another (`{ … }`, `( … )`, `if`, loops, `case`, function bodies), counted across
 * substitutions: past this the rest of the script is opaque and the script says "nesting too deep". Without the
 * budget, `{ { { …` thousands deep exhausted the stack, and the analysis of that RUN was lost.
 */
const MAX_NEST = 64;

const RESERVED_END = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}']);

export function parseShell(text: string): ShScript {
  try {
    const p = new Parser(text, 0);
    const body = p.parseList(() => false);
    return { body, start: 0, end: text.length, errors: p.errors };
  } catch (err) {
    // Defensive: a parser bug must not take the analysis down; report an empty script with the reason.
    return { body: { type: 'list', items: [] }, start: 0, end: text.length, errors: [`internal: ${err instanceof Error ? err.message : String(err)}`] };
  }
}

/**
 * Trees shared between analyses. A tree is never changed after parsing and its offsets are relative to
 * the script text, so equal text gives an equal tree wherever the instruction sits: a stage rebuilt
 * because lines moved, or re-analysed because one RUN in it changed, re-parses only the scripts that
 * changed. Two generations bounded by total text size keep memory flat (unused entries go after one).
 */
const SHARED_TEXT_LIMIT = 4 * 1024 * 1024;
let sharedNow = new Map<string, ShScript>();
let sharedPrev = new Map<string, ShScript>();
let sharedChars = 0;

export function parseShellShared(text: string): ShScript {
  let hit = sharedNow.get(text);
  if (hit !== undefined) return hit;
  hit = sharedPrev.get(text) ?? parseShell(text);
  if (sharedChars + text.length > SHARED_TEXT_LIMIT) {
    sharedPrev = sharedNow;
    sharedNow = new Map();
    sharedChars = 0;
  }
  // A script larger than a whole generation is not kept.
  if (text.length <= SHARED_TEXT_LIMIT) {
    sharedNow.set(text, hit);
    sharedChars += text.length;
  }
  return hit;
}

/** The shared trees, for the test that checks nothing changes a tree after parsing. */
export function sharedParses(): ReadonlyMap<string, ShScript> {
  return new Map([...sharedPrev, ...sharedNow]);
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r';
}

function isMeta(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === ';' || c === '&' || c === '|' || c === '<' || c === '>' || c === '(' || c === ')';
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ASSIGN_RE = /^([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?\+?=/;

class Parser {
  pos: number;
  readonly errors: string[] = [];
  /** Heredocs waiting for the end of the current line. */
  private pending: { redirect: { body: string | null; bodyStart: number; quotedBody: boolean }; delim: string; strip: boolean }[] = [];

  constructor(
    readonly src: string,
    start: number,
    readonly depth = 0,
    /** Stop character for $( … ) bodies. */
    readonly closer: string | null = null,
    /** End offset (exclusive) for backtick bodies parsed in place. */
    readonly limit = src.length,
    /** Command nesting so far, shared with the parsers of substitutions. */
    private readonly nesting: { n: number } = { n: 0 },
  ) {
    this.pos = start;
  }

  private peek(k = 0): string | undefined {
    const i = this.pos + k;
    return i < this.limit ? this.src[i] : undefined;
  }

  private atEnd(): boolean {
    return this.pos >= this.limit;
  }

  /** Skips blanks, line continuations and comments (not newlines). */
  private skipBlanks(): void {
    for (;;) {
      const c = this.peek();
      if (isSpace(c)) this.pos++;
      else if (c === '\\' && this.peek(1) === '\n') this.pos += 2;
      else if (c === '#') {
        while (!this.atEnd() && this.peek() !== '\n') this.pos++;
      } else return;
    }
  }

  /** Skips blanks and newlines (reading any heredoc bodies due at each newline). */
  private skipNewlines(): void {
    for (;;) {
      this.skipBlanks();
      if (this.peek() === '\n') {
        this.pos++;
        this.readHeredocBodies();
      } else return;
    }
  }

  private readHeredocBodies(): void {
    const list = this.pending;
    this.pending = [];
    for (const h of list) {
      const bodyStart = this.pos;
      let body = '';
      let found = false;
      while (!this.atEnd()) {
        let e = this.src.indexOf('\n', this.pos);
        if (e < 0 || e > this.limit) e = this.limit;
        const line = this.src.slice(this.pos, e);
        this.pos = Math.min(e + 1, this.limit);
        const cmp = h.strip ? line.replace(/^\t+/, '') : line;
        if (cmp === h.delim || cmp.replace(/\r$/, '') === h.delim) {
          found = true;
          break;
        }
        body += cmp + '\n';
      }
      if (!found) this.errors.push(`heredoc ${h.delim} not terminated`);
      h.redirect.body = body;
      h.redirect.bodyStart = bodyStart;
    }
  }

  /** Reads the next bare word (for reserved-word checks) without consuming it. */
  private peekWord(): string {
    let i = this.pos;
    let out = '';
    while (i < this.limit) {
      const c = this.src[i];
      if (isMeta(c) || c === '"' || c === "'" || c === '\\' || c === '$' || c === '`') break;
      out += c;
      i++;
    }
    const next = i < this.limit ? this.src[i] : undefined;
    if (next !== undefined && !isMeta(next)) return '';
    return out;
  }

  private isListEnd(stop: (w: string) => boolean): boolean {
    const c = this.peek();
    if (c === undefined) return true;
    if (c === ')' && (this.closer === ')' || this.inParens > 0)) return true;
    if (c === ';' && this.peek(1) === ';') return true;
    if (c === ';' && this.peek(1) === '&') return true;
    const w = this.peekWord();
    if (w !== '' && stop(w)) return true;
    return false;
  }

  /** Depth of open `( … )` subshells and case patterns (a `)` then ends a list). */
  private inParens = 0;

  parseList(stop: (w: string) => boolean): ShList {
    const items: ShNode[] = [];
    for (;;) {
      this.skipNewlines();
      while (this.peek() === ';' && this.peek(1) !== ';' && this.peek(1) !== '&') {
        this.pos++;
        this.skipNewlines();
      }
      if (this.isListEnd(stop)) break;
      const before = this.pos;
      const node = this.parseAndOr(stop);
      if (node !== null) items.push(node);
      this.skipBlanks();
      const c = this.peek();
      if (c === ';' && this.peek(1) !== ';' && this.peek(1) !== '&') this.pos++;
      else if (c === '&' && this.peek(1) !== '&' && this.peek(1) !== '>') this.pos++;
      else if (c === '\n') {
        this.pos++;
        this.readHeredocBodies();
      }
      if (this.pos === before) {
        // Nothing consumed: a stray token. Skip it so parsing always advances.
        const ch = this.peek();
        if (ch === undefined) break;
        if (ch === ')' && this.closer === ')' && this.inParens === 0) break;
        this.errors.push(`unexpected ${JSON.stringify(ch)} at ${this.pos}`);
        this.pos++;
      }
    }
    return { type: 'list', items };
  }

  private parseAndOr(stop: (w: string) => boolean): ShNode | null {
    const items: ShNode[] = [];
    const ops: ('&&' | '||')[] = [];
    const first = this.parsePipeline(stop);
    if (first === null) return null;
    items.push(first);
    for (;;) {
      this.skipBlanks();
      const c = this.peek();
      const d = this.peek(1);
      if ((c === '&' && d === '&') || (c === '|' && d === '|')) {
        this.pos += 2;
        this.skipNewlines();
        const next = this.parsePipeline(stop);
        if (next === null) {
          this.errors.push('missing command after && or ||');
          break;
        }
        ops.push(c === '&' ? '&&' : '||');
        items.push(next);
      } else break;
    }
    return items.length === 1 ? (items[0] as ShNode) : { type: 'andor', items, ops };
  }

  private parsePipeline(stop: (w: string) => boolean): ShNode | null {
    this.skipBlanks();
    let negated = false;
    if (this.peek() === '!' && isMeta(this.peek(1))) {
      negated = true;
      this.pos++;
      this.skipBlanks();
    }
    const items: ShNode[] = [];
    const first = this.parseCommand(stop);
    if (first === null) return null;
    items.push(first);
    for (;;) {
      this.skipBlanks();
      if (this.peek() === '|' && this.peek(1) !== '|') {
        this.pos += this.peek(1) === '&' ? 2 : 1;
        this.skipNewlines();
        const next = this.parseCommand(stop);
        if (next === null) {
          this.errors.push('missing command after |');
          break;
        }
        items.push(next);
      } else break;
    }
    return items.length === 1 && !negated ? (items[0] as ShNode) : { type: 'pipeline', negated, items };
  }

  private expectWord(w: string): boolean {
    this.skipNewlines();
    while (this.peek() === ';' && this.peek(1) !== ';') {
      this.pos++;
      this.skipNewlines();
    }
    if (this.peekWord() === w) {
      this.pos += w.length;
      return true;
    }
    this.errors.push(`expected ${w} at ${this.pos}`);
    return false;
  }

  private parseCommand(stop: (w: string) => boolean): ShNode | null {
    this.skipBlanks();
    if (this.atEnd()) return null;
    if (this.nesting.n >= MAX_NEST) {
      // Past the budget the rest is one opaque word: the tree stays small and the error says why.
      this.errors.push('nesting too deep');
      const start = this.pos;
      this.pos = this.limit;
      return { type: 'cmd', assigns: [], words: [this.plainWord(start, this.pos)], redirects: [], start, end: this.pos };
    }
    this.nesting.n++;
    try {
      return this.parseCommandIn(stop);
    } finally {
      this.nesting.n--;
    }
  }

  private parseCommandIn(stop: (w: string) => boolean): ShNode | null {
    const c = this.peek();
    if (c === '(' && this.peek(1) !== '(') {
      this.pos++;
      this.inParens++;
      const body = this.depth >= MAX_DEPTH ? this.opaque(')') : this.parseList(() => false);
      this.inParens--;
      if (this.peek() === ')') this.pos++;
      else this.errors.push('missing )');
      return { type: 'subshell', body, redirects: this.trailingRedirects() };
    }
    if (c === '(' && this.peek(1) === '(') {
      // Arithmetic command (( … )): no downloads inside; skip it as one command.
      const start = this.pos;
      this.skipBalanced('(', ')');
      return { type: 'cmd', assigns: [], words: [this.plainWord(start, this.pos)], redirects: [], start, end: this.pos };
    }
    const w = this.peekWord();
    if (w !== '' && RESERVED_END.has(w)) return null;
    if (w !== '' && stop(w)) return null;
    switch (w) {
      case '{': {
        this.pos += 1;
        const body = this.parseList((x) => x === '}');
        this.expectWord('}');
        return { type: 'group', body, redirects: this.trailingRedirects() };
      }
      case 'if':
        return this.parseIf();
      case 'for':
        return this.parseFor();
      case 'while':
      case 'until':
        return this.parseWhile(w);
      case 'case':
        return this.parseCase();
      case 'function': {
        this.pos += w.length;
        this.skipBlanks();
        const name = this.peekWord();
        this.pos += name.length;
        this.skipBlanks();
        if (this.peek() === '(' && this.peek(1) === ')') this.pos += 2;
        this.skipNewlines();
        const body = this.parseCommand(stop) ?? { type: 'list', items: [] };
        return { type: 'function', name, body };
      }
    }
    return this.parseSimple(stop);
  }

  private trailingRedirects(): ShRedirect[] {
    const out: ShRedirect[] = [];
    for (;;) {
      this.skipBlanks();
      const r = this.tryRedirect();
      if (r === null) return out;
      out.push(r);
    }
  }

  private parseIf(): ShIf {
    this.pos += 2;
    const clauses: { cond: ShList; body: ShList }[] = [];
    let elseBody: ShList | null = null;
    const stopThen = (x: string): boolean => x === 'then';
    const stopBody = (x: string): boolean => x === 'elif' || x === 'else' || x === 'fi';
    let cond = this.parseList(stopThen);
    this.expectWord('then');
    let body = this.parseList(stopBody);
    clauses.push({ cond, body });
    for (;;) {
      this.skipNewlines();
      const w = this.peekWord();
      if (w === 'elif') {
        this.pos += 4;
        cond = this.parseList(stopThen);
        this.expectWord('then');
        body = this.parseList(stopBody);
        clauses.push({ cond, body });
        continue;
      }
      if (w === 'else') {
        this.pos += 4;
        elseBody = this.parseList((x) => x === 'fi');
      }
      this.expectWord('fi');
      break;
    }
    return { type: 'if', clauses, elseBody, redirects: this.trailingRedirects() };
  }

  private parseFor(): ShLoop {
    this.pos += 3;
    this.skipBlanks();
    if (this.peek() === '(' && this.peek(1) === '(') {
      this.skipBalanced('(', ')');
      this.skipBlanks();
      if (this.peek() === ';') this.pos++;
      const body = this.parseDoDone();
      return { type: 'for', name: null, words: [], cond: null, body, redirects: this.trailingRedirects() };
    }
    const name = this.peekWord();
    this.pos += name.length;
    this.skipNewlines();
    let words: ShWord[] | null = null;
    if (this.peekWord() === 'in') {
      this.pos += 2;
      words = [];
      for (;;) {
        this.skipBlanks();
        const c = this.peek();
        if (c === undefined || c === ';' || c === '\n') break;
        const word = this.readWord();
        if (word === null) break;
        words.push(word);
      }
    }
    const body = this.parseDoDone();
    return { type: 'for', name, words, cond: null, body, redirects: this.trailingRedirects() };
  }

  private parseDoDone(): ShList {
    this.expectWord('do');
    const body = this.parseList((x) => x === 'done');
    this.expectWord('done');
    return body;
  }

  private parseWhile(kind: 'while' | 'until'): ShLoop {
    this.pos += kind.length;
    const cond = this.parseList((x) => x === 'do');
    const body = this.parseDoDone();
    return { type: kind, name: null, words: null, cond, body, redirects: this.trailingRedirects() };
  }

  private parseCase(): ShCase {
    this.pos += 4;
    this.skipBlanks();
    const word = this.readWord();
    this.skipNewlines();
    if (this.peekWord() === 'in') this.pos += 2;
    else this.errors.push('expected in');
    const arms: { patterns: ShWord[]; body: ShList }[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.atEnd()) {
        this.errors.push('missing esac');
        break;
      }
      if (this.peekWord() === 'esac') {
        this.pos += 4;
        break;
      }
      if (this.peek() === '(') this.pos++;
      const patterns: ShWord[] = [];
      for (;;) {
        this.skipBlanks();
        const p = this.readWord();
        if (p !== null) patterns.push(p);
        this.skipBlanks();
        if (this.peek() === '|') {
          this.pos++;
          continue;
        }
        break;
      }
      if (this.peek() === ')') this.pos++;
      else {
        this.errors.push(`expected ) in case pattern at ${this.pos}`);
        if (p0(this.peek())) break;
        this.pos++;
      }
      const body = this.parseList((x) => x === 'esac');
      arms.push({ patterns, body });
      this.skipBlanks();
      if (this.peek() === ';' && (this.peek(1) === ';' || this.peek(1) === '&')) {
        this.pos += 2;
        if (this.peek() === '&') this.pos++;
      }
    }
    return { type: 'case', word, arms, redirects: this.trailingRedirects() };
  }

  private parseSimple(stop: (w: string) => boolean): ShNode | null {
    const start = this.pos;
    const assigns: { name: string; value: ShWord; start: number }[] = [];
    const words: ShWord[] = [];
    const redirects: ShRedirect[] = [];
    for (;;) {
      this.skipBlanks();
      const c = this.peek();
      if (c === undefined || c === '\n' || c === ';' || c === '|' || (c === '&' && this.peek(1) !== '>') || c === ')') break;
      if (c === '(' && words.length === 1 && this.peek(1) === ')') {
        // name() { … }: a function definition.
        this.pos += 2;
        this.skipNewlines();
        const body = this.parseCommand(stop) ?? { type: 'list', items: [] };
        return { type: 'function', name: (words[0] as ShWord).text, body };
      }
      const r = this.tryRedirect();
      if (r !== null) {
        redirects.push(r);
        continue;
      }
      if (c === '(') {
        // Stray parenthesis (e.g. bash array after name=): consume balanced text as a word.
        const s = this.pos;
        this.skipBalanced('(', ')');
        words.push(this.plainWord(s, this.pos));
        continue;
      }
      const w = this.readWord();
      if (w === null) break;
      const m = words.length === 0 ? ASSIGN_RE.exec(w.raw) : null;
      if (m !== null) {
        const eq = w.raw.indexOf('=');
        const valueRaw = w.raw.slice(eq + 1);
        let valueWord: ShWord;
        if (valueRaw.startsWith('(')) {
          // Array assignment a=( … ): read the rest up to the matching ) as one opaque word.
          const s = w.start + eq + 1;
          this.pos = s;
          this.skipBalanced('(', ')');
          valueWord = this.plainWord(s, this.pos);
        } else {
          valueWord = sub(w, eq + 1);
        }
        assigns.push({ name: m[1] as string, value: valueWord, start: w.start });
        continue;
      }
      words.push(w);
    }
    if (words.length === 0 && assigns.length === 0 && redirects.length === 0) return null;
    return { type: 'cmd', assigns, words, redirects, start, end: this.pos };
  }

  private plainWord(s: number, e: number): ShWord {
    const raw = this.src.slice(s, e);
    return { raw, start: s, end: e, text: raw, subs: [], dynamic: raw.includes('$') };
  }

  /** Consumes a balanced open…close run starting at the current open character. */
  private skipBalanced(open: string, close: string): void {
    let depth = 0;
    let q: string | null = null;
    while (!this.atEnd()) {
      const c = this.peek() as string;
      this.pos++;
      if (q !== null) {
        if (c === '\\' && q === '"') this.pos++;
        else if (c === q) q = null;
        continue;
      }
      if (c === '\\') this.pos++;
      else if (c === '"' || c === "'") q = c;
      else if (c === open) depth++;
      else if (c === close) {
        depth--;
        if (depth <= 0) return;
      }
    }
    this.errors.push(`unbalanced ${open}`);
  }

  private tryRedirect(): ShRedirect | null {
    const s = this.pos;
    let i = this.pos;
    let fd = '';
    while (i < this.limit && /[0-9]/.test(this.src[i] as string)) fd += this.src[i++];
    const rest = this.src.slice(i, Math.min(i + 3, this.limit));
    let op = '';
    for (const cand of ['&>>', '<<<', '<<-', '&>', '>>', '<<', '>&', '<&', '<>', '>|', '>', '<']) {
      if (rest.startsWith(cand)) {
        op = cand;
        break;
      }
    }
    if (op === '' || (fd !== '' && op.startsWith('&'))) {
      this.pos = s;
      return null;
    }
    if (op === '<' && this.src[i + 1] === '(') {
      // Process substitution <( … ): treat as a word, not a redirection.
      this.pos = s;
      return null;
    }
    this.pos = i + op.length;
    this.skipBlanks();
    const target = this.readWord();
    const r = { op, fd, target, body: null as string | null, bodyStart: -1, quotedBody: false };
    if ((op === '<<' || op === '<<-') && target !== null) {
      r.quotedBody = /["'\\]/.test(target.raw);
      this.pending.push({ redirect: r, delim: target.text, strip: op === '<<-' });
    }
    return r;
  }

  /** Reads one word (quotes, escapes, expansions and substitutions); null at a metacharacter. */
  readWord(): ShWord | null {
    const start = this.pos;
    let text = '';
    const subs: ShScript[] = [];
    let dynamic = false;
    while (!this.atEnd()) {
      const c = this.peek() as string;
      if (isMeta(c)) {
        if ((c === '<' || c === '>') && this.peek(1) === '(' && this.pos === start) {
          // Process substitution as a word.
          const s = this.pos;
          this.pos++;
          const script = this.parseSubst();
          subs.push(script);
          dynamic = true;
          text += this.src.slice(s, this.pos);
          continue;
        }
        break;
      }
      if (c === '\\') {
        const n = this.peek(1);
        if (n === '\n') {
          this.pos += 2;
          continue;
        }
        if (n !== undefined) text += n;
        this.pos += 2;
        continue;
      }
      if (c === "'") {
        const e = this.src.indexOf("'", this.pos + 1);
        if (e < 0 || e >= this.limit) {
          this.errors.push('unterminated single quote');
          text += this.src.slice(this.pos + 1, this.limit);
          this.pos = this.limit;
          break;
        }
        text += this.src.slice(this.pos + 1, e);
        this.pos = e + 1;
        continue;
      }
      if (c === '$' && this.peek(1) === "'") {
        // ANSI-C quoting: keep the content, resolve the common escapes.
        let e = this.pos + 2;
        while (e < this.limit && this.src[e] !== "'") e += this.src[e] === '\\' ? 2 : 1;
        text += this.src.slice(this.pos + 2, Math.min(e, this.limit)).replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\(.)/g, '$1');
        this.pos = Math.min(e + 1, this.limit);
        continue;
      }
      if (c === '"') {
        this.pos++;
        let closed = false;
        while (!this.atEnd()) {
          const d = this.peek() as string;
          if (d === '"') {
            this.pos++;
            closed = true;
            break;
          }
          if (d === '\\') {
            const n = this.peek(1);
            if (n === '\n') this.pos += 2;
            else if (n === '"' || n === '\\' || n === '$' || n === '`') {
              text += n;
              this.pos += 2;
            } else {
              text += d;
              this.pos++;
            }
            continue;
          }
          if (d === '$' || d === '`') {
            const r = this.readDollar(subs);
            if (r !== null) {
              text += r;
              dynamic = true;
              continue;
            }
          }
          text += d;
          this.pos++;
        }
        if (!closed) this.errors.push('unterminated double quote');
        continue;
      }
      if (c === '$' || c === '`') {
        const r = this.readDollar(subs);
        if (r !== null) {
          text += r;
          dynamic = true;
          continue;
        }
      }
      text += c;
      this.pos++;
    }
    if (this.pos === start) return null;
    return { raw: this.src.slice(start, this.pos), start, end: this.pos, text, subs, dynamic };
  }

  /** Reads `$…`, `${…}`, `$(…)`, `$((…))` or `` `…` `` at the current position; returns the text as written. */
  private readDollar(subs: ShScript[]): string | null {
    const s = this.pos;
    const c = this.peek();
    if (c === '`') {
      this.pos++;
      let e = this.pos;
      let inner = '';
      while (e < this.limit && this.src[e] !== '`') {
        if (this.src[e] === '\\' && e + 1 < this.limit && '`\\$'.includes(this.src[e + 1] as string)) {
          inner += this.src[e + 1];
          e += 2;
          continue;
        }
        inner += this.src[e];
        e++;
      }
      if (e >= this.limit) this.errors.push('unterminated backquote');
      this.pos = Math.min(e + 1, this.limit);
      // Backquote bodies are re-parsed from their unescaped text; offsets map to the opening quote.
      if (this.depth < MAX_DEPTH) {
        const sp = new Parser(inner, 0, this.depth + 1, null, inner.length, this.nesting);
        const body = sp.parseList(() => false);
        if (sp.errors.includes('nesting too deep')) this.errors.push('nesting too deep');
        subs.push(relocate({ body, start: 0, end: inner.length, errors: sp.errors }, s + 1));
      }
      return this.src.slice(s, this.pos);
    }
    const n = this.peek(1);
    if (n === '(' && this.peek(2) === '(') {
      this.pos++;
      this.skipBalanced('(', ')');
      return this.src.slice(s, this.pos);
    }
    if (n === '(') {
      this.pos++;
      subs.push(this.parseSubst());
      return this.src.slice(s, this.pos);
    }
    if (n === '{') {
      this.pos++;
      this.skipBraces();
      return this.src.slice(s, this.pos);
    }
    if (n !== undefined && /[A-Za-z0-9_@*#?$!-]/.test(n)) {
      let e = this.pos + 2;
      if (/[A-Za-z_]/.test(n)) while (e < this.limit && /[A-Za-z0-9_]/.test(this.src[e] as string)) e++;
      this.pos = e;
      return this.src.slice(s, e);
    }
    return null;
  }

  private skipBraces(): void {
    // At `{`: find the matching `}`, respecting quotes and nested ${…}.
    let depth = 0;
    while (!this.atEnd()) {
      const c = this.peek() as string;
      if (c === '\\') {
        this.pos += 2;
        continue;
      }
      if (c === "'" ) {
        const e = this.src.indexOf("'", this.pos + 1);
        this.pos = e < 0 || e >= this.limit ? this.limit : e + 1;
        continue;
      }
      if (c === '"') {
        this.pos++;
        while (!this.atEnd() && this.peek() !== '"') this.pos += this.peek() === '\\' ? 2 : 1;
        this.pos++;
        continue;
      }
      this.pos++;
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) return;
      }
    }
    this.errors.push('unterminated ${');
  }

  /** At `(` of `$(`: parses the substitution body up to its `)`. */
  private parseSubst(): ShScript {
    const open = this.pos;
    this.pos++;
    if (this.depth >= MAX_DEPTH) {
      const body = this.opaque(')');
      if (this.peek() === ')') this.pos++;
      this.errors.push('nesting too deep');
      return { body, start: open + 1, end: this.pos, errors: ['nesting too deep'] };
    }
    const sp = new Parser(this.src, this.pos, this.depth + 1, ')', this.limit, this.nesting);
    const body = sp.parseList(() => false);
    this.errors.push(...sp.errors);
    this.pos = sp.pos;
    if (this.peek() === ')') this.pos++;
    else this.errors.push('missing ) of $(');
    return { body, start: open + 1, end: this.pos - 1, errors: sp.errors };
  }

  /** Skips to the matching close without building a tree (past the nesting cap). */
  private opaque(close: string): ShList {
    let depth = 1;
    while (!this.atEnd()) {
      const c = this.peek() as string;
      if (c === '\\') {
        this.pos += 2;
        continue;
      }
      if (c === '(') depth++;
      else if (c === close) {
        depth--;
        if (depth === 0) break;
      }
      this.pos++;
    }
    return { type: 'list', items: [] };
  }
}

function p0(c: string | undefined): boolean {
  return c === undefined;
}

/** A word made of the part of `w` after `offset` characters of its raw text (for assignment values). */
function sub(w: ShWord, offset: number): ShWord {
  const raw = w.raw.slice(offset);
  const eq = w.text.indexOf('=');
  const text = eq >= 0 ? w.text.slice(eq + 1) : w.text;
  return { raw, start: w.start + offset, end: w.end, text, subs: w.subs, dynamic: w.dynamic };
}

/** Shifts every offset in a script parsed from separate text so it points at `base` in the outer text. */
function relocate(script: ShScript, base: number): ShScript {
  // Backquote bodies have unescaped text; exact offsets are not recoverable, so all point at the quote.
  const fixWord = (w: ShWord): ShWord => ({ ...w, start: base, end: base, subs: w.subs.map((s) => relocate(s, base)) });
  const fixRedirect = (r: ShRedirect): ShRedirect => ({ ...r, target: r.target === null ? null : fixWord(r.target), bodyStart: base });
  const fixList = (l: ShList): ShList => ({ type: 'list', items: l.items.map(fixNode) });
  function fixNode(n: ShNode): ShNode {
    switch (n.type) {
      case 'cmd':
        return { ...n, start: base, end: base, words: n.words.map(fixWord), assigns: n.assigns.map((a) => ({ ...a, value: fixWord(a.value), start: base })), redirects: n.redirects.map(fixRedirect) };
      case 'pipeline':
        return { ...n, items: n.items.map(fixNode) };
      case 'andor':
        return { ...n, items: n.items.map(fixNode) };
      case 'list':
        return fixList(n);
      case 'group':
      case 'subshell':
        return { ...n, body: fixList(n.body), redirects: n.redirects.map(fixRedirect) };
      case 'if':
        return { ...n, clauses: n.clauses.map((c) => ({ cond: fixList(c.cond), body: fixList(c.body) })), elseBody: n.elseBody === null ? null : fixList(n.elseBody), redirects: n.redirects.map(fixRedirect) };
      case 'for':
      case 'while':
      case 'until':
        return { ...n, words: n.words === null ? null : n.words.map(fixWord), cond: n.cond === null ? null : fixList(n.cond), body: fixList(n.body), redirects: n.redirects.map(fixRedirect) };
      case 'case':
        return { ...n, word: n.word === null ? null : fixWord(n.word), arms: n.arms.map((a) => ({ patterns: a.patterns.map(fixWord), body: fixList(a.body) })), redirects: n.redirects.map(fixRedirect) };
      case 'function':
        return { ...n, body: fixNode(n.body) };
    }
  }
  return { body: fixList(script.body), start: base, end: base, errors: script.errors };
}

/** Every simple command in the script, in source order, including those inside substitutions. Iterative. */
export function allCommands(script: ShScript, intoSubstitutions = true): ShCommand[] {
  const out: ShCommand[] = [];
  const stack: ShNode[] = [script.body];
  const pushWords = (ws: readonly ShWord[]): void => {
    if (!intoSubstitutions) return;
    for (let i = ws.length - 1; i >= 0; i--) {
      const w = ws[i] as ShWord;
      for (let j = w.subs.length - 1; j >= 0; j--) stack.push((w.subs[j] as ShScript).body);
    }
  };
  while (stack.length > 0) {
    const n = stack.pop() as ShNode;
    switch (n.type) {
      case 'cmd':
        out.push(n);
        pushWords([...n.assigns.map((a) => a.value), ...n.words, ...n.redirects.flatMap((r) => (r.target === null ? [] : [r.target]))]);
        break;
      case 'pipeline':
      case 'andor':
      case 'list':
        for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i] as ShNode);
        break;
      case 'group':
      case 'subshell':
        stack.push(n.body);
        break;
      case 'if':
        if (n.elseBody !== null) stack.push(n.elseBody);
        for (let i = n.clauses.length - 1; i >= 0; i--) {
          const c = n.clauses[i] as { cond: ShList; body: ShList };
          stack.push(c.body, c.cond);
        }
        break;
      case 'for':
      case 'while':
      case 'until':
        stack.push(n.body);
        if (n.cond !== null) stack.push(n.cond);
        if (n.words !== null) pushWords(n.words);
        break;
      case 'case':
        for (let i = n.arms.length - 1; i >= 0; i--) stack.push((n.arms[i] as { body: ShList }).body);
        if (n.word !== null) pushWords([n.word]);
        break;
      case 'function':
        stack.push(n.body);
        break;
    }
  }
  return out;
}

export { NAME_RE };
