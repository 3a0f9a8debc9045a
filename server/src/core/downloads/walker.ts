// Walks one instruction of a stage: the shell tree of a RUN with a symbolic environment, dispatching each
// command to its tool handler (handlers/index.ts). Implements the WalkContext the handlers see.
import type { DockerfileModel } from '../model';
import { parseShellShared, type ShCommand, type ShList, type ShNode, type ShRedirect, type ShScript, type ShWord } from '../shell/parse';
import { isPosixShell, isPowerShell, parseExecForm, runScript, shellKindOf, type ScriptText } from '../shell/source';
import type { Instruction } from '../syntax';
import { rangeKey, type Position, type Range } from '../types';
import { branchOutcome } from './branches';
import { CMD_BACKSLASH, expandText, type ExpansionScope } from './expansion';
import type { Call, Flow, Follow, Outcome, Stdin, StdoutSink, WalkContext } from './context';
import { lazyFlow, NO_BRANCH, PLAIN_FLOW } from './context';
import { evalSubstitution } from './substitution';
import { handlerFor, recordUses } from './handlers';
import { addInstruction, copyInstruction } from './instructions';
import { analyzePowerShell } from './powershell';
import { stdinOf, stdoutSink } from './sinks';
import { Env, type Collector, type FileState, type StageState } from './state';
import { writeText } from './texts';
import { UNREAD, type Download } from './types';
import { basename, isInside, val, worst, type Trust, type Val } from './values';

/** Commands that run the rest of their words as a command. */
const WRAPPERS = new Set(['sudo', 'env', 'exec', 'time', 'nice', 'command', 'su-exec', 'gosu', 'chroot', 'nohup', 'stdbuf']);
/** Nesting of function calls, `sh -c` bodies and heredoc scripts walked from one RUN. */
const MAX_CALL_DEPTH = 8;
const MAX_CALLS = 256;

export class InstructionWalker implements WalkContext {
  private script: ScriptText | null = null;
  /** Downloads created by this instruction. */
  readonly local: Download[] = [];
  private callDepth = 0;
  /** Helper-function bodies walked for this instruction: each call is walked, up to this many (hostile fan-out stays bounded). */
  private callsLeft = MAX_CALLS;
  /** Range of the outermost helper-function call being walked: what its downloads are reported at. */
  private callSite: Range | null = null;
  private readonly substMemo = new Map<ShScript, { env: Env; value: Val }>();
  /** Downloads created while a substitution is walked (its value is then "fetched"). */
  readonly touched: Download[][] = [];
  private readonly byKey = new Map<string, Download>();
  /** `set -e` in effect (from SHELL or the script so far). */
  private errexit: boolean;
  /** False while walking text whose offsets are not the document's (an inline `sh -c '…'`). */
  private exact = true;

  constructor(
    readonly model: DockerfileModel,
    readonly st: StageState,
    readonly source: Instruction,
    readonly out: Collector,
    /** The instruction findings are anchored at: the ONBUILD instruction when `source` is its trigger. */
    readonly ins: Instruction = source,
  ) {
    this.errexit = st.errexit;
  }

  get inCall(): boolean {
    return this.callSite !== null;
  }

