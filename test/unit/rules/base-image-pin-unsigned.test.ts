import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf, ruleTable } from '../../support/ruleTable';
import { D1, D2, D3, D4, okFact } from '../../support/registryFacts';
import { imageFacts, signedFact, unsignedFact } from '../../support/notary';

const facts = imageFacts({
  [`corp.example/app:1@${D2}`]: { trust: [signedFact(D1)] },
  [`corp.example/app:2@${D1}`]: { trust: [signedFact(D1)] },
  [`corp.example/app@${D1}`]: { trust: [signedFact(D1, { subject: { tag: null, digest: D1 }, tagDigest: null })] },
  // D3 is the linux/arm64 child of the signed index D1.
  [`corp.example/app:4@${D3}`]: { trust: [signedFact(D1)], registry: okFact(D1, { platforms: [{ os: 'linux', architecture: 'arm64', digest: D3 }] }) },
  // The registry's index is D4 (unsigned) and lists D3: being listed by an unsigned index proves nothing.
  [`corp.example/app:4b@${D3}`]: { trust: [signedFact(D1)], registry: okFact(D4, { platforms: [{ os: 'linux', architecture: 'arm64', digest: D3 }] }) },
  [`corp.example/app:5@${D2}`]: { trust: [unsignedFact()] },
  [`corp.example/app@${D2}`]: { trust: [unsignedFact()] },
  // Issue 12 #1: releases signs D1 for v1, the repository key (Repo Admin) signs D2; the pin is D2.
  [`corp.example/app:v1@${D2}`]: { trust: [signedFact(D1, { others: [{ digest: D2, signers: ['Repo Admin'] }] })], policy: { required: true, signers: ['releases'] } },
  [`corp.example/app:v1b@${D2}`]: { trust: [signedFact(D1, { others: [{ digest: D2, signers: ['Repo Admin'] }] })] },
  [`corp.example/app:v1c@${D2}`]: { trust: [signedFact(D1)], policy: { required: true } },
});

ruleTable('base-image-pin-unsigned', [
  { name: 'pin is not a signed digest', dockerfile: `FROM corp.example/app:1@${D2}\n`, lines: [1], messages: [`which is not signed for 1: releases signs ${D1} for 1`], options: { facts } },
  { name: 'pin is the signed digest', dockerfile: `FROM corp.example/app:2@${D1}\n`, lines: [], options: { facts } },
  { name: 'digest-only pin that a signer lists', dockerfile: `FROM corp.example/app@${D1}\n`, lines: [], options: { facts } },
  { name: 'platform child of the signed index', dockerfile: `FROM corp.example/app:4@${D3}\n`, lines: [], options: { facts } },
  { name: 'platform child of an unsigned index', dockerfile: `FROM corp.example/app:4b@${D3}\n`, lines: [1], options: { facts } },
  { name: 'tag unsigned altogether: base-image-unsigned territory', dockerfile: `FROM corp.example/app:5@${D2}\n`, lines: [], options: { facts } },
  { name: 'digest only, unsigned: base-image-unsigned territory', dockerfile: `FROM corp.example/app@${D2}\n`, lines: [], options: { facts } },
  {
    name: 'pin signed only by Repo Admin, policy requires releases (#1)',
    dockerfile: `FROM corp.example/app:v1@${D2}\n`,
    lines: [1],
    messages: [`is pinned to ${D2}, which is signed for v1 only by Repo Admin; policy requires releases (releases signs ${D1} for v1)`],
    options: { facts },
  },
  { name: 'pin signed by Repo Admin, docker would pick releases: said, quietly', dockerfile: `FROM corp.example/app:v1b@${D2}\n`, lines: [1], messages: [`your pin ${D2} is signed by Repo Admin, but releases signs ${D1} for v1b`], options: { facts } },
]);

test('base-image-pin-unsigned: severities — the policy decides; without policy a warning; "another signed pin" is information', () => {
  assert.equal(findingsOf('base-image-pin-unsigned', `FROM corp.example/app:1@${D2}\n`, { facts })[0]?.severity, 'warning');
  assert.equal(findingsOf('base-image-pin-unsigned', `FROM corp.example/app:v1@${D2}\n`, { facts })[0]?.severity, 'error');
  assert.equal(findingsOf('base-image-pin-unsigned', `FROM corp.example/app:v1c@${D2}\n`, { facts })[0]?.severity, 'error');
  assert.equal(findingsOf('base-image-pin-unsigned', `FROM corp.example/app:v1b@${D2}\n`, { facts })[0]?.severity, 'information');
});

test('base-image-pin-unsigned: the fix pins the digest an accepted signer vouches for, never the registry one', () => {
  const text = `FROM corp.example/app:1@${D2} AS build\n`;
  const [f] = findingsOf('base-image-pin-unsigned', text, { facts });
  assert.ok(f);
  const fix = f.fixes?.[0];
  assert.ok(fix);
  assert.match(fix.title, /^Pin to signed digest sha256:111111111111… \(signed by releases\)$/);
  assert.equal(fix.safe, false);
  const e = fix.edits[0]!;
  const line = text.split('\n')[0]!;
  assert.equal(line.slice(0, e.range.start.character) + e.newText + line.slice(e.range.end.character), `FROM corp.example/app:1@${D1} AS build`);
  assert.equal(f.data?.['digest'], D1);
  const [admin] = findingsOf('base-image-pin-unsigned', `FROM corp.example/app:v1@${D2}\n`, { facts });
  assert.equal(admin?.fixes?.[0]?.edits[0]?.newText, `corp.example/app:v1@${D1}`);
});
