import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf, ruleTable } from '../../support/ruleTable';
import { errorFact, okFact, D1, registryFacts } from '../../support/registryFacts';

const facts = registryFacts({
  'ghcr.io/acme/private:1': errorFact('unauthorized', 'ghcr.io refused access to ghcr.io/acme/private:1'),
  'alpine:3.20': errorFact('unreachable', 'cannot reach https://registry-1.docker.io/v2/: connection refused'),
  'alpine:3.21': errorFact('invalid', 'the manifest does not match the digest it announced'),
  'alpine:3.22': errorFact('offline', 'working from the cache only, and alpine:3.22 is not in it'),
  'alpine:3.23': errorFact('rate-limited', 'registry-1.docker.io is rate-limiting requests'),
  'alpine:3.24': errorFact('not-found', 'docker.io has no tag 3.24 for library/alpine'),
  'alpine:3.25': errorFact('tls', 'the certificate of registry-1.docker.io is not trusted'),
  'alpine:3.26': errorFact('timeout', 'registry-1.docker.io did not answer within 15 s'),
  'alpine:3.19': okFact(D1),
});

const withFacts = (c: { name: string; dockerfile: string; lines: number[]; messages?: (string | RegExp)[] }) => ({ ...c, options: { facts } });

ruleTable('registry-lookup-failed', [
  ...[
    { name: 'unauthorized', dockerfile: 'FROM ghcr.io/acme/private:1\n', lines: [1], messages: [/^FROM ghcr.io\/acme\/private:1: the registry lookup failed \(unauthorized\).*docker login/] },
    { name: 'not found', dockerfile: 'FROM alpine:3.24\n', lines: [1], messages: [/\(not-found\): docker.io has no tag.*Check the repository name/] },
    { name: 'invalid answer', dockerfile: 'FROM alpine:3.21\n', lines: [1], messages: ['failed the checks'] },
    { name: 'one finding per image and file, on its first use', dockerfile: 'FROM alpine:3.24 AS a\nFROM alpine:3.24 AS b\nCOPY --from=alpine:3.24 /x /y\n', lines: [1] },
    { name: 'two images, one failing', dockerfile: 'FROM alpine:3.19\nFROM alpine:3.24\n', lines: [2] },
    // The way to the registry is not the image's problem: the editor shows it once for the workspace.
    { name: 'unreachable is not a finding', dockerfile: 'FROM alpine:3.20\n', lines: [] },
    { name: 'timeout is not a finding', dockerfile: 'FROM alpine:3.26\n', lines: [] },
    { name: 'tls is not a finding', dockerfile: 'FROM alpine:3.25\n', lines: [] },
    { name: 'rate limit is not a finding', dockerfile: 'FROM alpine:3.23\n', lines: [] },
    { name: 'cache only is not a finding', dockerfile: 'FROM alpine:3.22\n', lines: [] },
    { name: 'lookup ok', dockerfile: 'FROM alpine:3.19\n', lines: [] },
    { name: 'stage reference', dockerfile: 'FROM alpine:3.19 AS a\nFROM a\n', lines: [] },
  ].map(withFacts),
  { name: 'no facts yet', dockerfile: 'FROM alpine:3.24\n', lines: [] },
]);

test('registry-lookup-failed: data that failed integrity checks is a warning, a refusal information', () => {
  assert.equal(findingsOf('registry-lookup-failed', 'FROM alpine:3.21\n', { facts })[0]?.severity, 'warning');
  assert.equal(findingsOf('registry-lookup-failed', 'FROM ghcr.io/acme/private:1\n', { facts })[0]?.severity, 'information');
});
