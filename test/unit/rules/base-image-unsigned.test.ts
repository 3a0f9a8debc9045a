import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf, ruleTable } from '../../support/ruleTable';
import { D1 } from '../../support/registryFacts';
import { imageFacts, invalidFact, signedFact, unavailableFact, unsignedFact } from '../../support/notary';

const required = { required: true };
const facts = imageFacts({
  'corp.example/app:1': { trust: [unsignedFact('tag 1 is not among the signed targets')], policy: required },
  'corp.example/app:2': { trust: [signedFact(D1)], policy: required },
  'corp.example/app:3': { trust: [unsignedFact()], policy: { required: false } },
  'corp.example/app:4': { trust: [signedFact(D1, { signers: [{ name: 'qa', keyIds: [] }] })], policy: { required: true, signers: ['releases'] } },
  'corp.example/app:5': { trust: [signedFact(D1)], policy: { required: true, signers: ['releases', 'Repo Admin'] } },
  'corp.example/app:6': { trust: [invalidFact('rollback', 'rollback: snapshot version 3 is below the version 5 already seen')], policy: required },
  'corp.example/app:7': { trust: [unavailableFact('notary.docker.io was retired on 2026-12-08')], policy: required },
  'corp.example/app:8': { trust: [unsignedFact(), signedFact(D1, { source: 'cosign' })], policy: required },
  'corp.example/app:9': { policy: required },
});

ruleTable('base-image-unsigned', [
  { name: 'required, no signature', dockerfile: 'FROM corp.example/app:1\n', lines: [1], messages: ['is not signed: tag 1 is not among the signed targets'], covers: ['corp.example/app:1'], options: { facts } },
  { name: 'required, signed', dockerfile: 'FROM corp.example/app:2\n', lines: [], options: { facts } },
  { name: 'not required', dockerfile: 'FROM corp.example/app:3\n', lines: [], options: { facts } },
  { name: 'signed by someone other than the required signer', dockerfile: 'FROM corp.example/app:4\n', lines: [1], messages: [/signed by qa, but policy requires a signature by releases/], options: { facts } },
  { name: 'signed by one of the required signers', dockerfile: 'FROM corp.example/app:5\n', lines: [], options: { facts } },
  { name: 'invalid trust data is the louder rule', dockerfile: 'FROM corp.example/app:6\n', lines: [], options: { facts } },
  { name: 'cannot be checked (retired server)', dockerfile: 'FROM corp.example/app:7\n', lines: [1], messages: [/cannot be checked: notary.docker.io was retired/], options: { facts } },
  { name: 'a cosign signature satisfies policy when notary has none', dockerfile: 'FROM corp.example/app:8\n', lines: [], options: { facts } },
  { name: 'trust not looked up yet: quiet', dockerfile: 'FROM corp.example/app:9\n', lines: [], options: { facts } },
  { name: 'COPY --from is checked too', dockerfile: 'FROM scratch\nCOPY --from=corp.example/app:1 /a /b\n', lines: [2], options: { facts } },
]);

test('base-image-unsigned: error by default, warning when it cannot be checked', () => {
  assert.equal(findingsOf('base-image-unsigned', 'FROM corp.example/app:1\n', { facts })[0]?.severity, 'error');
  assert.equal(findingsOf('base-image-unsigned', 'FROM corp.example/app:7\n', { facts })[0]?.severity, 'warning');
});
