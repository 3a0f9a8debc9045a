// Word expansion for the POSIX walk: `$X`, `${X:-d}`, `${X%pat}`, `$1`, `$@`, substitutions, with the trust of
// every part and all the values a word may take (a product over variables chosen by `case` or a loop).
import type { DockerVar } from './vars';
import type { Env } from './state';
import type { Download } from './types';
import { MAX_EXPANSION } from '../expand';
import { applyStrip, val, worst, type Trust, type Val } from './values';

/** cmd.exe backslashes stand in as this character while the POSIX reader parses a cmd line (walker.ts). */
export const CMD_BACKSLASH = '\uE000';
const CMD_BACKSLASH_ALL = /\uE000/g;
/** A value chosen by `case` or a loop keeps at most this many alternatives (products of several stay small). */
const MAX_ALTERNATIVES = 16;

export interface ExpansionScope {
  /** The stage's ARG/ENV value of `name`. */
  docker(name: string): DockerVar | undefined;
  /** A helper function is being walked (a missing `$1` then means the caller passed nothing). */
  inCall(): boolean;
}

/** Expands `$X`, `${X…}`, `$1`; substitutions take the values in `subVals`, in order. */
export function expandText(written: string, env: Env | null, subVals: Val[], scope: ExpansionScope): Val {
  const text = written.includes(CMD_BACKSLASH) ? written.replace(CMD_BACKSLASH_ALL, '\\') : written;
  // Most words hold no expansion at all: skip the scan (this runs on every keystroke).
  if (!text.includes('$') && !text.includes('`')) return val(text, 'literal');
  let trust: Trust = 'literal';
  let resolved = true;
  let missingArg = false;
  let hashOf: string | null = null;
  let fetched: Download | null = null;
  // Every text the word may expand to (a product over variables with several values), while small.
  let alts: string[] | null = [''];
  let subIndex = 0;
  const absorb = (v: Val): void => {
    trust = worst(trust, v.trust);
    if (!v.resolved) resolved = false;
    if (v.missingArg) missingArg = true;
    if (v.hashOf !== null) hashOf = v.hashOf;
    if (v.fetched !== null) fetched = v.fetched;
  };
  const append = (options: readonly string[]): void => {
    if (alts === null) return;
    const next: string[] = [];
    for (const a of alts) for (const o of options) if (a.length + o.length <= MAX_EXPANSION) next.push(a + o);
    alts = next.length <= MAX_ALTERNATIVES && next.length === alts.length * options.length ? next : null;
  };
  // A value built by doubling (A=$A$A, repeated) would grow without bound: past the cap it is unknown, as the
  // Dockerfile expansion treats it (core/expand.ts), and shown as written.
  const tooLong = (): Val => val(written.length <= MAX_EXPANSION ? written : written.slice(0, MAX_EXPANSION), 'unknown', { resolved: false });
  const re = /\$\(\([\s\S]*?\)\)|\$\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)|`[^`]*`|\$\{([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?])([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?])/g;
  let outText = '';
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const lit = text.slice(last, m.index);
    outText += lit;
    append([lit]);
    last = m.index + m[0].length;
    const tok = m[0];
    if (tok.startsWith('$((')) {
      resolved = false;
      outText += tok;
      append([tok]);
      continue;
    }
    if (tok.startsWith('$(') || tok.startsWith('`')) {
      const v = subVals[subIndex++] ?? val(tok, 'unknown', { resolved: false });
      absorb(v);
      const t = v.resolved ? v.text : tok;
      if (outText.length + t.length > MAX_EXPANSION) return tooLong();
      outText += t;
      append(v.resolved ? v.alternatives : [tok]);
      continue;
    }
    const name = (m[1] ?? m[3]) as string;
    const op = m[2] ?? '';
    let v = lookupVar(name, env, scope);
    if (v === undefined && /^:?-/.test(op)) v = expandText(op.replace(/^:?-/, ''), env, [], scope);
    if (v === undefined) {
      resolved = false;
      trust = worst(trust, 'unknown');
      if (/^[1-9]$/.test(name) && scope.inCall()) missingArg = true;
      outText += tok;
      append([tok]);
      continue;
    }
    absorb(v);
    const strip = op.startsWith('%') || op.startsWith('#') || op.startsWith('/');
    const part = strip ? applyStrip(v.text, op) : v.text;
    if (outText.length + part.length > MAX_EXPANSION) return tooLong();
    outText += part;
    append(v.alternatives.map((a) => (strip ? applyStrip(a, op) : a)));
  }
  const tail = text.slice(last);
  outText += tail;
  append([tail]);
  const alternatives = alts !== null && (alts as string[]).length > 1 ? [...new Set(alts as string[])] : [outText];
  return val(outText, trust, { hashOf, fetched, resolved, alternatives, missingArg });
}

function lookupVar(name: string, env: Env | null, scope: ExpansionScope): Val | undefined {
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
  const dv = scope.docker(name);
  if (dv !== undefined) {
    if (dv.value === undefined) return undefined;
    return val(dv.value, 'dockerfile');
  }
  return undefined;
}
