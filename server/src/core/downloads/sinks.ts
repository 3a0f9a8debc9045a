// Where a fetcher's stdout goes (a file, a shell, an extractor, a keyring) and what a checker reads on stdin.
import type { ShNode, ShWord } from '../shell/parse';
import type { Call, Stdin, StdoutSink, WalkContext } from './context';
import type { Download } from './types';
import { basename, EXTRACTORS, FILTERS, HASHERS, KEYRING_DIR, SHELL_INTERPRETERS, val, worst, type Trust } from './values';

const NO_SINK = { sink: 'file', file: null, interpreter: null, keyTool: null } as const;

/** Where the stdout of call.pipe[call.index] ends up. */
export function stdoutSink(ctx: WalkContext, call: Call): StdoutSink {
  const { cmd, pipe, index, env } = call;
  const redirect = cmd.redirects.find((r) => (r.op === '>' || r.op === '>>' || r.op === '>|' || r.op === '&>') && (r.fd === '' || r.fd === '1'));
  if (redirect?.target) return { sink: 'file', file: ctx.expandWord(redirect.target, env).text, interpreter: null, keyTool: null };
  // `| tee file | sh`: the file is written and the text runs on.
  let teeFile: string | null = null;
  for (let i = index + 1; i < pipe.length; i++) {
    const n = pipe[i] as ShNode;
    if (n.type !== 'cmd') return NO_SINK;
    let ws = n.words;
    let nm = basename(ws[0] !== undefined ? ctx.expandWord(ws[0], env).text : '');
    while ((nm === 'sudo' || nm === 'env' || nm === 'exec') && ws.length > 1) {
      let j = 1;
      while (j < ws.length && (/^-/.test((ws[j] as ShWord).text) || /^[A-Za-z_][A-Za-z0-9_]*=/.test((ws[j] as ShWord).text))) j++;
      ws = ws.slice(j);
      nm = basename(ws[0] !== undefined ? ctx.expandWord(ws[0], env).text : '');
    }
    const args = ws.slice(1).map((w) => ctx.expandWord(w, env).text);
    if (SHELL_INTERPRETERS.test(nm) && !(nm.startsWith('python') && args.some((a) => a === '-c' || (/\.py$/.test(a) && a !== '-')))) return { sink: 'shell', file: teeFile, interpreter: nm, keyTool: null, consumer: n };
    if (nm === 'iex' || /^invoke-expression$/i.test(nm)) return { sink: 'shell', file: teeFile, interpreter: nm, keyTool: null, consumer: n };
    if ((nm === 'gpg' || nm === 'gpg2') && args.some((a) => /^--(?:import|dearmou?r|enarmou?r)$/.test(a) || a === '--recv-keys')) return { sink: 'key', file: null, interpreter: null, keyTool: `gpg ${args.find((a) => /^--(?:import|dearmou?r)/.test(a)) ?? ''}`.trim() };
    if (nm === 'apt-key' && args.includes('add')) return { sink: 'key', file: null, interpreter: null, keyTool: 'apt-key add' };
    if ((nm === 'rpm' || nm === 'rpmkeys') && args.includes('--import')) return { sink: 'key', file: null, interpreter: null, keyTool: `${nm} --import` };
    if (nm === 'tee') {
      const f = args.find((a) => !a.startsWith('-')) ?? null;
      if (f !== null && KEYRING_DIR.test(f)) return { sink: 'key', file: f, interpreter: null, keyTool: 'tee into a keyring' };
      if (f !== null && i === pipe.length - 1) return { sink: 'file', file: f, interpreter: null, keyTool: null };
      if (f !== null) teeFile ??= f;
      continue;
    }
    if (EXTRACTORS.test(nm)) return { sink: 'extract', file: null, interpreter: nm, keyTool: null };
    if (FILTERS.test(nm) || HASHERS.test(nm)) {
      const r = n.redirects.find((x) => (x.op === '>' || x.op === '>>') && (x.fd === '' || x.fd === '1'));
      if (r?.target) return { sink: 'file', file: ctx.expandWord(r.target, env).text, interpreter: null, keyTool: null };
      continue;
    }
    return { sink: 'extract', file: null, interpreter: nm, keyTool: null };
  }
  return teeFile !== null ? { sink: 'file', file: teeFile, interpreter: null, keyTool: null } : { sink: 'metadata', file: null, interpreter: null, keyTool: null };
}

/** What a command reads on stdin: echo/printf text, or a file (cat f, grep pattern f, < f, <<< text). */
export function stdinOf(ctx: WalkContext, call: Call): Stdin {
  const { cmd, pipe, index, env } = call;
  for (const r of cmd.redirects) {
    if (r.op === '<' && r.target) return { echo: null, file: ctx.expandWord(r.target, env).text, grep: null };
    if (r.op === '<<<' && r.target) return { echo: ctx.expandWord(r.target, env), file: null, grep: null };
    if ((r.op === '<<' || r.op === '<<-') && r.body !== null) return { echo: ctx.expandText(r.body, r.quotedBody ? null : env, []), file: null, grep: null };
  }
  const prev = pipe[index - 1];
  if (prev === undefined || prev.type !== 'cmd' || prev.words.length === 0) return { echo: null, file: null, grep: null };
  const pn = basename(ctx.expandWord(prev.words[0] as ShWord, env).text);
  const args = prev.words.slice(1).map((w) => ctx.expandWord(w, env));
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
