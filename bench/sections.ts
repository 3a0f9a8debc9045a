// The sections of `npm run bench` beside the as-you-type loop: pathological inputs, registry lookups, the CLI (when
// bench/cli.ts exists), the Image Inventory at scale.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { benchInventory } from './inventory';
import { CASES } from './pathological';
import type { Doc } from './report';
import { ms } from './verdict';

export function cpuModel(): string {
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
export async function pathological(d: Doc, limitMs: number): Promise<void> {
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
  d.table(['input', '1× size', '1× ms', '2× ms', '4× ms', 'growth 2× / 4× (linear = 2 / 4)'], rows);
}

export async function registryHook(d: Doc): Promise<void> {
  // The registry benchmark lives in bench/registry.ts (real local docker-registry); it is optional here.
  const file = path.join(__dirname, 'registry.ts');
  if (!fs.existsSync(file)) {
    d.say('REGISTRY BENCH HOOK: bench/registry.ts not present — no registry figures in this run.');
    return;
  }
  try {
    const mod = (await import('./registry')) as unknown as { benchRegistry?: () => Promise<Record<string, Record<string, number>>> };
    if (typeof mod.benchRegistry !== 'function') {
      d.say('REGISTRY BENCH HOOK: bench/registry.ts has no benchRegistry() export.');
      return;
    }
    const r = await mod.benchRegistry();
    const rows = Object.entries(r).map(([k, v]) => [k, Object.entries(v).map(([kk, vv]) => `${kk}=${typeof vv === 'number' && !Number.isInteger(vv) ? vv.toFixed(2) : String(vv)}`).join(', ')]);
    d.table(['registry lookup (local docker-registry)', 'figures (ms, HTTP requests, …)'], rows);
  } catch (err) {
    d.say(`REGISTRY BENCH FAILED: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function inventorySection(d: Doc, quick: boolean): Promise<void> {
  d.say(
    'Generated workspaces (test/support/workspaceGen.ts: nested service folders, about 300 distinct image references, 10 % of the files copies of another, multi-stage builds, unresolved ARGs), loaded by the extension\'s own loader (client/src/inventoryLoader.ts) against the bundled server over stdio: time until every file\'s uses and every image\'s state are in, CPU of the server process (/proc) and of the loader, server RSS after. "Again" is a second load with nothing changed. "No network": every registry refused by a loopback proxy, and every image asked about once.',
  );
  d.say();
  try {
    const runs = await benchInventory(quick ? [200] : [200, 2000]);
    d.table(
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
      d.say();
      d.say(`Growth, lookups off: 2,000 / 200 files = ${(b.ms / a.ms).toFixed(1)}× the time and ${(b.serverCpuMs / a.serverCpuMs).toFixed(1)}× the server CPU for 10× the files (linear = 10×).`);
    }
  } catch (err) {
    d.say(`INVENTORY BENCH FAILED: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A figure as a cell: numbers rounded, anything else as JSON. */
function cell(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : ms(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? '';
}

/** Rows of whatever benchCli() returns: a list of records (one row each), a record of records, or one record. */
function cliRows(r: unknown): { header: string[]; rows: string[][] } {
  const isRecord = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  const list: [string, Record<string, unknown>][] = Array.isArray(r)
    ? r.map((x, i) => [String(i + 1), isRecord(x) ? x : { value: x }])
    : isRecord(r) && Object.values(r).every(isRecord)
      ? Object.entries(r as Record<string, Record<string, unknown>>)
      : [['result', isRecord(r) ? r : { value: r }]];
  const keys = [...new Set(list.flatMap(([, v]) => Object.keys(v)))];
  return { header: ['', ...keys], rows: list.map(([k, v]) => [k, ...keys.map((key) => (key in v ? cell(v[key]) : ''))]) };
}

/** The CLI benchmark lives in bench/cli.ts (another part of the work); it is optional here and rendered generically. */
export async function cliHook(d: Doc): Promise<void> {
  const file = path.join(__dirname, 'cli.ts');
  if (!fs.existsSync(file)) {
    d.say('CLI BENCH HOOK: bench/cli.ts not present — no CLI figures in this run.');
    return;
  }
  try {
    const mod = (await import(pathToFileURL(file).href)) as { benchCli?: () => Promise<unknown> };
    if (typeof mod.benchCli !== 'function') {
      d.say('CLI BENCH HOOK: bench/cli.ts has no benchCli() export.');
      return;
    }
    const { header, rows } = cliRows(await mod.benchCli());
    d.table(header, rows);
  } catch (err) {
    d.say(`CLI BENCH FAILED: ${err instanceof Error ? err.message : String(err)}`);
  }
}
