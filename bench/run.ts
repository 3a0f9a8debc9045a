// `npm run bench`: as-you-type latency per edit kind with lookups on against a local registry, start-up, memory,
// large files, transports, against the anchor and two do-nothing floors; appended to docs/benchmarks.md as a dated run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EDIT_KINDS, KIND_LABEL, type EditKind } from './edits';
import { generateDockerfile } from './gen';
import { benchHostile } from './hostile';
import { startLocalRegistry, type LocalRegistry } from './localRegistry';
import { LspClient, type ServerSpec } from './lsp';
import { Doc, writeBenchmarks } from './report';
import { cliHook, cpuModel, inventorySection, pathological, registryHook } from './sections';
import { ANCHOR, ANCHOR_BIN, FLOOR_LIB, FLOOR_LIB_IPC, FLOOR_RAW, OTHER, OUR_BUNDLE, ours, removeStorages, ROOT, SHIPPED } from './servers';
import { pct, typing, type Latency, type TypingRun } from './typing';
import { floorRows, ms, S, verdictRows, type RunFigures } from './verdict';

const QUICK = process.argv.includes('--quick');
/**
 * Typing cadence: an edit goes to a server no sooner than this long after its previous edit (a fast typist types a
 * key every ~100 ms). Each keystroke then meets the server idle, as in an editor.
 */
const CADENCE_MS = 50;
/** Quiet time that counts as settled (longer than the server's 1.5 s wait before looking up a new reference). */
const QUIET_MS = 2000;

const median = (xs: readonly number[]): number => pct([...xs].sort((a, b) => a - b), 50);
const ratio = (anchor: number | null, o: number | null): string => (anchor === null || o === null ? '—' : `${(anchor / o).toFixed(1)}×`);
const three = (l: Latency): string => `${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)}`;

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

interface Plan {
  readonly lines: number;
  readonly kinds: readonly EditKind[];
  readonly edits: number;
  readonly warmup: number;
}

function plans(): Plan[] {
  return QUICK
    ? [
        { lines: 40, kinds: ['char'], edits: 30, warmup: 6 },
        { lines: 300, kinds: EDIT_KINDS, edits: 30, warmup: 6 },
        { lines: 5000, kinds: EDIT_KINDS, edits: 20, warmup: 4 },
      ]
    : [
        { lines: 40, kinds: ['char'], edits: 300, warmup: 30 },
        { lines: 300, kinds: EDIT_KINDS, edits: 200, warmup: 20 },
        { lines: 5000, kinds: EDIT_KINDS, edits: 200, warmup: 10 },
      ];
}

