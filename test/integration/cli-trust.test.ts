// The CLI with real trust data: the same lookups as the editor, the same descriptions, and a non-zero exit on trust errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main';
import { startRegistry, type PushedImage, type RegistryHandle } from '../support/registry';
import { NotaryCli, startNotaryServer, type Running } from '../support/notary';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-cli-trust-'));
let reg: RegistryHandle;
let notary: Running;
let signed: PushedImage;

before(async () => {
  reg = await startRegistry();
  notary = await startNotaryServer();
  signed = await reg.pushImage('team/api', '1.4', { kind: 'oci-index', seed: 'api' });
  await reg.pushImage('team/tool', '2', { kind: 'schema2', seed: 'tool' });
  const cli = new NotaryCli(notary.url);
  const gun = `${reg.host}/team/api`;
  await cli.must('init', '-p', gun);
  await cli.must('key', 'rotate', gun, 'snapshot', '-r');
  await cli.must('addhash', gun, '1.4', String(signed.manifest.length), '--sha256', signed.digest.slice(7));
  await cli.must('publish', gun);
  fs.writeFileSync(path.join(dir, 'policy.json'), JSON.stringify({ version: 1, images: [{ pattern: `${reg.host}/team/*`, required: true }] }));
});

after(async () => {
  await notary?.stop();
  await reg?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { cwd: dir, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false });
  return { code, out, err };
}

function trustArgs(): string[] {
  return ['--policy', 'policy.json', '--insecure-registry', reg.host, '--notary-server', `${reg.host}=${notary.url}`, '--cache-dir', path.join(dir, 'cache')];
}

test('signed and unsigned images: the signer is printed, the unsigned one fails the run (exit 1)', async () => {
  fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${reg.host}/team/api:1.4\nFROM ${reg.host}/team/tool:2\n`);
  const r = await run(['check', ...trustArgs(), 'Dockerfile']);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, new RegExp(`✓ ${reg.host.replace(/[.]/g, '\\.')}/team/api:1\\.4: signed by Repo Admin`));
  assert.match(r.out, /Trust data expires \d{4}-\d\d-\d\d/);
  assert.match(r.out, /2:6 +error +DT401 .*team\/tool:2 is not signed/);
  const json = JSON.parse((await run(['check', '--format', 'json', ...trustArgs(), 'Dockerfile'])).out) as { files: { findings: { code: string }[]; images: { reference: string; verified: boolean }[] }[] };
  assert.deepEqual(json.files[0]!.images.map((i) => i.verified).sort(), [false, true]);
});

test('--fix pins the signed digest; afterwards only the unsigned image is reported', async () => {
  fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${reg.host}/team/api:1.4 AS api\n`);
  const r = await run(['check', ...trustArgs(), '--fix', 'Dockerfile']);
  assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), `FROM ${reg.host}/team/api:1.4@${signed.digest} AS api\n`);
  assert.equal(r.code, 0, r.out + r.err);
});

test('an unreachable notary server is a clear state, never "signed"', async () => {
  fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${reg.host}/team/api:1.4\n`);
  const r = await run(['check', '--policy', 'policy.json', '--insecure-registry', reg.host, '--notary-server', `${reg.host}=http://127.0.0.1:1`, '--cache-dir', path.join(dir, 'cache2'), 'Dockerfile']);
  assert.doesNotMatch(r.out, /signed by/i);
  assert.match(r.out, /cannot be checked|unavailable/i);
  assert.equal(r.code, 1);
});

test('Notary root pinning from settings: a wrong pinned cert ID refuses the root (root mismatch), the right one verifies', async () => {
  const { compose } = await import('../../server/src/compose');
  const { normalizeSettings } = await import('../../server/src/protocol');
  const { parseReference } = await import('../../server/src/core/imageRef');
  const ref = parseReference(`${reg.host}/team/api:1.4`);
  assert.ok(ref.ok);
  const base = { registries: { [reg.host]: { insecureHttp: true } }, notary: { servers: { [reg.host]: notary.url } }, trust: { sources: ['notary'], policy: [{ pattern: `${reg.host}/team/*` }] } };
  const wrong = await compose({ settings: normalizeSettings({ ...base, notary: { ...base.notary, pinnedCertIds: { [`${reg.host}/team/*`]: ['0'.repeat(64)] } } }).machine, storageDir: fs.mkdtempSync(path.join(dir, 'pin-')), env: {}, log: () => undefined });
  const bad = await wrong.lookup.lookup(ref);
  await wrong.close();
  const t = bad.trust?.[0];
  assert.equal(t?.state, 'invalid', JSON.stringify(t));
  assert.equal(t?.state === 'invalid' ? t.attack : '', 'root mismatch');
  const open = await compose({ settings: normalizeSettings(base).machine, storageDir: fs.mkdtempSync(path.join(dir, 'tofu-')), env: {}, log: () => undefined });
  const ok = await open.lookup.lookup(ref);
  await open.close();
  assert.equal(ok.trust?.[0]?.state, 'signed');
  const details = await (async () => {
    const c = await compose({ settings: normalizeSettings(base).machine, storageDir: fs.mkdtempSync(path.join(dir, 'det-')), env: {}, log: () => undefined });
    const d = await c.lookup.notaryDetails(ref);
    await c.close();
    return d;
  })();
  const rootIds = details?.root?.keyIds ?? [];
  assert.ok(rootIds.length > 0);
  const right = await compose({ settings: normalizeSettings({ ...base, notary: { ...base.notary, pinnedCertIds: { [`${reg.host}/team/*`]: rootIds } } }).machine, storageDir: fs.mkdtempSync(path.join(dir, 'pinok-')), env: {}, log: () => undefined });
  const good = await right.lookup.lookup(ref);
  await right.close();
  assert.equal(good.trust?.[0]?.state, 'signed', JSON.stringify(good.trust?.[0]));
});
