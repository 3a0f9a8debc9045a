// The interleaved as-you-type loop: every server gets the same edits, one at a time, in turn, at a typing cadence.
// Latency is didChange → the publishDiagnostics for that version; alongside, how many publishes each version got and
// how many HTTP requests the local registry (and anything else) received while typing.
import { editSequence, type EditKind } from './edits';
import { generateDockerfile, type GenOptions } from './gen';
import type { LocalRegistry } from './localRegistry';
import type { LspClient } from './lsp';

export interface Latency {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly n: number;
  readonly timeouts: number;
}

export function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export function summarize(samples: readonly (number | null)[]): Latency {
  const ok = samples.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return { p50: pct(ok, 50), p95: pct(ok, 95), p99: pct(ok, 99), n: ok.length, timeouts: samples.length - ok.length };
}

/** Publishes a server sent for the versions of one edit kind (until a quiet period after the last edit). */
export interface PublishCount {
  readonly versions: number;
  readonly publishes: number;
  /** Versions that got exactly one publish (null: the server does not tag publishes with versions). */
  readonly exactlyOne: number | null;
}

export interface KindRun {
  readonly kind: EditKind;
  readonly lines: number;
  /** Per server, in the order given. */
  readonly latency: readonly Latency[];
  readonly publishes: readonly PublishCount[];
  /** HTTP requests the local registry received from the first edit to the end of the quiet period (null: no registry). */
  readonly registryRequests: number | null;
  /** Requests to any other host (the refusing proxy). */
  readonly outsideRequests: number | null;
}

export interface TypingOptions {
  readonly lines: number;
  readonly kinds: readonly EditKind[];
  /** Measured edits per kind (and warm-up edits before them, not measured). */
  readonly edits: number;
  readonly warmup: number;
  /** An edit goes to a server no sooner than this long after its previous edit to it (0: back to back). */
  readonly cadenceMs: number;
  readonly gen: GenOptions;
  readonly registry?: LocalRegistry;
  /** Quiet time that counts as settled: after opening (lookups done) and after each kind (late publishes, lookups). */
  readonly quietMs: number;
  /** A distinct document per call (several runs on the same servers). */
  readonly tag: string;
}

export interface TypingRun {
  /** Diagnostics in the first publish of each server (the payload size on every change). */
  readonly diagnostics: readonly number[];
  /** didOpen → lookups settled (no publish and no registry request for quietMs), ms, for the first server. */
  readonly settleMs: number;
  /** Registry requests until settled (the lookups of the file's images). */
  readonly openRequests: number | null;
  readonly kinds: readonly KindRun[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until no server published anything and the registry got no request for `quietMs` (at most `limitMs`). */
async function quiet(clients: readonly LspClient[], reg: LocalRegistry | undefined, quietMs: number, limitMs = 60_000): Promise<void> {
  const t0 = performance.now();
  const state = (): string => `${clients.map((c) => c.published.length).join(',')}/${reg?.requests() ?? 0}/${reg?.outside() ?? 0}`;
  let last = state();
  let since = performance.now();
  while (performance.now() - since < quietMs && performance.now() - t0 < limitMs) {
    await sleep(50);
    const now = state();
    if (now !== last) {
      last = now;
      since = performance.now();
    }
  }
}

function countPublishes(c: LspClient, uri: string, fromIndex: number, first: number, last: number): PublishCount {
  const mine = c.published.slice(fromIndex).filter((p) => p.uri === uri);
  const versions = last - first + 1;
  if (mine.some((p) => p.version === null)) return { versions, publishes: mine.length, exactlyOne: null };
  const per = new Map<number, number>();
  for (const p of mine) per.set(p.version as number, (per.get(p.version as number) ?? 0) + 1);
  let one = 0;
  for (let v = first; v <= last; v++) if (per.get(v) === 1) one++;
  return { versions, publishes: mine.length, exactlyOne: one };
}

/** Opens one generated file on every server, waits until settled, then runs each edit kind on it in turn. */
export async function typing(clients: readonly LspClient[], o: TypingOptions): Promise<TypingRun> {
  const text = generateDockerfile(o.lines, o.gen);
  const uri = `file:///bench/${o.tag}/${o.lines}/Dockerfile`;
  const reg = o.registry;
  const diagnostics: number[] = [];
  const r0 = reg?.requests() ?? 0;
  const t0 = performance.now();
  for (const c of clients) diagnostics.push((await c.open(uri, text, 120000)).count);
  await quiet(clients, reg, o.quietMs);
  const settleMs = performance.now() - t0 - o.quietMs;
  const openRequests = reg === undefined ? null : reg.requests() - r0;
  let version = 1;
  const kinds: KindRun[] = [];
  for (const kind of o.kinds) {
    const next = editSequence(text, kind, o.gen);
    const from = clients.map((c) => c.published.length);
    const req0 = reg?.requests() ?? 0;
    const out0 = reg?.outside() ?? 0;
    const firstVersion = version + 1;
    const samples: (number | null)[][] = clients.map(() => []);
    const lastSent = clients.map(() => 0);
    // An even count of edits: the text is the generated one again at the end of each kind.
    const total = o.warmup + o.edits + ((o.warmup + o.edits) % 2);
    for (let k = 0; k < total; k++) {
      const change = next(k);
      version++;
      for (const [i, c] of clients.entries()) {
        const wait = (lastSent[i] as number) + o.cadenceMs - performance.now();
        if (wait > 0) await sleep(wait);
        lastSent[i] = performance.now();
        const t = await c.change(uri, version, [change], 60000);
        if (k >= o.warmup) (samples[i] as (number | null)[]).push(t);
      }
    }
    await quiet(clients, reg, o.quietMs);
    kinds.push({
      kind,
      lines: o.lines,
      latency: samples.map(summarize),
      publishes: clients.map((c, i) => countPublishes(c, uri, from[i] as number, firstVersion, version)),
      registryRequests: reg === undefined ? null : reg.requests() - req0,
      outsideRequests: reg === undefined ? null : reg.outside() - out0,
    });
  }
  await Promise.all(clients.map((c) => c.close(uri)));
  return { diagnostics, settleMs, openRequests, kinds };
}
