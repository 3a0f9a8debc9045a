// "Pin this download" / "Pin this clone" (pins.ts, handlers/pinTargets.ts): where the check goes, what it says, and
// that the Dockerfile with the check applied is verified by the same analysis (and still says what it did before otherwise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { applyEdits } from '../../../server/src/core/fixAll';
import { clonePinEdit, downloadPinEdit, pinTargetOf } from '../../../server/src/core/downloads/pins';
import type { Finding } from '../../../server/src/core/types';
import { downloadsOf } from '../../support/downloadTable';

const HEX = 'ab'.repeat(32);
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

function pinned(text: string, rule: string, value: string, build = downloadPinEdit): { after: string; finding: Finding; inserted: string } {
  const finding = analyze(text).findings.find((f) => f.ruleId === rule);
  assert.ok(finding, `a ${rule} finding in:\n${text}`);
  const pin = pinTargetOf(finding);
  assert.ok(pin, `${rule} carries a pin target: ${JSON.stringify(finding.data)}`);
  const edit = build(pin, value);
  assert.ok(edit);
  return { after: applyEdits(text, [...edit.edits]), finding, inserted: edit.text };
}

const cases: { name: string; text: string; rule: string; expect: string; build?: typeof downloadPinEdit }[] = [
  { name: 'curl -o in an && chain', text: 'FROM alpine:3.20\nRUN curl -fsSLo /tmp/t.tgz https://example.com/t.tgz && tar -xzf /tmp/t.tgz -C /opt\n', rule: 'download-unverified', expect: `RUN curl -fsSLo /tmp/t.tgz https://example.com/t.tgz && echo "${HEX}  /tmp/t.tgz" | sha256sum -c - && tar -xzf /tmp/t.tgz -C /opt` },
  { name: 'wget, then `;` without set -e: the check exits on a mismatch', text: 'FROM alpine:3.20\nRUN wget -q https://example.com/a/b.zip; unzip b.zip\n', rule: 'download-unverified', expect: `RUN wget -q https://example.com/a/b.zip && { echo "${HEX}  b.zip" | sha256sum -c - || exit 1; }; unzip b.zip` },
  { name: 'curl -o "$DIR/x" under set -e, on a continuation line', text: 'FROM alpine:3.20\nENV DIR=/opt\nRUN set -eux; \\\n    curl -fsSL -o "$DIR/x.tgz" https://example.com/x.tgz; \\\n    tar -xzf "$DIR/x.tgz"\n', rule: 'download-unverified', expect: `    curl -fsSL -o "$DIR/x.tgz" https://example.com/x.tgz && echo "${HEX}  $DIR/x.tgz" | sha256sum -c -; \\` },
  { name: 'curl | sh rewritten to download, check, run', text: 'FROM alpine:3.20\nRUN curl -fsSL https://get.example.com/install.sh | sh -s -- --yes\n', rule: 'download-piped-to-shell', expect: `RUN curl -o /tmp/install.sh -fsSL https://get.example.com/install.sh && echo "${HEX}  /tmp/install.sh" | sha256sum -c - && sh /tmp/install.sh --yes` },
  { name: 'wget -qO- | sudo -E bash -', text: 'FROM debian:12\nRUN wget -qO- https://deb.example.com/setup_22.x | sudo -E bash - && apt-get install -y nodejs\n', rule: 'download-piped-to-shell', expect: `RUN wget -qO /tmp/setup_22.x https://deb.example.com/setup_22.x && echo "${HEX}  /tmp/setup_22.x" | sha256sum -c - && sudo -E bash /tmp/setup_22.x && apt-get install -y nodejs` },
  { name: 'Invoke-WebRequest -OutFile', text: '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN Invoke-WebRequest -Uri https://example.com/x.zip -OutFile $env:TEMP\\x.zip; Expand-Archive $env:TEMP\\x.zip C:\\x\n', rule: 'download-unverified', expect: `RUN Invoke-WebRequest -Uri https://example.com/x.zip -OutFile $env:TEMP\\x.zip; if ((Get-FileHash $env:TEMP\\x.zip -Algorithm SHA256).Hash -ne '${HEX.toUpperCase()}') { exit 1 }; Expand-Archive $env:TEMP\\x.zip C:\\x` },
  { name: 'git clone -b tag: the commit checked out after the clone', text: 'FROM alpine:3.20\nRUN git clone --depth 1 -b v1.2 https://github.com/o/r.git /src && make -C /src\n', rule: 'git-ref-unpinned', expect: `RUN git clone --depth 1 -b v1.2 https://github.com/o/r.git /src && git -C /src checkout --quiet ${COMMIT} && make -C /src`, build: clonePinEdit },
  { name: 'ADD git#tag:subdir', text: 'FROM alpine:3.20\nADD https://github.com/o/r.git#v1.2:docs /docs\n', rule: 'git-ref-unpinned', expect: `ADD https://github.com/o/r.git#${COMMIT}:docs /docs`, build: clonePinEdit },
  { name: 'ADD git?tag= (query form keeps the tag)', text: 'FROM alpine:3.20\nADD https://github.com/o/r.git?tag=v1.2&subdir=cmd /src\n', rule: 'git-ref-unpinned', expect: `ADD https://github.com/o/r.git?tag=v1.2&subdir=cmd&commit=${COMMIT} /src`, build: clonePinEdit },
];