  run(): void {
    const ins = this.source;
    switch (ins.keyword) {
      case 'ARG':
      case 'ENV':
        this.st.vars.apply(ins);
        return;
      case 'SHELL': {
        const argv = parseExecForm(ins.argsText.trim());
        if (argv !== null) {
          this.st.shell = shellKindOf(argv);
          this.st.errexit = argv.some((a) => /^-[a-z]*e[a-z]*$/.test(a) || /\$ErrorActionPreference\s*=\s*['"]Stop['"]/i.test(a));
        }
        return;
      }
      case 'COPY':
        copyInstruction(this);
        return;
      case 'ADD':
        addInstruction(this);
        return;
      case 'RUN':
        this.runInstruction();
        return;
      default:
        return;
    }
  }

  // ---- RUN ----------------------------------------------------------------------------------------

  private runInstruction(): void {
    const s = runScript(this.source, this.model.lines, this.model.directives.escape);
    if (s === null) return;
    this.script = s;
    let kind = this.st.shell;
    if (s.argv !== null) {
      const a0 = s.argv[0] ?? '';
      if (isPowerShell(a0)) {
        this.powershell(s.argv.slice(1).join(' '), () => this.source.args[0]?.range ?? this.source.range);
        return;
      }
      if (isPosixShell(a0) && s.argv.includes('-c')) {
        const script = s.argv[s.argv.indexOf('-c') + 1] ?? '';
        this.walkScript(parseShellShared(script), new Env(null), true);
        return;
      }
      // A plain exec: one command, no shell.
      const words = s.argv.map((a, i) => plain(a, i));
      this.walkScript({ body: { type: 'list', items: [{ type: 'cmd', assigns: [], words, redirects: [], start: 0, end: s.text.length }] }, start: 0, end: s.text.length, errors: [] }, new Env(null), true);
      return;
    }
    if (kind === 'cmd' && /^\s*(?:powershell|pwsh)(?:\.exe)?\b/i.test(s.text)) kind = 'powershell';
    if (kind === 'powershell') {
      this.powershell(s.text, (start, end) => s.rangeOf(start, end), true);
      return;
    }
    // cmd.exe does not escape with backslashes (C:\tools\x.zip): they stand in as a private-use character
    // of the same length while the POSIX reader parses the line, and come back when words are expanded.
    const parsed = parseShellShared(kind === 'cmd' ? s.text.replace(/\\/g, CMD_BACKSLASH) : s.text);
    if (parsed.errors.length > 0) this.out.parseErrors.set(this.ins.startLine, [...(this.out.parseErrors.get(this.ins.startLine) ?? []), ...parsed.errors]);
    this.walkScript(parsed, new Env(null), true);
    // A verification command hidden in a comment line inside the continuation never runs.
    for (const c of s.droppedComments) {
      if (/\b(?:sha(?:1|256|384|512)sum|shasum|md5sum)\b[^#]*(?:-c\b|--check)|\bgpg\b.*--verify|\bcosign\s+verify|\bminisign\b/.test(c)) {
        for (const d of this.local) if (d.status === 'unverified') this.weak(d, `the check \`${c.replace(/^#\s*/, '')}\` is commented out (the builder drops comment lines inside a continuation)`);
      }
    }
  }

  powershell(text: string, rangeAt: (start: number, end: number) => Range, exact = false): void {
    analyzePowerShell(this, text, rangeAt, exact && this.exact && this.callSite === null);
  }

  rangeOf(w: { start: number; end: number }): Range {
    if (this.callSite !== null) return this.callSite;
    if (this.script === null) return this.source.range;
    return this.script.rangeOf(w.start, w.end);
  }

  positionAt(offset: number): Position | null {
    if (this.script === null || this.callSite !== null || !this.exact) return null;
    return this.script.positionAt(offset);
  }

  private walkScript(script: ShScript, env: Env, top = false): void {
    this.walkList(script.body, env, top ? TOP_FLOW : PLAIN_FLOW, top ? 'end' : 'nested');
  }

  /** The last statement of a list inherits the list's flow (a RUN's last statement decides its exit status). */
  private walkList(list: ShList, env: Env, flow: Flow, follow: Follow): void {
    const n = list.items.length;
    for (let i = 0; i < n; i++) {
      const item = list.items[i] as ShNode;
      const last = i === n - 1;
      this.walkNode(item, env, last ? flow : this.statementFlow(flow), last ? follow : follow === 'end' || follow === 'statement' ? 'statement' : 'nested');
    }
  }

  /** A statement that is not the last one: its failure stops the RUN only under `set -e`. */
  private statementFlow(parent: Flow): Flow {
    if (parent === TOP_FLOW) return this.errexit ? TOP_FLOW : PLAIN_FLOW;
    return PLAIN_FLOW;
  }

  private walkNode(node: ShNode, env: Env, flow: Flow, follow: Follow): void {
    switch (node.type) {
      case 'cmd':
        this.command(node, env, [node], 0, flow, follow);
        return;
      case 'pipeline': {
        const cmds = node.items;
        const last = node.negated ? lazyFlow(() => flow.onTrue, () => flow.onFalse) : flow;
        for (let i = 0; i < cmds.length; i++) {
          const c = cmds[i] as ShNode;
          const f = i === cmds.length - 1 ? last : PLAIN_FLOW;
          if (c.type === 'cmd') this.command(c, env, cmds, i, f, follow);
          else this.walkNode(c, env, f, 'nested');
        }
        return;
      }
      case 'andor': {
        // For each `&&`, the `||` branch a failure falls through to (one pass, so long chains stay linear).
        const nextOr: number[] = new Array<number>(node.ops.length);
        for (let i = node.ops.length - 1, j = -1; i >= 0; i--) nextOr[i] = j = node.ops[i] === '||' ? i : j;
        for (let i = 0; i < node.items.length; i++) {
          const lastItem = i === node.items.length - 1;
          this.walkNode(node.items[i] as ShNode, env, lastItem ? flow : andOrFlow(node, nextOr, i, flow, env), lastItem ? follow : follow === 'nested' ? 'nested' : node.ops[i] === '&&' ? 'and' : 'or');
        }
        return;
      }
      case 'list':
        this.walkList(node, env, flow, follow);
        return;
      case 'group':
      case 'subshell':
        this.walkList(node.body, env, flow, 'nested');
        return;
      case 'if':
        node.clauses.forEach((c, k) => {
          const next = node.clauses[k + 1];
          const onFalse = (): Outcome => (next !== undefined ? NO_BRANCH : node.elseBody !== null ? branchOutcome(node.elseBody, env) : { fate: 'continues', text: 'no else branch' });
          const cond = c.cond.items;
          for (let i = 0; i < cond.length; i++) this.walkNode(cond[i] as ShNode, env, i === cond.length - 1 ? lazyFlow(onFalse, () => branchOutcome(c.body, env)) : PLAIN_FLOW, 'nested');
          this.walkList(c.body, env, PLAIN_FLOW, 'nested');
        });
        if (node.elseBody !== null) this.walkList(node.elseBody, env, PLAIN_FLOW, 'nested');
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
        this.walkList(node.body, env, PLAIN_FLOW, 'nested');
        return;
      }
      case 'while':
      case 'until':
        if (node.cond !== null) this.walkList(node.cond, env, PLAIN_FLOW, 'nested');
        this.walkList(node.body, env, PLAIN_FLOW, 'nested');
        return;
      case 'case': {
        // Every arm may run (per-architecture selection): merge what each arm assigns.
        const before = new Map(env.vars);
        const merged = new Map<string, Val>();
        for (const arm of node.arms) {
          for (const [k, v] of before) env.vars.set(k, v);
          for (const k of [...env.vars.keys()]) if (!before.has(k)) env.vars.delete(k);
          this.walkList(arm.body, env, PLAIN_FLOW, 'nested');
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

  expandDocker(text: string): Val {
    return this.expandText(text, null, []);
  }

  expandWord(w: ShWord, env: Env): Val {
    const subVals = w.subs.map((s) => this.evalSubst(s, env));
    return this.expandText(w.text, env, subVals);
  }

  /** Expands `$X`, `${X…}`, `$1`; substitutions take the values in `subVals`, in order. */
  expandText(written: string, env: Env | null, subVals: Val[]): Val {
    return expandText(written, env, subVals, this.scope);
  }

  /** What expansion reads besides the shell scope: the stage's ARG/ENV, and whether a helper call is walked. */
  private readonly scope: ExpansionScope = { docker: (name) => this.st.vars.get(name), inCall: () => this.callSite !== null };

  /** Value of a command substitution: what it prints, as far as we can tell, and how much to trust it. */
  evalSubst(s: ShScript, env: Env): Val {
    // Words are expanded more than once (name, arguments, sinks): walk each substitution once per call frame.
    const memo = this.substMemo.get(s);
    if (memo !== undefined && memo.env === env) return memo.value;
    const created: Download[] = [];
    this.touched.push(created);
    // One Env for the walk and the reads below, so nested substitutions hit the memo (hostile nesting stays linear).
    const inner = new Env(env);
    this.walkScript(s, inner);
    this.touched.pop();
    const value = evalSubstitution(this, s, inner, created);
    this.substMemo.set(s, { env, value });
    return value;
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

  use(path: string, what: string, runs: boolean): void {
    for (const d of this.fileState(path)?.downloads ?? []) {
      if (!d.uses.includes(what)) d.uses.push(what);
      if (runs && d.status === 'unverified' && d.usedBeforeCheck === null) d.usedBeforeCheck = what;
    }
  }

  material(path: string): void {
    const s = this.fileState(path);
    if (s === undefined) return;
    for (const d of s.downloads) if (d.status !== 'verified') d.status = 'material';
  }

  // ---- downloads ------------------------------------------------------------------------------------

  newDownload(tool: string, url: string, resolvedUrl: string | null, range: Range, kind: Download['kind'], addInsertAt: Range | null = null): Download {
    // Inside a helper function the download is the call's: reported at the call site, one per call and URL.
    const at = this.callSite ?? range;
    const key = `${rangeKey(at)}|${url}|${tool}|${this.callSite !== null ? (resolvedUrl ?? '') : ''}`;
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
      alternatives: [],
      range: at,
      kind,
      sink: 'file',
      interpreter: null,
      outputs: [],
      status: 'unverified',
      verifiedBy: null,
      weak: [],
      notes: [],
      uses: [],
      usedBeforeCheck: null,
      gitRef: null,
      addInsertAt,
      inHelper: this.callSite !== null,
      pin: null,
      runFromFile: null,
    };
    this.local.push(d);
    this.byKey.set(key, d);
    this.out.downloads.push(d);
    for (const t of this.touched) t.push(d);
    return d;
  }

  fetch(tool: string, w: ShWord, v: Val): Download | null {
    // A helper's download built from an argument its caller did not pass never runs with a real URL.
    if (this.callSite !== null && v.missingArg) return null;
    const resolved = v.resolved ? v.text : null;
    const d = this.newDownload(tool, w.text, resolved, this.rangeOf(w), 'file');
    if (v.resolved && v.alternatives.length > 1) d.alternatives = v.alternatives;
    if (v.trust === 'fetched' && v.fetched !== null) this.note(d, 'its URL (the version) is resolved at build time from another download, so what gets fetched can change from build to build');
    const probe = resolved ?? (v.text.startsWith('http://') ? v.text : '');
    if (/^http:\/\//i.test(probe) && !isLoopbackUrl(probe)) this.insecureHttp(probe, w.raw, this.rangeOf(w), w.start, w.raw);
    return d;
  }

  finishFetch(d: Download, out: StdoutSink): void {
    d.sink = out.sink;
    d.interpreter = out.interpreter;
    if (out.sink === 'metadata') d.status = 'metadata';
    if (out.sink === 'key') {
      d.kind = 'key';
      this.importKey(d);
    }
    if (out.file !== null) {
      d.outputs.push(out.file);
      this.addFile(out.file, d);
      if (/(?:\/etc\/apt\/trusted\.gpg(?:\.d)?|\/usr\/share\/keyrings\/|\/etc\/apt\/keyrings\/|\/etc\/apk\/keys\/|\/etc\/pki\/rpm-gpg\/|\.gpg$|\.gpg\.key$)/.test(out.file) && out.sink !== 'key') {
        d.kind = 'key';
        this.importKey(d);
      }
    }
  }

  stdoutSink(call: Call): StdoutSink {
    return stdoutSink(this, call);
  }

  stdinOf(call: Call): Stdin {
    return stdinOf(this, call);
  }

  verify(d: Download, how: string): void {
    if (d.status === 'material' || d.status === 'verified') return;
    if (d.usedBeforeCheck !== null) {
      this.weak(d, `it is ${d.usedBeforeCheck} before the check (${how}) runs`);
      return;
    }
    d.status = 'verified';
    d.verifiedBy ??= how;
  }

  weak(d: Download, note: string): void {
    if (!d.weak.includes(note)) d.weak.push(note);
  }

  note(d: Download, note: string): void {
    if (!d.notes.includes(note)) d.notes.push(note);
  }

  importKey(d: Download): void {
    if (d.status === 'verified') this.st.trustedKeys = true;
    else if (!this.st.untrustedKeys.includes(d)) this.st.untrustedKeys.push(d);
  }

  keyNote(): string | null {
    if (this.st.untrustedKeys.length > 0) return `the key it is checked against was itself downloaded without a fingerprint check (${this.st.untrustedKeys[0]?.url ?? ''})`;
    return null;
  }

  insecureHttp(url: string, raw: string, range: Range, wordStart?: number, wordRaw?: string): void {
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
      instruction: this.ins,
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

  writeText(cmd: ShCommand, env: Env, target: string, via: ShCommand | null): void {
    writeText(this, this.out, cmd, env, target, via);
  }

  // ---- commands -------------------------------------------------------------------------------------

  private command(cmd: ShCommand, env: Env, pipe: readonly ShNode[], index: number, flow: Flow, follow: Follow): void {
    // Assignments first: NAME=value (trust follows the value).
    for (const a of cmd.assigns) {
      const v = this.expandWord(a.value, env);
      if (cmd.words.length === 0) env.assign(a.name, v);
    }
    if (cmd.words.length === 0) {
      // RUN <<EOF with no command: the heredoc body is the script.
      for (const r of cmd.redirects) if (r.body !== null && (r.op === '<<' || r.op === '<<-')) this.walkHeredocScript(r, env, follow === 'end');
      this.redirectWrites(cmd, env, null);
      return;
    }
    let words = cmd.words;
    let name = basename(this.expandWord(words[0] as ShWord, env).text);
    while (WRAPPERS.has(name) && words.length > 1) {
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
    if (name === 'set') {
      // `set -e`, `set -eux`, `set -o errexit`: a failing statement then stops the RUN.
      const t = words.slice(1).map((w) => w.text);
      if (t.some((x) => /^-[a-zA-Z]*e[a-zA-Z]*$/.test(x)) || (t.includes('-o') && t.includes('errexit'))) this.errexit = true;
      if (t.some((x) => /^\+[a-zA-Z]*e/.test(x)) || (t.includes('+o') && t.includes('errexit'))) this.errexit = false;
      return;
    }
    const texts = words.map((w) => this.expandWord(w, env));
    const fn = env.functions.get(name);
    if (fn !== undefined && this.callDepth < MAX_CALL_DEPTH && this.callsLeft-- > 0) {
      // A helper function: walked per call with the call's arguments; its downloads are the call's.
      this.callDepth++;
      const outer = this.callSite;
      this.callSite ??= this.rangeOf(cmd);
      const inner = new Env(env);
      inner.positional = callArguments(words.slice(1), texts.slice(1));
      this.walkNode(fn, inner, flow, 'nested');
      this.callSite = outer;
      this.callDepth--;
      return;
    }
    const call: Call = { cmd, name, words, texts, t: texts.map((v) => v.text), env, pipe, index, flow, follow, errexit: this.errexit };
    handlerFor(name, call)?.(this, call);
    recordUses(this, call);
    this.redirectWrites(cmd, env, name);
  }

  unread(reason: string): void {
    const line = this.ins.startLine;
    const known = this.out.parseErrors.get(line) ?? [];
    if (!known.includes(reason)) this.out.parseErrors.set(line, [...known, reason]);
  }

  /** Unread parts of a nested script's parse reach run-not-analyzed too. */
  private noteUnread(script: ShScript): void {
    for (const e of script.errors) if (UNREAD.test(e)) this.unread(e);
  }

  walkNested(fn: () => void): void {
    if (this.callDepth >= MAX_CALL_DEPTH) {
      // `sh -c '… sh -c '…'…'` deeper than this is not followed: say so (run-not-analyzed), never skip silently.
      this.unread('nesting too deep');
      return;
    }
    this.callDepth++;
    fn();
    this.callDepth--;
  }

  walkInlineScript(w: ShWord, env: Env): void {
    this.walkNested(() => {
      // Offsets of the inner script map to the word's start (exact columns are lost through quoting).
      const inner = parseShellShared(w.text);
      this.noteUnread(inner);
      const saved = this.script;
      const savedExact = this.exact;
      if (saved !== null) {
        const base = saved.rangeOf(w.start, w.start);
        this.script = { ...saved, positionAt: () => base.start, rangeOf: () => base };
      }
      this.exact = false;
      this.walkScript(inner, new Env(env));
      this.script = saved;
      this.exact = savedExact;
    });
  }

  /** `top`: the body is the RUN's own script (`RUN <<EOF`), so its last statement decides the RUN's status. */
  walkHeredocScript(r: ShRedirect, env: Env, top = false): void {
    if (r.body === null) return;
    this.walkNested(() => {
      const saved = this.script;
      if (saved !== null) {
        const offset = r.bodyStart;
        this.script = { ...saved, positionAt: (o) => saved.positionAt(offset + o), rangeOf: (s, e) => saved.rangeOf(offset + s, offset + e) };
      }
      const body = parseShellShared(r.body as string);
      this.noteUnread(body);
      this.walkScript(body, new Env(env), top);
      this.script = saved;
    });
  }

  /** echo/printf/cat-heredoc text written to a file: checksum lists and apt source lines. */
  private redirectWrites(cmd: ShCommand, env: Env, name: string | null): void {
    const r = cmd.redirects.find((x) => (x.op === '>' || x.op === '>>') && x.target !== null && (x.fd === '' || x.fd === '1'));
    if (r === undefined || r.target === null) return;
    const target = this.expandWord(r.target, env).text;
    if (name === 'echo' || name === 'printf' || name === 'cat' || name === null) this.writeText(cmd, env, target, null);
  }

  /** True when `d` was created inside the script range of `node`. */
  createdIn(d: Download, node: { start: number; end: number }): boolean {
    return this.script !== null && isInside(d.range, this.rangeOf(node));
  }
}

/** The flow of the whole RUN script: its last statement's status is the RUN's. */
const TOP_FLOW: Flow = { onFalse: { fate: 'fails', text: 'the RUN fails' }, onTrue: NO_BRANCH };

/** Flow of items[i] (not the last) in an && / || chain. */
function andOrFlow(node: { items: readonly ShNode[]; ops: readonly ('&&' | '||')[] }, nextOr: readonly number[], i: number, parent: Flow, env: Env): Flow {
  const next = node.items[i + 1] as ShNode;
  if (node.ops[i] === '||') return lazyFlow(() => branchOutcome(next, env, '|| '), () => parent.onTrue);
  // `a && b`: on false the chain skips to the next `||` branch, or ends false.
  const j = nextOr[i] ?? -1;
  const alt = j >= 0 ? node.items[j + 1] : undefined;
  return lazyFlow(() => (alt !== undefined ? branchOutcome(alt, env, '|| ') : parent.onFalse), () => branchOutcome(next, env, '&& '));
}

/** Arguments as the function sees them: unquoted expansions split on blanks, and dropped when empty. */
function callArguments(words: readonly ShWord[], texts: readonly Val[]): Val[] {
  const out: Val[] = [];
  texts.forEach((v, i) => {
    const w = words[i] as ShWord;
    const unquoted = w.dynamic && !/["']/.test(w.raw);
    if (unquoted && v.resolved && v.alternatives.length <= 1) {
      for (const part of v.text.split(/\s+/)) if (part !== '') out.push(val(part, v.trust));
      return;
    }
    out.push(v);
  });
  return out;
}

function plain(text: string, i: number): ShWord {
  return { raw: text, start: i, end: i, text, subs: [], dynamic: text.includes('$') };
}

function isLoopbackUrl(url: string): boolean {
  const m = /^[a-z+]+:\/\/([^/?#]+)/i.exec(url);
  const h = (m?.[1] ?? '').toLowerCase().replace(/:\d+$/, '');
  return h === 'localhost' || h.startsWith('127.') || h === '[::1]';
}
