// PowerShell cmdlets and Windows tools, name → handler: web downloads (Invoke-WebRequest, Start-BitsTransfer,
// New-Object Net.WebClient, curl.exe), checks (Get-FileHash, Get-AuthenticodeSignature, gpg), and uses
// (Expand-Archive, Start-Process, msiexec, iex, `& file`).
import type { Download } from '../types';
import { basename, urlBasename, val } from '../values';
import type { PsArg, PsElement, PsExpr, PsStatement } from './syntax';
import { PS_UNKNOWN, psText, PsScope, type PsHost, type PsVal } from './scope';

export interface CommandInfo {
  readonly el: PsElement & { k: 'cmd' };
  /** Lower-case command name (aliases not resolved). */
  readonly name: string;
  readonly nameVal: PsVal;
  readonly scope: PsScope;
  /** Output of the previous pipeline element. */
  readonly input: PsVal | null;
  readonly stmt: PsStatement;
  readonly index: number;
  readonly count: number;
}

type Cmdlet = (w: PsHost, c: CommandInfo) => PsVal;

/** Arguments bound to parameter names (lower case) and positions, evaluated lazily. */
export class Bound {
  readonly named = new Map<string, { e: PsExpr | null; arg: PsArg }>();
  readonly positional: PsExpr[] = [];
  readonly switches = new Set<string>();
  constructor(
    private readonly w: PsHost,
    private readonly scope: PsScope,
    args: readonly PsArg[],
    spec: { readonly params: readonly string[]; readonly switches: readonly string[] },
  ) {
    const canonical = (n: string): string => spec.params.find((p) => p === n) ?? spec.switches.find((p) => p === n) ?? spec.params.find((p) => p.startsWith(n)) ?? spec.switches.find((p) => p.startsWith(n)) ?? n;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as PsArg;
      if (a.k === 'value') {
        this.positional.push(a.e);
        continue;
      }
      const n = canonical(a.name);
      if (a.inline !== null) {
        this.named.set(n, { e: a.inline, arg: a });
        continue;
      }
      const next = args[i + 1];
      if (spec.switches.includes(n) || next === undefined || next.k !== 'value') {
        this.switches.add(n);
        continue;
      }
      this.named.set(n, { e: next.e, arg: a });
      i++;
    }
  }
  /** The expression for a parameter: by name, else the n-th positional argument. */
  expr(name: string, position = -1, positionsTaken: readonly string[] = []): PsExpr | null {
    const n = this.named.get(name);
    if (n !== undefined) return n.e;
    if (position < 0) return null;
    // Positional slots are filled in order by the parameters not given by name.
    const free = positionsTaken.filter((p) => !this.named.has(p));
    const slot = free.indexOf(name);
    return slot >= 0 ? (this.positional[slot] ?? null) : null;
  }
  value(e: PsExpr | null): PsVal {
    return e === null ? PS_UNKNOWN : this.w.expr(e, this.scope);
  }
}

const COMMON_SWITCHES = ['verbose', 'debug', 'whatif', 'confirm', 'force', 'passthru'];

function bind(w: PsHost, c: CommandInfo, params: readonly string[], switches: readonly string[]): Bound {
  return new Bound(w, c.scope, c.el.args, { params, switches: [...switches, ...COMMON_SWITCHES] });
}

