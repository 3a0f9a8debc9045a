// One pathological-input timing for bench/run.ts, in its own process so a runaway case can be stopped: prints ms.
import { analyze } from '../server/src/core/analyze';

export const CASES: Readonly<Record<string, { readonly label: string; readonly base: number; readonly make: (n: number) => string }>> = {
  heredoc: {
    label: 'RUN heredoc, body lines',
    base: 10000,
    make: (n) => {
      const body: string[] = [];
      for (let i = 0; i < n; i++) body.push(i % 10 === 0 ? `curl -fsSL https://example.com/f${i}.tgz -o /tmp/f${i}.tgz` : `echo "line ${i}" >> /tmp/log`);
      return `FROM alpine:3.19\nRUN <<EOF\n${body.join('\n')}\nEOF\n`;
    },
  },
  chain: {
    label: 'RUN with chained && commands',
    base: 5000,
    make: (n) => {
      const cmds: string[] = [];
      for (let i = 0; i < n; i++) cmds.push(i % 10 === 0 ? `wget -q https://example.com/f${i}` : `echo ${i}`);
      return `FROM alpine:3.19\nRUN ${cmds.join(' && \\\n    ')}\n`;
    },
  },
  nested: {
    label: 'RUN with nested $( ), depth',
    base: 100,
    make: (n) => `FROM alpine:3.19\nRUN echo ${'$(echo '.repeat(n)}x${')'.repeat(n)}\n`,
  },
};

if (require.main === module) {
  const c = CASES[process.argv[2] ?? ''];
  const n = Number(process.argv[3]);
  if (c === undefined || !Number.isFinite(n)) {
    console.error('usage: pathological.ts heredoc|chain|nested <size>');
    process.exit(2);
  }
  const text = c.make(n);
  // One warm-up on a small input so the timing is not JIT start-up.
  analyze(c.make(Math.max(1, Math.floor(n / 10))));
  const t0 = performance.now();
  analyze(text);
  console.log((performance.now() - t0).toFixed(2));
}
