// Expands the CLI's path and glob arguments into Dockerfile paths, and reads them with clear errors.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface InputFile {
  readonly path: string;
  readonly text: string;
}

export type ReadResult = { ok: true; file: InputFile } | { ok: false; path: string; message: string; fatal: boolean };

const MAX_FILE_BYTES = 8 * 1024 * 1024;
const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

export function hasGlob(p: string): boolean {
  return /[*?[{]/.test(p);
}

/** Converts a glob (`**`, `*`, `?`, `[…]`, `{a,b}`) to a RegExp over '/'-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let i = 0;
  let braces = 0;
  while (i < glob.length) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atStart && atEnd) {
          re += glob[i + 2] === '/' ? '(?:[^/]*/)*' : '.*';
          i += glob[i + 2] === '/' ? 3 : 2;
          continue;
        }
      }
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = close;
      }
    } else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else re += c.replace(/[.+^$()|\\]/g, '\\$&');
    i++;
  }
  return new RegExp(`^${re}$`);
}

function walk(dir: string, out: string[], limit: number): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (out.length >= limit) return;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(p, out, limit);
    } else if (e.isFile()) out.push(p);
  }
}

/** Expands arguments: plain paths stay as given (checked when read); globs are matched under their static prefix. */
export function expandArgs(args: readonly string[], cwd: string): { paths: string[]; unmatched: string[] } {
  const paths: string[] = [];
  const unmatched: string[] = [];
  for (const arg of args) {
    if (!hasGlob(arg)) {
      paths.push(arg);
      continue;
    }
    const norm = arg.split(path.sep).join('/');
    const parts = norm.split('/');
    const staticParts: string[] = [];
    for (const p of parts) {
      if (hasGlob(p)) break;
      staticParts.push(p);
    }
    const base = staticParts.length === 0 ? '.' : staticParts.join('/') || '/';
    const rest = parts.slice(staticParts.length).join('/');
    const re = globToRegExp(rest);
    const found: string[] = [];
    walk(path.resolve(cwd, base), found, 100000);
    const matches = found
      .map((abs) => path.relative(path.resolve(cwd, base), abs).split(path.sep).join('/'))
      .filter((rel) => re.test(rel))
      .map((rel) => (base === '.' ? rel : `${base.replace(/\/$/, '')}/${rel}`))
      .sort();
    if (matches.length === 0) unmatched.push(arg);
    paths.push(...matches);
  }
  return { paths: [...new Set(paths)], unmatched };
}

/** Reads one file, turning every problem into a clear message. Empty files are not fatal. */
export function readInput(p: string, cwd: string): ReadResult {
  const abs = path.resolve(cwd, p);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, path: p, fatal: true, message: code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? 'error'})` };
  }
  if (st.isDirectory()) {
    return { ok: false, path: p, fatal: true, message: `is a directory; pass Dockerfiles or a glob such as '${p.replace(/\/$/, '')}/**/Dockerfile*'` };
  }
  if (!st.isFile()) return { ok: false, path: p, fatal: true, message: 'not a regular file' };
  if (st.size > MAX_FILE_BYTES) return { ok: false, path: p, fatal: true, message: `too large for a Dockerfile (${st.size} bytes; limit ${MAX_FILE_BYTES})` };
  let buf: Buffer;
  try {
    buf = fs.readFileSync(abs);
  } catch (err) {
    return { ok: false, path: p, fatal: true, message: `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (buf.length === 0) return { ok: false, path: p, fatal: false, message: 'empty file, nothing to check' };
  if (buf.subarray(0, 8192).includes(0)) return { ok: false, path: p, fatal: true, message: 'binary file, not a Dockerfile' };
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return { ok: false, path: p, fatal: false, message: 'file has only whitespace, nothing to check' };
  return { ok: true, file: { path: p, text } };
}
