// The targets of issue 19 (and the earlier ones still held) against one run's figures: measured, met / MISSED.
import { KIND_LABEL } from './edits';
import type { Latency, TypingRun } from './typing';

/** Positions of the servers in every interleaved run. */
export const S = { ours: 0, oursOther: 1, anchor: 2, floorRaw: 3, floorLib: 4, floorLibIpc: 5 } as const;

export interface RunFigures {
  readonly shipped: 'ipc' | 'stdio';
  readonly typing: ReadonlyMap<number, TypingRun>;
  readonly startMs: { readonly ours: number; readonly oursOther: number; readonly anchor: number };
  readonly rss: { readonly ours: number; readonly oursOther: number; readonly anchor: number; readonly edits: number };
  readonly open: ReadonlyMap<number, { readonly ours: number | null; readonly anchor: number | null }>;
}

export const ms = (x: number | null): string => (x === null || Number.isNaN(x) ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
const other = (t: 'ipc' | 'stdio'): 'ipc' | 'stdio' => (t === 'ipc' ? 'stdio' : 'ipc');

function kindsOf(f: RunFigures, lines: number): TypingRun['kinds'] {
  return f.typing.get(lines)?.kinds ?? [];
}
function lat(f: RunFigures, lines: number, kind: string, who: number): Latency | undefined {
  return kindsOf(f, lines).find((k) => k.kind === kind)?.latency[who];
}

/** Rows of [target, measured, verdict]. */
export function verdictRows(f: RunFigures): string[][] {
  const rows: string[][] = [];
  const t = f.shipped;
  // 1. Every edit kind on 5,000 lines: p99 ≤ 16 ms and ≥ 10× the anchor at p50 and p99.
  for (const k of kindsOf(f, 5000)) {
    const o = k.latency[S.ours] as Latency;
    const a = k.latency[S.anchor] as Latency;
    rows.push([`5,000 lines, ${KIND_LABEL[k.kind]}: our p99 ≤ 16 ms`, `${ms(o.p99)} ms`, verdict(o.p99 <= 16)]);
    rows.push([`5,000 lines, ${KIND_LABEL[k.kind]}: ≥ 10× the anchor at p50 and p99`, `p50 ${(a.p50 / o.p50).toFixed(1)}×, p99 ${(a.p99 / o.p99).toFixed(1)}×`, verdict(a.p50 / o.p50 >= 10 && a.p99 / o.p99 >= 10)]);
  }
  // 2. 300 lines: our p50 above the library floor ≤ 1/10 of the anchor's p50 above it.
  const o3 = lat(f, 300, 'char', S.ours);
  const a3 = lat(f, 300, 'char', S.anchor);
  const fl = lat(f, 300, 'char', S.floorLib);
  const flSame = lat(f, 300, 'char', t === 'ipc' ? S.floorLibIpc : S.floorLib);
  if (o3 && a3 && fl && flSame) {
    const ourAbove = o3.p50 - flSame.p50;
    const anchorAbove = a3.p50 - fl.p50;
    rows.push([
      `300 lines, characters: our p50 above the vscode-languageserver floor (same transport, ${t}) ≤ 1/10 of the anchor's p50 above it (stdio)`,
      `${ms(ourAbove)} ms vs ${ms(anchorAbove / 10)} ms (anchor ${ms(anchorAbove)} ms above)`,
      verdict(ourAbove <= anchorAbove / 10),
    ]);
  }
  // 3. Lookups on, settled: one publish per version and no HTTP request while typing.
  for (const lines of [...f.typing.keys()].sort((x, y) => x - y)) {
    for (const k of kindsOf(f, lines)) {
      const p = k.publishes[S.ours];
      if (p === undefined) continue;
      rows.push([
        `${lines.toLocaleString('en-US')} lines, ${KIND_LABEL[k.kind]}: exactly one publish per version, no registry request, nothing elsewhere`,
        `${p.exactlyOne ?? '?'} of ${p.versions} versions with one publish (${p.publishes} publishes); registry ${k.registryRequests ?? '—'}, elsewhere ${k.outsideRequests ?? '—'}`,
        verdict(p.exactlyOne === p.versions && p.publishes === p.versions && k.registryRequests === 0 && k.outsideRequests === 0),
      ]);
    }
  }
  // 4. The transport that ships is the faster one.
  for (const lines of [300, 5000]) {
    const a = lat(f, lines, 'char', S.ours);
    const b = lat(f, lines, 'char', S.oursOther);
    if (a && b) rows.push([`${lines.toLocaleString('en-US')} lines: the shipped transport (${t}) is not slower than ${other(t)} at p50`, `${ms(a.p50)} vs ${ms(b.p50)} ms (p99 ${ms(a.p99)} vs ${ms(b.p99)})`, verdict(a.p50 <= b.p50)]);
  }
  rows.push([`RSS after ${f.rss.edits} edits on 5,000 lines, as the extension launches it (${t}), below the anchor`, `${f.rss.ours.toFixed(1)} MB (${other(t)}: ${f.rss.oursOther.toFixed(1)}) vs ${f.rss.anchor.toFixed(1)} MB`, verdict(f.rss.ours < f.rss.anchor)]);
  // Still held from issue 7.
  const c40 = lat(f, 40, 'char', S.ours);
  const c5k = lat(f, 5000, 'char', S.ours);
  if (c40 && c5k) rows.push(['our 5,000-line p50 within 2× of our 40-line p50 (characters)', `${(c5k.p50 / c40.p50).toFixed(2)}×`, verdict(c5k.p50 / c40.p50 <= 2)]);
  rows.push([`server start (${t}) below the anchor`, `${ms(f.startMs.ours)} vs ${ms(f.startMs.anchor)} ms`, verdict(f.startMs.ours < f.startMs.anchor)]);
  const o5 = f.open.get(5000)?.ours;
  const o50 = f.open.get(50000)?.ours;
  if (o5 && o50) rows.push(['opening 50,000 lines grows at most linearly from 5,000', `${(o50 / o5).toFixed(1)}× for 10×`, verdict(o50 / o5 <= 10)]);
  return rows;
}

/** What a server that does nothing would score against the anchor: whether the 10× targets are reachable at all here. */
export function floorRows(f: RunFigures): string[][] {
  const rows: string[][] = [];
  for (const lines of [300, 5000]) {
    for (const k of kindsOf(f, lines)) {
      const a = k.latency[S.anchor] as Latency;
      const cells = ([['no library', S.floorRaw], ['vscode-languageserver stdio', S.floorLib], ['vscode-languageserver ipc', S.floorLibIpc]] as const).map(([label, i]) => {
        const fl = k.latency[i] as Latency;
        return `${label}: p50 ${(a.p50 / fl.p50).toFixed(1)}×, p99 ${(a.p99 / fl.p99).toFixed(1)}×`;
      });
      rows.push([`${lines.toLocaleString('en-US')} lines, ${KIND_LABEL[k.kind]}`, cells.join('; ')]);
    }
  }
  return rows;
}
