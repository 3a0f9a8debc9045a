// One pathological-input timing for bench/run.ts, in its own process so a runaway case can be stopped: prints ms.
import { analyze } from '../server/src/core/analyze';
import { pemToDerB64 } from '../server/src/trust/cosign/legacy';

interface Case {
  readonly label: string;
  readonly base: number;
  readonly make: (n: number) => string;
  /** What is timed (default: the whole analyze()). */
  readonly run?: (text: string) => unknown;
}

export const CASES: Readonly<Record<string, Case>> = {
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
  powershell: {
    label: 'PowerShell RUN, download + Get-FileHash statements',
    base: 250,
    make: (n) =>
      `FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN ${Array.from({ length: n }, (_, i) => `Invoke-WebRequest -Uri "https://e.x/$env:V/${i}.zip" -OutFile "\${env:TEMP}/${i}.zip"; if ((Get-FileHash "\${env:TEMP}/${i}.zip").Hash -ne $env:S) { throw 'x' }`).join('; ')}\n`,
  },
  pem: {
    label: 'cosign certificate annotation: BEGIN lines without END (pemToDerB64), KiB',
    base: 1024,
    make: (n) => '-----BEGIN CERTIFICATE-----\n'.repeat(Math.floor((n * 1024) / 28)),
    run: (text) => pemToDerB64(text),
  },
};

if (require.main === module) {
  const c = CASES[process.argv[2] ?? ''];
  const n = Number(process.argv[3]);
  if (c === undefined || !Number.isFinite(n)) {
    console.error(`usage: pathological.ts ${Object.keys(CASES).join('|')} <size>`);
    process.exit(2);
  }
  const text = c.make(n);
  const run = c.run ?? ((t: string) => analyze(t));
  // One warm-up on a small input so the timing is not JIT start-up.
  run(c.make(Math.max(1, Math.floor(n / 10))));
  const t0 = performance.now();
  run(text);
  console.log((performance.now() - t0).toFixed(2));
}
