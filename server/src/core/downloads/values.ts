// Values of the download dataflow (text + how far it can be trusted) and the small pure helpers every handler shares.
import type { Range } from '../types';
import type { Download } from './types';

/**
 * How far a value can be trusted as an expected checksum or key: written in the Dockerfile (literal, or an
 * ENV/ARG of it), computed from a file (hash), unknown, or fetched during the build (whoever serves the
 * download may also serve it).
 */
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
  /** Built from a positional parameter the helper function's caller did not pass. */
  readonly missingArg: boolean;
}

export function val(text: string, trust: Trust, extra: Partial<Val> = {}): Val {
  return { text, trust, alternatives: extra.alternatives ?? [text], hashOf: extra.hashOf ?? null, fetched: extra.fetched ?? null, resolved: extra.resolved ?? true, missingArg: extra.missingArg ?? false };
}

export const UNKNOWN: Val = val('', 'unknown', { resolved: false });

const TRUST_RANK: Record<Trust, number> = { literal: 0, dockerfile: 1, hash: 2, unknown: 3, fetched: 4 };

export function worst(a: Trust, b: Trust): Trust {
  return TRUST_RANK[a] >= TRUST_RANK[b] ? a : b;
}

/** A full commit id or gpg fingerprint (optionally 0x-prefixed). */
export const HEX40 = /^(?:0x)?[0-9A-Fa-f]{40}$/;
export const HEX_DIGEST = /^[0-9A-Fa-f]{32,128}$/;
/** Detached signatures and checksum lists: inert on their own. */
export const VERIFICATION_MATERIAL = /(?:\.(?:asc|sig|sign|minisig|sha(?:1|256|512)(?:sum)?|md5|sum|sigstore|bundle|pem|crt)|SHA\d*SUMS?(?:\.txt)?|[_-]checksums?\.txt)$/i;
export const SHELL_INTERPRETERS = /^(?:.*\/)?(?:sh|bash|ash|dash|zsh|ksh|mksh|fish|python[0-9.]*|perl|ruby|node|nodejs|php[0-9.]*|pwsh|powershell|tclsh|lua|Rscript)$/;
export const EXTRACTORS = /^(?:.*\/)?(?:tar|bsdtar|unzip|gunzip|gzip|xz|unxz|bunzip2|bzip2|zstd|cpio|7z|7za|jar|busybox)$/;
export const FILTERS = /^(?:.*\/)?(?:grep|egrep|fgrep|sed|awk|gawk|mawk|jq|yq|cut|head|tail|tr|sort|uniq|xargs|wc|cat|base64|rev|column|python3?)$/;
export const HASHERS = /^(?:.*\/)?(sha(?:1|224|256|384|512)sum|md5sum|b2sum|shasum|cksum)$/;
/** Keyrings of apt, apk and rpm, and key files by name. */
export const KEYRING_DIR = /(?:\/etc\/apt\/trusted\.gpg(?:\.d)?|\/usr\/share\/keyrings\/|\/etc\/apt\/keyrings\/|\/etc\/apk\/keys\/|\/etc\/pki\/rpm-gpg\/|\.gpg$|\.gpg\.key$)/;
export const DISTRO_HOSTS = /^(?:https?:\/\/)(?:deb\.debian\.org|security\.debian\.org|ftp(?:\.[a-z]{2})?\.debian\.org|httpredir\.debian\.org|http\.debian\.net|archive\.debian\.org|deb\.debian\.org\/debian-security|(?:[a-z]{2}\.)?archive\.ubuntu\.com|security\.ubuntu\.com|ports\.ubuntu\.com|old-releases\.ubuntu\.com|mirrors\.kernel\.org\/(?:debian|ubuntu))(?:[/:]|$)/;

export function basename(p: string): string {
  const clean = p.replace(/[\\/]+$/, '');
  const i = Math.max(clean.lastIndexOf('/'), clean.lastIndexOf('\\'));
  return i >= 0 ? clean.slice(i + 1) : clean;
}

