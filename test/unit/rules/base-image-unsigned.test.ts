import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf, ruleTable } from '../../support/ruleTable';
import { D1, D2, errorFact, okFact } from '../../support/registryFacts';
import { imageFacts, invalidFact, signedFact, unavailableFact, unsignedFact } from '../../support/notary';

const required = { required: true };
const now = new Date('2026-11-28T12:05:00.000Z');
const fresh = '2026-11-28T12:15:00.000Z';
const facts = {
  ...imageFacts({
    'corp.example/app:1': { registry: okFact(D1), trust: [unsignedFact('tag 1 is not among the signed targets')], policy: required },
    'corp.example/app:2': { registry: okFact(D1), tagFreshUntil: fresh, trust: [signedFact(D1)], policy: required },
    'corp.example/app:3': { registry: okFact(D1), trust: [unsignedFact()], policy: { required: false } },
    'corp.example/app:4': { registry: okFact(D1), tagFreshUntil: fresh, trust: [signedFact(D1, { signers: [{ name: 'qa', keyIds: [] }] })], policy: { required: true, signers: ['releases'] } },
    'corp.example/app:5': { registry: okFact(D1), tagFreshUntil: fresh, trust: [signedFact(D1)], policy: { required: true, signers: ['releases', 'Repo Admin'] } },
    'corp.example/app:6': { registry: okFact(D1), trust: [invalidFact('rollback', 'rollback: snapshot version 3 is below the version 5 already seen')], policy: required },
    'corp.example/app:7': { registry: okFact(D1), trust: [unavailableFact('notary.docker.io was retired on 2026-12-08')], policy: required },
    'corp.example/app:8': { registry: okFact(D1), tagFreshUntil: fresh, trust: [unsignedFact(), signedFact(D1, { source: 'cosign' })], policy: required },
    'corp.example/app:9': { policy: required },
    // Issue 12 #3: Notary signs D1 for the tag, the registry now serves D2 (moved to unsigned content).
    'corp.example/app:moved': { registry: okFact(D2), tagFreshUntil: fresh, trust: [signedFact(D1)], policy: required },
    // Issue 12 #9: the tag answer is older than the trust TTL, or came from the cache.
    'corp.example/app:stale': { registry: okFact(D1), tagFreshUntil: '2026-11-28T12:01:00.000Z', trust: [signedFact(D1)], policy: required },
    'corp.example/app:cached': { registry: okFact(D1, { fromCache: true }), trust: [signedFact(D1)], policy: required },
    // The registry could not say where the tag points: signed data alone does not vouch for the build.
    'corp.example/app:regdown': { registry: errorFact('unreachable', 'connection refused'), trust: [signedFact(D1)], policy: required },
    // A cosign answer about another digest than the one the tag resolves to now says nothing about it.
    'corp.example/app:otherdigest': { registry: okFact(D2), tagFreshUntil: fresh, trust: [signedFact(D1, { source: 'cosign' })], policy: required },
    // Notary signs the tag in releases (D1) and targets (D2); the registry serves D2, policy wants releases.
    'corp.example/app:admin': { registry: okFact(D2), tagFreshUntil: fresh, trust: [signedFact(D1, { others: [{ digest: D2, signers: ['Repo Admin'] }] })], policy: { required: true, signers: ['releases'] } },
    'corp.example/app:warn': { registry: okFact(D1), trust: [unsignedFact()], policy: { required: true, severity: 'warning' } },
  }),
  now,
};

