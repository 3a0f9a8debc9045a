// Fetchers (handlers/fetchers.ts): where curl and wget put what they fetch, and what counts as checking it.
import { downloadTable } from '../../../support/downloadTable';

const SHA = 'c'.repeat(64);
downloadTable('fetchers', [
  { name: 'curl -o', dockerfile: 'FROM alpine:3.20\nRUN curl -fsSL -o /tmp/t.tgz https://example.com/t.tgz\n', downloads: [{ tool: 'curl', status: 'unverified', outputs: ['/tmp/t.tgz'] }] },
  { name: 'curl -fsSLo (option glued to its value group)', dockerfile: 'FROM alpine:3.20\nRUN curl -fsSLo t.tgz https://example.com/t.tgz\n', downloads: [{ status: 'unverified', outputs: ['t.tgz'] }] },
  { name: 'curl -O and --output-dir', dockerfile: 'FROM alpine:3.20\nRUN curl -fsSL --output-dir /opt -O https://example.com/a/t-1.tgz\n', downloads: [{ status: 'unverified', outputs: ['/opt/t-1.tgz'] }] },
  { name: 'curl --url with -o', dockerfile: 'FROM alpine:3.20\nRUN curl -o x.bin --url https://example.com/x.bin\n', downloads: [{ status: 'unverified', outputs: ['x.bin'] }] },
  { name: 'curl > file', dockerfile: 'FROM alpine:3.20\nRUN curl -fsSL https://example.com/x.bin > /usr/local/bin/x\n', downloads: [{ status: 'unverified', outputs: ['/usr/local/bin/x'] }] },
  { name: 'curl | tar: extracted straight away', dockerfile: 'FROM alpine:3.20\nRUN curl -fsSL https://example.com/t.tgz | tar -xz\n', downloads: [{ status: 'unverified', sink: 'extract' }] },
  { name: 'curl | sh: a shell', dockerfile: 'FROM alpine:3.20\nRUN curl -fsSL https://get.example.com | sh -s -- -y\n', downloads: [{ status: 'unverified', sink: 'shell' }] },
  { name: 'wget -O', dockerfile: 'FROM alpine:3.20\nRUN wget -q -O /tmp/a.zip https://example.com/a.zip\n', downloads: [{ tool: 'wget', status: 'unverified', outputs: ['/tmp/a.zip'] }] },
  { name: 'wget into -P directory', dockerfile: 'FROM alpine:3.20\nRUN wget -P /opt/dl https://example.com/a/b.zip\n', downloads: [{ status: 'unverified', outputs: ['/opt/dl/b.zip'] }] },
  { name: 'wget --output-document=', dockerfile: 'FROM alpine:3.20\nRUN wget --output-document=/tmp/c.zip https://example.com/c.zip\n', downloads: [{ status: 'unverified', outputs: ['/tmp/c.zip'] }] },
  { name: 'wget -qO- | bash', dockerfile: 'FROM debian:12\nRUN wget -qO- https://example.com/i.sh | bash\n', downloads: [{ status: 'unverified', sink: 'shell' }] },
  { name: 'URL from ENV', dockerfile: 'FROM alpine:3.20\nENV URL=https://example.com/v2/x.tgz\nRUN curl -fsSLo x.tgz "$URL"\n', downloads: [{ status: 'unverified', url: 'https://example.com/v2/x.tgz' }] },
  { name: 'checked with sha256sum -c: verified', dockerfile: `FROM alpine:3.20\nRUN curl -fsSLo t.tgz https://example.com/t.tgz && echo "${SHA}  t.tgz" | sha256sum -c -\n`, downloads: [{ status: 'verified' }] },
  { name: 'wget -O then checked in the next RUN: verified', dockerfile: `FROM alpine:3.20\nRUN wget -O /a https://example.com/a\nRUN echo "${SHA}  /a" | sha256sum -c -\n`, downloads: [{ status: 'verified' }] },
  { name: 'metadata: output kept in a variable is no file', dockerfile: 'FROM alpine:3.20\nRUN V="$(curl -fsSL https://api.example.com/v)" && echo "$V"\n', downloads: [{ status: 'metadata', sink: 'metadata' }] },
  { name: 'curl --version: no URL, no download', dockerfile: 'FROM alpine:3.20\nRUN curl --version && wget --help\n', downloads: [] },
  { name: 'curl.exe in the cmd shell of a Windows image', dockerfile: 'FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nRUN curl.exe -fsSLo C:\\t.zip https://example.com/t.zip\n', downloads: [{ tool: 'curl', status: 'unverified', outputs: ['C:\\t.zip'] }] },
]);
