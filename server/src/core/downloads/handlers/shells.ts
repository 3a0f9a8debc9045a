// Shells and shell builtins: scripts run by sh/bash (-c, heredoc, `<(curl …)`), eval/source, PowerShell started
// from sh, and the builtins that set variables (export/local/declare) or positional parameters (shift).
import type { ShWord } from '../../shell/parse';
import { isPosixShell } from '../../shell/source';
import type { Call, Handler, WalkContext } from '../context';
import { isInside, SHELL_INTERPRETERS } from '../values';

export const declare: Handler = (ctx, call) => {
  for (const w of call.words.slice(1)) {
    const eq = w.text.indexOf('=');
    if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(w.text.slice(0, eq))) {
      const v = ctx.expandText(w.text.slice(eq + 1), call.env, w.subs.map((s) => ctx.evalSubst(s, call.env)));
      call.env.assign(w.text.slice(0, eq), v, call.name === 'local');
    }
  }
};

export const shift: Handler = (_ctx, call) => {
  for (let e: typeof call.env | null = call.env; e !== null; e = e.parent) {
    if (e.positional.length > 0) {
      e.positional = e.positional.slice(Number(call.t[1] ?? '1') || 1);
      break;
    }
  }
};

/**
 * Downloads inside words that the command runs as code: `sh -c "$(curl …)"`, `eval "$(wget -qO- …)"`,
 * `bash <(curl …)`, `source <(wget -qO- …)`, `python3 <(curl …)`.
 */
function substitutionsRunAsCode(ctx: WalkContext, call: Call): void {
  const { name, words } = call;
  const dashC = isPosixShell(name) && words.some((w) => w.text === '-c');
  const evalLike = name === 'eval' || name === 'source' || name === '.';
  const interpreter = isPosixShell(name) || SHELL_INTERPRETERS.test(name);
  // The script operand: the first word that is not an option (process substitution words start with `<(`).
  const scriptWord = words.slice(1).find((w) => !/^-/.test(w.text) || w.raw.startsWith('<('));
  for (const w of words.slice(1)) {
    if (w.subs.length === 0) continue;
    const procSub = w.raw.startsWith('<(');
    const runs = (dashC && !procSub) || evalLike || (procSub && interpreter && w === scriptWord);
    if (!runs) continue;
    const how = procSub ? `${name} <(…)` : name === 'eval' ? 'eval' : evalLike ? name : `${name} -c`;
    for (const d of ctx.local) {
      if (d.status === 'verified' || d.sink !== 'metadata') continue;
      if (!isInside(d.range, ctx.rangeOf(w))) continue;
      d.sink = 'shell';
      d.interpreter = how;
      d.status = 'unverified';
    }
  }
}

export const posixShell: Handler = (ctx, call) => {
  substitutionsRunAsCode(ctx, call);
  // `bash <<EOF` and `sh -c '…'`: the body is a script too.
  for (const r of call.cmd.redirects) if (r.body !== null && (r.op === '<<' || r.op === '<<-')) ctx.walkHeredocScript(r, call.env);
  const ci = call.t.indexOf('-c');
  const scriptWord: ShWord | undefined = ci >= 0 ? call.words[ci + 1] : undefined;
  if (scriptWord !== undefined && scriptWord.subs.length === 0) ctx.walkInlineScript(scriptWord, call.env);
};

/** Interpreters other than sh (python, perl, node…): only `<(curl …)` as the script. */
export const interpreter: Handler = (ctx, call) => substitutionsRunAsCode(ctx, call);

export const evalOrSource: Handler = (ctx, call) => substitutionsRunAsCode(ctx, call);

/** `powershell -Command "…"` run from sh or cmd. */
export const powershellFromShell: Handler = (ctx, call) => {
  const { t, words, cmd } = call;
  const ci = t.findIndex((x) => /^-(?:c|command)$/i.test(x));
  const body = ci >= 0 ? t.slice(ci + 1).join(' ') : t.slice(1).filter((x) => !/^-/.test(x)).join(' ');
  const w0 = words[ci >= 0 ? ci + 1 : 1];
  const base = w0 !== undefined ? w0.start : cmd.start;
  ctx.powershell(body, () => ctx.rangeOf({ start: base, end: base }));
};

export const SHELLS: ReadonlyMap<string, Handler> = new Map([
  ['export', declare],
  ['local', declare],
  ['declare', declare],
  ['readonly', declare],
  ['typeset', declare],
  ['shift', shift],
  ['eval', evalOrSource],
  ['source', evalOrSource],
  ['.', evalOrSource],
]);
