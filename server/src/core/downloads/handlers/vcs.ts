// Version control: git clone (a download pinned only by a full commit), checkout/reset/fetch of a commit, verify-commit/tag.
import type { ShWord } from '../../shell/parse';
import type { Handler } from '../context';
import { basename, HEX40, isInsecureHttp, type Val } from '../values';
import { pinCloneTarget } from './pinTargets';

const CLONE_WITH_ARG = /^(?:--depth|--origin|-o|--template|--reference|--config|-c|--filter|--jobs|-j|--separate-git-dir|--shallow-since|--shallow-exclude|-u|--upload-pack|--server-option)$/;

export const git: Handler = (ctx, call) => {
  const { words, texts } = call;
  const t = call.t;
  let i = 1;
  let dirFlag: string | null = null;
  while (i < t.length && (t[i] as string).startsWith('-')) {
    if (t[i] === '-C') {
      dirFlag = t[i + 1] ?? null;
      i += 2;
    } else if (t[i] === '-c') {
      const cfg = t[i + 1] ?? '';
      if (/^http\.sslverify=(?:false|0|no)$/i.test(cfg)) ctx.insecureFlag('git http.sslVerify=false', '`git -c http.sslVerify=false` turns off TLS certificate verification', ctx.rangeOf(words[i + 1] as ShWord), 'a man-in-the-middle can serve any repository content', 'remove the option');
      i += 2;
    } else i++;
  }
  const sub = t[i];
  if (sub === 'clone') {
    const args: { w: ShWord; v: Val }[] = [];
    let ref: string | null = null;
    for (let j = i + 1; j < t.length; j++) {
      const x = t[j] as string;
      if (x === '-b' || x === '--branch') {
        ref = t[j + 1] ?? null;
        j++;
        continue;
      }
      if (x.startsWith('--branch=')) {
        ref = x.slice(9);
        continue;
      }
      if (CLONE_WITH_ARG.test(x)) {
        j++;
        continue;
      }
      if (x.startsWith('-')) continue;
      args.push({ w: words[j] as ShWord, v: texts[j] as Val });
    }
    const repo = args[0];
    if (repo === undefined) return;
    const d = ctx.newDownload('git clone', repo.w.text, repo.v.resolved ? repo.v.text : null, ctx.rangeOf(repo.w), 'git');
    d.gitRef = ref;
    const dir = args[1]?.v.text ?? basename(repo.v.text).replace(/\.git$/, '');
    d.outputs.push(dir);
    ctx.addFile(dir, d);
    ctx.st.repos.push(d);
    if (ref !== null && HEX40.test(ref)) ctx.verify(d, `clone of commit ${ref}`);
    else d.pin = pinCloneTarget(ctx, call, d, args[1]?.w ?? null, dir);
    const probe = repo.v.resolved ? repo.v.text : '';
    if (isInsecureHttp(probe)) ctx.insecureHttp(probe, repo.w.raw, ctx.rangeOf(repo.w), repo.w.start, repo.w.raw);
    return;
  }
  if (sub === 'checkout' || sub === 'reset' || sub === 'switch' || sub === 'fetch' || sub === 'merge') {
    const refs = t.slice(i + 1).filter((x) => !x.startsWith('-'));
    const pinned = refs.find((x) => HEX40.test(x));
    const target = dirFlag !== null ? ctx.st.repos.find((r) => r.outputs.some((o) => basename(o) === basename(dirFlag as string))) : ctx.st.repos[ctx.st.repos.length - 1];
    if (target === undefined) return;
    if (pinned !== undefined) {
      ctx.verify(target, `checkout of commit ${pinned}`);
      target.pin = null;
    } else if (refs.length > 0 && sub === 'checkout') {
      target.gitRef = refs[refs.length - 1] ?? target.gitRef;
      // The fix inserts the commit after the clone: a later checkout of a branch would move off it again.
      target.pin = null;
    }
  }
  if (sub === 'verify-commit' || sub === 'verify-tag') {
    const target = ctx.st.repos[ctx.st.repos.length - 1];
    if (target !== undefined && ctx.st.trustedKeys) ctx.verify(target, `git ${sub} against a pinned key`);
  }
};

export const VCS: ReadonlyMap<string, Handler> = new Map([['git', git]]);
