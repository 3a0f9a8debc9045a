import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf, ruleTable } from '../../support/ruleTable';
import { D1 } from '../../support/registryFacts';
import { imageFacts, invalidFact, signedFact, unavailableFact, unsignedFact } from '../../support/notary';

const facts = imageFacts({
  'corp.example/app:rollback': { trust: [invalidFact('rollback', 'rollback: timestamp version 1 is below the version 2 already seen')] },
  'corp.example/app:freeze': { trust: [invalidFact('indefinite freeze', 'timestamp expired on 2026-11-01T00:00:00.000Z')] },
  'corp.example/app:root': { trust: [invalidFact('root mismatch', "the server's root is not the root trusted since 2026-01-01")] },
  'corp.example/app:mix': { trust: [invalidFact('mix-and-match', 'targets.json: sha256 of the downloaded bytes differs')] },
  'corp.example/app:threshold': { trust: [invalidFact('wrong threshold', 'targets.json is signed by 1 valid key(s) of the 2 required')] },
  'corp.example/app:ok': { trust: [signedFact(D1)] },
  'corp.example/app:unsigned': { trust: [unsignedFact()] },
  'corp.example/app:down': { trust: [unavailableFact('connection refused')] },
});

ruleTable('base-image-trust-invalid', [
  { name: 'rollback', dockerfile: 'FROM corp.example/app:rollback\n', lines: [1], messages: [/stopped a rollback attack/], options: { facts } },
  { name: 'expired (freeze)', dockerfile: 'FROM corp.example/app:freeze\n', lines: [1], messages: [/indefinite-freeze attack/], options: { facts } },
  { name: 'root replaced', dockerfile: 'FROM corp.example/app:root AS base\n', lines: [1], messages: [/root-key swap/], covers: ['corp.example/app:root'], options: { facts } },
  { name: 'hash mismatch', dockerfile: 'FROM corp.example/app:mix\n', lines: [1], messages: [/mix-and-match attack/], options: { facts } },
  { name: 'below threshold', dockerfile: 'FROM corp.example/app:threshold\n', lines: [1], messages: [/threshold attack.*|1 valid key/], options: { facts } },
  { name: 'valid signature', dockerfile: 'FROM corp.example/app:ok\n', lines: [], options: { facts } },
  { name: 'unsigned is not invalid', dockerfile: 'FROM corp.example/app:unsigned\n', lines: [], options: { facts } },
  { name: 'unreachable is not invalid', dockerfile: 'FROM corp.example/app:down\n', lines: [], options: { facts } },
  { name: 'no facts yet', dockerfile: 'FROM corp.example/app:other\n', lines: [], options: { facts } },
]);

test('base-image-trust-invalid: error, and the reason is in the message', () => {
  const [f] = findingsOf('base-image-trust-invalid', 'FROM corp.example/app:rollback\n', { facts });
  assert.equal(f?.severity, 'error');
  assert.match(f?.message ?? '', /timestamp version 1 is below the version 2/);
});
