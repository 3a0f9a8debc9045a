// Runs `dockerfile-trust conformance notation-verify` from the shipped bundle (dist/cli.js) and builds the files a
// row needs (trust policies, trust store directories) in a temporary folder.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './paths';

/** The notation-go vectors beside the repository (DFT_NOTATION_VECTORS points at another copy). */
export const NOTATION_VECTORS = process.env['DFT_NOTATION_VECTORS'] ?? resolve(REPO_ROOT, '..', 'shared', 'conformance', 'notation', 'notation-go');
export const CLI = join(REPO_ROOT, 'dist', 'cli.js');

/** Builds dist/cli.js when it is missing (the suites that use it run after `npm run build` in CI). */
export function ensureCli(): void {
  if (existsSync(CLI)) return;
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('could not build dist/cli.js');
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[]): Promise<CliRun> {
  return new Promise((done, fail) => {
    // No proxy and no network variables: the subcommand is offline by design.
    const child = spawn(process.execPath, [CLI, 'conformance', 'notation-verify', ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', NO_PROXY: '*' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

export async function pool<T, R>(items: readonly T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

export interface PolicyStatement {
  readonly name: string;
  readonly registryScopes: readonly string[];
  readonly signatureVerification: { readonly level: string; readonly override?: Record<string, string>; readonly verifyTimestamp?: string };
  readonly trustStores?: readonly string[];
  readonly trustedIdentities?: readonly string[];
}

/** A scratch folder for one suite; files are written only here. */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'dft-notation-'));
  private n = 0;

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  file(name: string, content: string | Uint8Array): string {
    const p = join(this.dir, `${this.n++}-${name}`);
    writeFileSync(p, content);
    return p;
  }

  policy(...statements: PolicyStatement[]): string {
    return this.file('trustpolicy.json', JSON.stringify({ version: '1.0', trustPolicies: statements }));
  }

  /** A truststore directory: `stores` maps `type/name` to PEM texts; `copy` maps `type/name` to an existing store directory. */
  trustStore(stores: Record<string, readonly string[]>, copy: Record<string, string> = {}): string {
    const root = join(this.dir, `${this.n++}-truststore`);
    for (const [key, pems] of Object.entries(stores)) {
      const d = join(root, 'x509', key);
      mkdirSync(d, { recursive: true });
      pems.forEach((pem, i) => writeFileSync(join(d, `cert${i}.pem`), pem));
    }
    for (const [key, from] of Object.entries(copy)) cpSync(from, join(root, 'x509', key), { recursive: true });
    return root;
  }
}
