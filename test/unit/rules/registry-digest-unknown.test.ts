import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf, ruleTable } from '../../support/ruleTable';
import { D1, D2, okFact, registryFacts } from '../../support/registryFacts';

const facts = registryFacts({
  [`alpine:3.20@${D1}`]: okFact(D2, { pinnedDigestKnown: false }),
  [`alpine:3.21@${D1}`]: okFact(D1, { pinnedDigestKnown: true }),
  [`busybox@${D1}`]: okFact(D1, { pinnedDigestKnown: false, mediaType: '', isIndex: false }),
  [`nginx:1@${D1}`]: okFact(D2),
});

ruleTable('registry-digest-unknown', [
  { name: 'pin the registry does not know', dockerfile: `FROM alpine:3.20@${D1}\n`, lines: [1], messages: [`does not have`], covers: [`alpine:3.20@${D1}`], options: { facts } },
  { name: 'digest-only pin unknown', dockerfile: `FROM busybox@${D1}\n`, lines: [1], messages: ['Check the digest'], options: { facts } },
  { name: 'in COPY --from', dockerfile: `FROM scratch\nCOPY --from=alpine:3.20@${D1} /a /b\n`, lines: [2], options: { facts } },
  { name: 'known pin', dockerfile: `FROM alpine:3.21@${D1}\n`, lines: [], options: { facts } },
  { name: 'not checked (undefined)', dockerfile: `FROM nginx:1@${D1}\n`, lines: [], options: { facts } },
  { name: 'no facts yet', dockerfile: `FROM alpine:3.20@${D1}\n`, lines: [] },
  { name: 'unpinned image', dockerfile: 'FROM alpine:3.20\n', lines: [], options: { facts } },
  { name: 'suppressed', dockerfile: `# dockerfile-trust ignore=registry-digest-unknown\nFROM alpine:3.20@${D1}\n`, lines: [], options: { facts } },
]);

test('registry-digest-unknown: re-pin fix to the tag\'s current digest, not marked safe', () => {
  const [f] = findingsOf('registry-digest-unknown', `FROM --platform=linux/amd64 alpine:3.20@${D1} AS base\n`, { facts });
  assert.ok(f);
  assert.equal(f.severity, 'warning');
  assert.equal(f.fixes?.length, 1);
  assert.equal(f.fixes?.[0]?.safe, false);
  assert.match(f.fixes?.[0]?.title ?? '', /not signature-verified/);
  assert.deepEqual(f.fixes?.[0]?.edits, [{ range: f.range, newText: `alpine:3.20@${D2}` }]);
  const [g] = findingsOf('registry-digest-unknown', `FROM busybox@${D1}\n`, { facts });
  assert.equal(g?.fixes, undefined, 'no tag: nothing to re-pin to');
});
