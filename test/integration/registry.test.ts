// Integration: the registry client against the real docker-registry (distribution 2.8) on loopback.
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyze } from '../../server/src/core/analyze';
import type { RegistryFact } from '../../server/src/core/facts';
import { parseReference, type ParsedReference } from '../../server/src/core/imageRef';
import { createHash } from 'node:crypto';
import { createAuthenticatedClient, TokenCache } from '../../server/src/registry/auth';
import { dockerCredentials, NO_CREDENTIALS, type CredentialSource } from '../../server/src/registry/credentials';
import { DistributionClient } from '../../server/src/registry/distribution';
import { createRegistryService, type RegistryService, type RegistryServiceOptions } from '../../server/src/registry/service';
import { createTransport, type Transport } from '../../server/src/registry/transport';
import { startRegistry, type RegistryHandle } from '../support/registry';

function ref(text: string): ParsedReference {
  const r = parseReference(text);
  assert.ok(r.ok, `bad test reference ${text}`);
  return r;
}

function ok(f: RegistryFact): Extract<RegistryFact, { state: 'ok' }> {
  assert.equal(f.state, 'ok', f.state === 'error' ? `${f.kind}: ${f.message}` : '');
  return f as Extract<RegistryFact, { state: 'ok' }>;
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function serviceFor(reg: RegistryHandle, opts: Partial<RegistryServiceOptions> & { credentials?: CredentialSource; ca?: boolean; insecure?: boolean } = {}): Promise<{ service: RegistryService; transport: Transport }> {
  const insecure = opts.insecure ?? !reg.url.startsWith('https:');
  const transport = createTransport({
    // The test's token server is plain http too: it must be listed like any other insecure host.
    insecureHosts: insecure ? [reg.host, ...(reg.tokenServer !== undefined ? [new URL(reg.tokenServer.url).host] : [])] : [],
    ...(opts.ca === true && reg.caPem !== undefined ? { extraCaCerts: { [reg.host]: reg.caPem } } : {}),
  });
  const service = createRegistryService({ timeoutMs: 5000, ...opts, http: transport.http, insecureRegistries: insecure ? [reg.host] : [] });
  cleanups.push(async () => {
    await service.dispose();
    await transport.close();
  });
  return { service, transport };
}

async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}

