// A small PowerShell parser for RUN scripts: statements, pipelines, commands with their arguments, the expressions
// download code is written with (strings with `$env:X`/`${env:X}`/`$(…)`, `-f`, `+`, member calls, casts), and
// if/elseif/else, functions with parameters, loops, try/catch. Scannerless and depth-capped; never throws.

export interface Span {
  readonly start: number;
  readonly end: number;
}

export type PsPart = { readonly lit: string } | { readonly expr: PsExpr };

export type PsExpr = Span &
  (
    | { readonly k: 'str'; readonly parts: readonly PsPart[]; readonly quote: 'single' | 'double' | 'bare' }
    | { readonly k: 'var'; readonly name: string }
    | { readonly k: 'paren'; readonly body: readonly PsStatement[] }
    | { readonly k: 'bin'; readonly op: string; readonly left: PsExpr; readonly right: PsExpr }
    | { readonly k: 'not'; readonly e: PsExpr }
    | { readonly k: 'member'; readonly target: PsExpr; readonly name: string; readonly args: readonly PsExpr[] | null; readonly isStatic: boolean }
    | { readonly k: 'index'; readonly target: PsExpr }
    | { readonly k: 'type'; readonly name: string }
    | { readonly k: 'cast'; readonly type: string; readonly e: PsExpr }
    | { readonly k: 'array'; readonly items: readonly PsExpr[] }
    | { readonly k: 'block'; readonly body: readonly PsStatement[] }
    | { readonly k: 'hash' }
    | { readonly k: 'num'; readonly text: string }
  );

/** A command argument: `-Name`, `-Name:value`, or a value. */
export type PsArg = Span & ({ readonly k: 'param'; readonly name: string; readonly inline: PsExpr | null } | { readonly k: 'value'; readonly e: PsExpr });

export type PsElement = Span & ({ readonly k: 'cmd'; readonly name: PsExpr; readonly args: readonly PsArg[]; readonly invoke: '' | '&' | '.' } | { readonly k: 'expr'; readonly e: PsExpr });

export interface PsClause {
  readonly cond: PsStatement | null;
  readonly body: readonly PsStatement[];
}

export type PsStatement = Span &
  (
    | { readonly k: 'pipeline'; readonly elems: readonly PsElement[] }
    | { readonly k: 'assign'; readonly target: PsExpr; readonly op: string; readonly value: PsStatement }
    | { readonly k: 'if'; readonly clauses: readonly PsClause[]; readonly elseBody: readonly PsStatement[] | null }
    | { readonly k: 'function'; readonly name: string; readonly params: readonly string[]; readonly body: readonly PsStatement[] }
    | { readonly k: 'loop'; readonly header: readonly PsStatement[]; readonly body: readonly PsStatement[]; readonly variable: string | null; readonly over: PsExpr | null }
    | { readonly k: 'try'; readonly body: readonly PsStatement[]; readonly handlers: readonly (readonly PsStatement[])[] }
    | { readonly k: 'flow'; readonly kw: 'throw' | 'exit' | 'return' | 'break' | 'continue'; readonly arg: PsStatement | null }
    | { readonly k: 'chain'; readonly items: readonly PsStatement[]; readonly ops: readonly ('&&' | '||')[] }
  );

const MAX_DEPTH = 24;
const KEYWORDS = new Set(['if', 'elseif', 'else', 'function', 'filter', 'foreach', 'for', 'while', 'do', 'until', 'try', 'catch', 'finally', 'throw', 'exit', 'return', 'break', 'continue', 'switch', 'param', 'trap', 'begin', 'process', 'end']);
/** Operators written as -name. */
const DASH_OPS = /^-(?:c|i)?(?:eq|ne|gt|ge|lt|le|like|notlike|match|notmatch|contains|notcontains|in|notin|replace|split|join)$|^-(?:and|or|xor|not|f|is|isnot|as|band|bor|bxor|shl|shr)$/i;

export function parsePowerShell(text: string): { statements: PsStatement[]; errors: string[] } {
  const p = new PsParser(text);
  try {
    const statements = p.statementList(null);
    return { statements, errors: p.errors };
  } catch (err) {
    return { statements: [], errors: [`internal: ${err instanceof Error ? err.message : String(err)}`] };
  }
}

class PsParser {
  pos = 0;
  depth = 0;
  readonly errors: string[] = [];
  constructor(readonly src: string) {}

  private peek(k = 0): string {
    return this.src[this.pos + k] ?? '';
  }

