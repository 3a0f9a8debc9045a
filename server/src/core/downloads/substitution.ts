// The value of a command substitution `$(…)`: fetched text, a hash computed over a file, a file's content, or echoed text.
import { allCommands, type ShCommand, type ShScript, type ShWord } from '../shell/parse';
import type { WalkContext } from './context';
import type { Env } from './state';
import type { Download } from './types';
import { basename, HASHERS, UNKNOWN, val, worst, type Trust, type Val } from './values';

/** `created`: downloads made while the substitution was walked (its output is then fetched text). */
export function evalSubstitution(ctx: WalkContext, s: ShScript, inner: Env, created: readonly Download[]): Val {
  const cmds = allCommands(s, false);
  if (created.length > 0) {
    for (const d of created) if (d.sink === 'metadata') d.status = 'metadata';
    return val('', 'fetched', { fetched: created[0] ?? null, resolved: false });
  }
  const flat = (w: ShWord): string => ctx.expandText(w.text, inner, w.subs.map(() => UNKNOWN)).text;
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
      const ex = ctx.expandText(w.text, inner, w.subs.map(() => UNKNOWN));
      if (ex.trust === 'fetched') {
        trust = 'fetched';
        fetched ??= ex.fetched;
      }
      const f = ctx.fileState(ex.text);
      if (f === undefined) continue;
      if (f.origin === 'download' && f.downloads.some((d) => d.status !== 'verified')) {
        trust = 'fetched';
        fetched = f.downloads[0] ?? null;
      } else if (trust !== 'fetched') trust = 'literal';
    }
  }
  const echo = cmds.length === 1 ? cmds[0] : undefined;
  if (echo !== undefined && (cmdName(echo) === 'echo' || cmdName(echo) === 'printf')) {
    const parts = echo.words.slice(1).map((w) => ctx.expandWord(w, inner));
    return val(parts.map((p) => p.text).join(' '), parts.reduce<Trust>((t, p) => worst(t, p.trust), 'literal'), { resolved: parts.every((p) => p.resolved) });
  }
  return val('', trust, { fetched, resolved: false });
}

export function cmdName(c: ShCommand): string {
  return basename(c.words[0]?.text ?? '');
}

/** The file a hash command reads (sha256sum f, shasum -a 256 f, openssl sha512 -r f, openssl dgst -sha256 f). */
export function hashTarget(c: ShCommand, name: string, text: (w: ShWord) => string): string | null {
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
