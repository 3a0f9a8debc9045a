// The walk itself (walker.ts): values chosen by `case`, helper functions per call site, order of check and use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describe } from '../../../server/src/core/downloads/messages';
import { downloadsOf, downloadTable } from '../../support/downloadTable';

const SHA = '4'.repeat(64);
downloadTable('walker', [
  { name: 'a URL chosen by case is one of its arms', dockerfile: 'FROM debian:12\nRUN case "$(uname -m)" in x86_64) A=amd64;; aarch64) A=arm64;; esac; curl -fsSLo t.tgz "https://example.com/t-$A.tgz"\n', downloads: [{ status: 'unverified', alternatives: ['https://example.com/t-amd64.tgz', 'https://example.com/t-arm64.tgz'] }] },
  { name: 'a helper function: one download per call, at the call, with its arguments', dockerfile: 'FROM debian:12\nRUN get() { curl -fsSLo "$1" "https://example.com/$2"; }; \\\n  get a.tgz a-1.tgz; \\\n  get b.tgz b-2.tgz\n', downloads: [{ status: 'unverified', url: 'https://example.com/a-1.tgz', outputs: ['a.tgz'], line: 3 }, { status: 'unverified', url: 'https://example.com/b-2.tgz', outputs: ['b.tgz'], line: 4 }] },
  { name: 'a helper called per file with the check after each call', dockerfile: `FROM debian:12\nENV A_SHA=${SHA}\nRUN get() { wget -O "$1" "https://example.com/$1"; }; get a.tgz; echo "$A_SHA  a.tgz" | sha256sum -c -\n`, downloads: [{ status: 'verified' }] },
  { name: 'a helper called without the arguments it fetches: no download', dockerfile: 'FROM debian:12\nENV PATCHES=""\nRUN fetch() { while [ "$#" -gt 0 ]; do curl -fsSLo "$1" "https://example.com/p/$1"; shift; done; }; fetch $PATCHES\n', downloads: [] },
  { name: 'checked in a later RUN, before any use', dockerfile: `FROM debian:12\nRUN curl -fsSLo /t.tgz https://example.com/t.tgz\nRUN echo "${SHA}  /t.tgz" | sha256sum -c - && tar -xzf /t.tgz\n`, downloads: [{ status: 'verified' }] },
  { name: 'look-alike: extracted in one RUN, checked in the next', dockerfile: `FROM debian:12\nRUN curl -fsSLo /t.tgz https://example.com/t.tgz && tar -xzf /t.tgz\nRUN echo "${SHA}  /t.tgz" | sha256sum -c -\n`, downloads: [{ status: 'unverified', weak: 'extracted by tar before the check' }] },
  { name: 'look-alike: executed, then checked', dockerfile: `FROM debian:12\nRUN curl -fsSLo i.sh https://example.com/i.sh && sh i.sh && echo "${SHA}  i.sh" | sha256sum -c -\n`, downloads: [{ status: 'unverified', weak: 'executed by sh before the check' }] },
  { name: 'made executable before the check is not a use', dockerfile: `FROM debian:12\nRUN curl -fsSLo /usr/local/bin/t https://example.com/t && chmod +x /usr/local/bin/t && echo "${SHA}  /usr/local/bin/t" | sha256sum -c -\n`, downloads: [{ status: 'verified' }] },
  { name: 'a check in another stage does not count', dockerfile: `FROM debian:12 AS a\nRUN curl -fsSLo /t https://example.com/t\nFROM debian:12\nRUN echo "${SHA}  /t" | sha256sum -c -\n`, downloads: [{ status: 'unverified' }] },
]);

test('walker: messages show a case-chosen URL as "one of …" and never a cut-off backquote', () => {
  const [d] = downloadsOf('FROM debian:12\nRUN case "$(dpkg --print-architecture)" in amd64) A=x86_64;; arm64) A=aarch64;; esac; curl -fsSLo t.tgz "https://example.com/t-$A.tgz"\n');
  assert.ok(d);
  assert.equal(describe(d), 'curl of https://example.com/t-$A.tgz (= one of https://example.com/t-x86_64.tgz, https://example.com/t-aarch64.tgz) into t.tgz');
  const [b] = downloadsOf('FROM debian:12\nRUN curl -fsSLo /tmp/app-`uname -m`.tgz https://example.com/app.tgz\n');
  assert.ok(b);
  assert.equal(describe(b), 'curl of https://example.com/app.tgz into /tmp/app-$(uname -m).tgz');
  assert.ok(!describe(b).includes('`'));
});

test('walker: a download another stage takes with COPY --from says so, also while typing', async () => {
  const { analyze } = await import('../../../server/src/core/analyze');
  const { IncrementalDocument } = await import('../../../server/src/core/incremental');
  const text = 'FROM debian:12 AS build\nRUN curl -fsSLo /opt/tool https://example.com/tool\nFROM debian:12 AS runtime\nCOPY --from=build /opt/ /usr/local/bin/\n';
  const f = analyze(text).findings.find((x) => x.ruleId === 'download-unverified');
  assert.match(f?.message ?? '', /copied into stage runtime \(COPY --from\)/);
  // A stage-local rule's reports on the first stage change when only the second stage's COPY changes.
  const inc = new IncrementalDocument(text);
  inc.analyze();
  const edited = text.replace('COPY --from=build /opt/', 'COPY --from=build /srv/');
  inc.update(edited, [{ range: { start: { line: 3, character: 19 }, end: { line: 3, character: 22 } }, text: 'srv' }]);
  const mine = inc.analyze();
  assert.deepEqual(mine, analyze(edited));
  assert.ok(!mine.findings.some((x) => /COPY --from/.test(x.message)));
  // Not copied: a download in a stage nobody copies from.
  assert.ok(!analyze('FROM debian:12\nRUN curl -fsSLo /opt/tool https://example.com/tool\n').findings.some((x) => /COPY --from/.test(x.message)));
});
