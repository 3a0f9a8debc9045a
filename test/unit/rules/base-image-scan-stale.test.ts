import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf, ruleTable } from '../../support/ruleTable';
import { D1, D2, okFact } from '../../support/registryFacts';
import { imageFacts } from '../../support/notary';
import { attestations, scan } from '../../support/attestationFacts';

const now = new Date('2026-11-28T12:05:00.000Z');
const fresh = '2026-11-28T12:15:00.000Z';
const policy = { required: false } as const;
const recent = scan(D1, '2026-11-25T00:00:00.000Z');
const old = scan(D1, '2026-10-01T00:00:00.000Z');
const facts = {
  ...imageFacts({
    'corp.example/app:fresh': { registry: okFact(D1), tagFreshUntil: fresh, policy, attestations: attestations(D1, { maxAgeDays: 7, items: [recent], scans: { status: 'found', attestation: recent, scannedAt: '2026-11-25T00:00:00.000Z', dateFrom: 'scan' } }) },
    'corp.example/app:old': { registry: okFact(D1), tagFreshUntil: fresh, policy, attestations: attestations(D1, { maxAgeDays: 7, items: [old], scans: { status: 'found', attestation: old, scannedAt: '2026-10-01T00:00:00.000Z', dateFrom: 'scan' } }) },
    'corp.example/app:none': { registry: okFact(D1), tagFreshUntil: fresh, policy, attestations: attestations(D1, { maxAgeDays: 7, scans: { status: 'missing', reason: 'no vulnerability scan signed by a trusted signer (1 signed by others)' } }) },
    'corp.example/app:undated': { registry: okFact(D1), tagFreshUntil: fresh, policy, attestations: attestations(D1, { maxAgeDays: 7, items: [old], scans: { status: 'undated', attestation: old, reason: 'the signed vulnerability scans carry no date and no transparency-log time' } }) },
    'corp.example/app:down': { registry: okFact(D1), tagFreshUntil: fresh, policy, attestations: attestations(D1, { maxAgeDays: 7, state: 'unavailable', reason: 'offline: attestations are not fetched in offline mode' }) },
    'corp.example/app:noage': { registry: okFact(D1), tagFreshUntil: fresh, policy, attestations: attestations(D1, { items: [old], scans: { status: 'found', attestation: old, scannedAt: '2026-10-01T00:00:00.000Z', dateFrom: 'scan' } }) },
    // The tag now serves D2; the scan is about D1.
    'corp.example/app:moved': { registry: okFact(D2), tagFreshUntil: fresh, policy, attestations: attestations(D1, { maxAgeDays: 7, items: [recent], scans: { status: 'found', attestation: recent, scannedAt: '2026-11-25T00:00:00.000Z', dateFrom: 'scan' } }) },
    [`corp.example/app@${D1}`]: { registry: okFact(D1), policy, attestations: attestations(D1, { maxAgeDays: 30, items: [old], scans: { status: 'found', attestation: old, scannedAt: '2026-10-01T00:00:00.000Z', dateFrom: 'scan' } }) },
  }),
  now,
};

ruleTable('base-image-scan-stale', [
  { name: 'a signed scan three days old, policy allows seven', dockerfile: 'FROM corp.example/app:fresh\n', lines: [], options: { facts } },
  { name: 'the newest signed scan is 58 days old', dockerfile: 'FROM corp.example/app:old\n', lines: [1], messages: [/the newest signed vulnerability scan is 58 days old \(2026-10-01T00:00:00\.000Z\); the policy allows 7/], options: { facts } },
  { name: 'no scan by a trusted signer', dockerfile: 'FROM corp.example/app:none\n', lines: [1], messages: [/no vulnerability scan signed by a trusted signer \(no vulnerability scan signed by a trusted signer \(1 signed by others\)\); the policy asks for one at most 7 days old/], options: { facts } },
  { name: 'an undated scan cannot show its age', dockerfile: 'FROM corp.example/app:undated\n', lines: [1], messages: [/cannot be placed in time/], options: { facts } },
  { name: 'cannot be checked', dockerfile: 'FROM corp.example/app:down\n', lines: [1], messages: [/cannot be checked: offline/], options: { facts } },
  { name: 'no scan age in the policy: an old scan is only shown', dockerfile: 'FROM corp.example/app:noage\n', lines: [], options: { facts } },
  { name: 'a recent scan of another digest says nothing about this one', dockerfile: 'FROM corp.example/app:moved\n', lines: [1], messages: [/cannot be checked/], options: { facts } },
  { name: 'pinned, 58 days old, policy allows 30', dockerfile: `FROM corp.example/app@${D1}\n`, lines: [1], messages: [/allows 30/], options: { facts } },
]);

test('base-image-scan-stale: entry severity for a stale scan, a warning when it cannot be checked', () => {
  assert.equal(findingsOf('base-image-scan-stale', 'FROM corp.example/app:old\n', { facts })[0]?.severity, 'error');
  assert.equal(findingsOf('base-image-scan-stale', 'FROM corp.example/app:down\n', { facts })[0]?.severity, 'warning');
  // Without a verdict time the age is the age when the lookup answered (the core reads no clock).
  const noClock = { get: facts.get };
  assert.match(findingsOf('base-image-scan-stale', 'FROM corp.example/app:old\n', { facts: noClock })[0]?.message ?? '', /58 days old/);
});
