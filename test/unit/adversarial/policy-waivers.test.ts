// Adversarial review: a repository (the Dockerfile's author) must not be able to waive the machine's signature policy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../../server/src/core/analyze';
import { D1, D2, okFact } from '../../support/registryFacts';
import { imageFacts, invalidFact, signedFact, unsignedFact } from '../../support/notary';

const now = new Date('2026-11-28T12:05:00.000Z');
const fresh = '2026-11-28T12:15:00.000Z';
const facts = {
  ...imageFacts({
    'corp.example/app:1': { registry: okFact(D1), tagFreshUntil: fresh, trust: [unsignedFact('tag 1 is not among the signed targets')], policy: { required: true } },
    [`corp.example/app:1@${D2}`]: { registry: okFact(D1), trust: [signedFact(D1)], policy: { required: true } },
    'corp.example/app:bad': { registry: okFact(D1), tagFreshUntil: fresh, trust: [invalidFact('rollback', 'rollback: snapshot version 3 is below 5')], policy: { required: true } },
    'corp.example/free:1': { registry: okFact(D1), tagFreshUntil: fresh, trust: [invalidFact('rollback', 'rollback: snapshot version 3 is below 5')] },
    [`corp.example/free:1@${D2}`]: { registry: okFact(D1), trust: [signedFact(D1)] },
  }),
  now,
};

const codes = (text: string): string[] => analyze(text, { facts }).findings.map((f) => f.code);

test('an ignore comment cannot silence a required policy: DT401, DT402 and DT403 stay (adversarial review)', () => {
  for (const [line, code] of [
    ['FROM corp.example/app:1', 'DT401'],
    ['FROM corp.example/app:bad', 'DT402'],
    [`FROM corp.example/app:1@${D2}`, 'DT403'],
  ] as const) {
    const rule = { DT401: 'base-image-unsigned', DT402: 'base-image-trust-invalid', DT403: 'base-image-pin-unsigned' }[code];
    assert.ok(codes(`${line}\n`).includes(code), `${code} without a comment`);
    assert.ok(codes(`# dockerfile-trust ignore=${rule}\n${line}\n`).includes(code), `${code} was waived by an ignore comment in the Dockerfile`);
    assert.ok(codes(`# dockerfile-trust ignore=base-image-unsigned,base-image-trust-invalid,base-image-pin-unsigned\n${line}\n`).includes(code));
  }
});

test('where no required entry applies, the same comments still suppress (they are the author\'s call there)', () => {
  assert.ok(codes('FROM corp.example/free:1\n').includes('DT402'));
  assert.ok(!codes('# dockerfile-trust ignore=base-image-trust-invalid\nFROM corp.example/free:1\n').includes('DT402'));
  assert.ok(codes(`FROM corp.example/free:1@${D2}\n`).includes('DT403'));
  assert.ok(!codes(`# dockerfile-trust ignore=base-image-pin-unsigned\nFROM corp.example/free:1@${D2}\n`).includes('DT403'));
});
