// ADD, COPY and ONBUILD (instructions.ts, analyze.ts): git sources pinned by a commit in either URL form, keys
// added straight into a keyring, and ONBUILD triggers read like the instructions they become.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gitSource } from '../../../server/src/core/downloads/instructions';
import { downloadTable } from '../../support/downloadTable';

const C = 'fedcba9876543210fedcba9876543210fedcba98';
const SHA = '3'.repeat(64);
downloadTable('instructions', [
  // ADD <git url>
  { name: 'ADD git#<commit>', dockerfile: `FROM alpine:3.20\nADD https://github.com/o/r.git#${C} /src\n`, downloads: [{ kind: 'git', status: 'verified' }] },
  { name: 'ADD git#<commit>:subdir', dockerfile: `FROM alpine:3.20\nADD https://github.com/o/r.git#${C}:docs /docs\n`, downloads: [{ status: 'verified' }] },
  { name: 'ADD git?tag=…&commit=<commit> (BuildKit query form)', dockerfile: `FROM alpine:3.20\nADD "https://github.com/o/r.git?tag=v1.2&commit=${C}" /src\n`, downloads: [{ status: 'verified' }] },
  { name: 'ADD git?ref=<commit>', dockerfile: `FROM alpine:3.20\nADD https://github.com/o/r.git?ref=${C}&subdir=cmd /src\n`, downloads: [{ status: 'verified' }] },
  { name: 'ADD git@host:o/r.git?checksum=<commit>', dockerfile: `FROM alpine:3.20\nADD git@github.com:o/r.git?branch=main&checksum=${C} /src\n`, downloads: [{ status: 'verified' }] },
  { name: 'ADD git URL with the commit from an ARG', dockerfile: `FROM alpine:3.20\nARG REV=${C}\nADD https://github.com/o/r.git#\${REV} /src\n`, downloads: [{ status: 'verified' }] },
  { name: 'look-alike: ADD git#<tag>', dockerfile: 'FROM alpine:3.20\nADD https://github.com/o/r.git#v1.2 /src\n', downloads: [{ kind: 'git', status: 'unverified' }] },
  { name: 'look-alike: ADD git?tag=', dockerfile: 'FROM alpine:3.20\nADD https://github.com/o/r.git?tag=v1.2&subdir=x /src\n', downloads: [{ kind: 'git', status: 'unverified' }] },
  { name: 'look-alike: ADD git?commit=<short hash>', dockerfile: 'FROM alpine:3.20\nADD https://github.com/o/r.git?commit=fedcba9 /src\n', downloads: [{ kind: 'git', status: 'unverified' }] },
  { name: 'look-alike: ADD of a forge URL with a branch fragment', dockerfile: 'FROM alpine:3.20\nADD https://github.com/o/r#main /src\n', downloads: [{ kind: 'git', status: 'unverified' }] },
  // ADD of keys.
  { name: 'ADD of a key into /etc/apt/trusted.gpg.d/', dockerfile: 'FROM debian:12\nADD https://example.com/key.gpg /etc/apt/trusted.gpg.d/example.gpg\n', downloads: [{ kind: 'key', status: 'unverified' }] },
  { name: 'ADD of a key into /usr/share/keyrings/ (a directory)', dockerfile: 'FROM debian:12\nADD https://packages.example.com/gpg.asc /usr/share/keyrings/\n', downloads: [{ kind: 'key', status: 'unverified', outputs: ['/usr/share/keyrings/gpg.asc'] }] },
  { name: 'ADD of an apk key', dockerfile: 'FROM alpine:3.20\nADD https://example.com/x.rsa.pub /etc/apk/keys/x.rsa.pub\n', downloads: [{ kind: 'key', status: 'unverified' }] },
  { name: 'ADD --checksum of a key into a keyring', dockerfile: `FROM debian:12\nADD --checksum=sha256:${SHA} https://example.com/key.gpg /etc/apt/trusted.gpg.d/example.gpg\n`, downloads: [{ status: 'verified' }] },
  { name: 'ADD of a key to /tmp, then only the pinned fingerprint exported', dockerfile: `FROM debian:12\nADD https://example.com/key.asc /tmp/key.asc\nRUN gpg --import /tmp/key.asc && gpg --export ${C.toUpperCase()} > /usr/share/keyrings/x.gpg\n`, downloads: [{ status: 'verified', kind: 'key' }] },
  // ONBUILD
  { name: 'ONBUILD RUN curl | sh', dockerfile: 'FROM alpine:3.20\nONBUILD RUN curl -fsSL https://get.example.com | sh\n', downloads: [{ status: 'unverified', sink: 'shell', line: 2 }] },
  { name: 'ONBUILD ADD <url>', dockerfile: 'FROM alpine:3.20\nONBUILD ADD https://example.com/a.tgz /a.tgz\n', downloads: [{ tool: 'ADD', status: 'unverified' }] },
  { name: 'ONBUILD RUN with a check', dockerfile: `FROM alpine:3.20\nONBUILD ARG T_SHA=${SHA}\nONBUILD RUN wget -O /t https://example.com/t && echo "$T_SHA  /t" | sha256sum -c -\n`, downloads: [{ status: 'verified' }] },
  { name: 'ONBUILD triggers run after the stage: a check in a later plain RUN does not cover them', dockerfile: `FROM alpine:3.20\nONBUILD RUN wget -O /t https://example.com/t\nRUN echo "${SHA}  /t" | sha256sum -c -\n`, downloads: [{ status: 'unverified' }] },
]);

test('gitSource reads both BuildKit forms', () => {
  assert.deepEqual(gitSource(`https://h/o/r.git#${C}:sub`), { repo: 'https://h/o/r.git', ref: C, commit: C, subdir: 'sub', query: false });
  assert.deepEqual(gitSource('https://h/o/r.git?tag=v1&subdir=a%2Fb'), { repo: 'https://h/o/r.git', ref: 'v1', commit: null, subdir: 'a/b', query: true });
  assert.deepEqual(gitSource(`git@h:o/r.git?branch=main&commit=${C}`), { repo: 'git@h:o/r.git', ref: 'main', commit: C, subdir: null, query: true });
  assert.deepEqual(gitSource('https://h/o/r.git'), { repo: 'https://h/o/r.git', ref: null, commit: null, subdir: null, query: false });
});
