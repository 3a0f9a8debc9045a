// `npm run bench`: as-you-type latency, start-up, memory and large-file figures for our server against the anchor, written to docs/benchmarks.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { generateDockerfile } from './gen';
import { LspClient, type ServerSpec } from './lsp';
import { benchInventory } from './inventory';
import { CASES } from './pathological';

const ROOT = path.resolve(__dirname, '..');
const OUR_BUNDLE = path.join(ROOT, 'dist', 'server.js');
const ANCHOR_BIN = path.join(ROOT, 'node_modules', 'dockerfile-language-server-nodejs', 'bin', 'docker-langserver');
const QUICK = process.argv.includes('--quick');

const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-bench-'));
// Network lookups are off: the benchmark measures the as-you-type path and must not touch the internet.
const OURS: ServerSpec = { name: 'dockerfile-trust', command: process.execPath, args: [OUR_BUNDLE, '--stdio', '--storage', storage], configuration: { network: { enabled: false } } };
const ANCHOR: ServerSpec = { name: 'dockerfile-language-server-nodejs', command: process.execPath, args: [ANCHOR_BIN, '--stdio'], configuration: null };
// Floors, driven exactly like the two servers: what a server that does no analysis at all costs.
const FLOOR_RAW: ServerSpec = { name: 'floor: no library', command: process.execPath, args: [path.join(__dirname, 'floor', 'raw.cjs'), '--stdio'], configuration: null };
const FLOOR_LIB: ServerSpec = { name: 'floor: vscode-languageserver', command: process.execPath, args: [path.join(__dirname, 'floor', 'lib.cjs'), '--stdio'], configuration: null };
/**
 * Typing cadence: an edit goes to a server no sooner than this long after its previous edit (a fast typist
 * types a key every ~100 ms). Each keystroke then meets the server idle, as in an editor, and the gap does
 * not depend on how long the other server took.
 */
const CADENCE_MS = 50;

const out: string[] = [];
function say(line = ''): void {
  console.log(line);
  out.push(line);
}

function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
function median(xs: readonly number[]): number {
  return pct([...xs].sort((a, b) => a - b), 50);
}
const ms = (x: number | null): string => (x === null ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const ratio = (anchor: number | null, ours: number | null): string => (anchor === null || ours === null ? '—' : `${(anchor / ours).toFixed(1)}×`);

function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
  say(`| ${header.join(' | ')} |`);
  say(`|${header.map(() => '---').join('|')}|`);
  for (const r of rows) say(`| ${r.join(' | ')} |`);
}

/** Edit positions: a few lines spread over the file (middle of the line), plus the first FROM's tag. */
function editPositions(text: string): { line: number; character: number }[] {
  const lines = text.split('\n');
  const picks: { line: number; character: number }[] = [];
  const from = lines.findIndex((l) => l.startsWith('FROM '));
  if (from >= 0) picks.push({ line: from, character: (lines[from] as string).indexOf(':') + 2 });
  for (const f of [0.1, 0.3, 0.5, 0.7, 0.9]) {
    let l = Math.floor(lines.length * f);
    while (l < lines.length - 1 && (lines[l] as string).trim().length < 8) l++;
    picks.push({ line: l, character: Math.floor((lines[l] as string).length / 2) });
  }
  return picks;
}

/** Diagnostics per publish on each benchmark file: [ours, anchor] (the payload sent on every change). */
const diagnosticCounts = new Map<number, number[]>();

interface Latency {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly n: number;
  readonly timeouts: number;
}
function summarize(samples: readonly (number | null)[]): Latency {
  const ok = samples.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return { p50: pct(ok, 50), p95: pct(ok, 95), p99: pct(ok, 99), n: ok.length, timeouts: samples.length - ok.length };
}

/**
 * Both servers get the same single-character edits (type a character, delete it again) at the same
 * positions, one edit at a time, alternating between the servers so both see the same machine load.
 */
