// PowerShell RUN scripts (Windows images): downloads, in-memory execution and Get-FileHash checks, read by pattern.
//
// PowerShell is not parsed as a language here: the download idioms are few and fixed
// (Invoke-WebRequest -OutFile, WebClient.DownloadFile/DownloadString, Start-BitsTransfer, curl.exe),
// and so is the check (Get-FileHash compared with a value). Variables `$env:NAME` resolve through the
// stage's ENV/ARG, `$name = '…'` assignments inside the script are followed.
import type { Range } from '../types';
import type { InstructionWalker, Val } from './analyze';
import { basename } from './analyze';

type RangeAt = (start: number, end: number) => Range;

interface PsVar {
  readonly text: string;
  readonly trust: 'literal' | 'dockerfile' | 'unknown' | 'fetched';
}

/** Analyzes one PowerShell script; findings go into the walker's collector. */
export function analyzePowerShell(w: InstructionWalker, text: string, rangeAt: RangeAt): void {
  try {
    run(w, text, rangeAt);
  } catch {
    // Pattern reading cannot fail in practice; never let it take the analysis down.
  }
}

function run(w: InstructionWalker, text: string, rangeAt: RangeAt): void {
  const vars = new Map<string, PsVar>();
  const resolve = (expr: string): PsVar => {
    const e = expr.trim().replace(/^\(|\)$/g, '').trim();
    const q = /^(['"])(.*)\1$/.exec(e);
    const inner = q !== null ? (q[2] as string) : e;
    if (q !== null && q[1] === "'") return { text: inner, trust: 'literal' };
    let trust: PsVar['trust'] = 'literal';
    const out = inner.replace(/\$\{?env:([A-Za-z_][A-Za-z0-9_]*)\}?|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, envName: string | undefined, name: string | undefined) => {
      if (envName !== undefined) {
        const v: Val = w.expandDocker('${' + envName + '}');
        if (!v.resolved) {
          trust = 'unknown';
          return m;
        }
        if (trust === 'literal') trust = 'dockerfile';
        return v.text;
      }
      const v = vars.get((name as string).toLowerCase());
      if (v === undefined) {
        trust = 'unknown';
        return m;
      }
      if (v.trust === 'fetched' || v.trust === 'unknown') trust = v.trust;
      else if (trust === 'literal') trust = v.trust;
      return v.text;
    });
    return { text: out, trust };
  };
  // Statements: split on ; and newlines outside quotes and parentheses is overkill here; assignments are simple.
  for (const m of text.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([^;\n]+)/g)) {
    const name = (m[1] as string).toLowerCase();
    const rhs = (m[2] as string).trim();
    if (/DownloadString|Invoke-WebRequest|Invoke-RestMethod|iwr\b/i.test(rhs)) vars.set(name, { text: rhs, trust: 'fetched' });
    else if (/^['"]|^\$env:|^\$\{env:/i.test(rhs) && !/\bif\b/i.test(rhs)) vars.set(name, resolve(rhs.replace(/\s*\}.*$/, '')));
    else vars.set(name, { text: rhs, trust: 'unknown' });
  }
  const fetches: { file: string | null; url: PsVar; urlRaw: string; at: number; len: number; tool: string; exec: boolean }[] = [];
  const arg = '((?:\'[^\']*\'|"[^"]*"|\\$\\{?[A-Za-z_:][A-Za-z0-9_:]*\\}?|[^\\s,;)]+))';
  // Invoke-WebRequest / iwr with -Uri and -OutFile in any order (backtick continuations already joined or kept).
  for (const m of text.matchAll(/\b(?:Invoke-WebRequest|iwr|Invoke-RestMethod|irm|Start-BitsTransfer)\b([^;\n|]*(?:`\s*\n[^;\n|]*)*)/gi)) {
    const args = m[1] as string;
    const uri = new RegExp(`-(?:Uri|Source)\\s+${arg}`, 'i').exec(args) ?? new RegExp(`^\\s+${arg}`).exec(args);
    const out = new RegExp(`-(?:OutFile|Destination)\\s+${arg}`, 'i').exec(args);
    if (uri === null) continue;
    const urlRaw = (uri[1] as string).replace(/^\(+/, '');
    const at = (m.index ?? 0) + (m[0].length - args.length) + (uri.index ?? 0) + uri[0].indexOf(urlRaw);
    const execd = /\b(?:iex|Invoke-Expression)\b/i.test(text.slice(Math.max(0, (m.index ?? 0) - 40), m.index ?? 0)) || /\|\s*(?:iex|Invoke-Expression)\b/i.test(text.slice((m.index ?? 0) + m[0].length, (m.index ?? 0) + m[0].length + 30));
    fetches.push({ file: out !== null ? resolve(out[1] as string).text : null, url: resolve(urlRaw), urlRaw, at, len: urlRaw.length, tool: /Start-BitsTransfer/i.test(m[0]) ? 'Start-BitsTransfer' : 'Invoke-WebRequest', exec: execd });
  }
  for (const m of text.matchAll(new RegExp(`\\.DownloadFile\\(\\s*${arg}\\s*,\\s*${arg}\\s*\\)`, 'gi'))) {
    const urlRaw = m[1] as string;
    fetches.push({ file: resolve(m[2] as string).text, url: resolve(urlRaw), urlRaw, at: (m.index ?? 0) + m[0].indexOf(urlRaw), len: urlRaw.length, tool: 'WebClient.DownloadFile', exec: false });
  }
  for (const m of text.matchAll(new RegExp(`\\.DownloadString\\(\\s*${arg}\\s*\\)`, 'gi'))) {
    const urlRaw = m[1] as string;
    const before = text.slice(Math.max(0, (m.index ?? 0) - 80), m.index ?? 0);
    const exec = /\b(?:iex|Invoke-Expression)\b[^;\n]*$/i.test(before);
    fetches.push({ file: null, url: resolve(urlRaw), urlRaw, at: (m.index ?? 0) + m[0].indexOf(urlRaw), len: urlRaw.length, tool: 'WebClient.DownloadString', exec });
  }
  for (const m of text.matchAll(/\bcurl\.exe\b([^;\n|]*)/gi)) {
    const words = (m[1] as string).trim().split(/\s+/);
    let file: string | null = null;
    let url: string | null = null;
    for (let i = 0; i < words.length; i++) {
      const x = words[i] as string;
      if (/^-[A-Za-z]*o$/.test(x) || x === '--output') {
        file = words[i + 1] ?? null;
        i++;
      } else if (/^-[A-Za-z]*O$/.test(x)) file = '';
      else if (!x.startsWith('-')) url = x;
    }
    if (url === null) continue;
    const v = resolve(url);
    if (file === '') file = basename(v.text.replace(/[?#].*$/, ''));
    fetches.push({ file: file === null ? null : resolve(file).text, url: v, urlRaw: url, at: (m.index ?? 0) + m[0].indexOf(url), len: url.length, tool: 'curl.exe', exec: false });
    if (/(?:^|\s)-[A-Za-z]*k|--insecure/.test(m[1] as string)) w.insecureFlag('curl -k', '`curl.exe -k` turns off TLS certificate verification', rangeAt(m.index ?? 0, (m.index ?? 0) + m[0].length), 'a man-in-the-middle can serve any content', 'remove -k/--insecure');
  }
  // Get-FileHash <file> compared with a value.
  const checked = new Map<string, PsVar>();
  for (const m of text.matchAll(new RegExp(`Get-FileHash\\s+(?:-Path\\s+|-LiteralPath\\s+)?${arg}([^;\\n]*)`, 'gi'))) {
    const file = basename(resolve(m[1] as string).text);
    const rest = (m[2] as string) + text.slice((m.index ?? 0) + m[0].length, (m.index ?? 0) + m[0].length + 200);
    const cmp = /(?:-c?ne|-c?eq|\.Equals\(|-notmatch|-match)\s*\(?\s*(['"][^'"]*['"]|\$\{?env:[A-Za-z0-9_]+\}?|\$[A-Za-z_][A-Za-z0-9_]*)/i.exec(rest);
    if (cmp === null) continue;
    checked.set(file, resolve(cmp[1] as string));
  }
  // gpg/gpgv run from PowerShell (& 'C:/…/gpgv.exe' --keyring k sig data): a signature check.
  const sigChecks: { sig: string; data: string; keyFetched: boolean }[] = [];
  for (const m of text.matchAll(/\bgpgv?(?:2)?(?:\.exe)?['"]?\s+([^;\n]*)/gi)) {
    const words = (m[1] as string).trim().split(/\s+/);
    const isGpgv = /gpgv/i.test(m[0]);
    if (!isGpgv && !words.includes('--verify')) continue;
    let keyFetched = false;
    const pos: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const x = words[i] as string;
      if (x === '--keyring' || x === '--homedir') {
        const k = words[i + 1] ?? '';
        if (w.fileState(basename(k))?.origin === 'download') keyFetched = true;
        i++;
        continue;
      }
      if (x.startsWith('-')) continue;
      pos.push(resolve(x).text);
    }
    const sig = pos[0];
    if (sig !== undefined) sigChecks.push({ sig, data: pos[1] ?? sig.replace(/\.(?:asc|sig)$/i, ''), keyFetched });
  }
  for (const f of fetches) {
    const range = rangeAt(f.at, f.at + f.len);
    const d = w.newDownload(f.tool, f.urlRaw.replace(/^['"]|['"]$/g, ''), f.url.trust === 'unknown' || f.url.trust === 'fetched' ? null : f.url.text, range, 'file');
    if (/^http:\/\//i.test(f.url.text)) w.insecureHttp(f.url.text, f.urlRaw, range, w.ins);
    if (f.exec) {
      d.sink = 'shell';
      d.interpreter = 'iex';
      continue;
    }
    if (f.file === null) {
      // Content kept in memory (a version, an expected hash): text, not a file in the image.
      d.sink = 'metadata';
      d.status = 'metadata';
      continue;
    }
    d.outputs.push(f.file);
    w.addFile(f.file, d);
    for (const g of sigChecks) {
      if (basename(g.sig) === basename(f.file)) d.status = 'material';
      else if (basename(g.data) === basename(f.file)) {
        if (g.keyFetched) w.weak(d, 'the signature is checked against a key that was itself downloaded');
        else w.verify(d, `gpg signature ${g.sig}`);
      }
    }
    const c = checked.get(basename(f.file));
    if (c === undefined) continue;
    if (c.trust === 'fetched') w.weak(d, 'the expected hash is itself downloaded during the build');
    else if (/^[0-9a-fA-F]{32,128}$/.test(c.text) || c.trust === 'dockerfile') w.verify(d, 'Get-FileHash compared with a pinned value');
  }
  for (const m of text.matchAll(/\b(Expand-Archive|Start-Process|msiexec)\b\s+(?:-Path\s+|-FilePath\s+)?([^\s;]+)/gi)) {
    const target = basename(resolve(m[2] as string).text);
    for (const d of w.fileState(target)?.downloads ?? []) if (!d.uses.includes(`used by ${m[1]}`)) d.uses.push(`used by ${m[1]}`);
  }
}
