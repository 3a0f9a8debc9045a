// Language package managers and installers fetching from a URL or a repository, judged by what verifies the bytes:
// pip (#sha256= or --require-hashes; git+ only by a full commit), npm/yarn/pnpm (a tarball URL: nothing; git: a
// full commit), gem --source (-P HighSecurity), go install (the Go checksum database unless switched off),
// nix-env -f <url> (nothing), asdf plugins (a clone of the default branch, pinned by `asdf plugin update <commit>`).
import type { ShWord } from '../../shell/parse';
import type { Call, Handler, WalkContext } from '../context';
import type { Download } from '../types';
import { HEX40, isHttpUrl, isInsecureHttp, type Val } from '../values';

const PIP_WITH_ARG = /^(?:--(?:index-url|extra-index-url|find-links|constraint|requirement|target|prefix|root|src|cache-dir|platform|python-version|implementation|abi|progress-bar|log|proxy|cert|client-cert|timeout|retries|exists-action|upgrade-strategy|config-settings|global-option|no-binary|only-binary)|-[ifcrtb])$/;

function insecure(ctx: WalkContext, url: string, w: ShWord): void {
  if (isInsecureHttp(url)) ctx.insecureHttp(url.replace(/^git\+/i, ''), w.raw, ctx.rangeOf(w), w.start, w.raw);
}

