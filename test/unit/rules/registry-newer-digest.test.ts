import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf, ruleTable } from '../../support/ruleTable';
import { D1, D2, D3, okFact, registryFacts } from '../../support/registryFacts';

const facts = registryFacts({
  [`node:22@${D1}`]: okFact(D2, { pinnedDigestKnown: true }),
  [`node:20@${D1}`]: okFact(D1, { pinnedDigestKnown: true }),
  // A deliberate platform pin: D3 is the linux/arm64 child of the current index D2.
  [`node:18@${D3}`]: okFact(D2, { pinnedDigestKnown: true, platforms: [{ os: 'linux', architecture: 'arm64', digest: D3 }] }),
  [`node:16@${D1}`]: okFact(D2, { pinnedDigestKnown: false }),
  [`node@${D1}`]: okFact(D1, { pinnedDigestKnown: true }),
  ['node:22']: okFact(D2),
});

ruleTable('registry-newer-digest', [
  { name: 'tag moved', dockerfile: `FROM node:22@${D1}\n`, lines: [1], messages: [`Newer digest for 22`], covers: [`node:22@${D1}`], options: { facts } },
  { name: 'tag moved, ONBUILD COPY --from', dockerfile: `FROM scratch\nONBUILD COPY --from=node:22@${D1} /a /b\n`, lines: [2], options: { facts } },
  { name: 'pin is current', dockerfile: `FROM node:20@${D1}\n`, lines: [], options: { facts } },
  { name: 'platform child of the current index', dockerfile: `FROM node:18@${D3}\n`, lines: [], options: { facts } },
  { name: 'unknown pin is another rule', dockerfile: `FROM node:16@${D1}\n`, lines: [], options: { facts } },
  { name: 'digest only: no tag to compare', dockerfile: `FROM node@${D1}\n`, lines: [], options: { facts } },
  { name: 'not pinned', dockerfile: 'FROM node:22\n', lines: [], options: { facts } },
]);

test('registry-newer-digest: information, update fix keeps --platform, AS and comments', () => {
  const text = `# base image\nFROM --platform=$BUILDPLATFORM node:22@${D1} AS build # trailing\n`;
  const [f] = findingsOf('registry-newer-digest', text, { facts });
  assert.ok(f);
  assert.equal(f.severity, 'information');
  const fix = f.fixes?.[0];
  assert.ok(fix);
  assert.match(fix.title, /Update pin to the current digest of 22 \(registry digest, not signature-verified\)/);
  assert.equal(fix.edits.length, 1);
  const e = fix.edits[0];
  assert.ok(e);
  const line = text.split('\n')[1] ?? '';
  const after = line.slice(0, e.range.start.character) + e.newText + line.slice(e.range.end.character);
  assert.equal(after, `FROM --platform=$BUILDPLATFORM node:22@${D2} AS build # trailing`);
  assert.equal(f.data?.['digest'], D2);
});

test('registry-newer-digest: a reference built from variables gets no in-place fix', () => {
  const text = `ARG V=22\nFROM node:\${V}@${D1}\n`;
  const [f] = findingsOf('registry-newer-digest', text, { facts });
  assert.ok(f);
  assert.equal(f.fixes, undefined);
  assert.match(f.message, /contains variables/);
});
