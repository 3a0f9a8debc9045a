// Hash checks (handlers/hashers.ts): a checksum counts only when it is pinned in the Dockerfile and a mismatch fails the build.
import { downloadTable } from '../../../support/downloadTable';

const SHA = 'd'.repeat(64);
const F = 'FROM debian:12\nENV SHA=' + SHA + '\n';
const GET = 'curl -fsSLo t.tgz https://example.com/t.tgz';
downloadTable('hashers', [
  // Idioms that verify.
  { name: 'echo | sha256sum -c -', dockerfile: `${F}RUN ${GET} && echo "$SHA  t.tgz" | sha256sum -c - && tar -xzf t.tgz\n`, downloads: [{ status: 'verified', verifiedBy: 'sha256sum -c' }] },
  { name: 'sha256sum --check --strict with a here-string', dockerfile: `${F}RUN ${GET} && sha256sum --strict --check <<< "$SHA *t.tgz"\n`, downloads: [{ status: 'verified' }] },
  { name: 'shasum -a 256 -c with a file written from a literal', dockerfile: `${F}RUN ${GET} && echo "${SHA}  t.tgz" > t.sha256 && shasum -a 256 -c t.sha256\n`, downloads: [{ status: 'verified' }] },
  { name: 'set -e, then the check as its own statement', dockerfile: `${F}RUN set -eux; ${GET}; echo "$SHA  t.tgz" | sha256sum -c -; tar -xzf t.tgz\n`, downloads: [{ status: 'verified' }] },
  { name: 'check || exit 1', dockerfile: `${F}RUN ${GET}; echo "$SHA  t.tgz" | sha256sum -c - || exit 1; tar -xzf t.tgz\n`, downloads: [{ status: 'verified' }] },
  { name: 'check || { echo …; exit 1; }', dockerfile: `${F}RUN ${GET} && { echo "$SHA  t.tgz" | sha256sum -c - || { echo "bad checksum" >&2; exit 1; }; }\n`, downloads: [{ status: 'verified' }] },
  { name: 'if ! check; then false; fi', dockerfile: `${F}RUN ${GET}; if ! echo "$SHA  t.tgz" | sha256sum -c -; then echo mismatch; false; fi\n`, downloads: [{ status: 'verified' }] },
  { name: '[ "$(sha256sum …)" = "$SHA" ] in an && chain', dockerfile: `${F}RUN ${GET} && [ "$(sha256sum t.tgz | cut -d' ' -f1)" = "$SHA" ] && tar -xzf t.tgz\n`, downloads: [{ status: 'verified', verifiedBy: 'pinned value' }] },
  { name: 'if [ … != … ]; then exit 1; fi', dockerfile: `${F}RUN ${GET}; if [ "$(sha256sum t.tgz | awk '{print $1}')" != "$SHA" ]; then echo "mismatch" >&2; exit 1; fi\n`, downloads: [{ status: 'verified' }] },
  { name: 'a helper that exits, called on mismatch', dockerfile: `${F}RUN die() { echo "$*" >&2; exit 1; }; ${GET}; echo "$SHA  t.tgz" | sha256sum -c - || die "checksum"\n`, downloads: [{ status: 'verified' }] },
  // Look-alikes.
  { name: 'look-alike: if [ … != … ]; then echo; fi', dockerfile: `${F}RUN ${GET} && if [ "$(sha256sum t.tgz | cut -d' ' -f1)" != "$SHA" ]; then echo "checksum mismatch"; fi && tar -xzf t.tgz\n`, downloads: [{ status: 'unverified', weak: 'mismatch does not stop the build' }] },
  { name: 'look-alike: [ … = … ] || echo', dockerfile: `${F}RUN ${GET}; [ "$(sha256sum t.tgz | cut -c1-64)" = "$SHA" ] || echo "WARNING: checksum"\n`, downloads: [{ status: 'unverified', weak: 'ignored' }] },
  { name: 'look-alike: check || true', dockerfile: `${F}RUN ${GET}; echo "$SHA  t.tgz" | sha256sum -c - || true\n`, downloads: [{ status: 'unverified', weak: 'ignored' }] },
  { name: 'look-alike: if check; then echo ok; else echo bad; fi', dockerfile: `${F}RUN ${GET}; if echo "$SHA  t.tgz" | sha256sum -c -; then echo ok; else echo "bad checksum"; fi; tar -xzf t.tgz\n`, downloads: [{ status: 'unverified', weak: 'mismatch branch only runs' }] },
  { name: 'look-alike: a bare [ … != … ] succeeds on a mismatch', dockerfile: `${F}RUN ${GET}; [ "$(sha256sum t.tgz | cut -d' ' -f1)" != "$SHA" ]; tar -xzf t.tgz\n`, downloads: [{ status: 'unverified' }] },
  { name: 'look-alike: expected hash downloaded from the same server', dockerfile: `FROM debian:12\nRUN ${GET} && curl -fsSLo t.tgz.sha256 https://example.com/t.tgz.sha256 && echo "$(cat t.tgz.sha256)  t.tgz" | sha256sum -c -\n`, downloads: [{ status: 'unverified', weak: 'same server' }, { status: 'material' }] },
  { name: 'look-alike: expected hash computed from the file itself', dockerfile: `FROM debian:12\nRUN ${GET} && sha256sum t.tgz > t.sum && sha256sum -c t.sum\n`, downloads: [{ status: 'unverified', weak: 'computed from the downloaded file' }] },
  { name: 'look-alike: hash printed only', dockerfile: `FROM debian:12\nRUN ${GET} && sha256sum t.tgz && tar -xzf t.tgz\n`, downloads: [{ status: 'unverified', weak: 'only prints the hash' }] },
  { name: 'look-alike: md5sum -c', dockerfile: `FROM debian:12\nRUN ${GET} && echo "${'e'.repeat(32)}  t.tgz" | md5sum -c -\n`, downloads: [{ status: 'unverified', weak: 'broken hash' }] },
]);
