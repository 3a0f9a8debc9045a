// Download dataflow: follows every fetch in a stage to its output files and on to a verification or a use.
//
// Per stage, instructions are walked in order with the stage's ARG/ENV values. RUN scripts are parsed
// (shell/parse.ts) and walked with a small symbolic environment: shell variables carry a text value and a
// trust level (literal / from the Dockerfile / fetched during the build / a computed hash), so an expected
// checksum can be told apart from one fetched from the download server. Files are tracked by path and
// basename across the whole stage, so a check in a later RUN counts.
import type { DockerfileModel } from '../model';
import { allCommands, parseShellShared, type ShCommand, type ShList, type ShNode, type ShRedirect, type ShScript, type ShWord } from '../shell/parse';
import { isPosixShell, isPowerShell, isWindowsImage, parseExecForm, runScript, shellKindOf, type ScriptText, type ShellKind } from '../shell/source';
import type { Instruction } from '../syntax';
import { rangeKey, type Range } from '../types';
import { analyzePowerShell } from './powershell';
import type { AptSource, Download, DownloadAnalysis, InsecureUse, KeyProblem, Sink } from './types';
import { globalVars, StageVars } from './vars';

export type Trust = 'literal' | 'dockerfile' | 'unknown' | 'fetched' | 'hash';

export interface Val {
  readonly text: string;
  readonly trust: Trust;
  /** All values it may take (for-loop lists, case arms), when known. */
  readonly alternatives: readonly string[];
  /** For trust = hash: the file whose hash it is. */
  readonly hashOf: string | null;
  /** For trust = fetched: the download that produced it. */
  readonly fetched: Download | null;
  /** True when every variable in it had a value. */
  readonly resolved: boolean;
}

const HEX40 = /^(?:0x)?[0-9A-Fa-f]{40}$/;
const VERIFICATION_MATERIAL = /(?:\.(?:asc|sig|sign|minisig|sha(?:1|256|512)(?:sum)?|md5|sum|sigstore|bundle|pem|crt)|SHA\d*SUMS?(?:\.txt)?|[_-]checksums?\.txt)$/i;
const HEX_DIGEST = /^[0-9A-Fa-f]{32,128}$/;
export const SHELL_INTERPRETERS = /^(?:.*\/)?(?:sh|bash|ash|dash|zsh|ksh|mksh|fish|python[0-9.]*|perl|ruby|node|nodejs|php[0-9.]*|pwsh|powershell|tclsh|lua|Rscript)$/;
const EXTRACTORS = /^(?:.*\/)?(?:tar|bsdtar|unzip|gunzip|gzip|xz|unxz|bunzip2|bzip2|zstd|cpio|7z|7za|jar|busybox)$/;
const FILTERS = /^(?:.*\/)?(?:grep|egrep|fgrep|sed|awk|gawk|mawk|jq|yq|cut|head|tail|tr|sort|uniq|xargs|wc|cat|base64|rev|column|python3?)$/;
const HASHERS = /^(?:.*\/)?(sha(?:1|224|256|384|512)sum|md5sum|b2sum|shasum|cksum)$/;
const KEYRING_DIR = /(?:\/etc\/apt\/trusted\.gpg(?:\.d)?|\/usr\/share\/keyrings\/|\/etc\/apt\/keyrings\/|\/etc\/apk\/keys\/|\/etc\/pki\/rpm-gpg\/|\.gpg$|\.gpg\.key$)/;
const DISTRO_HOSTS = /^(?:https?:\/\/)(?:deb\.debian\.org|security\.debian\.org|ftp(?:\.[a-z]{2})?\.debian\.org|httpredir\.debian\.org|http\.debian\.net|archive\.debian\.org|deb\.debian\.org\/debian-security|(?:[a-z]{2}\.)?archive\.ubuntu\.com|security\.ubuntu\.com|ports\.ubuntu\.com|old-releases\.ubuntu\.com|mirrors\.kernel\.org\/(?:debian|ubuntu))(?:[/:]|$)/;

interface FileState {
  /** download: fetched; context: from the build context; written: created by the script; signed: checked by gpg. */
  origin: 'download' | 'context' | 'written' | 'signed';
  downloads: Download[];
  /** written: checksum entries it holds (hash trust, file name). */
  entries: { trust: Trust; name: string; fetched: Download | null }[] | null;
}

interface StageState {
  readonly stageIndex: number;
  readonly files: Map<string, FileState>;
  /** gpg keyring: a key pinned by fingerprint or from the context is present. */
  trustedKeys: boolean;
  /** Keys imported from unverified downloads (waiting for a fingerprint filter). */
  untrustedKeys: Download[];
  readonly repos: Download[];
  readonly vars: StageVars;
  shell: ShellKind;
}

class Env {
  readonly vars = new Map<string, Val>();
  readonly functions: Map<string, ShNode>;
  positional: Val[] = [];
  constructor(readonly parent: Env | null, functions?: Map<string, ShNode>) {
    this.functions = functions ?? parent?.functions ?? new Map();
  }
  get(name: string): Val | undefined {
    return this.vars.get(name) ?? this.parent?.get(name);
  }
}

function val(text: string, trust: Trust, extra: Partial<Val> = {}): Val {
  return { text, trust, alternatives: extra.alternatives ?? [text], hashOf: extra.hashOf ?? null, fetched: extra.fetched ?? null, resolved: extra.resolved ?? true };
}

const TRUST_RANK: Record<Trust, number> = { literal: 0, dockerfile: 1, hash: 2, unknown: 3, fetched: 4 };

function worst(a: Trust, b: Trust): Trust {
  return TRUST_RANK[a] >= TRUST_RANK[b] ? a : b;
}

export function basename(p: string): string {
  const clean = p.replace(/[\\/]+$/, '');
  const i = Math.max(clean.lastIndexOf('/'), clean.lastIndexOf('\\'));
  return i >= 0 ? clean.slice(i + 1) : clean;
}

