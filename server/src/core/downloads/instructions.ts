// COPY and ADD: files from the build context are trusted material; ADD of a URL or git repository is a download.
import type { Range } from '../types';
import type { WalkContext } from './context';
import { HEX40, isInsecureHttp, KEYRING_DIR, urlBasename } from './values';

export function copyInstruction(ctx: WalkContext): void {
  if (ctx.source.flags.some((f) => f.name.toLowerCase() === 'from')) return;
  // Files from the build context are trusted material (checksum lists, keys shipped with the source).
  for (const a of ctx.source.args) ctx.setFile(a.value.replace(/^["']|["']$/g, ''), { origin: 'context', downloads: [], entries: null });
}

/** BuildKit's git sources: `…/r.git`, `git@host:o/r`, `git://`, `ssh://`, and `#ref:subdir` or `?ref=&commit=&subdir=`. */
const GIT_URL = /^git@|^git:\/\/|^ssh:\/\/|\.git(?:[#?/]|$)|^https?:\/\/[^#?]*\.git[#?]/i;
const FORGE_WITH_REF = /^https?:\/\/(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org)\/[^/]+\/[^/#?]+\/?[#?]/i;

export interface GitSource {
  /** The repository URL without fragment or query. */
  readonly repo: string;
  /** Branch, tag or ref named (null = the default branch). */
  readonly ref: string | null;
  /** A full commit the builder checks the ref against (or checks out). */
  readonly commit: string | null;
  readonly subdir: string | null;
  /** The URL uses BuildKit's query form (`?ref=…`), else the fragment form (`#ref:subdir`). */
  readonly query: boolean;
}

/** Reads a BuildKit git source URL (both forms). */
export function gitSource(url: string): GitSource {
  const q = url.indexOf('?');
  const h = url.indexOf('#');
  if (q >= 0 && (h < 0 || q < h)) {
    const params = new Map<string, string>();
    for (const kv of url.slice(q + 1, h >= 0 ? h : undefined).split('&')) {
      const i = kv.indexOf('=');
      if (i > 0) params.set(kv.slice(0, i).toLowerCase(), decodeSafe(kv.slice(i + 1)));
    }
    const ref = params.get('ref') ?? params.get('tag') ?? params.get('branch') ?? null;
    const commit = params.get('commit') ?? params.get('checksum') ?? (ref !== null && HEX40.test(ref) ? ref : null);
    return { repo: url.slice(0, q), ref, commit: commit !== null && HEX40.test(commit) ? commit : null, subdir: params.get('subdir') ?? null, query: true };
  }
  if (h >= 0) {
    const frag = url.slice(h + 1);
    const colon = frag.indexOf(':');
    const ref = (colon >= 0 ? frag.slice(0, colon) : frag) || null;
    return { repo: url.slice(0, h), ref, commit: ref !== null && HEX40.test(ref) ? ref : null, subdir: colon >= 0 ? frag.slice(colon + 1) : null, query: false };
  }
  return { repo: url, ref: null, commit: null, subdir: null, query: false };
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function addInstruction(ctx: WalkContext): void {
  const ins = ctx.source;
  const args = ins.args;
  if (args.length < 2) return;
  const dest = (args[args.length - 1] as { value: string }).value;
  const checksum = ins.flags.find((f) => f.name.toLowerCase() === 'checksum');
  if (ins.flags.some((f) => f.name.toLowerCase() === 'from')) return;
  for (const a of args.slice(0, -1)) {
    const raw = a.value.replace(/^["']|["']$/g, '');
    const ex = ctx.expandDocker(raw);
    const resolved = ex.resolved ? ex.text : null;
    const probe = resolved ?? raw;
    const isGit = GIT_URL.test(probe) || FORGE_WITH_REF.test(probe);
    const isHttp = /^(?:https?|ftp):\/\//i.test(probe);
    if (!isGit && !isHttp) {
      ctx.setFile(raw, { origin: 'context', downloads: [], entries: null });
      continue;
    }
    const insertAt: Range = { start: ins.keywordRange.end, end: ins.keywordRange.end };
    const d = ctx.newDownload('ADD', raw, resolved, a.range, isGit ? 'git' : 'file', insertAt);
    if (isGit) {
      const g = gitSource(probe);
      d.gitRef = g.commit ?? g.ref;
      if (g.commit !== null) ctx.verify(d, `ADD of git commit ${g.commit}`);
      else if (checksum !== undefined && checksum.value !== null && HEX40.test(ctx.expandDocker(checksum.value).text)) ctx.verify(d, 'ADD --checksum pins the git commit');
      else if (resolved !== null && raw === resolved && /^https:\/\//i.test(probe) && !/\s/.test(raw)) d.pin = { kind: 'add-git', url: g.repo, ref: g.ref, written: raw, replace: a.range };
    } else if (checksum !== undefined && checksum.value !== null && checksum.value !== '') {
      ctx.verify(d, `ADD --checksum=${checksum.value}`);
    }
    if (isHttp && isInsecureHttp(probe)) ctx.insecureHttp(probe, raw, a.range);
    const target = dest.endsWith('/') ? dest + urlBasename(probe) : dest;
    d.outputs.push(target);
    ctx.addFile(target, d);
    // A key added straight into a keyring is trusted for every package from then on.
    if (!isGit && KEYRING_DIR.test(target)) {
      d.kind = 'key';
      d.sink = 'key';
      ctx.importKey(d);
    }
  }
}
