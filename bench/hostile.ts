// Keystrokes on hostile files (issue 12 #6): a file of doubling ARGs and a RUN that doubles a shell variable, typed on
// in the same server as an ordinary 40-line file, so the hostile file's cost reads as a ratio of the ordinary one.
import { generateDockerfile } from './gen';
import type { LspClient } from './lsp';

export interface HostileRow {
  readonly file: string;
  readonly lines: number;
  readonly p50: number;
  readonly p99: number;
  readonly n: number;
  /** Diagnostics in the last publish (the hostile files must still say what is wrong). */
  readonly diagnostics: number;
}

/** 40 ARGs, each the previous one twice (2^40 characters if expanded without a bound). */
export function doublingArgs(): string {
  let text = 'ARG A0=x\n';
  for (let i = 1; i < 40; i++) text += `ARG A${i}=$A${i - 1}$A${i - 1}\n`;
  return text + 'FROM alpine:$A39\nRUN echo done\n';
}

/** One RUN that doubles a shell variable 40 times and then downloads from it. */
export function doublingShell(): string {
  const steps = Array.from({ length: 40 }, () => 'A="$A$A"').join('; \\\n    ');
  return `FROM alpine:3.20\nRUN A=x; \\\n    ${steps}; \\\n    curl -fsSL "https://example.com/$A" | sh\n`;
}

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** Types a character and deletes it on `line`, `edits` times, one edit at a time with a pause like typing. */
async function typeOn(c: LspClient, uri: string, text: string, line: number, edits: number): Promise<{ times: number[]; diagnostics: number }> {
  const opened = await c.open(uri, text, 60000);
  const lineText = text.split('\n')[line] ?? '';
  const pos = { line, character: lineText.length };
  const times: number[] = [];
  let version = 1;
  for (let k = 0; k < edits; k++) {
    await new Promise((r) => setTimeout(r, 20));
    const change = k % 2 === 0 ? { range: { start: pos, end: pos }, text: 'x' } : { range: { start: pos, end: { line, character: pos.character + 1 } }, text: '' };
    const t = await c.change(uri, ++version, [change], 60000);
    if (t !== null) times.push(t);
  }
  await c.close(uri);
  return { times: times.sort((a, b) => a - b), diagnostics: opened.count };
}

export async function benchHostile(c: LspClient, edits: number): Promise<HostileRow[]> {
  const files: [string, string, number][] = [
    ['ordinary (bench/gen.ts, 40 lines)', generateDockerfile(40), 20],
    ['doubling ARGs (40 lines, 2^40 characters unbounded)', doublingArgs(), 38],
    ['RUN doubling a shell variable 40 times, then curl | sh', doublingShell(), 1],
  ];
  const rows: HostileRow[] = [];
  for (const [i, [label, text, line]] of files.entries()) {
    const r = await typeOn(c, `file:///bench/hostile/${i}/Dockerfile`, text, line, edits);
    rows.push({ file: label, lines: text.split('\n').length - 1, p50: pct(r.times, 50), p99: pct(r.times, 99), n: r.times.length, diagnostics: r.diagnostics });
  }
  return rows;
}
