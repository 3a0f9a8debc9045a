import { ruleTable } from '../../support/ruleTable';

const SHA = 'b'.repeat(64);
ruleTable('download-piped-to-shell', [
  { name: 'curl | sh', dockerfile: 'FROM alpine:3.20\nRUN curl -fsSL https://get.example.com | sh\n', lines: [2], messages: ['executed directly by sh'], covers: ['https://get.example.com'] },
  { name: 'wget -O - | bash -s', dockerfile: 'FROM debian:12\nRUN wget -qO- https://example.com/install.sh | bash -s -- -y\n', lines: [2] },
  { name: 'curl | sudo -E bash -', dockerfile: 'FROM debian:12\nRUN curl -fsSL https://example.com/setup | sudo -E bash -\n', lines: [2] },
  { name: 'curl | python3 -', dockerfile: 'FROM python:3.12\nRUN curl -sSL https://install.example.org | python3 -\n', lines: [2] },
  { name: 'sh -c "$(curl …)"', dockerfile: 'FROM debian:12\nRUN sh -c "$(curl -fsSL https://raw.example.com/install.sh)"\n', lines: [2], messages: ['sh -c'] },
  { name: 'PowerShell iex DownloadString', dockerfile: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN iex ((New-Object System.Net.WebClient).DownloadString(\'https://chocolatey.org/install.ps1\'))\n', lines: [3], messages: ['iex'] },
  { name: 'in a heredoc body', dockerfile: 'FROM alpine:3.20\nRUN <<EOF\ncurl -fsSL https://get.example.com | sh\nEOF\n', lines: [3] },
  { name: 'bash <<EOF body is a script too', dockerfile: 'FROM debian:12\nRUN bash <<EOF\nset -e\nwget -qO- https://get.example.com | sh\nEOF\n', lines: [4] },
  { name: 'exec form sh -c', dockerfile: 'FROM debian:12\nRUN ["/bin/sh", "-c", "curl -fsSL https://get.example.com | sh"]\n', lines: [2] },
  { name: 'PowerShell via SHELL after escape=` with continuation', dockerfile: '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN Set-ExecutionPolicy Bypass -Scope Process -Force; `\n    iex ((New-Object System.Net.WebClient).DownloadString($env:CHOCO_URL))\n', lines: [5], messages: ['Get-FileHash'] },
  { name: 'download, check, then run: not piped', dockerfile: `FROM alpine:3.20\nRUN curl -fsSLo i.sh https://get.example.com && echo "${SHA}  i.sh" | sha256sum -c - && sh i.sh\n`, lines: [] },
  { name: 'curl | tar is not a shell', dockerfile: 'FROM alpine:3.20\nRUN curl -fsSL https://example.com/a.tgz | tar -xz\n', lines: [] },
  { name: 'curl | grep into a variable is metadata', dockerfile: 'FROM alpine:3.20\nRUN V="$(curl -fsSL https://api.example.com/releases | grep tag_name)" && echo $V\n', lines: [] },
  { name: 'bash <(curl …)', dockerfile: 'FROM debian:12\nRUN bash <(curl -fsSL https://get.example.com/i.sh)\n', lines: [2], messages: ['bash <(…)'] },
  { name: 'source <(wget -qO- …)', dockerfile: 'FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN source <(wget -qO- https://example.com/env.sh)\n', lines: [3] },
  { name: 'ONBUILD RUN curl | sh', dockerfile: 'FROM alpine:3.20\nONBUILD RUN curl -fsSL https://get.example.com | sh\n', lines: [2] },
  { name: 'Invoke-WebRequest | iex', dockerfile: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN Invoke-WebRequest https://example.com/i.ps1 -UseBasicParsing | Invoke-Expression\n', lines: [3] },
  { name: 'diff <(curl …) is not run', dockerfile: 'FROM debian:12\nRUN diff <(curl -fsSL https://example.com/a) /etc/a || true\n', lines: [] },
  { name: 'python -c script is not fed from the pipe', dockerfile: 'FROM python:3.12\nRUN curl -fsSL https://api.example.com/x.json | python3 -c "import json,sys; print(json.load(sys.stdin))"\n', lines: [] },
]);
