import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf, ruleTable } from '../../support/ruleTable';
import { D1, D2, errorFact, okFact } from '../../support/registryFacts';
import { imageFacts, signedFact, unsignedFact } from '../../support/notary';

const facts = imageFacts({
  'corp.example/app:moved': { registry: okFact(D2), trust: [signedFact(D1)] },
  'corp.example/app:same': { registry: okFact(D1), trust: [signedFact(D1)] },
  [`corp.example/app:pinned@${D1}`]: { registry: okFact(D2), trust: [signedFact(D1)] },
  'corp.example/app:unsigned': { registry: okFact(D2), trust: [unsignedFact()] },
  'corp.example/app:regdown': { registry: errorFact('unreachable'), trust: [signedFact(D1)] },
  'corp.example/app': { registry: okFact(D2), trust: [signedFact(D1, { signers: [{ name: 'Repo Admin', keyIds: [] }] })] },
  // The registry serves what the repository key signed; docker's rule picks releases' digest.
  'corp.example/app:both': { registry: okFact(D2), trust: [signedFact(D1, { others: [{ digest: D2, signers: ['Repo Admin'] }] })] },
  // Under a required policy the moved tag is base-image-unsigned's error, not an information here.
  'corp.example/app:required': { registry: okFact(D2), trust: [signedFact(D1)], policy: { required: true } },
});

ruleTable('trust-tag-digest-mismatch', [
  { name: 'tag moved after signing', dockerfile: 'FROM corp.example/app:moved\n', lines: [1], messages: [`resolves moved of FROM corp.example/app:moved to ${D2}, which no signer vouches for, but releases signs ${D1} for moved`], options: { facts } },
  { name: 'registry agrees with the signature', dockerfile: 'FROM corp.example/app:same\n', lines: [], options: { facts } },
  { name: 'pinned to the signed digest: still told, no fix', dockerfile: `FROM corp.example/app:pinned@${D1}\n`, lines: [1], messages: ['Your pin is the signed digest'], options: { facts } },
  { name: 'unsigned tag', dockerfile: 'FROM corp.example/app:unsigned\n', lines: [], options: { facts } },
  { name: 'registry lookup failed', dockerfile: 'FROM corp.example/app:regdown\n', lines: [], options: { facts } },
  { name: 'implicit latest', dockerfile: 'FROM corp.example/app\n', lines: [1], messages: [/resolves latest .*Repo Admin signs/], options: { facts } },
  { name: "registry serves another signed digest than docker's choice", dockerfile: 'FROM corp.example/app:both\n', lines: [1], messages: [`to ${D2} (signed by Repo Admin), but releases signs ${D1} for both`], options: { facts } },
  { name: 'required policy: reported by base-image-unsigned instead', dockerfile: 'FROM corp.example/app:required\n', lines: [], options: { facts } },
]);

test('trust-tag-digest-mismatch: information with a pin-to-signed fix', () => {
  const text = 'FROM corp.example/app:moved\n';
  const [f] = findingsOf('trust-tag-digest-mismatch', text, { facts });
  assert.ok(f);
  assert.equal(f.severity, 'information');
  assert.equal(f.data?.['digest'], D1);
  assert.equal(f.data?.['registryDigest'], D2);
  const e = f.fixes?.[0]?.edits[0];
  assert.ok(e);
  assert.equal(e.newText, `corp.example/app:moved@${D1}`);
  const [pinned] = findingsOf('trust-tag-digest-mismatch', `FROM corp.example/app:pinned@${D1}\n`, { facts });
  assert.equal(pinned?.fixes, undefined);
});