function typingSection(d: Doc, runs: ReadonlyMap<number, TypingRun>): void {
  d.say(`### As-you-type: didChange → publishDiagnostics (ms), lookups on, facts cached`);
  d.say();
  d.say(
    `Our server in its default configuration (lookups on), launched as the extension launches it (client/src/serverLaunch.ts), over ${SHIPPED} (shipped) and over ${OTHER}; the generated files' images are on a local docker-registry (plain HTTP allowed for it) and every other host goes to a refusing loopback proxy. Each file is opened and left until lookups settled (no publish, no registry request for ${QUIET_MS / 1000} s); then every server gets the same edits in turn, one at a time, each no sooner than ${CADENCE_MS} ms after its previous one. Every kind is an edit and its undo at positions spread over the file (edits in bench/edits.ts). "Publishes": publishDiagnostics our server (${SHIPPED}) sent for the kind's versions, until ${QUIET_MS / 1000} s after the last edit; "registry" / "elsewhere": HTTP requests received over the same time.`,
  );
  d.say();
  const rows: string[][] = [];
  for (const [lines, run] of runs) {
    for (const k of run.kinds) {
      const o = k.latency[S.ours] as Latency;
      const a = k.latency[S.anchor] as Latency;
      const p = k.publishes[S.ours];
      rows.push([
        `${lines} lines, ${KIND_LABEL[k.kind]}`,
        three(o),
        three(k.latency[S.oursOther] as Latency),
        three(a),
        ratio(a.p50, o.p50),
        ratio(a.p99, o.p99),
        `${o.n}${o.timeouts + a.timeouts > 0 ? ` (timeouts: ours ${o.timeouts}, anchor ${a.timeouts})` : ''}`,
        p === undefined ? '—' : `${p.publishes} for ${p.versions} versions (${p.exactlyOne} with exactly one)`,
        `${k.registryRequests ?? '—'} / ${k.outsideRequests ?? '—'}`,
      ]);
    }
  }
  d.table(['file, edit', `ours ${SHIPPED} p50 / p95 / p99`, `ours ${OTHER} p50 / p95 / p99`, 'anchor p50 / p95 / p99', 'p50 ratio', 'p99 ratio', 'edits', 'publishes (ours)', 'registry / elsewhere'], rows);
  d.say();
  d.table(
    ['file', 'open → settled', 'registry requests until settled', 'diagnostics ours / anchor'],
    [...runs].map(([lines, r]) => [`${lines} lines`, `${ms(r.settleMs)} ms`, String(r.openRequests ?? '—'), `${r.diagnostics[S.ours]} / ${r.diagnostics[S.anchor]}`]),
  );
  d.say();
  d.say('The floor: servers that do no analysis, in the same loop. "No library" frames JSON-RPC by hand and writes synchronously (stdio); "vscode-languageserver" is the library both real servers are built on, incremental sync and an empty list, over stdio and over IPC (forked as the language client forks ours).');
  d.say();
  const frows: string[][] = [];
  for (const [lines, run] of runs) {
    for (const k of run.kinds) {
      const a = k.latency[S.anchor] as Latency;
      frows.push([`${lines} lines, ${KIND_LABEL[k.kind]}`, three(k.latency[S.floorRaw] as Latency), three(k.latency[S.floorLib] as Latency), three(k.latency[S.floorLibIpc] as Latency), `${ms(a.p50 / 10)} / ${ms(a.p99 / 10)}`]);
    }
  }
  d.table(['file, edit', 'no library p50 / p95 / p99', 'vscode-languageserver stdio', 'vscode-languageserver ipc', 'anchor p50 / 10, p99 / 10'], frows);
}

