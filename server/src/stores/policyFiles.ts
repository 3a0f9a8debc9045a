// The policy file and the key files it names, read from disk for the trust layer (which reads no file itself):
// bounded sizes, paths relative to the policy file, `~/` for the home directory.
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { KeyReader } from '../trust/policy';

/** A policy file or key file bigger than this is a mistake or an attack. */
const MAX_POLICY_BYTES = 1024 * 1024;
const MAX_KEY_BYTES = 64 * 1024;

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? 'error';
}

export function expandPath(p: string, baseDir: string): string {
  if (p === '~' || p.startsWith('~/')) return resolve(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

/** Reads and parses a policy file; an unreadable or malformed one is a clear error, never "no policy". */
export function readPolicyFile(path: string): { path: string; doc: unknown; baseDir: string } | { path: string; error: string } {
  let text: string;
  try {
    if (statSync(path).size > MAX_POLICY_BYTES) return { path, error: `${path}: larger than ${MAX_POLICY_BYTES} bytes` };
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { path, error: `cannot read policy ${path} (${code(e)})` };
  }
  try {
    return { path, doc: JSON.parse(text) as unknown, baseDir: dirname(resolve(path)) };
  } catch (e) {
    return { path, error: `${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
}

/** Reads a public key file named in a policy. */
export const fileKeyReader: KeyReader = (written, baseDir) => {
  const p = expandPath(written, baseDir);
  try {
    if (statSync(p).size > MAX_KEY_BYTES) return { ok: false, reason: `${p} is too large for a public key` };
    return { ok: true, text: readFileSync(p, 'utf8'), origin: p };
  } catch (e) {
    return { ok: false, reason: `cannot read ${p} (${code(e)})` };
  }
};
