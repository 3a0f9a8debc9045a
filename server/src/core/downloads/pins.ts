// The "Pin this download" / "Pin this clone" edits: the check to insert, written in the shell's own idiom,
// built from a finding's pin target and a SHA-256 or commit that the caller fetched. Pure; never invents a value.
import type { Finding, TextEdit } from '../types';
import type { PinTarget } from './types';

export interface PinEdit {
  readonly edits: readonly TextEdit[];
  /** Exactly what goes into the file (the replacement text for a rewrite), for the confirmation. */
  readonly text: string;
  /** One line for the confirmation and the CLI log. */
  readonly summary: string;
}

const SHA256 = /^[0-9a-f]{64}$/;
const COMMIT = /^[0-9a-f]{40}$/;

/** The pin target a finding carries (`data.pin`), checked for shape: data makes a round trip through the editor. */
export function pinTargetOf(f: Finding | { readonly data?: unknown }): PinTarget | null {
  const d = (f.data as { pin?: unknown } | undefined)?.pin as Partial<Record<string, unknown>> | undefined;
  if (d === undefined || d === null || typeof d !== 'object') return null;
  const str = (k: string): boolean => typeof d[k] === 'string';
  const pos = (x: unknown): boolean => typeof x === 'object' && x !== null && typeof (x as { line?: unknown }).line === 'number' && typeof (x as { character?: unknown }).character === 'number';
  const range = (x: unknown): boolean => typeof x === 'object' && x !== null && pos((x as { start?: unknown }).start) && pos((x as { end?: unknown }).end);
  if (!str('url') || !/^https:\/\//i.test(d['url'] as string)) return null;
  switch (d['kind']) {
    case 'file':
      return str('file') && (d['shell'] === 'posix' || d['shell'] === 'powershell') && pos(d['insertAt']) && (d['guard'] === 'chain' || d['guard'] === 'exit') ? (d as unknown as PinTarget) : null;
    case 'pipe':
      return str('fetch') && str('file') && str('run') && range(d['replace']) ? (d as unknown as PinTarget) : null;
    case 'clone':
      return str('dir') && (d['ref'] === null || str('ref')) && pos(d['insertAt']) && (d['guard'] === 'chain' || d['guard'] === 'exit') ? (d as unknown as PinTarget) : null;
    case 'add-git':
      return str('written') && (d['ref'] === null || str('ref')) && range(d['replace']) ? (d as unknown as PinTarget) : null;
    default:
      return null;
  }
}

/** The check for a download with SHA-256 `hex` (lower-case hex of the bytes fetched once over https). */
export function downloadPinEdit(pin: PinTarget, hex: string): PinEdit | null {
  const sha = hex.toLowerCase();
  if (!SHA256.test(sha)) return null;
  if (pin.kind === 'file') {
    let text: string;
    if (pin.shell === 'powershell') text = `; if ((Get-FileHash ${pin.file} -Algorithm SHA256).Hash -ne '${sha.toUpperCase()}') { exit 1 }`;
    else {
      const check = `echo "${sha}  ${pin.file}" | sha256sum -c -`;
      text = pin.guard === 'chain' ? ` && ${check}` : ` && { ${check} || exit 1; }`;
    }
    return { edits: [{ range: { start: pin.insertAt, end: pin.insertAt }, newText: text }], text, summary: `insert after the download of ${pin.url}: ${text.trim()}` };
  }
  if (pin.kind === 'pipe') {
    const text = `${pin.fetch} && echo "${sha}  ${pin.file}" | sha256sum -c - && ${pin.run}`;
    return { edits: [{ range: pin.replace, newText: text }], text, summary: `download ${pin.url} to ${pin.file}, check it, then run it: ${text}` };
  }
  return null;
}

/** The commit pin for a clone or an ADD of a git URL, with `commit` resolved from the ref over https. */
export function clonePinEdit(pin: PinTarget, commit: string): PinEdit | null {
  const c = commit.toLowerCase();
  if (!COMMIT.test(c)) return null;
  if (pin.kind === 'clone') {
    const checkout = `git -C ${pin.dir} checkout --quiet ${c}`;
    const text = pin.guard === 'chain' ? ` && ${checkout}` : ` && { ${checkout} || exit 1; }`;
    return { edits: [{ range: { start: pin.insertAt, end: pin.insertAt }, newText: text }], text, summary: `insert after the clone of ${pin.url} (${pin.ref ?? 'default branch'} = ${c}): ${text.trim()}` };
  }
  if (pin.kind === 'add-git') {
    const text = withCommit(pin.written, c);
    return { edits: [{ range: pin.replace, newText: text }], text, summary: `pin ${pin.ref ?? 'the default branch'} of ${pin.url} to ${c}: ${text}` };
  }
  return null;
}

/** `…#ref:sub` → `…#<commit>:sub`; `…?tag=x` → `…?tag=x&commit=<commit>`; no ref → `…#<commit>`. */
function withCommit(url: string, commit: string): string {
  const q = url.indexOf('?');
  const h = url.indexOf('#');
  if (q >= 0 && (h < 0 || q < h)) {
    const end = h >= 0 ? h : url.length;
    const params = url.slice(q + 1, end).split('&').filter((kv) => !/^(?:commit|checksum)=/i.test(kv) && kv !== '');
    return `${url.slice(0, q)}?${[...params, `commit=${commit}`].join('&')}${url.slice(end)}`;
  }
  if (h >= 0) {
    const frag = url.slice(h + 1);
    const colon = frag.indexOf(':');
    return `${url.slice(0, h)}#${commit}${colon >= 0 ? frag.slice(colon) : ''}`;
  }
  return `${url}#${commit}`;
}

/** Which refs a git pin may resolve: `?tag=` only tags, `?branch=` only branches, else a branch, then a tag. */
export function refKind(pin: PinTarget): 'branch' | 'tag' | 'any' {
  if (pin.kind !== 'add-git') return 'any';
  if (/[?&]tag=/i.test(pin.written)) return 'tag';
  if (/[?&]branch=/i.test(pin.written)) return 'branch';
  return 'any';
}
