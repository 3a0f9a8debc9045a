// Adversarial review: who decides what a required policy means. Each test performs the attack the review found:
// a trust server that cannot answer under a --severity error gate, rule settings from a cloned repository, and a
// policy file that fails to load. The machine's policy decides, and "cannot be checked" is never "no policy".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../../server/src/core/analyze';
import { D1, okFact } from '../../support/registryFacts';
import type { Facts, PolicyFact } from '../../../server/src/core/facts';
import { parseReference } from '../../../server/src/core/imageRef';
import { imageFacts, unavailableFact, unsignedFact } from '../../support/notary';
import { parsePolicy } from '../../support/policy';

const now = new Date('2026-12-10T12:00:00.000Z');
const facts = {
  ...imageFacts({
    // Docker Hub's Notary server is retired: every required Docker Hub image "cannot be checked".
    'corp.example/app:1': { registry: okFact(D1), tagFreshUntil: '2026-12-10T12:30:00.000Z', trust: [unavailableFact('notary.docker.io was retired on 2026-12-08')], policy: { required: true } },
    'corp.example/app:2': { registry: okFact(D1), tagFreshUntil: '2026-12-10T12:30:00.000Z', trust: [unavailableFact('connection refused')], policy: { required: true } },
    'corp.example/app:3': { registry: okFact(D1), tagFreshUntil: '2026-12-10T12:30:00.000Z', trust: [unsignedFact('no trust data for corp.example/app')], policy: { required: true } },
  }),
  now,
};

/** `facts` with another policy for one image. */
function withPolicy(base: Facts, text: string, policy: PolicyFact): Facts {
  const r = parseReference(text);
  assert.ok(r.ok);
  return { ...base, get: (x) => (x.canonical === r.canonical ? { ...base.get(x)!, policy } : base.get(x)) };
}

test('"cannot be checked" under a required entry: a warning by default, an error where the entry says unavailable: "error" (a CI gate that fails closed)', () => {
  for (const ref of ['corp.example/app:1', 'corp.example/app:2']) {
    const byDefault = analyze(`FROM ${ref}\n`, { facts }).findings.find((x) => x.code === 'DT401');
    assert.equal(byDefault?.severity, 'warning', `${ref}: ${byDefault?.message}`);
    assert.match(byDefault!.message, /cannot be checked/);
    const strict = analyze(`FROM ${ref}\n`, { facts: withPolicy(facts, ref, { required: true, unavailable: 'error' }) }).findings.find((x) => x.code === 'DT401');
    assert.equal(strict?.severity, 'error', `${ref}: "${strict?.message}" must fail a --severity error gate`);
  }
  // And the policy file parses the field, refusing other values.
  assert.equal(parsePolicy({ version: 1, images: [{ pattern: 'corp.example/**', required: true, unavailable: 'error' }] }).ok, true);
  assert.equal(parsePolicy({ version: 1, images: [{ pattern: 'corp.example/**', required: true, unavailable: 'fatal' }] }).ok, false);
});

test('rule settings (a cloned workspace\'s .vscode/settings.json, .dockerfile-trust.yaml, --rule) cannot switch off or soften a required policy', () => {
  for (const setting of ['off', 'information', 'hint'] as const) {
    const findings = analyze('FROM corp.example/app:3\n', { facts, severities: { 'base-image-unsigned': setting, 'base-image-trust-invalid': setting, 'base-image-pin-unsigned': setting } }).findings;
    const f = findings.find((x) => x.code === 'DT401');
    assert.ok(f !== undefined, `"${setting}" switched the required policy off`);
    assert.equal(f.severity, 'error', `"${setting}" changed the policy's severity`);
  }
  // What the policy does not enforce still follows the settings: a broken policy's warning can be turned off.
  const broken = imageFacts({ 'corp.example/app:9': { registry: okFact(D1), trust: [unavailableFact('x')], policy: { required: true, severity: 'warning', broken: 'the trust policy has problems (x)' } } });
  assert.equal(analyze('FROM corp.example/app:9\n', { facts: { ...broken, now } }).findings.filter((x) => x.code === 'DT401').length, 1);
  assert.equal(analyze('FROM corp.example/app:9\n', { facts: { ...broken, now }, severities: { 'base-image-unsigned': 'off' } }).findings.filter((x) => x.code === 'DT401').length, 0);
});

test(
  'a policy file that fails to load is never "no policy" in the editor either',
  async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { compose } = await import('../../../server/src/compose');
    const { normalizeSettings } = await import('../../../server/src/protocol');
    const { parseReference } = await import('../../../server/src/core/imageRef');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dt-badpolicy-'));
    try {
      const file = path.join(dir, 'policy.json');
      // One misspelt field: the whole file is refused (as it should be) ...
      fs.writeFileSync(file, JSON.stringify({ version: 1, images: [{ pattern: 'corp.example/**', required: true, notarySigner: ['releases'] }] }));
      const c = await compose({ settings: normalizeSettings({ offline: true, trust: { policyFile: file } }).machine, storageDir: dir, env: {}, log: () => undefined });
      try {
        const ref = parseReference('corp.example/app:1');
        assert.ok(ref.ok);
        await c.lookup.lookup(ref);
        const text = 'FROM corp.example/app:1\n';
        const findings = analyze(text, { facts: { get: (r) => c.lookup.peek(r), now: new Date() } }).findings;
        // ... and the image never reads as if no policy existed: the rules say the policy could not be applied.
        const f = findings.find((x) => x.code === 'DT401');
        assert.ok(f !== undefined && /signature policy cannot be applied/.test(f.message) && /notarySigner/.test(f.message), `no finding mentions the broken policy: ${findings.map((x) => `${x.code} ${x.message}`).join(' | ')}`);
      } finally {
        await c.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
