// Finds and reads the project config for a file: the nearest `.dockerfile-trust.yaml` in its folder or above,
// stopping at the repository root (a folder with .git) or the file system root. Cached; `invalidate()` after a change.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAMES, MAX_CONFIG_BYTES, parseProjectConfig, type ParseResult } from './projectConfig';

export type Found = { readonly kind: 'none' } | ({ readonly kind: 'file'; readonly path: string } & ParseResult);

export class ProjectConfigLoader {
  private readonly byDir = new Map<string, string | null>();
  private readonly byFile = new Map<string, Found>();

  /** The config that applies to the file at `absPath` (a Dockerfile), or kind 'none'. */
  forFile(absPath: string): Found {
    const file = this.locate(path.dirname(path.resolve(absPath)));
    if (file === null) return { kind: 'none' };
    let found = this.byFile.get(file);
    if (found === undefined) {
      found = { kind: 'file', path: file, ...read(file) };
      this.byFile.set(file, found);
    }
    return found;
  }

  /** Forgets everything read (a config file was created, changed or deleted). */
  invalidate(): void {
    this.byDir.clear();
    this.byFile.clear();
  }

  private locate(dir: string): string | null {
    const seen: string[] = [];
    let d = dir;
    let result: string | null = null;
    for (let i = 0; i < 64; i++) {
      const cached = this.byDir.get(d);
      if (cached !== undefined) {
        result = cached;
        break;
      }
      seen.push(d);
      const hit = CONFIG_FILE_NAMES.map((n) => path.join(d, n)).find((p) => isFile(p));
      if (hit !== undefined) {
        result = hit;
        break;
      }
      const parent = path.dirname(d);
      if (parent === d || exists(path.join(d, '.git'))) break;
      d = parent;
    }
    for (const s of seen) this.byDir.set(s, result);
    return result;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function exists(p: string): boolean {
  try {
    fs.statSync(p);
    return true;
  } catch {
    return false;
  }
}

function read(file: string): ParseResult {
  try {
    const st = fs.statSync(file);
    if (st.size > MAX_CONFIG_BYTES) return { ok: false, errors: [`${file}: larger than ${MAX_CONFIG_BYTES} bytes`] };
    return parseProjectConfig(fs.readFileSync(file, 'utf8'), file);
  } catch (err) {
    return { ok: false, errors: [`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`] };
  }
}
