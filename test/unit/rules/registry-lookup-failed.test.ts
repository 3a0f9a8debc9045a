import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf, ruleTable } from '../../support/ruleTable';
import { errorFact, okFact, D1, registryFacts } from '../../support/registryFacts';

const facts = registryFacts({
  'ghcr.io/acme/private:1': errorFact('unauthorized', 'ghcr.io refused access to ghcr.io/acme/private:1'),
  'alpine:3.20': errorFact('unreachable', 'cannot reach https://registry-1.docker.io/v2/: connection refused'),
  'alpine:3.21': errorFact('invalid', 'the manifest does not match the digest it announced'),
  'alpine:3.22': errorFact('offline', 'offline mode: alpine:3.22 has not been looked up before'),
  'alpine:3.23': errorFact('rate-limited', 'registry-1.docker.io is rate-limiting requests'),
  'alpine:3.19': okFact(D1),
});

ruleTable('registry-lookup-failed', [
  { name: 'unauthorized', dockerfile: 'FROM ghcr.io/acme/private:1\n', lines: [1], messages: ['(unauthorized)'], options: { facts } },
  { name: 'unreachable', dockerfile: 'FROM alpine:3.20\n', lines: [1], messages: [/connection refused.*Check the network/], options: { facts } },
  { name: 'rate-limited', dockerfile: 'FROM alpine:3.23\n', lines: [1], messages: ['slow down'], options: { facts } },
  { name: 'two images, one failing', dockerfile: 'FROM alpine:3.19\nFROM alpine:3.20\n', lines: [2], options: { facts } },
  { name: 'lookup ok', dockerfile: 'FROM alpine:3.19\n', lines: [], options: { facts } },
  { name: 'no facts yet', dockerfile: 'FROM alpine:3.20\n', lines: [] },
  { name: 'stage reference', dockerfile: 'FROM alpine:3.19 AS a\nFROM a\n', lines: [], options: { facts } },
]);

test('registry-lookup-failed: severity follows the kind of failure', () => {
  assert.equal(findingsOf('registry-lookup-failed', 'FROM alpine:3.20\n', { facts })[0]?.severity, 'information');
  assert.equal(findingsOf('registry-lookup-failed', 'FROM alpine:3.21\n', { facts })[0]?.severity, 'warning');
  assert.equal(findingsOf('registry-lookup-failed', 'FROM alpine:3.22\n', { facts })[0]?.severity, 'hint');
});
