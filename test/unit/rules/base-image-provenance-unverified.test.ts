import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf, ruleTable } from '../../support/ruleTable';
import { D1, D2, D3, okFact } from '../../support/registryFacts';
import { imageFacts } from '../../support/notary';
import { attestations, buildkitProvenance, provenance } from '../../support/attestationFacts';

const now = new Date('2026-11-28T12:05:00.000Z');
const fresh = '2026-11-28T12:15:00.000Z';
const policy = { required: false } as const;
const good = provenance(D1);
const otherRepo = provenance(D1, { repository: 'https://github.com/evil/app' });
const stranger = provenance(D1, { identity: 'https://github.com/evil/app/.github/workflows/x.yml@refs/heads/main', signerTrusted: false });
const facts = {
  ...imageFacts({
    [`corp.example/app@${D1}`]: { registry: okFact(D1), policy, attestations: attestations(D1, { items: [good], provenance: { status: 'satisfied', attestation: good } }) },
    'corp.example/app:1': { registry: okFact(D1), tagFreshUntil: fresh, policy, attestations: attestations(D1, { items: [good], provenance: { status: 'satisfied', attestation: good } }) },
    'corp.example/app:none': { registry: okFact(D1), tagFreshUntil: fresh, policy, attestations: attestations(D1, { provenance: { status: 'missing', reason: 'no signed SLSA provenance for this image' } }) },
    'corp.example/app:repo': { registry: okFact(D1), tagFreshUntil: fresh, policy, attestations: attestations(D1, { items: [otherRepo], provenance: { status: 'mismatch', failed: 'source', reason: 'built from https://github.com/evil/app, not "https://github.com/acme/app"', attestation: otherRepo } }) },
    'corp.example/app:signer': { registry: okFact(D1), tagFreshUntil: fresh, policy, attestations: attestations(D1, { items: [stranger], provenance: { status: 'mismatch', failed: 'signer', reason: 'the provenance is signed by a stranger, which the policy does not trust for this image', attestation: stranger } }) },
    'corp.example/app:buildkit': {
      registry: okFact(D1, { platforms: [{ os: 'linux', architecture: 'amd64', digest: D3 }] }),
      tagFreshUntil: fresh,
      policy,
      attestations: attestations(D1, { items: [buildkitProvenance(D3)], provenance: { status: 'missing', reason: 'no signed SLSA provenance for this image; found 1 unsigned BuildKit provenance statement(s)' } }),
    },
    'corp.example/app:tampered': {
      registry: okFact(D1),
      tagFreshUntil: fresh,
      policy,
      attestations: attestations(D1, { items: [{ state: 'invalid', origin: 'referrer', repository: 'corp.example/app', reason: 'signature verification failed', attack: 'forged or altered attestation', predicateTypeHint: 'https://slsa.dev/provenance/v1' }], provenance: { status: 'missing', reason: 'no signed SLSA provenance for this image; found 1 attestation(s) that could not be verified' } }),
    },
    // An attestation nobody can check (here: key-signed, no key in the policy) proves nothing, and does not soften the finding.
    'corp.example/app:unverifiable': {
      registry: okFact(D1),
      tagFreshUntil: fresh,
      policy,
      attestations: attestations(D1, { items: [{ state: 'unverifiable', origin: 'referrer', repository: 'corp.example/app', reason: 'signed with a public key, and no key is configured for this image', predicateTypeHint: 'https://slsa.dev/provenance/v1' }], provenance: { status: 'missing', reason: 'no signed SLSA provenance for this image; found 1 attestation(s) that could not be verified' } }),
    },
    'corp.example/app:down': { registry: okFact(D1), tagFreshUntil: fresh, policy, attestations: attestations(D1, { state: 'unavailable', reason: 'cannot read attestations from registry.example/app: connection refused', provenance: { status: 'missing', reason: 'no signed SLSA provenance' } }) },
    'corp.example/app:stale': { registry: okFact(D1), tagFreshUntil: '2026-11-28T12:01:00.000Z', policy, attestations: attestations(D1, { items: [good], provenance: { status: 'satisfied', attestation: good } }) },
    // The tag moved to D2 after the attestations were read for D1: they say nothing about what the build gets.
    'corp.example/app:moved': { registry: okFact(D2), tagFreshUntil: fresh, policy, attestations: attestations(D1, { items: [good], provenance: { status: 'satisfied', attestation: good } }) },
    // An outcome that names an attestation about another digest never verifies this one.
    'corp.example/app:mixed': { registry: okFact(D2), tagFreshUntil: fresh, policy, attestations: attestations(D2, { items: [good], provenance: { status: 'satisfied', attestation: good } }) },
    'corp.example/app:optional': { registry: okFact(D1), tagFreshUntil: fresh, policy, attestations: attestations(D1, { required: false, provenance: { status: 'missing', reason: 'none' } }) },
    'corp.example/app:capped': { registry: okFact(D1), tagFreshUntil: fresh, policy, attestations: attestations(D1, { unchecked: 3, provenance: { status: 'missing', reason: 'no signed SLSA provenance' } }) },
    'corp.example/app:warn': { registry: okFact(D1), tagFreshUntil: fresh, policy: { required: false, severity: 'warning' }, attestations: attestations(D1, { provenance: { status: 'missing', reason: 'no signed SLSA provenance' } }) },
    'corp.example/app:broken': { registry: okFact(D1), tagFreshUntil: fresh, policy: { required: true, broken: 'images[0]: unknown field' }, attestations: attestations(D1, { provenance: { status: 'missing', reason: 'x' } }) },
    'corp.example/app:nolookup': { registry: okFact(D1), tagFreshUntil: fresh, policy },
  }),
  now,
};