export function urlBasename(url: string): string {
  return basename(url.replace(/[?#].*$/, ''));
}

export function hostOf(url: string): string {
  const m = /^[a-z+]+:\/\/([^/?#]+)/i.exec(url);
  return (m?.[1] ?? '').toLowerCase();
}

export function isLoopback(url: string): boolean {
  const h = hostOf(url).replace(/:\d+$/, '');
  return h === 'localhost' || h.startsWith('127.') || h === '[::1]';
}

export function isHttpUrl(s: string): boolean {
  return /^(?:https?|ftp):\/\//i.test(s);
}

/** Plain http:// to somewhere other than this machine. */
export function isInsecureHttp(url: string): boolean {
  return /^(?:git\+)?http:\/\//i.test(url) && !isLoopback(url.replace(/^git\+/i, ''));
}

/** A word that may hold a URL: one written out, or a variable holding one ("$URL", "${BIN_URL}.sig"). */
export function looksLikeUrlWord(text: string, resolved: string | null): boolean {
  if (isHttpUrl(resolved ?? '') || isHttpUrl(text)) return true;
  return /^\$\{?[A-Za-z_][A-Za-z0-9_]*/.test(text);
}

export function isInside(inner: Range, outer: Range): boolean {
  const a = inner.start;
  const s = outer.start;
  const e = outer.end;
  const afterStart = a.line > s.line || (a.line === s.line && a.character >= s.character);
  const beforeEnd = a.line < e.line || (a.line === e.line && a.character <= e.character);
  return afterStart && beforeEnd;
}

/** `${X%pattern}`, `${X##pattern}` and friends on a known value. */
export function applyStrip(value: string, op: string): string {
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

export interface SumEntry {
  readonly trust: Trust;
  readonly name: string;
  readonly fetched: Download | null;
}

/** `<hash>  <file>` lines (also `<hash> *<file>` and BSD `SHA256 (file) = hash`), with the trust of the text they came from. */
export function parseSumLines(text: string, trust: Trust, fetched: Download | null): SumEntry[] {
  const out: SumEntry[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 2) continue;
    const h = parts[0] as string;
    const name = (parts[parts.length - 1] as string).replace(/^\*/, '');
    if (/^(?:SHA\d+|MD5)$/.test(h) && parts.length >= 4) {
      out.push({ trust, name: (parts[1] as string).replace(/^\(|\)$/g, ''), fetched });
      continue;
    }
    if (HEX_DIGEST.test(h) || h === '' || /^\$|^\{/.test(h) || trust !== 'literal') out.push({ trust, name, fetched });
  }
  return out;
}

/** Text for people: unresolved substitutions shown as `$(…)`, never as a cut-off backquote. */
/** Longest URL or path a message quotes whole; longer ones keep their start and end around an ellipsis. */
export const MAX_SHOWN = 200;

export function displayText(text: string): string {
  return elide(text.replace(/`([^`]*)`?/g, (_m, inner: string) => `$(${inner.trim()})`));
}

/** `text` as a message quotes it: whole up to MAX_SHOWN characters, else its start, "…" and its end. */
export function elide(text: string, max = MAX_SHOWN): string {
  if (text.length <= max) return text;
  const tail = Math.floor(max / 4);
  return `${text.slice(0, max - tail - 1)}…${text.slice(text.length - tail)}`;
}

/** "x" or "one of x, y, z" for a value chosen by `case` or a loop. */
export function oneOf(values: readonly string[], max = 4): string {
  const uniq = [...new Set(values)];
  if (uniq.length <= 1) return elide(uniq[0] ?? '');
  const shown = uniq.slice(0, max).map((v) => elide(v)).join(', ');
  return `one of ${shown}${uniq.length > max ? `, … (${uniq.length} in all)` : ''}`;
}
