// Signature tools and keys: gpg/gpgv, apt-key, rpm/rpmkeys (--import, -K), minisign, cosign verify-blob.
import type { ShWord } from '../../shell/parse';
import type { Handler, WalkContext } from '../context';
import type { Download } from '../types';
import { basename, HEX40, isInside, isInsecureHttp, type Val } from '../values';
import { mismatchOutcome, verifyUnlessIgnored } from './hashers';

/** `--recv-keys` ids: full fingerprints make the keyring trusted; short ids are a key problem. */
export function recvKeys(ctx: WalkContext, words: readonly ShWord[], texts: readonly Val[], tool: string): void {
  for (let i = 0; i < words.length; i++) {
    const v = texts[i] as Val;
    const w = words[i] as ShWord;
    if (v.text.startsWith('-')) break;
    // A quoted word is one key id (fingerprints are often written in groups of four); unquoted values split.
    const quoted = /["']/.test(w.raw);
    const ids = v.alternatives.flatMap((a) => (quoted ? [a.replace(/\s+/g, '')] : a.split(/\s+/))).filter((x) => x !== '');
    if (ids.length === 0) continue;
    const short = ids.filter((x) => !HEX40.test(x));
    if (short.length === 0) ctx.st.trustedKeys = true;
    else if (v.resolved || !w.dynamic) ctx.keyProblem(ctx.rangeOf(w), `\`${tool}\` fetches key ${short[0]} by a short key ID, which anyone can forge a matching key for`, `${tool} ${short[0]}`);
    else ctx.st.trustedKeys = true;
  }
}

function markKey(ctx: WalkContext, d: Download): void {
  d.kind = 'key';
  d.sink = 'key';
  ctx.importKey(d);
}

export const aptKey: Handler = (ctx, call) => {
  const { words, texts, t } = call;
  const fk = t.indexOf('--fetch-keys');
  if (fk >= 0 && words[fk + 1] !== undefined) {
    const w = words[fk + 1] as ShWord;
    const v = texts[fk + 1] as Val;
    const d = ctx.newDownload('apt-key adv --fetch-keys', w.text, v.resolved ? v.text : null, ctx.rangeOf(w), 'key');
    d.sink = 'key';
    ctx.note(d, '`apt-key adv --fetch-keys` trusts whatever key the URL serves, for every repository');
    if (isInsecureHttp(v.text)) ctx.insecureHttp(v.text, w.raw, ctx.rangeOf(w), w.start, w.raw);
    return;
  }
  const rk = t.findIndex((x) => x === '--recv-keys' || x === '--recv-key' || x === '--recv');
  if (rk >= 0) recvKeys(ctx, words.slice(rk + 1), texts.slice(rk + 1), 'apt-key adv --recv-keys');
  const add = t.indexOf('add');
  if (add >= 0) {
    const f = t[add + 1];
    if (f !== undefined && f !== '-') for (const d of ctx.fileState(f)?.downloads ?? []) markKey(ctx, d);
  }
};

const GPG_WITH_ARG = /^--(?:keyring|homedir|output|keyserver|trust-model|status-fd|local-user|recipient|primary-keyring|default-key|digest-algo|cipher-algo|passphrase|batch-size|keyserver-options|export-options|import-options|import-filter|export-filter)$/;

export const gpg: Handler = (ctx, call) => {
  const { name, words, texts, t, cmd, pipe, index } = call;
  const has = (f: string): boolean => t.includes(f);
  const rk = t.findIndex((x) => x === '--recv-keys' || x === '--recv-key' || x === '--receive-keys');
  if (rk >= 0) {
    recvKeys(ctx, words.slice(rk + 1), texts.slice(rk + 1), 'gpg --recv-keys');
    return;
  }
  const positional = (after: number): string[] => {
    const out: string[] = [];
    for (let i = after; i < t.length; i++) {
      const x = t[i] as string;
      if (GPG_WITH_ARG.test(x) || x === '-o' || x === '-u' || x === '-r') {
        i++;
        continue;
      }
      if (x.startsWith('-') && x !== '-') continue;
      out.push(x);
    }
    return out;
  };
  const stdinFetch = (): Download[] => {
    const prev = pipe[index - 1];
    if (index === 0 || prev === undefined || prev.type !== 'cmd') return [];
    return ctx.local.filter((d) => d.sink === 'key' && isInside(d.range, ctx.rangeOf({ start: prev.start, end: prev.end })));
  };
  if (has('--import') || has('--dearmor') || has('--dearmour') || has('--enarmor')) {
    const files = positional(1);
    const froms = files.length === 0 ? stdinFetch() : files.flatMap((f) => ctx.fileState(f)?.downloads ?? []);
    for (const f of files) {
      const s = ctx.fileState(f);
      if (s === undefined || s.origin !== 'download') ctx.st.trustedKeys = true;
    }
    for (const d of froms) markKey(ctx, d);
    const outIdx = t.findIndex((x) => x === '--output' || x === '-o');
    const outFile = outIdx >= 0 ? t[outIdx + 1] : cmd.redirects.find((r) => r.op === '>' && r.target !== null)?.target?.text;
    if (outFile !== undefined) for (const d of froms) ctx.addFile(outFile, d);
    return;
  }
  const ex = t.findIndex((x) => x === '--export' || x === '--export-keys');
  if (ex >= 0) {
    // Exporting only the pinned fingerprints out of a throwaway keyring filters a fetched key file.
    const ids = positional(ex + 1).flatMap((x) => x.split(/\s+/));
    if (ids.length > 0 && ids.every((x) => HEX40.test(x))) {
      for (const d of ctx.st.untrustedKeys) ctx.verify(d, `only fingerprint ${ids.join(', ')} is exported from it`);
      ctx.st.untrustedKeys = [];
      ctx.st.trustedKeys = true;
    }
    return;
  }
  const isVerify = has('--verify') || name === 'gpgv' || name === 'gpgv2';
  const isDecrypt = has('--decrypt') || has('-d');
  if (!isVerify && !isDecrypt) return;
  const keyNote = ctx.keyNote();
  const args = positional(1);
  if (isDecrypt) {
    const input = args[0];
    const outIdx = t.findIndex((x) => x === '--output' || x === '-o');
    const output = outIdx >= 0 ? t[outIdx + 1] : (ctx.stdoutSink(call).file ?? undefined);
    if (input !== undefined) ctx.material(input);
    if (output !== undefined && keyNote === null) ctx.setFile(output, { origin: 'signed', downloads: [], entries: null });
    return;
  }
  const sig = args[0];
  if (sig === undefined) return;
  const data = args[1] ?? sig.replace(/\.(?:asc|sig|sign|gpg)$/, '');
  ctx.material(sig);
  if (args.length === 1 && data === sig) return;
  if (args.length === 1 && /\.asc$/.test(sig)) {
    // Clearsigned file (or detached .asc next to its data).
    const s = ctx.fileState(sig);
    if (s !== undefined && keyNote === null) s.origin = 'signed';
  }
  const st = ctx.fileState(data);
  if (st === undefined) return;
  if (st.origin === 'download' && st.entries === null && isSumsName(data) && keyNote === null) {
    // A signed checksum list: it becomes trusted material.
    for (const d of st.downloads) d.status = 'material';
    st.origin = 'signed';
    return;
  }
  const mismatch = mismatchOutcome(call);
  for (const d of st.downloads) {
    if (keyNote === null) verifyUnlessIgnored(ctx, d, `gpg signature ${sig} against a key pinned by fingerprint`, t.join(' '), mismatch);
    else ctx.weak(d, `the signature is checked (${sig}), but ${keyNote}`);
  }
};

function isSumsName(p: string): boolean {
  return /sums?(?:\.txt)?$|sha\d*sums?|checksums?|\.sha\d+$|SHASUMS/i.test(basename(p));
}

export const rpm: Handler = (ctx, call) => {
  const { words, texts, t } = call;
  if (t.includes('--import')) {
    for (let i = 1; i < t.length; i++) {
      const x = t[i] as string;
      if (x.startsWith('-')) continue;
      if (/^(?:https?|ftp):\/\//.test(x)) {
        const w = words[i] as ShWord;
        const d = ctx.newDownload(`${t[0]} --import`, w.text, (texts[i] as Val).resolved ? x : null, ctx.rangeOf(w), 'key');
        d.sink = 'key';
        if (isInsecureHttp(x)) ctx.insecureHttp(x, w.raw, ctx.rangeOf(w), w.start, w.raw);
        continue;
      }
      const s = ctx.fileState(x);
      for (const d of s?.downloads ?? []) markKey(ctx, d);
      if (s === undefined || s.origin !== 'download') ctx.st.trustedKeys = true;
    }
    return;
  }
  if (t.includes('-K') || t.includes('--checksig')) {
    for (const x of t.slice(1).filter((a) => !a.startsWith('-'))) {
      for (const d of ctx.fileState(x)?.downloads ?? []) {
        if (ctx.st.trustedKeys && ctx.st.untrustedKeys.length === 0) ctx.verify(d, 'rpm signature checked against a fingerprint-filtered key');
      }
    }
  }
  const i = t.findIndex((x) => x === '--nosignature' || x === '--nodigest');
  if (i >= 0) ctx.insecureFlag('rpm --nosignature', `\`rpm ${t[i]}\` installs packages without checking their signature`, ctx.rangeOf(words[i] as ShWord), 'a tampered package would be installed', 'remove the option');
};

export const minisign: Handler = (ctx, call) => {
  const t = call.t;
  // Short options combine (-Vqm file): the last letter of a group may take the next word.
  const opts = new Map<string, string>();
  let verify = false;
  for (let i = 1; i < t.length; i++) {
    const x = t[i] as string;
    if (!/^-[A-Za-z]+$/.test(x)) continue;
    if (x.includes('V')) verify = true;
    const last = x[x.length - 1] as string;
    if ('mxpP'.includes(last)) {
      opts.set(last, t[i + 1] ?? '');
      i++;
    }
  }
  if (!verify) return;
  const file = opts.get('m');
  const keyFile = opts.get('p');
  const keyFetched = keyFile !== undefined && ctx.fileState(keyFile)?.origin === 'download';
  const sig = opts.get('x') ?? (file !== undefined ? `${file}.minisig` : undefined);
  if (sig !== undefined) ctx.material(sig);
  if (file === undefined) return;
  const mismatch = mismatchOutcome(call);
  for (const d of ctx.fileState(file)?.downloads ?? []) {
    if (keyFetched) ctx.weak(d, 'minisign checks it against a public key that was itself downloaded');
    else verifyUnlessIgnored(ctx, d, 'minisign signature', t.join(' '), mismatch);
  }
};

export const cosign: Handler = (ctx, call) => {
  const t = call.t;
  if (t[1] !== 'verify-blob') return;
  const pos = t.slice(2).filter((x, i, arr) => !x.startsWith('-') && !/^--/.test(arr[i - 1] ?? ''));
  const file = pos[pos.length - 1];
  const ki = t.findIndex((x) => x === '--key' || x.startsWith('--key='));
  const key = ki >= 0 ? ((t[ki] as string).includes('=') ? (t[ki] as string).slice(6) : t[ki + 1]) : undefined;
  const keyFetched = key !== undefined && ctx.fileState(key)?.origin === 'download';
  const identity = t.some((x) => x.startsWith('--certificate-identity'));
  for (const x of t) if (x.startsWith('--signature') || x.startsWith('--bundle')) ctx.material(x.includes('=') ? x.slice(x.indexOf('=') + 1) : (t[t.indexOf(x) + 1] ?? ''));
  if (file === undefined) return;
  const mismatch = mismatchOutcome(call);
  for (const d of ctx.fileState(file)?.downloads ?? []) {
    if (keyFetched) ctx.weak(d, 'cosign checks it against a key that was itself downloaded');
    else if (key !== undefined || identity) verifyUnlessIgnored(ctx, d, 'cosign verify-blob', t.slice(0, 2).join(' '), mismatch);
  }
};

export const SIGNATURES: ReadonlyMap<string, Handler> = new Map([
  ['gpg', gpg],
  ['gpg2', gpg],
  ['gpgv', gpg],
  ['gpgv2', gpg],
  ['apt-key', aptKey],
  ['rpm', rpm],
  ['rpmkeys', rpm],
  ['minisign', minisign],
  ['cosign', cosign],
]);