export const pip: Handler = (ctx, call) => {
  const { words, texts, t } = call;
  if (!t.includes('install')) return;
  const hashes = t.some((x) => x === '--require-hashes' || x.startsWith('--hash='));
  for (let j = 1; j < t.length; j++) {
    const x = t[j] as string;
    if (PIP_WITH_ARG.test(x)) {
      j++;
      continue;
    }
    if (/^--(?:index-url|extra-index-url|find-links|constraint|requirement)=/.test(x)) continue;
    if (x === '--trusted-host') {
      ctx.insecureFlag('pip --trusted-host', `\`pip --trusted-host ${t[j + 1] ?? ''}\` accepts that host over plain HTTP or with an invalid certificate`, ctx.rangeOf(words[j] as ShWord), 'package content can be replaced in transit', 'remove --trusted-host and use an https index with a valid certificate');
      j++;
      continue;
    }
    const m = /^(?:[A-Za-z0-9_.-]+(?:\[[^\]]*\])?\s*@\s*)?((?:git\+)?(?:https?|ftp):\/\/\S+)$/.exec(x);
    if (m === null) continue;
    const url = m[1] as string;
    const w = words[j] as ShWord;
    const d = ctx.newDownload('pip', x, (texts[j] as Val).resolved ? url : null, ctx.rangeOf(w), url.startsWith('git+') ? 'git' : 'file');
    d.sink = 'extract';
    d.uses.push('installed by pip');
    if (url.startsWith('git+')) {
      const ref = /@([^@#/]+)(?:#.*)?$/.exec(url.replace(/^git\+[a-z]+:\/\/[^/]*/i, ''))?.[1] ?? null;
      d.gitRef = ref;
      if (ref !== null && HEX40.test(ref)) ctx.verify(d, `pip install of git commit ${ref}`);
    } else if (/#sha256=[0-9a-f]{64}/i.test(url) || hashes) ctx.verify(d, 'pip hash check');
    insecure(ctx, url, w);
  }
};

/** `python -m pip install …`: the pip handler on the words after `-m pip`. */
export const pythonModule: Handler = (ctx, call) => {
  const t = call.t;
  if (t[1] === '-m' && /^pip/.test(t[2] ?? '')) pip(ctx, { ...call, words: call.words.slice(2), texts: call.texts.slice(2), t: t.slice(2) } as Call);
};

/** npm/yarn/pnpm install of a tarball URL or a git repository (registry names are the lockfile's business). */
export const npm: Handler = (ctx, call) => {
  const { words, texts, t, name } = call;
  const sub = t.slice(1).find((x) => !x.startsWith('-'));
  const installs = name === 'npm' ? /^(?:i|install|add|isntall|in)$/.test(sub ?? '') : /^(?:add|install)$/.test(sub ?? '') || (sub === 'global' && t.includes('add'));
  if (!installs) return;
  for (let j = 1; j < t.length; j++) {
    const x = t[j] as string;
    if (x.startsWith('-')) continue;
    const w = words[j] as ShWord;
    const spec = x.replace(/^[A-Za-z0-9@/._-]+@(?=(?:git\+)?(?:https?|ssh|git):)/, '');
    const git = /^(?:git\+(?:https?|ssh|file):\/\/|git:\/\/|github:|gitlab:|bitbucket:)/i.test(spec) || (/^https?:\/\//i.test(spec) && /\.git(?:#|$)/i.test(spec));
    if (!git && !isHttpUrl(spec)) continue;
    const d = ctx.newDownload('npm', x, (texts[j] as Val).resolved ? spec : null, ctx.rangeOf(w), git ? 'git' : 'file');
    d.sink = 'extract';
    d.uses.push(`installed by ${name}`);
    if (git) {
      const ref = spec.includes('#') ? (spec.slice(spec.indexOf('#') + 1).replace(/^commit:/, '') || null) : null;
      d.gitRef = ref;
      if (ref !== null && HEX40.test(ref)) ctx.verify(d, `${name} install of git commit ${ref}`);
    }
    insecure(ctx, spec, w);
  }
};

/** `gem install … --source <url>`: gems from that server, checked only with -P HighSecurity. */
export const gem: Handler = (ctx, call) => {
  const { words, texts, t } = call;
  if (t[1] !== 'install' && t[1] !== 'i') return;
  const policyAt = t.findIndex((x) => x === '-P' || x === '--trust-policy' || x.startsWith('--trust-policy='));
  const policy = policyAt < 0 ? null : (t[policyAt] as string).includes('=') ? (t[policyAt] as string).split('=')[1] ?? '' : (t[policyAt + 1] ?? '');
  for (let j = 2; j < t.length; j++) {
    const x = t[j] as string;
    const inline = x.startsWith('--source=') ? x.slice(9) : null;
    if (x !== '-s' && x !== '--source' && inline === null) continue;
    const w = (inline !== null ? words[j] : words[j + 1]) as ShWord | undefined;
    const url = inline ?? (texts[j + 1] as Val | undefined)?.text;
    if (w === undefined || url === undefined || !isHttpUrl(url)) continue;
    const d = ctx.newDownload('gem', w.text, (texts[inline !== null ? j : j + 1] as Val).resolved ? url : null, ctx.rangeOf(w), 'file');
    d.sink = 'extract';
    d.uses.push('installed by gem');
    if (/^HighSecurity$/i.test(policy ?? '')) ctx.verify(d, 'gem -P HighSecurity (every gem signed by a trusted certificate)');
    else if (policy !== null && /Security$/i.test(policy)) ctx.weak(d, `gem -P ${policy} still accepts unsigned gems (only HighSecurity requires a signature)`);
    insecure(ctx, url, w);
  }
};

/** The module patterns (GOPRIVATE/GONOSUMDB syntax) that match `path`. */
function goPatternMatches(patterns: string, path: string): boolean {
  for (const raw of patterns.split(',')) {
    const p = raw.trim();
    if (p === '') continue;
    const re = new RegExp(`^${p.split('/').map((seg) => seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')).join('/')}(?:/|$)`);
    if (re.test(path)) return true;
  }
  return false;
}

/** `go install pkg@version` / `go get pkg@version`: verified by the Go checksum database unless it is switched off. */
export const go: Handler = (ctx, call) => {
  const { words, t, env, cmd } = call;
  if (t[1] !== 'install' && t[1] !== 'get') return;
  const setting = (name: string): string | undefined => {
    const a = cmd.assigns.find((x) => x.name === name);
    if (a !== undefined) return ctx.expandWord(a.value, env).text;
    const shell = env.get(name);
    if (shell !== undefined) return shell.text;
    return ctx.st.vars.get(name)?.value;
  };
  for (let j = 2; j < t.length; j++) {
    const x = t[j] as string;
    if (x.startsWith('-') || !x.includes('@') || x.startsWith('@')) continue;
    const path = x.slice(0, x.lastIndexOf('@'));
    const version = x.slice(x.lastIndexOf('@') + 1);
    if (!/^[a-z0-9.-]+\.[a-z]{2,}\//i.test(path)) continue;
    const w = words[j] as ShWord;
    const d = ctx.newDownload(`go ${t[1]}`, x, x, ctx.rangeOf(w), 'file');
    d.sink = 'extract';
    d.uses.push('built and installed by go');
    const off: string[] = [];
    const sumdb = setting('GOSUMDB');
    if (sumdb !== undefined && /^off$/i.test(sumdb)) off.push('GOSUMDB=off');
    const flags = (setting('GOFLAGS') ?? '') + ' ' + t.slice(2, j).join(' ');
    if (/(?:^|\s)-insecure\b/.test(flags)) off.push('-insecure');
    for (const v of ['GONOSUMDB', 'GONOSUMCHECK', 'GOPRIVATE', 'GOINSECURE']) {
      const patterns = setting(v);
      if (patterns === undefined || patterns === '') continue;
      if (v === 'GONOSUMCHECK' ? /^(?:1|true)$/i.test(patterns) : goPatternMatches(patterns, path)) off.push(`${v}=${patterns}`);
    }
    if (off.length === 0) ctx.verify(d, 'module checksums checked against the Go checksum database (sum.golang.org)');
    else ctx.note(d, `${off.join(', ')} turns the Go checksum database off for ${path}, so nothing checks the module's bytes`);
    if (/^(?:latest|master|main|HEAD)$/.test(version) && off.length > 0) ctx.note(d, `@${version} is whatever the module serves at build time`);
  }
};

/** `nix-env -f <url>` / `nix-build <url>`: a Nix expression fetched from a URL, evaluated and built. */
export const nix: Handler = (ctx, call) => {
  const { words, texts, t } = call;
  for (let j = 1; j < t.length; j++) {
    const x = t[j] as string;
    const fileFlag = x === '-f' || x === '--file' || /^-[A-Za-z]*f$/.test(x);
    const w = (fileFlag ? words[j + 1] : words[j]) as ShWord | undefined;
    const v = (fileFlag ? texts[j + 1] : texts[j]) as Val | undefined;
    if (w === undefined || v === undefined || !isHttpUrl(v.text)) continue;
    if (!fileFlag && call.name === 'nix-env') continue;
    const d = ctx.newDownload(call.name, w.text, v.resolved ? v.text : null, ctx.rangeOf(w), 'file');
    d.sink = 'extract';
    d.uses.push(`evaluated and installed by ${call.name}`);
    insecure(ctx, v.text, w);
    if (fileFlag) j++;
  }
};

/** `asdf plugin add <name> [<git-url>]` clones the plugin (its default branch); asdf runs its scripts on install. */
export const asdf: Handler = (ctx, call) => {
  const { words, texts, t } = call;
  const add = t[1] === 'plugin-add' ? 2 : t[1] === 'plugin' && t[2] === 'add' ? 3 : -1;
  if (add >= 0) {
    const nameWord = words[add] as ShWord | undefined;
    if (nameWord === undefined) return;
    const urlWord = words[add + 1];
    const url = urlWord !== undefined ? (texts[add + 1] as Val) : null;
    const d = ctx.newDownload('asdf plugin add', url !== null && urlWord !== undefined ? urlWord.text : `${nameWord.text} (from the asdf plugin index)`, url?.resolved === true ? url.text : null, ctx.rangeOf(urlWord ?? nameWord), 'git');
    d.sink = 'extract';
    d.uses.push('run by asdf install');
    d.outputs.push(`asdf plugin ${(texts[add] as Val).text}`);
    ctx.st.repos.push(d);
    if (url !== null && urlWord !== undefined) insecure(ctx, url.text, urlWord);
    return;
  }
  // `asdf plugin update <name> <ref>` checks the plugin out at that ref.
  const upd = t[1] === 'plugin-update' ? 2 : t[1] === 'plugin' && t[2] === 'update' ? 3 : -1;
  if (upd < 0) return;
  const name = t[upd];
  const ref = t[upd + 1];
  const d: Download | undefined = ctx.st.repos.find((r) => r.tool === 'asdf plugin add' && r.outputs.includes(`asdf plugin ${name ?? ''}`));
  if (d === undefined || ref === undefined) return;
  if (HEX40.test(ref)) ctx.verify(d, `asdf plugin update to commit ${ref}`);
  else d.gitRef = ref;
};

export const MANAGERS: ReadonlyMap<string, Handler> = new Map([
  ['pip', pip],
  ['npm', npm],
  ['yarn', npm],
  ['pnpm', npm],
  ['gem', gem],
  ['go', go],
  ['nix-env', nix],
  ['nix-build', nix],
  ['nix-shell', nix],
  ['nix-instantiate', nix],
  ['asdf', asdf],
]);
