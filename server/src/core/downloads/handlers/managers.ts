// Language package managers fetching from a URL: pip (URL, git+, --require-hashes), and what verifies their bytes.
import type { ShWord } from '../../shell/parse';
import type { Call, Handler } from '../context';
import { HEX40, isInsecureHttp, type Val } from '../values';

const PIP_WITH_ARG = /^(?:--(?:index-url|extra-index-url|find-links|constraint|requirement|target|prefix|root|src|cache-dir|platform|python-version|implementation|abi|progress-bar|log|proxy|cert|client-cert|timeout|retries|exists-action|upgrade-strategy|config-settings|global-option|no-binary|only-binary)|-[ifcrtb])$/;

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
    const m = /^(?:[A-Za-z0-9_.-]+\s*@\s*)?((?:git\+)?(?:https?|ftp):\/\/\S+)$/.exec(x);
    if (m === null) continue;
    const url = m[1] as string;
    const w = words[j] as ShWord;
    const d = ctx.newDownload('pip', x, (texts[j] as Val).resolved ? url : null, ctx.rangeOf(w), url.startsWith('git+') ? 'git' : 'file');
    d.sink = 'extract';
    d.uses.push('installed by pip');
    if (url.startsWith('git+')) {
      const ref = /@([^@#/]+)(?:#.*)?$/.exec(url.replace(/^git\+https?:\/\/[^/]*/, ''))?.[1] ?? null;
      d.gitRef = ref;
      if (ref !== null && HEX40.test(ref)) ctx.verify(d, `pip install of git commit ${ref}`);
    } else if (/#sha256=[0-9a-f]{64}/i.test(url) || hashes) ctx.verify(d, 'pip hash check');
    if (isInsecureHttp(url)) ctx.insecureHttp(url.replace(/^git\+/, ''), w.raw, ctx.rangeOf(w), w.start, w.raw);
  }
};

/** `python -m pip install …`: the pip handler on the words after `-m pip`. */
export const pythonModule: Handler = (ctx, call) => {
  const t = call.t;
  if (t[1] === '-m' && /^pip/.test(t[2] ?? '')) pip(ctx, { ...call, words: call.words.slice(2), texts: call.texts.slice(2), t: t.slice(2) } as Call);
};

export const MANAGERS: ReadonlyMap<string, Handler> = new Map([['pip', pip]]);
