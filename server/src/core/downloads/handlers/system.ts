// OS package managers: switches that turn off signature checks (apt, dnf/yum/zypper, apk) and .repo files added by URL.
import type { ShWord } from '../../shell/parse';
import type { Handler } from '../context';
import { isInsecureHttp, type Val } from '../values';

export const aptGet: Handler = (ctx, call) => {
  const { words, t } = call;
  for (let i = 1; i < t.length; i++) {
    const x = t[i] as string;
    if (x === '--allow-unauthenticated' || x === '--allow-insecure-repositories' || x === '--force-yes' || (/AllowUnauthenticated|AllowInsecureRepositories|Check-Valid-Until=false/i.test(x) && /(?:true|1|yes)$/i.test(x))) {
      ctx.insecureFlag(`apt ${x}`, `\`${t[0]} ${x}\` installs packages whose signature apt cannot check`, ctx.rangeOf(words[i] as ShWord), 'unsigned or tampered packages are installed without a word', 'remove the option and add the repository key with signed-by');
    }
  }
};

/** `dnf config-manager --add-repo <url>` / `yum-config-manager --add-repo <url>`. */
export const addRepo: Handler = (ctx, call) => {
  const { words, texts, t } = call;
  const i = t.findIndex((x) => x === '--add-repo' || x.startsWith('--add-repo='));
  if (i < 0) return;
  const inline = (t[i] as string).includes('=') ? (t[i] as string).slice(11) : null;
  const w = inline !== null ? (words[i] as ShWord) : (words[i + 1] as ShWord | undefined);
  const v = inline !== null ? inline : (texts[i + 1] as Val | undefined)?.text;
  if (w === undefined || v === undefined || !/^(?:https?|ftp):\/\//.test(v)) return;
  const d = ctx.newDownload(`${t[0]} --add-repo`, w.text, v, ctx.rangeOf(w), 'repo-definition');
  d.uses.push('used as a package repository definition');
  ctx.note(d, 'the downloaded .repo file decides which repository and which gpgkey URL dnf trusts, and dnf imports that key on first use with no fingerprint check');
  if (isInsecureHttp(v)) ctx.insecureHttp(v, w.raw, ctx.rangeOf(w), w.start, w.raw);
};

export const yum: Handler = (ctx, call) => {
  const { words, t } = call;
  if (t.includes('config-manager')) {
    addRepo(ctx, call);
    return;
  }
  for (let i = 1; i < t.length; i++) {
    const x = t[i] as string;
    if (x === '--nogpgcheck' || x === '--no-gpg-checks' || /^--setopt=.*gpgcheck=(?:0|false|no)$/i.test(x)) {
      ctx.insecureFlag(`${t[0]} ${x}`, `\`${t[0]} ${x}\` installs packages without checking their signatures`, ctx.rangeOf(words[i] as ShWord), 'a tampered package would be installed', 'remove the option and import the repository key by fingerprint');
    }
  }
};

export const apk: Handler = (ctx, call) => {
  const { words, t } = call;
  const i = t.indexOf('--allow-untrusted');
  // Locally built .apk files are not transported: only remote packages or repositories matter here.
  const remote = t.some((x, k) => /^(?:https?|ftp):\/\//i.test(x) || ((t[k - 1] === '-X' || t[k - 1] === '--repository') && !x.startsWith('/')));
  if (i >= 0 && remote) ctx.insecureFlag('apk --allow-untrusted', '`apk --allow-untrusted` installs packages without a trusted signature', ctx.rangeOf(words[i] as ShWord), 'a tampered package would be installed', 'sign the package or put its key in /etc/apk/keys, then remove the option');
};

export const SYSTEM_PACKAGES: ReadonlyMap<string, Handler> = new Map([
  ['apt-get', aptGet],
  ['apt', aptGet],
  ['aptitude', aptGet],
  ['yum', yum],
  ['dnf', yum],
  ['microdnf', yum],
  ['tdnf', yum],
  ['zypper', yum],
  ['yum-config-manager', addRepo],
  ['apk', apk],
]);