ruleTable('base-image-unsigned', [
  { name: 'required, no signature', dockerfile: 'FROM corp.example/app:1\n', lines: [1], messages: ['is not signed: tag 1 is not among the signed targets'], covers: ['corp.example/app:1'], options: { facts } },
  { name: 'required, signed, fresh tag answer', dockerfile: 'FROM corp.example/app:2\n', lines: [], options: { facts } },
  { name: 'not required', dockerfile: 'FROM corp.example/app:3\n', lines: [], options: { facts } },
  { name: 'signed by someone other than the required signer', dockerfile: 'FROM corp.example/app:4\n', lines: [1], messages: [/signed by qa, but policy requires a signature by releases/], options: { facts } },
  { name: 'signed by one of the required signers', dockerfile: 'FROM corp.example/app:5\n', lines: [], options: { facts } },
  { name: 'invalid trust data is the louder rule', dockerfile: 'FROM corp.example/app:6\n', lines: [], options: { facts } },
  { name: 'cannot be checked (retired server)', dockerfile: 'FROM corp.example/app:7\n', lines: [1], messages: [/cannot be checked: notary.docker.io was retired/], options: { facts } },
  { name: 'a cosign signature over the current digest satisfies policy when notary has none', dockerfile: 'FROM corp.example/app:8\n', lines: [], options: { facts } },
  { name: 'trust not looked up yet: quiet', dockerfile: 'FROM corp.example/app:9\n', lines: [], options: { facts } },
  { name: 'COPY --from is checked too', dockerfile: 'FROM scratch\nCOPY --from=corp.example/app:1 /a /b\n', lines: [2], options: { facts } },
  { name: 'tag moved to unsigned content (#3)', dockerfile: 'FROM corp.example/app:moved\n', lines: [1], messages: [`now points to ${D2} on the registry, which no trusted signer vouches for (releases signs ${D1} for moved)`], options: { facts } },
  { name: 'stale tag answer is never verified (#9)', dockerfile: 'FROM corp.example/app:stale\n', lines: [1], messages: [/Cannot confirm .* too old to vouch for what the tag points to now/], options: { facts } },
  { name: 'cached tag answer is never verified (#9)', dockerfile: 'FROM corp.example/app:cached\n', lines: [1], messages: [/\(cached\)/], options: { facts } },
  { name: 'registry down: the tag cannot be confirmed', dockerfile: 'FROM corp.example/app:regdown\n', lines: [1], messages: [/could not say which digest regdown points to now \([^)]* is not reachable\)/], options: { facts } },
  { name: 'cosign checked another digest than the current one', dockerfile: 'FROM corp.example/app:otherdigest\n', lines: [1], messages: [new RegExp(`signatures were checked for ${D1}, not for ${D2}`)], options: { facts } },
  { name: 'current digest signed only by Repo Admin, policy wants releases (#1)', dockerfile: 'FROM corp.example/app:admin\n', lines: [1], messages: [`signed by Repo Admin, but policy requires a signature by releases (releases signs ${D1} for admin)`], options: { facts } },
]);

test('base-image-unsigned: severity follows the policy; "cannot check" is at most a warning', () => {
  assert.equal(findingsOf('base-image-unsigned', 'FROM corp.example/app:1\n', { facts })[0]?.severity, 'error');
  assert.equal(findingsOf('base-image-unsigned', 'FROM corp.example/app:7\n', { facts })[0]?.severity, 'warning');
  assert.equal(findingsOf('base-image-unsigned', 'FROM corp.example/app:stale\n', { facts })[0]?.severity, 'warning');
  assert.equal(findingsOf('base-image-unsigned', 'FROM corp.example/app:moved\n', { facts })[0]?.severity, 'error');
  assert.equal(findingsOf('base-image-unsigned', 'FROM corp.example/app:warn\n', { facts })[0]?.severity, 'warning');
});

test('base-image-unsigned: a moved tag gets the fix that pins the digest its signers vouch for', () => {
  const text = 'FROM corp.example/app:moved AS base\n';
  const [f] = findingsOf('base-image-unsigned', text, { facts });
  const e = f?.fixes?.[0]?.edits[0];
  assert.ok(e, 'a pin fix');
  assert.equal(e.newText, `corp.example/app:moved@${D1}`);
  assert.match(f!.fixes![0]!.title, /^Pin to signed digest sha256:111111111111… \(signed by releases\)$/);
});
