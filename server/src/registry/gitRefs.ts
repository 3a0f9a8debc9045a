// Resolves a git branch or tag to its commit over git's smart HTTP protocol (`info/refs?service=git-upload-pack`),
// for the "Pin this clone" fix: https only, no credentials, capped and timed, through the injected HttpClient.
import type { HttpClient } from './http';

export const GIT_REFS_MAX_BYTES = 8 * 1024 * 1024;
export const GIT_REFS_TIMEOUT_MS = 30_000;

export type GitRefResult = { readonly ok: true; readonly commit: string; readonly ref: string } | { readonly ok: false; readonly message: string };

export interface GitRefOptions {
  readonly signal?: AbortSignal;
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
  /** `tag`: only refs/tags/<ref>; `branch`: only refs/heads/<ref>; `any`: a branch first, then a tag (as `git clone -b`). */
  readonly kind?: 'branch' | 'tag' | 'any';
}

/** The ref advertisement of a smart-HTTP git server: ref name → object id, peeled tags, HEAD's symref. */
export interface Advertisement {
  readonly refs: ReadonlyMap<string, string>;
  /** `refs/tags/v1^{}`: the commit an annotated tag points to. */
  readonly peeled: ReadonlyMap<string, string>;
  readonly head: string | null;
  readonly headTarget: string | null;
  readonly objectFormat: string;
}

const OID = /^[0-9a-f]{40}$/;

/**
 * The commit `ref` (null = the default branch) names in the repository at `repoUrl`. A tag resolves to the
 * commit it points to (the peeled id). Never throws; refuses anything but https and URLs with credentials.
 */
export async function resolveGitRef(http: HttpClient, repoUrl: string, ref: string | null, opts: GitRefOptions = {}): Promise<GitRefResult> {
  let u: URL;
  try {
    u = new URL(repoUrl);
  } catch {
    return { ok: false, message: `${repoUrl} is not a URL` };
  }
  if (u.protocol !== 'https:') return { ok: false, message: `${u.protocol}// repositories are not resolved: only https is trusted to say which commit a ref is` };
  if (u.username !== '' || u.password !== '') return { ok: false, message: 'the URL carries credentials; refusing to use it' };
  if (u.search !== '' || u.hash !== '') return { ok: false, message: 'the repository URL has a query or fragment' };
  const base = `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
  const r = await http({
    url: `${base}/info/refs?service=git-upload-pack`,
    method: 'GET',
    headers: { 'user-agent': 'git/2.0 (dockerfile-trust)', accept: 'application/x-git-upload-pack-advertisement' },
    maxBytes: opts.maxBytes ?? GIT_REFS_MAX_BYTES,
    maxErrorBytes: 4096,
    timeoutMs: opts.timeoutMs ?? GIT_REFS_TIMEOUT_MS,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (!r.ok) return { ok: false, message: r.message };
  if (r.status !== 200) return { ok: false, message: `the server answered ${r.status} for ${u.host}${u.pathname}/info/refs` };
  const type = (r.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-git-upload-pack-advertisement') return { ok: false, message: `${u.host} did not answer as a smart-HTTP git server (content type ${type === '' ? 'missing' : type})` };
  const adv = parseAdvertisement(r.body);
  if (!adv.ok) return { ok: false, message: adv.message };
  return pick(adv.value, ref, opts.kind ?? 'any');
}

function pick(adv: Advertisement, ref: string | null, kind: 'branch' | 'tag' | 'any'): GitRefResult {
  if (adv.objectFormat !== 'sha1') return { ok: false, message: `the repository uses ${adv.objectFormat} object ids; only 40-hex (sha1) commits can be pinned here` };
  if (ref === null || ref === 'HEAD') {
    if (adv.head === null) return { ok: false, message: 'the repository advertises no HEAD (empty repository?)' };
    return { ok: true, commit: adv.head, ref: adv.headTarget ?? 'HEAD' };
  }
  const names = ref.startsWith('refs/') ? [ref] : kind === 'tag' ? [`refs/tags/${ref}`] : kind === 'branch' ? [`refs/heads/${ref}`] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
  for (const n of names) {
    const id = adv.peeled.get(n) ?? adv.refs.get(n);
    if (id !== undefined) return { ok: true, commit: id, ref: n };
  }
  return { ok: false, message: `no ${kind === 'any' ? 'branch or tag' : kind} named ${ref} in the repository` };
}

/** Parses pkt-lines: `# service=git-upload-pack`, a flush, then `<oid> <name>[\0<capabilities>]` lines, then a flush. */
export function parseAdvertisement(body: Uint8Array): { ok: true; value: Advertisement } | { ok: false; message: string } {
  const text = Buffer.from(body).toString('latin1');
  const refs = new Map<string, string>();
  const peeled = new Map<string, string>();
  let head: string | null = null;
  let headTarget: string | null = null;
  let objectFormat = 'sha1';
  let pos = 0;
  let first = true;
  let sawService = false;
  let flushes = 0;
  while (pos < text.length) {
    const lenHex = text.slice(pos, pos + 4);
    if (!/^[0-9a-f]{4}$/.test(lenHex)) return { ok: false, message: 'malformed ref advertisement (bad pkt-line length)' };
    const len = parseInt(lenHex, 16);
    if (len === 0) {
      pos += 4;
      flushes++;
      if (sawService && flushes >= 2) break;
      continue;
    }
    if (len < 4 || pos + len > text.length) return { ok: false, message: 'malformed ref advertisement (truncated pkt-line)' };
    let line = text.slice(pos + 4, pos + len);
    pos += len;
    if (line.endsWith('\n')) line = line.slice(0, -1);
    if (first && line.startsWith('# service=')) {
      if (line !== '# service=git-upload-pack') return { ok: false, message: `unexpected service line: ${line.slice(0, 60)}` };
      sawService = true;
      first = false;
      continue;
    }
    if (first) return { ok: false, message: 'the answer does not start with "# service=git-upload-pack"' };
    if (line.startsWith('version ')) return { ok: false, message: `the server answered with git protocol ${line.slice(8)}; expected the v0 ref advertisement` };
    const nul = line.indexOf('\0');
    const caps = nul >= 0 ? line.slice(nul + 1) : '';
    const refLine = nul >= 0 ? line.slice(0, nul) : line;
    const m = /^([0-9a-f]{40}|[0-9a-f]{64}) (\S+)$/.exec(refLine);
    if (m === null) return { ok: false, message: `malformed ref line: ${refLine.slice(0, 80)}` };
    const [, id, name] = m as unknown as [string, string, string];
    if (caps !== '') {
      for (const c of caps.split(' ')) {
        if (c.startsWith('symref=HEAD:')) headTarget = c.slice(12);
        if (c.startsWith('object-format=')) objectFormat = c.slice(14);
      }
    }
    if (name === 'capabilities^{}') continue;
    if (!OID.test(id) && objectFormat === 'sha1') objectFormat = 'sha256';
    if (name === 'HEAD') head = id;
    else if (name.endsWith('^{}')) peeled.set(name.slice(0, -3), id);
    else refs.set(name, id);
  }
  if (!sawService) return { ok: false, message: 'the answer does not start with "# service=git-upload-pack"' };
  return { ok: true, value: { refs, peeled, head, headTarget, objectFormat } };
}
