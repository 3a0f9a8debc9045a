// Files (handlers/files.ts): a download keeps its identity through mv/cp/install, and a key moved into a keyring is a key.
import { downloadTable } from '../../../support/downloadTable';

const SHA = '1'.repeat(64);
downloadTable('files', [
  { name: 'mv, then checked under the new name', dockerfile: `FROM alpine:3.20\nRUN curl -fsSLo /tmp/dl https://example.com/tool && mv /tmp/dl /usr/local/bin/tool && echo "${SHA}  /usr/local/bin/tool" | sha256sum -c -\n`, downloads: [{ status: 'verified' }] },
  { name: 'cp into a directory keeps the basename', dockerfile: `FROM alpine:3.20\nRUN curl -fsSLo /tmp/tool https://example.com/tool && cp /tmp/tool /opt/ && cd /opt && echo "${SHA}  tool" | sha256sum -c -\n`, downloads: [{ status: 'verified' }] },
  { name: 'install into the PATH, unchecked', dockerfile: 'FROM alpine:3.20\nRUN curl -fsSLo /tmp/tool https://example.com/tool && install -m 0755 /tmp/tool /usr/local/bin/tool\n', downloads: [{ status: 'unverified', use: 'installed into the PATH' }] },
  { name: 'key moved into apk keys', dockerfile: 'FROM alpine:3.20\nRUN wget -O /tmp/k.rsa.pub https://example.com/k.rsa.pub && mv /tmp/k.rsa.pub /etc/apk/keys/\n', downloads: [{ status: 'unverified', kind: 'key' }] },
  { name: 'key checked against a pinned sha512 before it is moved', dockerfile: `FROM alpine:3.20\nRUN wget -O /tmp/k.rsa.pub https://example.com/k.rsa.pub && echo "${'f'.repeat(128)} */tmp/k.rsa.pub" | sha512sum -c - && mv /tmp/k.rsa.pub /etc/apk/keys/\n`, downloads: [{ status: 'verified' }] },
  { name: 'tee of a fetched key into a keyring', dockerfile: 'FROM debian:12\nRUN curl -fsSL https://example.com/k.asc | tee /etc/apt/keyrings/k.asc > /dev/null\n', downloads: [{ status: 'unverified', kind: 'key' }] },
]);
