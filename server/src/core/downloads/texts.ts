// Text a script writes into files: checksum lists it builds, and apt source lines (with or without signed-by).
import type { ShCommand } from '../shell/parse';
import type { WalkContext } from './context';
import type { Collector, Env } from './state';
import type { AptSource } from './types';
import { basename, DISTRO_HOSTS, hostOf, parseSumLines, val, worst, type Trust, type Val } from './values';

/** One finding per list file and instruction: lines appended one echo at a time are one change. */
const aptByFile = new WeakMap<Collector, Map<string, { index: number; first: string; extra: number; distro: boolean; trustedYes: boolean }>>();

export function writeText(ctx: WalkContext, out: Collector, cmd: ShCommand, env: Env, target: string, via: ShCommand | null): void {
  const n = cmd.words[0] !== undefined ? basename(ctx.expandWord(cmd.words[0], env).text) : '';
  let text: Val | null = null;
  if (n === 'echo' || n === 'printf') {
    const parts = cmd.words.slice(1).map((w) => ctx.expandWord(w, env)).filter((p, i) => !(i === 0 && /^-[neE]+$/.test(p.text)));
    let s = parts.map((p) => p.text).join(' ');
    if (n === 'printf' || cmd.words.some((w) => w.text === '-e')) s = s.replace(/\\n/g, '\n');
    text = val(s, parts.reduce<Trust>((a, p) => worst(a, p.trust), 'literal'), { fetched: parts.find((p) => p.fetched !== null)?.fetched ?? null });
  } else if (n === 'cat' || n === '') {
    const h = cmd.redirects.find((r) => (r.op === '<<' || r.op === '<<-') && r.body !== null);
    if (h !== undefined) text = ctx.expandText(h.body as string, h.quotedBody ? null : env, []);
  }
  if (text === null) return;
  const entries = parseSumLines(text.text, text.trust, text.fetched);
  if (entries.length > 0) ctx.setFile(target, { origin: 'written', downloads: [], entries });
  if (/sources\.list|\.list$|\.sources$/.test(target)) aptSourceLines(ctx, out, text.text, cmd, via, target);
}

function aptSourceLines(ctx: WalkContext, out: Collector, text: string, cmd: ShCommand, via: ShCommand | null, target: string): void {
  const deb822 = /\.sources$/.test(target) || /^\s*Types:\s*deb/im.test(text);
  const lines = deb822 ? [text] : text.split(/\n|\\n/);
  const unsigned: { line: string; distro: boolean; trustedYes: boolean }[] = [];
  for (const line of lines) {
    const l = line.trim();
    if (deb822 ? !/URIs:/i.test(l) : !/^deb(?:-src)?\s/.test(l)) continue;
    const signedBy = /signed-by\s*[=:]\s*([^\s\]]+)/i.exec(l)?.[1];
    if (signedBy !== undefined) {
      // The keyring a repository is bound to: a key downloaded into it unchecked is an unverified key.
      for (const d of ctx.fileState(signedBy)?.downloads ?? []) {
        d.kind = 'key';
        d.sink = 'key';
        ctx.importKey(d);
      }
    }
    const trustedYes = /trusted\s*=\s*yes/i.test(l);
    const uri = deb822 ? (/URIs:\s*(\S+)/i.exec(l)?.[1] ?? '') : (l.replace(/^deb(?:-src)?\s+(?:\[[^\]]*\]\s*)?/, '').split(/\s+/)[0] ?? '');
    if (/^(?:file|cdrom|copy):/i.test(uri)) continue;
    if (signedBy !== undefined && !trustedYes) continue;
    // The host came from a build ARG/ENV when the written words do not contain it literally.
    const literalHost = cmd.words.some((w) => w.raw.includes(hostOf(uri)));
    unsigned.push({ line: deb822 ? `URIs: ${uri}` : l, distro: DISTRO_HOSTS.test(uri) && literalHost, trustedYes });
  }
  const first = unsigned[0];
  if (first === undefined) return;
  let byFile = aptByFile.get(out);
  if (byFile === undefined) aptByFile.set(out, (byFile = new Map()));
  const key = `${ctx.ins.startLine}|${basename(target)}`;
  const prev = byFile.get(key);
  if (prev !== undefined) {
    prev.extra += unsigned.length;
    prev.distro &&= unsigned.every((u) => u.distro);
    prev.trustedYes ||= unsigned.some((u) => u.trustedYes);
    out.aptSources[prev.index] = { ...(out.aptSources[prev.index] as AptSource), line: `${prev.first} (+${prev.extra} more line${prev.extra > 1 ? 's' : ''})`, distro: prev.distro, trustedYes: prev.trustedYes };
    return;
  }
  const w = cmd.words.find((x) => x.text.includes(first.line.slice(0, 12))) ?? cmd.words[1] ?? via?.words[0];
  const range = w !== undefined ? ctx.rangeOf(w) : ctx.rangeOf(cmd);
  const extra = unsigned.length - 1;
  const entry = { index: out.aptSources.length, first: first.line, extra, distro: unsigned.every((u) => u.distro), trustedYes: unsigned.some((u) => u.trustedYes) };
  byFile.set(key, entry);
  out.aptSources.push({ instruction: ctx.ins, range, line: first.line + (extra > 0 ? ` (+${extra} more line${extra > 1 ? 's' : ''})` : ''), distro: entry.distro, trustedYes: entry.trustedYes });
}