  private atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  /** Blanks, comments, backtick continuations; newlines too when `newlines`. */
  private skip(newlines = false): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r' || c === '\u00a0') this.pos++;
      else if (c === '`' && (this.peek(1) === '\n' || (this.peek(1) === '\r' && this.peek(2) === '\n'))) this.pos += this.peek(1) === '\r' ? 3 : 2;
      else if (c === '<' && this.peek(1) === '#') {
        const e = this.src.indexOf('#>', this.pos + 2);
        this.pos = e < 0 ? this.src.length : e + 2;
      } else if (c === '#') {
        while (!this.atEnd() && this.peek() !== '\n') this.pos++;
      } else if (newlines && (c === '\n' || c === ';')) this.pos++;
      else return;
    }
  }

  private word(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.src.slice(this.pos, this.pos + 64));
    return m === null ? '' : m[0].toLowerCase();
  }

  private enter(): boolean {
    if (this.depth >= MAX_DEPTH) {
      this.errors.push('nesting too deep');
      return false;
    }
    this.depth++;
    return true;
  }

  /** Statements up to `close` (`}` or `)`), or the end of text. */
  statementList(close: string | null): PsStatement[] {
    const out: PsStatement[] = [];
    for (;;) {
      this.skip(true);
      if (this.atEnd()) break;
      if (close !== null && this.peek() === close) break;
      if (close === null && (this.peek() === '}' || this.peek() === ')')) {
        this.errors.push(`unexpected ${this.peek()}`);
        this.pos++;
        continue;
      }
      const before = this.pos;
      const s = this.statement();
      if (s !== null) out.push(s);
      if (this.pos === before) {
        this.errors.push(`unexpected ${JSON.stringify(this.peek())}`);
        this.pos++;
      }
    }
    return out;
  }

  private block(): PsStatement[] {
    this.skip(true);
    if (this.peek() !== '{') return [];
    this.pos++;
    if (!this.enter()) return this.skipBalanced('{', '}');
    const body = this.statementList('}');
    this.depth--;
    if (this.peek() === '}') this.pos++;
    else this.errors.push('missing }');
    return body;
  }

  private skipBalanced(open: string, close: string): PsStatement[] {
    let depth = 1;
    while (!this.atEnd() && depth > 0) {
      const c = this.peek();
      if (c === open) depth++;
      else if (c === close) depth--;
      this.pos++;
    }
    return [];
  }

  /** `( … )` after if/while/foreach: one statement (or a foreach header). */
  private parenStatement(): PsStatement | null {
    this.skip(true);
    if (this.peek() !== '(') return null;
    this.pos++;
    // A condition nests like any other parenthesis: `if (if (if (…` is depth, not recursion without bound.
    if (!this.enter()) {
      this.skipBalanced('(', ')');
      return null;
    }
    const list = this.statementList(')');
    this.depth--;
    if (this.peek() === ')') this.pos++;
    return list[0] ?? null;
  }

  statement(): PsStatement | null {
    this.skip();
    const start = this.pos;
    const kw = this.word();
    const after = this.src[this.pos + kw.length] ?? '';
    if (KEYWORDS.has(kw) && !/[A-Za-z0-9_-]/.test(after)) {
      this.pos += kw.length;
      switch (kw) {
        case 'if': {
          const clauses: PsClause[] = [];
          let elseBody: PsStatement[] | null = null;
          clauses.push({ cond: this.parenStatement(), body: this.block() });
          for (;;) {
            const save = this.pos;
            this.skip(true);
            const w = this.word();
            if (w === 'elseif') {
              this.pos += 6;
              clauses.push({ cond: this.parenStatement(), body: this.block() });
            } else if (w === 'else') {
              this.pos += 4;
              elseBody = this.block();
              break;
            } else {
              this.pos = save;
              break;
            }
          }
          return { k: 'if', clauses, elseBody, start, end: this.pos };
        }
        case 'function':
        case 'filter': {
          this.skip();
          const m = /^[^\s({]+/.exec(this.src.slice(this.pos, this.pos + 256));
          const name = (m?.[0] ?? '').toLowerCase();
          this.pos += name.length;
          const params: string[] = [];
          this.skip();
          if (this.peek() === '(') {
            this.pos++;
            params.push(...this.paramNames(')'));
          }
          const body = this.block();
          // `param(...)` at the top of the body.
          const first = body[0];
          const inner = first !== undefined && first.k === 'pipeline' && first.elems[0]?.k === 'cmd' && first.elems[0].name.k === 'str' && strLit(first.elems[0].name).toLowerCase() === 'param' ? (first as PsStatement & { k: 'pipeline' }) : null;
          if (inner !== null) params.push(...((inner as unknown as { params?: string[] }).params ?? []));
          return { k: 'function', name, params, body, start, end: this.pos };
        }
        case 'param': {
          this.skip();
          if (this.peek() === '(') {
            this.pos++;
            const params = this.paramNames(')');
            // Kept as a pipeline named `param` with the names attached (read by `function`).
            const st = { k: 'pipeline' as const, elems: [{ k: 'cmd' as const, name: { k: 'str' as const, parts: [{ lit: 'param' }], quote: 'bare' as const, start, end: start }, args: [], invoke: '' as const, start, end: this.pos }], start, end: this.pos };
            return Object.assign(st, { params });
          }
          return null;
        }
        case 'foreach':
        case 'for':
        case 'while':
        case 'until':
        case 'switch': {
          this.skip();
          let variable: string | null = null;
          let over: PsExpr | null = null;
          const header: PsStatement[] = [];
          if (this.peek() === '(') {
            this.pos++;
            if (kw === 'foreach') {
              this.skip();
              const v = /^\$([A-Za-z_][A-Za-z0-9_]*)\s+in\s+/i.exec(this.src.slice(this.pos, this.pos + 256));
              if (v !== null) {
                variable = (v[1] as string).toLowerCase();
                this.pos += v[0].length;
                over = this.expression();
              }
            }
            if (this.enter()) {
              header.push(...this.statementList(')'));
              this.depth--;
              if (this.peek() === ')') this.pos++;
            } else this.skipBalanced('(', ')');
          } else if (kw === 'switch') {
            // switch -Regex ($x) { … }
            while (!this.atEnd() && this.peek() !== '{' && this.peek() !== '\n') this.pos++;
          }
          const body = this.block();
          return { k: 'loop', header, body, variable, over, start, end: this.pos };
        }
        case 'do': {
          const body = this.block();
          this.skip(true);
          const w = this.word();
          if (w === 'while' || w === 'until') {
            this.pos += w.length;
            const c = this.parenStatement();
            return { k: 'loop', header: c === null ? [] : [c], body, variable: null, over: null, start, end: this.pos };
          }
          return { k: 'loop', header: [], body, variable: null, over: null, start, end: this.pos };
        }
        case 'try': {
          const body = this.block();
          const handlers: PsStatement[][] = [];
          for (;;) {
            const save = this.pos;
            this.skip(true);
            const w = this.word();
            if (w === 'catch' || w === 'finally') {
              this.pos += w.length;
              this.skip();
              while (this.peek() === '[') {
                this.skipBracket();
                this.skip();
                if (this.peek() === ',') this.pos++;
                this.skip();
              }
              handlers.push(this.block());
            } else {
              this.pos = save;
              break;
            }
          }
          return { k: 'try', body, handlers, start, end: this.pos };
        }
        case 'trap':
        case 'begin':
        case 'process':
        case 'end': {
          const body = this.block();
          return { k: 'loop', header: [], body, variable: null, over: null, start, end: this.pos };
        }
        case 'throw':
        case 'exit':
        case 'return':
        case 'break':
        case 'continue': {
          this.skip();
          const c = this.peek();
          const arg = c === '' || c === '\n' || c === ';' || c === '}' || c === ')' ? null : this.pipelineStatement();
          return { k: 'flow', kw: kw as 'throw', arg, start, end: this.pos };
        }
        default:
          // else/elseif/catch/finally out of place: skip the word.
          return null;
      }
    }
    return this.chainStatement();
  }

  /** `a && b || c` (PowerShell 7), else one pipeline or assignment. */
  private chainStatement(): PsStatement | null {
    const start = this.pos;
    const first = this.pipelineStatement();
    if (first === null) return null;
    const items = [first];
    const ops: ('&&' | '||')[] = [];
    for (;;) {
      this.skip();
      const two = this.src.slice(this.pos, this.pos + 2);
      if (two !== '&&' && two !== '||') break;
      this.pos += 2;
      this.skip(false);
      const next = this.pipelineStatement();
      if (next === null) break;
      ops.push(two);
      items.push(next);
    }
    return items.length === 1 ? first : { k: 'chain', items, ops, start, end: this.pos };
  }

  private paramNames(close: string): string[] {
    const names: string[] = [];
    let depth = 1;
    while (!this.atEnd() && depth > 0) {
      const c = this.peek();
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') {
        depth--;
        if (depth === 0 && c === close) {
          this.pos++;
          break;
        }
      } else if (c === '$' && depth === 1) {
        const m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(this.src.slice(this.pos, this.pos + 256));
        if (m !== null) {
          names.push((m[1] as string).toLowerCase());
          this.pos += m[0].length;
          continue;
        }
      } else if (c === "'" || c === '"') {
        this.stringLiteral();
        continue;
      }
      this.pos++;
    }
    return names;
  }

  private skipBracket(): void {
    let depth = 0;
    while (!this.atEnd()) {
      const c = this.peek();
      this.pos++;
      if (c === '[') depth++;
      else if (c === ']') {
        depth--;
        if (depth === 0) return;
      }
    }
  }

  /** One pipeline, or `target = pipeline`. */
  pipelineStatement(): PsStatement | null {
    this.skip();
    const start = this.pos;
    // Assignment: `$x = …`, `$x += …`, `[string]$x = …`, `$env:X = …`.
    const am = /^(?:\[[^\]\n]*\]\s*)*(\$\{[^}\n]+\}|\$[A-Za-z_][A-Za-z0-9_:]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*([+\-*/]?=)(?!=)/.exec(this.src.slice(this.pos, this.pos + 256));
    if (am !== null) {
      const varStart = this.pos + am[0].indexOf(am[1] as string);
      const target: PsExpr = { k: 'var', name: varName(am[1] as string), start: varStart, end: varStart + (am[1] as string).length };
      this.pos += am[0].length;
      this.skip(false);
      const value = this.chainStatement() ?? { k: 'pipeline' as const, elems: [], start: this.pos, end: this.pos };
      return { k: 'assign', target: am[2] !== '' ? { k: 'member', target, name: (am[2] as string).slice(1), args: null, isStatic: false, start: target.start, end: target.end } : target, op: am[3] as string, value, start, end: this.pos };
    }
    const elems: PsElement[] = [];
    for (;;) {
      this.skip();
      const e = this.element();
      if (e === null) break;
      elems.push(e);
      this.skip();
      if (this.peek() === '|' && this.peek(1) !== '|') {
        this.pos++;
        this.skip(true);
        continue;
      }
      break;
    }
    if (elems.length === 0) return null;
    return { k: 'pipeline', elems, start, end: this.pos };
  }

  private element(): PsElement | null {
    const start = this.pos;
    const c = this.peek();
    if (c === '' || c === '\n' || c === ';' || c === ')' || c === '}' || c === '|') return null;
    let invoke: '' | '&' | '.' = '';
    if (c === '&' && this.peek(1) !== '&') {
      invoke = '&';
      this.pos++;
      this.skip();
    } else if (c === '.' && (this.peek(1) === ' ' || this.peek(1) === '\t')) {
      invoke = '.';
      this.pos++;
      this.skip();
    }
    const d = this.peek();
    const isCommand = invoke !== '' || /[A-Za-z_]/.test(d) || (d === '.' && (this.peek(1) === '\\' || this.peek(1) === '/'));
    if (!isCommand) {
      const e = this.expression();
      if (e === null) return null;
      return { k: 'expr', e, start, end: this.pos };
    }
    const name = invoke !== '' ? this.primary() : this.bareArgument();
    if (name === null) return null;
    const args: PsArg[] = [];
    for (;;) {
      this.skip();
      const a = this.peek();
      if (a === '' || a === '\n' || a === ';' || a === ')' || a === '}' || (a === '|' && this.peek(1) !== '|') || (a === '&' && this.peek(1) === '&') || (a === '|' && this.peek(1) === '|')) break;
      const as = this.pos;
      // Redirections: 2>&1, > $null, *> file.
      const redir = /^(?:[0-9*]?>>?(?:&[12])?)/.exec(this.src.slice(this.pos, this.pos + 4));
      if (redir !== null && redir[0] !== '') {
        this.pos += redir[0].length;
        this.skip();
        if (!/^&[12]$/.test(redir[0].slice(-2))) this.bareArgument();
        continue;
      }
      const pm = /^-([A-Za-z_][A-Za-z0-9_]*)(:?)/.exec(this.src.slice(this.pos, this.pos + 128));
      if (pm !== null) {
        this.pos += pm[0].length;
        let inline: PsExpr | null = null;
        if (pm[2] === ':') inline = this.argumentValue();
        args.push({ k: 'param', name: (pm[1] as string).toLowerCase(), inline, start: as, end: this.pos });
        continue;
      }
      const v = this.argumentValue();
      if (v === null || this.pos === as) {
        this.pos = Math.max(this.pos, as + 1);
        continue;
      }
      args.push({ k: 'value', e: v, start: as, end: this.pos });
    }
    return { k: 'cmd', name, args, invoke, start, end: this.pos };
  }

  /** A value in argument mode: an expression if it starts like one, else a bare word (which may hold variables). */
  private argumentValue(): PsExpr | null {
    const c = this.peek();
    if (c === '(' || c === '@' || c === '[' || c === '{') {
      const e = this.postfix(this.primary());
      return this.commaList(e);
    }
    if (c === "'" || c === '"') {
      const s = this.stringLiteral();
      // 'a'+'b' without blanks stays one expression only with an operator; in argument mode a string then more text is one word.
      return this.commaList(this.postfix(s));
    }
    if (c === '$') {
      // `$x` alone (or `$x.Prop`) is an expression; `$env:TEMP\x.zip` / `${env:BASE}/x.zip` is one word.
      const save = this.pos;
      const v = this.postfix(this.primary());
      const n = this.peek();
      if (n === '' || n === ' ' || n === '\t' || n === '\n' || n === ';' || n === ')' || n === '}' || n === '|' || n === ',' || n === '\r') return this.commaList(v);
      this.pos = save;
    }
    return this.commaList(this.bareArgument());
  }

  private commaList(first: PsExpr | null): PsExpr | null {
    if (first === null) return null;
    const items = [first];
    for (;;) {
      const save = this.pos;
      this.skip();
      if (this.peek() !== ',') {
        this.pos = save;
        break;
      }
      this.pos++;
      this.skip(false);
      const next = this.argumentValueNoComma();
      if (next === null) break;
      items.push(next);
    }
    return items.length === 1 ? first : { k: 'array', items, start: first.start, end: this.pos };
  }

  private argumentValueNoComma(): PsExpr | null {
    const c = this.peek();
    if (c === "'" || c === '"') return this.stringLiteral();
    if (c === '$' || c === '(' || c === '@' || c === '[') return this.postfix(this.primary());
    return this.bareArgument();
  }

  /** A bare word in argument mode: text up to a blank or a metacharacter, with `$var`/`$(…)` inside. */
  private bareArgument(): PsExpr | null {
    const start = this.pos;
    const parts: PsPart[] = [];
    let lit = '';
    while (!this.atEnd()) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ';' || c === '|' || c === ')' || c === '}' || c === ',' || (c === '{' && lit === '' && parts.length === 0)) break;
      if (c === '&' && this.peek(1) === '&') break;
      if (c === '`') {
        if (this.peek(1) === '\n') break;
        lit += this.peek(1);
        this.pos += 2;
        continue;
      }
      if (c === '$' && /[A-Za-z_{(]/.test(this.peek(1))) {
        if (lit !== '') parts.push({ lit });
        lit = '';
        const e = this.variableOrSub();
        if (e !== null) parts.push({ expr: e });
        continue;
      }
      if (c === "'" || c === '"') {
        const s = this.stringLiteral();
        if (s.k === 'str') {
          if (lit !== '') parts.push({ lit });
          lit = '';
          parts.push(...s.parts);
        }
        continue;
      }
      lit += c;
      this.pos++;
    }
    if (lit !== '') parts.push({ lit });
    if (this.pos === start) return null;
    return { k: 'str', parts, quote: 'bare', start, end: this.pos };
  }

  /** `$name`, `$env:NAME`, `${any}`, `$(…)`. */
  private variableOrSub(): PsExpr | null {
    const start = this.pos;
    if (this.peek(1) === '(') {
      this.pos += 2;
      if (!this.enter()) {
        this.skipBalanced('(', ')');
        return { k: 'paren', body: [], start, end: this.pos };
      }
      const body = this.statementList(')');
      this.depth--;
      if (this.peek() === ')') this.pos++;
      return { k: 'paren', body, start, end: this.pos };
    }
    if (this.peek(1) === '{') {
      // `${name}` is short: look for its `}` nearby only (hostile text stays linear).
      const e = this.src.slice(this.pos + 2, this.pos + 258).indexOf('}');
      const end = e < 0 ? Math.min(this.src.length, this.pos + 2) : this.pos + 2 + e + 1;
      const name = this.src.slice(this.pos, end);
      this.pos = end;
      return { k: 'var', name: varName(name), start, end };
    }
    const m = /^\$(?:[A-Za-z_][A-Za-z0-9_]*:)?[A-Za-z_?^$][A-Za-z0-9_]*/.exec(this.src.slice(this.pos, this.pos + 128));
    if (m === null) {
      this.pos++;
      return null;
    }
    this.pos += m[0].length;
    return { k: 'var', name: varName(m[0]), start, end: this.pos };
  }

  stringLiteral(): PsExpr {
    const start = this.pos;
    const q = this.peek();
    if (q === '@') {
      // Here-strings @' … '@ and @" … "@.
      const qq = this.peek(1);
      const close = `\n${qq}@`;
      const e = this.src.indexOf(close, this.pos + 2);
      const end = e < 0 ? this.src.length : e + close.length;
      const body = this.src.slice(this.pos + 2, e < 0 ? this.src.length : e).replace(/^\r?\n/, '');
      this.pos = end;
      return { k: 'str', parts: qq === "'" ? [{ lit: body }] : this.interpolate(body, start + 2), quote: qq === "'" ? 'single' : 'double', start, end };
    }
    this.pos++;
    if (q === "'") {
      let lit = '';
      while (!this.atEnd()) {
        const c = this.peek();
        if (c === "'") {
          if (this.peek(1) === "'") {
            lit += "'";
            this.pos += 2;
            continue;
          }
          this.pos++;
          return { k: 'str', parts: [{ lit }], quote: 'single', start, end: this.pos };
        }
        lit += c;
        this.pos++;
      }
      this.errors.push('unterminated string');
      return { k: 'str', parts: [{ lit }], quote: 'single', start, end: this.pos };
    }
    const parts: PsPart[] = [];
    let lit = '';
    while (!this.atEnd()) {
      const c = this.peek();
      if (c === '"') {
        if (this.peek(1) === '"') {
          lit += '"';
          this.pos += 2;
          continue;
        }
        this.pos++;
        if (lit !== '') parts.push({ lit });
        return { k: 'str', parts, quote: 'double', start, end: this.pos };
      }
      if (c === '`') {
        const n = this.peek(1);
        lit += n === 'n' ? '\n' : n === 't' ? '\t' : n === '0' ? '' : n;
        this.pos += 2;
        continue;
      }
      if (c === '$' && /[A-Za-z_{(]/.test(this.peek(1))) {
        if (lit !== '') parts.push({ lit });
        lit = '';
        const e = this.variableOrSub();
        if (e !== null) parts.push({ expr: e });
        continue;
      }
      lit += c;
      this.pos++;
    }
    this.errors.push('unterminated string');
    if (lit !== '') parts.push({ lit });
    return { k: 'str', parts, quote: 'double', start, end: this.pos };
  }

  /** Interpolation inside a double-quoted here-string body (parsed from its own text). */
  private interpolate(body: string, offset: number): PsPart[] {
    const sub = new PsParser(`"${body.replace(/"/g, '""')}"`);
    sub.depth = this.depth + 1;
    const s = sub.stringLiteral();
    const shift = (e: PsExpr): PsExpr => ({ ...e, start: e.start + offset, end: e.end + offset });
    return s.k === 'str' ? s.parts.map((p) => ('expr' in p ? { expr: shift(p.expr) } : p)) : [];
  }

  // ---- expressions (expression mode) --------------------------------------------------------------

  expression(): PsExpr | null {
    if (!this.enter()) return null;
    const e = this.logical();
    this.depth--;
    return e;
  }

  private binaryLevel(next: () => PsExpr | null, ops: (op: string) => boolean): PsExpr | null {
    let left = next();
    if (left === null) return null;
    for (;;) {
      const save = this.pos;
      this.skip();
      const op = this.operator();
      if (op === null || !ops(op)) {
        this.pos = save;
        return left;
      }
      this.pos += op.length;
      this.skip(true);
      const right = next();
      if (right === null) return left;
      left = { k: 'bin', op: op.toLowerCase(), left, right, start: left.start, end: right.end };
    }
  }

  private operator(): string | null {
    const c = this.peek();
    if (c === '+' || c === '*' || c === '/' || c === '%') return c;
    if (c === '-') {
      const m = /^-[A-Za-z]+/.exec(this.src.slice(this.pos, this.pos + 16));
      if (m !== null && DASH_OPS.test(m[0])) return m[0];
      if (/^-\s/.test(this.src.slice(this.pos, this.pos + 2))) return '-';
    }
    return null;
  }

  private logical(): PsExpr | null {
    return this.binaryLevel(
      () => this.comparison(),
      (op) => /^-(?:and|or|xor)$/i.test(op),
    );
  }

  private comparison(): PsExpr | null {
    return this.binaryLevel(
      () => this.additive(),
      (op) => /^-(?:c|i)?(?:eq|ne|gt|ge|lt|le|like|notlike|match|notmatch|contains|notcontains|in|notin|replace|split|join)$|^-(?:is|isnot|as)$/i.test(op),
    );
  }

  private additive(): PsExpr | null {
    return this.binaryLevel(
      () => this.multiplicative(),
      (op) => op === '+' || op === '-',
    );
  }

  private multiplicative(): PsExpr | null {
    return this.binaryLevel(
      () => this.format(),
      (op) => op === '*' || op === '/' || op === '%',
    );
  }

  private format(): PsExpr | null {
    return this.binaryLevel(
      () => this.comma(),
      (op) => op.toLowerCase() === '-f',
    );
  }

  /** True while parsing a method argument: commas separate arguments there. */
  private noComma = false;

  private comma(): PsExpr | null {
    if (this.noComma) return this.unary();
    const first = this.unary();
    if (first === null) return null;
    const items = [first];
    for (;;) {
      const save = this.pos;
      this.skip();
      if (this.peek() !== ',') {
        this.pos = save;
        break;
      }
      this.pos++;
      this.skip(true);
      const n = this.unary();
      if (n === null) break;
      items.push(n);
    }
    return items.length === 1 ? first : { k: 'array', items, start: first.start, end: this.pos };
  }

  private unary(): PsExpr | null {
    // Prefixes (`!`, `-not`, `-join`, `-split`, casts) are read in a loop: a long run of them stays flat.
    const prefixes: { k: 'not' | 'cast'; type: string; start: number }[] = [];
    let e: PsExpr | null = null;
    for (let guard = 0; guard < 100000; guard++) {
      this.skip();
      const start = this.pos;
      if (this.peek() === '!' || /^-not\b/i.test(this.src.slice(this.pos, this.pos + 5))) {
        this.pos += this.peek() === '!' ? 1 : 4;
        prefixes.push({ k: 'not', type: '', start });
        continue;
      }
      if (/^-(?:join|split)\b/i.test(this.src.slice(this.pos, this.pos + 6))) {
        this.pos += 5;
        continue;
      }
      if (this.peek() === '[') {
        const m = /^\[([A-Za-z_][A-Za-z0-9_.`\[\], ]*)\]/.exec(this.src.slice(this.pos, this.pos + 128));
        if (m !== null) {
          const type = (m[1] as string).toLowerCase();
          this.pos += m[0].length;
          const n = this.peek();
          if (n === '$' || n === '(' || n === "'" || n === '"' || n === '[' || n === '@') {
            prefixes.push({ k: 'cast', type, start });
            continue;
          }
          e = this.postfix({ k: 'type', name: type, start, end: this.pos });
          break;
        }
      }
      e = this.postfix(this.primary());
      break;
    }
    if (e === null) return null;
    for (let i = prefixes.length - 1; i >= 0; i--) {
      const p = prefixes[i] as { k: 'not' | 'cast'; type: string; start: number };
      e = p.k === 'not' ? { k: 'not', e, start: p.start, end: this.pos } : { k: 'cast', type: p.type, e, start: p.start, end: this.pos };
    }
    return e;
  }

  private primary(): PsExpr | null {
    this.skip();
    const start = this.pos;
    const c = this.peek();
    if (c === "'" || c === '"' || (c === '@' && (this.peek(1) === "'" || this.peek(1) === '"'))) return this.stringLiteral();
    if (c === '$') return this.variableOrSub();
    if (c === '(' || (c === '@' && this.peek(1) === '(')) {
      this.pos += c === '@' ? 2 : 1;
      if (!this.enter()) {
        this.skipBalanced('(', ')');
        return { k: 'paren', body: [], start, end: this.pos };
      }
      const body = this.statementList(')');
      this.depth--;
      if (this.peek() === ')') this.pos++;
      return { k: 'paren', body, start, end: this.pos };
    }
    if (c === '@' && this.peek(1) === '{') {
      this.pos++;
      this.skipBalancedBraces();
      return { k: 'hash', start, end: this.pos };
    }
    if (c === '{') {
      this.pos++;
      if (!this.enter()) {
        this.skipBalanced('{', '}');
        return { k: 'block', body: [], start, end: this.pos };
      }
      const body = this.statementList('}');
      this.depth--;
      if (this.peek() === '}') this.pos++;
      return { k: 'block', body, start, end: this.pos };
    }
    if (c === '[') {
      const m = /^\[([^\]\n]*)\]/.exec(this.src.slice(this.pos, this.pos + 128));
      if (m !== null) {
        this.pos += m[0].length;
        return { k: 'type', name: (m[1] as string).toLowerCase(), start, end: this.pos };
      }
    }
    const num = /^0x[0-9a-f]+|^[0-9]+(?:\.[0-9]+)?(?:kb|mb|gb)?/i.exec(this.src.slice(this.pos, this.pos + 32));
    if (num !== null) {
      this.pos += num[0].length;
      return { k: 'num', text: num[0], start, end: this.pos };
    }
    if (/[A-Za-z_]/.test(c)) {
      // A command inside an expression position: `New-Object …` after `=` is parsed by pipelineStatement instead.
      const m = /^[A-Za-z_][A-Za-z0-9_.\-\\:]*/.exec(this.src.slice(this.pos, this.pos + 128));
      if (m !== null) {
        this.pos += m[0].length;
        return { k: 'str', parts: [{ lit: m[0] }], quote: 'bare', start, end: this.pos };
      }
    }
    return null;
  }

  private skipBalancedBraces(): void {
    let depth = 0;
    while (!this.atEnd()) {
      const c = this.peek();
      if (c === "'" || c === '"') {
        this.stringLiteral();
        continue;
      }
      this.pos++;
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth <= 0) return;
      }
    }
  }

  /** `.Name`, `.Method(args)`, `::Static(args)`, `[index]` after a primary. */
  private postfix(e: PsExpr | null): PsExpr | null {
    if (e === null) return null;
    let cur = e;
    for (let guard = 0; guard < 64; guard++) {
      const c = this.peek();
      if (c === '.' || (c === ':' && this.peek(1) === ':')) {
        const isStatic = c === ':';
        const m = /^(?:\.|::)([A-Za-z_][A-Za-z0-9_]*)/.exec(this.src.slice(this.pos, this.pos + 128));
        if (m === null) return cur;
        this.pos += m[0].length;
        let args: PsExpr[] | null = null;
        if (this.peek() === '(') {
          this.pos++;
          args = [];
          for (;;) {
            this.skip(true);
            if (this.peek() === ')' || this.atEnd()) break;
            const a = this.unaryChain();
            if (a === null) {
              this.pos++;
              continue;
            }
            args.push(a);
            this.skip(true);
            if (this.peek() === ',') this.pos++;
          }
          if (this.peek() === ')') this.pos++;
        }
        cur = { k: 'member', target: cur, name: (m[1] as string).toLowerCase(), args, isStatic, start: e.start, end: this.pos };
        continue;
      }
      if (c === '[') {
        let depth = 0;
        while (!this.atEnd()) {
          const d = this.peek();
          this.pos++;
          if (d === '[') depth++;
          else if (d === ']' && --depth === 0) break;
        }
        cur = { k: 'index', target: cur, start: e.start, end: this.pos };
        continue;
      }
      return cur;
    }
    return cur;
  }

  /** A method argument: an expression without the comma level (commas separate arguments). */
  private unaryChain(): PsExpr | null {
    if (!this.enter()) return null;
    // Parse `a -f b`, `a + b` … but stop at a comma.
    const save = this.noComma;
    this.noComma = true;
    const e = this.logical();
    this.noComma = save;
    this.depth--;
    return e;
  }
}

/** `$env:Foo` → `env:foo`; `${env:Foo}` → `env:foo`; `$Foo` → `foo`. */
function varName(written: string): string {
  const inner = written.startsWith('${') ? written.slice(2, -1) : written.slice(1);
  return inner.toLowerCase();
}

/** Literal text of a string expression (variables left out). */
export function strLit(e: PsExpr): string {
  if (e.k !== 'str') return '';
  return e.parts.map((p) => ('lit' in p ? p.lit : '')).join('');
}