async function latency(lines: number, edits: number, warmup: number, clients: readonly LspClient[], kind: 'char' | 'newline' = 'char', cadenceMs = CADENCE_MS): Promise<Latency[]> {
  const text = generateDockerfile(lines);
  const uri = `file:///bench/${lines}/${kind}/Dockerfile`;
  const counts: number[] = [];
  for (const c of clients) counts.push((await c.open(uri, text, 120000)).count);
  if (clients.length > 1 && kind === 'char' && cadenceMs > 0) diagnosticCounts.set(lines, counts);
  const positions = editPositions(text);
  const samples: (number | null)[][] = clients.map(() => []);
  let version = 1;
  const lastSent = clients.map(() => 0);
  for (let k = 0; k < warmup + edits; k++) {
    const pos = positions[Math.floor(k / 2) % positions.length] as { line: number; character: number };
    // 'newline' types Enter and deletes it again: every later line moves.
    const change =
      k % 2 === 0
        ? { range: { start: pos, end: pos }, text: kind === 'char' ? 'x' : '\n' }
        : { range: { start: pos, end: kind === 'char' ? { line: pos.line, character: pos.character + 1 } : { line: pos.line + 1, character: 0 } }, text: '' };
    version++;
    for (const [i, c] of clients.entries()) {
      const wait = (lastSent[i] as number) + cadenceMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      lastSent[i] = performance.now();
      const t = await c.change(uri, version, [change], 60000);
      if (k >= warmup) (samples[i] as (number | null)[]).push(t);
    }
  }
  return samples.map(summarize);
}

/** Starts fresh servers, runs `body` with them, and stops them whatever happens. */
async function withServers<T>(specs: readonly ServerSpec[], body: (servers: LspClient[]) => Promise<T>): Promise<T> {
  const servers: LspClient[] = [];
  try {
    for (const spec of specs) servers.push(await LspClient.start(spec));
    return await body(servers);
  } finally {
    for (const c of servers) await c.stop();
  }
}

function cpuModel(): string {
  try {
    const m = /model name\s*:\s*(.+)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    return m?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

/** One pathological timing in a child process (so a runaway analysis is stopped at `limitMs`). */
function pathologicalRun(key: string, n: number, limitMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'pathological.ts'), key, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let outText = '';
    child.stdout.on('data', (d: Buffer) => (outText += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const v = Number(outText.trim());
      resolve(code === 0 && Number.isFinite(v) ? v : null);
    });
  });
}

/** Pathological RUN inputs at 1×/2×/4× size: the full analyze() (all rules present at run time). */
async function pathological(limitMs: number): Promise<void> {
  const rows: string[][] = [];
  for (const [key, c] of Object.entries(CASES)) {
    const times: (number | null)[] = [];
    for (const mult of [1, 2, 4]) {
      // A size that already ran out of time is not tried bigger.
      times.push(times.length > 0 && times[times.length - 1] === null ? null : await pathologicalRun(key, c.base * mult, limitMs));
    }
    const [t1, t2, t4] = times as [number | null, number | null, number | null];
    const show = (t: number | null): string => (t === null ? `> ${limitMs / 1000} s` : ms(t));
    const growth = t1 !== null && t2 !== null ? `${(t2 / t1).toFixed(2)}${t4 !== null ? ` / ${(t4 / t1).toFixed(2)}` : ' / —'}` : '—';
    rows.push([c.label, String(c.base), show(t1), show(t2), show(t4), growth]);
  }
  table(['input', '1× size', '1× ms', '2× ms', '4× ms', 'growth 2× / 4× (linear = 2 / 4)'], rows);
}

