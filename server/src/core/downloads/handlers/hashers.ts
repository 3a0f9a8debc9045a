// Hash checks: sha*sum/shasum/md5sum/b2sum -c, openssl dgst, and `[ "$(sha256sum f | cut …)" = "$SHA" ]` comparisons.
import type { ShWord } from '../../shell/parse';
import type { Call, Handler, Outcome, WalkContext } from '../context';
import type { Download } from '../types';
import { hashTarget } from '../substitution';
import { basename, hostOf, parseSumLines, type SumEntry, type Trust, type Val } from '../values';

/** The branch that runs when the check finds a mismatch (`mismatchIsTrue`: a `!=` test succeeds on mismatch). */
export function mismatchOutcome(call: Call, mismatchIsTrue = false): Outcome {
  const o = mismatchIsTrue ? call.flow.onTrue : call.flow.onFalse;
  // A bare `[ "$a" != "$b" ]`: on a mismatch it succeeds and the script goes on.
  if (mismatchIsTrue && o.fate === 'none') return { fate: 'continues', text: '' };
  return o;
}

/** Verifies `d` unless the mismatch branch lets the build go on. */
export function verifyUnlessIgnored(ctx: WalkContext, d: Download, how: string, check: string, mismatch: Outcome): void {
  if (mismatch.fate === 'continues') {
    ctx.weak(d, mismatch.text.startsWith('|| ') ? `\`${check}\` runs, but its failure is ignored (\`${mismatch.text}\` lets the build go on)` : `\`${check}\` runs, but a mismatch does not stop the build (${mismatch.text === '' || mismatch.text === 'no else branch' ? 'no branch fails on it' : `the mismatch branch only runs \`${mismatch.text.replace(/^(?:&&|\|\|) /, '')}\``})`);
    return;
  }
  ctx.verify(d, how);
}

export const hashCommand: Handler = (ctx, call) => {
  const { name, t, env } = call;
  if (name === 'openssl' && !/^(?:dgst|sha256|sha512|sha384|sha1|md5)$/.test(t[1] ?? '')) return;
  const check = t.some((x) => x === '-c' || x === '--check' || (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(x) && !x.startsWith('--') && name !== 'openssl'));
  const checkText = t.join(' ');
  if (!check) {
    const file = hashTarget(call.cmd, name, (w) => ctx.expandWord(w, env).text);
    // Output going nowhere (the build log): printed, never compared.
    const next = call.pipe[call.index + 1];
    const redirected = call.cmd.redirects.some((r) => r.op === '>' || r.op === '>>');
    if (file !== null && next === undefined && !redirected) {
      for (const d of ctx.fileState(file)?.downloads ?? []) ctx.weak(d, `\`${checkText}\` only prints the hash; nothing compares it with an expected value`);
    }
    if (file !== null && redirected) {
      // A checksum file computed from the download itself proves nothing.
      const r = call.cmd.redirects.find((x) => x.op === '>' || x.op === '>>');
      if (r?.target) ctx.setFile(ctx.expandWord(r.target, env).text, { origin: 'written', downloads: [], entries: [{ trust: 'hash', name: file, fetched: null }] });
    }
    return;
  }
  // Expected entries: from stdin (echo/printf/cat/grep) or from the named files.
  const files = t.slice(1).filter((x, i) => !x.startsWith('-') && !(name === 'shasum' && (t[i] === '-a' || t[i] === '--algorithm')));
  const entries: SumEntry[] = [];
  let coverAll: { trust: Trust; fetched: Download | null } | null = null;
  const fromFile = (f: string, grepPattern: string | null): void => {
    const s = ctx.fileState(f);
    if (s?.entries) {
      for (const e of s.entries) if (grepPattern === null || e.name.includes(grepPattern) || grepPattern.includes(basename(e.name))) entries.push(e);
      return;
    }
    let trust: Trust = 'literal';
    let fetched: Download | null = null;
    if (s !== undefined && s.origin === 'download') {
      const unverified = s.downloads.filter((d) => d.status !== 'verified' && d.status !== 'material');
      if (unverified.length > 0 || s.downloads.some((d) => d.status === 'material' && s.origin !== 'signed')) {
        trust = 'fetched';
        fetched = s.downloads[0] ?? null;
      }
      for (const d of s.downloads) if (d.status !== 'verified') d.status = 'material';
    }
    if (grepPattern !== null) {
      for (const [k, st] of ctx.st.files) {
        if (st.origin !== 'download' || k.includes('/')) continue;
        const bare = grepPattern.replace(/[\s$^"']/g, '');
        if (grepPattern.includes(k) || (bare !== '' && k.includes(bare))) entries.push({ trust, name: k, fetched });
      }
    } else coverAll = { trust, fetched };
  };
  if (files.length === 0 || files.includes('-')) {
    const src = ctx.stdinOf(call);
    if (src.echo !== null) entries.push(...parseSumLines(src.echo.text, src.echo.trust, src.echo.fetched));
    if (src.file !== null) fromFile(src.file, src.grep);
  }
  for (const f of files) if (f !== '-') fromFile(f, null);
  const mismatch = mismatchOutcome(call);
  const apply = (d: Download, trust: Trust, fetched: Download | null): void => {
    if (d.status === 'material' || d.status === 'metadata') return;
    if (trust === 'fetched') {
      if (fetched !== null && fetched !== d && fetched.status === 'unverified') fetched.status = 'material';
      const same = fetched !== null && hostOf(fetched.resolvedUrl ?? fetched.url) === hostOf(d.resolvedUrl ?? d.url);
      ctx.weak(d, same ? `the expected checksum is downloaded from the same server (${fetched?.url ?? ''}), so whoever can change the file can change the checksum too` : `the expected checksum is itself downloaded (${fetched?.url ?? 'during the build'}) without a signature check, so it only guards against corruption`);
      return;
    }
    if (trust === 'hash') {
      ctx.weak(d, 'the "expected" checksum is computed from the downloaded file itself');
      return;
    }
    if (/^md5/.test(name)) {
      // MD5 collisions are cheap: a file prepared together with a harmless twin can match the pinned value.
      ctx.weak(d, `${name} is a broken hash: a file crafted alongside a harmless twin can match the pinned value; pin a SHA-256`);
      return;
    }
    verifyUnlessIgnored(ctx, d, `${name} -c`, checkText, mismatch);
  };
  for (const e of entries) for (const d of ctx.fileState(e.name)?.downloads ?? []) apply(d, e.trust, e.fetched);
  if (coverAll !== null) {
    const c = coverAll as { trust: Trust; fetched: Download | null };
    for (const d of ctx.local) if (d.kind !== 'git' && d.status === 'unverified' && d.sink !== 'metadata') apply(d, c.trust, c.fetched);
  }
};

/** `[ "$(sha256sum f | cut -d' ' -f1)" = "$EXPECTED" ]` and friends. */
export const comparison: Handler = (ctx, call) => {
  const vals = call.words.map((w: ShWord) => ctx.expandWord(w, call.env));
  for (let i = 1; i < vals.length - 1; i++) {
    const op = (vals[i] as Val).text;
    if (op !== '=' && op !== '==' && op !== '!=') continue;
    const a = vals[i - 1] as Val;
    const b = vals[i + 1] as Val;
    const pair = a.trust === 'hash' ? [a, b] : b.trust === 'hash' ? [b, a] : null;
    if (pair === null) continue;
    const [h, e] = pair as [Val, Val];
    const file = h.hashOf;
    if (file === null) continue;
    const mismatch = mismatchOutcome(call, op === '!=');
    for (const d of ctx.fileState(file)?.downloads ?? []) {
      if (e.trust === 'fetched') ctx.weak(d, `the expected checksum is itself downloaded (${e.fetched?.url ?? 'during the build'}), so it only guards against corruption`);
      else if (e.trust === 'hash') ctx.weak(d, 'the hash is compared with another computed hash, not with a pinned value');
      else verifyUnlessIgnored(ctx, d, 'hash compared with a pinned value', `[ … ${op} … ]`, mismatch);
    }
  }
};

export const HASHERS_FAMILY: ReadonlyMap<string, Handler> = new Map([
  ['sha1sum', hashCommand],
  ['sha224sum', hashCommand],
  ['sha256sum', hashCommand],
  ['sha384sum', hashCommand],
  ['sha512sum', hashCommand],
  ['md5sum', hashCommand],
  ['b2sum', hashCommand],
  ['shasum', hashCommand],
  ['cksum', hashCommand],
  ['openssl', hashCommand],
  ['[', comparison],
  ['[[', comparison],
  ['test', comparison],
]);
