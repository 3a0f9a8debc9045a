// Fetchers: curl and wget (also curl.exe / wget.exe from a POSIX or cmd shell). Each URL argument is a download.
import type { ShWord } from '../../shell/parse';
import type { Call, Handler, StdoutSink } from '../context';
import { looksLikeUrlWord, urlBasename, type Val } from '../values';
import { pinFileTarget, pinPipeTarget, pipeRunFromFile } from './pinTargets';

const CURL_SHORT_WITH_ARG = new Set(['o', 'u', 'H', 'd', 'X', 'A', 'e', 'w', 'T', 'x', 'm', 'r', 'b', 'c', 'C', 'E', 'K', 'Y', 'y', 'z', 'U', 'D', 'F', 'P', 'Q', 't']);
const CURL_LONG_WITH_ARG =
  /^--(?:output|user|header|data(?:-\w+)?|request|user-agent|referer|write-out|upload-file|proxy|max-time|range|cookie(?:-jar)?|continue-at|cert|config|speed-limit|speed-time|time-cond|proxy-user|dump-header|form|ftp-port|quote|telnet-option|connect-timeout|retry(?:-delay|-max-time)?|proto(?:-redir|-default)?|ciphers|cacert|capath|resolve|output-dir|max-filesize|limit-rate|url|interface|dns-servers|create-file-mode|variable|expand-\w+|oauth2-bearer|json|netrc-file|key|pass)$/;
const CURL_LONG_NO_ARG =
  /^--(?:retry-connrefused|retry-all-errors|tlsv1\.\d|compressed|fail|silent|show-error|location|insecure|remote-name|remote-name-all|progress-bar|create-dirs|http1\.1|http2|ipv4|ipv6|no-progress-meter|fail-with-body|globoff|remote-header-name|verbose|head|include|no-buffer|ssl-reqd|location-trusted|disable|compressed-ssh|tcp-nodelay|raw|no-keepalive)$/;

export const curl: Handler = (ctx, call) => {
  const { words, texts } = call;
  const urls: { w: ShWord; v: Val }[] = [];
  const outputs: { value: string | 'remote'; word: ShWord | null }[] = [];
  let outputDir = '';
  let remoteAll = false;
  let insecureWord: ShWord | null = null;
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as ShWord;
    const x = (texts[i] as Val).text;
    if (x === '--') continue;
    if (x.startsWith('--')) {
      const [flag, inline] = x.includes('=') ? [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)] : [x, null];
      if (flag === '--insecure') insecureWord = w;
      if (flag === '--remote-name') outputs.push({ value: 'remote', word: null });
      if (flag === '--remote-name-all') remoteAll = true;
      if (flag === '--url') {
        const n = words[i + 1];
        if (n !== undefined) urls.push({ w: n, v: texts[i + 1] as Val });
        i++;
        continue;
      }
      if (CURL_LONG_NO_ARG.test(flag)) continue;
      if (CURL_LONG_WITH_ARG.test(flag) && inline === null) {
        const arg = (texts[i + 1] as Val | undefined)?.text ?? '';
        if (flag === '--output') outputs.push({ value: arg, word: words[i + 1] ?? null });
        if (flag === '--output-dir') outputDir = arg;
        i++;
      } else if (flag === '--output' && inline !== null) outputs.push({ value: inline, word: null });
      continue;
    }
    if (x.startsWith('-') && x.length > 1) {
      // Combined short options: -fsSLo file, -kL, -O.
      for (let j = 1; j < x.length; j++) {
        const ch = x[j] as string;
        if (ch === 'k') insecureWord = w;
        if (ch === 'O') outputs.push({ value: 'remote', word: null });
        if (CURL_SHORT_WITH_ARG.has(ch)) {
          const rest = x.slice(j + 1);
          const arg = rest !== '' ? rest : ((texts[i + 1] as Val | undefined)?.text ?? '');
          if (ch === 'o') outputs.push({ value: arg, word: rest === '' ? (words[i + 1] ?? null) : null });
          if (rest === '') i++;
          break;
        }
      }
      continue;
    }
    urls.push({ w, v: texts[i] as Val });
  }
  if (insecureWord !== null) {
    ctx.insecureFlag('curl -k', `\`curl ${insecureWord.text}\` turns off TLS certificate verification`, ctx.rangeOf(insecureWord), 'a man-in-the-middle can serve any content (including the version that decides what gets downloaded)', 'remove -k/--insecure; if a private CA is needed, pass it with --cacert');
  }
  const stdout = ctx.stdoutSink(call);
  const fetchable = urls.filter((u) => looksLikeUrlWord(u.w.text, u.v.resolved ? u.v.text : null));
  for (let k = 0; k < urls.length; k++) {
    const u = urls[k] as { w: ShWord; v: Val };
    if (!fetchable.includes(u)) continue;
    const o = outputs[k] ?? (remoteAll ? { value: 'remote' as const, word: null } : undefined);
    const d = ctx.fetch('curl', u.w, u.v);
    if (d === null) continue;
    if (o === undefined || o.value === '-') {
      ctx.finishFetch(d, stdout);
      if (stdout.sink === 'shell') d.runFromFile = pipeRunFromFile(stdout, d);
      if (stdout.sink === 'shell' && fetchable.length === 1 && outputs.length === 0) d.pin = pinPipeTarget(ctx, call, stdout, d, 'curl');
    } else {
      const file = o.value === 'remote' ? (outputDir !== '' ? `${outputDir}/` : '') + urlBasename(u.v.text) : o.value;
      ctx.finishFetch(d, { sink: 'file', file, interpreter: null, keyTool: null });
      if (fetchable.length === 1) d.pin = pinFileTarget(ctx, call, d, file, o.word);
    }
  }
};