async function registryHook(): Promise<void> {
  // The registry benchmark lives in bench/registry.ts (real local docker-registry); it is optional here.
  const file = path.join(__dirname, 'registry.ts');
  if (!fs.existsSync(file)) {
    say('REGISTRY BENCH HOOK: bench/registry.ts not present — no registry figures in this run.');
    return;
  }
  try {
    const mod = (await import('./registry')) as unknown as { benchRegistry?: () => Promise<Record<string, Record<string, number>>> };
    if (typeof mod.benchRegistry !== 'function') {
      say('REGISTRY BENCH HOOK: bench/registry.ts has no benchRegistry() export.');
      return;
    }
    const r = await mod.benchRegistry();
    const rows = Object.entries(r).map(([k, v]) => [k, Object.entries(v).map(([kk, vv]) => `${kk}=${typeof vv === 'number' && !Number.isInteger(vv) ? vv.toFixed(2) : String(vv)}`).join(', ')]);
    table(['registry lookup (local docker-registry)', 'figures (ms, HTTP requests, …)'], rows);
  } catch (err) {
    say(`REGISTRY BENCH FAILED: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function inventorySection(): Promise<void> {
  say(
    'Generated workspaces (test/support/workspaceGen.ts: nested service folders, about 300 distinct image references, 10 % of the files copies of another, multi-stage builds, unresolved ARGs), loaded by the extension\'s own loader (client/src/inventoryLoader.ts) against the bundled server over stdio: time until every file\'s uses and every image\'s state are in, CPU of the server process (/proc) and of the loader, server RSS after. "Again" is a second load with nothing changed. "No network": every registry refused by a loopback proxy, and every image asked about once.',
  );
  say();
  try {
    const runs = await benchInventory(QUICK ? [200] : [200, 2000]);
    table(
      ['files', 'mode', 'full inventory', 'server CPU', 'loader CPU', 'server RSS', 'images / references / uses', 'read / analysed (distinct texts)', 'again: time, read, analysed', 'connection attempts'],
      runs.map((r) => [
        r.files.toLocaleString('en-US'),
        r.mode,
        `${ms(r.ms)} ms`,
        `${ms(r.serverCpuMs)} ms`,
        `${ms(r.clientCpuMs)} ms`,
        `${r.serverRssMb.toFixed(1)} MB`,
        `${r.images} / ${r.references} / ${r.uses.toLocaleString('en-US')}`,
        `${r.reads} / ${r.analysed} (${r.distinctTexts})`,
        `${ms(r.warmMs)} ms, ${r.warmReads}, ${r.warmAnalysed}`,
        r.attempts === null ? '—' : String(r.attempts),
      ]),
    );
    const off = (n: number) => runs.find((r) => r.files === n && r.mode === 'lookups off');
    const a = off(200);
    const b = off(2000);
    if (a !== undefined && b !== undefined) {
      say();
      say(`Growth, lookups off: 2,000 / 200 files = ${(b.ms / a.ms).toFixed(1)}× the time and ${(b.serverCpuMs / a.serverCpuMs).toFixed(1)}× the server CPU for 10× the files (linear = 10×).`);
    }
  } catch (err) {
    say(`INVENTORY BENCH FAILED: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(OUR_BUNDLE)) throw new Error(`${OUR_BUNDLE} missing: run node scripts/build.mjs first`);
  if (!fs.existsSync(ANCHOR_BIN)) throw new Error(`${ANCHOR_BIN} missing: the anchor is a devDependency (npm ci)`);
  const load0 = os.loadavg();
  say(`# Benchmarks`);
  say();
  say(`Generated by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString()}.`);
  say();
  say(`- Machine: ${os.cpus().length} CPUs (nproc), ${cpuModel()}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}`);
  say(`- Node ${process.version}; our server: dist/server.js (${(fs.statSync(OUR_BUNDLE).size / 1024).toFixed(0)} KiB bundle); anchor: dockerfile-language-server-nodejs ${JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'dockerfile-language-server-nodejs', 'package.json'), 'utf8')).version}`);
  say(`- Load average at start: ${load0.map((x) => x.toFixed(2)).join(' ')} (the machine is shared; both servers run in the same conditions, edits alternate between them)`);
  say();

  // Start-up: spawn → initialize result, fresh processes, alternating.
  const starts: Record<string, number[]> = { ours: [], anchor: [] };
  for (let i = 0; i < (QUICK ? 3 : 7); i++) {
    for (const [key, spec] of [['ours', OURS], ['anchor', ANCHOR]] as const) {
      const c = await LspClient.start(spec);
      (starts[key] as number[]).push(c.startMs);
      await c.stop();
    }
  }
  const startOurs = median(starts['ours'] as number[]);
  const startAnchor = median(starts['anchor'] as number[]);

  // As-you-type latency.
  const sizes: { lines: number; edits: number; warmup: number }[] = QUICK
    ? [
        { lines: 40, edits: 60, warmup: 10 },
        { lines: 300, edits: 60, warmup: 10 },
        { lines: 5000, edits: 40, warmup: 10 },
      ]
    : [
        { lines: 40, edits: 300, warmup: 30 },
        { lines: 300, edits: 300, warmup: 30 },
        { lines: 5000, edits: 200, warmup: 10 },
      ];
  const lat: { lines: number; ours: Latency; anchor: Latency; floorRaw: Latency; floorLib: Latency }[] = [];
  let rssOurs = NaN;
  let rssAnchor = NaN;
  let rssOursLong = NaN;
  let longEdits = 0;
  for (const s of sizes) {
    await withServers([OURS, ANCHOR, FLOOR_RAW, FLOOR_LIB], async (servers) => {
      const [ours, anchor] = servers as [LspClient, LspClient];
      const [o, a, fr, fl] = (await latency(s.lines, s.edits, s.warmup, servers)) as [Latency, Latency, Latency, Latency];
      lat.push({ lines: s.lines, ours: o, anchor: a, floorRaw: fr, floorLib: fl });
      console.error(`  ${s.lines} lines: ours p50 ${ms(o.p50)} ms, anchor p50 ${ms(a.p50)} ms`);
      if (s.lines === 5000) {
        rssOurs = ours.rssMb();
        rssAnchor = anchor.rssMb();
        // Keep typing on ours only: memory must not grow per keystroke.
        longEdits = QUICK ? 200 : 1000;
        await latency(s.lines, longEdits, 0, [ours], 'char', 0);
        rssOursLong = ours.rssMb();
      }
    });
  }

  // The same edits sent back to back (the next one as soon as the previous publish arrived): the servers'
  // caches stay warm, except that a slow turn of the other server cools them.
  const backToBack: { lines: number; ours: Latency; anchor: Latency }[] = [];
  for (const lines of [40, 300, 5000]) {
    await withServers([OURS, ANCHOR], async (servers) => {
      const [o, a] = (await latency(lines, QUICK ? 40 : lines === 5000 ? 100 : 200, 10, servers, 'char', 0)) as [Latency, Latency];
      backToBack.push({ lines, ours: o, anchor: a });
    });
  }

  // Line-count-changing edits (Enter, then deleting the line break) on the 5,000-line file, fresh servers.
  const newline = await withServers([OURS, ANCHOR], async (servers) => {
    const [o, a] = (await latency(5000, QUICK ? 10 : 60, 4, servers, 'newline')) as [Latency, Latency];
    return { ours: o, anchor: a };
  });

  // Opening large files: didOpen → first diagnostics, fresh servers.
  const openTimes: Record<string, { ours: number | null; anchor: number | null; oursCount: number }> = {};
  for (const lines of [5000, 50000]) {
    const text = generateDockerfile(lines);
    const o = await LspClient.start(OURS);
    const ro = await o.open(`file:///bench/open${lines}/Dockerfile`, text, 60000);
    await o.stop();
    const a = await LspClient.start(ANCHOR);
    const ra = await a.open(`file:///bench/open${lines}/Dockerfile`, text, 60000);
    await a.stop();
    openTimes[lines] = { ours: ro.ms, anchor: ra.ms, oursCount: ro.count };
  }

  say('## As-you-type: didChange → publishDiagnostics over stdio (ms)');
  say();
  say(`Single-character edits (type one character, delete it) at 6 positions: the first FROM tag and lines at 10/30/50/70/90 % of the file, at a typing cadence: each server gets an edit no sooner than ${CADENCE_MS} ms after its previous one.`);
  say();
  const rows: string[][] = [];
  for (const l of lat) {
    rows.push([
      `${l.lines} lines`,
      `${ms(l.ours.p50)} / ${ms(l.ours.p95)} / ${ms(l.ours.p99)}`,
      `${ms(l.anchor.p50)} / ${ms(l.anchor.p95)} / ${ms(l.anchor.p99)}`,
      ratio(l.anchor.p50, l.ours.p50),
      ratio(l.anchor.p99, l.ours.p99),
      `${l.ours.n}${l.ours.timeouts + l.anchor.timeouts > 0 ? ` (timeouts: ours ${l.ours.timeouts}, anchor ${l.anchor.timeouts})` : ''}`,
      (diagnosticCounts.get(l.lines) ?? []).slice(0, 2).join(' / '),
    ]);
  }
  table(['file', 'ours p50 / p95 / p99', 'anchor p50 / p95 / p99', 'p50 ratio', 'p99 ratio', 'edits', 'diagnostics ours / anchor'], rows);
  say();
  say('The floor: two servers that do no analysis, driven in the same loop (same edits, same cadence, same machine load). "No library" frames JSON-RPC by hand and writes synchronously; "vscode-languageserver" is the library both real servers are built on, with incremental text sync and an empty diagnostics list.');
  say();
  table(
    ['file', 'floor, no library: p50 / p95 / p99', 'floor, vscode-languageserver: p50 / p95 / p99', 'anchor p50 / 10 (what 10× needs)', 'anchor p99 / 10'],
    lat.map((l) => [
      `${l.lines} lines`,
      `${ms(l.floorRaw.p50)} / ${ms(l.floorRaw.p95)} / ${ms(l.floorRaw.p99)}`,
      `${ms(l.floorLib.p50)} / ${ms(l.floorLib.p95)} / ${ms(l.floorLib.p99)}`,
      ms(l.anchor.p50 / 10),
      ms(l.anchor.p99 / 10),
    ]),
  );
  say();
  say('The same single-character edits sent back to back (each as soon as the previous publish arrived, alternating between the servers):');
  say();
  table(
    ['file', 'ours p50 / p95 / p99', 'anchor p50 / p95 / p99', 'p50 ratio', 'p99 ratio', 'edits'],
    backToBack.map((l) => [`${l.lines} lines`, `${ms(l.ours.p50)} / ${ms(l.ours.p95)} / ${ms(l.ours.p99)}`, `${ms(l.anchor.p50)} / ${ms(l.anchor.p95)} / ${ms(l.anchor.p99)}`, ratio(l.anchor.p50, l.ours.p50), ratio(l.anchor.p99, l.ours.p99), String(l.ours.n)]),
  );
  const b40 = backToBack.find((l) => l.lines === 40);
  const b5k = backToBack.find((l) => l.lines === 5000);
  if (b40 && b5k) {
    say();
    say(`Back to back, our 5,000-line p50 / 40-line p50 = ${(b5k.ours.p50 / b40.ours.p50).toFixed(2)}.`);
  }
  say();
  say('Edits that change the line count (type Enter, delete the line break) on the 5,000-line file, same positions and cadence:');
  say();
  table(
    ['file', 'ours p50 / p95 / p99', 'anchor p50 / p95 / p99', 'p50 ratio', 'p99 ratio', 'edits'],
    [['5000 lines, Enter / Backspace', `${ms(newline.ours.p50)} / ${ms(newline.ours.p95)} / ${ms(newline.ours.p99)}`, `${ms(newline.anchor.p50)} / ${ms(newline.anchor.p95)} / ${ms(newline.anchor.p99)}`, ratio(newline.anchor.p50, newline.ours.p50), ratio(newline.anchor.p99, newline.ours.p99), String(newline.ours.n)]],
  );

  const l40 = lat.find((l) => l.lines === 40);
  const l5k = lat.find((l) => l.lines === 5000);
  say();
  if (l40 && l5k) say(`Flatness: our 5,000-line p50 / 40-line p50 = ${(l5k.ours.p50 / l40.ours.p50).toFixed(2)} (target ≤ 2).`);
  say();
  say('## Start-up and memory');
  say();
  table(
    ['measure', 'ours', 'anchor', 'ratio'],
    [
      [`server start, spawn → initialize result (median of ${(starts['ours'] as number[]).length})`, `${ms(startOurs)} ms`, `${ms(startAnchor)} ms`, ratio(startAnchor, startOurs)],
      ['RSS after 200 edits on the 5,000-line file', `${rssOurs.toFixed(1)} MB`, `${rssAnchor.toFixed(1)} MB`, `${(rssAnchor / rssOurs).toFixed(1)}×`],
      [`RSS after ${longEdits} more edits (ours only: no per-keystroke growth)`, `${rssOursLong.toFixed(1)} MB`, '', ''],
    ],
  );
  say();
  say('## Opening a large file: didOpen → first diagnostics (ms)');
  say();
  const o5 = openTimes[5000];
  const o50 = openTimes[50000];
  table(
    ['file', 'ours', 'anchor (60 s limit)', 'ratio'],
    [5000, 50000].map((n) => {
      const t = openTimes[n];
      return [`${n} lines`, `${ms(t?.ours ?? null)} (${t?.oursCount ?? 0} diagnostics)`, t?.anchor === null ? '> 60 s' : ms(t?.anchor ?? null), ratio(t?.anchor ?? null, t?.ours ?? null)];
    }),
  );
  say();
  if (o5?.ours && o50?.ours) say(`Growth: ours 50,000 / 5,000 lines = ${(o50.ours / o5.ours).toFixed(1)}× for 10× the text (linear = 10×).`);
  if (o5?.anchor && o50?.anchor) say(`Anchor 50,000 / 5,000 lines = ${(o50.anchor / o5.anchor).toFixed(1)}×.`);
  say();
  say('## Pathological RUN instructions: full analyze() of the file, one process per size (ms)');
  say();
  await pathological(QUICK ? 10000 : 30000);
  say();
  say('## Registry lookups');
  say();
  await registryHook();
  say();
  say('## Image Inventory at monorepo scale');
  say();
  await inventorySection();
  say();
  say('## Targets of issue 7 in this run');
  say();
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  const trows: string[][] = [];
  for (const n of [300, 5000]) {
    const l = lat.find((x) => x.lines === n);
    if (l === undefined) continue;
    trows.push([`${n} lines: p50 ≥ 10× faster than the anchor`, `${(l.anchor.p50 / l.ours.p50).toFixed(1)}×`, verdict(l.anchor.p50 / l.ours.p50 >= 10)]);
    trows.push([`${n} lines: p99 ≥ 10× faster than the anchor`, `${(l.anchor.p99 / l.ours.p99).toFixed(1)}×`, verdict(l.anchor.p99 / l.ours.p99 >= 10)]);
    for (const [label, f] of [['no-library floor', l.floorRaw], ['vscode-languageserver floor', l.floorLib]] as const) {
      const p50 = l.anchor.p50 / f.p50;
      const p99 = l.anchor.p99 / f.p99;
      trows.push([
        `${n} lines: the same ratios for a server that does nothing (${label})`,
        `p50 ${p50.toFixed(1)}×, p99 ${p99.toFixed(1)}×`,
        p50 >= 10 && p99 >= 10 ? 'reachable' : `below this floor at ${[p50 < 10 ? 'p50' : '', p99 < 10 ? 'p99' : ''].filter((x) => x !== '').join(' and ')}`,
      ]);
    }
  }
  if (l40 && l5k) trows.push(['our 5,000-line p50 within 2× of our 40-line p50', `${(l5k.ours.p50 / l40.ours.p50).toFixed(2)}×`, verdict(l5k.ours.p50 / l40.ours.p50 <= 2)]);
  trows.push(['server start below the anchor', `${ms(startOurs)} vs ${ms(startAnchor)} ms`, verdict(startOurs < startAnchor)]);
  trows.push(['RSS after 200 edits (5,000 lines) below the anchor', `${rssOurs.toFixed(1)} vs ${rssAnchor.toFixed(1)} MB`, verdict(rssOurs < rssAnchor)]);
  if (o5?.ours && o50?.ours) trows.push(['opening 50,000 lines grows at most linearly from 5,000', `${(o50.ours / o5.ours).toFixed(1)}× for 10×`, verdict(o50.ours / o5.ours <= 10)]);
  table(['target', 'measured', 'verdict'], trows);
  say();
  say(`Load average at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  if (!QUICK) {
    const target = path.join(ROOT, 'docs', 'benchmarks.md');
    fs.writeFileSync(target, out.join('\n') + '\n' + fs.readFileSync(path.join(__dirname, 'notes.md'), 'utf8'));
    console.error(`written: ${path.relative(ROOT, target)}`);
  }
}

main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : String(err));
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(storage, { recursive: true, force: true }));
