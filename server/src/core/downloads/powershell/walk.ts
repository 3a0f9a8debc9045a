// Walks a parsed PowerShell script with a symbolic scope: values carry trust like the POSIX walk's, and a few
// object kinds (a WebClient, a Get-FileHash result, an Authenticode signature) so that `.DownloadFile(…)`,
// `(Get-FileHash f).Hash -ne $env:SHA` and `$sig.Status -eq 'Valid'` are understood. `if` conditions are read
// for checks, and each check counts only when its mismatch branch fails the build (throw, exit).
import type { Range } from '../../types';
import type { Outcome, WalkContext } from '../context';
import type { Download } from '../types';
import { val, worst, type Trust, type Val } from '../values';
import { PsChecks, type CheckAtom } from './checks';
import { runCommand } from './cmdlets';
import { PS_UNKNOWN, psText, PsScope, type PsFunction, type PsHost, type PsVal } from './scope';
import { strLit, type PsArg, type PsElement, type PsExpr, type PsStatement } from './syntax';

const MAX_CALL_DEPTH = 8;

export class PsWalker implements PsHost {
  /** `$ErrorActionPreference = 'Stop'`: Write-Error ends the script. */
  errexit: boolean;
  private callDepth = 0;
  /** Function bodies walked in this script: every call is walked, up to this many (hostile fan-out stays bounded). */
  private callsLeft = 256;
  /** Range of the outermost helper-function call being walked. */
  callSite: Range | null = null;
  /** Inside `try { }` whose `catch` does not fail: a throw there does not stop the build. */
  swallowed = false;
  /** Statement nesting (blocks, functions): fixes are offered only for top-level statements. */
  nesting = 0;
  /** The checks in `if` conditions (checks.ts). */
  private readonly checks = new PsChecks(this);

  constructor(
    readonly ctx: WalkContext,
    readonly src: string,
    readonly rangeAt: (start: number, end: number) => Range,
    /** Offsets map to document positions exactly (fixes may insert text). */
    readonly exact: boolean,
  ) {
    this.errexit = ctx.st.errexit;
  }

  text(e: { start: number; end: number }): string {
    return this.src.slice(e.start, e.end);
  }

  rangeOf(e: { start: number; end: number }): Range {
    return this.callSite ?? this.rangeAt(e.start, e.end);
  }