async function main(): Promise<void> {
  if (!fs.existsSync(OUR_BUNDLE)) throw new Error(`${OUR_BUNDLE} missing: run node scripts/build.mjs first`);
  if (!fs.existsSync(ANCHOR_BIN)) throw new Error(`${ANCHOR_BIN} missing: the anchor is a devDependency (npm ci)`);
  const load0 = os.loadavg();
  const date = new Date().toISOString();
  const reg: LocalRegistry = await startLocalRegistry();
  const d = new Doc();
  try {
    // Start-up: fork/spawn → initialize result, fresh processes, alternating.
    const starts: number[][] = [[], [], []];
    for (let i = 0; i < (QUICK ? 3 : 7); i++) {
      for (const [k, spec] of [ours(SHIPPED, reg), ours(OTHER, reg), ANCHOR].entries()) {
        const c = await LspClient.start(spec);
        (starts[k] as number[]).push(c.startMs);
        await c.stop();
      }
    }
    const startMs = { ours: median(starts[0] as number[]), oursOther: median(starts[1] as number[]), anchor: median(starts[2] as number[]) };

    // The interleaved runs: every server in the same loop, per file size.
    const runs = new Map<number, TypingRun>();
    let rss = { ours: NaN, oursOther: NaN, anchor: NaN, edits: 0 };
    let rssLong = NaN;
    const longEdits = QUICK ? 200 : 1000;
    for (const p of plans()) {
      await withServers([ours(SHIPPED, reg), ours(OTHER, reg), ANCHOR, FLOOR_RAW, FLOOR_LIB, FLOOR_LIB_IPC], async (servers) => {
        const run = await typing(servers, { ...p, cadenceMs: CADENCE_MS, gen: { registry: reg.host }, registry: reg, quietMs: QUIET_MS, tag: 'main' });
        runs.set(p.lines, run);
        for (const k of run.kinds) console.error(`  ${p.lines} lines ${k.kind}: ours p50 ${ms(k.latency[S.ours]?.p50 ?? NaN)} ms, anchor p50 ${ms(k.latency[S.anchor]?.p50 ?? NaN)} ms`);
        if (p.lines === 5000) {
          const [o, oo, a] = servers as [LspClient, LspClient, LspClient];
          const edits = run.kinds.reduce((n, k) => n + k.latency[S.ours]!.n + k.latency[S.ours]!.timeouts + p.warmup, 0);
          rss = { ours: o.rssMb(), oursOther: oo.rssMb(), anchor: a.rssMb(), edits };
          // Keep typing on ours only: memory must not grow per keystroke.
          await typing([o], { lines: 5000, kinds: ['char'], edits: longEdits, warmup: 0, cadenceMs: 0, gen: { registry: reg.host }, quietMs: 200, tag: 'long' });
          rssLong = o.rssMb();
        }
      });
    }

    // The same character edits back to back (each as soon as the previous publish arrived).
    const backToBack: { lines: number; ours: Latency; anchor: Latency }[] = [];
    for (const lines of [40, 300, 5000]) {
      await withServers([ours(SHIPPED, reg), ANCHOR], async (servers) => {
        const r = await typing(servers, { lines, kinds: ['char'], edits: QUICK ? 40 : lines === 5000 ? 100 : 200, warmup: 10, cadenceMs: 0, gen: { registry: reg.host }, registry: reg, quietMs: QUIET_MS, tag: 'b2b' });
        const k = r.kinds[0]!;
        backToBack.push({ lines, ours: k.latency[0]!, anchor: k.latency[1]! });
      });
    }

    // Opening large files: didOpen → first diagnostics, fresh servers.
    const open = new Map<number, { ours: number | null; anchor: number | null; oursCount: number }>();
    for (const lines of [5000, 50000]) {
      const text = generateDockerfile(lines, { registry: reg.host });
      const o = await LspClient.start(ours(SHIPPED, reg));
      const ro = await o.open(`file:///bench/open${lines}/Dockerfile`, text, 60000);
      await o.stop();
      const a = await LspClient.start(ANCHOR);
      const ra = await a.open(`file:///bench/open${lines}/Dockerfile`, text, 60000);
      await a.stop();
      open.set(lines, { ours: ro.ms, anchor: ra.ms, oursCount: ro.count });
    }

    const figures: RunFigures = { shipped: SHIPPED, typing: runs, startMs, rss, open };
    const verdict = verdictRows(figures);

    typingSection(d, runs);
    d.say();
    d.say('The same character edits sent back to back (each as soon as the previous publish arrived, alternating between the two servers):');
    d.say();
    d.table(
      ['file', `ours ${SHIPPED} p50 / p95 / p99`, 'anchor p50 / p95 / p99', 'p50 ratio', 'p99 ratio', 'edits'],
      backToBack.map((l) => [`${l.lines} lines`, three(l.ours), three(l.anchor), ratio(l.anchor.p50, l.ours.p50), ratio(l.anchor.p99, l.ours.p99), String(l.ours.n)]),
    );
    d.say();
    d.say('### Start-up, memory and transport');
    d.say();
    d.table(
      ['measure', `ours, ${SHIPPED} (shipped)`, `ours, ${OTHER}`, 'anchor (stdio)'],
      [
        [`server start, launch → initialize result (median of ${(starts[0] as number[]).length})`, `${ms(startMs.ours)} ms`, `${ms(startMs.oursOther)} ms`, `${ms(startMs.anchor)} ms`],
        [`RSS after ${rss.edits} edits on the 5,000-line file`, `${rss.ours.toFixed(1)} MB`, `${rss.oursOther.toFixed(1)} MB`, `${rss.anchor.toFixed(1)} MB`],
        [`RSS after ${longEdits} more character edits, back to back (no per-keystroke growth)`, `${rssLong.toFixed(1)} MB`, '', ''],
      ],
    );
    d.say();
    d.say('### Opening a large file: didOpen → first diagnostics (ms)');
    d.say();
    d.table(
      ['file', `ours (${SHIPPED})`, 'anchor (60 s limit)', 'ratio'],
      [...open].map(([n, t]) => [`${n} lines`, `${ms(t.ours)} (${t.oursCount} diagnostics)`, t.anchor === null ? '> 60 s' : ms(t.anchor), ratio(t.anchor, t.ours)]),
    );
    const o5 = open.get(5000);
    const o50 = open.get(50000);
    d.say();
    if (o5?.ours && o50?.ours) d.say(`Growth: ours 50,000 / 5,000 lines = ${(o50.ours / o5.ours).toFixed(1)}× for 10× the text (linear = 10×).`);
    d.say();
    d.say('### Keystrokes on hostile files (issue 12 #6)');
    d.say();
    d.say(`Our server (${SHIPPED}, lookups on) types a character and deletes it on the last ARG / the RUN, ${QUICK ? 20 : 100} edits per file with a 20 ms pause, after an ordinary 40-line file in the same process: the expansion and shell-variable caps keep a hostile file as cheap as an ordinary one, and it still gets its findings.`);
    d.say();
    const hostile = await withServers([ours(SHIPPED, reg)], async ([o]) => benchHostile(o as LspClient, QUICK ? 20 : 100));
    d.table(
      ['file', 'lines', 'p50 / p99 (ms)', 'edits', 'diagnostics'],
      hostile.map((h) => [h.file, String(h.lines), `${ms(h.p50)} / ${ms(h.p99)}`, String(h.n), String(h.diagnostics)]),
    );
    d.say();
    d.say('### Pathological RUN instructions: full analyze() of the file, one process per size (ms)');
    d.say();
    await pathological(d, QUICK ? 10000 : 30000);
    d.say();
    d.say('### Registry lookups');
    d.say();
    await registryHook(d);
    d.say();
    d.say('### The command line');
    d.say();
    await cliHook(d);
    d.say();
    d.say('### Image Inventory at monorepo scale');
    d.say();
    await inventorySection(d, QUICK);

    const load1 = os.loadavg();
    const loads = `load average ${load0.map((x) => x.toFixed(2)).join(' ')} at start, ${load1.map((x) => x.toFixed(2)).join(' ')} at end`;
    const head = new Doc();
    head.say(`## Run ${date} (${loads}${QUICK ? '; --quick' : ''})`);
    head.say();
    head.say(`- Machine: ${os.cpus().length} CPUs (nproc), ${cpuModel()}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}; shared, every server runs in the same loop`);
    head.say(`- Node ${process.version}; our server: dist/server.js (${(fs.statSync(OUR_BUNDLE).size / 1024).toFixed(0)} KiB bundle); anchor: dockerfile-language-server-nodejs ${(JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'dockerfile-language-server-nodejs', 'package.json'), 'utf8')) as { version: string }).version}`);
    head.say();
    head.say('### Targets of issue 19 in this run');
    head.say();
    head.table(['target', 'measured', 'verdict'], verdict);
    head.say();
    head.say('Floor analysis: the anchor divided by a server that does nothing (≥ 10× at p50 and p99 = the target is reachable on this machine):');
    head.say();
    head.table(['file, edit', 'anchor / floor'], floorRows(figures));
    head.say();
    const top = new Doc();
    top.say(`Verdict of the latest run (${date}, ${loads}), recomputed by every \`npm run bench\`; every run is kept below, newest first.`);
    top.say();
    top.table(['target (issue 19)', 'measured', 'verdict'], verdict);
    if (!QUICK) {
      const target = path.join(ROOT, 'docs', 'benchmarks.md');
      writeBenchmarks(target, top.lines, [...head.lines, ...d.lines], fs.readFileSync(path.join(__dirname, 'notes.md'), 'utf8'));
      console.error(`written: ${path.relative(ROOT, target)}`);
    }
  } finally {
    await reg.stop();
  }
}

main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : String(err));
    process.exitCode = 1;
  })
  .finally(() => removeStorages());
