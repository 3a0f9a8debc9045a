// VCS (handlers/vcs.ts): a clone is pinned only by a full commit that is then checked out (or cloned directly).
import { downloadTable } from '../../../support/downloadTable';

const C = '89ab0123456789abcdef0123456789abcdef0123';
downloadTable('vcs', [
  { name: 'git clone of the default branch', dockerfile: 'FROM alpine:3.20\nRUN git clone https://github.com/o/r.git /src\n', downloads: [{ tool: 'git clone', status: 'unverified', kind: 'git', outputs: ['/src'] }] },
  { name: 'git clone --depth 1 -b <tag>', dockerfile: 'FROM alpine:3.20\nRUN git clone --depth 1 -b v1.2.3 https://github.com/o/r.git\n', downloads: [{ status: 'unverified', outputs: ['r'] }] },
  { name: 'clone, then checkout of a full commit', dockerfile: `FROM alpine:3.20\nRUN git clone https://github.com/o/r.git && cd r && git checkout ${C}\n`, downloads: [{ status: 'verified', verifiedBy: C }] },
  { name: 'clone, then git -C dir reset --hard <commit> in a later RUN', dockerfile: `FROM alpine:3.20\nRUN git clone https://github.com/o/r.git /src/r\nRUN git -C /src/r reset --hard ${C}\n`, downloads: [{ status: 'verified' }] },
  { name: 'clone of a commit from an ARG', dockerfile: `FROM alpine:3.20\nARG REV=${C}\nRUN git clone https://github.com/o/r.git r && git -C r checkout "$REV"\n`, downloads: [{ status: 'verified' }] },
  { name: 'look-alike: checkout of a short hash', dockerfile: 'FROM alpine:3.20\nRUN git clone https://github.com/o/r.git && git -C r checkout 89ab012\n', downloads: [{ status: 'unverified' }] },
  { name: 'look-alike: checkout of a tag', dockerfile: 'FROM alpine:3.20\nRUN git clone https://github.com/o/r.git r && git -C r checkout tags/v2.0\n', downloads: [{ status: 'unverified' }] },
  { name: 'look-alike: verify-tag without a pinned key', dockerfile: 'FROM alpine:3.20\nRUN git clone -b v2 https://github.com/o/r.git r && cd r && git verify-tag v2\n', downloads: [{ status: 'unverified' }] },
  { name: 'verify-commit against a key pinned by fingerprint', dockerfile: `FROM alpine:3.20\nRUN gpg --recv-keys ${C.toUpperCase()} && git clone -b v2 https://github.com/o/r.git r && cd r && git verify-commit HEAD\n`, downloads: [{ status: 'verified' }] },
]);
