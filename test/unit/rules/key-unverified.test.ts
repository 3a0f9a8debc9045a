import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, ruleTable } from '../../support/ruleTable';

const FPR = 'ABCDEF0123456789ABCDEF0123456789ABCDEF01';
ruleTable('key-unverified', [
  { name: 'curl | apt-key add -', dockerfile: 'FROM debian:12\nRUN curl -fsSL https://example.com/key.gpg | apt-key add -\n', lines: [2], messages: ['without checking its fingerprint'] },
  { name: 'wget | gpg --dearmor into trusted.gpg.d', dockerfile: 'FROM debian:12\nRUN wget -qO- https://example.com/key.pub | gpg --dearmor | tee /etc/apt/trusted.gpg.d/x.gpg > /dev/null\n', lines: [2] },
  { name: 'apt-key adv --fetch-keys', dockerfile: 'FROM ubuntu:24.04\nRUN apt-key adv --fetch-keys https://example.com/gpg\n', lines: [2], messages: ['--fetch-keys'] },
  { name: 'key curl-ed into the keyring named by signed-by', dockerfile: 'FROM debian:12\nRUN curl -o /usr/share/keyrings/x.asc https://example.com/x.asc && echo "deb [signed-by=/usr/share/keyrings/x.asc] https://apt.example.com stable main" > /etc/apt/sources.list.d/x.list\n', lines: [2] },
  { name: 'rpm --import of a URL', dockerfile: 'FROM rockylinux:9\nRUN rpm --import https://example.com/RPM-GPG-KEY\n', lines: [2] },
  { name: 'short key id from a keyserver', dockerfile: 'FROM debian:12\nRUN gpg --keyserver keyserver.ubuntu.com --recv-keys ACCC4CF8\n', lines: [2], messages: ['short key ID'] },
  { name: 'key by full fingerprint from a keyserver', dockerfile: `FROM debian:12\nRUN gpg --batch --keyserver keyserver.ubuntu.com --recv-keys ${FPR}\n`, lines: [] },
  { name: 'fingerprint written in groups of four, quoted', dockerfile: "FROM debian:12\nRUN gpg --batch --keyserver keyserver.ubuntu.com --recv-keys 'EB4C 1BFD 4F04 2F6D DDCC  EC91 7721 F63B D38B 4796'\n", lines: [] },
  { name: 'fingerprints from an ENV list in a loop', dockerfile: `FROM debian:12\nENV KEYS="${FPR} ${FPR.toLowerCase()}"\nRUN for key in $KEYS; do gpg --recv-keys "$key"; done\n`, lines: [] },
  { name: 'key fetched by URL, only the pinned fingerprint exported', dockerfile: `FROM debian:12\nRUN wget -O KEYS https://example.com/server.asc && gpg --batch --import KEYS && gpg --batch --export --armor ${FPR} > /etc/apt/keyrings/x.asc\n`, lines: [] },
  { name: 'key file checked against a pinned sha512', dockerfile: `FROM alpine:3.20\nRUN wget -O /tmp/k.rsa.pub https://example.com/k.rsa.pub && echo "${'f'.repeat(128)} */tmp/k.rsa.pub" | sha512sum -c - && mv /tmp/k.rsa.pub /etc/apk/keys/\n`, lines: [] },
  { name: 'ADD of a key into trusted.gpg.d', dockerfile: 'FROM debian:12\nADD https://example.com/key.gpg /etc/apt/trusted.gpg.d/x.gpg\n', lines: [2], messages: ['ADD --checksum'] },
  { name: 'ADD of a key into a keyrings directory', dockerfile: 'FROM debian:12\nADD https://example.com/k.asc /etc/apt/keyrings/\n', lines: [2] },
  { name: 'ADD --checksum of a key', dockerfile: `FROM debian:12\nADD --checksum=sha256:${'5'.repeat(64)} https://example.com/key.gpg /etc/apt/trusted.gpg.d/x.gpg\n`, lines: [] },
  { name: 'key shipped in the build context', dockerfile: 'FROM debian:12\nCOPY key.asc /tmp/\nRUN gpg --import /tmp/key.asc\n', lines: [] },
]);

test('key-unverified: a key ADDed into a keyring carries the ADD --checksum fix data', () => {
  const [f] = findingsOf('key-unverified', 'FROM debian:12\nADD https://example.com/key.gpg /etc/apt/trusted.gpg.d/x.gpg\n');
  assert.equal(f?.data?.kind, 'add-checksum');
  assert.equal(f?.data?.['url'], 'https://example.com/key.gpg');
  assert.deepEqual(f?.data?.['insertAt'], { start: { line: 1, character: 3 }, end: { line: 1, character: 3 } });
});
