// Docker credential discovery with real files and real helper programs (shell scripts) in a temp dir.
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { dockerCredentials, serverKey } from '../../../server/src/registry/credentials';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function setup(config: unknown, helpers: Record<string, string> = {}): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'dt-cred-'));
  dirs.push(dir);
  await writeFile(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  await mkdir(join(dir, 'bin'));
  for (const [name, body] of Object.entries(helpers)) {
    const p = join(dir, 'bin', `docker-credential-${name}`);
    await writeFile(p, `#!/bin/sh\n${body}\n`);
    await chmod(p, 0o755);
  }
  return { DOCKER_CONFIG: dir, PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, HOME: dir };
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const answer = (u: string, s: string): string => `read -r k; printf '{"ServerURL":"%s","Username":"${u}","Secret":"${s}"}' "$k"`;

test('Docker Hub key', () => {
  assert.equal(serverKey('docker.io'), 'https://index.docker.io/v1/');
  assert.equal(serverKey('ghcr.io'), 'ghcr.io');
});

test('auths: base64 user:password, Docker Hub under its v1 key, URL-shaped keys', async () => {
  const env = await setup({ auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw1') }, 'https://ghcr.io': { auth: b64('gh:pw:with:colons') } } });
  const creds = dockerCredentials({ env });
  assert.deepEqual(await creds('docker.io'), { kind: 'basic', username: 'hub', secret: 'pw1' });
  assert.deepEqual(await creds('ghcr.io'), { kind: 'basic', username: 'gh', secret: 'pw:with:colons' });
  assert.equal(await creds('quay.io'), null);
});

test('credHelpers beats credsStore beats auths; the helper gets the server key on stdin', async () => {
  const env = await setup(
    { credHelpers: { 'ghcr.io': 'per' }, credsStore: 'store', auths: { 'ghcr.io': { auth: b64('a:from-auths') }, 'quay.io': { auth: b64('q:from-auths') } } },
    { per: answer('per-user', 'per-secret'), store: `read -r k; if [ "$k" = "https://index.docker.io/v1/" ]; then printf '{"Username":"<token>","Secret":"idtok"}'; else echo "credentials not found in native keychain"; exit 1; fi` },
  );
  const creds = dockerCredentials({ env });
  assert.deepEqual(await creds('ghcr.io'), { kind: 'basic', username: 'per-user', secret: 'per-secret' });
  assert.deepEqual(await creds('docker.io'), { kind: 'identity-token', token: 'idtok' });
  // credsStore is set, so auths is not consulted: "not found" from the store means anonymous.
  assert.equal(await creds('quay.io'), null);
});

test('helper names are restricted, failures and timeouts are anonymous, secrets never logged', async () => {
  const env = await setup(
    { credHelpers: { 'a.io': '../../bin/sh', 'b.io': 'broken', 'c.io': 'slow', 'd.io': 'garbage', 'e.io': 'missing' } },
    { broken: 'echo "leaked-secret-xyz" >&2; echo "leaked-secret-xyz"; exit 3', slow: 'sleep 5', garbage: 'echo not-json-secret' },
  );
  const logs: string[] = [];
  const creds = dockerCredentials({ env, helperTimeoutMs: 500, log: (m) => logs.push(m) });
  const t0 = Date.now();
  for (const h of ['a.io', 'b.io', 'c.io', 'd.io', 'e.io']) assert.equal(await creds(h), null, h);
  assert.ok(Date.now() - t0 < 4000, 'the slow helper was stopped at its timeout');
  assert.equal(logs.length, 5, logs.join('\n'));
  assert.match(logs[0] ?? '', /may only contain/);
  assert.match(logs[2] ?? '', /timed out/);
  for (const l of logs) assert.ok(!l.includes('leaked-secret') && !l.includes('not-json-secret'), l);
});

test('identitytoken in auths; malformed config ignored', async () => {
  const env = await setup({ auths: { 'r.io': { auth: b64('u:'), identitytoken: 'refresh-me' } } });
  assert.deepEqual(await dockerCredentials({ env })('r.io'), { kind: 'identity-token', token: 'refresh-me' });
  const bad = await setup('{oops');
  assert.equal(await dockerCredentials({ env: bad })('r.io'), null);
  const arr = await setup([1, 2]);
  assert.equal(await dockerCredentials({ env: arr })('r.io'), null);
});
