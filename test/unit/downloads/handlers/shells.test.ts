// Shells (handlers/shells.ts): fetched text run as code — sh -c "$(curl …)", eval, bash <(curl …), source <(wget …) — and inline scripts.
import { downloadTable } from '../../../support/downloadTable';

const SHA = '2'.repeat(64);
downloadTable('shells', [
  { name: 'sh -c "$(curl …)"', dockerfile: 'FROM debian:12\nRUN sh -c "$(curl -fsSL https://raw.example.com/install.sh)"\n', downloads: [{ status: 'unverified', sink: 'shell' }] },
  { name: 'eval "$(wget -qO- …)"', dockerfile: 'FROM debian:12\nRUN eval "$(wget -qO- https://example.com/env)"\n', downloads: [{ status: 'unverified', sink: 'shell' }] },
  { name: 'bash <(curl …)', dockerfile: 'FROM debian:12\nRUN bash <(curl -fsSL https://get.example.com/install.sh) --yes\n', downloads: [{ status: 'unverified', sink: 'shell' }] },
  { name: 'source <(wget -qO- …)', dockerfile: 'FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN source <(wget -qO- https://example.com/env.sh) && tool --version\n', downloads: [{ status: 'unverified', sink: 'shell' }] },
  { name: 'python3 <(curl …)', dockerfile: 'FROM python:3.12\nRUN python3 <(curl -fsSL https://install.example.org/get.py)\n', downloads: [{ status: 'unverified', sink: 'shell' }] },
  { name: 'sh -c with an inline script that fetches and checks', dockerfile: `FROM debian:12\nRUN sh -c 'curl -fsSLo /t.tgz https://example.com/t.tgz && echo "${SHA}  /t.tgz" | sha256sum -c -'\n`, downloads: [{ status: 'verified' }] },
  { name: 'bash <<EOF body', dockerfile: 'FROM debian:12\nRUN bash <<EOF\nset -e\ncurl -fsSL https://get.example.com | sh\nEOF\n', downloads: [{ status: 'unverified', sink: 'shell' }] },
  { name: 'look-alike: a version in $(curl …) is text, not code', dockerfile: 'FROM debian:12\nRUN V="$(curl -fsSL https://api.example.com/latest)" && echo "$V"\n', downloads: [{ status: 'metadata' }] },
  { name: 'look-alike: diff <(curl …) is a comparison input, not run', dockerfile: 'FROM debian:12\nRUN diff <(curl -fsSL https://example.com/a.txt) /etc/a.txt || true\n', downloads: [{ status: 'metadata' }] },
  { name: 'downloaded, checked, then run: not piped', dockerfile: `FROM debian:12\nRUN curl -fsSLo i.sh https://get.example.com && echo "${SHA}  i.sh" | sha256sum -c - && bash i.sh\n`, downloads: [{ status: 'verified' }] },
]);
