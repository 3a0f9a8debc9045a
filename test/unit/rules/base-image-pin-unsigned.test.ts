import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf, ruleTable } from '../../support/ruleTable';
import { D1, D2, D3, okFact } from '../../support/registryFacts';
import { imageFacts, signedFact, unsignedFact } from '../../support/notary';

const facts = imageFacts({
  [`corp.example/app:1@${D2}`]: { trust: [signedFact(D1)] },
  [`corp.example/app:2@${D1}`]: { trust: [signedFact(D1)] },
  [`corp.example/app:3@${D2}`]: { trust: [signedFact(D1, { signedDigests: [D1, D2] })] },
  // D3 is the linux/arm64 child of the signed index D1.
  [`corp.example/app:4@${D3}`]: { trust: [signedFact(D1)], registry: okFact(D1, { platforms: [{ os: 'linux', architecture: 'arm64', digest: D3 }] }) },
  [`corp.example/app:5@${D2}`]: { trust: [unsignedFact()] },
  [`corp.example/app@${D2}`]: { trust: [unsignedFact()] },
});

ruleTable('base-image-pin-unsigned', [
  { name: 'pin is not the signed digest', dockerfile: `FROM corp.example/app:1@${D2}\n`, lines: [1], messages: [`the signed digest is ${D1} (signed by releases`], options: { facts } },
  { name: 'pin is the signed digest', dockerfile: `FROM corp.example/app:2@${D1}\n`, lines: [], options: { facts } },
  { name: 'pin is another signed digest of the tag', dockerfile: `FROM corp.example/app:3@${D2}\n`, lines: [], options: { facts } },
  { name: 'platform child of the signed index', dockerfile: `FROM corp.example/app:4@${D3}\n`, lines: [], options: { facts } },
  { name: 'tag unsigned altogether: base-image-unsigned territory', dockerfile: `FROM corp.example/app:5@${D2}\n`, lines: [], options: { facts } },
  { name: 'digest only: no tag to compare', dockerfile: `FROM corp.example/app@${D2}\n`, lines: [], options: { facts } },
]);

test('base-image-pin-unsigned: the fix pins the signed digest, never the registry one', () => {
  const text = `FROM corp.example/app:1@${D2} AS build\n`;
  const [f] = findingsOf('base-image-pin-unsigned', text, { facts });
  assert.ok(f);
  assert.equal(f.severity, 'warning');
  const fix = f.fixes?.[0];
  assert.ok(fix);
  assert.match(fix.title, /^Pin to signed digest sha256:111111111111… \(signed by releases\)$/);
  assert.equal(fix.safe, false);
  const e = fix.edits[0]!;
  const line = text.split('\n')[0]!;
  assert.equal(line.slice(0, e.range.start.character) + e.newText + line.slice(e.range.end.character), `FROM corp.example/app:1@${D1} AS build`);
  assert.equal(f.data?.['digest'], D1);
});