function urlBasename(url: string): string {
  const noQuery = url.replace(/[?#].*$/, '');
  return basename(noQuery);
}

export function isUrl(s: string): boolean {
  return /^(?:https?|ftp):\/\//i.test(s) || /^\$\{?[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}?(?:\/|$)/.test(s) === false && /^(?:https?|ftp):/i.test(s);
}

function looksLikeUrlWord(text: string, resolved: string | null): boolean {
  if (/^(?:https?|ftp):\/\//i.test(resolved ?? '')) return true;
  if (/^(?:https?|ftp):\/\//i.test(text)) return true;
  // A URL held entirely in a variable ("$URL", "${BINARY_URL}.sig"): the variable name or value says so.
  if (/^\$\{?[A-Za-z_][A-Za-z0-9_]*/.test(text)) return true;
  return false;
}

/** Analyzes every stage of the model. Pure; never throws (errors become an empty analysis for that stage). */
export function runAnalysis(model: DockerfileModel): DownloadAnalysis {
  const out = new Collector();
  const globals = globalVars(model);
  const escape = model.directives.escape;
  for (const stage of model.stages) {
    try {
      const imageText = stage.from.from?.image?.value ?? '';
      const state: StageState = {
        stageIndex: stage.index,
        files: new Map(),
        trustedKeys: false,
        untrustedKeys: [],
        repos: [],
        vars: new StageVars(globals, escape),
        shell: escape === '`' || isWindowsImage(imageText) ? 'cmd' : 'posix',
      };
      const first = out.downloads.length;
      for (const ins of stage.instructions) {
        if (ins.keyword === 'FROM') continue;
        new InstructionWalker(model, state, ins, out).run();
      }
      // A detached signature or checksum file that nothing uses is inert: nothing runs or installs it.
      for (const d of out.downloads.slice(first)) {
        if (d.status === 'unverified' && d.kind === 'file' && d.sink === 'file' && d.uses.length === 0 && d.outputs.length > 0 && d.outputs.every((o) => VERIFICATION_MATERIAL.test(o))) d.status = 'material';
      }
    } catch (err) {
      out.parseErrors.set(stage.from.startLine, [`internal: ${err instanceof Error ? err.message : String(err)}`]);
    }
  }
  return { downloads: out.downloads, insecure: out.insecure, keyProblems: out.keyProblems, aptSources: out.aptSources, parseErrors: out.parseErrors };
}

export class Collector {
  readonly downloads: Download[] = [];
  readonly insecure: InsecureUse[] = [];
  readonly keyProblems: KeyProblem[] = [];
  readonly aptSources: AptSource[] = [];
  readonly parseErrors = new Map<number, string[]>();
  private seen = new Set<string>();
  nextId = 0;
  /** Dedupes findings produced twice (function bodies walked per call). */
  once(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}

export class InstructionWalker {
  private script: ScriptText | null = null;
  /** Downloads created by this instruction. */
  readonly local: Download[] = [];
  private callDepth = 0;

  constructor(readonly model: DockerfileModel, readonly st: StageState, readonly ins: Instruction, readonly out: Collector) {}

  run(): void {
    const ins = this.ins;
    switch (ins.keyword) {
      case 'ARG':
      case 'ENV':
        this.st.vars.apply(ins);
        return;
      case 'SHELL': {
        const argv = parseExecForm(ins.argsText.trim());
        if (argv !== null) this.st.shell = shellKindOf(argv);
        return;
      }
      case 'COPY':
        this.copy();
        return;
      case 'ADD':
        this.add();
        return;
      case 'RUN':
        this.runInstruction();
        return;
      default:
        return;
    }
  }

  // ---- COPY / ADD ---------------------------------------------------------------------------------

  private copy(): void {
    if (this.ins.flags.some((f) => f.name.toLowerCase() === 'from')) return;
    // Files from the build context are trusted material (checksum lists, keys shipped with the source).
    for (const a of this.ins.args) this.setFile(a.value.replace(/^["']|["']$/g, ''), { origin: 'context', downloads: [], entries: null });
  }

  private add(): void {
    const ins = this.ins;
    const args = ins.args;
    if (args.length < 2) return;
    const dest = (args[args.length - 1] as { value: string }).value;
    const checksum = ins.flags.find((f) => f.name.toLowerCase() === 'checksum');
    const fromFlag = ins.flags.some((f) => f.name.toLowerCase() === 'from');
    if (fromFlag) return;
    for (const a of args.slice(0, -1)) {
      const raw = a.value.replace(/^["']|["']$/g, '');
      const ex = this.expandDocker(raw);
      const resolved = ex.resolved ? ex.text : null;
      const probe = resolved ?? raw;
      const isGit = /^git@|^git:\/\/|^ssh:\/\/|\.git(?:#|$)|^https?:\/\/[^#]*\.git#/i.test(probe) || (/^https?:\/\/(?:github\.com|gitlab\.com)\/[^/]+\/[^/]+\/?(?:#.*)?$/i.test(probe) && probe.includes('#'));
      const isHttp = /^(?:https?|ftp):\/\//i.test(probe);
      if (!isGit && !isHttp) {
        this.setFile(raw, { origin: 'context', downloads: [], entries: null });
        continue;
      }
      const insertAt: Range = { start: ins.keywordRange.end, end: ins.keywordRange.end };
      const d = this.newDownload('ADD', raw, resolved, a.range, isGit ? 'git' : 'file', insertAt);
      if (isGit) {
        const frag = probe.includes('#') ? probe.slice(probe.indexOf('#') + 1).split(':')[0] ?? '' : '';
        d.gitRef = frag === '' ? null : frag;
        if (HEX40.test(frag)) this.verify(d, `ADD of git commit ${frag}`);
        else if (checksum !== undefined && checksum.value !== null && HEX40.test(this.expandDocker(checksum.value).text)) this.verify(d, 'ADD --checksum pins the git commit');
      } else if (checksum !== undefined && checksum.value !== null && checksum.value !== '') {
        this.verify(d, `ADD --checksum=${checksum.value}`);
      }
      if (isHttp && /^http:\/\//i.test(probe) && !isLoopback(probe)) this.insecureHttp(probe, raw, a.range, ins);
      const target = dest.endsWith('/') ? dest + urlBasename(probe) : dest;
      d.outputs.push(target);
      this.addFile(target, d);
    }
  }

  // ---- RUN ----------------------------------------------------------------------------------------

  private runInstruction(): void {
    const s = runScript(this.ins, this.model.lines, this.model.directives.escape);
    if (s === null) return;
    this.script = s;
    let kind = this.st.shell;
    if (s.argv !== null) {
      const a0 = s.argv[0] ?? '';
      if (isPowerShell(a0)) {
        analyzePowerShell(this, s.argv.slice(1).join(' '), () => this.ins.args[0]?.range ?? this.ins.range);
        return;
      }
      if (isPosixShell(a0) && s.argv.includes('-c')) {
        const script = s.argv[s.argv.indexOf('-c') + 1] ?? '';
        this.walkScript(parseShellShared(script), new Env(null));
        return;
      }
      // A plain exec: one command, no shell.
      const words = s.argv.map((a, i) => plain(a, i));
      this.walkScript({ body: { type: 'list', items: [{ type: 'cmd', assigns: [], words, redirects: [], start: 0, end: s.text.length }] }, start: 0, end: s.text.length, errors: [] }, new Env(null));
      return;
    }
    if (kind === 'powershell') {
      analyzePowerShell(this, s.text, (start, end) => s.rangeOf(start, end));
      return;
    }
    if (kind === 'cmd' && /^\s*(?:powershell|pwsh)(?:\.exe)?\b/i.test(s.text)) kind = 'powershell';
    if (kind === 'powershell') {
      analyzePowerShell(this, s.text, (start, end) => s.rangeOf(start, end));
      return;
    }
    const parsed = parseShellShared(s.text);
    if (parsed.errors.length > 0) this.out.parseErrors.set(this.ins.startLine, [...parsed.errors]);
    this.walkScript(parsed, new Env(null));
    // A verification command hidden in a comment line inside the continuation never runs.
    for (const c of s.droppedComments) {
      if (/\b(?:sha(?:1|256|384|512)sum|shasum|md5sum)\b[^#]*(?:-c\b|--check)|\bgpg\b.*--verify|\bcosign\s+verify|\bminisign\b/.test(c)) {
        for (const d of this.local) if (d.status === 'unverified') d.weak.push(`the check \`${c.replace(/^#\s*/, '')}\` is commented out (the builder drops comment lines inside a continuation)`);
      }
    }
  }

  rangeOf(w: { start: number; end: number }): Range {
    if (this.script === null) return this.ins.range;
    return this.script.rangeOf(w.start, w.end);
  }

  private walkScript(script: ShScript, env: Env): void {
    this.walkList(script.body, env);
  }

  private walkList(list: ShList, env: Env): void {
    for (const item of list.items) this.walkNode(item, env, null);
  }

  /** `next`: the || alternative that runs when this node fails (to spot `check || true`). */
  private walkNode(node: ShNode, env: Env, orElse: ShNode | null): void {
    switch (node.type) {
      case 'cmd':
        this.command(node, env, [node], 0, orElse);
        return;
      case 'pipeline': {
        const cmds = node.items;
        for (let i = 0; i < cmds.length; i++) {
          const c = cmds[i] as ShNode;
          if (c.type === 'cmd') this.command(c, env, cmds, i, orElse);
          else this.walkNode(c, env, orElse);
        }
        return;
      }
      case 'andor':
        for (let i = 0; i < node.items.length; i++) {
          const op = node.ops[i];
          this.walkNode(node.items[i] as ShNode, env, op === '||' ? (node.items[i + 1] as ShNode) : null);
        }
        return;
      case 'list':
        this.walkList(node, env);
        return;
      case 'group':
      case 'subshell':
        this.walkList(node.body, env);
        return;
      case 'if':
        for (const c of node.clauses) {
          this.walkList(c.cond, env);
          this.walkList(c.body, env);
        }
        if (node.elseBody !== null) this.walkList(node.elseBody, env);
        return;
      case 'for': {
        if (node.name !== null) {
          const alts: string[] = [];
          let trust: Trust = 'literal';
          const words = node.words ?? [];
          for (const w of words) {
            const v = this.expandWord(w, env);
            trust = worst(trust, v.trust);
            // Unquoted lists split on whitespace ($GPG_KEYS holding several fingerprints).
            for (const a of v.alternatives) alts.push(...a.split(/\s+/).filter((x) => x !== ''));
          }
          env.vars.set(node.name, val(alts[0] ?? '', words.length === 0 ? 'unknown' : trust, { alternatives: alts }));
        }
        this.walkList(node.body, env);
        return;
      }
      case 'while':
      case 'until':
        if (node.cond !== null) this.walkList(node.cond, env);
        this.walkList(node.body, env);
        return;
      case 'case': {
        // Every arm may run (per-architecture selection): merge what each arm assigns.
        const before = new Map(env.vars);
        const merged = new Map<string, Val>();
        for (const arm of node.arms) {
          for (const [k, v] of before) env.vars.set(k, v);
          for (const k of [...env.vars.keys()]) if (!before.has(k)) env.vars.delete(k);
          this.walkList(arm.body, env);
          for (const [k, v] of env.vars) {
            if (before.get(k) === v) continue;
            const prev = merged.get(k);
            merged.set(k, prev === undefined ? v : val(prev.text, worst(prev.trust, v.trust), { alternatives: [...prev.alternatives, ...v.alternatives], hashOf: prev.hashOf ?? v.hashOf, fetched: prev.fetched ?? v.fetched, resolved: prev.resolved && v.resolved }));
          }
        }
        for (const [k, v] of before) env.vars.set(k, v);
        for (const [k, v] of merged) env.vars.set(k, v);
        return;
      }
      case 'function':
        env.functions.set(node.name, node.body);
        return;
    }
  }

  // ---- expansion ----------------------------------------------------------------------------------

  /** Expands Dockerfile variables only (ADD arguments, flags). */
  expandDocker(text: string): Val {
    return this.expandText(text, null, []);
  }

  expandWord(w: ShWord, env: Env): Val {
    const subVals = w.subs.map((s) => this.evalSubst(s, env));
    return this.expandText(w.text, env, subVals);
  }

  /** Expands `$X`, `${X…}`, `$1`; substitutions take the values in `subVals`, in order. */
  expandText(text: string, env: Env | null, subVals: Val[]): Val {
    // Most words hold no expansion at all: skip the scan (this runs on every keystroke).
    if (!text.includes('$') && !text.includes('`')) return val(text, 'literal');
    let trust: Trust = 'literal';
    let resolved = true;
    let hashOf: string | null = null;
    let fetched: Download | null = null;
    let alternatives: string[] | null = null;
    let subIndex = 0;
    const absorb = (v: Val): void => {
      trust = worst(trust, v.trust);
      if (!v.resolved) resolved = false;
      if (v.hashOf !== null) hashOf = v.hashOf;
      if (v.fetched !== null) fetched = v.fetched;
    };
    const re = /\$\(\([\s\S]*?\)\)|\$\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)|`[^`]*`|\$\{([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?])([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?])/g;
    let outText = '';
    let last = 0;
    let singleVar: Val | null = null;
    let m: RegExpExecArray | null;
    let pieces = 0;
    while ((m = re.exec(text)) !== null) {
      outText += text.slice(last, m.index);
      if (text.slice(last, m.index) !== '') pieces++;
      last = m.index + m[0].length;
      pieces++;
      const tok = m[0];
      if (tok.startsWith('$((')) {
        resolved = false;
        outText += tok;
        continue;
      }
      if (tok.startsWith('$(') || tok.startsWith('`')) {
        const v = subVals[subIndex++] ?? val(tok, 'unknown', { resolved: false });
        absorb(v);
        singleVar = v;
        outText += v.resolved ? v.text : tok;
        continue;
      }
      const name = (m[1] ?? m[3]) as string;
      const op = m[2] ?? '';
      let v = this.lookupVar(name, env);
      if (v === undefined && /^:?-/.test(op)) v = this.expandText(op.replace(/^:?-/, ''), env, []);
      if (v === undefined) {
        resolved = false;
        trust = worst(trust, 'unknown');
        outText += tok;
        continue;
      }
      singleVar = v;
      absorb(v);
      let t = v.text;
      if (op.startsWith('%') || op.startsWith('#') || op.startsWith('/')) {
        t = applyStrip(t, op);
      }
      if (v.alternatives.length > 1) alternatives = v.alternatives.slice();
      outText += t;
    }
    outText += text.slice(last);
    if (text.slice(last) !== '') pieces++;
    if (pieces === 1 && singleVar !== null && alternatives !== null) return val(outText, trust, { alternatives, hashOf, fetched, resolved });
    return val(outText, trust, { hashOf, fetched, resolved, alternatives: alternatives !== null && pieces === 1 ? alternatives : [outText] });
  }

  private lookupVar(name: string, env: Env | null): Val | undefined {
    if (/^[0-9]$/.test(name) && env !== null) {
      const i = Number(name);
      if (i === 0) return val('sh', 'literal');
      for (let e: Env | null = env; e !== null; e = e.parent) if (e.positional.length > 0 || e.parent === null) return e.positional[i - 1];
      return undefined;
    }
    if (name === '@' || name === '*') {
      if (env === null) return undefined;
      for (let e: Env | null = env; e !== null; e = e.parent) if (e.positional.length > 0) return val(e.positional.map((p) => p.text).join(' '), e.positional.reduce<Trust>((t, p) => worst(t, p.trust), 'literal'));
      return undefined;
    }
    const sv = env?.get(name);
    if (sv !== undefined) return sv;
    const dv = this.st.vars.get(name);
    if (dv !== undefined) {
      if (dv.value === undefined) return undefined;
      return val(dv.value, 'dockerfile');
    }
    return undefined;
  }

  /** Value of a command substitution: what it prints, as far as we can tell, and how much to trust it. */
  private evalSubst(s: ShScript, env: Env): Val {
    // Words are expanded more than once (name, arguments, sinks): walk each substitution once per call frame.
    const memo = this.substMemo.get(s);
    if (memo !== undefined && memo.env === env) return memo.value;
    const value = this.evalSubstOnce(s, env);
    this.substMemo.set(s, { env, value });
    return value;
  }

  private readonly substMemo = new Map<ShScript, { env: Env; value: Val }>();

  private readonly touched: Download[][] = [];
  private readonly byKey = new Map<string, Download>();

  private evalSubstOnce(s: ShScript, env: Env): Val {
    const created: Download[] = [];
    this.touched.push(created);
    // One Env for the walk and the reads below, so nested substitutions hit the memo (hostile nesting stays linear).
    const inner = new Env(env);
    this.walkScript(s, inner);
    this.touched.pop();
    const cmds = allCommands(s, false);
    if (created.length > 0) {
      for (const d of created) if (d.sink === 'metadata') d.status = 'metadata';
      return val('', 'fetched', { fetched: created[0] ?? null, resolved: false });
    }
    const flat = (w: ShWord): string => this.expandText(w.text, inner, w.subs.map(() => val('', 'unknown', { resolved: false }))).text;
    // A hash computed over a file: `$(sha256sum f | cut -d' ' -f1)`, `$(openssl sha512 -r f)`.
    for (const c of cmds) {
      const name = cmdName(c);
      const hashFile = hashTarget(c, name, flat);
      if (hashFile !== null) return val('', 'hash', { hashOf: hashFile, resolved: false });
      if (HASHERS.test(name) || name === 'openssl') {
        // Hash of stdin: `cat f | openssl sha512 -r`, `sha256sum < f`.
        const fromRedirect = c.redirects.find((r) => r.op === '<' && r.target !== null)?.target;
        const cat = cmds.find((x) => cmdName(x) === 'cat' && x.words.length > 1);
        const src = fromRedirect ?? cat?.words[cat.words.length - 1];
        if (src !== undefined) return val('', 'hash', { hashOf: flat(src), resolved: false });
      }
    }
    // Reading a file: its content is as trustworthy as its origin.
    let trust: Trust = 'unknown';
    let fetched: Download | null = null;
    for (const c of cmds) {
      for (const w of c.words.slice(1)) {
        // Text derived from fetched text is fetched text: $(expr substr "$fetched" 1 64).
        const ex = this.expandText(w.text, inner, w.subs.map(() => val('', 'unknown', { resolved: false })));
        if (ex.trust === 'fetched') {
          trust = 'fetched';
          fetched ??= ex.fetched;
        }
        const f = this.fileState(ex.text);
        if (f === undefined) continue;
        if (f.origin === 'download' && f.downloads.some((d) => d.status !== 'verified')) {
          trust = 'fetched';
          fetched = f.downloads[0] ?? null;
        } else if (trust !== 'fetched') trust = 'literal';
      }
    }
    const echo = cmds.length === 1 ? cmds[0] : undefined;
    if (echo !== undefined && (cmdName(echo) === 'echo' || cmdName(echo) === 'printf')) {
      const parts = echo.words.slice(1).map((w) => this.expandWord(w, inner));
      return val(parts.map((p) => p.text).join(' '), parts.reduce<Trust>((t, p) => worst(t, p.trust), 'literal'), { resolved: parts.every((p) => p.resolved) });
    }
    return val('', trust, { fetched, resolved: false });
  }

  // ---- files ----------------------------------------------------------------------------------------

  private fileKeys(path: string): string[] {
    const p = path.replace(/^["']|["']$/g, '');
    const b = basename(p);
    return b === p ? [p] : [p, b];
  }

  fileState(path: string): FileState | undefined {
    if (path === '' || path === '-') return undefined;
    const p = path.replace(/^\*/, '');
    return this.st.files.get(p) ?? this.st.files.get(basename(p));
  }

  setFile(path: string, state: FileState): void {
    if (path === '' || path === '-' || path === '/dev/null') return;
    for (const k of this.fileKeys(path)) this.st.files.set(k, state);
  }

  addFile(path: string, d: Download): void {
    if (path === '' || path === '-' || path === '/dev/null') return;
    const keys = this.fileKeys(path);
    const existing = this.st.files.get(keys[0] as string);
    // Several fetches into one name (mirror loops) share the state; a fresh fetch replaces other origins.
    const state: FileState = existing !== undefined && existing.origin === 'download' ? existing : { origin: 'download', downloads: [], entries: null };
    if (!state.downloads.includes(d)) state.downloads.push(d);
    for (const k of keys) this.st.files.set(k, state);
  }

  // ---- downloads ------------------------------------------------------------------------------------

  newDownload(tool: string, url: string, resolvedUrl: string | null, range: Range, kind: Download['kind'], addInsertAt: Range | null = null): Download {
    // Function bodies are walked once per call: the same fetch at the same place is one download.
    const key = `${rangeKey(range)}|${url}|${tool}`;
    const existing = this.byKey.get(key);
    if (existing !== undefined) {
      for (const t of this.touched) t.push(existing);
      return existing;
    }
    const d: Download = {
      id: this.out.nextId++,
      instruction: this.ins,
      stageIndex: this.st.stageIndex,
      tool,
      url,
      resolvedUrl,
      range,
      kind,
      sink: 'file',
      interpreter: null,
      outputs: [],
      status: 'unverified',
      verifiedBy: null,
      weak: [],
      uses: [],
      gitRef: null,
      addInsertAt,
    };
    this.local.push(d);
    this.byKey.set(key, d);
    this.out.downloads.push(d);
    for (const t of this.touched) t.push(d);
    return d;
  }

  verify(d: Download, how: string): void {
    if (d.status === 'material') return;
    d.status = 'verified';
    d.verifiedBy ??= how;
  }

  weak(d: Download, note: string): void {
    if (!d.weak.includes(note)) d.weak.push(note);
  }

  insecureHttp(url: string, raw: string, range: Range, ins: Instruction, wordStart?: number, wordRaw?: string): void {
    if (!this.out.once(`http|${rangeKey(range)}|${url}`)) return;
    let fix: Range | null = null;
    if (wordStart !== undefined && wordRaw !== undefined && this.script !== null) {
      const i = wordRaw.search(/http:\/\//i);
      if (i >= 0) {
        const a = this.script.positionAt(wordStart + i);
        const b = this.script.positionAt(wordStart + i + 'http://'.length);
        if (a.line === b.line && (this.model.lines[a.line] ?? '').slice(a.character, b.character).toLowerCase() === 'http://') fix = { start: a, end: b };
      }
    } else if (this.script === null) {
      // ADD: the URL word is on one line as written.
      const line = this.model.lines[range.start.line] ?? '';
      const i = line.toLowerCase().indexOf('http://', range.start.character);
      if (i >= 0 && i < range.end.character + 1 && raw.toLowerCase().includes('http://')) fix = { start: { line: range.start.line, character: i }, end: { line: range.start.line, character: i + 7 } };
    }
    this.out.insecure.push({
      instruction: ins,
      range,
      what: `plain http:// download of ${url}`,
      why: 'anyone on the network path can replace the content, and nothing in the build would notice',
      how: fix !== null ? 'use https:// (quick fix available) and verify the file against a pinned checksum' : 'use an https:// URL (the http:// comes from a variable: change its value) and verify the file against a pinned checksum',
      httpsFix: fix,
      target: url,
    });
  }

  insecureFlag(flag: string, what: string, range: Range, why: string, how: string): void {
    if (!this.out.once(`flag|${rangeKey(range)}|${flag}`)) return;
    this.out.insecure.push({ instruction: this.ins, range, what, why, how, httpsFix: null, target: flag });
  }

  keyProblem(range: Range, what: string, target: string): void {
    if (!this.out.once(`key|${rangeKey(range)}|${target}`)) return;
    this.out.keyProblems.push({ instruction: this.ins, range, what, target });
  }

  // ---- commands -------------------------------------------------------------------------------------

  private command(cmd: ShCommand, env: Env, pipe: readonly ShNode[], index: number, orElse: ShNode | null): void {
    // Assignments first: NAME=value (trust follows the value).
    for (const a of cmd.assigns) {
      const v = this.expandWord(a.value, env);
      if (cmd.words.length === 0) this.assign(env, a.name, v);
    }
    if (cmd.words.length === 0) {
      // RUN <<EOF with no command: the heredoc body is the script.
      for (const r of cmd.redirects) if (r.body !== null && (r.op === '<<' || r.op === '<<-')) this.walkHeredocScript(r, env);
      this.redirectWrites(cmd, env, null);
      return;
    }
    let words = cmd.words;
    let name = basename(this.expandWord(words[0] as ShWord, env).text);
    // Wrappers that run the rest of the line as a command.
    while ((name === 'sudo' || name === 'env' || name === 'exec' || name === 'time' || name === 'nice' || name === 'command' || name === 'su-exec' || name === 'gosu' || name === 'chroot') && words.length > 1) {
      let i = 1;
      while (i < words.length && (/^-/.test((words[i] as ShWord).text) || /^[A-Za-z_][A-Za-z0-9_]*=/.test((words[i] as ShWord).text))) {
        if (name === 'sudo' && /^-[ugCDhpRrTtU]$/.test((words[i] as ShWord).text)) i++;
        if (name === 'nice' && (words[i] as ShWord).text === '-n') i++;
        i++;
      }
      if (name === 'gosu' || name === 'su-exec' || name === 'chroot') i++;
      if (i >= words.length) break;
      words = words.slice(i);
      name = basename(this.expandWord(words[0] as ShWord, env).text);
    }
    const texts = words.map((w) => this.expandWord(w, env));
    const t = texts.map((v) => v.text);
    const fn = env.functions.get(name);
    if (fn !== undefined && this.callDepth < 8) {
      this.callDepth++;
      const inner = new Env(env);
      inner.positional = texts.slice(1);
      this.walkNode(fn, inner, null);
      this.callDepth--;
      return;
    }
    switch (name) {
      case 'export':
      case 'local':
      case 'declare':
      case 'readonly':
      case 'typeset':
        for (const w of words.slice(1)) {
          const eq = w.text.indexOf('=');
          if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(w.text.slice(0, eq))) {
            const v = this.expandText(w.text.slice(eq + 1), env, w.subs.map((s) => this.evalSubst(s, env)));
            this.assign(env, w.text.slice(0, eq), v, name === 'local');
          }
        }
        return;
      case 'shift': {
        for (let e: Env | null = env; e !== null; e = e.parent) {
          if (e.positional.length > 0) {
            e.positional = e.positional.slice(Number(t[1] ?? '1') || 1);
            break;
          }
        }
        return;
      }
      case 'read':
        return;
    }
    // Substitutions inside the words were walked by expandWord; the outer command decides their fate.
    this.markSubstitutionSinks(cmd, name, words, env);
    if (name === 'curl' || name === 'curl.exe') this.curl(cmd, words, texts, env, pipe, index);
    else if (name === 'wget' || name === 'wget.exe') this.wget(cmd, words, texts, env, pipe, index);
    else if (name === 'git') this.git(words, texts);
    else if (/^pip[0-9.]*$/.test(name) || (/^python[0-9.]*$/.test(name) && t[1] === '-m' && /^pip/.test(t[2] ?? ''))) this.pip(words, texts);
    else if (name === 'apt-key') this.aptKey(cmd, words, texts, pipe, index);
    else if (name === 'gpg' || name === 'gpg2' || name === 'gpgv' || name === 'gpgv2') this.gpg(cmd, name, words, texts, env, pipe, index);
    else if (name === 'rpm' || name === 'rpmkeys') this.rpm(words, texts);
    else if (name === 'yum-config-manager' || ((name === 'dnf' || name === 'yum' || name === 'microdnf') && t.includes('config-manager'))) this.addRepo(words, texts);
    else if (HASHERS.test(name) || (name === 'openssl' && /^(?:dgst|sha256|sha512|sha384|sha1|md5)$/.test(t[1] ?? ''))) this.hashCommand(cmd, name, words, texts, env, pipe, index, orElse);
    else if (name === '[' || name === '[[' || name === 'test') this.comparison(words, env);
    else if (name === 'minisign') this.minisign(texts);
    else if (name === 'cosign' && t[1] === 'verify-blob') this.cosign(texts);
    else if (name === 'apt-get' || name === 'apt' || name === 'aptitude') this.aptGet(words, texts);
    else if (name === 'yum' || name === 'dnf' || name === 'microdnf' || name === 'tdnf' || name === 'zypper') this.yum(words, texts);
    else if (name === 'apk') this.apk(words, texts);
    else if (name === 'tee') this.tee(cmd, texts, pipe, index, env);
    else if (name === 'mv' || name === 'cp' || name === 'install' || name === 'ln') this.move(name, texts);
    else if (isPowerShell(name)) {
      const ci = t.findIndex((x) => /^-(?:c|command)$/i.test(x));
      const body = ci >= 0 ? t.slice(ci + 1).join(' ') : t.slice(1).filter((x) => !/^-/.test(x)).join(' ');
      const w0 = words[ci >= 0 ? ci + 1 : 1];
      const base = w0 !== undefined ? w0.start : cmd.start;
      analyzePowerShell(this, body, () => this.rangeOf({ start: base, end: base }));
    }
    this.uses(name, texts, cmd, pipe, index);
    if (isPosixShell(name)) {
      // `bash <<EOF` and `sh -c '…'`: the body is a script too.
      for (const r of cmd.redirects) if (r.body !== null && (r.op === '<<' || r.op === '<<-')) this.walkHeredocScript(r, env);
      const ci = t.indexOf('-c');
      const scriptWord = ci >= 0 ? words[ci + 1] : undefined;
      if (scriptWord !== undefined && scriptWord.subs.length === 0 && this.callDepth < 8) {
        this.callDepth++;
        this.walkInlineScript(scriptWord, env);
        this.callDepth--;
      }
    }
    this.redirectWrites(cmd, env, name);
  }

  private walkInlineScript(w: ShWord, env: Env): void {
    // Offsets of the inner script map to the word's start (exact columns are lost through quoting).
    const inner = parseShellShared(w.text);
    const saved = this.script;
    if (saved !== null) {
      const base = saved.rangeOf(w.start, w.start);
      this.script = { ...saved, positionAt: () => base.start, rangeOf: () => base };
    }
    this.walkScript(inner, new Env(env));
    this.script = saved;
  }

  private walkHeredocScript(r: ShRedirect, env: Env): void {
    if (r.body === null || this.callDepth >= 8) return;
    const saved = this.script;
    if (saved !== null) {
      const offset = r.bodyStart;
      this.script = { ...saved, positionAt: (o) => saved.positionAt(offset + o), rangeOf: (s, e) => saved.rangeOf(offset + s, offset + e) };
    }
    this.callDepth++;
    this.walkScript(parseShellShared(r.body), new Env(env));
    this.callDepth--;
    this.script = saved;
  }

  private assign(env: Env, name: string, v: Val, local = false): void {
    if (local) env.vars.set(name, v);
    else {
      // Assignments inside a function body write to the nearest scope that has it, else the innermost.
      for (let e: Env | null = env; e !== null; e = e.parent) {
        if (e.vars.has(name)) {
          e.vars.set(name, v);
          return;
        }
      }
      env.vars.set(name, v);
    }
  }

  /** Substitutions fetched something: into a shell (`sh -c "$(curl …)"`) or used as text (a version, a checksum). */
  private markSubstitutionSinks(cmd: ShCommand, name: string, words: readonly ShWord[], _env: Env): void {
    const shellArg = (isPosixShell(name) && words.some((w) => w.text === '-c')) || name === 'eval' || name === 'source' || name === '.';
    for (const w of [...words, ...cmd.assigns.map((a) => a.value)]) {
      if (w.subs.length === 0) continue;
      for (const d of this.local) {
        if (d.sink !== 'metadata' || !d.range || d.status === 'verified') continue;
        const inWord = this.script !== null && isInside(d.range, this.rangeOf(w));
        if (!inWord) continue;
        if (shellArg && words.includes(w)) {
          d.sink = 'shell';
          d.interpreter = name === 'eval' ? 'eval' : `${name} -c`;
          d.status = 'unverified';
        }
      }
    }
  }

  /** Where the stdout of pipe[index] ends up. */
  private stdoutSink(cmd: ShCommand, pipe: readonly ShNode[], index: number, env: Env): { sink: Sink; file: string | null; interpreter: string | null; keyTool: string | null } {
    const redirect = cmd.redirects.find((r) => (r.op === '>' || r.op === '>>' || r.op === '>|' || r.op === '&>') && (r.fd === '' || r.fd === '1'));
    if (redirect?.target) return { sink: 'file', file: this.expandWord(redirect.target, env).text, interpreter: null, keyTool: null };
    for (let i = index + 1; i < pipe.length; i++) {
      const n = pipe[i] as ShNode;
      if (n.type !== 'cmd') return { sink: 'file', file: null, interpreter: null, keyTool: null };
      let ws = n.words;
      let nm = basename(ws[0] !== undefined ? this.expandWord(ws[0], env).text : '');
      while ((nm === 'sudo' || nm === 'env' || nm === 'exec') && ws.length > 1) {
        let j = 1;
        while (j < ws.length && (/^-/.test((ws[j] as ShWord).text) || /^[A-Za-z_][A-Za-z0-9_]*=/.test((ws[j] as ShWord).text))) j++;
        ws = ws.slice(j);
        nm = basename(ws[0] !== undefined ? this.expandWord(ws[0], env).text : '');
      }
      const args = ws.slice(1).map((w) => this.expandWord(w, env).text);
      if (SHELL_INTERPRETERS.test(nm) && !(nm.startsWith('python') && args.some((a) => a === '-c' || /\.py$/.test(a) && a !== '-'))) return { sink: 'shell', file: null, interpreter: nm, keyTool: null };
      if (nm === 'iex' || /^invoke-expression$/i.test(nm)) return { sink: 'shell', file: null, interpreter: nm, keyTool: null };
      if ((nm === 'gpg' || nm === 'gpg2') && args.some((a) => /^--(?:import|dearmou?r|enarmou?r)$/.test(a) || a === '--recv-keys')) return { sink: 'key', file: null, interpreter: null, keyTool: `gpg ${args.find((a) => /^--(?:import|dearmou?r)/.test(a)) ?? ''}`.trim() };
      if (nm === 'apt-key' && args.includes('add')) return { sink: 'key', file: null, interpreter: null, keyTool: 'apt-key add' };
      if ((nm === 'rpm' || nm === 'rpmkeys') && args.includes('--import')) return { sink: 'key', file: null, interpreter: null, keyTool: `${nm} --import` };
      if (nm === 'tee') {
        const f = args.find((a) => !a.startsWith('-')) ?? null;
        if (f !== null && KEYRING_DIR.test(f)) return { sink: 'key', file: f, interpreter: null, keyTool: 'tee into a keyring' };
        if (f !== null) return { sink: 'file', file: f, interpreter: null, keyTool: null };
        continue;
      }
      if (EXTRACTORS.test(nm)) return { sink: 'extract', file: null, interpreter: nm, keyTool: null };
      if (FILTERS.test(nm) || HASHERS.test(nm)) {
        const r = n.redirects.find((x) => (x.op === '>' || x.op === '>>') && (x.fd === '' || x.fd === '1'));
        if (r?.target) return { sink: 'file', file: this.expandWord(r.target, env).text, interpreter: null, keyTool: null };
        continue;
      }
      if (nm === 'dd' || nm === 'install' || nm === 'dpkg' || nm === 'rpm') return { sink: 'extract', file: null, interpreter: nm, keyTool: null };
      return { sink: 'extract', file: null, interpreter: nm, keyTool: null };
    }
    return { sink: 'metadata', file: null, interpreter: null, keyTool: null };
  }

  private finishFetch(d: Download, out: { sink: Sink; file: string | null; interpreter: string | null; keyTool: string | null }): void {
    d.sink = out.sink;
    d.interpreter = out.interpreter;
    if (out.sink === 'metadata') d.status = 'metadata';
    if (out.sink === 'key') {
      d.kind = 'key';
      this.importKey(d, out.keyTool ?? 'key import');
    }
    if (out.file !== null) {
      d.outputs.push(out.file);
      this.addFile(out.file, d);
      if (KEYRING_DIR.test(out.file) && out.sink !== 'key') {
        d.kind = 'key';
        this.importKey(d, 'written into a keyring');
      }
    }
  }

  private importKey(d: Download, _how: string): void {
    if (d.status === 'verified') this.st.trustedKeys = true;
    else if (!this.st.untrustedKeys.includes(d)) this.st.untrustedKeys.push(d);
  }

  private curl(cmd: ShCommand, words: readonly ShWord[], texts: readonly Val[], env: Env, pipe: readonly ShNode[], index: number): void {
    const withArg = new Set(['o', 'u', 'H', 'd', 'X', 'A', 'e', 'w', 'T', 'x', 'm', 'r', 'b', 'c', 'C', 'E', 'K', 'Y', 'y', 'z', 'U', 'D', 'F', 'P', 'Q', 't']);
    const longWithArg = /^--(?:output|user|header|data(?:-\w+)?|request|user-agent|referer|write-out|upload-file|proxy|max-time|range|cookie(?:-jar)?|continue-at|cert|config|speed-limit|speed-time|time-cond|proxy-user|dump-header|form|ftp-port|quote|telnet-option|connect-timeout|retry(?:-delay|-max-time)?|proto(?:-redir|-default)?|tlsv1\.\d|ciphers|cacert|capath|resolve|output-dir|max-filesize|limit-rate|url|retry-connrefused|tls-max|interface|dns-servers|create-file-mode|variable|expand-\w+|oauth2-bearer|json|netrc-file|key|pass)$/;
    const noArgLong = /^--(?:retry-connrefused|retry-all-errors|tlsv1\.\d|compressed|fail|silent|show-error|location|insecure|remote-name|remote-name-all|progress-bar|create-dirs|http1\.1|http2|ipv4|ipv6|no-progress-meter|fail-with-body|globoff|remote-header-name|verbose|head|include|no-buffer|ssl-reqd|location-trusted|disable|compressed-ssh|tcp-nodelay|raw|no-keepalive)$/;
    const urls: { w: ShWord; v: Val; output: string | null; remoteName: boolean }[] = [];
    const outputs: (string | 'remote')[] = [];
    let outputDir = '';
    let remoteAll = false;
    let insecureWord: ShWord | null = null;
    for (let i = 1; i < words.length; i++) {
      const w = words[i] as ShWord;
      const x = (texts[i] as Val).text;
      if (x === '--') continue;
      if (x.startsWith('--')) {
        const [flag, inline] = x.includes('=') ? [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)] : [x, null];
        if (flag === '--insecure') insecureWord = w;
        if (flag === '--remote-name') outputs.push('remote');
        if (flag === '--remote-name-all') remoteAll = true;
        if (flag === '--url') {
          const n = words[i + 1];
          if (n !== undefined) urls.push({ w: n, v: texts[i + 1] as Val, output: null, remoteName: false });
          i++;
          continue;
        }
        if (noArgLong.test(flag) && !(flag === '--retry' )) continue;
        if (longWithArg.test(flag) && inline === null) {
          const arg = (texts[i + 1] as Val | undefined)?.text ?? '';
          if (flag === '--output') outputs.push(arg);
          if (flag === '--output-dir') outputDir = arg;
          i++;
        } else if (flag === '--output' && inline !== null) outputs.push(inline);
        continue;
      }
      if (x.startsWith('-') && x.length > 1) {
        // Combined short options: -fsSLo file, -kL, -O.
        for (let j = 1; j < x.length; j++) {
          const ch = x[j] as string;
          if (ch === 'k') insecureWord = w;
          if (ch === 'O') outputs.push('remote');
          if (withArg.has(ch)) {
            const rest = x.slice(j + 1);
            const arg = rest !== '' ? rest : (texts[i + 1] as Val | undefined)?.text ?? '';
            if (rest === '') i++;
            if (ch === 'o') outputs.push(arg);
            break;
          }
        }
        continue;
      }
      urls.push({ w, v: texts[i] as Val, output: null, remoteName: false });
    }
    if (insecureWord !== null) {
      this.insecureFlag('curl -k', `\`curl ${insecureWord.text}\` turns off TLS certificate verification`, this.rangeOf(insecureWord), 'a man-in-the-middle can serve any content (including the version that decides what gets downloaded)', 'remove -k/--insecure; if a private CA is needed, pass it with --cacert');
    }
    const stdout = this.stdoutSink(cmd, pipe, index, env);
    for (let k = 0; k < urls.length; k++) {
      const u = urls[k] as { w: ShWord; v: Val };
      if (!looksLikeUrlWord(u.w.text, u.v.resolved ? u.v.text : null)) continue;
      const o = outputs[k] ?? (remoteAll ? 'remote' : undefined);
      const d = this.fetch('curl', u.w, u.v);
      if (o === undefined) this.finishFetch(d, stdout);
      else {
        const file = o === 'remote' ? (outputDir !== '' ? outputDir + '/' : '') + urlBasename(u.v.text) : o;
        if (file === '-') this.finishFetch(d, stdout);
        else this.finishFetch(d, { sink: 'file', file, interpreter: null, keyTool: null });
      }
    }
  }

  private wget(cmd: ShCommand, words: readonly ShWord[], texts: readonly Val[], env: Env, pipe: readonly ShNode[], index: number): void {
    const withArg = new Set(['O', 'P', 'o', 'a', 'i', 't', 'T', 'w', 'e', 'U', 'Q', 'B', 'l', 'A', 'R', 'D', 'X', 'I']);
    let output: string | null = null;
    let dir = '';
    const urls: { w: ShWord; v: Val }[] = [];
    for (let i = 1; i < words.length; i++) {
      const w = words[i] as ShWord;
      const x = (texts[i] as Val).text;
      if (x.startsWith('--')) {
        const eq = x.indexOf('=');
        const flag = eq > 0 ? x.slice(0, eq) : x;
        const inline = eq > 0 ? x.slice(eq + 1) : null;
        if (flag === '--no-check-certificate') this.insecureFlag('wget --no-check-certificate', '`wget --no-check-certificate` turns off TLS certificate verification', this.rangeOf(w), 'a man-in-the-middle can serve any content', 'remove --no-check-certificate; if a private CA is needed, pass it with --ca-certificate');
        const takes = /^--(?:output-document|directory-prefix|output-file|append-output|input-file|tries|timeout|wait|execute|user-agent|header|user|password|post-data|post-file|referer|load-cookies|save-cookies|quota|limit-rate|level|accept|reject|domains|ca-certificate|ca-directory|certificate|private-key|method|body-data|dns-timeout|connect-timeout|read-timeout|waitretry|progress|report-speed|secure-protocol|https-only)$/.test(flag);
        if (flag === '--output-document') output = inline ?? (texts[i + 1] as Val | undefined)?.text ?? '';
        if (flag === '--directory-prefix') dir = inline ?? (texts[i + 1] as Val | undefined)?.text ?? '';
        if (takes && inline === null && flag !== '--https-only' && flag !== '--report-speed' && flag !== '--progress') i++;
        else if (takes && inline === null) i++;
        continue;
      }
      if (x.startsWith('-') && x.length > 1) {
        for (let j = 1; j < x.length; j++) {
          const ch = x[j] as string;
          if (withArg.has(ch)) {
            const rest = x.slice(j + 1);
            const arg = rest !== '' ? rest : (texts[i + 1] as Val | undefined)?.text ?? '';
            if (rest === '') i++;
            if (ch === 'O') output = arg;
            if (ch === 'P') dir = arg;
            break;
          }
        }
        continue;
      }
      urls.push({ w, v: texts[i] as Val });
    }
    const stdout = this.stdoutSink(cmd, pipe, index, env);
    for (const u of urls) {
      if (!looksLikeUrlWord(u.w.text, u.v.resolved ? u.v.text : null)) continue;
      const d = this.fetch('wget', u.w, u.v);
      if (output === '-') this.finishFetch(d, stdout);
      else if (output !== null) this.finishFetch(d, { sink: 'file', file: output, interpreter: null, keyTool: null });
      else this.finishFetch(d, { sink: 'file', file: (dir !== '' ? dir.replace(/\/$/, '') + '/' : '') + urlBasename(u.v.text), interpreter: null, keyTool: null });
    }
  }

  /** Records a fetch of the URL in word `w` (value `v`). */
  private fetch(tool: string, w: ShWord, v: Val): Download {
    const resolved = v.resolved ? v.text : null;
    const d = this.newDownload(tool, w.text, resolved, this.rangeOf(w), 'file');
    if (v.trust === 'fetched' && v.fetched !== null) this.weak(d, 'its URL (the version) is resolved at build time from another download, so what gets fetched can change from build to build');
    const probe = resolved ?? (v.text.startsWith('http://') ? v.text : '');
    if (/^http:\/\//i.test(probe) && !isLoopback(probe)) this.insecureHttp(probe, w.raw, this.rangeOf(w), this.ins, w.start, w.raw);
    return d;
  }

  private git(words: readonly ShWord[], texts: readonly Val[]): void {
    const t = texts.map((v) => v.text);
    let i = 1;
    let dirFlag: string | null = null;
    while (i < t.length && (t[i] as string).startsWith('-')) {
      if (t[i] === '-C') {
        dirFlag = t[i + 1] ?? null;
        i += 2;
      } else if (t[i] === '-c') {
        const cfg = t[i + 1] ?? '';
        if (/^http\.sslverify=(?:false|0|no)$/i.test(cfg)) this.insecureFlag('git http.sslVerify=false', '`git -c http.sslVerify=false` turns off TLS certificate verification', this.rangeOf(words[i + 1] as ShWord), 'a man-in-the-middle can serve any repository content', 'remove the option');
        i += 2;
      } else i++;
    }
    const sub = t[i];
    if (sub === 'clone') {
      const args: { w: ShWord; v: Val }[] = [];
      let ref: string | null = null;
      for (let j = i + 1; j < t.length; j++) {
        const x = t[j] as string;
        if (x === '-b' || x === '--branch') {
          ref = t[j + 1] ?? null;
          j++;
          continue;
        }
        if (x.startsWith('--branch=')) {
          ref = x.slice(9);
          continue;
        }
        if (/^(?:--depth|--origin|-o|--template|--reference|--config|-c|--filter|--jobs|-j|--separate-git-dir|--shallow-since|--shallow-exclude|-u|--upload-pack|--server-option)$/.test(x)) {
          j++;
          continue;
        }
        if (x.startsWith('-')) continue;
        args.push({ w: words[j] as ShWord, v: texts[j] as Val });
      }
      const repo = args[0];
      if (repo === undefined) return;
      const d = this.newDownload('git clone', repo.w.text, repo.v.resolved ? repo.v.text : null, this.rangeOf(repo.w), 'git');
      d.gitRef = ref;
      const dir = args[1]?.v.text ?? basename(repo.v.text).replace(/\.git$/, '');
      d.outputs.push(dir);
      this.addFile(dir, d);
      this.st.repos.push(d);
      if (ref !== null && HEX40.test(ref)) this.verify(d, `clone of commit ${ref}`);
      const probe = repo.v.resolved ? repo.v.text : '';
      if (/^http:\/\//i.test(probe) && !isLoopback(probe)) this.insecureHttp(probe, repo.w.raw, this.rangeOf(repo.w), this.ins, repo.w.start, repo.w.raw);
      return;
    }
    if (sub === 'checkout' || sub === 'reset' || sub === 'switch' || sub === 'fetch' || sub === 'merge') {
      const refs = t.slice(i + 1).filter((x) => !x.startsWith('-'));
      const pinned = refs.find((x) => HEX40.test(x));
      const target = dirFlag !== null ? this.st.repos.find((r) => r.outputs.some((o) => basename(o) === basename(dirFlag as string))) : this.st.repos[this.st.repos.length - 1];
      if (target === undefined) return;
      if (pinned !== undefined) this.verify(target, `checkout of commit ${pinned}`);
      else if (refs.length > 0 && sub === 'checkout') target.gitRef = refs[refs.length - 1] ?? target.gitRef;
    }
    if (sub === 'verify-commit' || sub === 'verify-tag') {
      const target = this.st.repos[this.st.repos.length - 1];
      if (target !== undefined && this.st.trustedKeys) this.verify(target, `git ${sub} against a pinned key`);
    }
  }

  private pip(words: readonly ShWord[], texts: readonly Val[]): void {
    const t = texts.map((v) => v.text);
    if (!t.includes('install')) return;
    const hashes = t.some((x) => x === '--require-hashes' || x.startsWith('--hash='));
    for (let j = 1; j < t.length; j++) {
      const x = t[j] as string;
      if (/^(?:--(?:index-url|extra-index-url|find-links|constraint|requirement|target|prefix|root|src|cache-dir|platform|python-version|implementation|abi|progress-bar|log|proxy|cert|client-cert|timeout|retries|exists-action|upgrade-strategy|config-settings|global-option|no-binary|only-binary)|-[ifcrtb])$/.test(x)) {
        j++;
        continue;
      }
      if (/^--(?:index-url|extra-index-url|find-links|constraint|requirement)=/.test(x)) continue;
      if (/^--(?:trusted-host)$/.test(x)) {
        this.insecureFlag('pip --trusted-host', `\`pip --trusted-host ${t[j + 1] ?? ''}\` accepts that host over plain HTTP or with an invalid certificate`, this.rangeOf(words[j] as ShWord), 'package content can be replaced in transit', 'remove --trusted-host and use an https index with a valid certificate');
        j++;
        continue;
      }
      const m = /^(?:[A-Za-z0-9_.-]+\s*@\s*)?((?:git\+)?(?:https?|ftp):\/\/\S+)$/.exec(x);
      if (m === null) continue;
      const url = m[1] as string;
      const d = this.newDownload('pip', x, (texts[j] as Val).resolved ? url : null, this.rangeOf(words[j] as ShWord), url.startsWith('git+') ? 'git' : 'file');
      d.sink = 'extract';
      d.uses.push('installed by pip');
      if (url.startsWith('git+')) {
        const ref = /@([^@#/]+)(?:#.*)?$/.exec(url.replace(/^git\+https?:\/\/[^/]*/, ''))?.[1] ?? null;
        d.gitRef = ref;
        if (ref !== null && HEX40.test(ref)) this.verify(d, `pip install of git commit ${ref}`);
      } else if (/#sha256=[0-9a-f]{64}/i.test(url) || hashes) this.verify(d, 'pip hash check');
      if (/^(?:git\+)?http:\/\//i.test(url) && !isLoopback(url)) this.insecureHttp(url.replace(/^git\+/, ''), (words[j] as ShWord).raw, this.rangeOf(words[j] as ShWord), this.ins, (words[j] as ShWord).start, (words[j] as ShWord).raw);
    }
  }

  private aptKey(_cmd: ShCommand, words: readonly ShWord[], texts: readonly Val[], _pipe: readonly ShNode[], _index: number): void {
    const t = texts.map((v) => v.text);
    const fk = t.indexOf('--fetch-keys');
    if (fk >= 0 && words[fk + 1] !== undefined) {
      const w = words[fk + 1] as ShWord;
      const v = texts[fk + 1] as Val;
      const d = this.newDownload('apt-key adv --fetch-keys', w.text, v.resolved ? v.text : null, this.rangeOf(w), 'key');
      d.sink = 'key';
      this.weak(d, '`apt-key adv --fetch-keys` trusts whatever key the URL serves, for every repository');
      if (/^http:\/\//i.test(v.text) && !isLoopback(v.text)) this.insecureHttp(v.text, w.raw, this.rangeOf(w), this.ins, w.start, w.raw);
      return;
    }
    const rk = t.findIndex((x) => x === '--recv-keys' || x === '--recv-key' || x === '--recv');
    if (rk >= 0) this.recvKeys(words.slice(rk + 1), texts.slice(rk + 1), 'apt-key adv --recv-keys');
    const add = t.indexOf('add');
    if (add >= 0) {
      const f = t[add + 1];
      if (f !== undefined && f !== '-') {
        const st = this.fileState(f);
        for (const d of st?.downloads ?? []) {
          d.kind = 'key';
          d.sink = 'key';
          this.importKey(d, 'apt-key add');
        }
      }
    }
  }

  private recvKeys(words: readonly ShWord[], texts: readonly Val[], tool: string): void {
    for (let i = 0; i < words.length; i++) {
      const v = texts[i] as Val;
      const w = words[i] as ShWord;
      if (v.text.startsWith('-')) break;
      // A quoted word is one key id (fingerprints are often written in groups of four); unquoted values split.
      const quoted = /["']/.test(w.raw);
      const ids = v.alternatives.flatMap((a) => (quoted ? [a.replace(/\s+/g, '')] : a.split(/\s+/))).filter((x) => x !== '');
      if (ids.length === 0) continue;
      const short = ids.filter((x) => !HEX40.test(x));
      if (short.length === 0) this.st.trustedKeys = true;
      else if (v.resolved || !w.dynamic) {
        this.keyProblem(this.rangeOf(w), `\`${tool}\` fetches key ${short[0]} by a short key ID, which anyone can forge a matching key for`, `${tool} ${short[0]}`);
      } else this.st.trustedKeys = true;
    }
  }

  private gpg(cmd: ShCommand, name: string, words: readonly ShWord[], texts: readonly Val[], env: Env, pipe: readonly ShNode[], index: number): void {
    const t = texts.map((v) => v.text);
    const has = (f: string): boolean => t.includes(f);
    const rk = t.findIndex((x) => x === '--recv-keys' || x === '--recv-key' || x === '--receive-keys');
    if (rk >= 0) {
      this.recvKeys(words.slice(rk + 1), texts.slice(rk + 1), 'gpg --recv-keys');
      return;
    }
    const positional = (after: number): string[] => {
      const out: string[] = [];
      for (let i = after; i < t.length; i++) {
        const x = t[i] as string;
        if (/^--(?:keyring|homedir|output|keyserver|trust-model|status-fd|local-user|recipient|primary-keyring|default-key|digest-algo|cipher-algo|passphrase|batch-size|keyserver-options|export-options|import-options|import-filter|export-filter)$/.test(x) || x === '-o' || x === '-u' || x === '-r') {
          i++;
          continue;
        }
        if (x.startsWith('-') && x !== '-') continue;
        out.push(x);
      }
      return out;
    };
    const stdinFetch = (): Download[] => {
      const prev = pipe[index - 1];
      if (index === 0 || prev === undefined || prev.type !== 'cmd') return [];
      return this.local.filter((d) => d.sink === 'key' && isInside(d.range, this.rangeOf({ start: prev.start, end: prev.end })));
    };
    if (has('--import') || has('--dearmor') || has('--dearmour') || has('--enarmor')) {
      const files = positional(1);
      const froms = files.length === 0 ? stdinFetch() : files.flatMap((f) => this.fileState(f)?.downloads ?? (this.fileState(f) !== undefined ? [] : []));
      for (const f of files) {
        const s = this.fileState(f);
        if (s !== undefined && s.origin !== 'download') this.st.trustedKeys = true;
        if (s === undefined) this.st.trustedKeys = true;
      }
      for (const d of froms) {
        d.kind = 'key';
        d.sink = 'key';
        this.importKey(d, `${name} --import`);
      }
      const outIdx = t.findIndex((x) => x === '--output' || x === '-o');
      const outFile = outIdx >= 0 ? t[outIdx + 1] : cmd.redirects.find((r) => r.op === '>' && r.target !== null)?.target?.text;
      if (outFile !== undefined) {
        const keyFrom = froms.length > 0 ? froms : [];
        for (const d of keyFrom) this.addFile(outFile, d);
      }
      return;
    }
    const ex = t.findIndex((x) => x === '--export' || x === '--export-keys');
    if (ex >= 0) {
      // Exporting only the pinned fingerprints out of a throwaway keyring filters a fetched key file.
      const ids = positional(ex + 1).flatMap((x) => x.split(/\s+/));
      if (ids.length > 0 && ids.every((x) => HEX40.test(x))) {
        for (const d of this.st.untrustedKeys) this.verify(d, `only fingerprint ${ids.join(', ')} is exported from it`);
        this.st.untrustedKeys = [];
        this.st.trustedKeys = true;
      }
      return;
    }
    const isVerify = has('--verify') || name === 'gpgv' || name === 'gpgv2';
    const isDecrypt = has('--decrypt') || has('-d');
    if (!isVerify && !isDecrypt) return;
    const keyNote = this.keyNote();
    const args = positional(1);
    if (isDecrypt) {
      const input = args[0];
      const outIdx = t.findIndex((x) => x === '--output' || x === '-o');
      const output = outIdx >= 0 ? t[outIdx + 1] : this.stdoutSink(cmd, pipe, index, env).file ?? undefined;
      if (input !== undefined) this.material(input);
      if (output !== undefined && keyNote === null) this.setFile(output, { origin: 'signed', downloads: [], entries: null });
      return;
    }
    const sig = args[0];
    if (sig === undefined) return;
    const data = args[1] ?? sig.replace(/\.(?:asc|sig|sign|gpg)$/, '');
    this.material(sig);
    if (args.length === 1 && data === sig) return;
    if (args.length === 1 && /\.asc$/.test(sig)) {
      // Clearsigned file (or detached .asc next to its data).
      const s = this.fileState(sig);
      if (s !== undefined && keyNote === null) s.origin = 'signed';
    }
    const st = this.fileState(data);
    if (st === undefined) return;
    if (st.origin === 'download' && st.entries === null && this.isSumsName(data) && keyNote === null) {
      // A signed checksum list: it becomes trusted material.
      for (const d of st.downloads) d.status = 'material';
      st.origin = 'signed';
      return;
    }
    for (const d of st.downloads) {
      if (keyNote === null) this.verify(d, `gpg signature ${sig} against a key pinned by fingerprint`);
      else this.weak(d, `the signature is checked (${sig}), but ${keyNote}`);
    }
  }

  private isSumsName(p: string): boolean {
    return /sums?(?:\.txt)?$|sha\d*sums?|checksums?|\.sha\d+$|SHASUMS/i.test(basename(p));
  }

  /** Why the keyring does not make a signature check trustworthy, or null when it does. */
  private keyNote(): string | null {
    if (this.st.trustedKeys && this.st.untrustedKeys.length === 0) return null;
    if (this.st.untrustedKeys.length > 0) return `the key it is checked against was itself downloaded without a fingerprint check (${this.st.untrustedKeys[0]?.url ?? ''})`;
    if (this.st.trustedKeys) return null;
    return null;
  }

  private material(path: string): void {
    const s = this.fileState(path);
    if (s === undefined) return;
    for (const d of s.downloads) if (d.status !== 'verified') d.status = 'material';
  }

  private rpm(words: readonly ShWord[], texts: readonly Val[]): void {
    const t = texts.map((v) => v.text);
    if (t.includes('--import')) {
      for (let i = 1; i < t.length; i++) {
        const x = t[i] as string;
        if (x.startsWith('-')) continue;
        if (/^(?:https?|ftp):\/\//.test(x)) {
          const w = words[i] as ShWord;
          const d = this.newDownload(`${t[0]} --import`, w.text, (texts[i] as Val).resolved ? x : null, this.rangeOf(w), 'key');
          d.sink = 'key';
          if (/^http:\/\//i.test(x) && !isLoopback(x)) this.insecureHttp(x, w.raw, this.rangeOf(w), this.ins, w.start, w.raw);
          continue;
        }
        const s = this.fileState(x);
        for (const d of s?.downloads ?? []) {
          d.kind = 'key';
          d.sink = 'key';
          this.importKey(d, 'rpm --import');
        }
        if (s !== undefined && s.origin !== 'download') this.st.trustedKeys = true;
        if (s === undefined) this.st.trustedKeys = true;
      }
      return;
    }
    if (t.includes('-K') || t.includes('--checksig') || (t[0] === 'rpmkeys' && t.includes('--checksig'))) {
      for (const x of t.slice(1).filter((a) => !a.startsWith('-'))) {
        for (const d of this.fileState(x)?.downloads ?? []) {
          if (this.st.trustedKeys && this.st.untrustedKeys.length === 0) this.verify(d, 'rpm signature checked against a fingerprint-filtered key');
        }
      }
    }
    if (t.some((x) => x === '--nosignature' || x === '--nodigest')) {
      const i = t.findIndex((x) => x === '--nosignature' || x === '--nodigest');
      this.insecureFlag('rpm --nosignature', `\`rpm ${t[i]}\` installs packages without checking their signature`, this.rangeOf(words[i] as ShWord), 'a tampered package would be installed', 'remove the option');
    }
  }

  private addRepo(words: readonly ShWord[], texts: readonly Val[]): void {
    const t = texts.map((v) => v.text);
    const i = t.findIndex((x) => x === '--add-repo' || x.startsWith('--add-repo='));
    if (i < 0) return;
    const inline = (t[i] as string).includes('=') ? (t[i] as string).slice(11) : null;
    const w = inline !== null ? (words[i] as ShWord) : (words[i + 1] as ShWord | undefined);
    const v = inline !== null ? inline : (texts[i + 1] as Val | undefined)?.text;
    if (w === undefined || v === undefined || !/^(?:https?|ftp):\/\//.test(v)) return;
    const d = this.newDownload(`${t[0]} --add-repo`, w.text, v, this.rangeOf(w), 'repo-definition');
    d.uses.push('used as a package repository definition');
    this.weak(d, 'the downloaded .repo file decides which repository and which gpgkey URL dnf trusts, and dnf imports that key on first use with no fingerprint check');
    if (/^http:\/\//i.test(v) && !isLoopback(v)) this.insecureHttp(v, w.raw, this.rangeOf(w), this.ins, w.start, w.raw);
  }

  private hashCommand(cmd: ShCommand, name: string, _words: readonly ShWord[], texts: readonly Val[], env: Env, pipe: readonly ShNode[], index: number, orElse: ShNode | null): void {
    const t = texts.map((v) => v.text);
    const check = t.some((x) => x === '-c' || x === '--check' || /^-[a-zA-Z]*c[a-zA-Z]*$/.test(x) && !x.startsWith('--') && name !== 'openssl');
    const ignored = orElse !== null && isNoop(orElse);
    if (!check) {
      const file = hashTarget(cmd, name, (w) => this.expandWord(w, env).text);
      // Output going nowhere (the build log): printed, never compared.
      const next = pipe[index + 1];
      const redirected = cmd.redirects.some((r) => r.op === '>' || r.op === '>>');
      if (file !== null && next === undefined && !redirected) {
        for (const d of this.fileState(file)?.downloads ?? []) this.weak(d, `\`${t.join(' ')}\` only prints the hash; nothing compares it with an expected value`);
      }
      if (file !== null && redirected) {
        // A checksum file computed from the download itself proves nothing.
        const r = cmd.redirects.find((x) => x.op === '>' || x.op === '>>');
        if (r?.target) this.setFile(this.expandWord(r.target, env).text, { origin: 'written', downloads: [], entries: [{ trust: 'hash', name: file, fetched: null }] });
      }
      return;
    }
    // Expected entries: from stdin (echo/printf/cat/grep) or from the named files.
    const files = t.slice(1).filter((x, i) => !x.startsWith('-') && !(name === 'shasum' && (t[i] === '-a' || t[i] === '--algorithm')));
    const entries: { trust: Trust; name: string; fetched: Download | null }[] = [];
    let coverAll: { trust: Trust; fetched: Download | null; why: string } | null = null;
    const fromFile = (f: string, grepPattern: string | null): void => {
      const s = this.fileState(f);
      if (s?.entries) {
        for (const e of s.entries) if (grepPattern === null || e.name.includes(grepPattern) || grepPattern.includes(basename(e.name))) entries.push(e);
        return;
      }
      let trust: Trust = 'literal';
      let fetched: Download | null = null;
      if (s !== undefined && s.origin === 'download') {
        const unverified = s.downloads.filter((d) => d.status !== 'verified' && d.status !== 'material');
        if (unverified.length > 0 || s.downloads.some((d) => d.status === 'material' && !this.signedMaterial(s))) {
          trust = 'fetched';
          fetched = s.downloads[0] ?? null;
        }
        for (const d of s.downloads) if (d.status !== 'verified') d.status = 'material';
      }
      if (grepPattern !== null) {
        for (const [k, st] of this.st.files) {
          if (st.origin !== 'download' || k.includes('/')) continue;
          if (grepPattern.includes(k) || (k.includes(grepPattern.replace(/[\s$^"']/g, '')) && grepPattern.replace(/[\s$^"']/g, '') !== '')) entries.push({ trust, name: k, fetched });
        }
      } else coverAll = { trust, fetched, why: f };
    };
    if (files.length === 0 || files.includes('-')) {
      const src = this.stdinOf(cmd, pipe, index, env);
      if (src.echo !== null) entries.push(...parseSumLines(src.echo.text, src.echo.trust, src.echo.fetched));
      if (src.file !== null) fromFile(src.file, src.grep);
    }
    for (const f of files) if (f !== '-') fromFile(f, null);
    const how = `${name} -c`;
    const apply = (d: Download, trust: Trust, fetched: Download | null): void => {
      if (d.status === 'material' || d.status === 'metadata') return;
      if (ignored) {
        this.weak(d, `\`${t.join(' ')}\` runs, but its failure is ignored (\`|| …\` lets the build go on)`);
        return;
      }
      if (trust === 'fetched') {
        if (fetched !== null && fetched !== d && fetched.status === 'unverified') fetched.status = 'material';
        const same = fetched !== null && hostOf(fetched.resolvedUrl ?? fetched.url) === hostOf(d.resolvedUrl ?? d.url);
        this.weak(d, same ? `the expected checksum is downloaded from the same server (${fetched?.url ?? ''}), so whoever can change the file can change the checksum too` : `the expected checksum is itself downloaded (${fetched?.url ?? 'during the build'}) without a signature check, so it only guards against corruption`);
        return;
      }
      if (trust === 'hash') {
        this.weak(d, 'the "expected" checksum is computed from the downloaded file itself');
        return;
      }
      if (/^md5/.test(name)) {
        // MD5 collisions are cheap: a file prepared together with a harmless twin can match the pinned value.
        this.weak(d, `${name} is a broken hash: a file crafted alongside a harmless twin can match the pinned value; pin a SHA-256`);
        return;
      }
      this.verify(d, how);
    };
    for (const e of entries) {
      const st = this.fileState(e.name);
      for (const d of st?.downloads ?? []) apply(d, e.trust, e.fetched);
    }
    if (coverAll !== null) {
      const c = coverAll as { trust: Trust; fetched: Download | null };
      for (const d of this.local) if (d.kind !== 'git' && d.status === 'unverified' && d.sink !== 'metadata') apply(d, c.trust, c.fetched);
    }
  }

  private signedMaterial(s: FileState): boolean {
    return s.origin === 'signed';
  }

  /** What a command reads on stdin: echo/printf text, or a file (cat f, grep pattern f, < f, <<< text). */
  private stdinOf(cmd: ShCommand, pipe: readonly ShNode[], index: number, env: Env): { echo: Val | null; file: string | null; grep: string | null } {
    for (const r of cmd.redirects) {
      if (r.op === '<' && r.target) return { echo: null, file: this.expandWord(r.target, env).text, grep: null };
      if (r.op === '<<<' && r.target) return { echo: this.expandWord(r.target, env), file: null, grep: null };
      if ((r.op === '<<' || r.op === '<<-') && r.body !== null) return { echo: this.expandText(r.body, r.quotedBody ? null : env, []), file: null, grep: null };
    }
    const prev = pipe[index - 1];
    if (prev === undefined || prev.type !== 'cmd' || prev.words.length === 0) return { echo: null, file: null, grep: null };
    const pn = basename(this.expandWord(prev.words[0] as ShWord, env).text);
    const args = prev.words.slice(1).map((w) => this.expandWord(w, env));
    if (pn === 'echo' || pn === 'printf') {
      const parts = args.filter((a, i) => !(i === 0 && /^-[neE]+$/.test(a.text)));
      let text = parts.map((p) => p.text).join(' ');
      if (pn === 'printf') text = text.replace(/\\n/g, '\n').replace(/%s/g, ' ');
      let trust: Trust = 'literal';
      let fetched: Download | null = null;
      for (const p of parts) {
        trust = worst(trust, p.trust);
        fetched ??= p.fetched;
      }
      return { echo: val(text, trust, { fetched }), file: null, grep: null };
    }
    if (pn === 'cat') return { echo: null, file: args.find((a) => !a.text.startsWith('-'))?.text ?? null, grep: null };
    if (pn === 'grep' || pn === 'egrep' || pn === 'fgrep') {
      const pos = args.filter((a) => !a.text.startsWith('-'));
      return { echo: null, file: pos[1]?.text ?? null, grep: (pos[0]?.text ?? '').replace(/^\s+|\\?\$$|\s+$/g, '').replace(/^\*|^ /, '') };
    }
    if (pn === 'awk' || pn === 'sed' || pn === 'head' || pn === 'tail') {
      const pos = args.filter((a) => !a.text.startsWith('-'));
      return { echo: null, file: pos[pos.length - 1]?.text ?? null, grep: null };
    }
    return { echo: null, file: null, grep: null };
  }

  /** `[ "$(sha256sum f | cut -d' ' -f1)" = "$EXPECTED" ]` and friends. */
  private comparison(words: readonly ShWord[], env: Env): void {
    const vals = words.map((w) => this.expandWord(w, env));
    for (let i = 1; i < vals.length - 1; i++) {
      const op = (vals[i] as Val).text;
      if (op !== '=' && op !== '==' && op !== '!=') continue;
      const a = vals[i - 1] as Val;
      const b = vals[i + 1] as Val;
      const pair = a.trust === 'hash' ? [a, b] : b.trust === 'hash' ? [b, a] : null;
      if (pair === null) continue;
      const [h, e] = pair as [Val, Val];
      const file = h.hashOf;
      if (file === null) continue;
      for (const d of this.fileState(file)?.downloads ?? []) {
        if (e.trust === 'fetched') this.weak(d, `the expected checksum is itself downloaded (${e.fetched?.url ?? 'during the build'}), so it only guards against corruption`);
        else if (e.trust === 'hash') this.weak(d, 'the hash is compared with another computed hash, not with a pinned value');
        else this.verify(d, 'hash compared with a pinned value');
      }
    }
  }

  private minisign(texts: readonly Val[]): void {
    const t = texts.map((v) => v.text);
    // Short options combine (-Vqm file): the last letter of a group may take the next word.
    const opts = new Map<string, string>();
    let verify = false;
    for (let i = 1; i < t.length; i++) {
      const x = t[i] as string;
      if (!/^-[A-Za-z]+$/.test(x)) continue;
      if (x.includes('V')) verify = true;
      const last = x[x.length - 1] as string;
      if ('mxpP'.includes(last)) {
        opts.set(last, t[i + 1] ?? '');
        i++;
      }
    }
    if (!verify) return;
    const file = opts.get('m');
    const keyFile = opts.get('p');
    const keyFetched = keyFile !== undefined && this.fileState(keyFile)?.origin === 'download';
    const sig = opts.get('x') ?? (file !== undefined ? `${file}.minisig` : undefined);
    if (sig !== undefined) this.material(sig);
    if (file === undefined) return;
    for (const d of this.fileState(file)?.downloads ?? []) {
      if (keyFetched) this.weak(d, 'minisign checks it against a public key that was itself downloaded');
      else this.verify(d, 'minisign signature');
    }
  }

  private cosign(texts: readonly Val[]): void {
    const t = texts.map((v) => v.text);
    const pos = t.slice(2).filter((x, i, arr) => !x.startsWith('-') && !/^--/.test(arr[i - 1] ?? '') );
    const file = pos[pos.length - 1];
    const ki = t.findIndex((x) => x === '--key' || x.startsWith('--key='));
    const key = ki >= 0 ? ((t[ki] as string).includes('=') ? (t[ki] as string).slice(6) : t[ki + 1]) : undefined;
    const keyFetched = key !== undefined && this.fileState(key)?.origin === 'download';
    const identity = t.some((x) => x.startsWith('--certificate-identity'));
    for (const x of t) if (x.startsWith('--signature') || x.startsWith('--bundle')) this.material(x.includes('=') ? x.slice(x.indexOf('=') + 1) : t[t.indexOf(x) + 1] ?? '');
    if (file === undefined) return;
    for (const d of this.fileState(file)?.downloads ?? []) {
      if (keyFetched) this.weak(d, 'cosign checks it against a key that was itself downloaded');
      else if (key !== undefined || identity) this.verify(d, 'cosign verify-blob');
    }
  }

  private aptGet(words: readonly ShWord[], texts: readonly Val[]): void {
    const t = texts.map((v) => v.text);
    for (let i = 1; i < t.length; i++) {
      const x = t[i] as string;
      if (x === '--allow-unauthenticated' || x === '--allow-insecure-repositories' || x === '--force-yes' || /AllowUnauthenticated|AllowInsecureRepositories|Check-Valid-Until=false/i.test(x) && /(?:true|1|yes)$/i.test(x)) {
        this.insecureFlag(`apt ${x}`, `\`${t[0]} ${x}\` installs packages whose signature apt cannot check`, this.rangeOf(words[i] as ShWord), 'unsigned or tampered packages are installed without a word', 'remove the option and add the repository key with signed-by');
      }
    }
  }

  private yum(words: readonly ShWord[], texts: readonly Val[]): void {
    const t = texts.map((v) => v.text);
    for (let i = 1; i < t.length; i++) {
      const x = t[i] as string;
      if (x === '--nogpgcheck' || x === '--no-gpg-checks' || /^--setopt=.*gpgcheck=(?:0|false|no)$/i.test(x)) {
        this.insecureFlag(`${t[0]} ${x}`, `\`${t[0]} ${x}\` installs packages without checking their signatures`, this.rangeOf(words[i] as ShWord), 'a tampered package would be installed', 'remove the option and import the repository key by fingerprint');
      }
    }
  }

  private apk(words: readonly ShWord[], texts: readonly Val[]): void {
    const t = texts.map((v) => v.text);
    const i = t.indexOf('--allow-untrusted');
    // Locally built .apk files are not transported: only remote packages or repositories matter here.
    const remote = t.some((x, k) => /^(?:https?|ftp):\/\//i.test(x) || ((t[k - 1] === '-X' || t[k - 1] === '--repository') && !x.startsWith('/')));
    if (i >= 0 && remote) this.insecureFlag('apk --allow-untrusted', '`apk --allow-untrusted` installs packages without a trusted signature', this.rangeOf(words[i] as ShWord), 'a tampered package would be installed', 'sign the package or put its key in /etc/apk/keys, then remove the option');
  }

  private tee(cmd: ShCommand, texts: readonly Val[], pipe: readonly ShNode[], index: number, env: Env): void {
    const target = texts.slice(1).map((v) => v.text).find((x) => !x.startsWith('-'));
    if (target === undefined) return;
    const prev = pipe[index - 1];
    if (prev !== undefined && prev.type === 'cmd') this.writeText(prev, env, target, cmd);
  }

  private move(name: string, texts: readonly Val[]): void {
    const args = texts.slice(1).map((v) => v.text).filter((x) => !x.startsWith('-'));
    if (args.length < 2) return;
    const dest = args[args.length - 1] as string;
    for (const src of args.slice(0, -1)) {
      const s = this.fileState(src);
      if (s === undefined) continue;
      const target = dest.endsWith('/') ? dest + basename(src) : dest;
      this.setFile(target, s);
      if (s.origin === 'download' && KEYRING_DIR.test(target)) {
        for (const d of s.downloads) {
          d.kind = 'key';
          d.sink = 'key';
          this.importKey(d, 'moved into a keyring');
        }
      }
      if (name !== 'ln' && /\/(?:usr\/)?(?:local\/)?s?bin\//.test(target)) for (const d of s.downloads) if (!d.uses.includes('installed into the PATH')) d.uses.push('installed into the PATH');
    }
  }

  /** echo/printf/cat-heredoc text written to a file: checksum lists and apt source lines. */
  private redirectWrites(cmd: ShCommand, env: Env, name: string | null): void {
    const r = cmd.redirects.find((x) => (x.op === '>' || x.op === '>>') && x.target !== null && (x.fd === '' || x.fd === '1'));
    if (r === undefined || r.target === null) return;
    const target = this.expandWord(r.target, env).text;
    if (name === 'echo' || name === 'printf' || name === 'cat' || name === null) this.writeText(cmd, env, target, null);
  }

  private writeText(cmd: ShCommand, env: Env, target: string, via: ShCommand | null): void {
    const n = cmd.words[0] !== undefined ? basename(this.expandWord(cmd.words[0], env).text) : '';
    let text: Val | null = null;
    if (n === 'echo' || n === 'printf') {
      const parts = cmd.words.slice(1).map((w) => this.expandWord(w, env)).filter((p, i) => !(i === 0 && /^-[neE]+$/.test(p.text)));
      let s = parts.map((p) => p.text).join(' ');
      if (n === 'printf' || cmd.words.some((w) => w.text === '-e')) s = s.replace(/\\n/g, '\n');
      text = val(s, parts.reduce<Trust>((a, p) => worst(a, p.trust), 'literal'), { fetched: parts.find((p) => p.fetched !== null)?.fetched ?? null });
    } else if (n === 'cat' || n === '') {
      const h = cmd.redirects.find((r) => (r.op === '<<' || r.op === '<<-') && r.body !== null);
      if (h !== undefined) text = this.expandText(h.body as string, h.quotedBody ? null : env, []);
    }
    if (text === null) return;
    const entries = parseSumLines(text.text, text.trust, text.fetched);
    if (entries.length > 0) this.setFile(target, { origin: 'written', downloads: [], entries });
    if (/sources\.list|\.list$|\.sources$/.test(target)) this.aptSourceLines(text.text, cmd, via, target);
  }

  private aptSourceLines(text: string, cmd: ShCommand, via: ShCommand | null, target: string): void {
    const deb822 = /\.sources$/.test(target) || /^\s*Types:\s*deb/im.test(text);
    const lines = deb822 ? [text] : text.split(/\n|\\n/);
    const unsigned: { line: string; distro: boolean; trustedYes: boolean }[] = [];
    for (const line of lines) {
      const l = line.trim();
      if (deb822 ? !/URIs:/i.test(l) : !/^deb(?:-src)?\s/.test(l)) continue;
      const signedBy = /signed-by\s*[=:]\s*([^\s\]]+)/i.exec(l)?.[1];
      if (signedBy !== undefined) {
        // The keyring a repository is bound to: a key downloaded into it unchecked is an unverified key.
        for (const d of this.fileState(signedBy)?.downloads ?? []) {
          d.kind = 'key';
          d.sink = 'key';
          this.importKey(d, 'signed-by keyring');
        }
      }
      const trustedYes = /trusted\s*=\s*yes/i.test(l);
      const uri = deb822 ? (/URIs:\s*(\S+)/i.exec(l)?.[1] ?? '') : (l.replace(/^deb(?:-src)?\s+(?:\[[^\]]*\]\s*)?/, '').split(/\s+/)[0] ?? '');
      if (/^(?:file|cdrom|copy):/i.test(uri)) continue;
      if (signedBy !== undefined && !trustedYes) continue;
      unsigned.push({ line: deb822 ? `URIs: ${uri}` : l, distro: DISTRO_HOSTS.test(uri) && !this.lineUsesVariables(cmd, uri), trustedYes });
    }
    const first = unsigned[0];
    if (first === undefined) return;
    // One finding per list file and instruction: lines appended one echo at a time are one change.
    const key = `${this.ins.startLine}|${basename(target)}`;
    const prev = this.aptByFile.get(key);
    if (prev !== undefined) {
      prev.extra += unsigned.length;
      prev.distro &&= unsigned.every((u) => u.distro);
      prev.trustedYes ||= unsigned.some((u) => u.trustedYes);
      this.out.aptSources[prev.index] = { ...(this.out.aptSources[prev.index] as AptSource), line: `${prev.first} (+${prev.extra} more line${prev.extra > 1 ? 's' : ''})`, distro: prev.distro, trustedYes: prev.trustedYes };
      return;
    }
    const w = cmd.words.find((x) => x.text.includes(first.line.slice(0, 12))) ?? cmd.words[1] ?? via?.words[0];
    const range = w !== undefined ? this.rangeOf(w) : this.rangeOf(cmd);
    const extra = unsigned.length - 1;
    const entry = { index: this.out.aptSources.length, first: first.line, extra, distro: unsigned.every((u) => u.distro), trustedYes: unsigned.some((u) => u.trustedYes) };
    this.aptByFile.set(key, entry);
    this.out.aptSources.push({ instruction: this.ins, range, line: first.line + (extra > 0 ? ` (+${extra} more line${extra > 1 ? 's' : ''})` : ''), distro: entry.distro, trustedYes: entry.trustedYes });
  }

  private readonly aptByFile = new Map<string, { index: number; first: string; extra: number; distro: boolean; trustedYes: boolean }>();

  private lineUsesVariables(cmd: ShCommand, uri: string): boolean {
    // The host came from a build ARG/ENV when the written words do not contain it literally.
    const host = hostOf(uri);
    return !cmd.words.some((w) => w.raw.includes(host));
  }

  /** Records what happens to downloaded files afterwards (for the message). */
  private uses(name: string, texts: readonly Val[], cmd: ShCommand, _pipe: readonly ShNode[], _index: number): void {
    const t = texts.map((v) => v.text);
    const mark = (file: string, what: string): void => {
      for (const d of this.fileState(file)?.downloads ?? []) if (!d.uses.includes(what)) d.uses.push(what);
    };
    if (isPosixShell(name) || SHELL_INTERPRETERS.test(name)) {
      const f = t.slice(1).find((x) => !x.startsWith('-'));
      if (f !== undefined) mark(f, `executed by ${name}`);
    } else if (name === 'java' && t.includes('-jar')) mark(t[t.indexOf('-jar') + 1] ?? '', 'executed by java -jar');
    else if (EXTRACTORS.test(name)) for (const f of t.slice(1).filter((x) => !x.startsWith('-'))) mark(f, `extracted by ${name}`);
    else if (name === 'dpkg' || name === 'rpm' || name === 'apt-get' || name === 'apt' || name === 'gem' || name === 'yum' || name === 'dnf' || /^pip/.test(name)) for (const f of t.slice(1).filter((x) => !x.startsWith('-'))) mark(f, `installed by ${name}`);
    else if (name.startsWith('./') || name.startsWith('/')) mark(name, 'executed');
    else if (name === 'chmod' && t.some((x) => /\+x|7\d\d|5\d\d/.test(x))) for (const f of t.slice(1).filter((x) => !x.startsWith('-') && !/^[0-7]{3,4}$|^[ugoa]*[+-=][rwxX]+$/.test(x))) mark(f, 'made executable');
    void cmd;
  }
}

function plain(text: string, i: number): ShWord {
  return { raw: text, start: i, end: i, text, subs: [], dynamic: text.includes('$') };
}

function cmdName(c: ShCommand): string {
  return basename(c.words[0]?.text ?? '');
}

/** The file a hash command reads (sha256sum f, shasum -a 256 f, openssl sha512 -r f, openssl dgst -sha256 f). */
function hashTarget(c: ShCommand, name: string, text: (w: ShWord) => string): string | null {
  if (name === 'openssl') {
    const args = c.words.slice(2).map(text).filter((x) => !x.startsWith('-'));
    return args[args.length - 1] ?? null;
  }
  if (!HASHERS.test(name)) return null;
  const t = c.words.map(text);
  if (t.some((x) => x === '-c' || x === '--check')) return null;
  const args: string[] = [];
  for (let i = 1; i < t.length; i++) {
    const x = t[i] as string;
    if ((x === '-a' || x === '--algorithm') && name === 'shasum') {
      i++;
      continue;
    }
    if (x.startsWith('-')) continue;
    args.push(x);
  }
  return args[0] ?? null;
}

/** `<hash>  <file>` lines (also `<hash> *<file>`), with the trust of the text they came from. */
function parseSumLines(text: string, trust: Trust, fetched: Download | null): { trust: Trust; name: string; fetched: Download | null }[] {
  const out: { trust: Trust; name: string; fetched: Download | null }[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 2) continue;
    const h = parts[0] as string;
    const name = (parts[parts.length - 1] as string).replace(/^\*/, '');
    // BSD style: SHA256 (file) = hash
    if (/^(?:SHA\d+|MD5)$/.test(h) && parts.length >= 4) {
      out.push({ trust, name: (parts[1] as string).replace(/^\(|\)$/g, ''), fetched });
      continue;
    }
    if (HEX_DIGEST.test(h) || h === '' || /^\$|^\{/.test(h) || trust !== 'literal') out.push({ trust, name, fetched });
  }
  return out;
}

function applyStrip(value: string, op: string): string {
  try {
    const m = /^(%%|%|##|#)(.*)$/.exec(op);
    if (m === null) return value;
    const pat = (m[2] ?? '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    if (m[1] === '%%') return value.replace(new RegExp(`${pat}$`), '');
    if (m[1] === '%') return value.replace(new RegExp(`${pat.replace(/\.\*/g, '.*?')}$`), '');
    if (m[1] === '##') return value.replace(new RegExp(`^${pat}`), '');
    return value.replace(new RegExp(`^${pat.replace(/\.\*/g, '.*?')}`), '');
  } catch {
    return value;
  }
}

function isNoop(n: ShNode): boolean {
  if (n.type !== 'cmd') return false;
  const name = n.words[0]?.text ?? '';
  return name === 'true' || name === ':' || name === 'echo';
}

function isInside(inner: Range, outer: Range): boolean {
  const a = inner.start;
  const s = outer.start;
  const e = outer.end;
  const afterStart = a.line > s.line || (a.line === s.line && a.character >= s.character);
  const beforeEnd = a.line < e.line || (a.line === e.line && a.character <= e.character);
  return afterStart && beforeEnd;
}

export function hostOf(url: string): string {
  const m = /^[a-z+]+:\/\/([^/?#]+)/i.exec(url);
  return (m?.[1] ?? '').toLowerCase();
}

function isLoopback(url: string): boolean {
  const h = hostOf(url).replace(/:\d+$/, '');
  return h === 'localhost' || h.startsWith('127.') || h === '[::1]';
}

export { DISTRO_HOSTS };