const WGET_SHORT_WITH_ARG = new Set(['O', 'P', 'o', 'a', 'i', 't', 'T', 'w', 'e', 'U', 'Q', 'B', 'l', 'A', 'R', 'D', 'X', 'I']);
const WGET_LONG_WITH_ARG =
  /^--(?:output-document|directory-prefix|output-file|append-output|input-file|tries|timeout|wait|execute|user-agent|header|user|password|post-data|post-file|referer|load-cookies|save-cookies|quota|limit-rate|level|accept|reject|domains|ca-certificate|ca-directory|certificate|private-key|method|body-data|dns-timeout|connect-timeout|read-timeout|waitretry|progress|report-speed|secure-protocol|https-only)$/;

export const wget: Handler = (ctx, call) => {
  const { words, texts } = call;
  let output: string | null = null;
  let outputWord: ShWord | null = null;
  let dir = '';
  const urls: { w: ShWord; v: Val }[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as ShWord;
    const x = (texts[i] as Val).text;
    if (x.startsWith('--')) {
      const eq = x.indexOf('=');
      const flag = eq > 0 ? x.slice(0, eq) : x;
      const inline = eq > 0 ? x.slice(eq + 1) : null;
      if (flag === '--no-check-certificate') ctx.insecureFlag('wget --no-check-certificate', '`wget --no-check-certificate` turns off TLS certificate verification', ctx.rangeOf(w), 'a man-in-the-middle can serve any content', 'remove --no-check-certificate; if a private CA is needed, pass it with --ca-certificate');
      const takes = WGET_LONG_WITH_ARG.test(flag);
      if (flag === '--output-document') {
        output = inline ?? (texts[i + 1] as Val | undefined)?.text ?? '';
        outputWord = inline === null ? (words[i + 1] ?? null) : null;
      }
      if (flag === '--directory-prefix') dir = inline ?? (texts[i + 1] as Val | undefined)?.text ?? '';
      if (takes && inline === null) i++;
      continue;
    }
    if (x.startsWith('-') && x.length > 1) {
      for (let j = 1; j < x.length; j++) {
        const ch = x[j] as string;
        if (WGET_SHORT_WITH_ARG.has(ch)) {
          const rest = x.slice(j + 1);
          const arg = rest !== '' ? rest : ((texts[i + 1] as Val | undefined)?.text ?? '');
          if (ch === 'O') {
            output = arg;
            outputWord = rest === '' ? (words[i + 1] ?? null) : null;
          }
          if (ch === 'P') dir = arg;
          if (rest === '') i++;
          break;
        }
      }
      continue;
    }
    urls.push({ w, v: texts[i] as Val });
  }
  const stdout: StdoutSink = ctx.stdoutSink(call);
  const fetchable = urls.filter((u) => looksLikeUrlWord(u.w.text, u.v.resolved ? u.v.text : null));
  for (const u of fetchable) {
    const d = ctx.fetch('wget', u.w, u.v);
    if (d === null) continue;
    if (output === '-') {
      ctx.finishFetch(d, stdout);
      if (stdout.sink === 'shell') d.runFromFile = pipeRunFromFile(stdout, d);
      if (stdout.sink === 'shell' && fetchable.length === 1) d.pin = pinPipeTarget(ctx, call, stdout, d, 'wget');
      continue;
    }
    const file = output ?? (dir !== '' ? `${dir.replace(/\/$/, '')}/` : '') + urlBasename(u.v.text);
    ctx.finishFetch(d, { sink: 'file', file, interpreter: null, keyTool: null });
    if (fetchable.length === 1) d.pin = pinFileTarget(ctx, call, d, file, output !== null ? outputWord : null);
  }
};

/** For tests and the table: the handlers of this family by command name. */
export const FETCHERS: ReadonlyMap<string, Handler> = new Map([
  ['curl', curl],
  ['curl.exe', curl],
  ['wget', wget],
  ['wget.exe', wget],
]);

export type { Call };