for (const c of cases) {
  test(`pins: ${c.name}`, () => {
    const value = c.build === clonePinEdit ? COMMIT : HEX;
    const { after } = pinned(c.text, c.rule, value, c.build ?? downloadPinEdit);
    assert.ok(after.split('\n').includes(c.expect), `expected the line\n${c.expect}\nin\n${after}`);
    // The analysis now sees a verified download (or commit): the fix does what it says.
    const left = analyze(after).findings.filter((f) => f.ruleId === c.rule);
    assert.deepEqual(left.map((f) => f.message), [], after);
    assert.ok(downloadsOf(after).some((d) => d.status === 'verified'), after);
  });
}

test('pins: no target where the inserted text could not be sure to run right after the fetch', () => {
  const none = (text: string, rule = 'download-unverified'): void => {
    const f = analyze(text).findings.find((x) => x.ruleId === rule);
    assert.ok(f, text);
    assert.equal(pinTargetOf(f), null, text);
  };
  none('FROM alpine:3.20\nRUN curl -fsSLo a http://example.com/a\n'); // plain http: never a hash fetched over http
  none('FROM alpine:3.20\nRUN curl -fsSLo a https://example.com/a || curl -fsSLo a https://mirror.example.com/a\n'); // a || fallback
  none('FROM alpine:3.20\nRUN for u in https://example.com/a; do curl -fsSLo a "$u"; done\n'); // in a loop
  none('FROM alpine:3.20\nRUN get() { curl -fsSLo "$1" "https://example.com/$1"; }; get a\n'); // in a helper
  none('FROM alpine:3.20\nRUN case "$(uname -m)" in x86_64) A=amd64;; *) A=arm64;; esac; curl -fsSLo t "https://example.com/t-$A"\n'); // one of several URLs
  none('FROM alpine:3.20\nRUN curl -fsSLo t "https://example.com/$(cat /version)/t"\n'); // unknown URL
  none("FROM alpine:3.20\nRUN sh -c 'curl -fsSLo /t https://example.com/t'\n"); // inside sh -c
  none('FROM alpine:3.20\nRUN curl -fsSL https://get.example.com | tee /tmp/i.sh | sh\n', 'download-piped-to-shell'); // more than one pipe
});

test('pins: pinTargetOf refuses data that is not a pin target, and the builders refuse malformed values', () => {
  assert.equal(pinTargetOf({ data: { kind: 'download', pin: { kind: 'file', url: 'http://x/a', file: 'a', shell: 'posix', insertAt: { line: 0, character: 0 }, guard: 'chain' } } }), null);
  assert.equal(pinTargetOf({ data: { kind: 'download', pin: { kind: 'file', url: 'https://x/a', file: 'a', shell: 'cmd', insertAt: { line: 0, character: 0 }, guard: 'chain' } } }), null);
  assert.equal(pinTargetOf({ data: { kind: 'download' } }), null);
  const pin = pinTargetOf({ data: { kind: 'download', pin: { kind: 'file', url: 'https://x/a', file: 'a', shell: 'posix', insertAt: { line: 1, character: 5 }, guard: 'chain' } } });
  assert.ok(pin);
  assert.equal(downloadPinEdit(pin, 'zz'), null);
  assert.equal(downloadPinEdit(pin, 'a'.repeat(63)), null);
  assert.equal(clonePinEdit(pin, COMMIT), null, 'a commit does not pin a file download');
  assert.equal(downloadPinEdit(pin, HEX.toUpperCase())?.text, ` && echo "${HEX}  a" | sha256sum -c -`);
});