  newDownload(tool: string, urlExpr: PsExpr, url: PsVal, kind: Download['kind'] = 'file'): Download {
    const written = this.text(urlExpr).replace(/^(['"])(.*)\1$/s, '$2');
    const resolved = url.v.resolved && url.v.trust !== 'fetched' && url.v.trust !== 'unknown' ? url.v.text : null;
    const d = this.ctx.newDownload(tool, written, resolved, this.rangeOf(urlExpr), kind);
    if (this.callSite !== null) d.inHelper = true;
    if (url.v.resolved && url.v.alternatives.length > 1) d.alternatives = url.v.alternatives;
    if (url.v.trust === 'fetched') this.ctx.note(d, 'its URL (the version) is resolved at build time from another download, so what gets fetched can change from build to build');
    if (resolved !== null && /^http:\/\//i.test(resolved) && !/^http:\/\/(?:localhost|127\.|\[::1\])/i.test(resolved)) this.ctx.insecureHttp(resolved, written, this.rangeOf(urlExpr));
    return d;
  }

  // ---- statements -----------------------------------------------------------------------------------

  statements(list: readonly PsStatement[], scope: PsScope): PsVal {
    let last: PsVal = PS_UNKNOWN;
    for (const s of list) last = this.statement(s, scope);
    return last;
  }

  nested<T>(fn: () => T): T {
    this.nesting++;
    try {
      return fn();
    } finally {
      this.nesting--;
    }
  }

  statement(s: PsStatement, scope: PsScope): PsVal {
    switch (s.k) {
      case 'pipeline':
        return this.pipeline(s.elems, scope, s);
      case 'assign': {
        const v = this.statement(s.value, scope);
        const t = s.target;
        if (t.k === 'var') {
          scope.set(t.name, v);
          if (t.name === 'erroractionpreference') this.errexit = /^stop$/i.test(v.v.text);
        } else if (t.k === 'member' && t.name === 'servercertificatevalidationcallback') {
          this.ctx.insecureFlag('ServerCertificateValidationCallback', '`ServerCertificateValidationCallback` is replaced, which turns off TLS certificate verification', this.rangeOf(s), 'a man-in-the-middle can serve any content', 'remove the callback; add a private CA to the certificate store instead');
        }
        return v;
      }
      case 'if':
        this.ifStatement(s, scope);
        return PS_UNKNOWN;
      case 'function':
        scope.functions.set(s.name, { params: s.params, body: s.body });
        return PS_UNKNOWN;
      case 'loop': {
        if (s.variable !== null && s.over !== null) scope.set(s.variable, this.expr(s.over, scope));
        this.nested(() => {
          this.statements(s.header, scope);
          this.statements(s.body, scope);
        });
        return PS_UNKNOWN;
      }
      case 'try': {
        const catches = s.handlers.map((h) => this.checks.blockFate(h, scope));
        const saved = this.swallowed;
        if (s.handlers.length > 0 && catches.every((c) => c.fate !== 'fails')) this.swallowed = true;
        this.nested(() => this.statements(s.body, scope));
        this.swallowed = saved;
        for (const h of s.handlers) this.nested(() => this.statements(h, scope));
        return PS_UNKNOWN;
      }
      case 'flow':
        if (s.arg !== null) this.statement(s.arg, scope);
        return PS_UNKNOWN;
      case 'chain':
        for (const i of s.items) this.statement(i, scope);
        return PS_UNKNOWN;
    }
  }

  private pipeline(elems: readonly PsElement[], scope: PsScope, stmt: PsStatement): PsVal {
    let input: PsVal | null = null;
    for (let i = 0; i < elems.length; i++) {
      const el = elems[i] as PsElement;
      input = el.k === 'expr' ? this.expr(el.e, scope) : this.command(el, scope, input, { stmt, index: i, count: elems.length });
    }
    return input ?? PS_UNKNOWN;
  }

  /** Runs a command: a helper function, or a cmdlet/tool from the table. */
  command(el: PsElement & { k: 'cmd' }, scope: PsScope, input: PsVal | null, at: { stmt: PsStatement; index: number; count: number }): PsVal {
    const nameVal = el.name.k === 'str' && el.invoke === '' ? psText(strLit(el.name)) : this.expr(el.name, scope);
    const name = el.invoke === '' ? nameVal.v.text.toLowerCase() : '';
    const fn = name !== '' ? scope.functions.get(name) : undefined;
    if (fn !== undefined) return this.callFunction(fn, el, scope);
    return runCommand(this, { el, name, nameVal, scope, input, stmt: at.stmt, index: at.index, count: at.count });
  }

  private callFunction(fn: PsFunction, el: PsElement & { k: 'cmd' }, scope: PsScope): PsVal {
    if (this.callDepth >= MAX_CALL_DEPTH || this.callsLeft-- <= 0) return PS_UNKNOWN;
    const inner = new PsScope(scope);
    const positional: PsVal[] = [];
    const args = el.args;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as PsArg;
      if (a.k === 'param') {
        const p = fn.params.find((x) => x === a.name) ?? fn.params.find((x) => x.startsWith(a.name));
        const next = args[i + 1];
        const value = a.inline !== null ? this.expr(a.inline, scope) : next !== undefined && next.k === 'value' ? this.expr(next.e, scope) : psText('True');
        if (a.inline === null && next !== undefined && next.k === 'value') i++;
        if (p !== undefined) inner.vars.set(p, value);
        continue;
      }
      positional.push(this.expr(a.e, scope));
    }
    const free = fn.params.filter((p) => !inner.vars.has(p));
    free.forEach((p, i) => inner.vars.set(p, positional[i] ?? PS_UNKNOWN));
    inner.vars.set('args', { v: val(positional.map((p) => p.v.text).join(' '), positional.reduce<Trust>((t, p) => worst(t, p.v.trust), 'literal')), obj: null, of: null });
    this.callDepth++;
    const outer = this.callSite;
    this.callSite ??= this.rangeAt(el.start, el.end);
    const out = this.nested(() => this.statements(fn.body, inner));
    this.callSite = outer;
    this.callDepth--;
    return out;
  }

  // ---- expressions ----------------------------------------------------------------------------------

  expr(e: PsExpr, scope: PsScope): PsVal {
    switch (e.k) {
      case 'str': {
        if (e.quote === 'single') return psText((e.parts[0] as { lit?: string } | undefined)?.lit ?? '');
        let text = '';
        let trust: Trust = 'literal';
        let resolved = true;
        let fetched: Download | null = null;
        let hashOf: string | null = null;
        for (const p of e.parts) {
          if ('lit' in p) {
            text += p.lit;
            continue;
          }
          const v = this.expr(p.expr, scope);
          text += v.v.resolved ? v.v.text : this.text(p.expr);
          trust = worst(trust, v.v.trust);
          resolved &&= v.v.resolved;
          fetched ??= v.v.fetched;
          hashOf ??= v.v.hashOf;
          // "$($h.Hash)" is still the hash.
          if (e.parts.length === 1 && v.obj !== null) return v;
        }
        return psText(text, trust, { resolved, fetched, hashOf });
      }
      case 'var':
        return this.variable(e.name, scope, this.text(e));
      case 'paren':
        return this.nested(() => this.statements(e.body, scope));
      case 'bin':
        return this.binary(e, scope);
      case 'not': {
        let inner: PsExpr = e.e;
        while (inner.k === 'not') inner = inner.e;
        this.expr(inner, scope);
        return psText('');
      }
      case 'member':
        return this.member(e, scope);
      case 'index':
        return this.expr(e.target, scope);
      case 'type':
        return psText(`[${e.name}]`);
      case 'cast': {
        let inner: PsExpr = e.e;
        while (inner.k === 'cast') inner = inner.e;
        return this.expr(inner, scope);
      }
      case 'array': {
        const items = e.items.map((x) => this.expr(x, scope));
        return psText(
          items.map((i) => i.v.text).join(' '),
          items.reduce<Trust>((t, i) => worst(t, i.v.trust), 'literal'),
          { resolved: items.every((i) => i.v.resolved), alternatives: items.map((i) => i.v.text) },
        );
      }
      case 'block':
        return PS_UNKNOWN;
      case 'hash':
        return PS_UNKNOWN;
      case 'num':
        return psText(e.text);
    }
  }

  private variable(name: string, scope: PsScope, written: string): PsVal {
    const own = scope.get(name);
    if (own !== undefined) return own;
    if (name.startsWith('env:')) {
      const v = this.ctx.expandDocker('${' + envName(this.src, written) + '}');
      if (v.resolved) return { v: val(v.text, 'dockerfile'), obj: null, of: null };
      return { v: val(written, 'unknown', { resolved: false }), obj: null, of: null };
    }
    if (name === 'true' || name === 'false' || name === 'null') return psText(name === 'null' ? '' : name === 'true' ? 'True' : 'False');
    return { v: val(written, 'unknown', { resolved: false }), obj: null, of: null };
  }

  private binary(top: PsExpr & { k: 'bin' }, scope: PsScope): PsVal {
    // `a + b + c …` parses left-deep: walk the left spine in a loop, then fold (long chains stay flat).
    const spine: (PsExpr & { k: 'bin' })[] = [];
    let base: PsExpr = top;
    while (base.k === 'bin') {
      spine.push(base);
      base = base.left;
    }
    let acc = this.expr(base, scope);
    for (let i = spine.length - 1; i >= 0; i--) acc = this.apply(spine[i] as PsExpr & { k: 'bin' }, acc, scope);
    return acc;
  }

  private apply(e: PsExpr & { k: 'bin' }, l: PsVal, scope: PsScope): PsVal {
    const r = this.expr(e.right, scope);
    const trust = worst(l.v.trust, r.v.trust);
    const resolved = l.v.resolved && r.v.resolved;
    const fetched = l.v.fetched ?? r.v.fetched;
    switch (e.op) {
      case '+':
        return psText(l.v.text + r.v.text, trust, { resolved, fetched });
      case '-f': {
        const args = e.right.k === 'array' ? e.right.items.map((x) => this.expr(x, scope)) : [r];
        const text = l.v.text.replace(/\{(\d+)(?:[,:][^}]*)?\}/g, (m, i: string) => {
          const a = args[Number(i)];
          return a === undefined ? m : a.v.resolved ? a.v.text : this.textOfArg(e.right, Number(i));
        });
        return psText(text, args.reduce<Trust>((t, a) => worst(t, a.v.trust), l.v.trust), { resolved: l.v.resolved && args.every((a) => a.v.resolved), fetched });
      }
      case '-join':
        return psText(l.v.alternatives.join(r.v.text), trust, { resolved, fetched });
      case '-replace': {
        if (e.right.k === 'array' && e.right.items.length === 2 && l.v.resolved) {
          const [pat, rep] = e.right.items.map((x) => this.expr(x, scope).v.text) as [string, string];
          try {
            return psText(l.v.text.replace(new RegExp(pat, 'gi'), rep.replace(/\$(\d)/g, '$$$1')), trust, { resolved, fetched });
          } catch {
            return psText(l.v.text, 'unknown', { resolved: false });
          }
        }
        return psText(l.v.text, worst(l.v.trust, 'unknown'), { resolved: false, fetched });
      }
      default:
        return psText('', 'literal');
    }
  }

  private textOfArg(right: PsExpr, i: number): string {
    const item = right.k === 'array' ? right.items[i] : right;
    return item === undefined ? '' : this.text(item);
  }

  private member(e: PsExpr & { k: 'member' }, scope: PsScope): PsVal {
    if (e.isStatic && e.target.k === 'type') return this.staticMember(e.target.name, e.name, e.args, scope, e);
    const t = this.expr(e.target, scope);
    const args = e.args?.map((a) => this.expr(a, scope)) ?? null;
    const name = e.name;
    if (t.obj === 'webclient' && args !== null && e.args !== null) {
      if (name === 'downloadfile' || name === 'downloadfileasync' || name === 'downloadfiletaskasync') {
        const urlExpr = e.args[0];
        const fileExpr = e.args[1];
        if (urlExpr === undefined) return PS_UNKNOWN;
        const d = this.newDownload('WebClient.DownloadFile', urlExpr, args[0] as PsVal);
        if (fileExpr !== undefined) this.output(d, (args[1] as PsVal).v, fileExpr);
        return PS_UNKNOWN;
      }
      if (name === 'downloadstring' || name === 'downloaddata' || name === 'openread') {
        const urlExpr = e.args[0];
        if (urlExpr === undefined) return PS_UNKNOWN;
        const d = this.newDownload(`WebClient.${name === 'downloadstring' ? 'DownloadString' : name === 'downloaddata' ? 'DownloadData' : 'OpenRead'}`, urlExpr, args[0] as PsVal);
        d.sink = 'metadata';
        d.status = 'metadata';
        return { v: val('', 'fetched', { fetched: d, resolved: false }), obj: null, of: null };
      }
    }
    if (t.obj === 'hash' && name === 'hash') return { v: val('', 'hash', { hashOf: t.of, resolved: false }), obj: null, of: t.of };
    if (t.obj === 'signature' && name === 'status') return { v: val('', 'literal', { resolved: false }), obj: 'sigstatus', of: t.of };
    if (t.obj === 'signature' && name === 'signercertificate') return { v: val('', 'literal', { resolved: false }), obj: 'sigcert', of: t.of };
    if (t.obj === 'sigcert' && name === 'thumbprint') return { v: val('', 'literal', { resolved: false }), obj: 'sigthumb', of: t.of };
    if (t.obj === 'response' && (name === 'content' || name === 'rawcontent')) return { v: t.v, obj: null, of: null };
    // String methods keep what the value is (a hash lower-cased is still the hash).
    if (name === 'tolower' || name === 'toupper' || name === 'tolowerinvariant' || name === 'toupperinvariant') return { ...t, v: { ...t.v, text: name.includes('lower') ? t.v.text.toLowerCase() : t.v.text.toUpperCase() } };
    if (name === 'trim' || name === 'tostring' || name === 'trimend' || name === 'trimstart') return t;
    if (name === 'replace' && args !== null && args.length === 2 && t.v.resolved) return { ...t, v: { ...t.v, text: t.v.text.split((args[0] as PsVal).v.text).join((args[1] as PsVal).v.text) } };
    if (name === 'substring' || name === 'split') return { v: val(t.v.text, worst(t.v.trust, 'unknown'), { resolved: false, fetched: t.v.fetched, hashOf: t.v.hashOf }), obj: null, of: null };
    if (name === 'equals' && args !== null && args.length === 1) return psText('');
    return { v: val('', t.v.trust === 'fetched' ? 'fetched' : 'unknown', { resolved: false, fetched: t.v.fetched }), obj: null, of: null };
  }

  private staticMember(type: string, name: string, argExprs: readonly PsExpr[] | null, scope: PsScope, e: PsExpr): PsVal {
    const args = argExprs?.map((a) => this.expr(a, scope)) ?? [];
    const t = type.replace(/^system\./, '');
    if ((t === 'net.webclient' || t === 'webclient') && name === 'new') return { v: val('', 'literal'), obj: 'webclient', of: null };
    if ((t === 'io.path' || t === 'path') && name === 'combine') {
      return psText(args.map((a) => a.v.text).join('\\'), args.reduce<Trust>((x, a) => worst(x, a.v.trust), 'literal'), { resolved: args.every((a) => a.v.resolved) });
    }
    if (t === 'environment' && name === 'getenvironmentvariable' && args[0] !== undefined) return this.variable(`env:${args[0].v.text.toLowerCase()}`, scope, `$env:${args[0].v.text}`);
    if ((t === 'io.file' || t === 'file') && (name === 'readalltext' || name === 'readalllines')) return this.fileContent(args[0]?.v.text ?? '');
    if (t === 'management.automation.signaturestatus' || t === 'signaturestatus') return psText(name === 'valid' ? 'Valid' : name);
    return { v: val(this.text(e), 'unknown', { resolved: false }), obj: null, of: null };
  }

  /** The content of a file, as trustworthy as its origin. */
  fileContent(path: string): PsVal {
    const f = this.ctx.fileState(path);
    if (f !== undefined && f.origin === 'download' && f.downloads.some((d) => d.status !== 'verified')) return { v: val('', 'fetched', { fetched: f.downloads[0] ?? null, resolved: false }), obj: null, of: null };
    if (f !== undefined) return psText('', 'literal', { resolved: false });
    return PS_UNKNOWN;
  }

  /** Records the file a download writes to. */
  output(d: Download, file: Val, expr: PsExpr): void {
    const name = file.resolved || file.text !== '' ? file.text : this.text(expr);
    d.outputs.push(name);
    this.ctx.addFile(name, d);
  }

  // ---- checks -----------------------------------------------------------------------------------------

  private ifStatement(s: PsStatement & { k: 'if' }, scope: PsScope): void {
    s.clauses.forEach((c, k) => {
      const atoms: CheckAtom[] = [];
      if (c.cond !== null) {
        if (c.cond.k === 'pipeline' && c.cond.elems.length === 1 && c.cond.elems[0]?.k === 'expr') this.checks.condition(c.cond.elems[0].e, scope, true, atoms);
        else this.statement(c.cond, scope);
      }
      const later = s.clauses.slice(k + 1);
      const onTrue = this.checks.blockFate(c.body, scope);
      const onFalse: Outcome = later.length > 0 ? { fate: 'none', text: '' } : s.elseBody !== null ? this.checks.blockFate(s.elseBody, scope) : { fate: 'continues', text: 'no else branch' };
      for (const a of atoms) this.checks.apply(a, a.mismatchWhen ? onTrue : onFalse);
    });
    // Branches share the script's scope (PowerShell blocks do not make one): a variable set in several
    // branches may hold any of their values afterwards.
    const bodies = [...s.clauses.map((c) => c.body), ...(s.elseBody !== null ? [s.elseBody] : [])];
    const before = new Map(scope.vars);
    const merged = new Map<string, PsVal>();
    for (const body of bodies) {
      scope.vars.clear();
      for (const [k, v] of before) scope.vars.set(k, v);
      this.nested(() => this.statements(body, scope));
      for (const [k, v] of scope.vars) {
        if (before.get(k) === v) continue;
        const prev = merged.get(k);
        merged.set(k, prev === undefined ? v : { ...prev, v: val(prev.v.text, worst(prev.v.trust, v.v.trust), { alternatives: [...prev.v.alternatives, ...v.v.alternatives], resolved: prev.v.resolved && v.v.resolved, fetched: prev.v.fetched ?? v.v.fetched, hashOf: prev.v.hashOf ?? v.v.hashOf }) });
      }
    }
    scope.vars.clear();
    for (const [k, v] of before) scope.vars.set(k, v);
    // Without an else branch the variable may also keep its old value.
    for (const [k, v] of merged) {
      const old = before.get(k);
      scope.vars.set(k, s.elseBody === null && old !== undefined ? { ...v, v: val(v.v.text, worst(v.v.trust, old.v.trust), { alternatives: [...v.v.alternatives, ...old.v.alternatives], resolved: v.v.resolved && old.v.resolved, fetched: v.v.fetched ?? old.v.fetched }) } : v);
    }
  }

  /** A file named by a value, for tracking (its text, or the expression as written when unknown). */
  fileName(v: PsVal, e: PsExpr): string {
    return v.v.resolved || v.v.text !== '' ? v.v.text.replace(/^(['"])(.*)\1$/s, '$2') : this.text(e);
  }
}

/** The ENV name as written in `$env:Name` / `${env:Name}`. */
function envName(_src: string, written: string): string {
  const m = /env:([A-Za-z_][A-Za-z0-9_]*)/i.exec(written);
  return m?.[1] ?? '';
}