describe('anonymous registry', () => {
  let reg: RegistryHandle;
  before(async () => {
    reg = await startRegistry();
    cleanups.push(() => reg.stop());
  });

  test('schema2 tag: one HEAD, digest of the pushed manifest', async () => {
    const pushed = await reg.pushImage('library/alpine', '3.20', { kind: 'schema2' });
    const { service } = await serviceFor(reg);
    const f = ok(await service.resolve(ref(`${reg.host}/library/alpine:3.20`)));
    assert.equal(f.digest, pushed.digest);
    assert.equal(f.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(f.isIndex, false);
    assert.deepEqual(f.platforms, []);
    assert.equal(f.registry, reg.host);
    assert.equal(f.fromCache, false);
    assert.equal(service.stats.requests, 1, 'a single-manifest tag needs only the HEAD');
  });

  test('OCI single manifest tag', async () => {
    const pushed = await reg.pushImage('team/app', 'oci', { kind: 'oci' });
    const { service } = await serviceFor(reg);
    const f = ok(await service.resolve(ref(`${reg.host}/team/app:oci`)));
    assert.equal(f.digest, pushed.digest);
    assert.equal(f.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  });

  test('Docker manifest list: the index digest and its platforms', async () => {
    const pushed = await reg.pushImage('library/node', '22', { kind: 'list' });
    const { service } = await serviceFor(reg);
    const f = ok(await service.resolve(ref(`${reg.host}/library/node:22`)));
    assert.equal(f.digest, pushed.digest, 'must pin the list digest, not a platform child');
    assert.equal(f.isIndex, true);
    assert.equal(f.mediaType, 'application/vnd.docker.distribution.manifest.list.v2+json');
    assert.deepEqual(
      f.platforms.map((p) => [p.os, p.architecture, p.variant ?? '', p.digest]),
      pushed.children.map((c) => [c.os, c.architecture, c.variant ?? '', c.digest]),
    );
    assert.equal(service.stats.requests, 2, 'HEAD, then GET by digest for the platforms');
  });

  test('listPlatforms off: an index costs one HEAD (no Docker Hub pull), digest still exact', async () => {
    const pushed = await reg.pushImage('library/node', '20', { kind: 'list' });
    const { service } = await serviceFor(reg, { listPlatforms: false });
    const f = ok(await service.resolve(ref(`${reg.host}/library/node:20`)));
    assert.equal(f.digest, pushed.digest);
    assert.equal(f.isIndex, true);
    assert.deepEqual(f.platforms, []);
    assert.equal(service.stats.requests, 1);
  });

  test('OCI index: attestation manifest skipped', async () => {
    const pushed = await reg.pushImage('library/python', '3.13', { kind: 'oci-index' });
    assert.ok(pushed.attestationDigest !== undefined);
    const { service } = await serviceFor(reg);
    const f = ok(await service.resolve(ref(`${reg.host}/library/python:3.13`)));
    assert.equal(f.digest, pushed.digest);
    assert.equal(f.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.equal(f.platforms.length, 2);
    assert.ok(!f.platforms.some((p) => p.digest === pushed.attestationDigest));
    assert.deepEqual(f.platforms.map((p) => `${p.os}/${p.architecture}${p.variant ? '/' + p.variant : ''}`), ['linux/amd64', 'linux/arm64/v8']);
  });

  test('pinned references: known, platform-child, unknown and digest-only', async () => {
    const pushed = await reg.pushImage('library/busybox', '1', { kind: 'list' });
    const { service } = await serviceFor(reg);
    const unknown = 'sha256:' + 'ab'.repeat(32);
    assert.equal(ok(await service.resolve(ref(`${reg.host}/library/busybox:1@${pushed.digest}`))).pinnedDigestKnown, true);
    const child = pushed.children[1]?.digest ?? '';
    assert.equal(ok(await service.resolve(ref(`${reg.host}/library/busybox:1@${child}`))).pinnedDigestKnown, true);
    const stale = ok(await service.resolve(ref(`${reg.host}/library/busybox:1@${unknown}`)));
    assert.equal(stale.pinnedDigestKnown, false);
    assert.equal(stale.digest, pushed.digest);
    const only = ok(await service.resolve(ref(`${reg.host}/library/busybox@${pushed.digest}`)));
    assert.equal(only.pinnedDigestKnown, true);
    assert.equal(only.isIndex, true);
    assert.equal(only.platforms.length, 2);
    const onlyUnknown = ok(await service.resolve(ref(`${reg.host}/library/busybox@${unknown}`)));
    assert.equal(onlyUnknown.pinnedDigestKnown, false);
  });

  test('unknown tag and unknown repository: not-found', async () => {
    await reg.pushImage('library/alpine', '3.20');
    const { service } = await serviceFor(reg);
    for (const r of [`${reg.host}/library/alpine:nope`, `${reg.host}/nobody/here:1`]) {
      const f = await service.resolve(ref(r));
      assert.equal(f.state, 'error');
      assert.equal(f.state === 'error' && f.kind, 'not-found', r);
    }
  });

  test('tag moved after pinning: the pinned digest is still known, the tag points elsewhere', async () => {
    const v1 = await reg.pushImage('library/moving', 'stable', { kind: 'oci-index', seed: 'one' });
    const v2 = await reg.pushImage('library/moving', 'stable', { kind: 'oci-index', seed: 'two' });
    assert.notEqual(v1.digest, v2.digest);
    const { service } = await serviceFor(reg);
    const f = ok(await service.resolve(ref(`${reg.host}/library/moving:stable@${v1.digest}`)));
    assert.equal(f.digest, v2.digest);
    assert.equal(f.pinnedDigestKnown, true);
    // Through the engine: the facts view turns this into "newer digest" with an update fix.
    const dockerfile = `FROM --platform=linux/amd64 ${reg.host}/library/moving:stable@${v1.digest} AS base\n`;
    const findings = analyze(dockerfile, { facts: service.facts() }).findings.filter((x) => x.ruleId === 'registry-newer-digest');
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.fixes?.[0]?.edits[0]?.newText, `${reg.host}/library/moving:stable@${v2.digest}`);
    // Once the old manifest is deleted the pin names content the registry no longer has.
    assert.equal(await reg.deleteManifest('library/moving', v1.digest), 202);
    service.clear();
    const g = ok(await service.resolve(ref(`${reg.host}/library/moving:stable@${v1.digest}`)));
    assert.equal(g.pinnedDigestKnown, false);
    const unknown = analyze(dockerfile, { facts: service.facts() }).findings.filter((x) => x.ruleId.startsWith('registry-'));
    assert.deepEqual(unknown.map((x) => x.ruleId), ['registry-digest-unknown']);
  });

  test('cache: warm lookups send nothing, shared in-flight lookups, persisted and offline', async () => {
    const pushed = await reg.pushImage('library/cached', '1', { kind: 'list' });
    const dir = await tempDir('dt-cache-');
    const { service } = await serviceFor(reg, { cacheDir: dir });
    const r = ref(`${reg.host}/library/cached:1`);
    const [a, b] = await Promise.all([service.resolve(r), service.resolve(r)]);
    assert.deepEqual(a, b);
    assert.equal(service.stats.networkLookups, 1, 'two callers share one lookup');
    const before = service.stats.requests;
    const warm = ok(await service.resolve(r));
    assert.equal(service.stats.requests, before, 'a fresh entry answers without any request');
    assert.equal(warm.fromCache, true);
    assert.equal(warm.digest, pushed.digest);
    await service.flush();
    const file = JSON.parse(await readFile(join(dir, 'registry-cache.json'), 'utf8')) as { version: number; entries: Record<string, unknown> };
    assert.equal(file.version, 1);
    assert.ok(r.canonical in file.entries);

    // A new process (new service), offline: answers from disk, zero requests; unknown → offline state.
    const { service: off } = await serviceFor(reg, { cacheDir: dir, offline: true });
    const cached = ok(await off.resolve(r));
    assert.equal(cached.digest, pushed.digest);
    assert.equal(cached.fromCache, true);
    const missing = await off.resolve(ref(`${reg.host}/library/other:1`));
    assert.equal(missing.state === 'error' && missing.kind, 'offline');
    assert.equal(off.stats.requests, 0);
    assert.equal(off.facts().get(r)?.registry?.state, 'ok');
  });

  test('TTL: fresh entries answer locally, expired ones are looked up again; failures expire sooner', async () => {
    await reg.pushImage('library/ttl', '1');
    let now = Date.parse('2026-11-28T12:00:00Z');
    const { service } = await serviceFor(reg, { now: () => now, ttlMs: 60_000, negativeTtlMs: 10_000 });
    const good = ref(`${reg.host}/library/ttl:1`);
    const missing = ref(`${reg.host}/library/ttl:missing`);
    ok(await service.resolve(good));
    assert.equal((await service.resolve(missing)).state, 'error');
    const base = service.stats.requests;
    now += 9_000;
    await service.resolve(good);
    await service.resolve(missing);
    assert.equal(service.stats.requests, base, 'both still fresh');
    now += 2_000;
    await service.resolve(good);
    assert.equal(service.stats.requests, base, 'positive entry still fresh');
    await service.resolve(missing);
    assert.equal(service.stats.requests, base + 1, 'negative entry expired after 10 s');
    now += 50_000;
    const again = ok(await service.resolve(good));
    assert.equal(again.fromCache, false);
    assert.equal(service.stats.requests, base + 2, 'positive entry expired after 60 s');
    assert.equal(again.lookedUpAt, new Date(now).toISOString());
  });

  test('a corrupt or hostile cache file is ignored, not trusted', async () => {
    const pushed = await reg.pushImage('library/cached2', '1');
    const dir = await tempDir('dt-cache-bad-');
    const r = ref(`${reg.host}/library/cached2:1`);
    await writeFile(
      join(dir, 'registry-cache.json'),
      JSON.stringify({ version: 1, entries: { [r.canonical]: { fact: { state: 'ok', registry: reg.host, digest: 'sha256:XYZ', mediaType: 'x', isIndex: false, platforms: [], lookedUpAt: new Date().toISOString() }, expiresAt: Date.now() + 1e9 } } }),
    );
    const { service } = await serviceFor(reg, { cacheDir: dir });
    const f = ok(await service.resolve(r));
    assert.equal(f.digest, pushed.digest);
    assert.equal(f.fromCache, false);
    await writeFile(join(dir, 'registry-cache.json'), '{not json');
    const { service: s2 } = await serviceFor(reg, { cacheDir: dir });
    assert.equal(ok(await s2.resolve(r)).digest, pushed.digest);
  });

  test('ping: /v2/ answers', async () => {
    const transport = createTransport({ insecureHosts: [reg.host] });
    cleanups.push(() => transport.close());
    const client = new DistributionClient({ http: transport.http, credentials: NO_CREDENTIALS, insecureHosts: [reg.host] });
    assert.deepEqual(await client.ping(reg.host), { ok: true, status: 200, challenge: null });
  });

  test('plain http is refused unless the registry is listed as insecure', async () => {
    const { service } = await serviceFor(reg, { insecure: false });
    const f = await service.resolve(ref(`${reg.host}/library/alpine:3.20`));
    // Not insecure → https to a plain-http server: the TLS handshake fails.
    assert.equal(f.state, 'error');
    assert.ok(f.state === 'error' && (f.kind === 'tls' || f.kind === 'unreachable'), f.state === 'error' ? f.kind : '');
    const transport = createTransport({});
    cleanups.push(() => transport.close());
    const res = await transport.http({ url: `${reg.url}/v2/`, maxBytes: 1024, timeoutMs: 2000 });
    assert.equal(res.ok, false);
    assert.equal(!res.ok && res.kind, 'insecure-refused');
  });
});

describe('TLS registry', () => {
  let reg: RegistryHandle;
  before(async () => {
    reg = await startRegistry({ tls: true });
    cleanups.push(() => reg.stop());
  });
  test('verified with the per-host CA; refused without it', async () => {
    const pushed = await reg.pushImage('library/alpine', '3');
    const { service } = await serviceFor(reg, { ca: true });
    assert.equal(ok(await service.resolve(ref(`${reg.host}/library/alpine:3`))).digest, pushed.digest);
    const { service: noCa } = await serviceFor(reg, { ca: false });
    const f = await noCa.resolve(ref(`${reg.host}/library/alpine:3`));
    assert.equal(f.state === 'error' && f.kind, 'tls');
    assert.match(f.state === 'error' ? f.message : '', /TLS verification failed/);
  });
});

async function dockerConfig(auths: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<{ env: Record<string, string>; dir: string }> {
  const dir = await tempDir('dt-docker-');
  await writeFile(join(dir, 'config.json'), JSON.stringify({ auths, ...extra }));
  return { dir, env: { DOCKER_CONFIG: dir, PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, HOME: dir } };
}

async function helperScript(dir: string, name: string, host: string, username: string, secret: string): Promise<void> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  const path = join(dir, 'bin', `docker-credential-${name}`);
  // A real credential helper speaks this protocol: server key on stdin, JSON on stdout.
  await writeFile(
    path,
    `#!/bin/sh\nread -r server || true\necho "$1 $server" >> "${join(dir, 'helper.log')}"\n` +
      `if [ "$server" = "${host}" ]; then printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' "$server" '${username}' '${secret}'; ` +
      `else echo "credentials not found in native keychain"; exit 1; fi\n`,
  );
  await chmod(path, 0o755);
}

describe('htpasswd Basic auth', () => {
  let reg: RegistryHandle;
  before(async () => {
    reg = await startRegistry({ auth: 'htpasswd' });
    cleanups.push(() => reg.stop());
  });
  test('anonymous is unauthorized; auths entry from config.json works; secret never in messages', async () => {
    const pushed = await reg.pushImage('private/app', '1', { kind: 'list' });
    const { service: anon } = await serviceFor(reg);
    const f = await anon.resolve(ref(`${reg.host}/private/app:1`));
    assert.equal(f.state === 'error' && f.kind, 'unauthorized');

    const wrong = await dockerConfig({ [reg.host]: { auth: Buffer.from(`${reg.username}:wrong-secret-123`).toString('base64') } });
    const { service: bad } = await serviceFor(reg, { credentials: dockerCredentials({ env: wrong.env }) });
    const g = await bad.resolve(ref(`${reg.host}/private/app:1`));
    assert.equal(g.state === 'error' && g.kind, 'unauthorized');
    assert.ok(!JSON.stringify(g).includes('wrong-secret-123'));

    const good = await dockerConfig({ [reg.host]: { auth: Buffer.from(`${reg.username}:${reg.password}`).toString('base64') } });
    const { service } = await serviceFor(reg, { credentials: dockerCredentials({ env: good.env }) });
    const h = ok(await service.resolve(ref(`${reg.host}/private/app:1`)));
    assert.equal(h.digest, pushed.digest);
    assert.equal(h.platforms.length, 2);
    assert.ok(!JSON.stringify(h).includes(reg.password));
  });

  test('credential helper script on PATH (credHelpers beats auths)', async () => {
    const pushed = await reg.pushImage('private/helper', '1');
    const cfg = await dockerConfig({ [reg.host]: { auth: Buffer.from('tester:not-this-one').toString('base64') } }, { credHelpers: { [reg.host]: 'dttest' } });
    await helperScript(cfg.dir, 'dttest', reg.host, reg.username, reg.password);
    const { service } = await serviceFor(reg, { credentials: dockerCredentials({ env: cfg.env }) });
    assert.equal(ok(await service.resolve(ref(`${reg.host}/private/helper:1`))).digest, pushed.digest);
    const calls = await readFile(join(cfg.dir, 'helper.log'), 'utf8');
    assert.equal(calls.trim(), `get ${reg.host}`);
  });
});

describe('Bearer token auth (token server of the test)', () => {
  let reg: RegistryHandle;
  before(async () => {
    reg = await startRegistry({ auth: 'token' });
    cleanups.push(() => reg.stop());
  });

  test('anonymous: token without access → unauthorized', async () => {
    await reg.pushImage('private/tok', '1');
    const { service } = await serviceFor(reg);
    const f = await service.resolve(ref(`${reg.host}/private/tok:1`));
    assert.equal(f.state === 'error' && f.kind, 'unauthorized');
    const last = reg.tokenServer?.requests.at(-1);
    assert.ok(last !== undefined);
    assert.equal(last.authorization, undefined, 'no credentials were configured, none sent');
    assert.match(last.url, /scope=repository%3Aprivate%2Ftok%3Apull/);
    assert.match(last.url, /service=test-registry/);
  });

  test('Basic credentials to the realm, token reused until expiry', async () => {
    const pushed = await reg.pushImage('private/tok2', '1', { kind: 'oci-index' });
    const cfg = await dockerConfig({ [reg.host]: { auth: Buffer.from(`${reg.username}:${reg.password}`).toString('base64') } });
    const { service } = await serviceFor(reg, { credentials: dockerCredentials({ env: cfg.env }) });
    const seen = reg.tokenServer?.requests.length ?? 0;
    const f = ok(await service.resolve(ref(`${reg.host}/private/tok2:1`)));
    assert.equal(f.digest, pushed.digest);
    const tokenRequests = (reg.tokenServer?.requests ?? []).slice(seen);
    assert.equal(tokenRequests.length, 1, 'one token for HEAD and GET');
    assert.equal(tokenRequests[0]?.authorization, 'Basic ' + Buffer.from(`${reg.username}:${reg.password}`).toString('base64'));
    // New tag, same repository scope: the cached token is used up front (no 401 round trip, no token fetch).
    await reg.pushImage('private/tok2', '2');
    const before = service.stats.requests;
    ok(await service.resolve(ref(`${reg.host}/private/tok2:2`)));
    assert.equal((reg.tokenServer?.requests ?? []).slice(seen).length, 1);
    assert.equal(service.stats.requests - before, 1, 'only the HEAD');
  });

  test('createAuthenticatedClient: generic GET (as notary/cosign helpers use it) fetches a blob with a scoped token', async () => {
    const pushed = await reg.pushImage('private/blobs', '1');
    const manifest = JSON.parse(pushed.manifest.toString('utf8')) as { config: { digest: string } };
    const cfg = await dockerConfig({ [reg.host]: { auth: Buffer.from(`${reg.username}:${reg.password}`).toString('base64') } });
    const transport = createTransport({ insecureHosts: [reg.host, new URL(reg.tokenServer?.url ?? 'http://x').host] });
    cleanups.push(() => transport.close());
    const client = createAuthenticatedClient({
      http: transport.http,
      credentialHost: reg.host,
      credentialOrigin: reg.url,
      credentials: dockerCredentials({ env: cfg.env }),
      scope: 'repository:private/blobs:pull',
      tokens: new TokenCache(),
    });
    const res = await client({ url: `${reg.url}/v2/private/blobs/blobs/${manifest.config.digest}`, maxBytes: 1 << 20, timeoutMs: 5000 });
    assert.ok(res.ok);
    assert.equal(res.status, 200);
    assert.equal('sha256:' + createHash('sha256').update(res.body).digest('hex'), manifest.config.digest);
    const last = reg.tokenServer?.requests.at(-1);
    assert.match(last?.url ?? '', /scope=repository%3Aprivate%2Fblobs%3Apull/);
  });

  test('identity token from a credential helper: OAuth refresh grant', async () => {
    const pushed = await reg.pushImage('private/idt', '1');
    const cfg = await dockerConfig({}, { credsStore: 'dtstore' });
    await helperScript(cfg.dir, 'dtstore', reg.host, '<token>', reg.tokenServer?.refreshToken ?? '');
    const { service } = await serviceFor(reg, { credentials: dockerCredentials({ env: cfg.env }) });
    const seen = reg.tokenServer?.requests.length ?? 0;
    assert.equal(ok(await service.resolve(ref(`${reg.host}/private/idt:1`))).digest, pushed.digest);
    const posts = (reg.tokenServer?.requests ?? []).slice(seen);
    assert.equal(posts.length, 1);
    assert.equal(posts[0]?.method, 'POST');
    const form = new URLSearchParams(posts[0]?.body ?? '');
    assert.equal(form.get('grant_type'), 'refresh_token');
    assert.equal(form.get('scope'), 'repository:private/idt:pull');
    assert.equal(form.get('service'), 'test-registry');
    assert.equal(posts[0]?.authorization, undefined);
  });
});
