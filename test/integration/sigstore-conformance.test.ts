// Runs every Sigstore conformance verification case through `dockerfile-trust conformance verify-bundle`, offline; prints pass/fail per case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runConformance } from '../../server/src/cli/conformance';
import { REPO_ROOT } from '../support/paths';
import { sharedData } from '../support/shared';
import { freshBundle } from '../support/build';

const ROOT = REPO_ROOT;
// The shared conformance assets live beside the repository, like the corpus.
const vectors = sharedData(join('conformance', 'sigstore', 'assets', 'bundle-verify'), 'the Sigstore conformance suite');
const CASES = vectors.dir;
// The product's own CLI as shipped (`dockerfile-trust conformance verify-bundle …`): the bundled dist/cli.js,
// which also starts ~10x faster than running the sources through tsx (70 processes).
const ENTRY = freshBundle('cli.js');
const DEFAULT_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runEntry(args: readonly string[]): Promise<Run> {
  return new Promise((done, fail) => {
    // No proxy and no network variables: the entry must not need any; a stray fetch would fail loudly offline anyway.
    const child = spawn(process.execPath, [ENTRY, 'conformance', ...args], {
      cwd: ROOT,
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

function caseArgs(dir: string): string[] {
  const d = join(CASES, dir);
  const opt = (f: string): string | undefined => (existsSync(join(d, f)) ? readFileSync(join(d, f), 'utf8').trim() : undefined);
  const args = ['verify-bundle', '--bundle', join(d, 'bundle.sigstore.json')];
  if (existsSync(join(d, 'key.pub'))) args.push('--key', join(d, 'key.pub'));
  else args.push('--certificate-identity', opt('identity') ?? DEFAULT_IDENTITY, '--certificate-oidc-issuer', opt('issuer') ?? DEFAULT_ISSUER);
  if (existsSync(join(d, 'trusted_root.json'))) args.push('--trusted-root', join(d, 'trusted_root.json'));
  args.push(existsSync(join(d, 'artifact')) ? join(d, 'artifact') : join(CASES, 'a.txt'));
  return args;
}

async function pool<T, R>(items: readonly T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
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

test('Sigstore conformance: every bundle-verify case gives its expected outcome', { timeout: 600_000, skip: vectors.skip }, async () => {
  assert.ok(existsSync(CASES), `conformance cases not found at ${CASES}`);
  const cases = readdirSync(CASES)
    .filter((c) => statSync(join(CASES, c)).isDirectory())
    .sort();
  assert.ok(cases.length >= 70, `expected the full suite (70 cases), found ${cases.length}`);
  const results = await pool(cases, 2, async (c) => {
    const r = await runEntry(caseArgs(c));
    const mustFail = c.endsWith('_fail');
    const ok = r.code !== null && (mustFail ? r.code === 1 : r.code === 0);
    return { c, ok, r, mustFail };
  });
  for (const { c, ok, r, mustFail } of results) {
    const why = (r.code === 0 ? r.stdout : r.stderr).trim().split('\n')[0] ?? '';
    console.log(`${ok ? 'PASS' : 'FAIL'} ${c} (expected ${mustFail ? 'reject' : 'verify'}, exit ${r.code}) ${why}`);
  }
  const passed = results.filter((x) => x.ok).length;
  console.log(`conformance: ${passed}/${results.length} cases gave the expected outcome`);
  assert.deepEqual(
    results.filter((x) => !x.ok).map((x) => x.c),
    [],
  );
});

test('Sigstore conformance, digest form: every case again with the artifact given as sha256:<hex> (in-process)', { timeout: 300_000, skip: vectors.skip }, async () => {
  const cases = readdirSync(CASES)
    .filter((c) => statSync(join(CASES, c)).isDirectory())
    .sort();
  const bad: string[] = [];
  const realWrite = process.stderr.write.bind(process.stderr);
  const realOut = process.stdout.write.bind(process.stdout);
  for (const c of cases) {
    const args = caseArgs(c);
    const file = args[args.length - 1] as string;
    args[args.length - 1] = `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
    let err = '';
    // The entry writes its verdict to the process streams; keep them out of the TAP output and keep the reason.
    process.stderr.write = ((chunk: string | Uint8Array) => ((err += String(chunk)), true)) as typeof process.stderr.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    let code: number;
    try {
      code = await runConformance(args);
    } finally {
      process.stderr.write = realWrite;
      process.stdout.write = realOut;
    }
    const ok = c.endsWith('_fail') ? code === 1 : code === 0;
    console.log(`${ok ? 'PASS' : 'FAIL'} digest ${c} (exit ${code}) ${err.trim().split('\n')[0] ?? ''}`);
    if (!ok) bad.push(c);
  }
  console.log(`conformance (digest form): ${cases.length - bad.length}/${cases.length}`);
  assert.deepEqual(bad, []);
});

test('conformance entry: a DSSE case verifies against the artifact digest instead of the file', { skip: vectors.skip }, async () => {
  const hex = createHash('sha256').update(readFileSync(join(CASES, 'a.txt'))).digest('hex');
  const args = caseArgs('happy-path-intoto-in-dsse-v3');
  args[args.length - 1] = `sha256:${hex}`;
  const ok = await runEntry(args);
  assert.equal(ok.code, 0, ok.stderr);
  args[args.length - 1] = `sha256:${'0'.repeat(64)}`;
  const bad = await runEntry(args);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /does not name the artifact/);
});

test('conformance entry: the right bundle with the wrong identity, issuer or key is rejected', { skip: vectors.skip }, async () => {
  const base = caseArgs('happy-path-v0.3');
  const wrongId = base.map((a) => (a === DEFAULT_IDENTITY ? `${DEFAULT_IDENTITY}x` : a));
  const r1 = await runEntry(wrongId);
  assert.equal(r1.code, 1);
  assert.match(r1.stderr, /certificate identity/);
  // A prefix of the real identity must not match: identities are exact, not substring or unanchored regexp.
  const prefix = base.map((a) => (a === DEFAULT_IDENTITY ? 'https://github.com/sigstore-conformance/' : a));
  assert.equal((await runEntry(prefix)).code, 1);
  const wrongIssuer = base.map((a) => (a === DEFAULT_ISSUER ? 'https://accounts.google.com' : a));
  const r2 = await runEntry(wrongIssuer);
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /issuer/);
  const usage = await runEntry(['verify-bundle', '--bundle', join(CASES, 'happy-path-v0.3/bundle.sigstore.json')]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /usage:/);
});
