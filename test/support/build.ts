// Makes sure the bundles in dist/ are built from the current sources before a test runs one of them.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';

function newestSource(dir: string): number {
  let newest = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.isFile()) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Path of dist/<bundle>; rebuilds all bundles first when it is missing or older than any source file. */
export function freshBundle(bundle: string): string {
  const file = path.join(REPO_ROOT, 'dist', bundle);
  const built = fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
  const sources = Math.max(
    newestSource(path.join(REPO_ROOT, 'server', 'src')),
    newestSource(path.join(REPO_ROOT, 'client', 'src')),
    fs.statSync(path.join(REPO_ROOT, 'package.json')).mtimeMs,
    fs.statSync(path.join(REPO_ROOT, 'scripts', 'build.mjs')).mtimeMs,
  );
  if (built < sources) {
    const b = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs')], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`build failed: ${b.stderr}${b.stdout}`);
  }
  return file;
}
