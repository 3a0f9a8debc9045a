// The built CLI (dist/cli.js, as `npm run check` and the npm bin run it) over a generated monorepo, in a child process:
// (a) 2,000 Dockerfiles with lookups off: wall time, files/s, CPU, peak RSS (median of 3 runs);
// (b) 2,000 Dockerfiles using 300 distinct images, all on a real local docker-registry, with lookups on and a fresh
//     --cache-dir (cold), then again with the same cache dir (warm). Registry requests are counted by a loopback
//     reverse proxy in front of the registry (the image references name the proxy's port), so every HTTP request the
//     CLI sends to "the registry" is seen and counted there.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCountingProxy } from '../test/support/countingProxy';
import { startRegistry } from '../test/support/registry';
import { generateWorkspace } from '../test/support/workspaceGen';

const ROOT = path.resolve(__dirname, '..');
// DFT_BENCH_CLI: another build to compare with (e.g. the one before a change).
const CLI = process.env['DFT_BENCH_CLI'] !== undefined ? path.resolve(process.env['DFT_BENCH_CLI']) : path.join(ROOT, 'dist', 'cli.js');
const FILES = 2000;
const IMAGES = 300;
const RUNS = 3;

/** Written into the child with --require: its own CPU time and peak RSS, reported at exit. */
const USAGE_PRELOAD = `process.on('exit', () => { const u = process.resourceUsage(); require('fs').writeFileSync(process.env.DFT_BENCH_USAGE, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssMb: u.maxRSS / 1024 })); });\n`;

interface Run {
  readonly ms: number;
  readonly cpuMs: number;
  readonly maxRssMb: number;
  readonly code: number;
  readonly stdoutBytes: number;
  readonly stderr: string;
}

async function runCli(cwd: string, args: readonly string[], tmp: string): Promise<Run> {
  const preload = path.join(tmp, 'usage-preload.cjs');
  const usage = path.join(tmp, 'usage.json');
  fs.writeFileSync(preload, USAGE_PRELOAD);
  fs.rmSync(usage, { force: true });
  const docker = path.join(tmp, 'docker-config');
  fs.mkdirSync(docker, { recursive: true });
  // No proxy, no credential helpers: the loopback registry answers anonymously.
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '', HOME: tmp, DOCKER_CONFIG: docker, XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'), DFT_BENCH_USAGE: usage };
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--require', preload, CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdoutBytes = 0;
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdoutBytes += d.length));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? -1));
  });
  const ms = performance.now() - t0;
  const u = JSON.parse(fs.readFileSync(usage, 'utf8')) as { cpuMs: number; maxRssMb: number };
  return { ms, ...u, code, stdoutBytes, stderr };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function summary(runs: readonly Run[], files: number): Record<string, number | string> {
  const ms = median(runs.map((r) => r.ms));
  return {
    files,
    runs: runs.length,
    'wall ms (median)': Math.round(ms),
    'files/s': Math.round((files * 1000) / ms),
    'cpu ms (median)': Math.round(median(runs.map((r) => r.cpuMs))),
    'peak rss MB (max)': Math.round(Math.max(...runs.map((r) => r.maxRssMb))),
    'exit code': runs.map((r) => r.code).join(','),
  };
}

async function lookupsOff(tmp: string): Promise<Record<string, number | string>> {
  const root = path.join(tmp, 'monorepo');
  const ws = generateWorkspace(root, FILES, { images: IMAGES });
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await runCli(root, ['check', '--format', 'json', '**/Dockerfile*'], tmp));
  return { ...summary(runs, FILES), 'distinct texts': ws.distinctTexts, 'output KB': Math.round((runs[0]?.stdoutBytes ?? 0) / 1024) };
}

async function lookupsOn(tmp: string): Promise<Record<string, Record<string, number | string>>> {
  const reg = await startRegistry();
  const proxy = await startCountingProxy(reg);
  try {
    const root = path.join(tmp, 'registry-monorepo');
    // The pool's 300 references (100 repositories × 3 tags) all name the proxy in front of the registry.
    const ws = generateWorkspace(root, FILES, { images: IMAGES, registries: [`${proxy.host}/bench/`], syntax: null, pins: false });
    const distinct = new Set([...ws.expected.values()].flatMap((e) => e.images));
    const prefix = `${proxy.host}/`;
    let n = 0;
    for (const ref of distinct) {
      const [repo, tag] = ref.slice(prefix.length).split(':') as [string, string];
      // A third multi-platform (an OCI index, whose platforms are listed with one more request), the rest single manifests.
      await reg.pushImage(repo, tag, { kind: n++ % 3 === 0 ? 'oci-index' : 'schema2', seed: ref });
    }
    const cache = path.join(tmp, 'cli-cache');
    const args = ['check', '--format', 'json', '--network', '--insecure-registry', proxy.host, '--cache-dir', cache, '**/Dockerfile*'];
    const cold: Run[] = [];
    const coldRequests: number[] = [];
    let coldKinds: Record<string, number> = {};
    for (let i = 0; i < RUNS; i++) {
      fs.rmSync(cache, { recursive: true, force: true });
      proxy.reset();
      cold.push(await runCli(root, args, tmp));
      coldRequests.push(proxy.requests().length);
      coldKinds = proxy.kinds();
    }
    // Warm: the cache dir of the last cold run, answers well within the registry TTL (default 3600 s).
    const warm: Run[] = [];
    const warmRequests: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      proxy.reset();
      warm.push(await runCli(root, args, tmp));
      warmRequests.push(proxy.requests().length);
    }
    const failed = [...cold, ...warm].find((r) => r.code === 2);
    if (failed !== undefined) throw new Error(`the CLI failed (exit 2): ${failed.stderr.slice(0, 2000)}`);
    return {
      'registry, cold cache': { ...summary(cold, FILES), 'distinct images': distinct.size, 'registry requests': coldRequests.join(','), 'requests per distinct image': Math.round((median(coldRequests) / distinct.size) * 100) / 100, 'request kinds': JSON.stringify(coldKinds) },
      'registry, warm cache': { ...summary(warm, FILES), 'distinct images': distinct.size, 'registry requests': warmRequests.join(',') },
    };
  } finally {
    await proxy.stop();
    await reg.stop();
  }
}

export async function benchCli(): Promise<Record<string, Record<string, number | string>>> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run node scripts/build.mjs first`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-bench-cli-'));
  try {
    return { 'lookups off': await lookupsOff(tmp), ...(await lookupsOn(tmp)) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && /bench[\\/]cli\.ts$/.test(process.argv[1])) {
  benchCli().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
