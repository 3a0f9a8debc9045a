// The CLI over many files that share images, against a real docker-registry: each distinct image is asked about once
// however many files use it, a second run with the same --cache-dir sends nothing while the answers are fresh, and the
// files come out in path order although they are checked concurrently. Requests are counted by a loopback proxy in
// front of the registry (the references name the proxy).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main';
import { startCountingProxy, type CountingProxy } from '../support/countingProxy';
import { startRegistry, type RegistryHandle } from '../support/registry';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-cli-workspace-'));
let reg: RegistryHandle;
let proxy: CountingProxy;
const FILES = 24;

before(async () => {
  reg = await startRegistry();
  proxy = await startCountingProxy(reg);
  await reg.pushImage('team/a', '1', { kind: 'oci-index', seed: 'a' });
  await reg.pushImage('team/b', '2', { kind: 'schema2', seed: 'b' });
  await reg.pushImage('team/c', '3', { kind: 'schema2', seed: 'c' });
  const imgs = ['team/a:1', 'team/b:2', 'team/c:3'].map((i) => `${proxy.host}/${i}`);
  // Every file uses two or three of the images, in nested folders, with shared and distinct instructions.
  for (let i = 0; i < FILES; i++) {
    const p = path.join(dir, 'ws', `team${i % 4}`, `svc${String(i).padStart(2, '0')}`, 'Dockerfile');
    fs.mkdirSync(path.dirname(p), { recursive: true });
    const lines = [`FROM ${imgs[i % 3] as string} AS build`, 'RUN make', `COPY --from=${imgs[(i + 1) % 3] as string} /bin/tool /bin/tool`, `FROM ${imgs[(i + i) % 3] as string}`, `RUN echo ${i}`];
    fs.writeFileSync(p, lines.join('\n') + '\n');
  }
  fs.writeFileSync(path.join(dir, 'one.Dockerfile'), imgs.map((r) => `FROM ${r}`).join('\n') + '\n');
});

after(async () => {
  await proxy?.stop();
  await reg?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Json {
  files: { path: string; findings: { code: string; line: number; message: string }[]; images?: { reference: string; headline: string }[] }[];
}

async function run(args: string[]): Promise<{ code: number; json: Json; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['check', '--format', 'json', ...args], { cwd: dir, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false });
  return { code, json: JSON.parse(out) as Json, err };
}

const net = (cache: string): string[] => ['--network', '--insecure-registry', proxy.host, '--cache-dir', path.join(dir, cache)];

test('cold: one lookup per distinct image, not per file; warm (same cache dir, within the TTL): no request at all', async () => {
  // What three images cost when one file names each once: the yardstick.
  proxy.reset();
  const single = await run([...net('cache-one'), 'one.Dockerfile']);
  assert.notEqual(single.code, 2, single.err);
  const perThree = proxy.requests();
  assert.ok(perThree.length >= 3, `each image was asked about: ${perThree.join(', ')}`);

  proxy.reset();
  const cold = await run([...net('cache'), 'ws/**/Dockerfile']);
  assert.notEqual(cold.code, 2, cold.err);
  assert.equal(cold.json.files.length, FILES);
  assert.deepEqual([...proxy.requests()].sort(), [...perThree].sort(), `${FILES} files using the same 3 images cost what one file does`);
  for (const image of ['team/a/manifests/1', 'team/b/manifests/2', 'team/c/manifests/3']) {
    assert.equal(proxy.requests().filter((r) => r === `HEAD /v2/${image}`).length, 1, image);
  }
  // Every image of every file has its registry answer.
  for (const f of cold.json.files) for (const i of f.images ?? []) assert.doesNotMatch(i.headline, /cannot|not found|unavailable|failed/i, `${f.path}: ${i.reference}: ${i.headline}`);

  proxy.reset();
  const warm = await run([...net('cache'), 'ws/**/Dockerfile']);
  assert.deepEqual(proxy.requests(), [], 'answered from the on-disk cache');
  assert.equal(warm.code, cold.code);
  assert.deepEqual(
    warm.json.files.map((f) => [f.path, f.findings]),
    cold.json.files.map((f) => [f.path, f.findings]),
  );
});

test('checked concurrently, the files come out in path order with the same findings as one at a time would give', async () => {
  const offline = await run(['ws/**/Dockerfile']);
  const online = await run([...net('cache-order'), 'ws/**/Dockerfile']);
  const paths = online.json.files.map((f) => f.path);
  assert.deepEqual(paths, [...paths].sort());
  assert.deepEqual(paths, offline.json.files.map((f) => f.path));
  // Each file's findings are its own: every unpinned-image finding quotes the image on its own line of that file.
  assert.ok(online.json.files.every((f) => f.findings.some((x) => x.code === 'DT101')));
  for (const f of online.json.files) {
    const text = fs.readFileSync(path.join(dir, f.path), 'utf8');
    for (const finding of f.findings.filter((x) => x.code === 'DT101')) {
      const line = text.split('\n')[finding.line - 1] ?? '';
      assert.ok(finding.message.split(' ').some((w) => w.length > 8 && line.includes(w.replace(/[.,]$/, ''))), `${f.path}:${finding.line}: ${finding.message} / ${line}`);
    }
  }
});