/** The `-OutFile`/destination expression's text as written, for the inserted check. */
function pinFile(w: PsHost, d: Download, c: CommandInfo, fileExpr: PsExpr, url: string | null): void {
  if (!w.exact || w.nesting > 0 || w.callSite !== null || c.count !== 1 || url === null || !/^https:\/\/[^/?#\s]+/i.test(url) || d.alternatives.length > 1) return;
  const raw = w.text(fileExpr).trim();
  if (raw === '' || /[\n;|]/.test(raw)) return;
  d.pin = { kind: 'file', shell: 'powershell', url, file: raw, insertAt: w.rangeAt(c.stmt.end, c.stmt.end).start, guard: 'chain' };
}

const IWR_PARAM = /^-(?:uri|outfile|usebasicparsing|method|headers|body|useragent|usedefaultcredentials|timeoutsec|maximumredirection|skipcertificatecheck|erroraction|proxy|contenttype|infile|credential|passthru)\b/i;

const webRequest: Cmdlet = (w, c) => {
  // Windows PowerShell aliases curl and wget to Invoke-WebRequest; with curl's own flags it is curl.exe.
  if ((c.name === 'curl' || c.name === 'wget') && !c.el.args.some((a) => a.k === 'param' && IWR_PARAM.test(w.text(a))) && c.el.args.some((a) => /^-/.test(w.text(a)))) return curlExe(w, c);
  const a = bind(w, c, ['uri', 'outfile', 'method', 'headers', 'body', 'timeoutsec', 'maximumredirection', 'proxy', 'useragent', 'credential', 'contenttype', 'infile', 'websession', 'sessionvariable', 'erroraction', 'retryintervalsec', 'maximumretrycount', 'authentication', 'token', 'certificate', 'certificatethumbprint', 'proxycredential'], ['usebasicparsing', 'skipcertificatecheck', 'usedefaultcredentials', 'disablekeepalive', 'resume', 'skipheadervalidation', 'allowunencryptedauthentication', 'skiphttperrorcheck', 'nobodyprogress', 'proxyusedefaultcredentials']);
  const urlExpr = a.expr('uri', 0, ['uri']);
  if (a.switches.has('skipcertificatecheck')) w.ctx.insecureFlag('Invoke-WebRequest -SkipCertificateCheck', '`-SkipCertificateCheck` turns off TLS certificate verification', w.rangeOf(c.el), 'a man-in-the-middle can serve any content', 'remove -SkipCertificateCheck; add a private CA to the certificate store instead');
  if (urlExpr === null) return PS_UNKNOWN;
  const tool = c.name === 'invoke-restmethod' || c.name === 'irm' ? 'Invoke-RestMethod' : 'Invoke-WebRequest';
  const url = a.value(urlExpr);
  const d = w.newDownload(tool, urlExpr, url);
  const out = a.expr('outfile');
  if (out !== null) {
    w.output(d, a.value(out).v, out);
    pinFile(w, d, c, out, d.resolvedUrl);
    return PS_UNKNOWN;
  }
  // Content kept in memory (a version, an expected hash), or piped on (to iex: executed).
  d.sink = 'metadata';
  d.status = 'metadata';
  return { v: val('', 'fetched', { fetched: d, resolved: false }), obj: 'response', of: null };
};

const bitsTransfer: Cmdlet = (w, c) => {
  const a = bind(w, c, ['source', 'destination', 'displayname', 'description', 'priority', 'transfertype', 'credential', 'proxyusage', 'proxylist', 'retryinterval', 'retrytimeout'], ['asynchronous', 'suspended', 'dynamic']);
  const src = a.expr('source', 0, ['source', 'destination']);
  if (src === null) return PS_UNKNOWN;
  const url = a.value(src);
  const d = w.newDownload('Start-BitsTransfer', src, url);
  const dest = a.expr('destination', 1, ['source', 'destination']);
  const file = dest !== null ? a.value(dest).v.text : urlBasename(url.v.text);
  d.outputs.push(file);
  w.ctx.addFile(file, d);
  if (dest !== null) pinFile(w, d, c, dest, d.resolvedUrl);
  return PS_UNKNOWN;
};

const newObject: Cmdlet = (w, c) => {
  const a = bind(w, c, ['typename', 'argumentlist', 'comobject', 'property'], ['strict']);
  const type = a.value(a.expr('typename', 0, ['typename', 'argumentlist'])).v.text.toLowerCase();
  if (/^(?:system\.)?net\.webclient$/.test(type)) return { v: val('', 'literal'), obj: 'webclient', of: null };
  return PS_UNKNOWN;
};

const fileHash: Cmdlet = (w, c) => {
  const a = bind(w, c, ['path', 'literalpath', 'algorithm', 'inputstream'], []);
  const p = a.expr('path', 0, ['path']) ?? a.expr('literalpath');
  if (p === null) return PS_UNKNOWN;
  const file = w.fileName(a.value(p), p);
  const algo = a.value(a.expr('algorithm')).v.text;
  if (/^md5$|^sha1$/i.test(algo)) for (const d of w.ctx.fileState(file)?.downloads ?? []) w.ctx.weak(d, `Get-FileHash -Algorithm ${algo} is a broken hash; pin a SHA-256`);
  return { v: val('', 'literal', { resolved: false }), obj: /^md5$|^sha1$/i.test(algo) ? null : 'hash', of: file };
};

const authenticode: Cmdlet = (w, c) => {
  const a = bind(w, c, ['filepath', 'literalpath', 'content', 'sourcepathorextension'], []);
  const p = a.expr('filepath', 0, ['filepath']) ?? a.expr('literalpath');
  if (p === null) return PS_UNKNOWN;
  return { v: val('', 'literal', { resolved: false }), obj: 'signature', of: w.fileName(a.value(p), p) };
};

const expandArchive: Cmdlet = (w, c) => {
  const a = bind(w, c, ['path', 'literalpath', 'destinationpath'], []);
  const p = a.expr('path', 0, ['path', 'destinationpath']) ?? a.expr('literalpath');
  if (p !== null) w.ctx.use(w.fileName(a.value(p), p), 'extracted by Expand-Archive', true);
  return PS_UNKNOWN;
};

const startProcess: Cmdlet = (w, c) => {
  const a = bind(w, c, ['filepath', 'argumentlist', 'workingdirectory', 'verb', 'redirectstandardoutput', 'redirectstandarderror', 'redirectstandardinput', 'windowstyle', 'credential'], ['wait', 'nonewwindow', 'usenewenvironment', 'loaduserprofile']);
  const p = a.expr('filepath', 0, ['filepath', 'argumentlist']);
  if (p === null) return PS_UNKNOWN;
  const exe = w.fileName(a.value(p), p);
  w.ctx.use(exe, 'executed by Start-Process', true);
  const args = a.expr('argumentlist', 1, ['filepath', 'argumentlist']);
  if (args !== null) {
    const how = /msiexec/i.test(basename(exe)) ? 'installed by msiexec' : `passed to ${basename(exe)}`;
    for (const word of a.value(args).v.alternatives.flatMap((x) => x.split(/[\s,]+/))) w.ctx.use(word.replace(/^['"/]|['"]$/g, ''), how, true);
  }
  return PS_UNKNOWN;
};

const msiexec: Cmdlet = (w, c) => {
  for (const arg of c.el.args) if (arg.k === 'value') w.ctx.use(w.fileName(w.expr(arg.e, c.scope), arg.e), 'installed by msiexec', true);
  return PS_UNKNOWN;
};

const invokeExpression: Cmdlet = (w, c) => {
  const a = bind(w, c, ['command'], []);
  const e = a.expr('command', 0, ['command']);
  const v = e !== null ? a.value(e) : c.input;
  if (v === null) return PS_UNKNOWN;
  const fetched = v.v.fetched;
  if (fetched !== null && fetched.status !== 'verified') {
    fetched.sink = 'shell';
    fetched.interpreter = 'iex';
    fetched.status = 'unverified';
  }
  return PS_UNKNOWN;
};

const getContent: Cmdlet = (w, c) => {
  const a = bind(w, c, ['path', 'literalpath', 'encoding', 'totalcount', 'tail', 'delimiter'], ['raw']);
  const p = a.expr('path', 0, ['path']) ?? a.expr('literalpath');
  return p === null ? PS_UNKNOWN : w.fileContent(w.fileName(a.value(p), p));
};

const joinPath: Cmdlet = (w, c) => {
  const a = bind(w, c, ['path', 'childpath', 'additionalchildpath'], ['resolve']);
  const parts = [a.value(a.expr('path', 0, ['path', 'childpath'])), a.value(a.expr('childpath', 1, ['path', 'childpath']))];
  return psText(parts.map((p) => p.v.text.replace(/[\\/]+$/, '')).join('\\'), parts[0]!.v.trust === 'fetched' || parts[1]!.v.trust === 'fetched' ? 'fetched' : 'literal', { resolved: parts.every((p) => p.v.resolved) });
};

const moveItem: Cmdlet = (w, c) => {
  const a = bind(w, c, ['path', 'literalpath', 'destination', 'newname'], ['container', 'recurse']);
  const p = a.expr('path', 0, ['path', 'destination']) ?? a.expr('literalpath');
  const dst = a.expr('destination', 1, ['path', 'destination']) ?? a.expr('newname');
  if (p === null || dst === null) return PS_UNKNOWN;
  const s = w.ctx.fileState(w.fileName(a.value(p), p));
  if (s !== undefined) w.ctx.setFile(w.fileName(a.value(dst), dst), s);
  return PS_UNKNOWN;
};

/** Select-Object, Out-String, ForEach-Object: the input flows on (script blocks are walked with `$_`). */
const passThrough: Cmdlet = (w, c) => {
  for (const arg of c.el.args) {
    const e = arg.k === 'value' ? arg.e : arg.inline;
    if (e !== null && e.k === 'block') {
      const inner = new PsScope(c.scope);
      if (c.input !== null) inner.vars.set('_', c.input);
      w.nested(() => w.statements(e.body, inner));
    }
  }
  return c.input ?? PS_UNKNOWN;
};

/** `curl.exe -fsSLo file url` (also curl/wget with curl's flags). */
function curlExe(w: PsHost, c: CommandInfo): PsVal {
  let file: { e: PsExpr; text: string } | null = null;
  let urlExpr: PsExpr | null = null;
  let remote = false;
  const args = c.el.args;
  const takesValue = /^(?:H|header|A|user-agent|u|user|d|data|X|request|m|max-time|retry|connect-timeout|w|write-out|e|referer|cacert|proxy|x)$/;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as PsArg;
    const raw = w.text(a).trim();
    const flag = a.k === 'param' ? raw : a.k === 'value' && /^--?[A-Za-z]/.test(raw) ? raw : null;
    if (flag === null) {
      if (a.k === 'value') urlExpr = a.e;
      continue;
    }
    const long = flag.startsWith('--') ? flag.slice(2).split('=')[0] ?? '' : null;
    const letters = long === null ? flag.slice(1).split(':')[0] ?? '' : '';
    if (long === 'insecure' || (long === null && letters.includes('k'))) w.ctx.insecureFlag('curl -k', '`curl.exe -k` turns off TLS certificate verification', w.rangeOf(a), 'a man-in-the-middle can serve any content', 'remove -k/--insecure');
    const next = args[i + 1];
    if (long === 'output' || (long === null && letters.endsWith('o'))) {
      const inline = a.k === 'param' ? a.inline : null;
      if (inline !== null) file = { e: inline, text: w.fileName(w.expr(inline, c.scope), inline) };
      else if (next !== undefined && next.k === 'value') {
        file = { e: next.e, text: w.fileName(w.expr(next.e, c.scope), next.e) };
        i++;
      }
      continue;
    }
    if (long === 'remote-name' || (long === null && letters.includes('O'))) remote = true;
    if ((long !== null && takesValue.test(long)) || (long === null && takesValue.test(letters.slice(-1)))) i++;
  }
  if (urlExpr === null) return PS_UNKNOWN;
  const url = w.expr(urlExpr, c.scope);
  const d = w.newDownload('curl.exe', urlExpr, url);
  const target = file?.text ?? (remote ? urlBasename(url.v.text) : null);
  if (target === null) {
    d.sink = 'metadata';
    d.status = 'metadata';
    return { v: val('', 'fetched', { fetched: d, resolved: false }), obj: 'response', of: null };
  }
  d.outputs.push(target);
  w.ctx.addFile(target, d);
  if (file !== null) pinFile(w, d, c, file.e, d.resolvedUrl);
  return PS_UNKNOWN;
}

/** gpg / gpgv (.exe) run from PowerShell: `--verify sig data` against a keyring. */
const gpg: Cmdlet = (w, c) => {
  const words = c.el.args.map((a) => (a.k === 'value' ? w.fileName(w.expr(a.e, c.scope), a.e) : w.text(a)));
  const isGpgv = /gpgv/i.test(c.name);
  if (!isGpgv && !words.includes('--verify')) return PS_UNKNOWN;
  let keyFetched = false;
  const pos: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const x = words[i] as string;
    if (x === '--keyring' || x === '--homedir') {
      if (w.ctx.fileState(basename(words[i + 1] ?? ''))?.origin === 'download') keyFetched = true;
      i++;
      continue;
    }
    if (x.startsWith('-')) continue;
    pos.push(x);
  }
  const sig = pos[0];
  if (sig === undefined) return PS_UNKNOWN;
  const data = pos[1] ?? sig.replace(/\.(?:asc|sig)$/i, '');
  w.ctx.material(sig);
  for (const d of w.ctx.fileState(data)?.downloads ?? []) {
    if (keyFetched) w.ctx.weak(d, 'the signature is checked against a key that was itself downloaded');
    else w.ctx.verify(d, `gpg signature ${sig}`);
  }
  return PS_UNKNOWN;
};

/** `& $file`, `& 'C:\x\setup.exe' /S`, `.\setup.exe`, `tar.exe -xf file`, `7z x file`. */
function runsFile(w: PsHost, c: CommandInfo): PsVal {
  const exe = c.nameVal.v.text;
  if (exe !== '') w.ctx.use(exe, 'executed', true);
  if (/^(?:tar|tar\.exe|7z|7z\.exe|7za|unzip|unzip\.exe)$/i.test(basename(exe))) {
    for (const a of c.el.args) if (a.k === 'value') w.ctx.use(w.fileName(w.expr(a.e, c.scope), a.e), `extracted by ${basename(exe)}`, true);
  }
  return PS_UNKNOWN;
}

export const CMDLETS: ReadonlyMap<string, Cmdlet> = new Map([
  ['invoke-webrequest', webRequest],
  ['iwr', webRequest],
  ['invoke-restmethod', webRequest],
  ['irm', webRequest],
  ['curl', webRequest],
  ['wget', webRequest],
  ['curl.exe', (w, c) => curlExe(w, c)],
  ['wget.exe', (w, c) => curlExe(w, c)],
  ['start-bitstransfer', bitsTransfer],
  ['new-object', newObject],
  ['get-filehash', fileHash],
  ['get-authenticodesignature', authenticode],
  ['expand-archive', expandArchive],
  ['start-process', startProcess],
  ['saps', startProcess],
  ['start', startProcess],
  ['msiexec', msiexec],
  ['msiexec.exe', msiexec],
  ['invoke-expression', invokeExpression],
  ['iex', invokeExpression],
  ['get-content', getContent],
  ['gc', getContent],
  ['cat', getContent],
  ['type', getContent],
  ['join-path', joinPath],
  ['move-item', moveItem],
  ['mv', moveItem],
  ['copy-item', moveItem],
  ['cp', moveItem],
  ['rename-item', moveItem],
  ['select-object', passThrough],
  ['select', passThrough],
  ['out-string', passThrough],
  ['foreach-object', passThrough],
  ['%', passThrough],
  ['invoke-command', passThrough],
  ['gpg', gpg],
  ['gpg.exe', gpg],
  ['gpgv', gpg],
  ['gpgv.exe', gpg],
  ['gpgv2', gpg],
]);

export function runCommand(w: PsHost, c: CommandInfo): PsVal {
  const h = c.name !== '' ? CMDLETS.get(c.name) ?? CMDLETS.get(basename(c.name).replace(/['"]/g, '')) : undefined;
  if (h !== undefined) return h(w, c);
  // Anything else: a program run by path, or by the call operator.
  if (c.el.invoke === '&' || /[\\/]|\.(?:exe|bat|cmd|ps1)$/i.test(c.nameVal.v.text)) return runsFile(w, c);
  // Script blocks given to unknown commands are still walked (downloads inside them are real).
  for (const a of c.el.args) {
    const e = a.k === 'value' ? a.e : a.inline;
    if (e !== null && e.k === 'block') w.nested(() => w.statements(e.body, c.scope));
  }
  return PS_UNKNOWN;
}
