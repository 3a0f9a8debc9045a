// Adversarial review: a delegation key holder cannot make a Notary lookup spend unbounded CPU on signature checks
// (they run on the language server's thread: seconds of them freeze every open document).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTransport, type Transport } from '../../../server/src/registry/transport';
import { configuredServer, NotaryTrustSource } from '../../../server/src/trust/notary/source';
import { MemoryTrustStore } from '../../../server/src/trust/notary/store';
import { MAX_ROLE_KEYS, MAX_SIGNATURE_CHECKS } from '../../../server/src/trust/notary/tuf';
import { parseReference, type ParsedReference } from '../../../server/src/core/imageRef';
import { ecdsaKey, envelope, fileMeta, HandRepo, rechain, StaticTrustServer, type HandKey } from '../../support/notary';

const D1 = { digest: `sha256:${'1'.repeat(64)}`, length: 525 };
let srv: StaticTrustServer;
let transport: Transport;
before(async () => {
  srv = new StaticTrustServer();
  await srv.start();
  transport = createTransport({ insecureHosts: [srv.url.replace('http://', '')] });
});
after(async () => {
  await transport.close();
  await srv.stop();
});

const pub = (k: HandKey) => ({ keytype: k.keytype, keyval: { private: null, public: k.public } });
const later = (): string => new Date(Date.now() + 365 * 86_400_000).toISOString();

/** releases signs v1 → D1; a side delegation targets/qa (one key) publishes `children` roles, each with `keys`, all signing. */
function repoWithHeavyQa(gun: string, children: number, keys: HandKey[]): Record<string, Buffer> {
  const repo = new HandRepo(gun);
  const files = repo.build({ targets: {}, releases: { v1: D1 } });
  const qa = ecdsaKey();
  const t = JSON.parse(files['targets']!.toString());
  t.signed.delegations.keys[qa.id] = pub(qa);
  t.signed.delegations.roles.push({ name: 'targets/qa', keyids: [qa.id], threshold: 1, paths: [''] });
  files['targets'] = envelope(t.signed, [repo.keys.targets]);
  const names = Array.from({ length: children }, (_, i) => `targets/qa/c${i}`);
  files['targets/qa'] = envelope(
    { _type: 'Targets', delegations: { keys: Object.fromEntries(keys.map((k) => [k.id, pub(k)])), roles: names.map((name) => ({ name, keyids: keys.map((k) => k.id), threshold: keys.length, paths: [''] })) }, expires: later(), targets: {}, version: 1 },
    [qa],
  );
  for (const name of names) files[name] = envelope({ _type: 'Targets', delegations: { keys: {}, roles: [] }, expires: later(), targets: { v1: { hashes: { sha256: Buffer.from('9'.repeat(64), 'hex').toString('base64') }, length: 1 } }, version: 1 }, keys);
  const snap = JSON.parse(files['snapshot']!.toString());
  for (const name of ['targets/qa', ...names]) snap.signed.meta[name] = fileMeta(files[name]!);
  files['snapshot'] = envelope(snap.signed, [repo.keys.snapshot]);
  return rechain(repo, files);
}

function lookup(gun: string): ReturnType<NotaryTrustSource['details']> {
  const ref = parseReference(`${gun}:v1`) as ParsedReference;
  return new NotaryTrustSource({ http: transport.http, store: new MemoryTrustStore(), server: configuredServer(srv.url), timeoutMs: 10_000 }).details(ref);
}

test(`a delegation listing more than ${MAX_ROLE_KEYS} keys is skipped before any of its signatures is checked (adversarial review)`, async () => {
  const gun = 'reg.test:5000/work/wide';
  // Measured before the bound: 20,000 keys and signatures in one child role held the event loop for 10.9 s.
  srv.set(gun, repoWithHeavyQa(gun, 1, Array.from({ length: MAX_ROLE_KEYS + 1 }, () => ecdsaKey())));
  const d = await lookup(gun);
  assert.equal(d.fact.state, 'signed', JSON.stringify(d.fact));
  assert.deepEqual(d.skipped, [{ name: 'targets/qa/c0', reason: `lists ${MAX_ROLE_KEYS + 1} keys, more than the ${MAX_ROLE_KEYS} a role may have` }]);
});

test(`one lookup spends at most ${MAX_SIGNATURE_CHECKS} signature checks; what is past that is skipped, releases still answers (adversarial review)`, async () => {
  const gun = 'reg.test:5000/work/deep';
  // 40 children × 64 keys, every signature valid: 2,560 verifications without the bound.
  const keys = Array.from({ length: MAX_ROLE_KEYS }, () => ecdsaKey());
  srv.set(gun, repoWithHeavyQa(gun, 40, keys));
  const d = await lookup(gun);
  assert.equal(d.fact.state, 'signed', JSON.stringify(d.fact));
  if (d.fact.state === 'signed') assert.deepEqual(d.fact.signed.map((s) => [s.digest, s.signers.map((x) => x.name)]), [[D1.digest, ['releases']]]);
  const verified = d.roles.filter((r) => r.role.startsWith('targets/qa/c')).length;
  const overBudget = d.skipped.filter((s) => /spent its \d+ signature checks/.test(s.reason)).length;
  // At most floor((budget - the few top-level checks) / 64) children fit; the others are skipped, none verified past it.
  assert.ok(verified <= Math.floor(MAX_SIGNATURE_CHECKS / MAX_ROLE_KEYS), `${verified} children verified`);
  assert.ok(overBudget > 0 && verified + overBudget === 40, `${verified} verified, ${overBudget} skipped over budget`);
});

test('duplicate signatures under one key ID are verified once (no repeated work, still counted once)', async () => {
  const gun = 'reg.test:5000/work/dups';
  const repo = new HandRepo(gun);
  // 500 copies of the releases signature: one verification, threshold 1 met.
  const files = repo.build({ targets: {}, releases: { v1: D1 } });
  const r = JSON.parse(files['targets/releases']!.toString());
  r.signatures = Array.from({ length: 500 }, () => r.signatures[0]);
  files['targets/releases'] = Buffer.from(JSON.stringify(r));
  srv.set(gun, rechain(repo, files));
  const d = await lookup(gun);
  assert.equal(d.fact.state, 'signed', JSON.stringify(d.fact));
});