ruleTable('base-image-provenance-unverified', [
  { name: 'pinned digest with provenance that satisfies the policy', dockerfile: `FROM corp.example/app@${D1}\n`, lines: [], options: { facts } },
  { name: 'tag with a fresh answer and satisfying provenance', dockerfile: 'FROM corp.example/app:1\n', lines: [], options: { facts } },
  { name: 'no provenance at all', dockerfile: 'FROM corp.example/app:none\n', lines: [1], messages: [/has no signed provenance: no signed SLSA provenance.*The policy requires provenance signed by/], covers: ['corp.example/app:none'], options: { facts } },
  { name: 'built from another repository', dockerfile: 'FROM corp.example/app:repo\n', lines: [1], messages: [/not what the policy requires: built from https:\/\/github\.com\/evil\/app.*It says: Built by https:\/\/github\.com\/actions\/runner\/github-hosted from https:\/\/github\.com\/evil\/app@aaaaaaaaaaaa/] , options: { facts } },
  { name: 'signed by a stranger', dockerfile: 'FROM corp.example/app:signer\n', lines: [1], messages: [/signed by nobody the policy trusts/], options: { facts } },
  { name: 'only unsigned BuildKit provenance (on a platform manifest)', dockerfile: 'FROM corp.example/app:buildkit\n', lines: [1], messages: [/only unsigned BuildKit provenance in the image index, as the registry serves it \(1 statement\)/], options: { facts } },
  { name: 'provenance that fails verification', dockerfile: 'FROM corp.example/app:tampered\n', lines: [1], messages: [/provenance of FROM corp\.example\/app:tampered failed verification/], options: { facts } },
  { name: 'an unverifiable attestation labelled provenance leaves it missing', dockerfile: 'FROM corp.example/app:unverifiable\n', lines: [1], messages: [/has no signed provenance: .*could not be verified/], options: { facts } },
  { name: 'lookup failed: cannot be checked', dockerfile: 'FROM corp.example/app:down\n', lines: [1], messages: [/cannot be checked: cannot read attestations from registry\.example\/app: connection refused/], options: { facts } },
  { name: 'stale tag answer is never verified', dockerfile: 'FROM corp.example/app:stale\n', lines: [1], messages: [/cannot be checked: .*too old/], options: { facts } },
  { name: 'tag moved after the attestations were read', dockerfile: 'FROM corp.example/app:moved\n', lines: [1], messages: [new RegExp(`attestations were checked for ${D1}, not for ${D2}`)], options: { facts } },
  { name: 'an outcome about another digest never verifies this one', dockerfile: 'FROM corp.example/app:mixed\n', lines: [1], options: { facts } },
  { name: 'provenance not required: shown, never a finding', dockerfile: 'FROM corp.example/app:optional\n', lines: [], options: { facts } },
  { name: 'attestations over the caps: missing is not sure', dockerfile: 'FROM corp.example/app:capped\n', lines: [1], messages: [/cannot be checked: .*3 attestation\(s\) were not read/], options: { facts } },
  { name: 'policy that could not be read: left to base-image-unsigned', dockerfile: 'FROM corp.example/app:broken\n', lines: [], options: { facts } },
  { name: 'attestations not looked up: quiet', dockerfile: 'FROM corp.example/app:nolookup\n', lines: [], options: { facts } },
  { name: 'COPY --from is checked too', dockerfile: 'FROM scratch\nCOPY --from=corp.example/app:none /a /b\n', lines: [2], options: { facts } },
]);

test('base-image-provenance-unverified: the entry severity for violations; "cannot be checked" at most a warning; always enforced', () => {
  const at = (t: string) => findingsOf('base-image-provenance-unverified', `FROM corp.example/app:${t}\n`, { facts })[0];
  assert.equal(at('none')?.severity, 'error');
  assert.equal(at('repo')?.severity, 'error');
  assert.equal(at('unverifiable')?.severity, 'error');
  assert.equal(at('tampered')?.severity, 'error');
  assert.equal(at('down')?.severity, 'warning');
  assert.equal(at('stale')?.severity, 'warning');
  assert.equal(at('warn')?.severity, 'warning');
  // Rule settings from the repository cannot switch the policy off, nor a comment in the Dockerfile.
  const off = findingsOf('base-image-provenance-unverified', 'FROM corp.example/app:none\n', { facts, severities: { 'base-image-provenance-unverified': 'off' } });
  assert.equal(off[0]?.severity, 'error');
  const ignored = findingsOf('base-image-provenance-unverified', '# dockerfile-trust ignore=base-image-provenance-unverified\nFROM corp.example/app:none\n', { facts });
  assert.equal(ignored.length, 1);
});
