import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, ruleTable } from '../../support/ruleTable';

ruleTable('apt-source-unsigned', [
  { name: 'third-party repo without signed-by', dockerfile: 'FROM ubuntu:24.04\nRUN echo "deb [arch=amd64] https://download.example.com/linux/ubuntu noble stable" >> /etc/apt/sources.list\n', lines: [2], messages: ['any key in the global keyring'] },
  { name: 'via tee', dockerfile: 'FROM debian:12\nRUN echo "deb https://apt.example.com stable main" | tee /etc/apt/sources.list.d/x.list\n', lines: [2] },
  { name: 'repo URL from an ARG (host not literally the distro)', dockerfile: 'FROM debian:12\nARG SITE=http://deb.debian.org/debian\nRUN echo "deb ${SITE}/ sid main" >> /etc/apt/sources.list\n', lines: [3], messages: ['without signed-by'] },
  { name: 'several lines in one instruction are one finding', dockerfile: 'FROM ubuntu:24.04\nRUN echo "deb http://archive.ubuntu.com/ubuntu noble main" > /etc/apt/sources.list && echo "deb http://security.ubuntu.com/ubuntu noble-security main" >> /etc/apt/sources.list\n', lines: [2], messages: ['+1 more line'] },
  { name: 'trusted=yes on a remote repo', dockerfile: 'FROM debian:12\nRUN echo "deb [trusted=yes] https://apt.example.com ./" > /etc/apt/sources.list.d/x.list\n', lines: [2], messages: ['trusted=yes'] },
  { name: 'deb822 .sources without Signed-By', dockerfile: 'FROM debian:12\nRUN cat > /etc/apt/sources.list.d/x.sources <<EOF\nTypes: deb\nURIs: https://apt.example.com\nSuites: stable\nComponents: main\nEOF\n', lines: [2] },
  { name: 'with signed-by', dockerfile: 'FROM debian:12\nRUN echo "deb [signed-by=/usr/share/keyrings/x.gpg] https://apt.example.com stable main" > /etc/apt/sources.list.d/x.list\n', lines: [] },
  { name: 'deb822 with Signed-By', dockerfile: 'FROM debian:12\nRUN printf "Types: deb\\nURIs: https://apt.example.com\\nSuites: stable\\nComponents: main\\nSigned-By: /usr/share/keyrings/x.gpg\\n" > /etc/apt/sources.list.d/x.sources\n', lines: [] },
  { name: 'local trusted=yes file repository', dockerfile: 'FROM debian:12\nRUN echo "deb [ trusted=yes ] file:///tmp/repo ./" > /etc/apt/sources.list.d/temp.list\n', lines: [] },
  { name: 'not an apt list', dockerfile: 'FROM debian:12\nRUN echo "deb https://apt.example.com stable main" > /tmp/notes.txt\n', lines: [] },
]);

test('apt-source-unsigned: the distribution\'s own archive is reported as information, not warning', () => {
  const [f] = findingsOf('apt-source-unsigned', 'FROM debian:12\nRUN echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/backports.list\n');
  assert.ok(f);
  assert.equal(f.severity, 'information');
  assert.match(f.message, /distribution's own archive/);
  const [g] = findingsOf('apt-source-unsigned', 'FROM debian:12\nRUN echo "deb https://apt.example.com stable main" > /etc/apt/sources.list.d/x.list\n');
  assert.equal(g?.severity, 'warning');
});
