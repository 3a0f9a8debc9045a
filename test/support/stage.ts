// A copy of the working tree as git would commit it (tracked and new files, minus ignored ones), for tests that
// package or install the project without touching the clone itself.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';

/** Copies the working tree's files into `dest`; node_modules is linked (the build needs it, the package must not). */
export function snapshotWorkingTree(dest: string, opts: { linkNodeModules?: boolean } = {}): string[] {
  const ls = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (ls.status !== 0) throw new Error(`git ls-files failed (a git checkout is needed): ${ls.stderr}`);
  const files = ls.stdout.split('\0').filter((f) => f !== '' && fs.existsSync(path.join(REPO_ROOT, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, f), path.join(dest, f));
  }
  if (opts.linkNodeModules !== false) fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dest, 'node_modules'));
  return files;
}

export function run(cmd: string, args: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, [...args], { cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8', timeout: opts.timeout ?? 300_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
